/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TD boot: the reset vector, the 32-bit stub that builds identity page
 * tables and enters long mode, the 64-bit entry and the exception stubs.
 *
 * Entry state (td_abi.h): 32-bit protected mode, paging off, flat
 * segments; EBX = GPAW, ESI = vCPU index, ECX = params GPA.  Every vCPU
 * starts here at once (there is no INIT/SIPI in a TD): vCPU 0 builds the
 * tables, the others wait for td_state.pt_ready.
 */
#include "td_abi.h"

#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define PTE_P_RW	0x3
#define PTE_LEAF_2M	0x83		/* present, writable, PS */

	.section .head, "a"
	.long	TD_IMAGE_MAGIC
	.long	48
	.quad	TD_IMAGE_GPA
	.quad	TD_IMAGE_SIZE
	.quad	td_start32
	.quad	__image_end
#ifdef TD_SHIM
	.long	1
#else
	.long	0
#endif
	.long	TD_ABI_VERSION

	.section .text32, "ax"
	.code32
	.globl	td_start32
td_start32:
	cli
	cld
	/* Keep index, GPAW, params in ESI, EBX, EBP: the rest is scratch. */
	movl	%ecx, %ebp
	lgdtl	gdt_desc
	testl	%esi, %esi
	jnz	.Lwait_tables

	/* vCPU 0: zero the boot tables, then PML4 -> PDPT0 -> 4 PDs of 2M leaves. */
	movl	$TD_PT_GPA, %edi
	movl	$(TD_PT_BOOT_PAGES * 1024), %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$(TD_PT_PDPT0 + PTE_P_RW), TD_PT_PML4
	movl	$TD_PT_PDPT0, %edi
	movl	$(TD_PT_PD_LOW + PTE_P_RW), %eax
	movl	$4, %ecx
1:	movl	%eax, (%edi)
	addl	$8, %edi
	addl	$0x1000, %eax
	loop	1b
	/* 2048 leaves: entry n maps n * 2 MiB; the high halves stay zero. */
	movl	$TD_PT_PD_LOW, %edi
	movl	$PTE_LEAF_2M, %eax
	movl	$2048, %ecx
2:	movl	%eax, (%edi)
	addl	$8, %edi
	addl	$0x200000, %eax
	loop	2b
	movl	$(TD_PT_BOOT_PAGES * 0x1000), TD_STATE_GPA + 8	/* td_state.pt_used */
	/* x86 stores are ordered: the tables are visible before the flag. */
	movl	$1, TD_STATE_GPA				/* td_state.pt_ready */
	jmp	.Lpaging

.Lwait_tables:
	pause
	cmpl	$0, TD_STATE_GPA
	je	.Lwait_tables

.Lpaging:
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$TD_PT_PML4, %eax
	movl	%eax, %cr3
	/*
	 * A TD starts with EFER.LME already set and may change only SCE
	 * (intel/tdx-module: td_vmcs_init.c, wrmsr_ia32_efer), so write EFER
	 * only when LME is clear: never in a TD.  td-stub starts with LME
	 * clear, because QEMU's TCG hangs on a nested VMRUN with LME set and
	 * paging off.
	 */
	movl	$MSR_EFER, %ecx
	rdmsr
	testl	$EFER_LME, %eax
	jnz	3f
	orl	$EFER_LME, %eax
	wrmsr
3:
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0
	ljmpl	$TD_SEL_CODE64, $td_start64

	.text
	.code64
td_start64:
	movl	$TD_SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	/* Upper halves are undefined after the mode switch: zero-extend. */
	movl	%esi, %edi		/* arg 0: vCPU index */
	movl	%ebx, %esi		/* arg 1: GPAW */
	movl	%ebp, %edx		/* arg 2: params GPA */
	cmpl	$TD_MAX_VCPUS, %edi
	jae	4f
	/* rsp = TD_STACKS_TOP - index * TD_STACK_SIZE */
	movl	%edi, %eax
	shll	$14, %eax
	movl	$TD_STACKS_TOP, %esp
	subq	%rax, %rsp
	xorl	%ebp, %ebp
	call	td_main
4:	ud2				/* no stack for this vCPU: a #UD the host sees */
	jmp	4b

/*
 * One stub per architectural vector; vectors without an error code push
 * a zero so every frame reads: vector, error, rip, cs, rflags, rsp, ss.
 */
	.balign	16
	.globl	td_exception_stubs
td_exception_stubs:
	vec = 0
	.rept	32
	.balign	16
	.if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || \
	      vec == 29 || vec == 30)
	pushq	$0
	.endif
	pushq	$vec
	jmp	td_exception_common
	vec = vec + 1
	.endr

td_exception_common:
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	td_exception
5:	pause
	jmp	5b

	.section .rodata
	.balign	16
gdt:
	.quad	0
	.quad	0x00af9b000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad	0x00cf93000000ffff	/* 0x10: flat data */
gdt_end:
	.balign	8
	.word	0
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

/*
 * The reset vector: 16 bytes at 0xFFFFFFF0, executed in 32-bit mode
 * (CS is flat, not the real-mode 0xFFFF0000 alias), so a rel32 jump.
 */
	.section .resetvec, "ax"
	.code32
td_reset_vector_start:
	jmp	td_start32
	.fill	16 - (. - td_reset_vector_start), 1, 0xcc

	.section .note.GNU-stack, "", @progbits
