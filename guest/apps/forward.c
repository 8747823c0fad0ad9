/* SPDX-License-Identifier: ISC */
/*
 * forward: a two-port NFV chain element. Every frame received on net device
 * "north" is sent unchanged out of "south" and vice versa, any size up to
 * the MTU (jumbo included). For dataplane tests of guests with two NICs.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>

#include "netapp.h"

HVT_MANIFEST(2, HVT_MFT_NET("north"), HVT_MFT_NET("south"));

#define SEND_TRIES 100
/* Frames read from one port before the other gets its turn, so a flood on
 * one side cannot starve the other. */
#define BATCH 32

struct port {
	const char *name;
	solo5_handle_t h;
	struct solo5_net_info ni;
	unsigned long forwarded; /* frames received here and sent out */
};

struct forward_state {
	struct port port[2]; /* 0 north, 1 south */
	uint8_t *buf;
	size_t cap;
	unsigned long count; /* 0: no limit */
	unsigned long idle_s; /* 0: never exit for idleness */
	unsigned long total, dropped, too_big, runts;
};

static int finish(const struct forward_state *s, int status)
{
	if (s->dropped || s->too_big || s->runts)
		printf("forward: dropped=%lu too_big=%lu runts=%lu\n",
		       s->dropped, s->too_big, s->runts);
	printf("forward: north_to_south=%lu south_to_north=%lu\n",
	       s->port[0].forwarded, s->port[1].forwarded);
	return status;
}

static solo5_handle_set_t bit(const struct port *p)
{
	return 1ULL << p->h;
}

/*
 * Forwards up to BATCH frames from port[i] to the other port. Returns AGAIN
 * when port[i] had no more input, OK when --count is reached, or the read
 * or write error (after a FAILURE line). Adds port[i] to *more when the
 * batch ran out before the input did.
 */
static solo5_result_t pump(struct forward_state *s, int i, unsigned long *got,
			   solo5_handle_set_t *more)
{
	struct port *in = &s->port[i], *out = &s->port[!i];
	solo5_result_t r, w;
	size_t len;

	for (int n = 0; n < BATCH; n++) {
		r = solo5_net_read(in->h, s->buf, s->cap, &len);
		if (r == SOLO5_R_AGAIN)
			return r;
		if (r != SOLO5_R_OK) {
			printf("forward: FAILURE: net_read %s: %s\n", in->name,
			       result_str(r));
			return r;
		}
		(*got)++;
		/* Ports may have different MTUs: the write would be refused,
		 * and a runt is no Ethernet frame; count, do not send. */
		if (len < SOLO5_NET_HLEN) {
			s->runts++;
			continue;
		}
		if (len > out->ni.mtu + SOLO5_NET_HLEN) {
			s->too_big++;
			continue;
		}
		w = netapp_send(out->h, s->buf, len, SEND_TRIES);
		if (w == SOLO5_R_AGAIN) {
			s->dropped++;
			continue;
		}
		if (w != SOLO5_R_OK) {
			printf("forward: FAILURE: net_write %s: %s\n",
			       out->name, result_str(w));
			return w;
		}
		in->forwarded++;
		if (s->count && ++s->total >= s->count)
			return SOLO5_R_OK;
	}
	*more |= bit(in);
	return SOLO5_R_AGAIN;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct forward_state s = {
	    .port = {{.name = "north"}, {.name = "south"}},
	    .idle_s = NETAPP_IDLE_DEFAULT,
	};
	const struct solo5_net_info *big;
	solo5_handle_set_t ready;
	solo5_time_t last, idle_ns;
	char mac[2][18];

	if (!netapp_count_idle_args("forward", si->cmdline, &s.count,
				    &s.idle_s))
		return SOLO5_EXIT_FAILURE;
	for (int i = 0; i < 2; i++) {
		if (!netapp_open_dev("forward", s.port[i].name, &s.port[i].h,
				     &s.port[i].ni))
			return SOLO5_EXIT_FAILURE;
		mac_str(mac[i], s.port[i].ni.mac_address);
	}
	/* One buffer serves both directions: size it for the larger MTU. */
	big = s.port[0].ni.mtu >= s.port[1].ni.mtu ? &s.port[0].ni
						   : &s.port[1].ni;
	s.buf = netapp_buf("forward", si, big, &s.cap);
	if (!s.buf)
		return SOLO5_EXIT_FAILURE;
	printf("forward: ready north %s south %s\n", mac[0], mac[1]);
	idle_ns = s.idle_s * NSEC_PER_SEC;
	last = solo5_clock_monotonic();
	/* Read both first: input may be pending already, and a dead device
	 * fails at once rather than after a sleep. */
	ready = bit(&s.port[0]) | bit(&s.port[1]);
	for (;;) {
		solo5_handle_set_t more = 0;
		unsigned long got = 0;

		for (int i = 0; i < 2; i++) {
			solo5_result_t r;

			if (!(ready & bit(&s.port[i])))
				continue;
			r = pump(&s, i, &got, &more);
			if (r == SOLO5_R_OK)
				return finish(&s, SOLO5_EXIT_SUCCESS);
			if (r != SOLO5_R_AGAIN)
				return finish(&s, SOLO5_EXIT_FAILURE);
		}
		if (got) {
			last = solo5_clock_monotonic();
		} else if (idle_ns &&
			   solo5_clock_monotonic() - last >= idle_ns) {
			printf("forward: idle for %lu s, exiting\n", s.idle_s);
			return finish(&s, SOLO5_EXIT_SUCCESS);
		}
		if (more) {
			/* A port still has input: only ask which others do,
			 * without sleeping. */
			solo5_yield(0, &ready);
			ready |= more;
			continue;
		}
		solo5_yield(idle_ns ? last + idle_ns
				    : solo5_clock_monotonic() + NSEC_PER_SEC,
			    &ready);
	}
}
