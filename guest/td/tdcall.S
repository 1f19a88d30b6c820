/* SPDX-License-Identifier: GPL-2.0 */
/*
 * td_tdcall(struct tdcall_args *a): the real TDCALL (td-payload).
 * Loads RAX, RCX, RDX, R8..R15 from @a, executes TDCALL (66 0F 01 CC),
 * stores them back.  The TDX module may change any of them, so the
 * callee-saved ones (RBX, RBP, R12..R15) are saved around it.
 */
#include "td_abi.h"

#define A_RAX	0
#define A_RCX	8
#define A_RDX	16
#define A_R8	24
#define A_R9	32
#define A_R10	40
#define A_R11	48
#define A_R12	56
#define A_R13	64
#define A_R14	72
#define A_R15	80

	.text
	.globl	td_tdcall
td_tdcall:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi

	movq	A_RAX(%rdi), %rax
	movq	A_RCX(%rdi), %rcx
	movq	A_RDX(%rdi), %rdx
	movq	A_R8(%rdi), %r8
	movq	A_R9(%rdi), %r9
	movq	A_R10(%rdi), %r10
	movq	A_R11(%rdi), %r11
	movq	A_R12(%rdi), %r12
	movq	A_R13(%rdi), %r13
	movq	A_R14(%rdi), %r14
	movq	A_R15(%rdi), %r15
	.byte	0x66, 0x0f, 0x01, 0xcc		/* tdcall */

	popq	%rdi
	movq	%rax, A_RAX(%rdi)
	movq	%rcx, A_RCX(%rdi)
	movq	%rdx, A_RDX(%rdi)
	movq	%r8, A_R8(%rdi)
	movq	%r9, A_R9(%rdi)
	movq	%r10, A_R10(%rdi)
	movq	%r11, A_R11(%rdi)
	movq	%r12, A_R12(%rdi)
	movq	%r13, A_R13(%rdi)
	movq	%r14, A_R14(%rdi)
	movq	%r15, A_R15(%rdi)

	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.section .note.GNU-stack, "", @progbits
