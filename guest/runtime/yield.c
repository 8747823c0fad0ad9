/* SPDX-License-Identifier: ISC */
/*
 * solo5_yield: the POLL hypercall waits for net input or a timeout. POLL
 * takes a relative timeout, the API an absolute monotonic deadline. Frames
 * already delivered on the fast path answer without an exit.
 */
#include "runtime_priv.h"

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
	volatile struct hvt_hc_poll p = {0};
	solo5_handle_set_t fast = rt_fast_ready();
	solo5_time_t now;

	if (fast) {
		if (ready_set)
			*ready_set = fast;
		return;
	}
	now = solo5_clock_monotonic();
	p.timeout_nsecs = deadline > now ? deadline - now : 0;
	rt_hypercall(HVT_HYPERCALL_POLL, &p);
	if (ready_set)
		*ready_set = p.ret > 0 ? p.ready_set : 0;
}
