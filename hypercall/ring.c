/* SPDX-License-Identifier: ISC */
/*
 * Host side of the Solo5 shared net ring: validates what the guest
 * published, hands frames to the ring ops, writes read commits and
 * publishes the host's indices. Runs on the dataplane poll thread only;
 * pure logic: no syscalls, locks, malloc or printf beyond the fault message.
 * The guest is hostile: every guest-written field is loaded once, then only
 * the local copy is validated and used.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ring.h"

/* What processing one entry did. */
enum step {
	STEP_DONE, /* entry consumed */
	STEP_STOP, /* not consumed, retry on the next poll (commits full) */
	STEP_FAULT, /* not consumed: ABI violation, r->fault_msg set */
};

/* Single writer (this thread); relaxed stores let other threads read the
 * counters without a data race. */
#define STAT_INC(r, field)                                                     \
	__atomic_store_n(&(r)->stats.field, (r)->stats.field + 1,              \
			 __ATOMIC_RELAXED)

static const char *op_name(uint32_t op)
{
	return op == HVT_RING_OP_WRITE ? "write" : "read";
}

__attribute__((format(printf, 2, 3))) static int
ring_fault(struct hc_ring *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->fault_msg, sizeof(r->fault_msg), fmt, ap);
	va_end(ap);
	r->is_faulted = true;
	return -1;
}

void hc_ring_init(struct hc_ring *r, struct hvt_ring *shared,
		  const struct hc_gmem *gmem, const struct hc_dev *devs,
		  const struct hc_ring_ops *ops, void *opaque)
{
	/* Tender invariants: the ring is page-aligned in guest memory. */
	assert(shared != NULL && ((uintptr_t)shared & 7) == 0);
	assert(ops != NULL && ops->write != NULL && ops->read != NULL);
	memset(r, 0, sizeof(*r));
	r->shared = shared;
	r->gmem = gmem;
	r->devs = devs;
	r->ops = ops;
	r->opaque = opaque;
	__atomic_store_n(&shared->ent_head, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&shared->com_tail, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&shared->needs_kick, 0, __ATOMIC_RELAXED);
}

/* Move ent_head over retired entries and publish it if it moved. */
static void head_advance(struct hc_ring *r)
{
	uint32_t head = r->ent_head;

	/* Bounded: ent_next - ent_head <= HVT_RING_ENTRIES. */
	while (head != r->ent_next && !r->busy[head & HVT_RING_MASK])
		head++;
	if (head == r->ent_head)
		return;
	r->ent_head = head;
	/* Release: our loads of the retired entries (and, through the ops,
	 * of their frames) happen before the guest sees the slots free and
	 * overwrites them. */
	__atomic_store_n(&r->shared->ent_head, head, __ATOMIC_RELEASE);
}

void hc_ring_write_done(struct hc_ring *r, uint32_t token)
{
	/* Host input: the token is one ops->write got and still holds. */
	assert(token - r->ent_head < r->ent_next - r->ent_head);
	assert(r->busy[token & HVT_RING_MASK]);
	r->busy[token & HVT_RING_MASK] = 0;
	head_advance(r);
}

/*
 * Load ent_tail and com_head once each and validate them against the
 * host's own indices. Returns 0 with both set, or -1 (fault).
 */
static int indices_load(struct hc_ring *r, uint32_t *tail, uint32_t *com_head)
{
	/* Acquire: the entries up to ent_tail are read after it (pairs
	 * with the guest's ordered entry stores, then tail store). */
	uint32_t t = __atomic_load_n(&r->shared->ent_tail, __ATOMIC_ACQUIRE);
	/* Acquire: the guest's reads of consumed commits happen before our
	 * stores reusing their slots. */
	uint32_t ch = __atomic_load_n(&r->shared->com_head, __ATOMIC_ACQUIRE);

	/* untrusted: free-running u32 indices; differences wrap. */
	if (t - r->ent_head > HVT_RING_ENTRIES)
		return ring_fault(r,
				  "net ring: ent_tail %" PRIu32
				  " is more than %u entries ahead of"
				  " ent_head %" PRIu32,
				  t, HVT_RING_ENTRIES, r->ent_head);
	if (t - r->ent_head < r->ent_next - r->ent_head)
		return ring_fault(r,
				  "net ring: ent_tail %" PRIu32
				  " moved back behind consumed entry %" PRIu32,
				  t, r->ent_next - 1);
	if (r->com_tail - ch > HVT_RING_ENTRIES)
		return ring_fault(r,
				  "net ring: com_head %" PRIu32
				  " is not within %u commits behind"
				  " com_tail %" PRIu32,
				  ch, HVT_RING_ENTRIES, r->com_tail);
	*tail = t;
	*com_head = ch;
	return 0;
}

