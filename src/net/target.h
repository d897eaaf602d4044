/* target.h - HOST:PORT targets and socket addresses as text.
 *
 * Accepted forms: 10.0.0.5:443, [2001:db8::5]:443, host.example:443.
 * The port is 1..65535.  Names resolve with getaddrinfo; the first address
 * returned is used, as ping and ssh do, unless -4 or -6 narrows the family.
 */
#ifndef KAPROBE_TARGET_H
#define KAPROBE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define TARGET_HOST_MAX 256

struct target {
	char host[TARGET_HOST_MAX];      /* as typed, brackets removed */
	uint16_t port;
	struct sockaddr_storage addr;    /* resolved */
	socklen_t addrlen;
};

/* Split "HOST:PORT" into host and port, checking only the syntax.
 * Returns 0, or -1 with a message in err. */
int target_parse(const char *arg, struct target *t, char *err, size_t errlen);

/* Resolve t->host for family (AF_UNSPEC, AF_INET or AF_INET6) into t->addr.
 * Refuses broadcast, multicast and unspecified addresses: a keep-alive probe
 * belongs to one unicast connection.  Returns 0; -1 with err when the name
 * does not resolve; TARGET_REFUSED with err for a refused address, or a
 * literal address of the other family than -4/-6 asks for (both are usage
 * errors). */
#define TARGET_REFUSED (-2)
int target_resolve(struct target *t, int family, char *err, size_t errlen);

/* A growing list of targets as typed. */
struct target_list {
	char **v;
	unsigned n, cap;
	bool usage;           /* target_list_read failed on the content */
};

/* Append a copy of t.  Returns 0 or -1 (out of memory). */
int target_list_add(struct target_list *l, const char *t);

/* Free the copies and the list (it is empty again). */
void target_list_free(struct target_list *l);

/* Append the targets of a file (path "-": standard input): one HOST:PORT a
 * line, surrounding blanks ignored, blank lines and lines starting with #
 * skipped.  Each is checked with target_parse.  Returns 0, or -1 with err
 * ("FILE:LINE: ..."); l->usage tells bad content from an unreadable file. */
int target_list_read(const char *path, struct target_list *l, char *err, size_t errlen);

/* "addr:port", or "[addr]:port" for IPv6. */
void sockaddr_format(const struct sockaddr *sa, char *buf, size_t len);

/* Text of a raw address of the given family (4 or 16 bytes). */
void addr_format(int family, const uint8_t *addr, char *buf, size_t len);

#endif
