/* SPDX-License-Identifier: ISC */
/*
 * Host side of the fast-path queues (fastq.h): validates what the guest
 * posted, hands out frames and buffers, completes them in order and
 * publishes the host's indices. Poll thread only; pure logic.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fastq.h"

#define STAT_ADD(q, field, n)                                                  \
	__atomic_store_n(&(q)->stats.field, (q)->stats.field + (n),            \
			 __ATOMIC_RELAXED)

__attribute__((format(printf, 2, 3))) static int
fastq_fault(struct hc_fastq *q, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(q->fault_msg, sizeof(q->fault_msg),
		     "fast path (handle %u): ", q->handle);
	if (n < 0 || (size_t)n >= sizeof(q->fault_msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(q->fault_msg + n, sizeof(q->fault_msg) - (size_t)n, fmt, ap);
	va_end(ap);
	q->is_faulted = true;
	return -1;
}

void hc_fastq_init(struct hc_fastq *q, struct hvtx_queue *shared,
		   const struct hc_gmem *gmem, uint32_t max_frame,
		   unsigned handle)
{
	assert(shared != NULL && ((uintptr_t)shared & 7) == 0);
	memset(q, 0, sizeof(*q));
	q->shared = shared;
	q->gmem = gmem;
	q->max_frame = max_frame;
	q->handle = handle;
	__atomic_store_n(&shared->tx_done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&shared->rx_done, 0, __ATOMIC_RELAXED);
}

void hc_fastq_header_init(struct hvtx_header *h, uint32_t version)
{
	memset(h, 0, sizeof(*h));
	h->magic = HVTX_MAGIC;
	h->version = version;
	h->queue_entries = HVTX_QUEUE_ENTRIES;
	h->kick_port = HVT_RING_KICK_PIO;
	memset(h->queue_of, HVTX_NO_QUEUE, sizeof(h->queue_of));
}

/* Load tx_prod once and validate it against the host's indices. */
static int tx_load(struct hc_fastq *q)
{
	/* Acquire: the descriptors up to tx_prod are read after it. */
	uint32_t p = __atomic_load_n(&q->shared->tx_prod, __ATOMIC_ACQUIRE);

	/* untrusted: free-running u32 indices; differences wrap. */
	if (p - q->tx_done > HVTX_QUEUE_ENTRIES)
		return fastq_fault(q,
				   "tx_prod %" PRIu32 " is more than %u entries"
				   " ahead of tx_done %" PRIu32,
				   p, HVTX_QUEUE_ENTRIES, q->tx_done);
	if (p - q->tx_done < q->tx_next - q->tx_done)
		return fastq_fault(q,
				   "tx_prod %" PRIu32 " moved back behind taken"
				   " entry %" PRIu32,
				   p, q->tx_next - 1);
	q->tx_avail = p;
	return 0;
}

/* Move tx_done over completed entries; publish it if it moved. */
static void tx_done_advance(struct hc_fastq *q)
{
	uint32_t done = q->tx_done;

	/* Bounded: tx_next - tx_done <= HVTX_QUEUE_ENTRIES. */
	while (done != q->tx_next && !q->tx_busy[done & HVTX_QUEUE_MASK])
		done++;
	if (done == q->tx_done)
		return;
	q->tx_done = done;
	/* Release: our reads of those frames and the status stores come
	 * before the guest sees the entries back. */
	__atomic_store_n(&q->shared->tx_done, done, __ATOMIC_RELEASE);
}

void hc_fastq_tx_complete(struct hc_fastq *q, uint32_t token, uint32_t status)
{
	/* Host input: a token tx_next handed out and still held. */
	assert(token - q->tx_done < q->tx_next - q->tx_done);
	assert(q->tx_busy[token & HVTX_QUEUE_MASK]);
	__atomic_store_n(&q->shared->tx[token & HVTX_QUEUE_MASK].status, status,
			 __ATOMIC_RELAXED);
	q->tx_busy[token & HVTX_QUEUE_MASK] = 0;
	tx_done_advance(q);
}

int hc_fastq_tx_next(struct hc_fastq *q, void **frame, uint32_t *len,
		     uint32_t *token)
{
	if (q->is_faulted)
		return -1;
	if (q->tx_ungot) {
		q->tx_ungot = false;
		q->tx_busy[q->tx_next & HVTX_QUEUE_MASK] = 1;
		*frame = q->tx_ungot_frame;
		*len = q->tx_ungot_len;
		*token = q->tx_next++;
		STAT_ADD(q, tx_frames, 1);
		return 1;
	}
	/* Bounded: each pass takes an entry, at most a queue's worth. */
	for (unsigned n = 0; n < HVTX_QUEUE_ENTRIES; n++) {
		uint32_t idx = q->tx_next;
		const struct hvtx_txd *d;
		uint64_t gpa;
		uint32_t l;
		void *p;

		if (idx == q->tx_avail) {
			if (tx_load(q) < 0)
				return -1;
			if (idx == q->tx_avail)
				return 0;
		}
		d = &q->shared->tx[idx & HVTX_QUEUE_MASK];
		/* untrusted: each field loaded once, the copy used. */
		gpa = __atomic_load_n(&d->gpa, __ATOMIC_RELAXED);
		l = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
		q->tx_busy[idx & HVTX_QUEUE_MASK] = 1;
		if (l == 0 || l > q->max_frame) {
			q->tx_next = idx + 1;
			STAT_ADD(q, tx_bad_len, 1);
			hc_fastq_tx_complete(q, idx, HVTX_TX_DROPPED);
			continue;
		}
		p = hc_gmem_ptr(q->gmem, gpa, l);
		if (p == NULL) {
			q->tx_busy[idx & HVTX_QUEUE_MASK] = 0;
			return fastq_fault(
			    q,
			    "tx entry %" PRIu32 ": frame at GPA"
			    " 0x%" PRIx64 " (%" PRIu32 " bytes)"
			    " is outside guest memory (0x%" PRIx64 " bytes)",
			    idx & HVTX_QUEUE_MASK, gpa, l, q->gmem->size);
		}
		q->tx_next = idx + 1;
		STAT_ADD(q, tx_frames, 1);
		q->tx_ungot_frame = p;
		q->tx_ungot_len = l;
		*frame = p;
		*len = l;
		*token = idx;
		return 1;
	}
	return 0;
}

