/* pcapread.c - the bare libpcap read loop over a capture file: the speed
 * ceiling for any reader built on libpcap, `kaprobe replay` included.
 *
 *   pcapread FILE      (FILE may be -)
 *
 * Prints "packets N bytes B seconds S pps P" on stdout.  The captured bytes
 * are summed (and printed) so the compiler cannot drop the loop body, and
 * one byte of every record is touched so its page is really read, as a
 * decoder would.  Exit 0, 65 when the file is not a capture or ends inside a
 * record, 66 when it cannot be opened: the same statuses as kaprobe replay.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, bytes = 0, touch = 0;
	double t0, dt;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcapread FILE\n");
		return 64;
	}
	if (strcmp(argv[1], "-") != 0) {
		/* pcap_open_offline gives one message for "missing" and "not a
		 * capture"; tell them apart the way kaprobe replay does. */
		FILE *f = fopen(argv[1], "rb");

		if (!f) {
			fprintf(stderr, "pcapread: %s: %s\n", argv[1], strerror(errno));
			return 66;
		}
		fclose(f);
	}
	t0 = now();
	p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcapread: %s\n", err);
		return 65;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
		if (h->caplen)
			touch += data[h->caplen - 1];
	}
	dt = now() - t0;
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcapread: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 65;
	}
	pcap_close(p);
	printf("packets %llu bytes %llu seconds %.3f pps %.0f (check %llu)\n",
	       (unsigned long long)packets, (unsigned long long)bytes, dt,
	       dt > 0 ? (double)packets / dt : 0.0, (unsigned long long)(touch & 0xffff));
	return 0;
}
