/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by the network apps: command line words, parsing, device
 * acquisition and bounded write retry. The command line is const and words
 * are not NUL-terminated, so everything here takes explicit lengths.
 */
#include <hvt_net_burst.h>
#include <stdio.h>
#include <string.h>

#include "netapp.h"

int word_next(const char **p, struct word *w)
{
	const char *s = *p;

	while (*s == ' ')
		s++;
	w->s = s;
	while (*s && *s != ' ')
		s++;
	w->len = (size_t)(s - w->s);
	*p = s;
	return w->len != 0;
}

int word_is(const struct word *w, const char *s)
{
	return strlen(s) == w->len && memcmp(w->s, s, w->len) == 0;
}

int word_prefix(const struct word *w, const char *prefix, struct word *rest)
{
	size_t n = strlen(prefix);

	if (w->len < n || memcmp(w->s, prefix, n) != 0)
		return 0;
	rest->s = w->s + n;
	rest->len = w->len - n;
	return 1;
}

int word_ulong_option(const struct word *w, const struct word_ulong_opt *opts,
		      size_t nb_opts)
{
	struct word v;
	unsigned long x;

	/* Solo5's own boot options reach apps too: not ours to reject. */
	if (word_prefix(w, "--solo5:", &v))
		return 1;
	for (size_t i = 0; i < nb_opts; i++) {
		if (!word_prefix(w, opts[i].prefix, &v))
			continue;
		if (!word_ulong(&v, &x) || x < opts[i].min ||
		    (opts[i].max != 0 && x > opts[i].max))
			return -1;
		*opts[i].value = x;
		return 1;
	}
	return 0;
}

int word_ulong(const struct word *w, unsigned long *v)
{
	unsigned long x = 0;

	if (w->len == 0 || w->len > 19) /* 19 digits cannot overflow */
		return 0;
	for (size_t i = 0; i < w->len; i++) {
		if (w->s[i] < '0' || w->s[i] > '9')
			return 0;
		x = x * 10 + (unsigned long)(w->s[i] - '0');
	}
	*v = x;
	return 1;
}

const char *word_str(const struct word *w, char *buf, size_t size)
{
	size_t n = w->len < size - 1 ? w->len : size - 1;

	memcpy(buf, w->s, n);
	buf[n] = '\0';
	return buf;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int word_mac(const struct word *w, uint8_t mac[SOLO5_NET_ALEN])
{
	size_t i = 0;

	for (int b = 0; b < SOLO5_NET_ALEN; b++) {
		int v = 0, digits = 0, d;

		while (i < w->len && digits < 2 &&
		       (d = hex_value(w->s[i])) >= 0) {
			v = v * 16 + d;
			digits++;
			i++;
		}
		if (digits == 0)
			return 0;
		mac[b] = (uint8_t)v;
		if (b < SOLO5_NET_ALEN - 1) {
			if (i >= w->len || w->s[i] != ':')
				return 0;
			i++;
		}
	}
	return i == w->len;
}

void mac_str(char out[18], const uint8_t mac[SOLO5_NET_ALEN])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

const char *result_str(solo5_result_t r)
{
	switch (r) {
	case SOLO5_R_OK:
		return "OK";
	case SOLO5_R_AGAIN:
		return "AGAIN";
	case SOLO5_R_EINVAL:
		return "EINVAL";
	case SOLO5_R_EUNSPEC:
		return "EUNSPEC";
	}
	return "unknown";
}

int netapp_open(const char *app, solo5_handle_t *h, struct solo5_net_info *ni)
{
	solo5_result_t r = solo5_net_acquire("service", h, ni);

	if (r != SOLO5_R_OK) {
		printf(
		    "%s: FAILURE: cannot acquire net device \"service\": %s\n",
		    app, result_str(r));
		return 0;
	}
	return 1;
}

int netapp_open_dev(const char *app, const char *name, solo5_handle_t *h,
		    struct solo5_net_info *ni)
{
	solo5_result_t r = solo5_net_acquire(name, h, ni);

	if (r != SOLO5_R_OK) {
		printf("%s: FAILURE: cannot acquire net device \"%s\": %s\n",
		       app, name, result_str(r));
		return 0;
	}
	return 1;
}

int netapp_count_idle_args(const char *app, const char *cmdline,
			   unsigned long *count, unsigned long *idle_s)
{
	const struct word_ulong_opt opts[] = {
	    {"--count=", count, 0, 0},
	    {"--idle-exit=", idle_s, 0, 0},
	};
	struct word w;
	char b[64];

	while (word_next(&cmdline, &w)) {
		if (word_ulong_option(&w, opts,
				      sizeof(opts) / sizeof(opts[0])) == 1)
			continue;
		printf("%s: bad argument '%s'\n", app,
		       word_str(&w, b, sizeof(b)));
		printf("%s: usage: %s.hvt [--count=N] [--idle-exit=SECONDS]\n",
		       app, app);
		return 0;
	}
	return 1;
}

int netapp_open_burst(const char *app, solo5_handle_t *h,
		      struct solo5_net_info *ni)
{
	solo5_result_t r = hvt_net_burst_acquire("service", h, ni);

	if (r != SOLO5_R_OK) {
		printf("%s: FAILURE: cannot acquire net device \"service\": "
		       "%s\n",
		       app, result_str(r));
		return 0;
	}
	return 1;
}

uint32_t netapp_burst_bufs(const char *app, const struct solo5_start_info *si,
			   const struct solo5_net_info *ni, uint8_t **bufs,
			   size_t count)
{
	size_t cap = (ni->mtu + SOLO5_NET_HLEN + 63) & ~(size_t)63;
	uint8_t *m = (uint8_t *)si->heap_start;

	if (si->heap_size / cap < count) {
		printf("%s: FAILURE: heap (%lu bytes) smaller than %lu\n", app,
		       (unsigned long)si->heap_size,
		       (unsigned long)(count * cap));
		return 0;
	}
	for (size_t i = 0; i < count; i++)
		bufs[i] = m + i * cap;
	return (uint32_t)cap;
}

uint8_t *netapp_buf(const char *app, const struct solo5_start_info *si,
		    const struct solo5_net_info *ni, size_t *size)
{
	size_t need = ni->mtu + SOLO5_NET_HLEN;

	if (need < NETAPP_BUF_MIN)
		need = NETAPP_BUF_MIN;
	if (si->heap_size < need) {
		printf("%s: FAILURE: heap (%lu bytes) smaller than %lu\n", app,
		       (unsigned long)si->heap_size, (unsigned long)need);
		return NULL;
	}
	*size = need;
	return (uint8_t *)si->heap_start;
}

solo5_result_t netapp_send(solo5_handle_t h, const uint8_t *buf, size_t len,
			   unsigned tries)
{
	solo5_result_t r;

	while ((r = solo5_net_write(h, buf, len)) == SOLO5_R_AGAIN &&
	       tries-- > 0)
		solo5_yield(0, NULL);
	return r;
}

unsigned long long rate_per_sec(unsigned long long n, unsigned long long ns)
{
	if (ns == 0)
		return 0;
	/* Exact while n < 1.8e10, far more than any run here sends. */
	return n * NSEC_PER_SEC / ns;
}
