// SPDX-License-Identifier: GPL-2.0
/* VM, memslots and vCPUs; every failure names the step that failed. */
#include "kvm/vm.h"
#include "kvm/test_stall.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

extern const uint8_t guest_payload_start[], guest_payload_end[];

static int get_supported_cpuid(struct vm *vm)
{
	vm->cpuid = kvm_supported_cpuid(vm->kvm_fd);
	return vm->cpuid ? 0 : -EIO;
}

static int set_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, struct guest_mem *m,
		       uint32_t flags)
{
	struct kvm_userspace_memory_region2 r2 = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = m->size,
		.userspace_addr = (uintptr_t)m->hva,
	};
	struct kvm_userspace_memory_region r1 = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = m->size,
		.userspace_addr = (uintptr_t)m->hva,
	};

	if (m->backing == BACKING_GMEM) {
		r2.flags |= KVM_MEM_GUEST_MEMFD;
		r2.guest_memfd = m->fd;
		r2.guest_memfd_offset = 0;
	}
	if (ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY2) > 0) {
		if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION2, &r2))
			return kvm_fail_errno("KVM_SET_USER_MEMORY_REGION2 (slot %u, gpa 0x%llx, %llu MiB, %s)",
					      slot, (unsigned long long)gpa,
					      (unsigned long long)m->size >> 20,
					      backing_name(m->backing));
		return 0;
	}
	if (m->backing == BACKING_GMEM)
		return kvm_fail(EOPNOTSUPP, "guest_memfd memslot needs KVM_CAP_USER_MEMORY2");
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r1))
		return kvm_fail_errno("KVM_SET_USER_MEMORY_REGION (slot %u, gpa 0x%llx, %llu MiB)",
				      slot, (unsigned long long)gpa,
				      (unsigned long long)m->size >> 20);
	return 0;
}

int vm_set_mem_flags(struct vm *vm, uint32_t flags)
{
	return set_memslot(vm, 1, vm->mem_gpa, &vm->mem, flags);
}

int vm_set_private(struct vm *vm, uint64_t gpa, uint64_t size, bool private_mem)
{
	struct kvm_memory_attributes ma = {
		.address = gpa,
		.size = size,
		.attributes = private_mem ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0,
	};

	if (ioctl(vm->fd, KVM_SET_MEMORY_ATTRIBUTES, &ma))
		return kvm_fail_errno("KVM_SET_MEMORY_ATTRIBUTES (%s, gpa 0x%llx, %llu KiB)",
				      private_mem ? "private" : "shared", (unsigned long long)gpa,
				      (unsigned long long)size >> 10);
	return 0;
}

int vm_convert(struct vcpu *v, uint64_t gpa, uint64_t size, bool private_mem)
{
	struct vm *vm = v->vm;
	uint64_t off = gpa - vm->mem_gpa;
	int r;

	if (!vm->mem.private_mem || gpa < vm->mem_gpa || !size || (gpa | size) & 4095 ||
	    off > vm->mem.size || size > vm->mem.size - off)
		return kvm_fail(EINVAL, "conversion of 0x%llx (+0x%llx) outside private test memory",
				(unsigned long long)gpa, (unsigned long long)size);
	r = vm_set_private(vm, gpa, size, private_mem);
	if (r || !vm->convert_free)
		return r;
	/* What QEMU's kvm_convert_memory frees once the attributes are set. */
	if (private_mem) {
		if (madvise((uint8_t *)vm->mem.hva + off, size, MADV_DONTNEED))
			return kvm_fail_errno("madvise(DONTNEED) of the converted shared pages");
		v->res.discarded_pages += size / 4096;
	} else {
		if (fallocate(vm->mem.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, size))
			return kvm_fail_errno("PUNCH_HOLE of the converted private pages");
		v->res.punched_pages += size / 4096;
	}
	return 0;
}

