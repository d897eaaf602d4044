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

/* Empty every capability set.  capset(2) directly: the one call is not
 * worth a dependency on libcap. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof data);
	return (int)syscall(SYS_capset, &hdr, data);
}

enum priv_result priv_check_user(const char *user, char *err, size_t errlen)
{
	if (user && !getpwnam(user)) {
		errmsg(err, errlen, "-Z: no such user '%s'", user);
		return PRIV_NO_USER;
	}
	return PRIV_OK;
}

enum priv_result priv_drop(const char *user, char *err, size_t errlen)
{
	enum priv_result r;

	if (!user && getuid() == 0 && getpwnam(PRIV_DEFAULT_USER))
		user = PRIV_DEFAULT_USER;
	if (user && (r = switch_user(user, err, errlen)) != PRIV_OK)
		return r;
	if (drop_capabilities() < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		errmsg(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return PRIV_FAILED;
	}
	return PRIV_OK;
}
