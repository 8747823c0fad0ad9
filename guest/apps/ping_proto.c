/* SPDX-License-Identifier: ISC */
/*
 * ARP and ICMP echo responder logic for the `ping` app, in place on the
 * received frame so a reply costs no copy of the payload (guest code runs
 * emulated here: every instruction per byte counts). Pure: no Solo5 calls.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ping_proto.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define IP_PROTO_ICMP 1
#define IP_FRAG_MASK 0x3fff /* MF flag and fragment offset */
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define REPLY_TTL 64

/* Offsets inside the Ethernet header, the ARP payload and the IPv4 header. */
enum { ETH_DST = 0, ETH_SRC = 6, ETH_TYPE = 12 };
enum { ARP_HTYPE = 0, ARP_PTYPE = 2, ARP_HLEN = 4, ARP_PLEN = 5, ARP_OP = 6 };
enum { ARP_SHA = 8, ARP_SPA = 14, ARP_THA = 18, ARP_TPA = 24 };
enum { IP_VHL = 0, IP_LEN = 2, IP_FRAG = 6, IP_TTL = 8, IP_PROTO = 9 };
enum { IP_SUM = 10, IP_SRC = 12, IP_DST = 16 };
enum { ICMP_TYPE = 0, ICMP_CODE = 1, ICMP_SUM = 2 };

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t ping_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	/* 32 bits cannot overflow before 128 KiB of input; IPv4 is 64 KiB. */
	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return (uint16_t)~fold(sum);
}

/* Pads a short reply to the Ethernet minimum: not every NIC does it. */
static size_t pad_min(uint8_t *buf, size_t len, size_t cap)
{
	if (len >= PING_MIN_FRAME || cap < PING_MIN_FRAME)
		return len;
	memset(buf + len, 0, PING_MIN_FRAME - len);
	return PING_MIN_FRAME;
}

/* Sender addresses we must never answer: they would turn us into an
 * amplifier (broadcast, multicast) or talk to ourselves. */
static int bad_src_ip(const struct ping_cfg *cfg, uint32_t ip)
{
	return ip == 0 || ip == 0xffffffffu || (ip >> 28) == 0xe ||
	       ip == cfg->ip;
}

static size_t arp_reply(const struct ping_cfg *cfg, uint8_t *buf, size_t len,
			size_t cap)
{
	uint8_t *arp = buf + PING_ETH_HLEN;
	uint32_t spa;

	if (len < PING_ETH_HLEN + PING_ARP_LEN)
		return 0;
	if (get16(arp + ARP_HTYPE) != ARP_HTYPE_ETHER ||
	    get16(arp + ARP_PTYPE) != ETHERTYPE_IPV4 || arp[ARP_HLEN] != 6 ||
	    arp[ARP_PLEN] != 4 || get16(arp + ARP_OP) != ARP_OP_REQUEST)
		return 0;
	spa = get32(arp + ARP_SPA);
	/* spa 0 is an RFC 5227 probe: answering it defends our address. */
	if (get32(arp + ARP_TPA) != cfg->ip || spa == cfg->ip ||
	    (arp[ARP_SHA] & 1))
		return 0;
	memcpy(buf + ETH_DST, arp + ARP_SHA, 6);
	memcpy(buf + ETH_SRC, cfg->mac, 6);
	put16(arp + ARP_OP, ARP_OP_REPLY);
	memcpy(arp + ARP_THA, arp + ARP_SHA, 6);
	put32(arp + ARP_TPA, spa);
	memcpy(arp + ARP_SHA, cfg->mac, 6);
	put32(arp + ARP_SPA, cfg->ip);
	return pad_min(buf, PING_ETH_HLEN + PING_ARP_LEN, cap);
}

/* Checks the IPv4 header of an echo request to us; returns its total length
 * or 0. Options and fragments are not handled, so such packets are not
 * answered (a reply to a first fragment would carry a partial payload). */
