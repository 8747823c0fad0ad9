/* SPDX-License-Identifier: ISC */
/*
 * The guest side of hvt-dpdk's fast path (docs/fastpath.md) and the burst
 * API over it (hvt_net_burst.h). Per NIC, private indices and the buffer
 * of each queue slot; the shared queue's host indices are only read. With
 * no fast path the same code drives a private queue that is served here by
 * the Solo5 calls (ring or hypercalls), so apps run on any tender.
 *
 * A NIC acquired with solo5_net_acquire on the fast path uses runtime
 * buffers bound to slots (RT_FQ_SOLO5_SLOTS each way): one copy per frame,
 * as the Solo5 API requires, and no exit unless the dataplane sleeps.
 */
#include <hvt_net_burst.h>
#include <stdio.h>
#include <string.h>

#include "hypercall/abi/hvt_fastpath.h"
#include "runtime_priv.h"

#define RT_FQ_SOLO5_SLOTS 64U /* runtime buffers per direction */

enum rt_fq_mode { FQ_UNUSED, FQ_SOLO5, FQ_BURST };

struct rt_fq {
	volatile struct hvtx_queue *q; /* the host's, or a private one */
	enum rt_fq_mode mode;
	int fast; /* q is the host's queue */
	uint32_t tx_prod, tx_clean; /* posted / reclaimed up to */
	uint32_t rx_post, rx_head; /* posted / consumed up to */
	uint8_t **tx_buf, **rx_buf; /* burst: buffer of each slot */
	uint8_t *tx_mem, *rx_mem; /* Solo5 API: slot buffers */
	uint32_t buf_size; /* max_frame rounded up to 64 */
	uint32_t max_frame; /* MTU + 14 */
};

static struct rt_fq fqs[HVT_MFT_MAX_ENTRIES];
static volatile struct hvtx_header *hdr;
/* Acquired fast-path NICs, so a yield looks at those only. */
static solo5_handle_t active[HVT_MFT_MAX_ENTRIES];
static unsigned nb_active;

static inline void compiler_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Wake a sleeping dataplane. The store-load fence orders our index store
 * before the needs_kick load; pairs with the host's store, fence, check. */
static void kick_check(void)
{
	__asm__ volatile("mfence" ::: "memory");
	if (hdr->needs_kick)
		rt_kick();
}

static uint32_t round_up64(uint32_t v)
{
	return (v + 63U) & ~63U;
}

/* Host header, if offered and sane; else NULL. */
static volatile struct hvtx_header *header_find(const struct hvt_boot_info *bi)
{
	volatile struct hvtx_header *h;

	if (!(bi->host_features & HVTX_FEATURE_FASTPATH))
		return NULL;
	h = (volatile struct hvtx_header *)(uintptr_t)(bi->mem_size +
						       HVTX_HEADER_OFFSET);
	if (h->magic != HVTX_MAGIC || h->version != HVTX_VERSION ||
	    h->queue_entries != HVTX_QUEUE_ENTRIES ||
	    h->kick_port != HVT_RING_KICK_PIO)
		return NULL;
	return h;
}

static uintptr_t take(uintptr_t *top, uintptr_t size)
{
	*top = (*top - size) & ~(uintptr_t)63;
	return *top;
}

/*
 * Reserve per-NIC state from the top of the heap: slot tables for the
 * burst API, a private queue when there is no fast path, and Solo5 API
 * buffers on the fast path. At most a quarter of the heap; without room a
 * NIC keeps the Solo5 interfaces only.
 */
