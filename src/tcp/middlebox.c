/* middlebox.c - built-in middlebox idle timeouts (see middlebox.h). */
#include "tcp/middlebox.h"

#include <stdio.h>
#include <string.h>

#include "util/parse.h"

#define S 1000000LL

/* Documented defaults; README.md cites the source of each. */
static const struct middlebox builtin[] = {
	{ "aws-nlb", 350 * S },        /* AWS Network Load Balancer, TCP */
	{ "aws-nat", 350 * S },        /* AWS NAT Gateway */
	{ "azure-lb", 240 * S },       /* Azure Load Balancer, default 4 min */
	{ "gcp-nat", 1200 * S },       /* GCP Cloud NAT, TCP established */
	{ "ipvs", 900 * S },           /* Linux IPVS (kube-proxy IPVS, Docker Swarm) */
	{ "conntrack", 432000 * S },   /* nf_conntrack_tcp_timeout_established */
	{ "rfc5382", RFC5382_IDLE_US },
};

const struct middlebox *middlebox_builtins(size_t *n)
{
	*n = sizeof builtin / sizeof builtin[0];
	return builtin;
}

int middlebox_parse(const char *s, struct middlebox *box, char *err, size_t errlen)
{
	char why[200];

	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
		if (strcmp(s, builtin[i].name) == 0) {
			*box = builtin[i];
			return 0;
		}
	}
	if (strlen(s) < sizeof box->name &&
	    parse_duration(s, S, 30 * 86400 * S, &box->timeout, why, sizeof why) == 0) {
		snprintf(box->name, sizeof box->name, "%s", s);
		return 0;
	}
	snprintf(err, errlen, "'%s' is neither a duration (1s to 30 days) nor one of "
		 "aws-nlb, aws-nat, azure-lb, gcp-nat, ipvs, conntrack, rfc5382", s);
	return -1;
}
