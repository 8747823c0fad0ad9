/* SPDX-License-Identifier: ISC */
/*
 * pktgen: sends COUNT frames of SIZE bytes on net device "service", as fast
 * as possible or paced to --pps, in the format of pktgen_pattern.h so a
 * receiver can check order and integrity. A traffic source for dataplane
 * tests and benchmarks. --wait-rx holds the first frame back until the
 * peer has sent us something, so a test counts only once the peer is known
 * to be connected. --end-on-rx keeps the unikernel (and so its NIC) alive
 * after the last frame until the peer sends something again: a peer that
 * reads a shared virtqueue late (one sharing a CPU) gets every frame
 * before the port goes away, and says so by sending.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "netapp.h"
#include "pktgen_pattern.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

/* A write still AGAIN after this many zero-timeout yields ends the run. */
#define SEND_TRIES 1000
/* Bound on input discarded per wake-up while pacing. */
#define MAX_DISCARD 64

struct pktgen_opts {
	unsigned long count, size, pps; /* pps 0: unpaced */
	int wait_rx, end_on_rx;
	unsigned long idle_s; /* bound of either wait; 0: wait forever */
	uint8_t dst[SOLO5_NET_ALEN];
};

struct pktgen_bufs {
	uint8_t *frame, *pattern, *rx;
	size_t cap;
};

static int usage(const struct word *w)
{
	char b[64];

	if (w)
		printf("pktgen: bad argument '%s'\n",
		       word_str(w, b, sizeof(b)));
	printf("pktgen: usage: pktgen.hvt COUNT SIZE [--pps=RATE] "
	       "[--dst=MAC] [--wait-rx] [--end-on-rx] [--idle-exit=SECONDS]\n");
	return 0;
}

static int parse_args(const char *cmdline, struct pktgen_opts *o)
{
	struct word w, v;
	int npos = 0;

	memset(o->dst, 0xff, SOLO5_NET_ALEN);
	o->idle_s = NETAPP_IDLE_DEFAULT;
	while (word_next(&cmdline, &w)) {
		if (word_prefix(&w, "--pps=", &v)) {
			if (!word_ulong(&v, &o->pps))
				return usage(&w);
		} else if (word_is(&w, "--wait-rx")) {
			o->wait_rx = 1;
		} else if (word_is(&w, "--end-on-rx")) {
			o->end_on_rx = 1;
		} else if (word_prefix(&w, "--idle-exit=", &v)) {
			if (!word_ulong(&v, &o->idle_s))
				return usage(&w);
		} else if (word_prefix(&w, "--dst=", &v)) {
			if (!word_mac(&v, o->dst))
				return usage(&w);
		} else if (word_prefix(&w, "--solo5:", &v)) {
			continue;
		} else if (npos < 2 &&
			   word_ulong(&w, npos == 0 ? &o->count : &o->size)) {
			npos++;
		} else {
			return usage(&w);
		}
	}
	return npos == 2 ? 1 : usage(NULL);
}

/* Frame, pattern source (cap + 256 bytes) and RX buffer from the heap. */
static int carve(const struct solo5_start_info *si,
		 const struct solo5_net_info *ni, struct pktgen_bufs *b)
{
	b->frame = netapp_buf("pktgen", si, ni, &b->cap);
	if (!b->frame)
		return 0;
	if (si->heap_size < 3 * b->cap + 256) {
		printf("pktgen: FAILURE: heap too small\n");
		return 0;
	}
	b->pattern = b->frame + b->cap;
	b->rx = b->pattern + b->cap + 256;
	/* pattern[k] = k mod 256, so the payload of frame seq is the copy
	 * starting at pattern[seq mod 256]: one memcpy (rep movsb) per frame
	 * instead of a loop per byte. */
	for (size_t k = 0; k < b->cap + 256; k++)
		b->pattern[k] = (uint8_t)k;
	return 1;
}

static void build_header(uint8_t *f, const struct pktgen_opts *o,
			 const struct solo5_net_info *ni)
{
	memcpy(f, o->dst, SOLO5_NET_ALEN);
	memcpy(f + SOLO5_NET_ALEN, ni->mac_address, SOLO5_NET_ALEN);
	f[12] = PKTGEN_ETHERTYPE >> 8;
	f[13] = PKTGEN_ETHERTYPE & 0xff;
}

/* Sleeps until (t); input arriving meanwhile would end every yield at
 * once, so it is read and dropped. */
