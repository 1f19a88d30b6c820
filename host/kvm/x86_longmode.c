// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 guest state: identity page tables, GDT/TSS, and the register
 * state that drops a vCPU straight into 64-bit mode at guest_entry.
 */
#include "kvm/vm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#define PTE_P		(1ull << 0)
#define PTE_RW		(1ull << 1)
#define PTE_PS		(1ull << 7)
#define PTE_ADDR	0x000ffffffffff000ull

#define CR0_PE		(1ull << 0)
#define CR0_MP		(1ull << 1)
#define CR0_ET		(1ull << 4)
#define CR0_NE		(1ull << 5)
#define CR0_WP		(1ull << 16)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)

static inline unsigned int pt_shift(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

static inline unsigned int pt_index(uint64_t va, unsigned int level)
{
	return (va >> pt_shift(level)) & 511;
}

uint64_t pt_bytes_needed(uint64_t bytes, unsigned int nr)
{
	/*
	 * PML4 + per range: PDPTs and PDs for every 512G / 1G it spans plus
	 * two partial ones at its ends, and up to two 4K tables for unaligned
	 * ends.  2M leaves need no tables below the PD.
	 */
	uint64_t pages = 1 + (bytes >> 39) + (bytes >> 30) + nr * 8ull;

	return pages * 4096;
}

int pt_init(struct pt_builder *pt, void *hva, uint64_t gpa, uint64_t size, bool gbpages)
{
	if ((gpa | size) & 4095 || size < 4096)
		return kvm_fail(EINVAL, "page-table area at 0x%llx (+0x%llx) misaligned or empty",
				(unsigned long long)gpa, (unsigned long long)size);
	pt->hva = hva;
	pt->gpa = gpa;
	pt->size = size;
	pt->gbpages = gbpages;
	pt->table_bits = 0;
	memset(hva, 0, 4096);
	pt->used = 4096;
	pt->root = gpa;
	return 0;
}

static uint64_t *pt_table(const struct pt_builder *pt, uint64_t table_gpa)
{
	table_gpa &= ~pt->table_bits;
	if (table_gpa < pt->gpa || table_gpa - pt->gpa >= pt->used)
		return NULL;
	return (uint64_t *)(pt->hva + (table_gpa - pt->gpa));
}

static int pt_alloc(struct pt_builder *pt, uint64_t *gpa)
{
	if (pt->used + 4096 > pt->size)
		return kvm_fail(ENOSPC, "page-table area full (%llu KiB)",
				(unsigned long long)pt->size >> 10);
	memset(pt->hva + pt->used, 0, 4096);
	*gpa = pt->gpa + pt->used;
	pt->used += 4096;
	return 0;
}

static int pt_map_one(struct pt_builder *pt, uint64_t va, uint64_t pa, unsigned int level)
{
	uint64_t *table = pt_table(pt, pt->root), *e, next = 0;
	unsigned int l;
	int r;

	for (l = 4; l > level; l--) {
		e = &table[pt_index(va, l)];
		if (*e & PTE_P) {
			if (*e & PTE_PS)
				return kvm_fail(EEXIST, "0x%llx already mapped by a level-%u leaf",
						(unsigned long long)va, l);
		} else {
			r = pt_alloc(pt, &next);
			if (r)
				return r;
			*e = next | pt->table_bits | PTE_P | PTE_RW;
		}
		table = pt_table(pt, *e & PTE_ADDR);
		if (!table)
			return kvm_fail(EFAULT, "page table at 0x%llx outside the builder",
					(unsigned long long)(*e & PTE_ADDR));
	}
	e = &table[pt_index(va, level)];
	if (*e & PTE_P)
		return kvm_fail(EEXIST, "0x%llx mapped twice", (unsigned long long)va);
	*e = pa | PTE_P | PTE_RW | (level > PT_LEVEL_4K ? PTE_PS : 0);
	return 0;
}

int pt_map(struct pt_builder *pt, uint64_t va, uint64_t pa, uint64_t size,
	   unsigned int max_level)
{
	unsigned int level;
	uint64_t page;
	int r;

	if ((va | pa | size) & 4095)
		return kvm_fail(EINVAL, "pt_map 0x%llx -> 0x%llx (+0x%llx): not 4K aligned",
				(unsigned long long)va, (unsigned long long)pa,
				(unsigned long long)size);
	if (va + size > (1ull << 47) || va + size < va)
		return kvm_fail(EINVAL, "pt_map 0x%llx (+0x%llx): beyond 47-bit VA",
				(unsigned long long)va, (unsigned long long)size);
	if (max_level > PT_LEVEL_1G)
		max_level = PT_LEVEL_1G;
	if (max_level == PT_LEVEL_1G && !pt->gbpages)
		max_level = PT_LEVEL_2M;
	while (size) {
		for (level = max_level; level > PT_LEVEL_4K; level--) {
			page = 1ull << pt_shift(level);
			if (!((va | pa) & (page - 1)) && size >= page)
				break;
		}
		page = 1ull << pt_shift(level);
		r = pt_map_one(pt, va, pa, level);
		if (r)
			return r;
		va += page;
		pa += page;
		size -= page;
	}
	return 0;
}

bool pt_walk(const struct pt_builder *pt, uint64_t va, uint64_t *pa, unsigned int *level)
{
	const uint64_t *table = pt_table(pt, pt->root);
	unsigned int l;
	uint64_t e, mask;

	for (l = 4; l >= 1; l--) {
		if (!table)
			return false;
		e = table[pt_index(va, l)];
		if (!(e & PTE_P))
			return false;
		if (l == 1 || ((e & PTE_PS) && l <= 3)) {
			mask = (1ull << pt_shift(l)) - 1;
			*pa = (e & PTE_ADDR & ~mask) | (va & mask);
			*level = l;
			return true;
		}
		table = pt_table(pt, e & PTE_ADDR);
	}
	return false;
}

void x86_write_gdt(struct vm *vm)
{
	uint64_t *gdt = vm_gpa_to_hva(vm, GUEST_GDT_GPA, 5 * 8);
	uint64_t tss = GUEST_TSS_GPA;

	gdt[0] = 0;
	/* 64-bit code: present, DPL 0, execute/read, L=1. */
	gdt[GUEST_SEL_CODE / 8] = 0x00af9b000000ffffull;
	/* Flat data: present, read/write, 4G granular. */
	gdt[GUEST_SEL_DATA / 8] = 0x00cf93000000ffffull;
	/* Busy 64-bit TSS (type 0xb), 104 bytes, takes two slots. */
	gdt[GUEST_SEL_TSS / 8] = 0x67 | ((tss & 0xffffff) << 16) | (0x8bull << 40) |
				 (((tss >> 24) & 0xff) << 56);
	gdt[GUEST_SEL_TSS / 8 + 1] = tss >> 32;
	memset(vm_gpa_to_hva(vm, GUEST_TSS_GPA, 104), 0, 104);
}

static const struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid2 *c, uint32_t fn)
{
	uint32_t i;

	for (i = 0; c && i < c->nent; i++)
		if (c->entries[i].function == fn && !c->entries[i].index)
			return &c->entries[i];
	return NULL;
}

