/* segdump.c - the TCP segments `kaprobe replay` reads in a capture, one a
 * line, for comparing with tshark (tests/replay/t_tshark_frags.sh).
 *
 *   segdump FILE
 *
 * Prints "FRAME<TAB>SEQ<TAB>ACK<TAB>FLAGS<TAB>LEN" for each frame that yields
 * a TCP segment through replay's own intake (decode/intake.h: decode,
 * reassembly, the kernel's gate), FLAGS as tshark's tcp.flags (0x0018);
 * then "# tcp N fragments N incomplete N" as replay's summary counts them.
 * Exit 0, 65 when FILE is not a capture, 66 when it cannot be opened.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capfile/capfile.h"
#include "decode/intake.h"

int main(int argc, char **argv)
{
	struct capfile cf;
	struct capframe f;
	struct segment s;
	struct reasm r;
	uint64_t frame = 0, tcp = 0;
	FILE *fp;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: segdump FILE\n");
		return 64;
	}
	if (!(fp = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return 66;
	}
	if (cap_open(&cf, fp, argv[1], NULL) < 0) {
		fprintf(stderr, "segdump: %s\n", cf.err);
		return 65;
	}
	reasm_init(&r, NULL);
	while ((n = cap_next(&cf, &f)) == 1) {
		frame++;
		if (f.linktype < 0 ||
		    intake_frame(&r, f.linktype, f.data, f.caplen, f.wirelen, f.t, &s) != INTAKE_OK ||
		    s.kind != SEG_TCP)
			continue;
		tcp++;
		printf("%" PRIu64 "\t%" PRIu32 "\t%" PRIu32 "\t0x%04x\t%" PRIu32 "\n", frame, s.seq,
		       s.ack, s.flags, s.len);
	}
	reasm_expire(&r, -1);
	printf("# tcp %" PRIu64 " fragments %" PRIu64 " incomplete %" PRIu64 "\n", tcp, r.merged,
	       r.lost);
	reasm_free(&r);
	cap_close(&cf);
	return n < 0 ? 65 : 0;
}
