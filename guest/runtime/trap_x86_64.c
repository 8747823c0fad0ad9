/* SPDX-License-Identifier: ISC */
/*
 * Fatal exception reporting: prints the trap (name, error code, rip, rsp,
 * rflags, cr2 for #PF) on the console and halts with SOLO5_EXIT_ABORT,
 * passing the trap frame as the HALT cookie. Runs on the IST1 stack; a
 * trap inside this code halts at once rather than recursing.
 */
#include <stdio.h>

#include "runtime_priv.h"

/* Layout built by trap_entry_x86_64.S and the CPU, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 176, "trap frame layout");
_Static_assert(sizeof(struct trap_frame) <= HVT_HALT_COOKIE_MAX,
	       "trap frame fits the HALT cookie");

#define PF_VECTOR 14

void rt_trap(struct trap_frame *tf) __attribute__((noreturn));

static const char *const trap_names[32] = {
    [0] = "#DE (divide error)",
    [1] = "#DB (debug)",
    [2] = "NMI",
    [3] = "#BP (breakpoint)",
    [4] = "#OF (overflow)",
    [5] = "#BR (bound range)",
    [6] = "#UD (invalid opcode)",
    [7] = "#NM (device not available)",
    [8] = "#DF (double fault)",
    [10] = "#TS (invalid TSS)",
    [11] = "#NP (segment not present)",
    [12] = "#SS (stack fault)",
    [13] = "#GP (general protection)",
    [14] = "#PF (page fault)",
    [16] = "#MF (x87 error)",
    [17] = "#AC (alignment check)",
    [18] = "#MC (machine check)",
    [19] = "#XM (SIMD exception)",
    [20] = "#VE (virtualisation)",
    [21] = "#CP (control protection)",
};

static uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("movq %%cr2, %0" : "=r"(v));
	return v;
}

void rt_trap(struct trap_frame *tf)
{
	static int in_trap;
	char line[200];
	const char *name = "reserved";
	int n;

	/* Already reporting a trap: printing again could trap forever. */
	if (in_trap++)
		rt_halt(SOLO5_EXIT_ABORT, tf);
	if (tf->vector < 32 && trap_names[tf->vector])
		name = trap_names[tf->vector];
	n = snprintf(line, sizeof(line),
		     "hvt-guest: TRAP %s vector=%lu error=0x%lx rip=0x%lx "
		     "rsp=0x%lx rflags=0x%lx",
		     name, (unsigned long)tf->vector, (unsigned long)tf->error,
		     (unsigned long)tf->rip, (unsigned long)tf->rsp,
		     (unsigned long)tf->rflags);
	if (tf->vector == PF_VECTOR && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " cr2=0x%lx",
			 (unsigned long)read_cr2());
	rt_puts(line);
	rt_puts("\n");
	rt_abort("fatal trap", tf);
}
