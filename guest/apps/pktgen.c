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
#include <hvt_net_burst.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "netapp.h"
#include "pktgen_pattern.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

/* Bound on input discarded per wake-up while pacing. */
#define MAX_DISCARD 64

struct pktgen_opts {
	unsigned long count, size, pps; /* pps 0: unpaced */
	int wait_rx, end_on_rx;
	unsigned long idle_s; /* bound of either wait; 0: wait forever */
	uint8_t dst[SOLO5_NET_ALEN];
};

#define TXB HVT_NET_BURST_MAX_INFLIGHT /* frames in flight; 256 | TXB */
#define RXB 32 /* receive buffers posted */
#define BURST 128 /* frames per repost: amortises each call's cost */
#define STALL_NS (10 * NSEC_PER_SEC) /* no completion this long: give up */

struct pktgen_bufs {
	uint8_t *tx[TXB]; /* frame of sequence number s: tx[s % TXB] */
	size_t tx_stride; /* tx[i + 1] == tx[i] + tx_stride */
	uint8_t *rx[RXB];
	uint32_t rx_cap;
	uint8_t *pattern;
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

static size_t round64(size_t v)
{
	return (v + 63) & ~(size_t)63;
}

/*
 * TX frames, RX buffers and the pattern source from the heap. Frame
 * buffers are formatted once (the payload of sequence number s starts at
 * pattern[s mod 256], and TXB is a multiple of 256): per frame only the
 * sequence number is written, so the guest copies no payload.
 */
static int carve(const struct solo5_start_info *si,
		 const struct solo5_net_info *ni, const struct pktgen_opts *o,
		 struct pktgen_bufs *b)
{
	size_t tx_stride = round64(o->size) < 2048 ? 2048 : round64(o->size);
	size_t rx_cap = round64(ni->mtu + SOLO5_NET_HLEN);
	size_t need = TXB * tx_stride + RXB * rx_cap + o->size + 256;
	uint8_t *m = (uint8_t *)si->heap_start;