void hc_fastq_tx_unget(struct hc_fastq *q, uint32_t token)
{
	/* Host input: only the entry just handed out. */
	assert(token == q->tx_next - 1 && q->tx_busy[token & HVTX_QUEUE_MASK]);
	q->tx_busy[token & HVTX_QUEUE_MASK] = 0;
	q->tx_next = token;
	q->tx_ungot = true; /* tx_ungot_frame/len still describe it */
	STAT_ADD(q, tx_frames, (uint64_t)-1);
}

int hc_fastq_rx_next(struct hc_fastq *q, void **buf, uint32_t *cap)
{
	const struct hvtx_rxd *d;
	uint64_t gpa;
	uint32_t c;
	void *p;

	if (q->is_faulted)
		return -1;
	if (!q->rx_cached) {
		if (q->rx_done == q->rx_avail) {
			/* Acquire: descriptors are read after rx_post. */
			uint32_t r = __atomic_load_n(&q->shared->rx_post,
						     __ATOMIC_ACQUIRE);
			/* untrusted: at most a queue's worth posted. */
			if (r - q->rx_done > HVTX_QUEUE_ENTRIES)
				return fastq_fault(
				    q,
				    "rx_post %" PRIu32 " is not within %u"
				    " entries after rx_done %" PRIu32,
				    r, HVTX_QUEUE_ENTRIES, q->rx_done);
			q->rx_avail = r;
			if (q->rx_done == r)
				return 0;
		}
		d = &q->shared->rx[q->rx_done & HVTX_QUEUE_MASK];
		gpa = __atomic_load_n(&d->gpa, __ATOMIC_RELAXED);
		c = __atomic_load_n(&d->cap, __ATOMIC_RELAXED);
		if (c == 0)
			return fastq_fault(q,
					   "rx entry %" PRIu32 ": buffer of 0"
					   " bytes",
					   q->rx_done & HVTX_QUEUE_MASK);
		if (hc_gmem_ptr(q->gmem, gpa, c) == NULL)
			return fastq_fault(
			    q,
			    "rx entry %" PRIu32 ": buffer at GPA"
			    " 0x%" PRIx64 " (%" PRIu32 " bytes)"
			    " is outside guest memory (0x%" PRIx64 " bytes)",
			    q->rx_done & HVTX_QUEUE_MASK, gpa, c,
			    q->gmem->size);
		/* untrusted: writing the guest's protected text would
		 * SIGSEGV us. */
		p = hc_gmem_ptr_rw(q->gmem, gpa, c);
		if (p == NULL)
			return fastq_fault(q,
					   "rx entry %" PRIu32 ": buffer at GPA"
					   " 0x%" PRIx64 " (%" PRIu32 " bytes)"
					   " is in read-only guest memory",
					   q->rx_done & HVTX_QUEUE_MASK, gpa,
					   c);
		q->rx_buf = p;
		q->rx_cap = c;
		q->rx_cached = true;
	}
	*buf = q->rx_buf;
	*cap = q->rx_cap;
	return 1;
}

void hc_fastq_rx_fill(struct hc_fastq *q, uint32_t len)
{
	/* Host input: the buffer rx_next returned, not overfilled. */
	assert(q->rx_cached && len <= q->rx_cap);
	__atomic_store_n(&q->shared->rx[q->rx_done & HVTX_QUEUE_MASK].len, len,
			 __ATOMIC_RELAXED);
	q->rx_done++;
	q->rx_cached = false;
	STAT_ADD(q, rx_frames, 1);
}

void hc_fastq_rx_publish(struct hc_fastq *q)
{
	/* Release: frame bytes and lengths before the index. */
	__atomic_store_n(&q->shared->rx_done, q->rx_done, __ATOMIC_RELEASE);
}

bool hc_fastq_tx_pending(const struct hc_fastq *q)
{
	return __atomic_load_n(&q->shared->tx_prod, __ATOMIC_ACQUIRE) !=
	       q->tx_next;
}

bool hc_fastq_rx_posted(const struct hc_fastq *q)
{
	return q->rx_cached || __atomic_load_n(&q->shared->rx_post,
					       __ATOMIC_ACQUIRE) != q->rx_done;
}

bool hc_fastq_rx_ready(const struct hvtx_queue *shared)
{
	return __atomic_load_n(&shared->rx_done, __ATOMIC_ACQUIRE) !=
	       __atomic_load_n(&shared->rx_cons, __ATOMIC_RELAXED);
}