/* Copy entry idx to e, each field loaded exactly once: the guest may be
 * rewriting it, and only the copy is validated and used. */
static void entry_load(const struct hc_ring *r, uint32_t idx,
		       struct hvt_ring_entry *e)
{
	const struct hvt_ring_entry *s =
	    &r->shared->entries[idx & HVT_RING_MASK];

	e->op = __atomic_load_n(&s->op, __ATOMIC_RELAXED);
	e->handle = __atomic_load_n(&s->handle, __ATOMIC_RELAXED);
	e->data_gpa = __atomic_load_n(&s->data_gpa, __ATOMIC_RELAXED);
	e->len = __atomic_load_n(&s->len, __ATOMIC_RELAXED);
	e->id = __atomic_load_n(&s->id, __ATOMIC_RELAXED);
	e->reserved = 0;
}

static bool is_net(const struct hc_ring *r, uint32_t handle)
{
	/* untrusted: handle indexes devs[] only after the range check. */
	return handle < HVT_MFT_MAX_ENTRIES &&
	       r->devs[handle].type == HC_DEV_NET;
}

/*
 * Map the frame or buffer of entry idx: *hva, or STEP_FAULT when it is
 * outside guest memory or, for a read, touches read-only memory.
 */
static enum step data_map(struct hc_ring *r, uint32_t idx,
			  const struct hvt_ring_entry *e, void **hva)
{
	bool is_read = e->op == HVT_RING_OP_READ;
	void *p = hc_gmem_ptr(r->gmem, e->data_gpa, e->len);

	/* untrusted: data_gpa and len are guest values. */
	if (p == NULL) {
		ring_fault(r,
			   "net ring entry %" PRIu32
			   " (%s): data at GPA 0x%" PRIx64 " (%" PRIu32
			   " bytes) is outside guest memory"
			   " (0x%" PRIx64 " bytes)",
			   idx & HVT_RING_MASK, op_name(e->op), e->data_gpa,
			   e->len, r->gmem->size);
		return STEP_FAULT;
	}
	/* untrusted: writing the guest's mprotected text would SIGSEGV us. */
	if (is_read && hc_gmem_ptr_rw(r->gmem, e->data_gpa, e->len) == NULL) {
		ring_fault(r,
			   "net ring entry %" PRIu32 " (read): buffer at GPA"
			   " 0x%" PRIx64 " (%" PRIu32 " bytes) is in read-only"
			   " guest memory",
			   idx & HVT_RING_MASK, e->data_gpa, e->len);
		return STEP_FAULT;
	}
	*hva = p;
	return STEP_DONE;
}

/* Process write entry idx (already copied to e); consumes it unless the
 * frame is outside guest memory. */
static enum step write_step(struct hc_ring *r, uint32_t idx,
			    const struct hvt_ring_entry *e)
{
	void *frame = NULL;
	int ret;

	if (!is_net(r, e->handle)) {
		STAT_INC(r, write_bad_handle);
	} else if (e->len == 0 || e->len > HC_RING_FRAME_MAX) {
		STAT_INC(r, write_bad_len);
	} else {
		if (data_map(r, idx, e, &frame) == STEP_FAULT)
			return STEP_FAULT;
		/* Mark it held first: ops->write may retire it at once. */
		r->busy[idx & HVT_RING_MASK] = 1;
		r->ent_next = idx + 1;
		ret = r->ops->write(r->opaque, e->handle, frame, e->len, idx);
		if (ret == HVT_R_OK) {
			STAT_INC(r, writes);
			return STEP_DONE;
		}
		/* The callee keeps nothing on failure. */
		assert(r->busy[idx & HVT_RING_MASK]);
		r->busy[idx & HVT_RING_MASK] = 0;
		STAT_INC(r, write_err);
	}
	r->ent_next = idx + 1;
	return STEP_DONE;
}

/* Write commit {id, ret, len} and publish it. */
static void commit_put(struct hc_ring *r, uint32_t id, int32_t ret,
		       uint32_t len)
{
	struct hvt_ring_commit *c =
	    &r->shared->commits[r->com_tail & HVT_RING_MASK];

	__atomic_store_n(&c->id, id, __ATOMIC_RELAXED);
	__atomic_store_n(&c->ret, ret, __ATOMIC_RELAXED);
	__atomic_store_n(&c->len, len, __ATOMIC_RELAXED);
	r->com_tail++;
	/* Release: the frame bytes and the commit are visible before the
	 * guest sees com_tail move. */
	__atomic_store_n(&r->shared->com_tail, r->com_tail, __ATOMIC_RELEASE);
}

