/* test_outq.c - the output queue: writes what a pipe takes without
 * blocking and the rest later, in order; waits for a reader at the end;
 * remembers a closed reader; says when it is over its bound; and the text
 * module then drops what -q would drop, counted, and keeps the rest. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emit/outq.h"
#include "emit/text.h"
#include "unit.h"

#define BIG (1u << 20)   /* more than a pipe holds (64 KiB by default) */

/* BIG bytes, a pattern whose every offset is told apart from its
 * neighbours'. */
static char *pattern(void)
{
	char *p = malloc(BIG);

	for (size_t i = 0; p && i < BIG; i++)
		p[i] = (char)(i * 7 + i / 251);
	return p;
}

/* Read what the pipe holds now, without waiting, appending at got[*n]. */
static void read_now(int fd, char *got, size_t *n)
{
	int fl = fcntl(fd, F_GETFL);
	ssize_t r;

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (*n < BIG && (r = read(fd, got + *n, BIG - *n)) > 0)
		*n += (size_t)r;
	fcntl(fd, F_SETFL, fl);
}

static void test_pipe_never_blocks(void)
{
	char *in = pattern(), *got = malloc(BIG);
	size_t n = 0;
	struct outq q;
	int p[2];

	CU_ASSERT_FATAL(in && got && pipe(p) == 0);
	outq_init(&q, p[1], 0);
	CU_ASSERT_EQUAL(q.mode, OUTQ_OWN_FD);
	/* The pipe's own description stays blocking: only ours is not. */
	CU_ASSERT_FALSE(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	CU_ASSERT_TRUE(outq_push(&q, in, BIG / 2));
	CU_ASSERT_TRUE(outq_push(&q, in + BIG / 2, BIG / 2));
	CU_ASSERT_EQUAL(outq_write(&q), 1);       /* the pipe is full: some waits */
	CU_ASSERT(outq_pending(&q) > 0 && outq_pending(&q) < BIG);
	for (int i = 0; i < 1000 && outq_pending(&q); i++) {
		read_now(p[0], got, &n);
		CU_ASSERT(outq_write(&q) >= 0);
	}
	CU_ASSERT_EQUAL(outq_write(&q), 0);
	read_now(p[0], got, &n);
	CU_ASSERT_EQUAL(n, BIG);
	CU_ASSERT(memcmp(in, got, BIG) == 0);
	outq_free(&q);
	close(p[0]);
	close(p[1]);
	free(in);
	free(got);
}

/* A reader that takes BIG bytes in small sips; it exits 0 when they are
 * the pattern. */
static pid_t slow_reader(int fd, const char *want)
{
	pid_t pid = fork();
	static char got[BIG];
	size_t n = 0;
	ssize_t r;

	if (pid != 0)
		return pid;
	while (n < BIG && (r = read(fd, got + n, 4096)) > 0) {
		n += (size_t)r;
		if (n % (64 << 10) < 4096)
			usleep(1000);
	}
	_exit(n == BIG && memcmp(got, want, BIG) == 0 ? 0 : 1);
}

static void test_drain_waits_for_the_reader(void)
{
	char *in = pattern();
	struct outq q;
	int p[2], status = -1;
	pid_t pid;

	CU_ASSERT_FATAL(in && pipe(p) == 0);
	outq_init(&q, p[1], 0);
	CU_ASSERT_TRUE(outq_push(&q, in, BIG));
	pid = slow_reader(p[0], in);
	CU_ASSERT_FATAL(pid > 0);
	close(p[0]);
	CU_ASSERT_EQUAL(outq_drain(&q), 0);
	CU_ASSERT_EQUAL(outq_pending(&q), 0);
	waitpid(pid, &status, 0);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	outq_free(&q);
	close(p[1]);
	free(in);
}

static void test_closed_reader_remembered(void)
{
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	struct outq q;
	int p[2];

	CU_ASSERT_FATAL(pipe(p) == 0);
	outq_init(&q, p[1], 0);
	close(p[0]);
	outq_push(&q, "line\n", 5);
	CU_ASSERT_EQUAL(outq_write(&q), -1);
	CU_ASSERT_EQUAL(q.err, EPIPE);
	CU_ASSERT_EQUAL(outq_pending(&q), 0);
	outq_push(&q, "more\n", 5);               /* taken and dropped */
	CU_ASSERT_EQUAL(outq_pending(&q), 0);
	CU_ASSERT_EQUAL(outq_drain(&q), -1);
	outq_free(&q);
	close(p[1]);
	signal(SIGPIPE, old);
}

static void test_regular_file_plain(void)
{
	FILE *f = tmpfile();
	char buf[16] = "";
	struct outq q;

	CU_ASSERT_FATAL(f != NULL);
	outq_init(&q, fileno(f), 0);
	CU_ASSERT_EQUAL(q.mode, OUTQ_PLAIN);
	CU_ASSERT_EQUAL(q.fd, fileno(f));
	outq_push(&q, "one\n", 4);
	outq_push(&q, "two\n", 4);
	CU_ASSERT_EQUAL(outq_write(&q), 0);
	CU_ASSERT_EQUAL(pread(fileno(f), buf, sizeof buf - 1, 0), 8);
	CU_ASSERT_STRING_EQUAL(buf, "one\ntwo\n");
	outq_free(&q);
	fclose(f);
}

static void test_bound(void)
{
	struct outq q;
	int p[2];

	CU_ASSERT_FATAL(pipe(p) == 0);
	outq_init(&q, p[1], 100);
	CU_ASSERT_FALSE(outq_over(&q));
	for (int i = 0; i < 9; i++)
		outq_push(&q, "0123456789", 10);
	CU_ASSERT_FALSE(outq_over(&q));
	outq_push(&q, "0123456789", 10);
	CU_ASSERT_TRUE(outq_over(&q));
	CU_ASSERT_EQUAL(outq_write(&q), 0);      /* the pipe takes 100 bytes */
	CU_ASSERT_FALSE(outq_over(&q));
	outq_free(&q);
	close(p[0]);
	close(p[1]);
}

static int count(const char *s, const char *word)
{
	int n = 0;

	for (; (s = strstr(s, word)); s++)
		n++;
	return n;
}

/* Over its bound, the text module drops probes and replies, counts them,
 * and still writes the verdict and the summary, with the count. */
static void test_text_drops_what_q_drops(void)
{
	struct ka_machine m = { .st = { .sent = 1 } };
	struct text tx;
	struct outq q;
	struct emitter em;
	int p[2];
	char buf[4096] = "";
	ssize_t n;

	CU_ASSERT_FATAL(pipe(p) == 0);
	outq_init(&q, p[1], 300);
	text_init(&tx, NULL, true, false, 0);
	text_use_queue(&tx, &q);
	emit_init(&em);
	emit_attach(&em, &text_module, &tx);
	for (int i = 0; i < 10; i++)
		emit(&em, &(struct event){ .kind = EV_PROBE, .u.probe = { .n = 1, .round = 1 } });
	CU_ASSERT(tx.lines_dropped > 0 && tx.lines_dropped < 10);
	emit(&em, &(struct event){ .kind = EV_VERDICT, .u.verdict = { "dead" } });
	emit(&em, &(struct event){ .kind = EV_SUMMARY, .u.summary = {
		.m = &m, .drops = { .dropped = 7, .if_dropped = 1 } } });
	CU_ASSERT_TRUE(text_drain(&tx));
	n = read(p[0], buf, sizeof buf - 1);
	CU_ASSERT(n > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"verdict\":\"dead\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"dropped\":7,\"if_dropped\":1,\"lines_dropped\":"));
	CU_ASSERT_EQUAL(count(buf, "\"event\":\"probe\""), 10 - (int)tx.lines_dropped);
	outq_free(&q);
	close(p[0]);
	close(p[1]);
}