int vm_delete_mem_slot(struct vm *vm)
{
	struct guest_mem gone = vm->mem;

	/* A zero size deletes; guest_memfd slots are deleted the same way. */
	gone.size = 0;
	gone.backing = BACKING_ANON;
	return set_memslot(vm, 1, vm->mem_gpa, &gone, 0);
}

static int load_payload(struct vm *vm)
{
	const struct guest_image_header *h = (const void *)guest_payload_start;
	size_t len = guest_payload_end - guest_payload_start;

	if (len < sizeof(*h) || h->magic != GUEST_IMAGE_MAGIC || h->load_gpa != GUEST_CODE_GPA)
		return kvm_fail(ENOEXEC, "guest payload: bad header (rebuild build/guest)");
	if (h->end_gpa < GUEST_CODE_GPA + len || h->end_gpa > GUEST_CODE_GPA + GUEST_CODE_MAX ||
	    h->entry < GUEST_CODE_GPA || h->entry >= h->end_gpa)
		return kvm_fail(ENOEXEC, "guest payload: image 0x%llx-0x%llx does not fit",
				(unsigned long long)GUEST_CODE_GPA, (unsigned long long)h->end_gpa);
	/* bss stays zero: the system slot is fresh anonymous memory. */
	memcpy(vm_gpa_to_hva(vm, GUEST_CODE_GPA, len), guest_payload_start, len);
	vm->entry = h->entry;
	return 0;
}

static int build_page_tables(struct vm *vm, uint64_t pt_size)
{
	struct pt_builder pt;
	int r;

	r = pt_init(&pt, vm_gpa_to_hva(vm, GUEST_PT_GPA, pt_size), GUEST_PT_GPA, pt_size,
		    x86_has_gbpages(vm->cpuid));
	if (r)
		return r;
	/* With a shared bit: the system slot and the tables at GPA | bit, test memory plain. */
	pt.table_bits = vm->shared_gpa_bit;
	r = pt_map(&pt, 0, vm->shared_gpa_bit, vm->sys.size, PT_LEVEL_2M);
	if (!r)
		r = pt_map(&pt, vm->mem_gpa, vm->mem_gpa, vm->mem.size, PT_LEVEL_1G);
	vm->pt_root = pt.root | vm->shared_gpa_bit;
	return r;
}

static int create_vcpu(struct vm *vm, unsigned int idx)
{
	struct vcpu *v = &vm->vcpus[idx];
	char what[32];
	int r;

	v->vm = vm;
	v->idx = idx;
	v->cpu = -1;
	v->block = &vm->blocks[idx];
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)idx);
	if (v->fd < 0)
		return kvm_fail_errno("KVM_CREATE_VCPU %u", idx);
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return kvm_fail_errno("mmap kvm_run of vCPU %u", idx);
	}
	v->block->self = GUEST_VCPUS_GPA + (uint64_t)idx * sizeof(struct guest_vcpu);
	v->block->index = idx;
	r = x86_setup_vcpu(vm, v);
	if (r)
		return r;
	/* The rate guest TSC cycles convert to time with. */
	if (!idx) {
		r = ioctl(v->fd, KVM_GET_TSC_KHZ, NULL);
		vm->tsc_khz = r > 0 ? (unsigned int)r : 0;
	}
	snprintf(what, sizeof(what), "vCPU %u", idx);
	return kvm_stats_open(&v->stats, v->fd, what);
}

