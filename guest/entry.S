/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest entry and exception stubs.  The host starts every vCPU here in
 * 64-bit mode with RSP at the top of its own stack, RDI = vCPU index and
 * GS.base at its struct guest_vcpu.
 */
#include "abi.h"

	.section .head, "a"
	.long	GUEST_IMAGE_MAGIC
	.long	32
	.quad	guest_entry
	.quad	GUEST_CODE_GPA
	.quad	__image_end

	.text
	.globl	guest_entry
guest_entry:
	andq	$-16, %rsp
	call	guest_main
1:	hlt
	jmp	1b

/*
 * One stub per architectural vector; those without an error code push a
 * zero so the frame has one shape: vector, error, rip, cs, rflags, rsp, ss.
 */
	.macro	stub vec
	.balign	16
stub_\vec:
	.if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
	pushq	$0
	.endif
	pushq	$\vec
	jmp	exception_common
	.endm

	.altmacro
	.macro	stubs from, to
	stub	%\from
	.if \to-\from
	stubs	%(\from+1), \to
	.endif
	.endm
	stubs	0, 31

exception_common:
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	guest_exception
2:	hlt
	jmp	2b

	.macro	stub_addr vec
	.quad	stub_\vec
	.endm
	.macro	stub_addrs from, to
	stub_addr	%\from
	.if \to-\from
	stub_addrs	%(\from+1), \to
	.endif
	.endm

	.section .rodata
	.balign	8
	.globl	guest_exception_stubs
guest_exception_stubs:
	stub_addrs	0, 31

	.section .note.GNU-stack, "", @progbits