	if (si->heap_size < need) {
		printf("pktgen: FAILURE: heap too small\n");
		return 0;
	}
	b->tx_stride = tx_stride;
	for (size_t i = 0; i < TXB; i++, m += tx_stride)
		b->tx[i] = m;
	for (size_t i = 0; i < RXB; i++, m += rx_cap)
		b->rx[i] = m;
	b->rx_cap = (uint32_t)rx_cap;
	b->pattern = m;
	for (size_t k = 0; k < o->size + 256; k++)
		b->pattern[k] = (uint8_t)k;
	return 1;
}

static void format_frames(const struct pktgen_bufs *b,
			  const struct pktgen_opts *o,
			  const struct solo5_net_info *ni)
{
	size_t n = o->count < TXB ? o->count : TXB;

	for (size_t i = 0; i < n; i++) {
		uint8_t *f = b->tx[i];

		memcpy(f, o->dst, SOLO5_NET_ALEN);
		memcpy(f + SOLO5_NET_ALEN, ni->mac_address, SOLO5_NET_ALEN);
		f[12] = PKTGEN_ETHERTYPE >> 8;
		f[13] = PKTGEN_ETHERTYPE & 0xff;
		memcpy(f + PKTGEN_DATA_OFF, b->pattern + (i & 0xff),
		       o->size - PKTGEN_DATA_OFF);
	}
}

/*
 * Frame s always goes out of slot s % TXB in buffer tx[s % TXB]: after the
 * first round only its sequence number changes. This is the only per-frame
 * work of the send loop, so it walks the buffers by their stride, four at
 * a time (about four guest instructions a frame).
 */
static void number_frames(const struct pktgen_bufs *b, unsigned long sent,
			  size_t n)
{
	size_t stride = b->tx_stride;

	while (n > 0) {
		size_t slot = sent % TXB, run = TXB - slot;
		uint8_t *f = b->tx[slot];
		uint32_t seq = (uint32_t)sent;

		if (run > n)
			run = n;
		sent += run;
		n -= run;
		for (; run >= 4; run -= 4, f += 4 * stride, seq += 4) {
			pktgen_put_seq(f, seq);
			pktgen_put_seq(f + stride, seq + 1);
			pktgen_put_seq(f + 2 * stride, seq + 2);
			pktgen_put_seq(f + 3 * stride, seq + 3);
		}
		for (; run > 0; run--, f += stride, seq++)
			pktgen_put_seq(f, seq);
	}
}

/* Frames received are dropped: their buffers go straight back. Returns
 * how many there were. */
static size_t rx_drop(solo5_handle_t h, const struct pktgen_bufs *b)
{
	struct hvt_pkt p[RXB];
	uint8_t *bufs[RXB];
	size_t n = hvt_net_rx_burst(h, p, RXB);

	for (size_t i = 0; i < n; i++)
		bufs[i] = p[i].data;
	hvt_net_rx_post(h, bufs, n, b->rx_cap);
	return n;
}

/* Sleeps until (t); input arriving meanwhile would end every yield at
 * once, so it is dropped. */
static void wait_until(solo5_handle_t h, solo5_time_t t,
		       const struct pktgen_bufs *b)
{
	solo5_handle_set_t ready;

	while (solo5_clock_monotonic() < t) {
		solo5_yield(t, &ready);
		for (int i = 0; ready && i < MAX_DISCARD / RXB; i++)
			if (rx_drop(h, b) == 0)
				break;
	}
}

/*
 * --wait-rx and --end-on-rx: returns 1 once a frame has arrived (the peer
 * is connected and sending) and prints "pktgen: <what>", 0 after a FAILURE
 * line (nothing within idle_s). What arrives is dropped.
 */
static int wait_rx(solo5_handle_t h, const struct pktgen_bufs *b,
		   unsigned long idle_s, const char *what)
{
	solo5_time_t deadline = solo5_clock_monotonic() + idle_s * NSEC_PER_SEC;

	for (;;) {
		if (rx_drop(h, b) > 0) {
			printf("pktgen: %s\n", what);
			return 1;
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

/*
 * The rate counts frames the host completed from the first completion on:
 * frames posted before the dataplane was up (it starts while the guest
 * boots) would otherwise count the start-up as sending time.
 */
static struct {
	unsigned long done, done_at_first;
	solo5_time_t first;
} rate;

static int finish(unsigned long sent, int status)
{
	unsigned long long pps = 0;
	solo5_time_t last = solo5_clock_monotonic();

	if (rate.done > rate.done_at_first && last > rate.first)
		pps = rate_per_sec(rate.done - rate.done_at_first,
				   last - rate.first);
	printf("pktgen: sent=%lu pps=%llu\n", sent, pps);
	return status;
}

/* Buffers the NIC is done with; waits (bounded) while all TXB are in
 * flight. Returns the frames still in flight, or -1 after STALL_NS. */
static long reclaim(solo5_handle_t h, unsigned long inflight, int wait)
{
	solo5_time_t since = 0;

	for (;;) {
		size_t c = hvt_net_tx_completed(h);

		if (c && rate.first == 0) {
			rate.first = solo5_clock_monotonic();
			rate.done_at_first = rate.done + c;
		}
		rate.done += c;
		inflight -= c;
		if (inflight < TXB && !(wait && inflight > 0))
			return (long)inflight;
		if (since == 0)
			since = solo5_clock_monotonic();
		else if (solo5_clock_monotonic() - since > STALL_NS)
			return -1;
		__asm__ volatile("pause" ::: "memory");
	}
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct pktgen_opts o = {0};
	static struct pktgen_bufs b;
	struct solo5_net_info ni;
	solo5_handle_t h;
	solo5_time_t start;
	unsigned long sent = 0;
	long inflight = 0;
	solo5_result_t r;
	char mac[18];

	if (!parse_args(si->cmdline, &o))
		return SOLO5_EXIT_FAILURE;
	r = hvt_net_burst_acquire("service", &h, &ni);
	if (r != SOLO5_R_OK) {
		printf("pktgen: FAILURE: cannot acquire net device "
		       "\"service\": %s\n",
		       result_str(r));
		return SOLO5_EXIT_FAILURE;
	}
	if (o.size < PKTGEN_MIN_SIZE || o.size > ni.mtu + SOLO5_NET_HLEN) {
		printf("pktgen: FAILURE: SIZE %lu outside %d..%lu\n", o.size,
		       PKTGEN_MIN_SIZE, (unsigned long)ni.mtu + SOLO5_NET_HLEN);
		return SOLO5_EXIT_FAILURE;
	}
	if (!carve(si, &ni, &o, &b))
		return SOLO5_EXIT_FAILURE;
	format_frames(&b, &o, &ni);
	hvt_net_rx_post(h, b.rx, RXB, b.rx_cap);
	mac_str(mac, ni.mac_address);
	printf("pktgen: ready mac %s mtu %lu%s\n", mac, (unsigned long)ni.mtu,
	       hvt_net_burst_is_fast(h) ? " fast path" : "");
	if (o.wait_rx && !wait_rx(h, &b, o.idle_s, "peer is up"))
		return finish(0, SOLO5_EXIT_FAILURE);
	start = solo5_clock_monotonic();
	while (sent < o.count) {
		struct hvt_pkt p[BURST];
		unsigned long want = o.count - sent;
		size_t n;

		if (o.pps) {
			wait_until(h, start + sent * NSEC_PER_SEC / o.pps, &b);
			want = 1;
		}
		inflight = reclaim(h, (unsigned long)inflight, 0);
		if (inflight < 0)
			break;
		if (want > BURST)
			want = BURST;
		if (sent < TXB && want > TXB - sent)
			want = TXB - sent; /* the first round ends at TXB */
		if (want > TXB - (unsigned long)inflight)
			want = TXB - (unsigned long)inflight;
		number_frames(&b, sent, want);
		if (sent >= TXB) {
			n = hvt_net_tx_repost(h, want);
		} else {
			for (size_t i = 0; i < want; i++)
				p[i] = (struct hvt_pkt){b.tx[sent + i],
							(uint32_t)o.size};
			n = hvt_net_tx_burst(h, p, want);
		}
		sent += n;
		inflight += (long)n;
	}
	/* Every frame handed to the host before the final line. */
	if (inflight >= 0)
		inflight = reclaim(h, (unsigned long)inflight, 1);
	if (inflight < 0) {
		printf("pktgen: FAILURE: frames not completed within %llu s\n",
		       (unsigned long long)(STALL_NS / NSEC_PER_SEC));
		return finish(sent, SOLO5_EXIT_FAILURE);
	}
	finish(sent, SOLO5_EXIT_SUCCESS);
	if (o.end_on_rx && !wait_rx(h, &b, o.idle_s, "peer says end"))
		return SOLO5_EXIT_FAILURE;
	return SOLO5_EXIT_SUCCESS;
}