static int vm_build(struct vm *vm, const struct vm_config *cfg)
{
	uint64_t pt_size, sys_end, limit;
	unsigned int i, phys;
	int r, max;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return errno == ENOENT || errno == EACCES || errno == ENXIO ?
			kvm_fail(EOPNOTSUPP, "open /dev/kvm (%s)", strerror(errno)) :
			kvm_fail_errno("open /dev/kvm");
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return kvm_fail(EOPNOTSUPP, "KVM_GET_API_VERSION is not %d", KVM_API_VERSION);
	r = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r <= 0)
		return kvm_fail_errno("KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = r;
	r = get_supported_cpuid(vm);
	if (r)
		return r;

	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, (unsigned long)cfg->type);
	if (vm->fd < 0)
		return kvm_fail_errno("KVM_CREATE_VM (type %u)", cfg->type);
	if (cfg->private_mem && !cfg->shared_gpa_bit) {
		/* The guest's MapGPA reaches us, as a TD's does (sept-emu's: by port I/O). */
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_EXIT_HYPERCALL,
			.args[0] = 1ull << KVM_HC_MAP_GPA_RANGE,
		};

		if (ioctl(vm->fd, KVM_ENABLE_CAP, &cap))
			return kvm_fail_errno("KVM_ENABLE_CAP(EXIT_HYPERCALL, MAP_GPA_RANGE)");
	}
	max = ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max > 0 && cfg->nr_vcpus > (unsigned int)max)
		return kvm_fail(EOPNOTSUPP, "%u vCPUs asked, KVM allows %d", cfg->nr_vcpus, max);

	phys = x86_phys_bits(vm->cpuid);
	limit = 1ull << (phys < 47 ? phys : 47);
	/* Every memslot below the shared bit (KVM WARNs otherwise). */
	if (cfg->shared_gpa_bit) {
		if (cfg->shared_gpa_bit & (cfg->shared_gpa_bit - 1) || cfg->shared_gpa_bit >= limit)
			return kvm_fail(EOPNOTSUPP, "shared GPA bit 0x%llx is not one bit below the guest's %u-bit physical limit",
					(unsigned long long)cfg->shared_gpa_bit, phys);
		limit = cfg->shared_gpa_bit;
	}
	if (vm->mem_gpa % (1ull << 30) && cfg->backing == BACKING_HUGETLB1G)
		return kvm_fail(EINVAL, "test memory at 0x%llx is not 1G aligned",
				(unsigned long long)vm->mem_gpa);
	if (vm->mem_gpa % GUEST_HUGE_SIZE || vm->mem_gpa < (64ull << 20) ||
	    vm->mem_gpa + cfg->mem_size > limit)
		return kvm_fail(EOPNOTSUPP, "test memory 0x%llx+%llu MiB: must be 2M aligned, above "
				"64 MiB and below the guest's %u-bit physical limit",
				(unsigned long long)vm->mem_gpa,
				(unsigned long long)cfg->mem_size >> 20, phys);

	/* System slot: fixed low layout, then page tables, then stacks. */
	pt_size = pt_bytes_needed(cfg->mem_size + (64ull << 20), 2);
	vm->stacks_gpa = GUEST_PT_GPA + pt_size;
	sys_end = vm->stacks_gpa + cfg->nr_vcpus * GUEST_STACK_SIZE;
	sys_end = (sys_end + GUEST_HUGE_SIZE - 1) & ~(GUEST_HUGE_SIZE - 1);
	if (sys_end > vm->mem_gpa)
		return kvm_fail(EINVAL, "system slot (%llu MiB) runs into test memory",
				(unsigned long long)sys_end >> 20);
	r = guest_mem_alloc(&vm->sys, BACKING_ANON, sys_end, -1);
	if (r)
		return r;
	/* Written by the host, so the guest's prefault reads map it writable. */
	guest_mem_populate(&vm->sys);
	r = set_memslot(vm, 0, 0, &vm->sys, 0);
	if (r)
		return r;

	r = cfg->private_mem ? guest_mem_alloc_private(&vm->mem, cfg->mem_size, vm->fd) :
			       guest_mem_alloc(&vm->mem, cfg->backing, cfg->mem_size, vm->fd);
	if (r)
		return r;
	if (cfg->populate == POPULATE_HOST) {
		r = guest_mem_populate(&vm->mem);
		if (r)
			return r;
	}
	if (test_stall_spec()) {
		if (cfg->populate == POPULATE_HOST || cfg->private_mem || cfg->backing != BACKING_ANON)
			return kvm_fail(EINVAL, "SEPTBENCH_TEST_STALL needs anon test memory that the host does not populate");
		r = test_stall_arm(vm->mem.hva, vm->mem.size, &vm->stall);
		if (r)
			return r;
	}
	r = set_memslot(vm, 1, vm->mem_gpa, &vm->mem, 0);
	if (!r && cfg->private_mem)
		r = vm_set_private(vm, vm->mem_gpa, cfg->mem_size, true);
	if (r)
		return r;

	r = load_payload(vm);
	if (r)
		return r;
	x86_write_gdt(vm);
	r = build_page_tables(vm, pt_size);
	if (r)
		return r;
	vm->params = vm_gpa_to_hva(vm, GUEST_PARAMS_GPA, sizeof(*vm->params));
	vm->blocks = vm_gpa_to_hva(vm, GUEST_VCPUS_GPA,
				   GUEST_MAX_VCPUS * sizeof(struct guest_vcpu));
	vm->params->magic = GUEST_ABI_MAGIC;
	vm->params->version = GUEST_ABI_VERSION;
	vm->params->nr_vcpus = cfg->nr_vcpus;
	vm->params->mem_gpa = vm->mem_gpa;
	vm->params->mem_size = cfg->mem_size;
	vm->params->passes = 1;
	vm->params->sys_size = vm->sys.size;

	r = kvm_stats_open(&vm->stats, vm->fd, "VM");
	if (r)
		return r;
	vm->vcpus = calloc(cfg->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return kvm_fail(ENOMEM, "vCPU array");
	for (i = 0; i < cfg->nr_vcpus; i++)
		vm->vcpus[i].fd = vm->vcpus[i].stats.fd = -1;
	for (i = 0; i < cfg->nr_vcpus; i++) {
		vm->nr_vcpus = i + 1;
		r = create_vcpu(vm, i);
		if (r)
			return r;
	}
	return 0;
}

