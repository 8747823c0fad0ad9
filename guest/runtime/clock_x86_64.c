/* SPDX-License-Identifier: ISC */
/*
 * Clocks. Monotonic time is the TSC scaled by the frequency the tender
 * reports in boot info, in fixed point (32.32) so no floating point or
 * 128-bit division is needed. Wall time is a WALLTIME hypercall each call.
 */
#include "runtime_priv.h"

static uint64_t tsc_base; /* TSC at boot: monotonic time starts near 0 */
static uint64_t ns_per_tick_32; /* nanoseconds per TSC tick, << 32 */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void rt_clock_init(uint64_t tsc_hz)
{
	/* (1e9 << 32) fits in 64 bits; tenders refuse to boot without a TSC
	 * frequency, but never divide by zero here either. */
	if (tsc_hz == 0)
		rt_abort("boot info has no TSC frequency", 0);
	ns_per_tick_32 = (1000000000ULL << 32) / tsc_hz;
	tsc_base = rdtsc();
}

/*
 * ns = ticks * ns_per_tick_32 >> 32, split so no product overflows: the
 * high half is exact, the low half keeps 32 fractional bits. Wraps after
 * 2^64 / ns_per_tick_32 * 2^32 ticks: centuries at GHz rates.
 */
solo5_time_t solo5_clock_monotonic(void)
{
	uint64_t ticks = rdtsc() - tsc_base;
	uint64_t hi = ticks >> 32, lo = ticks & 0xffffffffULL;

	return hi * ns_per_tick_32 + ((lo * ns_per_tick_32) >> 32);
}

solo5_time_t solo5_clock_wall(void)
{
	volatile struct hvt_hc_walltime w = {0};

	rt_hypercall(HVT_HYPERCALL_WALLTIME, &w);
	return w.nsecs;
}
