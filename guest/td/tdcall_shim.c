// SPDX-License-Identifier: GPL-2.0
/*
 * td_tdcall() for td-shim-payload: the same payload runs in a default VM
 * (tests/kvm/td_stub.c), where TDCALL would #UD.  Each TDCALL becomes a
 * port-I/O exchange: the registers go into this vCPU's mailbox, the leaf
 * is OUT to TD_SHIM_PORT, the host answers in the mailbox.
 *
 * TDG.VP.VMCALL<Instruction.IO> is the exception: it becomes the port
 * access itself, which is what KVM makes of it for a TD (KVM_EXIT_IO),
 * so the host decodes ucalls the same way for both payloads.
 */
#include "tdcall.h"

static inline unsigned int vcpu_index(void)
{
	uint64_t rsp;

	/* Stacks are TD_STACK_SIZE apart, growing down from TD_STACKS_TOP. */
	asm volatile("mov %%rsp, %0" : "=r"(rsp));
	return (TD_STACKS_TOP - 1 - rsp) / TD_STACK_SIZE;
}

static void shim_io(struct tdcall_args *a)
{
	uint16_t port = a->r14;
	uint32_t val = a->r15;

	a->r10 = TDVMCALL_SUCCESS;
	if (a->r13) {
		switch (a->r12) {
		case 1:
			asm volatile("outb %b0, %w1" :: "a"(val), "Nd"(port) : "memory");
			break;
		case 2:
			asm volatile("outw %w0, %w1" :: "a"(val), "Nd"(port) : "memory");
			break;
		case 4:
			asm volatile("outl %0, %w1" :: "a"(val), "Nd"(port) : "memory");
			break;
		default:
			a->r10 = TDVMCALL_INVALID_OPERAND;
		}
		return;
	}
	switch (a->r12) {
	case 1:
		asm volatile("inb %w1, %b0" : "=a"(val) : "Nd"(port) : "memory");
		val &= 0xff;
		break;
	case 2:
		asm volatile("inw %w1, %w0" : "=a"(val) : "Nd"(port) : "memory");
		val &= 0xffff;
		break;
	case 4:
		asm volatile("inl %w1, %0" : "=a"(val) : "Nd"(port) : "memory");
		break;
	default:
		a->r10 = TDVMCALL_INVALID_OPERAND;
		return;
	}
	a->r11 = val;
}

void td_tdcall(struct tdcall_args *a)
{
	volatile struct td_shim_mbox *m;

	if (a->rax == TDG_VP_VMCALL && a->r11 == TDVMCALL_IO) {
		a->rax = TDX_SUCCESS;
		shim_io(a);
		return;
	}
	m = (volatile struct td_shim_mbox *)(TD_SHIM_MBOX_GPA +
					     vcpu_index() * TD_SHIM_MBOX_SIZE);
	m->rax = a->rax;
	m->rcx = a->rcx;
	m->rdx = a->rdx;
	m->r8 = a->r8;
	m->r9 = a->r9;
	m->r10 = a->r10;
	m->r11 = a->r11;
	m->r12 = a->r12;
	m->r13 = a->r13;
	m->r14 = a->r14;
	m->r15 = a->r15;
	m->seq++;
	/* The exit orders the mailbox stores before the host reads them. */
	asm volatile("outl %0, %w1" :: "a"((uint32_t)a->rax), "Nd"(TD_SHIM_PORT) : "memory");
	a->rax = m->rax;
	a->rcx = m->rcx;
	a->rdx = m->rdx;
	a->r8 = m->r8;
	a->r9 = m->r9;
	a->r10 = m->r10;
	a->r11 = m->r11;
	a->r12 = m->r12;
	a->r13 = m->r13;
	a->r14 = m->r14;
	a->r15 = m->r15;
}