void rt_fast_init(const struct hvt_boot_info *bi, uintptr_t heap_start,
		  uintptr_t *heap_end)
{
	uintptr_t need = 0, top = *heap_end, budget;
	volatile struct hvtx_header *h = header_find(bi);

	budget = (*heap_end - heap_start) / 4;
	for (solo5_handle_t i = 1; i < HVT_MFT_MAX_ENTRIES; i++) {
		const struct hvt_mft_entry *e =
		    rt_mft_get(i, HVT_MFT_DEV_NET_BASIC);
		uint32_t bs;

		if (!e)
			continue;
		bs = round_up64(e->u.net_basic.mtu + SOLO5_NET_HLEN);
		need += 2 * HVTX_QUEUE_ENTRIES * sizeof(uint8_t *) + 128;
		need += h ? 2 * RT_FQ_SOLO5_SLOTS * bs + 128
			  : sizeof(struct hvtx_queue) + 64;
	}
	if (need == 0 || need > budget) {
		if (need)
			rt_puts("hvt-guest: too little memory for the burst "
				"API and fast path\n");
		return;
	}
	hdr = h;
	for (solo5_handle_t i = 1; i < HVT_MFT_MAX_ENTRIES; i++) {
		const struct hvt_mft_entry *e =
		    rt_mft_get(i, HVT_MFT_DEV_NET_BASIC);
		struct rt_fq *f = &fqs[i];

		if (!e)
			continue;
		f->max_frame = e->u.net_basic.mtu + SOLO5_NET_HLEN;
		f->buf_size = round_up64(f->max_frame);
		f->tx_buf = (uint8_t **)take(&top, HVTX_QUEUE_ENTRIES *
						       sizeof(uint8_t *));
		f->rx_buf = (uint8_t **)take(&top, HVTX_QUEUE_ENTRIES *
						       sizeof(uint8_t *));
		if (h && h->queue_of[i] != HVTX_NO_QUEUE) {
			f->fast = 1;
			f->q =
			    (volatile struct hvtx_queue
				 *)(uintptr_t)(bi->mem_size +
					       HVTX_QUEUE_OFFSET +
					       h->queue_of[i] *
						   sizeof(struct hvtx_queue));
			f->tx_mem = (uint8_t *)take(&top, RT_FQ_SOLO5_SLOTS *
							      f->buf_size);
			f->rx_mem = (uint8_t *)take(&top, RT_FQ_SOLO5_SLOTS *
							      f->buf_size);
		} else {
			f->q = (volatile struct hvtx_queue *)take(
			    &top, sizeof(struct hvtx_queue));
			memset((void *)f->q, 0, sizeof(struct hvtx_queue));
		}
	}
	*heap_end = top & ~(HVT_PAGE_SIZE - 1);
}

int rt_fast_enabled(void)
{
	return hdr != NULL;
}

static struct rt_fq *fq_get(solo5_handle_t h, enum rt_fq_mode mode)
{
	return h < HVT_MFT_MAX_ENTRIES && fqs[h].mode == mode ? &fqs[h] : NULL;
}

/* Private queue (no fast path): send what is posted with the Solo5 calls;
 * a frame the host pushes back (AGAIN) stays posted for the next try. */
static void emulate_tx(struct rt_fq *f, solo5_handle_t h)
{
	volatile struct hvtx_queue *q = f->q;

	while (q->tx_done != f->tx_prod) {
		volatile struct hvtx_txd *d =
		    &q->tx[q->tx_done & HVTX_QUEUE_MASK];
		solo5_result_t r = rt_net_write_solo5(
		    h, (const uint8_t *)(uintptr_t)d->gpa, d->len);

		if (r == SOLO5_R_AGAIN)
			return;
		d->status = r == SOLO5_R_OK ? HVTX_TX_SENT : HVTX_TX_DROPPED;
		q->tx_done++;
	}
}

/* Private queue: fill posted buffers with what the Solo5 calls return. */
static void emulate_rx(struct rt_fq *f, solo5_handle_t h)
{
	volatile struct hvtx_queue *q = f->q;

	while (q->rx_done != f->rx_post) {
		volatile struct hvtx_rxd *d =
		    &q->rx[q->rx_done & HVTX_QUEUE_MASK];
		size_t len = 0;
		solo5_result_t r = rt_net_read_solo5(
		    h, (uint8_t *)(uintptr_t)d->gpa, d->cap, &len);

		if (r == SOLO5_R_EINVAL)
			continue; /* that frame was too big and is gone */
		if (r != SOLO5_R_OK)
			return; /* AGAIN, or a host failure: try again later */
		d->len = (uint32_t)len;
		q->rx_done++;
	}
}

