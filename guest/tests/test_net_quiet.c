/* SPDX-License-Identifier: ISC */
/*
 * test_net_quiet: acquires net device "service", prints its MAC and MTU,
 * sends N broadcast frames (argument, default 1; ethertype 0x88b5, the
 * IEEE local experimental type), drains any input (bounded), then checks
 * solo5_yield(10 ms) returns and a read returns AGAIN on a quiet link.
 * SUCCESS, exit 0. Exercises the ring path when the tender offers it.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HVT_MANIFEST(1, HVT_MFT_NET("service"));

#define FRAME_LEN 64
#define MAX_DRAIN 1000

static void make_frame(uint8_t *f, const struct solo5_net_info *ni,
		       unsigned long seq)
{
	memset(f, 0, FRAME_LEN);
	memset(f, 0xff, SOLO5_NET_ALEN); /* broadcast */
	memcpy(f + SOLO5_NET_ALEN, ni->mac_address, SOLO5_NET_ALEN);
	f[12] = 0x88;
	f[13] = 0xb5;
	snprintf((char *)f + SOLO5_NET_HLEN, FRAME_LEN - SOLO5_NET_HLEN,
		 "hvt-dpdk test frame %lu", seq);
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct solo5_net_info ni;
	solo5_handle_t h;
	uint8_t frame[FRAME_LEN], *rbuf = (uint8_t *)si->heap_start;
	unsigned long n = strtoul(si->cmdline, NULL, 10), drained = 0;
	size_t len;
	solo5_result_t r;

	if (solo5_net_acquire("service", &h, &ni) != SOLO5_R_OK) {
		printf("test_net_quiet: FAILURE: cannot acquire \"service\"\n");
		return SOLO5_EXIT_FAILURE;
	}
	printf("test_net_quiet: handle %lu mac %02x:%02x:%02x:%02x:%02x:%02x "
	       "mtu %lu\n",
	       (unsigned long)h, ni.mac_address[0], ni.mac_address[1],
	       ni.mac_address[2], ni.mac_address[3], ni.mac_address[4],
	       ni.mac_address[5], (unsigned long)ni.mtu);
	if (si->heap_size < ni.mtu + SOLO5_NET_HLEN) {
		printf("test_net_quiet: FAILURE: heap too small\n");
		return SOLO5_EXIT_FAILURE;
	}
	for (unsigned long i = 0; i < (n ? n : 1); i++) {
		make_frame(frame, &ni, i);
		if (solo5_net_write(h, frame, sizeof(frame)) != SOLO5_R_OK) {
			printf("test_net_quiet: FAILURE: write %lu\n", i);
			return SOLO5_EXIT_FAILURE;
		}
	}
	do {
		r = solo5_net_read(h, rbuf, ni.mtu + SOLO5_NET_HLEN, &len);
	} while (r == SOLO5_R_OK && ++drained < MAX_DRAIN);
	solo5_yield(solo5_clock_monotonic() + 10000000ULL, NULL);
	printf("test_net_quiet: sent %lu, drained %lu, last read %d\n",
	       n ? n : 1, drained, (int)r);
	if (r != SOLO5_R_AGAIN) {
		printf("test_net_quiet: FAILURE: read did not return AGAIN\n");
		return SOLO5_EXIT_FAILURE;
	}
	printf("SUCCESS\n");
	return SOLO5_EXIT_SUCCESS;
}
