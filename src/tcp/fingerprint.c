/* fingerprint.c - the table of documented idle timeouts, and matching a
 * finding against it (see fingerprint.h; sources in docs/fingerprints.md). */
#include "tcp/fingerprint.h"

#include <string.h>

#include "tcp/middlebox.h"

/* One row per documented default; docs/fingerprints.md quotes the source
 * of each timeout and behaviour.  FP_ANY where the documentation does not
 * say what a packet on an expired flow gets. */
static const struct fingerprint table[] = {
	{ "azure-lb", "Azure Load Balancer",
	  240, FP_SILENT | FP_RST, FP_HOP },
	{ "azure-nat", "Azure NAT gateway", 240, FP_RST, FP_HOP },
	{ "aws-nlb", "AWS Network Load Balancer", 350, FP_RST, FP_HOP },
	{ "aws-nat", "AWS NAT gateway", 350, FP_RST, FP_HOP },
	{ "aws-nfw", "AWS Network Firewall", 350, FP_SILENT, FP_HOP },
	{ "aws-nitro6", "AWS EC2 Nitro v6 connection tracking", 350, FP_SILENT, FP_HOP },
	{ "gcp-ilb", "GCP internal passthrough NLB", 600, FP_ANY, FP_HOP },
	{ "ipvs", "Linux IPVS (kube-proxy IPVS mode)", 900, FP_ANY, FP_HOP },
	{ "docker-swarm", "Docker Swarm routing mesh (IPVS)", 900, FP_ANY, FP_HOP },
	{ "gcp-nat", "GCP Cloud NAT", 1200, FP_ANY, FP_HOP },
	{ "juniper-srx", "Juniper SRX", 1800, FP_ANY, FP_HOP },
	{ "cisco-asa", "Cisco ASA", 3600,
	  FP_SILENT | FP_RST, FP_HOP },
	{ "palo-alto", "Palo Alto Networks PAN-OS", 3600, FP_ANY, FP_HOP },
	{ "fortigate", "Fortinet FortiGate", 3600, FP_ANY, FP_HOP },
	{ "rfc5382", "RFC 5382's least NAT timeout", RFC5382_IDLE_S, FP_ANY, FP_HOP },
	{ "openwrt", "OpenWrt conntrack", 7440, FP_ANY, FP_HOP },
	{ "conntrack", "Linux conntrack", 432000, FP_ANY, FP_HOP },
	{ "aws-ec2-conntrack", "AWS EC2 connection tracking", 432000, FP_ANY,
	  FP_HOP },
	/* Endpoints: a proxy closes the connection itself. */
	{ "nginx-stream", "nginx stream proxy", 600, FP_FIN | FP_RST, FP_ENDPOINT },
	{ "envoy", "Envoy", 3600,
	  FP_FIN | FP_RST, FP_ENDPOINT },
};

_Static_assert(sizeof table / sizeof table[0] <= FP_MAX_MATCH, "FP_MAX_MATCH bounds the table");

const struct fingerprint *fp_table(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}

static bool in_bracket(double t, const struct fp_finding *f)
{
	double lo = f->alive_s > 0 ? f->alive_s : 0;
	double slack_lo = FP_TOL_S + lo * FP_TOL_PCT / 100;
	double slack_hi = FP_TOL_S + f->dead_s * FP_TOL_PCT / 100;

	return t >= lo - slack_lo && t <= f->dead_s + slack_hi;
}

static bool consistent(const struct fingerprint *r, const struct fp_finding *f)
{
	if (f->dead_s < 0 || r->who != f->who)
		return false;
	if (f->expiry && !(r->expiry & f->expiry))
		return false;
	return in_bracket(r->timeout_s, f);
}

size_t fp_match_in(const struct fingerprint *tab, size_t n, const struct fp_finding *f,
		   const struct fingerprint **out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!consistent(&tab[i], f))
			continue;
		if (k < max)
			out[k] = &tab[i];
		k++;
	}
	return k;
}

size_t fp_match(const struct fp_finding *f, const struct fingerprint **out, size_t max)
{
	return fp_match_in(table, sizeof table / sizeof table[0], f, out, max);
}

const struct fingerprint *fp_find(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}
