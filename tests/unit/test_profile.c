/* test_profile.c - the fixed profiles (docs/KEEPALIVE-FACTS.md) and "system"
 * read from a directory of fake sysctl files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcp/profile.h"
#include "unit.h"

#define SEC 1000000LL

static void profile_is(const char *name, ka_time idle, ka_time intvl, unsigned probes)
{
	struct ka_config c = { 0, 0, 0, 0 };
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(profile_apply(name, &c, err, sizeof err), 0);
	CU_ASSERT_EQUAL(c.idle, idle);
	CU_ASSERT_EQUAL(c.intvl, intvl);
	CU_ASSERT_EQUAL(c.probes, probes);
}

static void test_fixed(void)
{
	profile_is("linux", 7200 * SEC, 75 * SEC, 9);
	profile_is("freebsd", 7200 * SEC, 75 * SEC, 8);
	profile_is("macos", 7200 * SEC, 75 * SEC, 8);
	profile_is("windows", 7200 * SEC, 1 * SEC, 10);
}

static void test_unknown(void)
{
	static const char *bad[] = { "foo", "", "Linux", "linux ", "sys" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ka_config c = { 1, 2, 3, 0 };
		char err[256] = "";
		CU_ASSERT_EQUAL(profile_apply(bad[i], &c, err, sizeof err), -1);
		unit_check_err(err, bad[i]);
		CU_ASSERT(c.idle == 1 && c.intvl == 2 && c.probes == 3);
	}
	struct ka_config c;
	char err[256];
	profile_apply("foo", &c, err, sizeof err);
	CU_ASSERT_STRING_EQUAL(err, "unknown profile 'foo': use linux, freebsd, "
			       "macos, windows or system");
}

/* A temporary directory with the three files; NULL content: no file. */
static char dir[64];

static void make_dir(const char *time, const char *intvl, const char *probes)
{
	const char *names[] = { "tcp_keepalive_time", "tcp_keepalive_intvl",
				"tcp_keepalive_probes" };
	const char *vals[] = { time, intvl, probes };

	snprintf(dir, sizeof dir, "/tmp/kaprobe-profile-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	for (int i = 0; i < 3; i++) {
		if (!vals[i])
			continue;
		char path[128];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(vals[i], f);
		fclose(f);
	}
}

static void remove_dir(void)
{
	const char *names[] = { "tcp_keepalive_time", "tcp_keepalive_intvl",
				"tcp_keepalive_probes" };
	for (int i = 0; i < 3; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

static void test_system_good(void)
{
	struct ka_config c = { 0, 0, 0, 0 };
	char err[256] = "";

	make_dir("7200\n", "75\n", "9\n"); /* as the kernel writes them */
	CU_ASSERT_EQUAL(profile_apply_from("system", dir, &c, err, sizeof err), 0);
	CU_ASSERT_EQUAL(c.idle, 7200 * SEC);
	CU_ASSERT_EQUAL(c.intvl, 75 * SEC);
	CU_ASSERT_EQUAL(c.probes, 9);
	remove_dir();

	make_dir("60", "5", "3"); /* no newline */
	CU_ASSERT_EQUAL(profile_apply_from("system", dir, &c, err, sizeof err), 0);
	CU_ASSERT_EQUAL(c.idle, 60 * SEC);
	CU_ASSERT_EQUAL(c.intvl, 5 * SEC);
	CU_ASSERT_EQUAL(c.probes, 3);
	remove_dir();

	/* Fixed profiles ignore the directory. */
	CU_ASSERT_EQUAL(profile_apply_from("linux", "/nonexistent", &c, err, sizeof err), 0);
	CU_ASSERT_EQUAL(c.probes, 9);
}

/* "system" fails naming want (the file, the value), and leaves c alone. */
static void system_bad(const char *time, const char *intvl, const char *probes,
		       const char *file, const char *want)
{
	struct ka_config c = { 1, 2, 3, 0 };
	char err[512] = "", path[128];

	make_dir(time, intvl, probes);
	CU_ASSERT_EQUAL(profile_apply_from("system", dir, &c, err, sizeof err), -1);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	unit_check_err(err, path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (!strstr(err, want))
		fprintf(stderr, "\n  message '%s' lacks '%s'\n", err, want);
	CU_ASSERT(c.idle == 1 && c.intvl == 2 && c.probes == 3);
	remove_dir();
}

static void test_system_bad(void)
{
	system_bad(NULL, "75\n", "9\n", "tcp_keepalive_time",
		   ": No such file or directory");
	system_bad("7200\n", NULL, "9\n", "tcp_keepalive_intvl", "cannot read ");
	system_bad("7200\n", "75\n", NULL, "tcp_keepalive_probes", "cannot read ");
	system_bad("7200\n", "75\n", "x\n", "tcp_keepalive_probes", ": 'x'");
	system_bad("7200\n", "75\n", "", "tcp_keepalive_probes", ": ''");
	system_bad("7200\n", "75\n", "0\n", "tcp_keepalive_probes", ": '0'");
	system_bad("-1\n", "75\n", "9\n", "tcp_keepalive_time", "bad value in ");
	system_bad(" 7200\n", "75\n", "9\n", "tcp_keepalive_time", "bad value in ");
	system_bad("7200\n\n", "75\n", "9\n", "tcp_keepalive_time", "bad value in ");
	system_bad("7200 s\n", "75\n", "9\n", "tcp_keepalive_time", "bad value in ");
	system_bad("1.5\n", "75\n", "9\n", "tcp_keepalive_time", "bad value in ");
	system_bad("7200\n", "99999999999999999999\n", "9\n", "tcp_keepalive_intvl",
		   "bad value in ");
	system_bad("7200\n", "75\n", "9\n"
		   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		   "tcp_keepalive_probes", "bad value in ");

	/* A directory where a file should be: fopen works, reading fails. */
	struct ka_config c;
	char err[256] = "", sub[128];
	make_dir(NULL, "1\n", "1\n");
	snprintf(sub, sizeof sub, "%s/tcp_keepalive_time", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
	CU_ASSERT_EQUAL(profile_apply_from("system", dir, &c, err, sizeof err), -1);
	unit_check_err(err, sub);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Is a directory"));
	rmdir(sub);
	remove_dir();
}

static void test_system_this_host(void)
{
	struct ka_config c;
	char err[256] = "";

	/* Only where /proc shows the sysctls (not in every sandbox). */
	if (access("/proc/sys/net/ipv4/tcp_keepalive_time", R_OK) != 0)
		return;
	CU_ASSERT_EQUAL(profile_apply("system", &c, err, sizeof err), 0);
	CU_ASSERT(c.idle >= SEC && c.intvl >= SEC && c.probes >= 1);
}

void suite_profile(void)
{
	UNIT_SUITE("profile",
		   UNIT_TEST(test_fixed),
		   UNIT_TEST(test_unknown),
		   UNIT_TEST(test_system_good),
		   UNIT_TEST(test_system_bad),
		   UNIT_TEST(test_system_this_host));
}
