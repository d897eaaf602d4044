/* extract_frames.c - make fuzz_segment seeds from captures.
 *
 *   extract_frames OUTDIR MAX capture...
 *
 * Writes up to MAX frames of each capture to OUTDIR/<capture>-<n>, each as
 * one link-type byte (the index fuzz_segment.c uses) followed by the frame.
 * Raw-IP frames are also written as LINKTYPE_RAW (101) and as DLT_IPV4 or
 * DLT_IPV6; NULL frames also as DLT_LOOP (family in network order).
 * run.sh and regress.sh do not need it; it is how seeds/segment was made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

/* Indexes into fuzz_segment.c's linktypes[]. */
enum { I_EN10MB, I_SLL, I_SLL2, I_RAW, I_RAW101, I_IPV4, I_IPV6, I_NULL, I_LOOP };

static void put(const char *dir, const char *base, unsigned n, const char *tag, int idx,
		const u_char *b, unsigned len)
{
	char path[4096];
	FILE *f;
	unsigned char c = (unsigned char)idx;

	snprintf(path, sizeof path, "%s/%s-%u%s", dir, base, n, tag);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fwrite(&c, 1, 1, f);
	fwrite(b, 1, len, f);
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: extract_frames OUTDIR MAX capture...\n");
		return 64;
	}
	unsigned max = (unsigned)atoi(argv[2]);

	for (int i = 3; i < argc; i++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(argv[i], err);
		struct pcap_pkthdr *h;
		const u_char *b;
		const char *base = strrchr(argv[i], '/');
		unsigned n = 0;
		int idx;

		base = base ? base + 1 : argv[i];
		if (!p) {
			fprintf(stderr, "%s: %s\n", argv[i], err);
			return 1;
		}
		switch (pcap_datalink(p)) {
		case DLT_EN10MB: idx = I_EN10MB; break;
		case DLT_LINUX_SLL: idx = I_SLL; break;
		case DLT_LINUX_SLL2: idx = I_SLL2; break;
		case DLT_RAW: idx = I_RAW; break;
		case DLT_NULL: idx = I_NULL; break;
		case DLT_LOOP: idx = I_LOOP; break;
		case DLT_IPV4: idx = I_IPV4; break;
		case DLT_IPV6: idx = I_IPV6; break;
		default:
			fprintf(stderr, "%s: link type %d skipped\n", argv[i], pcap_datalink(p));
			pcap_close(p);
			continue;
		}
		while (n < max && pcap_next_ex(p, &h, &b) == 1) {
			n++;
			put(argv[1], base, n, "", idx, b, h->caplen);
			if (idx == I_RAW && h->caplen > 0) {
				put(argv[1], base, n, "-101", I_RAW101, b, h->caplen);
				put(argv[1], base, n, "-ipver", b[0] >> 4 == 6 ? I_IPV6 : I_IPV4,
				    b, h->caplen);
			}
			if (idx == I_NULL && h->caplen >= 4) {
				u_char *c = malloc(h->caplen);
				unsigned fam;

				memcpy(c, b, h->caplen);
				memcpy(&fam, b, 4);
				c[0] = (u_char)(fam >> 24); c[1] = (u_char)(fam >> 16);
				c[2] = (u_char)(fam >> 8); c[3] = (u_char)fam;
				put(argv[1], base, n, "-loop", I_LOOP, c, h->caplen);
				free(c);
			}
		}
		pcap_close(p);
	}
	return 0;
}
