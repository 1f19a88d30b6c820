// SPDX-License-Identifier: GPL-2.0
/* End-to-end proof of the library: fault every page of a fresh VM once. */
#include "kvm/vm.h"

#include <errno.h>
#include <linux/kvm.h>

int vm_fault_smoke(const struct vm_smoke_opts *o, struct vm_phase_result *res)
{
	struct vm_config cfg = {
		.type = KVM_X86_DEFAULT_VM,
		.nr_vcpus = o->nr_vcpus ? o->nr_vcpus : 1,
		.mem_size = o->mem_size,
		.backing = o->backing,
		.populate = o->populate,
	};
	struct vm_phase ph = {
		.pattern = o->pattern,
		.write_pct = o->write_pct,
		.passes = 1,
		.seed = 1,
		.cpus = o->cpus,
		.timeout_ms = o->timeout_ms,
	};
	struct vm *vm;
	int r;

	r = vm_create(&vm, &cfg);
	if (r)
		return r;
	r = vm_run_phase(vm, &ph, res);
	vm_destroy(vm);
	return r;
}
