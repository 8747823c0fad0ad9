/* SPDX-License-Identifier: ISC */
/*
 * ARP and ICMP echo responder logic of the `ping` app as pure functions on
 * byte buffers, so the same file builds for the guest and for host unit
 * tests. Depends on <stdint.h>, <stddef.h> and <string.h> only.
 */
#ifndef PING_PROTO_H
#define PING_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PING_ETH_HLEN 14
#define PING_ARP_LEN 28 /* Ethernet/IPv4 ARP payload */
#define PING_IP_HLEN 20 /* without options */
#define PING_ICMP_HLEN 8 /* echo header: type, code, sum, id, seq */
#define PING_MIN_FRAME 60 /* Ethernet minimum without FCS */

struct ping_cfg {
	uint8_t mac[6];
	uint32_t ip; /* host byte order */
};

enum ping_kind {
	PING_OTHER = 0, /* not for us or not understood: no reply */
	PING_ARP, /* ARP request for our address: reply built */
	PING_ICMP, /* ICMP echo request to our address: reply built */
};

/*
 * Looks at the frame (buf, len) and, if it asks for an answer, rewrites it
 * in place into the reply: ARP who-has our IP becomes is-at our MAC; ICMP
 * echo request to our IP becomes an echo reply (payload kept, addresses
 * swapped, TTL 64, both checksums fixed). (cap) is the size of (buf); a
 * reply shorter than 60 bytes is zero-padded to 60 when (cap) allows.
 * Every length is checked before a field is read: (buf, len) is untrusted.
 * Returns the reply length (0 for none) and the frame's kind in (*kind).
 */
size_t ping_process(const struct ping_cfg *cfg, uint8_t *buf, size_t len,
		    size_t cap, enum ping_kind *kind);

/*
 * Parses "a.b.c.d" or "a.b.c.d/prefix" (s, len; no NUL needed) into (*ip),
 * host byte order, and (*prefix), 32 if absent. Returns 0 on any error.
 */
int ping_parse_ipv4(const char *s, size_t len, uint32_t *ip, unsigned *prefix);

/* Internet checksum (RFC 1071) of (p, len), as stored big-endian. */
uint16_t ping_csum(const uint8_t *p, size_t len);

#endif /* PING_PROTO_H */
