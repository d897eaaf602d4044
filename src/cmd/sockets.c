/* sockets.c - kaprobe sockets (see sockets.h): sock_diag's list, filtered
 * by the kernel's view, then the owners from /proc, filtered by process,
 * then the settings of what is left, read from each socket (only the
 * sockets shown are ever duplicated); each established connection judged
 * when a path timeout is given. */
#include "cmd/sockets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/runout.h"
#include "emit/emit.h"
#include "emit/text.h"
#include "net/sockdiag.h"
#include "net/sockowner.h"
#include "tcp/pathjson.h"
#include "util/exitcode.h"

/* Keep the records of l that pass f's terms of the kinds in mask. */
static void keep(struct sock_list *l, const struct sock_filter *f, unsigned mask)
{
	size_t m = 0;

	for (size_t i = 0; i < l->n; i++)
		if (sock_filter_match(f, &l->v[i], mask))
			l->v[m++] = l->v[i];
	l->n = m;
}

/* --from FILE into o->path: 0, or the exit status after saying why not. */
static int read_from(struct sockets_opts *o)
{
	FILE *f = fopen(o->from, "r");
	char line[4096];
	struct path_timeout acc = { 0 }, p;
	unsigned unbounded = 0;
	int r;

	if (!f) {
		fprintf(stderr, "kaprobe sockets: cannot open %s: %s\n", o->from, strerror(errno));
		return EXIT_NOINPUT;
	}
	while (fgets(line, sizeof line, f))
		if ((r = path_json_line(line, &p)) > 0)
			path_json_fold(&acc, &p);
		else if (r < 0)
			unbounded++;
	fclose(f);
	if (!acc.timeout_us) {
		fprintf(stderr, "kaprobe sockets: %s has no idle timeout with a lower bound (an "
			"audit's or a trace --timeouts' --json output that found one%s)\n", o->from,
			unbounded ? "; its finding died at the shortest idle tried" : "");
		return EXIT_DATAERR;
	}
	o->path = acc;
	return 0;
}

/* Every socket of the families asked, filtered: 0, or the exit status. */
static int gather(const struct sockets_opts *o, struct sock_list *l)
{
	char err[256];

	for (int fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0)
		if ((o->family == AF_UNSPEC || o->family == fam) &&
		    sockdiag_dump(fam, l, err, sizeof err) < 0) {
			fprintf(stderr, "kaprobe sockets: %s\n", err);
			return EXIT_SOFTWARE;
		}
	keep(l, &o->filter, SF_KERNEL_KINDS);
	sockowner_find("/proc", l->v, l->n);
	keep(l, &o->filter, SF_OWNER_KINDS);
	for (size_t i = 0; i < l->n; i++)
		sockowner_settings(&l->v[i]);
	return 0;
}

static bool no_privilege(const struct sock_rec *s)
{
	return s->settings_err == EPERM || s->settings_err == EACCES;
}

/* Emit every record and the counts into *tot. */
static void show(const struct sockets_opts *o, const struct sock_list *l,
		 const struct ka_settings *sysctl, struct emitter *em, struct ev_sockets_total *tot)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct sock_rec *s = &l->v[i];
		struct sock_judgement j;
		bool judged = o->path.timeout_us && s->state == SS_ESTABLISHED;

		if (judged) {
			j = sock_judge(s->settings_err ? NULL : &s->ka, sock_since_data(s),
				       &o->path);
			tot->verdicts[j.verdict]++;
		}
		tot->unread += no_privilege(s);
		emit(em, &(struct event){ .kind = EV_SOCKET, .u.socket = {
			.s = s, .sysctl = sysctl, .j = judged ? &j : NULL, .first = i == 0 } });
	}
	tot->shown = (unsigned)l->n;
}

/* The status: at risk first (a finding), then a privilege that was
 * missing (the output is partial). */
static int status(const struct ev_sockets_total *t)
{
	if (t->verdicts[SV_AT_RISK])
		return EXIT_DEAD;
	return t->unread ? EXIT_NOPERM : EXIT_ALIVE;
}

int sockets_run(struct sockets_opts *o)
{
	struct sock_list l = { 0 };
	struct ka_settings sysctl;
	bool have_sysctl = sockowner_sysctls(&sysctl) == 0;
	struct text tx;
	struct emitter em;
	struct ev_sockets_total tot = { .path = NULL };
	int rc;

	if (o->from && (rc = read_from(o)) != 0)
		return rc;
	if ((rc = gather(o, &l)) != 0) {
		sock_list_free(&l);
		return rc;
	}
	text_init(&tx, stdout, o->json, o->quiet, 0);
	emit_init(&em);
	emit_attach(&em, &text_module, &tx);
	tot.path = o->path.timeout_us ? &o->path : NULL;
	tot.sysctl = have_sysctl ? &sysctl : NULL;
	show(o, &l, tot.sysctl, &em, &tot);
	emit(&em, &(struct event){ .kind = EV_SOCKETS_SUMMARY, .u.sockets = tot });
	text_flush(&tx);
	if (tot.unread)
		fprintf(stderr, "kaprobe sockets: the keep-alive settings of %u connection%s need "
			"CAP_SYS_PTRACE (root has it): shown without them\n", tot.unread,
			tot.unread == 1 ? "" : "s");
	sock_list_free(&l);
	if (tx.ob.failed && stdout_error(tx.ob.err))
		return stdout_failed(tx.ob.err);
	return status(&tot);
}