static size_t ipv4_echo_len(const struct ping_cfg *cfg, const uint8_t *ip,
			    size_t avail)
{
	size_t tot;

	if (avail < PING_IP_HLEN || ip[IP_VHL] != 0x45)
		return 0;
	tot = get16(ip + IP_LEN);
	if (tot < PING_IP_HLEN + PING_ICMP_HLEN || tot > avail)
		return 0;
	if ((get16(ip + IP_FRAG) & IP_FRAG_MASK) ||
	    ip[IP_PROTO] != IP_PROTO_ICMP)
		return 0;
	if (get32(ip + IP_DST) != cfg->ip ||
	    bad_src_ip(cfg, get32(ip + IP_SRC)))
		return 0;
	if (ping_csum(ip, PING_IP_HLEN) != 0)
		return 0;
	if (ip[PING_IP_HLEN + ICMP_TYPE] != ICMP_ECHO_REQUEST ||
	    ip[PING_IP_HLEN + ICMP_CODE] != 0)
		return 0;
	return tot;
}

/*
 * Type 8 -> 0 changes one 16-bit word from 0x0800 to 0x0000; RFC 1624
 * eqn. 3, HC' = ~(~HC + ~m + m'), updates the checksum without summing the
 * payload. A request with a bad ICMP checksum keeps a bad one, so the
 * sender drops our reply as it should.
 */
static void icmp_to_reply(uint8_t *icmp)
{
	uint16_t hc = get16(icmp + ICMP_SUM);
	uint16_t m = (uint16_t)(ICMP_ECHO_REQUEST << 8);

	icmp[ICMP_TYPE] = ICMP_ECHO_REPLY;
	put16(icmp + ICMP_SUM,
	      (uint16_t)~fold((uint32_t)(uint16_t)~hc + (uint16_t)~m));
}

static size_t icmp_reply(const struct ping_cfg *cfg, uint8_t *buf, size_t len,
			 size_t cap)
{
	uint8_t *ip = buf + PING_ETH_HLEN;
	size_t tot;

	if (len < PING_ETH_HLEN)
		return 0;
	tot = ipv4_echo_len(cfg, ip, len - PING_ETH_HLEN);
	if (tot == 0)
		return 0;
	memcpy(buf + ETH_DST, buf + ETH_SRC, 6);
	memcpy(buf + ETH_SRC, cfg->mac, 6);
	memcpy(ip + IP_DST, ip + IP_SRC, 4);
	put32(ip + IP_SRC, cfg->ip);
	ip[IP_TTL] = REPLY_TTL;
	put16(ip + IP_SUM, 0);
	put16(ip + IP_SUM, ping_csum(ip, PING_IP_HLEN));
	icmp_to_reply(ip + PING_IP_HLEN);
	/* Drop any Ethernet padding after the IP packet, then re-pad. */
	return pad_min(buf, PING_ETH_HLEN + tot, cap);
}

size_t ping_process(const struct ping_cfg *cfg, uint8_t *buf, size_t len,
		    size_t cap, enum ping_kind *kind)
{
	size_t out = 0;

	*kind = PING_OTHER;
	if (len < PING_ETH_HLEN || cap < len)
		return 0;
	if (memcmp(buf + ETH_DST, cfg->mac, 6) != 0 &&
	    memcmp(buf + ETH_DST, bcast, 6) != 0)
		return 0;
	switch (get16(buf + ETH_TYPE)) {
	case ETHERTYPE_ARP:
		out = arp_reply(cfg, buf, len, cap);
		if (out)
			*kind = PING_ARP;
		break;
	case ETHERTYPE_IPV4:
		out = icmp_reply(cfg, buf, len, cap);
		if (out)
			*kind = PING_ICMP;
		break;
	}
	return out;
}

/* Parses 1-3 decimal digits at s[*i] up to (max); 0 on error. */
static int parse_num(const char *s, size_t len, size_t *i, unsigned max,
		     unsigned *v)
{
	unsigned x = 0, n = 0;

	while (*i < len && n < 3 && s[*i] >= '0' && s[*i] <= '9') {
		x = x * 10 + (unsigned)(s[*i] - '0');
		(*i)++;
		n++;
	}
	if (n == 0 || x > max)
		return 0;
	*v = x;
	return 1;
}

int ping_parse_ipv4(const char *s, size_t len, uint32_t *ip, unsigned *prefix)
{
	uint32_t a = 0;
	unsigned v, p = 32;
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		if (k > 0 && (i >= len || s[i++] != '.'))
			return 0;
		if (!parse_num(s, len, &i, 255, &v))
			return 0;
		a = a << 8 | v;
	}
	if (i < len && s[i] == '/') {
		i++;
		if (!parse_num(s, len, &i, 32, &p))
			return 0;
	}
	if (i != len)
		return 0;
	*ip = a;
	*prefix = p;
	return 1;
}
