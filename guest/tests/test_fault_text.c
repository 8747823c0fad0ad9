/* SPDX-License-Identifier: ISC */
/*
 * test_fault_text: writes to its own text segment. The guest page tables
 * allow it; the tender's host mapping of an R+X segment is read-only, so
 * the tender must stop the VM ("guest wrote to read-only memory ...") and
 * exit 1. Surviving the write is a tender bug: exit 3.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdint.h>
#include <stdio.h>

HVT_MANIFEST(0);

int solo5_app_main(const struct solo5_start_info *si)
{
	uintptr_t addr = (uintptr_t)&solo5_app_main;
	volatile uint8_t *p;

	(void)si;
	/* Hide the address's origin so the compiler cannot reason about it. */
	__asm__("" : "+r"(addr));
	p = (volatile uint8_t *)addr;
	printf("test_fault_text: about to write to text at 0x%lx\n",
	       (unsigned long)addr);
	*p = *p; /* same value: harmless if the host wrongly allows it */
	printf("test_fault_text: FAILURE: text is writable\n");
	return 3;
}