/* A human summary says what was dropped, in a line each; nothing when
 * nothing was. */
static void test_human_drops(void)
{
	struct ka_machine m = { .st = { .sent = 1 } };
	char buf[1024];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	struct text tx;
	struct emitter em;

	CU_ASSERT_FATAL(f != NULL);
	text_init(&tx, f, false, false, 0);
	emit_init(&em);
	emit_attach(&em, &text_module, &tx);
	emit(&em, &(struct event){ .kind = EV_SUMMARY, .u.summary = { .m = &m } });
	tx.lines_dropped = 3;
	emit(&em, &(struct event){ .kind = EV_SUMMARY, .u.summary = {
		.m = &m, .drops = { .dropped = 7, .if_dropped = 1 } } });
	text_flush(&tx);
	fclose(f);
	CU_ASSERT_EQUAL(count(buf, "capture: "), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\ncapture: 7 packets dropped by the kernel before "
				      "kaprobe read them (the interface dropped 1)\n"
				      "output: 3 lines dropped: stdout was read too slowly\n"));
}

void suite_outq(void)
{
	UNIT_SUITE("outq",
		   UNIT_TEST(test_pipe_never_blocks),
		   UNIT_TEST(test_drain_waits_for_the_reader),
		   UNIT_TEST(test_closed_reader_remembered),
		   UNIT_TEST(test_regular_file_plain),
		   UNIT_TEST(test_bound),
		   UNIT_TEST(test_text_drops_what_q_drops),
		   UNIT_TEST(test_human_drops));
}
