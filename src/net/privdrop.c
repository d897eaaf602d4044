/* privdrop.c - give up privilege (see privdrop.h). */
#include "net/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/errmsg.h"

static enum priv_result switch_user(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		errmsg(err, errlen, "-Z: no such user '%s'", user);
		return PRIV_NO_USER;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		errmsg(err, errlen, "-Z: cannot switch to user '%s': %s", user, strerror(errno));
		return errno == EPERM ? PRIV_DENIED : PRIV_FAILED;
	}
	/* The switch must be for good. */
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		errmsg(err, errlen, "-Z: could switch back to root after switching to '%s'", user);
		return PRIV_FAILED;
	}
	return PRIV_OK;
}

/* The capability sets: only CAP_NET_RAW (it is below 32) permitted, and
 * effective when asked, or nothing at all.  capset(2) directly: the one
 * call is not worth a dependency on libcap. */
static int set_capabilities(bool permitted, bool effective)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof data);
	data[0].permitted = permitted ? 1u << CAP_NET_RAW : 0;
	data[0].effective = effective ? 1u << CAP_NET_RAW : 0;
	return (int)syscall(SYS_capset, &hdr, data);
}

int priv_raw(bool on)
{
	return set_capabilities(true, on);
}

enum priv_result priv_check_user(const char *user, char *err, size_t errlen)
{
	if (user && !getpwnam(user)) {
		errmsg(err, errlen, "-Z: no such user '%s'", user);
		return PRIV_NO_USER;
	}
	return PRIV_OK;
}

enum priv_result priv_drop(const char *user, bool keep_raw, char *err, size_t errlen)
{
	enum priv_result r;

	if (!user && getuid() == 0 && getpwnam(PRIV_DEFAULT_USER))
		user = PRIV_DEFAULT_USER;
	/* The permitted set survives the switch of user only when asked. */
	if (keep_raw && user && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		keep_raw = false;
	if (user && (r = switch_user(user, err, errlen)) != PRIV_OK)
		return r;
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (!keep_raw || set_capabilities(true, false) < 0)
		keep_raw = false;
	if ((!keep_raw && set_capabilities(false, false) < 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		errmsg(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return PRIV_FAILED;
	}
	return PRIV_OK;
}