/* At most n, within the queue slots not in use (in_use of them are). */
static size_t fit(size_t n, uint32_t in_use)
{
	size_t room = HVTX_QUEUE_ENTRIES - in_use;

	return n < room ? n : room;
}

static void publish_tx(struct rt_fq *f, solo5_handle_t h)
{
	compiler_barrier(); /* descriptors before the index (x86: TSO) */
	f->q->tx_prod = f->tx_prod;
	if (f->fast)
		kick_check();
	else
		emulate_tx(f, h);
}

static void publish_rx(struct rt_fq *f)
{
	compiler_barrier();
	f->q->rx_post = f->rx_post;
	if (f->fast)
		kick_check();
}

/* ---- The burst API ---- */

solo5_result_t hvt_net_burst_acquire(const char *name, solo5_handle_t *handle,
				     struct solo5_net_info *info)
{
	solo5_handle_t h;
	solo5_result_t r = rt_net_acquire(name, &h, info);

	if (r != SOLO5_R_OK)
		return r;
	if (fqs[h].q == NULL) {
		printf("hvt-guest: no memory for the burst API on '%s'\n",
		       name);
		return SOLO5_R_EUNSPEC;
	}
	fqs[h].mode = FQ_BURST;
	if (fqs[h].fast)
		active[nb_active++] = h;
	*handle = h;
	return SOLO5_R_OK;
}

int hvt_net_burst_is_fast(solo5_handle_t handle)
{
	struct rt_fq *f = fq_get(handle, FQ_BURST);

	return f && f->fast;
}

size_t hvt_net_tx_burst(solo5_handle_t handle, const struct hvt_pkt *pkts,
			size_t n)
{
	struct rt_fq *f = fq_get(handle, FQ_BURST);
	size_t i;

	if (!f || n == 0)
		return 0;
	n = fit(n, f->tx_prod - f->tx_clean);
	/* Pointer walks over at most two runs (before and after the ring
	 * wraps): every instruction counts where guest code is emulated. */
	for (i = 0; i < n;) {
		uint32_t s = f->tx_prod & HVTX_QUEUE_MASK;
		size_t run = HVTX_QUEUE_ENTRIES - s;
		volatile struct hvtx_txd *d = &f->q->tx[s];
		uint8_t **b = &f->tx_buf[s];
		const struct hvt_pkt *p = pkts + i, *end;

		if (run > n - i)
			run = n - i;
		for (end = p + run; p != end; p++, d++, b++) {
			d->gpa = (uintptr_t)p->data;
			d->len = p->len;
			*b = p->data;
		}
		f->tx_prod += (uint32_t)run;
		i += run;
	}
	if (n)
		publish_tx(f, handle);
	return n;
}

size_t hvt_net_tx_reclaim(solo5_handle_t handle, uint8_t **bufs, size_t max)
{
	struct rt_fq *f = fq_get(handle, FQ_BURST);
	uint32_t done;
	size_t n;

	if (!f)
		return 0;
	if (!f->fast && f->q->tx_done != f->tx_prod)
		emulate_tx(f, handle); /* retry what was pushed back */
	done = f->q->tx_done;
	compiler_barrier(); /* the index before the slots it frees */
	n = done - f->tx_clean;
	if (n > max)
		n = max;
	uint8_t **slot_buf = f->tx_buf;
	uint32_t clean = f->tx_clean;

	for (size_t i = 0; i < n; i++, clean++)
		bufs[i] = slot_buf[clean & HVTX_QUEUE_MASK];
	f->tx_clean = clean;
	return n;
}

