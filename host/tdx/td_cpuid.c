// SPDX-License-Identifier: GPL-2.0
#include "tdx/td.h"

#include <linux/kvm.h>
#include <string.h>

#define CPUID_7_EBX_HLE		(1u << 4)
#define CPUID_7_EBX_RTM		(1u << 11)
#define CPUID_7_ECX_WAITPKG	(1u << 5)
#define GPAW_SHIFT		16
#define GPAW_MASK		(0xffu << GPAW_SHIFT)

static const struct kvm_cpuid_entry2 *find_leaf(const struct kvm_cpuid2 *c, uint32_t fn,
						uint32_t idx)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == fn &&
		    (e->index == idx || !(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
			return e;
	}
	return NULL;
}

void td_cpuid_for_init(const struct kvm_cpuid2 *caps, const struct kvm_cpuid2 *supported,
		       unsigned int gpaw, struct kvm_cpuid2 *out)
{
	const struct kvm_cpuid_entry2 *cfg, *sup;
	struct kvm_cpuid_entry2 *e;
	uint32_t i;

	out->nent = 0;
	out->padding = 0;
	for (i = 0; i < caps->nent; i++) {
		cfg = &caps->entries[i];
		sup = find_leaf(supported, cfg->function, cfg->index);
		/* Without 0x80000008 there is no way to give the GPAW. */
		if (!sup && cfg->function != 0x80000008)
			continue;
		e = &out->entries[out->nent++];
		memset(e, 0, sizeof(*e));
		e->function = cfg->function;
		e->index = cfg->index;
		if (sup) {
			e->flags = sup->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
			e->eax = sup->eax & cfg->eax;
			e->ebx = sup->ebx & cfg->ebx;
			e->ecx = sup->ecx & cfg->ecx;
			e->edx = sup->edx & cfg->edx;
		}
		/*
		 * Family/model/stepping: the TDX module takes 0 (then it
		 * reports its own platform value, the lowest stepping across
		 * sockets) or exactly that value; the host's own may be
		 * another socket's, which fails INIT_VM.
		 */
		if (e->function == 1)
			e->eax = 0;
		if (e->function == 7 && e->index == 0) {
			e->ebx &= ~(CPUID_7_EBX_HLE | CPUID_7_EBX_RTM);
			e->ecx &= ~CPUID_7_ECX_WAITPKG;
		}
		if (e->function == 0x80000008)
			e->eax = (e->eax & ~GPAW_MASK) | (gpaw & 0xff) << GPAW_SHIFT;
	}
}
