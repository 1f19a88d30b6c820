/* SPDX-License-Identifier: GPL-2.0 */
/* The x86 VM types by name, as septbench's options and results spell them. */
#ifndef SEPTBENCH_KVM_TYPES_H
#define SEPTBENCH_KVM_TYPES_H

#include <stdbool.h>

/*
 * The emulated S-EPT's test-only VM type (bench/kernel, scripts/kbuild
 * --emulate-sept): never upstream, so no uapi header has it.  Its bit in
 * KVM_CAP_VM_TYPES is 1u << 31.
 */
#ifndef KVM_X86_SEPT_EMU_VM
#define KVM_X86_SEPT_EMU_VM 31
#endif
#define SEPT_EMU_PARAM_DIR "/sys/module/kvm_amd/parameters"
#define SEPT_EMU_BUILD_HINT \
	"needs septbench's test kernel with the emulated S-EPT (kvm_amd, NPT, TDP MMU, 4-level NPT): " \
	"make test-kernel (the src kernel), or scripts/kbuild --emulate-sept for a tree of your own"

struct vm_type_desc {
	const char *name;
	unsigned int type;	/* KVM_X86_*_VM */
	bool probe;		/* created by `septbench env` to list its caps */
	const char *hint;	/* why a kernel may not offer it */
};

/* Terminated by an entry with a NULL name. */
extern const struct vm_type_desc vm_types[];

const struct vm_type_desc *vm_type_by_name(const char *name);

#endif