size_t hvt_net_tx_completed(solo5_handle_t handle)
{
	struct rt_fq *f = fq_get(handle, FQ_BURST);
	uint32_t n;

	if (!f)
		return 0;
	if (!f->fast && f->q->tx_done != f->tx_prod)
		emulate_tx(f, handle);
	n = f->q->tx_done - f->tx_clean;
	f->tx_clean += n;
	return n;
}

size_t hvt_net_tx_repost(solo5_handle_t handle, size_t n)
{
	struct rt_fq *f = fq_get(handle, FQ_BURST);

	if (!f || n == 0)
		return 0;
	n = fit(n, f->tx_prod - f->tx_clean);
	f->tx_prod += (uint32_t)n; /* the slots still hold gpa and len */
	publish_tx(f, handle);
	return n;
}

size_t hvt_net_rx_repost(solo5_handle_t handle, size_t n)
{
	struct rt_fq *f = fq_get(handle, FQ_BURST);

	if (!f || n == 0)
		return 0;
	/* Only buffers already consumed: rx_post may not pass rx_head by
	 * more than a queue's worth, and slot rx_post holds the buffer
	 * consumed HVTX_QUEUE_ENTRIES ago. */
	n = fit(n, f->rx_post - f->rx_head);
	f->rx_post += (uint32_t)n;
	publish_rx(f);
	return n;
}

size_t hvt_net_rx_post(solo5_handle_t handle, uint8_t *const *bufs, size_t n,
		       uint32_t cap)
{
	struct rt_fq *f = fq_get(handle, FQ_BURST);

	if (!f || n == 0)
		return 0;
	n = fit(n, f->rx_post - f->rx_head);
	volatile struct hvtx_rxd *rx = f->q->rx;
	uint8_t **slot_buf = f->rx_buf;
	uint32_t post = f->rx_post;

	for (size_t i = 0; i < n; i++, post++) {
		uint32_t s = post & HVTX_QUEUE_MASK;

		rx[s].gpa = (uintptr_t)bufs[i];
		rx[s].cap = cap;
		slot_buf[s] = bufs[i];
	}
	f->rx_post = post;
	if (n)
		publish_rx(f);
	return n;
}

size_t hvt_net_rx_burst(solo5_handle_t handle, struct hvt_pkt *pkts, size_t max)
{
	struct rt_fq *f = fq_get(handle, FQ_BURST);
	uint32_t done;
	size_t n;

	if (!f)
		return 0;
	if (!f->fast && f->q->rx_done == f->rx_head)
		emulate_rx(f, handle);
	done = f->q->rx_done;
	compiler_barrier(); /* the index before the lengths */
	n = done - f->rx_head;
	if (n > max)
		n = max;
	/* Walk pointers over at most two runs (before and after the ring
	 * wraps): no index arithmetic per frame. */
	for (size_t i = 0; i < n;) {
		uint32_t s = f->rx_head & HVTX_QUEUE_MASK;
		size_t run = HVTX_QUEUE_ENTRIES - s;
		volatile struct hvtx_rxd *d = &f->q->rx[s];
		uint8_t **b = &f->rx_buf[s];
		struct hvt_pkt *p = pkts + i, *end;

		if (run > n - i)
			run = n - i;
		end = p + run;
		/* Four at a time: the loop's own instructions, per frame,
		 * were as many as the copying. */
		for (; end - p >= 4; p += 4, d += 4, b += 4) {
			p[0].data = b[0];
			p[0].len = d[0].len;
			p[1].data = b[1];
			p[1].len = d[1].len;
			p[2].data = b[2];
			p[2].len = d[2].len;
			p[3].data = b[3];
			p[3].len = d[3].len;
		}
		for (; p != end; p++, d++, b++) {
			p->data = *b;
			p->len = d->len;
		}
		f->rx_head += (uint32_t)run;
		i += run;
	}
	if (n && f->fast)
		f->q->rx_cons = f->rx_head; /* POLL's hint */
	return n;
}

