/* SPDX-License-Identifier: ISC */
/*
 * reflect: sends every frame received on net device "service" straight
 * back with its source and destination MACs swapped, any size up to the
 * MTU (jumbo included). A loopback peer for dataplane tests and benchmarks.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "netapp.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

#define SEND_TRIES 100

struct reflect_state {
	solo5_handle_t h;
	uint8_t *buf;
	size_t cap;
	unsigned long count; /* 0: no limit */
	unsigned long idle_s; /* 0: never exit for idleness */
	unsigned long reflected, dropped, runts;
	unsigned long long bytes;
};

static int usage(const struct word *w)
{
	char b[64];

	printf("reflect: bad argument '%s'\n", word_str(w, b, sizeof(b)));
	printf("reflect: usage: reflect.hvt [--count=N] "
	       "[--idle-exit=SECONDS]\n");
	return 0;
}

static int parse_args(const char *cmdline, struct reflect_state *s)
{
	const struct word_ulong_opt opts[] = {
	    {"--count=", &s->count, 0, 0},
	    {"--idle-exit=", &s->idle_s, 0, 0},
	};
	struct word w;

	while (word_next(&cmdline, &w))
		if (word_ulong_option(&w, opts,
				      sizeof(opts) / sizeof(opts[0])) != 1)
			return usage(&w);
	return 1;
}

static int finish(const struct reflect_state *s, int status)
{
	if (s->dropped || s->runts)
		printf("reflect: dropped=%lu runts=%lu\n", s->dropped,
		       s->runts);
	printf("reflect: reflected=%lu bytes=%llu\n", s->reflected, s->bytes);
	return status;
}

/* Swaps the two MACs with three 6-byte copies (rep movsb: cheap here). */
static void swap_macs(uint8_t *f)
{
	uint8_t tmp[SOLO5_NET_ALEN];

	memcpy(tmp, f, SOLO5_NET_ALEN);
	memcpy(f, f + SOLO5_NET_ALEN, SOLO5_NET_ALEN);
	memcpy(f + SOLO5_NET_ALEN, tmp, SOLO5_NET_ALEN);
}

/* Reflects frames until AGAIN, an error, or --count. Returns the read
 * result (OK only when --count is reached) or the write error. */
static solo5_result_t drain(struct reflect_state *s, unsigned long *got)
{
	solo5_result_t r, w;
	size_t len;

	while ((r = solo5_net_read(s->h, s->buf, s->cap, &len)) == SOLO5_R_OK) {
		(*got)++;
		if (len < SOLO5_NET_HLEN) {
			s->runts++;
			continue;
		}
		swap_macs(s->buf);
		w = netapp_send(s->h, s->buf, len, SEND_TRIES);
		if (w == SOLO5_R_AGAIN) {
			s->dropped++;
			continue;
		}
		if (w != SOLO5_R_OK) {
			printf("reflect: FAILURE: net_write: %s\n",
			       result_str(w));
			return w;
		}
		s->reflected++;
		s->bytes += len;
		if (s->count && s->reflected >= s->count)
			return SOLO5_R_OK;
	}
	if (r != SOLO5_R_AGAIN)
		printf("reflect: FAILURE: net_read: %s\n", result_str(r));
	return r;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct reflect_state s = {.idle_s = NETAPP_IDLE_DEFAULT};
	struct solo5_net_info ni;
	solo5_time_t last, idle_ns;
	char mac[18];

	if (!parse_args(si->cmdline, &s) || !netapp_open("reflect", &s.h, &ni))
		return SOLO5_EXIT_FAILURE;
	s.buf = netapp_buf("reflect", si, &ni, &s.cap);
	if (!s.buf)
		return SOLO5_EXIT_FAILURE;
	mac_str(mac, ni.mac_address);
	printf("reflect: ready mac %s mtu %lu\n", mac, (unsigned long)ni.mtu);
	idle_ns = s.idle_s * NSEC_PER_SEC;
	last = solo5_clock_monotonic();
	for (;;) {
		unsigned long got = 0;
		solo5_result_t r = drain(&s, &got);

		if (r == SOLO5_R_OK)
			return finish(&s, SOLO5_EXIT_SUCCESS);
		if (r != SOLO5_R_AGAIN)
			return finish(&s, SOLO5_EXIT_FAILURE);
		if (got) {
			last = solo5_clock_monotonic();
		} else if (idle_ns &&
			   solo5_clock_monotonic() - last >= idle_ns) {
			printf("reflect: idle for %lu s, exiting\n", s.idle_s);
			return finish(&s, SOLO5_EXIT_SUCCESS);
		}
		solo5_yield(idle_ns ? last + idle_ns
				    : solo5_clock_monotonic() + NSEC_PER_SEC,
			    NULL);
	}
}
