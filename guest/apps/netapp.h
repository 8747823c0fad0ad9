/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by the network apps (ping, reflect, sink, pktgen): command
 * line words, number and MAC parsing, device acquisition with a ready
 * marker, and bounded retry of writes. Solo5 API and our libc only.
 */
#ifndef NETAPP_H
#define NETAPP_H

#include <solo5.h>
#include <stddef.h>
#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL

/* Receive buffers are at least this big so jumbo frames fit. */
#define NETAPP_BUF_MIN 9216

/* Default --idle-exit for the apps that wait for traffic, in seconds. */
#define NETAPP_IDLE_DEFAULT 30

/* One space-separated word of the command line; not NUL-terminated. */
struct word {
	const char *s;
	size_t len;
};

/* Stores the next word of *p in (w) and advances *p; 0 when none is left. */
int word_next(const char **p, struct word *w);
/* 1 if (w) is (s) exactly. */
int word_is(const struct word *w, const char *s);
/* 1 if (w) starts with (prefix); the rest goes to (rest). */
int word_prefix(const struct word *w, const char *prefix, struct word *rest);
/* Strict unsigned decimal: digits only, the whole word. 0 on error. */
int word_ulong(const struct word *w, unsigned long *v);
/*
 * Numeric options "--name=N" of an app, as a table, so each app does not
 * repeat the same prefix/parse/range chain. max 0 means no upper bound.
 */
struct word_ulong_opt {
	const char *prefix; /* "--count=" */
	unsigned long *value;
	unsigned long min, max;
};
/* 1: (w) is one of opts and its value is stored; 0: (w) is none of them
 * (a leading "--solo5:" word also counts as handled: 1); -1: it is one of
 * them but its value is not a number in range. */
int word_ulong_option(const struct word *w, const struct word_ulong_opt *opts,
		      size_t nb_opts);
/* (w) as a NUL-terminated string in (buf), truncated to fit; returns buf.
 * (Our printf has no "%.*s".) */
const char *word_str(const struct word *w, char *buf, size_t size);
/* "aa:bb:cc:dd:ee:ff" (hex digits, 1 or 2 per byte). 0 on error. */
int word_mac(const struct word *w, uint8_t mac[SOLO5_NET_ALEN]);

/* "xx:xx:xx:xx:xx:xx" plus NUL. */
void mac_str(char out[18], const uint8_t mac[SOLO5_NET_ALEN]);
const char *result_str(solo5_result_t r);

/* Acquires net device "service"; prints "<app>: FAILURE: ..." if it fails. */
int netapp_open(const char *app, solo5_handle_t *h, struct solo5_net_info *ni);
/* As netapp_open(), for the manifest's net device (name): apps with more
 * than one NIC. */
int netapp_open_dev(const char *app, const char *name, solo5_handle_t *h,
		    struct solo5_net_info *ni);
/*
 * Carves a frame buffer of at least max(mtu + 14, NETAPP_BUF_MIN) bytes out
 * of the heap; NULL (after a FAILURE line) if the heap is too small.
 */
/*
 * The burst API (hvt_net_burst.h): acquire "service" (FAILURE line on
 * error, returns 0), and carve count buffers of the NIC's MTU + 14 bytes
 * (rounded up to 64) from the heap into bufs. Returns the buffer size, or 0
 * after a FAILURE line when the heap is too small.
 */
/*
 * The options of reflect and forward: --count=N and --idle-exit=SECONDS
 * (other --solo5: words are left to the runtime). Returns 1, or 0 after
 * "<app>: bad argument" and usage lines.
 */
int netapp_count_idle_args(const char *app, const char *cmdline,
			   unsigned long *count, unsigned long *idle_s);

int netapp_open_burst(const char *app, solo5_handle_t *h,
		      struct solo5_net_info *ni);
uint32_t netapp_burst_bufs(const char *app, const struct solo5_start_info *si,
			   const struct solo5_net_info *ni, uint8_t **bufs,
			   size_t count);

uint8_t *netapp_buf(const char *app, const struct solo5_start_info *si,
		    const struct solo5_net_info *ni, size_t *size);
/*
 * solo5_net_write(), retrying AGAIN up to (tries) times with a zero-length
 * yield in between, so a full queue gets time to drain but cannot hang us.
 */
solo5_result_t netapp_send(solo5_handle_t h, const uint8_t *buf, size_t len,
			   unsigned tries);
/* Events per second for (n) events over (ns) nanoseconds; 0 if ns is 0. */
unsigned long long rate_per_sec(unsigned long long n, unsigned long long ns);

#endif /* NETAPP_H */
