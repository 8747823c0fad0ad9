/* SPDX-License-Identifier: ISC */
/*
 * hvt-bench-instr-APP: runs a guest app (pktgen, sink or reflect) on the
 * host, unmodified, with the guest runtime's fast-path code
 * (guest/runtime/net_fast.c) and the guest's memcpy, against a stand-in
 * dataplane that completes every TX frame and fills every posted RX buffer
 * at each kick. Run under callgrind, it counts the guest instructions per
 * frame, which on this machine (guest code emulated) decide throughput and
 * on hardware decide cycles. The stand-in is harness_host(): bench/run
 * subtracts its cost from solo5_app_main's.
 *
 * Usage: hvt-bench-instr-APP RX_FRAMES RX_SIZE -- APP ARGS...
 * RX_FRAMES frames of RX_SIZE bytes are delivered in all (0 for pktgen).
 * Compiled with the guest's code-generation flags (bench/meson.build).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest/runtime/runtime_priv.h"
#include "hypercall/abi/hvt_fastpath.h"

#define HEAP_SIZE (64UL << 20)
#define REGION_SIZE HVT_RING_REGION_SIZE
#define NET_HANDLE 1

static struct hvt_mft_entry net_entry = {
    .name = "service",
    .type = HVT_MFT_DEV_NET_BASIC,
    .attached = 1,
    .u.net_basic = {.mac = {0x02, 0, 0, 0, 0, 1}, .mtu = 1500},
};
static volatile struct hvtx_queue *queue;
static unsigned long rx_left; /* frames still to deliver */
static uint32_t rx_size;

/* The stand-in dataplane: everything posted is done at once. */
__attribute__((noinline)) void harness_host(void);
void harness_host(void)
{
	uint32_t done = queue->tx_done, prod = queue->tx_prod;

	for (; done != prod; done++)
		queue->tx[done & HVTX_QUEUE_MASK].status = HVTX_TX_SENT;
	queue->tx_done = done;
	for (done = queue->rx_done; rx_left > 0 && done != queue->rx_post;
	     done++, rx_left--) {
		volatile struct hvtx_rxd *d =
		    &queue->rx[done & HVTX_QUEUE_MASK];
		uint8_t *f = (uint8_t *)(uintptr_t)d->gpa;

		/* A unicast frame to us from a peer, as reflect expects. */
		memset(f, 0x11, 12);
		f[12] = 0x88;
		f[13] = 0xb5;
		d->len = rx_size <= d->cap ? rx_size : d->cap;
	}
	queue->rx_done = done;
}

void rt_kick(void)
{
	harness_host();
}

const struct hvt_mft_entry *rt_mft_get(solo5_handle_t handle, uint32_t type)
{
	return handle == NET_HANDLE && type == net_entry.type ? &net_entry
							      : NULL;
}

solo5_result_t rt_net_acquire(const char *name, solo5_handle_t *handle,
			      struct solo5_net_info *info)
{
	if (strcmp(name, net_entry.name) != 0)
		return SOLO5_R_EINVAL;
	*handle = NET_HANDLE;
	memcpy(info->mac_address, net_entry.u.net_basic.mac, SOLO5_NET_ALEN);
	info->mtu = net_entry.u.net_basic.mtu;
	return SOLO5_R_OK;
}

/* Not reached on the fast path; present for the linker. */
solo5_result_t rt_net_write_solo5(solo5_handle_t h, const uint8_t *b, size_t n)
{
	(void)h, (void)b, (void)n;
	abort();
}

solo5_result_t rt_net_read_solo5(solo5_handle_t h, uint8_t *b, size_t n,
				 size_t *r)
{
	(void)h, (void)b, (void)n, (void)r;
	abort();
}

solo5_result_t solo5_net_write(solo5_handle_t h, const uint8_t *b, size_t n)
{
	(void)h, (void)b, (void)n;
	abort();
}

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
				 struct solo5_net_info *info)
{
	return rt_net_acquire(name, handle, info);
}

void rt_puts(const char *s)
{
	fputs(s, stdout);
}

void rt_abort(const char *why, const void *cookie)
{
	(void)cookie;
	fprintf(stderr, "guest: ABORT: %s\n", why);
	abort();
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The TSC frequency, as the tender gives it to guests; the guest's own
 * clock code (clock_x86_64.c, linked in) then costs what it does there. */
static uint64_t tsc_hz(void)
{
	uint64_t t0 = now_ns(), c0 = __builtin_ia32_rdtsc(), t1;

	while ((t1 = now_ns()) - t0 < 20000000)
		;
	return (__builtin_ia32_rdtsc() - c0) * 1000000000ULL / (t1 - t0);
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
	(void)deadline;
	harness_host();
	if (ready_set)
		*ready_set = rt_fast_ready();
}

int main(int argc, char **argv)
{
	static struct hvt_boot_info bi;
	static struct solo5_start_info si;
	static char cmdline[1024];
	uint8_t *region = aligned_alloc(HVT_HUGE_PAGE_SIZE, REGION_SIZE);
	uint8_t *heap = aligned_alloc(HVT_PAGE_SIZE, HEAP_SIZE);
	struct hvtx_header *h;
	uintptr_t heap_end;
	size_t used = 0;

	if (argc < 4 || strcmp(argv[3], "--") != 0 || !region || !heap) {
		fprintf(stderr, "usage: %s RX_FRAMES RX_SIZE -- APP ARGS...\n",
			argv[0]);
		return 2;
	}
	rx_left = strtoul(argv[1], NULL, 0);
	rx_size = (uint32_t)strtoul(argv[2], NULL, 0);
	for (int i = 5; i < argc; i++)
		used += (size_t)snprintf(cmdline + used, sizeof(cmdline) - used,
					 "%s%s", i > 5 ? " " : "", argv[i]);
	rt_clock_init(tsc_hz());
	memset(region, 0, REGION_SIZE);
	h = (struct hvtx_header *)(region + HVTX_HEADER_OFFSET);
	h->magic = HVTX_MAGIC;
	h->version = HVTX_VERSION;
	h->queue_entries = HVTX_QUEUE_ENTRIES;
	h->kick_port = HVT_RING_KICK_PIO;
	memset(h->queue_of, HVTX_NO_QUEUE, sizeof(h->queue_of));
	h->queue_of[NET_HANDLE] = 0;
	h->needs_kick = 1; /* every publish runs the stand-in at once */
	queue = (volatile struct hvtx_queue *)(region + HVTX_QUEUE_OFFSET);
	/* The guest code treats GPAs as pointers: give it host addresses. */
	bi.mem_size = (uintptr_t)region;
	bi.host_features = HVTX_FEATURE_FASTPATH;
	heap_end = (uintptr_t)heap + HEAP_SIZE;
	rt_fast_init(&bi, (uintptr_t)heap, &heap_end);
	if (!rt_fast_enabled()) {
		fprintf(stderr, "%s: fast path not set up\n", argv[0]);
		return 1;
	}
	si.cmdline = cmdline;
	si.heap_start = (uintptr_t)heap;
	si.heap_size = heap_end - (uintptr_t)heap;
	return solo5_app_main(&si);
}
