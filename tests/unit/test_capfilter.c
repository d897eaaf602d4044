/* test_capfilter.c - the capture filter (capture.c) lets through what the
 * decoder must judge: IPv6 TCP and ICMPv6 behind extension headers. */
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "net/capture.h"
#include "unit.h"

static const uint8_t US[16] = { 0xfd, 0, [14] = 1, [15] = 2 };
static const uint8_t PEER[16] = { 0xfd, 0, [14] = 2, [15] = 2 };

/* Ethernet, IPv6 from `src` to US with first Next Header nh0; with ext,
 * an 8-byte extension header whose Next Header is `proto`; then 20 bytes
 * of TCP from port 7000 (or of ICMPv6). */
static size_t frame(uint8_t *f, const uint8_t *src, uint8_t nh0, uint8_t proto)
{
	size_t n = 14 + 40;

	memset(f, 0, 14 + 40 + 8 + 20);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[14 + 6] = nh0;
	f[14 + 7] = 64;
	memcpy(f + 14 + 8, src, 16);
	memcpy(f + 14 + 24, US, 16);
	if (nh0 != proto) {
		f[n] = proto;
		n += 8;
	}
	f[n] = 7000 >> 8;
	f[n + 1] = 7000 & 0xff;
	f[n + 3] = 80;
	f[n + 12] = 0x50;
	n += 20;
	f[14 + 5] = (uint8_t)(n - 54);
	return n;
}

static bool passes(const char *filter, const uint8_t *f, size_t n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 256);
	struct bpf_program prog;
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)n };
	bool ok;

	CU_ASSERT_EQUAL_FATAL(pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN), 0);
	ok = pcap_offline_filter(&prog, &h, f) != 0;
	pcap_freecode(&prog);
	pcap_close(p);
	return ok;
}

static void test_ipv6_extension_headers(void)
{
	struct capture_peer peer = { .family = AF_INET6, .rport = 7000 };
	uint8_t f[128];
	static const uint8_t other[16] = { 0xfd, 0, [15] = 9 };
	char *flt;

	memcpy(peer.laddr, US, 16);
	memcpy(peer.raddr, PEER, 16);
	flt = capture_filter(&peer, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(flt);
	CU_ASSERT(passes(flt, f, frame(f, PEER, 6, 6)));       /* plain TCP */
	CU_ASSERT(passes(flt, f, frame(f, PEER, 0, 6)));       /* Hop-by-Hop, TCP */
	CU_ASSERT(passes(flt, f, frame(f, PEER, 60, 6)));      /* Destination Options */
	CU_ASSERT(passes(flt, f, frame(f, PEER, 43, 6)));      /* Routing */
	CU_ASSERT(passes(flt, f, frame(f, other, 0, 58)));     /* a router's ICMPv6 */
	CU_ASSERT_FALSE(passes(flt, f, frame(f, other, 17, 17))); /* UDP from elsewhere */
	free(flt);
}

void suite_capfilter(void)
{
	UNIT_SUITE("capfilter",
		   UNIT_TEST(test_ipv6_extension_headers));
}
