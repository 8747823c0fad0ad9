/* SPDX-License-Identifier: ISC */
/*
 * reflect: sends every frame received on net device "service" straight
 * back with its source and destination MACs swapped, any size up to the
 * MTU (jumbo included). A loopback peer for dataplane tests and benchmarks.
 */
#include <hvt_manifest.h>
#include <hvt_net_burst.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "netapp.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

#define NBUF (2 * HVT_NET_BURST_MAX_INFLIGHT) /* RX posted + TX in flight */
#define BURST 32

struct reflect_state {
	solo5_handle_t h;
	struct hvt_pool pool;
	uint8_t *stack[NBUF];
	uint32_t cap;
	unsigned long count; /* 0: no limit */
	unsigned long idle_s; /* 0: never exit for idleness */
	unsigned long reflected, dropped, runts;
	unsigned long long bytes;
	unsigned long inflight; /* TX frames not yet reclaimed */
};
static int finish(const struct reflect_state *s, int status)
{
	if (s->dropped || s->runts)
		printf("reflect: dropped=%lu runts=%lu\n", s->dropped,
		       s->runts);
	printf("reflect: reflected=%lu bytes=%llu\n", s->reflected, s->bytes);
	return status;
}

/* Swaps the two MACs in eight register moves: a rep movsb costs a guest
 * instruction per byte where guest code is emulated. */
static void swap_macs(uint8_t *f)
{
	typedef uint32_t __attribute__((aligned(1), may_alias)) u32u;
	typedef uint16_t __attribute__((aligned(1), may_alias)) u16u;
	uint32_t d0 = *(u32u *)f, s0 = *(u32u *)(f + 6);
	uint16_t d1 = *(u16u *)(f + 4), s1 = *(u16u *)(f + 10);

	*(u32u *)f = s0;
	*(u16u *)(f + 4) = s1;
	*(u32u *)(f + 6) = d0;
	*(u16u *)(f + 10) = d1;
}

/* Sent buffers back onto the pool's stack, and its top posted for RX;
 * nothing per buffer beyond what the burst calls do. */
static void recycle(struct reflect_state *s)
{
	struct hvt_pool *p = &s->pool;
	size_t n =
	    hvt_net_tx_reclaim(s->h, p->free + p->nb_free, NBUF - p->nb_free);
	size_t posted;

	s->inflight -= n;
	p->nb_free += n;
	/* Post a burst's worth from the top of the stack (the NIC usually
	 * has room for it: what the last burst consumed); what it did not
	 * take moves down over the posted ones. */
	n = p->nb_free < BURST ? p->nb_free : BURST;
	if (n == 0)
		return;
	posted = hvt_net_rx_post(s->h, p->free + p->nb_free - n, n, s->cap);
	for (size_t i = posted; i < n; i++)
		p->free[p->nb_free - n + i - posted] =
		    p->free[p->nb_free - n + i];
	p->nb_free -= posted;
}

/* One burst: received frames go back out in the same buffers, MACs
 * swapped. Returns how many frames arrived; sets *done at --count. */
static unsigned long reflect_burst(struct reflect_state *s, int *done)
{
	struct hvt_pkt in[BURST], out[BURST];
	size_t n, k = 0, sent;

	recycle(s);
	n = hvt_net_rx_burst(s->h, in, BURST);
	for (size_t i = 0; i < n; i++) {
		if (in[i].len < SOLO5_NET_HLEN ||
		    (s->count && s->reflected + k >= s->count)) {
			s->runts += in[i].len < SOLO5_NET_HLEN;
			hvt_pool_put(&s->pool, in[i].data);
			continue;
		}
		swap_macs(in[i].data);
		out[k++] = in[i];
	}
	sent = hvt_net_tx_burst(s->h, out, k);
	for (size_t i = sent; i < k; i++) {
		s->dropped++; /* all TX buffers in flight: cannot wait */
		hvt_pool_put(&s->pool, out[i].data);
	}
	for (size_t i = 0; i < sent; i++)
		s->bytes += out[i].len;
	s->reflected += sent;
	s->inflight += sent;
	*done = s->count && s->reflected >= s->count;
	return n;
}

/* Wait (bounded) until the host has every frame we gave it. */
static void flush_tx(struct reflect_state *s)
{
	solo5_time_t until = solo5_clock_monotonic() + 5 * NSEC_PER_SEC;

	while (s->inflight > 0 && solo5_clock_monotonic() < until)
		recycle(s);
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct reflect_state s = {.idle_s = NETAPP_IDLE_DEFAULT};
	struct solo5_net_info ni;
	solo5_time_t last, idle_ns;
	char mac[18];

	if (!netapp_count_idle_args("reflect", si->cmdline, &s.count,
				    &s.idle_s) ||
	    !netapp_open_burst("reflect", &s.h, &ni))
		return SOLO5_EXIT_FAILURE;
	s.cap = netapp_burst_bufs("reflect", si, &ni, s.stack, NBUF);
	if (!s.cap)
		return SOLO5_EXIT_FAILURE;
	s.pool = (struct hvt_pool){s.stack, NBUF, s.cap};
	mac_str(mac, ni.mac_address);
	printf("reflect: ready mac %s mtu %lu\n", mac, (unsigned long)ni.mtu);
	idle_ns = s.idle_s * NSEC_PER_SEC;
	last = solo5_clock_monotonic();
	for (;;) {
		int done = 0;
		unsigned long got = reflect_burst(&s, &done);

		if (done) {
			flush_tx(&s);
			return finish(&s, SOLO5_EXIT_SUCCESS);
		}
		if (got) {
			last = solo5_clock_monotonic();
			continue;
		}
		if (idle_ns && solo5_clock_monotonic() - last >= idle_ns) {
			printf("reflect: idle for %lu s, exiting\n", s.idle_s);
			flush_tx(&s);
			return finish(&s, SOLO5_EXIT_SUCCESS);
		}
		if (s.inflight > 0)
			continue; /* completions are polled, not waited for */
		solo5_yield(idle_ns ? last + idle_ns
				    : solo5_clock_monotonic() + NSEC_PER_SEC,
			    NULL);
	}
}
