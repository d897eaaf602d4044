/* privdrop.h - giving up privilege once the privileged handles are open.
 *
 * kaprobe needs CAP_NET_RAW only to open its raw socket and its capture
 * (and to bind the connection to an interface with -i).  Once those are
 * open nothing else needs privilege, so it gives everything up, as tcpdump
 * does: with -Z USER it takes USER's uid, gid and groups, and started as
 * root without -Z it becomes PRIV_DEFAULT_USER (tcpdump has a user of its
 * own; kaprobe, packaged or not, uses the one every system has).  In every
 * case it drops all capabilities and sets no_new_privs, so that a parser
 * bug later on runs with nothing to abuse.  kaprobe watch, which runs for
 * weeks and must reopen its capture when an interface comes back, keeps
 * CAP_NET_RAW in its permitted set only, effective for the reopening alone.
 */
#ifndef KAPROBE_PRIVDROP_H
#define KAPROBE_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

enum priv_result {
	PRIV_OK,
	PRIV_NO_USER,   /* -Z names no such user */
	PRIV_DENIED,    /* not allowed to switch user */
	PRIV_FAILED,    /* anything else */
};

#define PRIV_DEFAULT_USER "nobody"

/* Whether -Z's user exists: checked before anything is created. */
enum priv_result priv_check_user(const char *user, char *err, size_t errlen);

/* Switch to user (NULL: PRIV_DEFAULT_USER when running as root, when it
 * exists) and drop every capability; with keep_raw, all but CAP_NET_RAW,
 * which stays permitted and not effective (kaprobe watch reopens its
 * capture with it when its interface comes back: priv_raw).  A process
 * that has no CAP_NET_RAW to keep drops everything. */
enum priv_result priv_drop(const char *user, bool keep_raw, char *err, size_t errlen);

/* Make the kept CAP_NET_RAW effective (on) or not again.  0, or -1 with
 * errno (EPERM: none was kept). */
int priv_raw(bool on);

#endif
