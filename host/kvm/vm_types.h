/* SPDX-License-Identifier: GPL-2.0 */
/* The x86 VM types by name, as septbench's options and results spell them. */
#ifndef SEPTBENCH_KVM_TYPES_H
#define SEPTBENCH_KVM_TYPES_H

#include <stdbool.h>

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
