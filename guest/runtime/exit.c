/* SPDX-License-Identifier: ISC */
/*
 * Ending the guest: solo5_exit/solo5_abort, the HALT hypercall and the
 * stack protector's guard and failure hook. The abort paths print with
 * rt_puts only, so they work even when the stack or heap is damaged.
 */
#include "runtime_priv.h"

/*
 * The guard is seeded from the TSC by _start before any C code runs; this
 * recognisable initial value shows up in a dump if that ever failed.
 */
uintptr_t __stack_chk_guard = 0x00ba5eba11bad000UL;

void __stack_chk_fail(void) __attribute__((noreturn));

void rt_halt(int status, const void *cookie)
{
	volatile struct hvt_hc_halt h = {
	    .cookie_gpa = (uintptr_t)cookie,
	    .exit_status = status,
	};

	rt_hypercall(HVT_HYPERCALL_HALT, &h);
	/* A tender never resumes a halted guest; stop here if one does. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void rt_abort(const char *why, const void *cookie)
{
	rt_puts("hvt-guest: ABORT: ");
	rt_puts(why);
	rt_puts("\n");
	rt_halt(SOLO5_EXIT_ABORT, cookie);
}

void solo5_exit(int status)
{
	rt_halt(status, 0);
}

void solo5_abort(void)
{
	rt_abort("solo5_abort() called", 0);
}

/* Called by compiler-generated code when a canary was overwritten: the
 * stack is untrustworthy, so print a fixed message and stop. */
void __stack_chk_fail(void)
{
	rt_abort("stack corruption detected", 0);
}
