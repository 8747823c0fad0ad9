/* SPDX-License-Identifier: ISC */
/*
 * Exception entry stubs. Each pushes a zero error code where the CPU pushes
 * none, then the vector, so every trap frame has one layout (struct
 * trap_frame in trap_x86_64.c), then saves the general registers and calls
 * rt_trap(), which never returns.
 */
	.text

.macro TRAP_NOERR n
	.p2align 4
trap_stub_\n:
	pushq	$0
	pushq	$\n
	jmp	trap_common
.endm

.macro TRAP_ERR n
	.p2align 4
trap_stub_\n:
	pushq	$\n
	jmp	trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR 29
TRAP_ERR 30
TRAP_NOERR 31

	/* IST1 is 16-byte aligned; 22 quadwords keep it so for the call. */
	.p2align 4
trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	rt_trap
1:	hlt
	jmp	1b

	.section .rodata
	.p2align 3
	.globl rt_trap_stubs
rt_trap_stubs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	trap_stub_\n
	.endr

	.section .note.GNU-stack, "", @progbits
