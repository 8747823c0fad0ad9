/* SPDX-License-Identifier: ISC */
/*
 * Burst network I/O for network-function authors (docs/fastpath.md).
 *
 * Frames move in the application's own buffers, many per call, without a
 * copy and, on hvt-dpdk's fast path, without a VM exit while the dataplane
 * is busy. Ownership is explicit: a buffer given to tx_burst or rx_post
 * belongs to the NIC until it comes back from tx_reclaim or rx_burst, in
 * the order it was given. Buffers must stay inside the heap the app was
 * given (guest memory the host may read, and for RX write).
 *
 * The same calls work on any tender: without the fast path (solo5-hvt, or
 * hvt-dpdk --net-fastpath=off) they are carried out with solo5_net_write /
 * solo5_net_read, one frame at a time. A NIC is used either through this
 * API (acquired with hvt_net_burst_acquire) or through solo5_net_read /
 * solo5_net_write, not both.
 *
 * Example, a MAC-swapping reflector:
 *
 *   hvt_net_burst_acquire("service", &h, &ni);
 *   hvt_pool_init(&pool, heap, nbufs, 2048, stack);
 *   refill(h, &pool);                       // rx_post what the pool has
 *   for (;;) {
 *       struct hvt_pkt p[32];
 *       size_t n = hvt_net_rx_burst(h, p, 32);
 *       for (size_t i = 0; i < n; i++) swap_macs(p[i].data);
 *       hvt_net_tx_burst(h, p, n);          // same buffers, no copy
 *       ... tx_reclaim into the pool, rx_post from it, solo5_yield when
 *       nothing moved ...
 *   }
 */
#ifndef HVT_NET_BURST_H
#define HVT_NET_BURST_H

#include <solo5.h>
#include <stddef.h>
#include <stdint.h>

/* A frame in a buffer: data points at its first byte. */
struct hvt_pkt {
	uint8_t *data;
	uint32_t len;
};

/* Most buffers a NIC holds per direction (the fast path's queue size). */
#define HVT_NET_BURST_MAX_INFLIGHT 512

/*
 * Acquire NIC name for this API (instead of solo5_net_acquire). Returns
 * SOLO5_R_OK with *handle and *info, SOLO5_R_EINVAL if there is no such
 * attached NIC or it is already acquired, SOLO5_R_EUNSPEC if the runtime had
 * no memory for the NIC's queue state.
 */
solo5_result_t hvt_net_burst_acquire(const char *name, solo5_handle_t *handle,
				     struct solo5_net_info *info);

/* 1 when handle moves frames through hvt-dpdk's fast path, 0 when the
 * calls fall back to solo5_net_read/write. */
int hvt_net_burst_is_fast(solo5_handle_t handle);

/*
 * Queue up to n frames for sending (1 <= len <= MTU + 14 each). Returns how
 * many were taken, from the first: fewer when HVT_NET_BURST_MAX_INFLIGHT
 * are in flight (reclaim some), 0 for a bad handle. Their buffers are the
 * NIC's until tx_reclaim returns them.
 */
size_t hvt_net_tx_burst(solo5_handle_t handle, const struct hvt_pkt *pkts,
			size_t n);

/* Buffers of sent (or dropped) frames, oldest first, at most max. */
size_t hvt_net_tx_reclaim(solo5_handle_t handle, uint8_t **bufs, size_t max);

/*
 * For generators that keep one formatted frame per queue slot (slot i of
 * HVT_NET_BURST_MAX_INFLIGHT always sends the same buffer): tx_completed
 * reclaims like tx_reclaim but only counts, and tx_repost sends the next n
 * slots again with the buffer and length each had last time (every slot
 * must have been given to tx_burst once). Neither touches a descriptor per
 * frame, so a generator spends guest instructions only on its own frame
 * contents.
 */
size_t hvt_net_tx_completed(solo5_handle_t handle);
size_t hvt_net_tx_repost(solo5_handle_t handle, size_t n);

/* Give up to n empty buffers of cap bytes each for receiving. Returns how
 * many were taken (at most HVT_NET_BURST_MAX_INFLIGHT are held). */
size_t hvt_net_rx_post(solo5_handle_t handle, uint8_t *const *bufs, size_t n,
		       uint32_t cap);

/* Received frames, oldest first, at most max: each in a buffer rx_post
 * gave, which is the app's again. A frame bigger than the buffer is
 * dropped by the host. */
size_t hvt_net_rx_burst(solo5_handle_t handle, struct hvt_pkt *pkts,
			size_t max);

/* Give the n oldest buffers rx_burst returned back for receiving, each in
 * the slot it had, with no descriptor written (for sinks that are done
 * with every frame at once; post HVT_NET_BURST_MAX_INFLIGHT buffers with
 * rx_post first). Returns how many. */
size_t hvt_net_rx_repost(solo5_handle_t handle, size_t n);

/* A stack of equal buffers carved from memory the app owns. */
struct hvt_pool {
	uint8_t **free;
	size_t nb_free;
	size_t buf_size;
};

/* Carve count buffers of buf_size bytes from mem (count * buf_size bytes)
 * and track them in stack (count pointers). */
static inline void hvt_pool_init(struct hvt_pool *p, uint8_t *mem, size_t count,
				 size_t buf_size, uint8_t **stack)
{
	p->free = stack;
	p->buf_size = buf_size;
	p->nb_free = count;
	for (size_t i = 0; i < count; i++)
		stack[i] = mem + i * buf_size;
}

static inline uint8_t *hvt_pool_get(struct hvt_pool *p)
{
	return p->nb_free ? p->free[--p->nb_free] : NULL;
}

static inline void hvt_pool_put(struct hvt_pool *p, uint8_t *buf)
{
	p->free[p->nb_free++] = buf;
}

#endif /* HVT_NET_BURST_H */