/* ---- The Solo5 API on the fast path ---- */

void rt_fast_acquired(solo5_handle_t h)
{
	struct rt_fq *f = &fqs[h];

	if (!f->fast || f->mode != FQ_UNUSED)
		return;
	f->mode = FQ_SOLO5;
	active[nb_active++] = h;
	for (uint32_t i = 0; i < RT_FQ_SOLO5_SLOTS; i++) {
		f->q->rx[i].gpa = (uintptr_t)(f->rx_mem + i * f->buf_size);
		f->q->rx[i].cap = f->buf_size;
	}
	f->rx_post = RT_FQ_SOLO5_SLOTS;
	publish_rx(f);
}

int rt_fast_solo5(solo5_handle_t h)
{
	return h < HVT_MFT_MAX_ENTRIES && fqs[h].mode == FQ_SOLO5;
}

int rt_fast_burst(solo5_handle_t h)
{
	return h < HVT_MFT_MAX_ENTRIES && fqs[h].mode == FQ_BURST;
}

solo5_result_t rt_fast_write(solo5_handle_t h, const uint8_t *buf, size_t size)
{
	struct rt_fq *f = &fqs[h];
	uint32_t s;

	if (size == 0 || size > f->max_frame)
		return SOLO5_R_EINVAL; /* as NET_WRITE answers */
	/* At most RT_FQ_SOLO5_SLOTS in flight: their buffers are busy. */
	while (f->tx_prod - f->tx_clean >= RT_FQ_SOLO5_SLOTS) {
		f->tx_clean = f->q->tx_done;
		if (f->tx_prod - f->tx_clean >= RT_FQ_SOLO5_SLOTS)
			__asm__ volatile("pause" ::: "memory");
	}
	s = f->tx_prod & HVTX_QUEUE_MASK;
	uint8_t *slot =
	    f->tx_mem + (f->tx_prod % RT_FQ_SOLO5_SLOTS) * f->buf_size;
	memcpy(slot, buf, size);
	f->q->tx[s].gpa = (uintptr_t)slot;
	f->q->tx[s].len = (uint32_t)size;
	f->tx_prod++;
	publish_tx(f, h);
	return SOLO5_R_OK;
}

solo5_result_t rt_fast_read(solo5_handle_t h, uint8_t *buf, size_t size,
			    size_t *read_size)
{
	struct rt_fq *f = &fqs[h];
	uint32_t s, len, slot;
	solo5_result_t r = SOLO5_R_OK;

	*read_size = 0;
	if (f->q->rx_done == f->rx_head)
		return SOLO5_R_AGAIN;
	compiler_barrier();
	s = f->rx_head & HVTX_QUEUE_MASK;
	slot = f->rx_head % RT_FQ_SOLO5_SLOTS;
	len = f->q->rx[s].len;
	if (len > size)
		r = SOLO5_R_EINVAL; /* as NET_READ: the frame is dropped */
	else
		memcpy(buf, f->rx_mem + slot * f->buf_size, len);
	f->rx_head++;
	f->q->rx_cons = f->rx_head;
	/* The buffer goes back at once, in the slot it will fill next. */
	s = f->rx_post & HVTX_QUEUE_MASK;
	f->q->rx[s].gpa = (uintptr_t)(f->rx_mem + slot * f->buf_size);
	f->q->rx[s].cap = f->buf_size;
	f->rx_post++;
	publish_rx(f);
	if (r == SOLO5_R_OK)
		*read_size = len;
	return r;
}

/* Fast-path NICs with frames the guest has not consumed: no exit needed. */
solo5_handle_set_t rt_fast_ready(void)
{
	solo5_handle_set_t set = 0;

	for (unsigned i = 0; i < nb_active; i++) {
		const struct rt_fq *f = &fqs[active[i]];

		if (f->q->rx_done != f->rx_head)
			set |= 1ULL << active[i];
	}
	return set;
}