static void wait_until(solo5_handle_t h, solo5_time_t t,
		       const struct pktgen_bufs *b)
{
	solo5_handle_set_t ready;
	size_t len;

	while (solo5_clock_monotonic() < t) {
		solo5_yield(t, &ready);
		for (int i = 0; ready && i < MAX_DISCARD; i++) {
			if (solo5_net_read(h, b->rx, b->cap, &len) !=
			    SOLO5_R_OK)
				break;
		}
	}
}

/*
 * --wait-rx and --end-on-rx: returns 1 once a frame has arrived (the peer
 * is connected and sending) and prints "pktgen: <what>", 0 after a FAILURE
 * line (read error, or nothing within idle_s).
 * What arrives is dropped, at most MAX_DISCARD frames, so a flooding peer
 * cannot keep us here; the rest is left for wait_until() or the tender.
 */
static int wait_rx(solo5_handle_t h, const struct pktgen_bufs *b,
		   unsigned long idle_s, const char *what)
{
	solo5_time_t deadline = solo5_clock_monotonic() + idle_s * NSEC_PER_SEC;
	solo5_result_t r = SOLO5_R_AGAIN;
	size_t len;

	for (;;) {
		int got = 0;

		/* Read before yielding: input may already be pending, and a
		 * dead device fails at once rather than after the wait. */
		while (got < MAX_DISCARD &&
		       (r = solo5_net_read(h, b->rx, b->cap, &len)) ==
			   SOLO5_R_OK)
			got++;
		if (got) {
			printf("pktgen: %s\n", what);
			return 1;
		}
		if (r != SOLO5_R_AGAIN) {
			printf("pktgen: FAILURE: net_read: %s\n",
			       result_str(r));
			return 0;
		}
		if (idle_s && solo5_clock_monotonic() >= deadline) {
			printf("pktgen: FAILURE: nothing received within %lu "
			       "s\n",
			       idle_s);
			return 0;
		}
		solo5_yield(idle_s ? deadline
				   : solo5_clock_monotonic() + NSEC_PER_SEC,
			    NULL);
	}
}

static int finish(unsigned long sent, solo5_time_t first, solo5_time_t last,
		  int status)
{
	unsigned long long pps = 0;

	if (sent > 1)
		pps = rate_per_sec(sent - 1, last - first);
	printf("pktgen: sent=%lu pps=%llu\n", sent, pps);
	return status;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct pktgen_opts o = {0};
	struct pktgen_bufs b;
	struct solo5_net_info ni;
	solo5_handle_t h;
	solo5_time_t start, first = 0;
	unsigned long sent;
	char mac[18];

	if (!parse_args(si->cmdline, &o) || !netapp_open("pktgen", &h, &ni) ||
	    !carve(si, &ni, &b))
		return SOLO5_EXIT_FAILURE;
	if (o.size < PKTGEN_MIN_SIZE || o.size > ni.mtu + SOLO5_NET_HLEN ||
	    o.size > b.cap) {
		printf("pktgen: FAILURE: SIZE %lu outside %d..%lu\n", o.size,
		       PKTGEN_MIN_SIZE, (unsigned long)ni.mtu + SOLO5_NET_HLEN);
		return SOLO5_EXIT_FAILURE;
	}
	build_header(b.frame, &o, &ni);
	mac_str(mac, ni.mac_address);
	printf("pktgen: ready mac %s mtu %lu\n", mac, (unsigned long)ni.mtu);
	if (o.wait_rx && !wait_rx(h, &b, o.idle_s, "peer is up"))
		return finish(0, 0, 0, SOLO5_EXIT_FAILURE);
	start = solo5_clock_monotonic();
	for (sent = 0; sent < o.count; sent++) {
		solo5_result_t r;

		if (o.pps)
			wait_until(h, start + sent * NSEC_PER_SEC / o.pps, &b);
		pktgen_put_seq(b.frame, (uint32_t)sent);
		memcpy(b.frame + PKTGEN_DATA_OFF, b.pattern + (sent & 0xff),
		       o.size - PKTGEN_DATA_OFF);
		r = netapp_send(h, b.frame, o.size, SEND_TRIES);
		if (r != SOLO5_R_OK) {
			printf("pktgen: FAILURE: net_write: %s at frame %lu\n",
			       result_str(r), sent);
			return finish(sent, first, solo5_clock_monotonic(),
				      SOLO5_EXIT_FAILURE);
		}
		/* No clock read per frame: only the first and the last. */
		if (sent == 0)
			first = solo5_clock_monotonic();
	}
	finish(sent, first, solo5_clock_monotonic(), SOLO5_EXIT_SUCCESS);
	if (o.end_on_rx && !wait_rx(h, &b, o.idle_s, "peer says end"))
		return SOLO5_EXIT_FAILURE;
	return SOLO5_EXIT_SUCCESS;
}
