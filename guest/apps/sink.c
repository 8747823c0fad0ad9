/* SPDX-License-Identifier: ISC */
/*
 * sink: counts frames received on net device "service" and reports the
 * receive rate, for dataplane RX tests and benchmarks. --verify also checks
 * pktgen's sequence numbers and payload pattern (slow: a loop per byte).
 */
#include <hvt_manifest.h>
#include <hvt_net_burst.h>
#include <solo5.h>
#include <stdio.h>

#include "netapp.h"
#include "pktgen_pattern.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

#define NBUF HVT_NET_BURST_MAX_INFLIGHT /* all posted for RX */
#define BURST 128 /* frames per rx_burst: amortises each call's cost */

struct sink_state {
	solo5_handle_t h;
	uint8_t *bufs[NBUF];
	uint32_t cap;
	unsigned long count; /* 0: no limit */
	unsigned long idle_s; /* 0: never exit for idleness */
	int verify;
	unsigned long total;
	unsigned long long bytes;
	solo5_time_t first, last; /* at batch granularity, see main loop */
	/* --verify only */
	unsigned long bad, seq_errors;
	uint32_t next_seq;
};

static int usage(const struct word *w)
{
	char b[64];

	printf("sink: bad argument '%s'\n", word_str(w, b, sizeof(b)));
	printf("sink: usage: sink.hvt [--count=N] [--idle-exit=SECONDS] "
	       "[--verify]\n");
	return 0;
}

static int parse_args(const char *cmdline, struct sink_state *s)
{
	const struct word_ulong_opt opts[] = {
	    {"--count=", &s->count, 0, 0},
	    {"--idle-exit=", &s->idle_s, 0, 0},
	};
	struct word w;

	while (word_next(&cmdline, &w)) {
		if (word_is(&w, "--verify"))
			s->verify = 1;
		else if (word_ulong_option(&w, opts,
					   sizeof(opts) / sizeof(opts[0])) != 1)
			return usage(&w);
	}
	return 1;
}

static int finish(const struct sink_state *s, int status)
{
	unsigned long long pps = 0;

	/* n frames span n - 1 inter-frame gaps. */
	if (s->total > 1)
		pps = rate_per_sec(s->total - 1, s->last - s->first);
	if (s->verify)
		printf("sink: bad=%lu seq_errors=%lu\n", s->bad, s->seq_errors);
	printf("sink: total=%lu bytes=%llu pps=%llu\n", s->total, s->bytes,
	       pps);
	return status;
}

/* A frame that is not pktgen's, or whose payload differs, is bad; a
 * sequence number other than the last one + 1 is a loss or reorder. */
static void verify(struct sink_state *s, const uint8_t *f, size_t len)
{
	uint32_t seq;

	if (len < PKTGEN_MIN_SIZE || f[12] != (PKTGEN_ETHERTYPE >> 8) ||
	    f[13] != (PKTGEN_ETHERTYPE & 0xff) || !pktgen_check(f, len)) {
		s->bad++;
		return;
	}
	seq = pktgen_get_seq(f);
	if (seq != s->next_seq)
		s->seq_errors++;
	s->next_seq = seq + 1;
}

/* Counts what has arrived, in bursts, giving each buffer straight back.
 * Returns SOLO5_R_OK at --count, else SOLO5_R_AGAIN. */
static solo5_result_t drain(struct sink_state *s, unsigned long *got)
{
	struct hvt_pkt p[BURST];
	size_t n;

	while ((n = hvt_net_rx_burst(s->h, p, BURST)) > 0) {
		size_t take = n; /* frames past --count are not ours */

		if (s->total == 0)
			s->first = solo5_clock_monotonic();
		if (s->count && take > s->count - s->total)
			take = s->count - s->total;
		/* Per frame, only what must be: its length (four at a time,
		 * for fewer loop instructions per frame). */
		size_t i = 0;
		for (; i + 4 <= take; i += 4)
			s->bytes += (unsigned long long)p[i].len +
				    p[i + 1].len + p[i + 2].len + p[i + 3].len;
		for (; i < take; i++)
			s->bytes += p[i].len;
		for (i = 0; s->verify && i < take; i++)
			verify(s, p[i].data, p[i].len);
		s->total += take;
		*got += take;
		/* Same buffers, same slots: no descriptor written. */
		hvt_net_rx_repost(s->h, n);
		if (s->count && s->total >= s->count)
			return SOLO5_R_OK;
	}
	return SOLO5_R_AGAIN;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct sink_state s = {.idle_s = NETAPP_IDLE_DEFAULT};
	struct solo5_net_info ni;
	solo5_time_t last_rx, idle_ns;
	char mac[18];

	if (!parse_args(si->cmdline, &s) ||
	    !netapp_open_burst("sink", &s.h, &ni))
		return SOLO5_EXIT_FAILURE;
	s.cap = netapp_burst_bufs("sink", si, &ni, s.bufs, NBUF);
	if (!s.cap)
		return SOLO5_EXIT_FAILURE;
	hvt_net_rx_post(s.h, s.bufs, NBUF, s.cap);
	mac_str(mac, ni.mac_address);
	printf("sink: ready mac %s mtu %lu\n", mac, (unsigned long)ni.mtu);
	idle_ns = s.idle_s * NSEC_PER_SEC;
	last_rx = solo5_clock_monotonic();
	for (;;) {
		unsigned long got = 0;
		solo5_result_t r = drain(&s, &got);

		/* One clock read per batch, not per frame: the last frame's
		 * time is off by at most one read. */
		if (got)
			s.last = last_rx = solo5_clock_monotonic();
		if (r == SOLO5_R_OK)
			return finish(&s, SOLO5_EXIT_SUCCESS);
		if (r != SOLO5_R_AGAIN)
			return finish(&s, SOLO5_EXIT_FAILURE);
		if (!got && idle_ns &&
		    solo5_clock_monotonic() - last_rx >= idle_ns) {
			printf("sink: idle for %lu s, exiting\n", s.idle_s);
			return finish(&s, SOLO5_EXIT_SUCCESS);
		}
		solo5_yield(idle_ns ? last_rx + idle_ns
				    : solo5_clock_monotonic() + NSEC_PER_SEC,
			    NULL);
	}
}
