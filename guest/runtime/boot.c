/* SPDX-License-Identifier: ISC */
/*
 * Start of day: take the boot info, install CPU tables, clocks, manifest
 * and network, lay out memory, print a banner and run solo5_app_main().
 * Memory, low to high:
 *   [0x100000, __end)              the image (text, rodata, data, bss)
 *   [heap_start, heap_end)         handed to the app (page aligned)
 *   [.., ...)                      burst API / fast path state (net_fast.c)
 *   [.., + 2 MiB)                  ring TX slots, only with ring I/O (and
 *                                  no fast path)
 *   [mem_size - 256 KiB, mem_size) the initial stack (RSP set by tender)
 *   [mem_size, + 2 MiB)            the shared ring and fast path queues
 */
#include <stdio.h>

#include "runtime_priv.h"

struct hvt_boot_info rt_boot_info;

static uintptr_t page_up(uintptr_t v)
{
	return (v + HVT_PAGE_SIZE - 1) & ~(HVT_PAGE_SIZE - 1);
}

static void banner(const struct solo5_start_info *si)
{
	const struct hvt_boot_info *bi = &rt_boot_info;

	printf("hvt-guest: Solo5 API runtime for hvt (ABI %d)\n",
	       HVT_ABI_VERSION);
	printf("hvt-guest: %lu MiB usable memory, TSC %lu Hz%s%s\n",
	       (unsigned long)(bi->mem_size >> 20),
	       (unsigned long)bi->cpu_cycle_freq,
	       rt_ring_enabled() ? ", ring I/O" : "",
	       rt_fast_enabled() ? ", fast path" : "");
	printf("hvt-guest:   text   0x%lx-0x%lx\n",
	       (unsigned long)(uintptr_t)__text_start,
	       (unsigned long)(uintptr_t)__etext);
	printf("hvt-guest:   rodata 0x%lx-0x%lx\n",
	       (unsigned long)(uintptr_t)__etext,
	       (unsigned long)(uintptr_t)__erodata);
	printf("hvt-guest:   data   0x%lx-0x%lx\n",
	       (unsigned long)(uintptr_t)__erodata,
	       (unsigned long)(uintptr_t)__end);
	printf("hvt-guest:   heap   0x%lx-0x%lx\n",
	       (unsigned long)si->heap_start,
	       (unsigned long)(si->heap_start + si->heap_size));
	printf("hvt-guest:   stack  0x%lx-0x%lx\n",
	       (unsigned long)(bi->mem_size - RT_STACK_RESERVE),
	       (unsigned long)bi->mem_size);
}

void rt_start(uint64_t boot_info_gpa)
{
	static struct solo5_start_info si;
	uintptr_t heap_start, heap_end = 0;
	int is_quiet;

	/* Tables first, so any later fault is reported, not a triple fault. */
	rt_cpu_init();
	rt_boot_info = *(const struct hvt_boot_info *)(uintptr_t)boot_info_gpa;
	rt_clock_init(rt_boot_info.cpu_cycle_freq);
	si.cmdline = rt_cmdline_init(rt_boot_info.cmdline_gpa, &is_quiet);
	rt_mft_init(rt_boot_info.mft_gpa);

	heap_start = page_up((uintptr_t)__end);
	if (heap_start < rt_boot_info.kernel_end)
		heap_start = page_up(rt_boot_info.kernel_end);
	if (rt_boot_info.mem_size > heap_start + RT_STACK_RESERVE)
		heap_end = rt_boot_info.mem_size - RT_STACK_RESERVE;
	else
		heap_end = heap_start;
	/* The fast path, when offered, carries every NIC: no ring slots. */
	rt_fast_init(&rt_boot_info, heap_start, &heap_end);
	if (!rt_fast_enabled())
		rt_net_init(&rt_boot_info, heap_start, &heap_end);
	si.heap_start = heap_start;
	si.heap_size = heap_end - heap_start;

	if (!is_quiet)
		banner(&si);
	solo5_exit(solo5_app_main(&si));
}
