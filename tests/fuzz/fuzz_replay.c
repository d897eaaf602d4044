/* fuzz_replay.c - libFuzzer harness for `kaprobe replay` (src/cmd/replay.c).
 *
 * The input is a whole capture file (pcap or pcapng, any link type),
 * read through fmemopen() by replay_stream() twice:
 *   1. JSON output, flow_timeout 0 (every sweep releases every live flow,
 *      so the release/verdict path runs as often as possible);
 *   2. human output, the default 3 h flow timeout, and timings
 *      (--idle 1s --intvl 1s --probes 3), so the would-die machine runs.
 * Output goes to /dev/null (LLVMFuzzerInitialize), and so do replay's own
 * stderr messages unless FUZZ_STDERR is set: the `stderr` stream is pointed
 * at /dev/null, but file descriptor 2 is left alone, so sanitizer and
 * libFuzzer reports (written to fd 2, or to libFuzzer's own copy of the
 * original stream) still show.  The exit status must be
 * 0 (read through), 65 (not a capture / damaged) or 70 (out of memory),
 * and both runs must agree on it unless one ran out of memory.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/replay.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "w", stdout))
		abort();
	if (!getenv("FUZZ_STDERR")) {
		FILE *null = fopen("/dev/null", "w");

		if (null)
			stderr = null;
	}
	return 0;
}

static int run(const uint8_t *data, size_t size, const struct replay_opts *o)
{
	/* fmemopen wants a writable buffer; an exact-size copy also lets
	 * ASan see any read past the file. */
	uint8_t *buf = malloc(size ? size : 1);
	FILE *fp;
	int rc;

	if (!buf)
		return -1;
	if (size)
		memcpy(buf, data, size);
	fp = fmemopen(buf, size, "rb");
	if (!fp) {
		free(buf);
		return -1;
	}
	rc = replay_stream(fp, o);   /* closes fp */
	free(buf);
	CHECK(rc == 0 || rc == 65 || rc == 70);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct replay_opts json = {
		.file = "fuzz", .json = true,
	};
	const struct replay_opts timed = {
		.file = "fuzz", .timings = true,
		.cfg = { 1000000, 1000000, 3, 2500000 },
		.flow_timeout = 3LL * 3600 * 1000000,
		.max_flows = 64,
		.box = { { "2s", 2000000 } },
		.nboxes = 1,
	};
	int r1, r2;

	if (size == 0)
		return 0;   /* fmemopen refuses an empty buffer */
	r1 = run(data, size, &json);
	r2 = run(data, size, &timed);
	if (r1 >= 0 && r2 >= 0 && r1 != 70 && r2 != 70)
		CHECK(r1 == r2);
	return 0;
}
