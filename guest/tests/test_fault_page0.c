/* SPDX-License-Identifier: ISC */
/*
 * test_fault_page0: reads address 0, which the tender leaves unmapped. The
 * guest takes #PF; the runtime prints the trap (cr2=0x0) and aborts, so
 * the tender exits 255. Surviving is a bug: exit 3.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdint.h>
#include <stdio.h>

HVT_MANIFEST(0);

int solo5_app_main(const struct solo5_start_info *si)
{
	uintptr_t addr = 0;
	unsigned v;

	(void)si;
	/* Opaque to the compiler, so it emits a real load, not a trap. */
	__asm__("" : "+r"(addr));
	printf("test_fault_page0: about to read address 0\n");
	v = *(volatile unsigned *)addr;
	printf("test_fault_page0: FAILURE: read 0x%x from address 0\n", v);
	return 3;
}
