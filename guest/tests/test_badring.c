/* SPDX-License-Identifier: ISC */
/*
 * test_badring MODE: corrupts the Solo5 shared ring on purpose, so the
 * tender's handling of a hostile ring can be tested: it must stop the VM
 * with a clear message, never crash. Needs one net device, "service", and
 * the ring offered (--net-ring=on). Modes:
 *   tail  publish ent_tail 5000 entries ahead of the host
 *   gpa   a write entry whose frame lies outside guest memory
 *   op    an entry with an unknown operation
 *   rotext a read entry whose buffer is the guest's read-only text
 * Prints "test_badring: mode MODE" first; exits 3 if still running after.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "hypercall/abi/hvt_abi.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

static void kick(void)
{
	__asm__ volatile("outl %0, %1"
			 :
			 : "a"(0), "Nd"(HVT_RING_KICK_PIO)
			 : "memory");
}

/* Publish one entry after the host's head, as a guest would. */
static void publish(volatile struct hvt_ring *r, uint32_t op, uint64_t gpa,
		    uint32_t len)
{
	uint32_t tail = r->ent_tail;
	volatile struct hvt_ring_entry *e = &r->entries[tail & HVT_RING_MASK];

	e->op = op;
	e->handle = 1;
	e->data_gpa = gpa;
	e->len = len;
	e->id = tail;
	__asm__ volatile("" ::: "memory");
	r->ent_tail = tail + 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	/* Boot info sits at a fixed GPA, mapped read-only for the guest. */
	const struct hvt_boot_info *bi =
	    (const struct hvt_boot_info *)HVT_BOOT_INFO_GPA;
	volatile struct hvt_ring *r;
	const char *m = si->cmdline;

	printf("test_badring: mode %s\n", m);
	if (bi->net_ring_gpa == 0) {
		printf("test_badring: FAILURE: no ring offered\n");
		return 1;
	}
	r = (volatile struct hvt_ring *)(uintptr_t)bi->net_ring_gpa;
	if (!strcmp(m, "tail"))
		r->ent_tail = r->ent_tail + 5000;
	else if (!strcmp(m, "gpa"))
		publish(r, HVT_RING_OP_WRITE, bi->mem_size + (1ULL << 30), 60);
	else if (!strcmp(m, "op"))
		publish(r, 7, HVT_GUEST_MIN_BASE, 60);
	else if (!strcmp(m, "rotext"))
		publish(r, HVT_RING_OP_READ, HVT_GUEST_MIN_BASE, 2048);
	else {
		printf("test_badring: unknown mode '%s'\n", m);
		return 1;
	}
	kick();
	/* The host stops us within a poll; give it a bounded while. */
	solo5_time_t end = solo5_clock_monotonic() + 10000000000ULL;
	solo5_handle_set_t ready;
	while (solo5_clock_monotonic() < end)
		solo5_yield(end, &ready);
	printf("test_badring: FAILURE: still running after '%s'\n", m);
	return 3;
}
