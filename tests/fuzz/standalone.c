/* standalone.c - a main() for the fuzz harnesses without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named on the command line (after
 * LLVMFuzzerInitialize, when the harness defines it).  Used by regress.sh so
 * that every crash found once, and every seed, is re-run by `make test`.
 * A crash (ASan/UBSan report, __builtin_trap) kills the process; regress.sh
 * runs one file per process to tell which file failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		fprintf(stderr, "standalone: cannot open %s\n", path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				fprintf(stderr, "standalone: out of memory\n");
				exit(2);
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		if (got == 0)
			break;
		len += got;
	}
	if (ferror(f)) {
		fprintf(stderr, "standalone: cannot read %s\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	{
		/* Exact size, as libFuzzer passes it, so over-reads are seen. */
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact)
			exit(2);
		for (size_t i = 0; i < len; i++)
			exact[i] = buf[i];
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (run_file(argv[i]) < 0)
			bad = 1;
	return bad;
}
