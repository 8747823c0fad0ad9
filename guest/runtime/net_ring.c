/* SPDX-License-Identifier: ISC */
/*
 * The guest side of Solo5 0.12's shared-ring network I/O (see ABI.md).
 * Writes are fire-and-forget: the frame is copied into the TX slot of its
 * ring index so the caller may reuse its buffer. Reads are synchronous: one
 * read entry, then spin until the host commits it. The guest keeps its own
 * copies of the indices it owns and only reads the host's.
 */
#include <string.h>

#include "runtime_priv.h"

static volatile struct hvt_ring *ring;
static uint8_t (*slots)[HVT_RING_SLOT_SIZE]; /* one per ring entry */
static uint32_t ent_tail, com_head, next_id;

/* x86 is TSO: stores stay ordered with stores, loads with loads, so the
 * producer/consumer index updates only need the compiler kept in order. */
static inline void compiler_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

void rt_ring_init(uint64_t ring_gpa, uintptr_t slot_base)
{
	ring = (volatile struct hvt_ring *)(uintptr_t)ring_gpa;
	slots = (uint8_t(*)[HVT_RING_SLOT_SIZE])slot_base;
	/* Start from whatever the host initialised (zero for a fresh VM). */
	ent_tail = ring->ent_tail;
	com_head = ring->com_head;
}

int rt_ring_enabled(void)
{
	return ring != NULL;
}

/* Waits until an entry is free: at most 1023 may be outstanding. */
static volatile struct hvt_ring_entry *entry_get(void)
{
	while (ent_tail - ring->ent_head >= HVT_RING_ENTRIES - 1)
		cpu_relax();
	return &ring->entries[ent_tail & HVT_RING_MASK];
}

static void entry_publish(void)
{
	/* The entry's fields must be visible before the new tail. */
	compiler_barrier();
	ring->ent_tail = ++ent_tail;
	/* Store-load fence: our tail store must be visible before we read
	 * needs_kick, else we and a host going to sleep both miss it. */
	__asm__ volatile("mfence" ::: "memory");
	if (ring->needs_kick)
		__asm__ volatile("outl %0, %1"
				 :
				 : "a"(0U), "Nd"((uint16_t)HVT_RING_KICK_PIO)
				 : "memory");
}

solo5_result_t rt_ring_write(solo5_handle_t handle, const uint8_t *buf,
			     size_t size)
{
	volatile struct hvt_ring_entry *e = entry_get();
	uint8_t *slot = slots[ent_tail & HVT_RING_MASK];

	memcpy(slot, buf, size);
	e->op = HVT_RING_OP_WRITE;
	e->handle = (uint32_t)handle;
	e->data_gpa = (uintptr_t)slot;
	e->len = (uint32_t)size;
	e->id = next_id++;
	entry_publish();
	return SOLO5_R_OK;
}

solo5_result_t rt_ring_read(solo5_handle_t handle, uint8_t *buf, size_t size,
			    size_t *read_size)
{
	volatile struct hvt_ring_entry *e = entry_get();
	volatile struct hvt_ring_commit *c;
	solo5_result_t ret;

	e->op = HVT_RING_OP_READ;
	e->handle = (uint32_t)handle;
	e->data_gpa = (uintptr_t)buf;
	e->len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	e->id = next_id++;
	entry_publish();

	while (ring->com_tail == com_head)
		cpu_relax();
	/* Read the commit only after seeing the host's new com_tail. */
	compiler_barrier();
	c = &ring->commits[com_head & HVT_RING_MASK];
	ret = (solo5_result_t)c->ret;
	*read_size = ret == SOLO5_R_OK ? c->len : 0;
	ring->com_head = ++com_head;
	return ret;
}
