/* SPDX-License-Identifier: ISC */
/*
 * ping: answers ARP requests and ICMP echo requests for one IPv4 address on
 * net device "service" (a MirageOS-style target for ping tests). The
 * protocol work is in ping_proto.c; this file is arguments and the I/O loop.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>

#include "netapp.h"
#include "ping_proto.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

#define SEND_TRIES 100

struct ping_opts {
	struct ping_cfg cfg;
	unsigned prefix;
	int have_ip;
	unsigned long idle_s; /* 0: never exit for idleness */
	unsigned long count; /* 0: no limit on replies */
};

struct ping_stats {
	unsigned long arp, icmp, other;
};

static int usage(const struct word *w)
{
	char b[64];

	printf("ping: bad argument '%s'\n", word_str(w, b, sizeof(b)));
	printf("ping: usage: ping.hvt --ipv4=ADDR[/PREFIX] "
	       "[--ipv4-gateway=ADDR] [--idle-exit=SECONDS] [--count=N]\n");
	return 0;
}

static int parse_args(const char *cmdline, struct ping_opts *o)
{
	const struct word_ulong_opt opts[] = {
	    {"--idle-exit=", &o->idle_s, 0, 0},
	    {"--count=", &o->count, 0, 0},
	};
	struct word w, v;
	uint32_t gw;
	unsigned gp;

	while (word_next(&cmdline, &w)) {
		if (word_prefix(&w, "--ipv4=", &v)) {
			if (!ping_parse_ipv4(v.s, v.len, &o->cfg.ip,
					     &o->prefix))
				return usage(&w);
			o->have_ip = 1;
		} else if (word_prefix(&w, "--ipv4-gateway=", &v)) {
			/* Accepted for MirageOS compatibility; we never route. */
			if (!ping_parse_ipv4(v.s, v.len, &gw, &gp))
				return usage(&w);
		} else if (word_ulong_option(
			       &w, opts, sizeof(opts) / sizeof(opts[0])) != 1) {
			return usage(&w);
		}
	}
	if (!o->have_ip) {
		printf("ping: --ipv4=ADDR/PREFIX is required\n");
		return 0;
	}
	return 1;
}

static void print_ready(const struct ping_opts *o)
{
	char mac[18];
	uint32_t ip = o->cfg.ip;

	mac_str(mac, o->cfg.mac);
	printf("ping: ready mac %s ip %u.%u.%u.%u\n", mac, ip >> 24,
	       (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

static int finish(const struct ping_stats *st, int status)
{
	printf("ping: arp=%lu icmp=%lu other=%lu\n", st->arp, st->icmp,
	       st->other);
	return status;
}

/* Reads and answers frames until AGAIN. Returns the last read result, or
 * the write error that stopped us; (*got) counts frames read. */
static solo5_result_t drain(solo5_handle_t h, const struct ping_opts *o,
			    uint8_t *buf, size_t cap, struct ping_stats *st,
			    unsigned long *got)
{
	enum ping_kind kind;
	solo5_result_t r, w;
	size_t len, out;

	while ((r = solo5_net_read(h, buf, cap, &len)) == SOLO5_R_OK) {
		(*got)++;
		out = ping_process(&o->cfg, buf, len, cap, &kind);
		if (!out) {
			st->other++;
			continue;
		}
		if (kind == PING_ARP)
			st->arp++;
		else
			st->icmp++;
		w = netapp_send(h, buf, out, SEND_TRIES);
		/* AGAIN after retries is a drop, as on a real link. */
		if (w != SOLO5_R_OK && w != SOLO5_R_AGAIN) {
			printf("ping: FAILURE: net_write: %s\n", result_str(w));
			return w;
		}
		if (o->count && st->arp + st->icmp >= o->count)
			return SOLO5_R_OK;
	}
	if (r != SOLO5_R_AGAIN)
		printf("ping: FAILURE: net_read: %s\n", result_str(r));
	return r;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct ping_opts o = {.idle_s = NETAPP_IDLE_DEFAULT};
	struct ping_stats st = {0};
	struct solo5_net_info ni;
	solo5_handle_t h;
	solo5_time_t last;
	unsigned long got;
	size_t cap;
	uint8_t *buf;

	if (!parse_args(si->cmdline, &o) || !netapp_open("ping", &h, &ni))
		return SOLO5_EXIT_FAILURE;
	buf = netapp_buf("ping", si, &ni, &cap);
	if (!buf)
		return SOLO5_EXIT_FAILURE;
	for (int i = 0; i < SOLO5_NET_ALEN; i++)
		o.cfg.mac[i] = ni.mac_address[i];
	print_ready(&o);
	last = solo5_clock_monotonic();
	for (;;) {
		solo5_result_t r;

		got = 0;
		r = drain(h, &o, buf, cap, &st, &got);
		if (r == SOLO5_R_OK) /* --count reached */
			return finish(&st, SOLO5_EXIT_SUCCESS);
		if (r != SOLO5_R_AGAIN)
			return finish(&st, SOLO5_EXIT_FAILURE);
		if (got)
			last = solo5_clock_monotonic();
		else if (o.idle_s && solo5_clock_monotonic() - last >=
					 o.idle_s * NSEC_PER_SEC) {
			printf("ping: idle for %lu s, exiting\n", o.idle_s);
			return finish(&st, SOLO5_EXIT_SUCCESS);
		}
		/* Read first, yield after: a dead device fails at once. */
		solo5_yield(o.idle_s ? last + o.idle_s * NSEC_PER_SEC
				     : solo5_clock_monotonic() + NSEC_PER_SEC,
			    NULL);
	}
}
