// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a page's private attribute back.  KVM (7.2) has no call that
 * returns memory attributes, but it reads them on every fault of a VM
 * with private memory: KVM_PRE_FAULT_MEMORY takes the private path
 * (guest_memfd) where the gfn is private and the shared path (the slot's
 * userspace mapping, faulted in through GUP) where it is not.  Which one
 * it took shows in the shared side: its page was not resident before the
 * pre-fault and is after it only if KVM went through the mapping.
 */
#include "kvm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Neither side mapped: the shared page dropped (KVM zaps its mapping), the private one punched. */
static int unmap_page(struct vm *vm, void *hva, uint64_t off)
{
	if (madvise(hva, 4096, MADV_DONTNEED))
		return kvm_fail_errno("attribute probe: MADV_DONTNEED of the shared side");
	if (fallocate(vm->mem.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, 4096))
		return kvm_fail_errno("attribute probe: PUNCH_HOLE of the guest_memfd page");
	return 0;
}

int vm_probe_private(struct vm *vm, unsigned int vcpu, uint64_t gpa, bool *private_mem)
{
	struct kvm_pre_fault_memory range = { .gpa = gpa & ~4095ull, .size = 4096 };
	uint64_t off = range.gpa - vm->mem_gpa;
	void *hva = vm_gpa_to_hva(vm, range.gpa, 4096);
	unsigned char v = 0;
	int r;

	if (!vm->mem.private_mem || !hva || range.gpa < vm->mem_gpa || vcpu >= vm->nr_vcpus)
		return kvm_fail(EINVAL, "attribute probe at 0x%llx: not in private test memory",
				(unsigned long long)gpa);
	/* Unmapped, and the shared side not resident: only a shared fault brings it in. */
	r = unmap_page(vm, hva, off);
	if (r)
		return r;
	do
		r = ioctl(vm->vcpus[vcpu].fd, KVM_PRE_FAULT_MEMORY, &range);
	while ((r < 0 && (errno == EINTR || errno == EAGAIN)) || (!r && range.size));
	if (r < 0)
		return kvm_fail_errno("attribute probe: KVM_PRE_FAULT_MEMORY at 0x%llx",
				      (unsigned long long)gpa);
	if (mincore(hva, 4096, &v))
		return kvm_fail_errno("attribute probe: mincore of the shared side");
	*private_mem = !(v & 1);
	/* The probe's mapping removed: the page is left unmapped. */
	return unmap_page(vm, hva, off);
}