/* Result of ops->read for entry e, counted; *len set for HVT_R_OK. */
static int32_t read_frame(struct hc_ring *r, const struct hvt_ring_entry *e,
			  void *buf, uint32_t *len)
{
	uint32_t cap = e->len < HC_RING_FRAME_MAX ? e->len : HC_RING_FRAME_MAX;
	int ret = r->ops->read(r->opaque, e->handle, buf, cap, len);

	switch (ret) {
	case HVT_R_OK:
		assert(*len <= cap); /* host input: the callee's length */
		STAT_INC(r, reads);
		return HVT_R_OK;
	case HVT_R_AGAIN:
		STAT_INC(r, read_again);
		return HVT_R_AGAIN;
	case HVT_R_EINVAL:
		STAT_INC(r, read_too_big);
		return HVT_R_EINVAL;
	default:
		STAT_INC(r, read_err);
		return HVT_R_EUNSPEC;
	}
}

/* Process read entry idx (already copied to e): one commit, unless the
 * commit ring is full (STEP_STOP) or the buffer is bad (STEP_FAULT). */
static enum step read_step(struct hc_ring *r, uint32_t idx,
			   const struct hvt_ring_entry *e, uint32_t com_head)
{
	int32_t ret = HVT_R_EINVAL;
	uint32_t len = 0;
	void *buf;

	/* untrusted: com_head was validated; a full commit ring means the
	 * guest has not consumed them yet: never overwrite one. */
	if (r->com_tail - com_head >= HVT_RING_ENTRIES) {
		STAT_INC(r, commit_full);
		return STEP_STOP;
	}
	if (!is_net(r, e->handle)) {
		STAT_INC(r, read_bad_handle);
	} else if (e->len == 0) {
		STAT_INC(r, read_bad_len);
	} else {
		if (data_map(r, idx, e, &buf) == STEP_FAULT)
			return STEP_FAULT;
		ret = read_frame(r, e, buf, &len);
	}
	/* As Solo5, the length is reported only with a frame. */
	commit_put(r, e->id, ret, ret == HVT_R_OK ? len : 0);
	r->ent_next = idx + 1;
	return STEP_DONE;
}

/* Process entry idx, copied once into a local first. */
static enum step entry_step(struct hc_ring *r, uint32_t idx, uint32_t com_head)
{
	struct hvt_ring_entry e;

	entry_load(r, idx, &e);
	/* untrusted: only the two ops exist. */
	if (e.op == HVT_RING_OP_WRITE)
		return write_step(r, idx, &e);
	if (e.op == HVT_RING_OP_READ)
		return read_step(r, idx, &e, com_head);
	ring_fault(r, "net ring entry %" PRIu32 ": unknown op %" PRIu32,
		   idx & HVT_RING_MASK, e.op);
	return STEP_FAULT;
}

int hc_ring_poll(struct hc_ring *r, unsigned budget)
{
	uint32_t tail = 0, com_head = 0;
	enum step st = STEP_DONE;
	unsigned n = 0;

	if (r->is_faulted || indices_load(r, &tail, &com_head) < 0)
		return -1;
	/* Bounded by budget and by tail - ent_next <= HVT_RING_ENTRIES. */
	while (n < budget && r->ent_next != tail) {
		st = entry_step(r, r->ent_next, com_head);
		if (st != STEP_DONE)
			break;
		n++;
	}
	/* Entries consumed before a fault stay consumed. */
	head_advance(r);
	return st == STEP_FAULT ? -1 : (int)n;
}

bool hc_ring_pending(const struct hc_ring *r)
{
	/* Acquire: pairs with the guest's tail store, as in the poll. */
	return __atomic_load_n(&r->shared->ent_tail, __ATOMIC_ACQUIRE) !=
	       r->ent_next;
}

bool hc_ring_prepare_sleep(struct hc_ring *r)
{
	__atomic_store_n(&r->shared->needs_kick, 1, __ATOMIC_RELAXED);
	/* Full fence: the needs_kick store is visible before we load
	 * ent_tail. Pairs with the guest's tail store, mfence, needs_kick
	 * load: at least one side sees the other, so no entry is missed. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!hc_ring_pending(r))
		return true;
	hc_ring_wake(r);
	return false;
}

void hc_ring_wake(struct hc_ring *r)
{
	/* A stale 1 only costs the guest a spurious kick. */
	__atomic_store_n(&r->shared->needs_kick, 0, __ATOMIC_RELAXED);
}
