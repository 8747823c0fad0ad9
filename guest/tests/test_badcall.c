/* SPDX-License-Identifier: ISC */
/*
 * test_badcall MODE: misbehaves on purpose so the tender's handling of a
 * hostile guest can be tested. Each mode prints "test_badcall: mode MODE"
 * first; the tender must end the VM with its own message. If the guest is
 * still running afterwards it prints FAILURE and exits 3. Modes:
 *   nr          outl to an unknown hypercall port (0x500 + 63)
 *   nr0         outl to hypercall number 0 (port 0x500)
 *   arg         PUTS with an argument GPA past the end of memory
 *   len         PUTS with a valid GPA and a length running off memory
 *   port        outl to port 0x7f0, no device there
 *   size        outb instead of outl to the PUTS port
 *   cookie      HALT (status 7) with a cookie GPA past the end of memory
 *   sse         one SSE instruction (kvm-pvm: KVM internal error)
 *   tripleFault empty IDT, then int3: #BP -> #GP -> #DF -> shutdown
 *   rotext      WALLTIME with its (output) argument struct in the guest's
 *               own text, which the host maps read-only
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "hypercall/abi/hvt_abi.h"

HVT_MANIFEST(0);

#define BAD_GPA 0xfffff000U /* past any --mem (max 4 GiB less the ring) */

static void out32(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static void out8(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static void do_nr(uint16_t nr)
{
	volatile struct hvt_hc_puts p = {(uintptr_t) "x\n", 2};

	out32((uint16_t)(HVT_HYPERCALL_PIO_BASE + nr), (uint32_t)(uintptr_t)&p);
}

static void do_puts_raw(uint64_t data_gpa, uint64_t len, uint32_t arg_gpa)
{
	volatile struct hvt_hc_puts p = {data_gpa, len};

	if (!arg_gpa)
		arg_gpa = (uint32_t)(uintptr_t)&p;
	out32(HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_PUTS, arg_gpa);
}

static void do_cookie(void)
{
	volatile struct hvt_hc_halt h = {.cookie_gpa = BAD_GPA,
					 .exit_status = 7};

	out32(HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_HALT,
	      (uint32_t)(uintptr_t)&h);
}

static void do_walltime_into_text(void)
{
	/* The host must refuse to write the result over our code. */
	out32(HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_WALLTIME,
	      (uint32_t)(uintptr_t)&solo5_app_main);
}

static void do_sse(void)
{
	/* xorps %xmm0, %xmm0 as raw bytes: the build never uses SSE. */
	__asm__ volatile(".byte 0x0f, 0x57, 0xc0" ::: "memory");
}

static void do_triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = {0, 0};

	__asm__ volatile("lidt %0\n\tint3" : : "m"(empty) : "memory");
}

int solo5_app_main(const struct solo5_start_info *si)
{
	const char *m = si->cmdline;
	static const char msg[] = "test_badcall: this must not print\n";

	printf("test_badcall: mode %s\n", m);
	if (!strcmp(m, "nr"))
		do_nr(63);
	else if (!strcmp(m, "nr0"))
		do_nr(0);
	else if (!strcmp(m, "arg"))
		do_puts_raw(0, 0, BAD_GPA);
	else if (!strcmp(m, "len"))
		do_puts_raw((uintptr_t)msg, 1ULL << 40, 0);
	else if (!strcmp(m, "port"))
		out32(0x7f0, 0);
	else if (!strcmp(m, "size"))
		out8(HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_PUTS, 0);
	else if (!strcmp(m, "cookie"))
		do_cookie();
	else if (!strcmp(m, "sse"))
		do_sse();
	else if (!strcmp(m, "tripleFault"))
		do_triple_fault();
	else if (!strcmp(m, "rotext"))
		do_walltime_into_text();
	else {
		printf("test_badcall: unknown mode '%s'\n", m);
		return SOLO5_EXIT_FAILURE;
	}
	printf("test_badcall: FAILURE: still running after '%s'\n", m);
	return 3;
}
