/* SPDX-License-Identifier: ISC */
/*
 * Small services the lwIP port provides besides the netif: MirageOS-style
 * address options, random numbers, TCP initial sequence numbers and the
 * assertion hook. Runs only in the app's main loop (NO_SYS).
 */
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "lwip/def.h"
#include "lwip/ip4_addr.h"
#include "lwip_port.h"
#include "lwip_port_hooks.h"

/* Strict dotted quad: four decimal parts 0-255, 1-3 digits each. */
static int parse_quad(const char *s, size_t len, ip4_addr_t *ip)
{
	unsigned part[4] = {0};
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		size_t digits = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
			part[k] = part[k] * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || part[k] > 255)
			return 0;
		if (k < 3 && (i >= len || s[i++] != '.'))
			return 0;
	}
	if (i != len)
		return 0;
	IP4_ADDR(ip, part[0], part[1], part[2], part[3]);
	return 1;
}

/* "ADDR[/PREFIX]", prefix 0-32 (default 32). */
static int parse_cidr(const char *s, size_t len, struct lwip_port_cfg *cfg)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	unsigned prefix = 32;

	if (slash) {
		size_t plen = len - alen - 1;

		if (plen == 0 || plen > 2)
			return 0;
		prefix = 0;
		for (size_t i = 0; i < plen; i++) {
			if (slash[1 + i] < '0' || slash[1 + i] > '9')
				return 0;
			prefix = prefix * 10 + (unsigned)(slash[1 + i] - '0');
		}
		if (prefix > 32)
			return 0;
	}
	if (!parse_quad(s, alen, &cfg->addr))
		return 0;
	/* A shift by 32 is undefined: prefix 0 is the empty mask. */
	ip4_addr_set_u32(&cfg->netmask,
			 prefix ? lwip_htonl(0xffffffffu << (32 - prefix)) : 0);
	cfg->has_addr = 1;
	return 1;
}

static int has_prefix(const char *s, size_t len, const char *p, size_t *plen)
{
	*plen = strlen(p);
	return len >= *plen && memcmp(s, p, *plen) == 0;
}

int lwip_port_arg(struct lwip_port_cfg *cfg, const char *s, size_t len)
{
	size_t n;

	/* untrusted: operator input, parsed with explicit lengths */
	if (has_prefix(s, len, "--ipv4=", &n))
		return parse_cidr(s + n, len - n, cfg) ? 1 : -1;
	if (has_prefix(s, len, "--ipv4-gateway=", &n))
		return parse_quad(s + n, len - n, &cfg->gateway) ? 1 : -1;
	return 0;
}

void lwip_port_ip_str(char out[16], const ip4_addr_t *ip)
{
	ip4addr_ntoa_r(ip, out, 16);
}

/*
 * splitmix64, seeded from the TSC and the wall clock on first use: enough
 * for lwIP's local port choice. Not a CSPRNG: the guest has no entropy
 * source beyond timing; the TCP ISN below keys a PRF with it instead.
 */
static uint64_t rng_state;
static int rng_seeded;

static uint64_t rng_next(void)
{
	uint64_t z;

	if (!rng_seeded) {
		rng_state = __builtin_ia32_rdtsc() ^
			    (solo5_clock_wall() * 0x9e3779b97f4a7c15ULL);
		rng_seeded = 1;
	}
	z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t lwip_port_rand(void)
{
	/* Later draws also depend on when they happen. */
	rng_state ^= __builtin_ia32_rdtsc();
	return (uint32_t)(rng_next() >> 32);
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13) ^ v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17) ^ v[2];
	v[2] = ROTL(v[2], 32);
}

/* SipHash-2-4 of a 16-byte message given as two little-endian words. */
static uint64_t siphash16(const uint64_t k[2], uint64_t m0, uint64_t m1)
{
	uint64_t v[4] = {
	    k[0] ^ 0x736f6d6570736575ULL,
	    k[1] ^ 0x646f72616e646f6dULL,
	    k[0] ^ 0x6c7967656e657261ULL,
	    k[1] ^ 0x7465646279746573ULL,
	};
	const uint64_t m[3] = {m0, m1, (uint64_t)16 << 56};

	for (int i = 0; i < 3; i++) {
		v[3] ^= m[i];
		sip_round(v);
		sip_round(v);
		v[0] ^= m[i];
	}
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

u32_t lwip_port_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
			const ip_addr_t *remote_ip, u16_t remote_port)
{
	static uint64_t key[2];
	static int has_key;
	uint64_t m0, m1;

	if (!has_key) {
		key[0] = rng_next();
		key[1] = rng_next() ^ __builtin_ia32_rdtsc();
		has_key = 1;
	}
	m0 = (uint64_t)ip4_addr_get_u32(local_ip) << 32 |
	     ip4_addr_get_u32(remote_ip);
	m1 = (uint64_t)local_port << 16 | remote_port;
	/* RFC 6528: M (a 4 us clock) + F(4-tuple, secret). */
	return (u32_t)(solo5_clock_monotonic() / 4000) +
	       (u32_t)siphash16(key, m0, m1);
}

void lwip_port_assert(const char *msg, int line, const char *file)
{
	printf("lwip: assertion \"%s\" failed at %s:%d\n", msg, file, line);
	solo5_abort();
}
