/* SPDX-License-Identifier: ISC */
/*
 * Guest entry point. The tender enters here in long mode with RDI = boot
 * info GPA and RSP = top of usable memory - 8. The stack protector guard is
 * seeded before the first C function runs, since every protected function
 * checks it on return.
 */
	.section .text._start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	cld
	xorl	%ebp, %ebp		/* ends frame-pointer back traces */
	andq	$-16, %rsp		/* SysV: 16-byte aligned at a call */

	/* guard = TSC scrambled by a 64-bit odd constant; low byte zero so a
	 * string overflow cannot reproduce it (a terminator canary). */
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movabsq	$0x9e3779b97f4a7c15, %rcx
	imulq	%rcx, %rax
	rorq	$29, %rax
	xorb	%al, %al
	movq	%rax, __stack_chk_guard(%rip)

	call	rt_start		/* RDI still holds the boot info GPA */
1:	hlt
	jmp	1b
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