int vm_create(struct vm **vmp, const struct vm_config *cfg)
{
	struct vm *vm;
	int r;

	*vmp = NULL;
	if (!cfg->nr_vcpus || cfg->nr_vcpus > GUEST_MAX_VCPUS)
		return kvm_fail(EINVAL, "%u vCPUs (1..%u)", cfg->nr_vcpus, GUEST_MAX_VCPUS);
	if (!cfg->mem_size || cfg->mem_size % GUEST_PAGE_SIZE)
		return kvm_fail(EINVAL, "test memory size %llu is not a multiple of 4K",
				(unsigned long long)cfg->mem_size);
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return kvm_fail(ENOMEM, "struct vm");
	vm->kvm_fd = vm->fd = -1;
	vm->sys.fd = vm->mem.fd = -1;
	vm->stats.fd = -1;
	vm->type = cfg->type;
	vm->mem_gpa = cfg->mem_gpa ? cfg->mem_gpa : GUEST_MEM_GPA;
	vm->shared_gpa_bit = cfg->shared_gpa_bit;
	vm->convert_free = cfg->convert_free;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	r = vm_build(vm, cfg);
	if (r) {
		vm_destroy(vm);
		return r;
	}
	*vmp = vm;
	return 0;
}

void vm_drop_refs(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		kvm_stats_close(&v->stats);
		if (v->run)
			munmap(v->run, vm->run_size);
		v->run = NULL;
	}
	kvm_stats_close(&vm->stats);
}

void vm_close_kvm(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
		vm->vcpus[i].fd = -1;
	}
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	vm_drop_refs(vm);
	/* Close the VM before unmapping its memory: no zaps on a live VM. */
	vm_close_kvm(vm);
	free(vm->vcpus);
	test_stall_disarm(vm->stall);
	guest_mem_free(&vm->mem);
	guest_mem_free(&vm->sys);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm->cpuid);
	pthread_mutex_destroy(&vm->lock);
	pthread_cond_destroy(&vm->cond);
	free(vm);
}