unsigned int x86_phys_bits(const struct kvm_cpuid2 *cpuid)
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 0x80000008);

	return e && (e->eax & 0xff) ? e->eax & 0xff : 36;
}

bool x86_has_gbpages(const struct kvm_cpuid2 *cpuid)
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 0x80000001);

	return e && (e->edx & (1u << 26));
}

static void flat_segment(struct kvm_segment *s, uint16_t sel, bool code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 0xb : 0x3;	/* accessed code exec/read; data r/w */
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code;
	s->db = !code;
}

int x86_setup_vcpu(struct vm *vm, struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (vm->cpuid && ioctl(v->fd, KVM_SET_CPUID2, vm->cpuid))
		return kvm_fail_errno("KVM_SET_CPUID2 (vCPU %u)", v->idx);
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs))
		return kvm_fail_errno("KVM_GET_SREGS (vCPU %u)", v->idx);

	flat_segment(&sregs.cs, GUEST_SEL_CODE, true);
	flat_segment(&sregs.ds, GUEST_SEL_DATA, false);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/* %gs:0 is the vCPU's own block: the guest's per-CPU pointer. */
	sregs.gs.base = GUEST_VCPUS_GPA + (uint64_t)v->idx * sizeof(struct guest_vcpu);

	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.selector = GUEST_SEL_TSS;
	sregs.tr.base = GUEST_TSS_GPA;
	sregs.tr.limit = 0x67;
	sregs.tr.type = 0xb;
	sregs.tr.present = 1;
	memset(&sregs.ldt, 0, sizeof(sregs.ldt));
	sregs.ldt.type = 0x2;
	sregs.ldt.unusable = 1;

	sregs.gdt.base = GUEST_GDT_GPA;
	sregs.gdt.limit = 5 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;		/* the guest loads its own */

	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs.cr4 = CR4_PAE;
	sregs.cr3 = vm->pt_root;
	sregs.efer = EFER_LME | EFER_LMA;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs))
		return kvm_fail_errno("KVM_SET_SREGS (vCPU %u, 64-bit mode)", v->idx);

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	regs.rip = vm->entry;
	regs.rsp = vm->stacks_gpa + (uint64_t)(v->idx + 1) * GUEST_STACK_SIZE;
	regs.rdi = v->idx;
	if (ioctl(v->fd, KVM_SET_REGS, &regs))
		return kvm_fail_errno("KVM_SET_REGS (vCPU %u)", v->idx);
	return 0;
}
