// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-shared-bit: the guest layout of sept-emu VMs, checked on a default
 * VM (any kernel): built with a shared GPA bit, the system slot is then
 * deleted at GPA 0 and registered again at GPA | bit only, so any guest
 * access without the bit (CR3, a page-table entry, code, stack, GDT, the
 * ucall blocks) is an MMIO exit and fails the test.  The guest writes and
 * reads back its test memory (checksum), and a port I/O MapGPA request
 * round-trips (refused by the host: a default VM has no private memory).
 * Needs /dev/kvm.
 *
 *   kvm-shared-bit [-m MiB] [-v vCPUs]
 */
#include "kvm/vm.h"
#include "lib/util.h"
#include "../unit/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int move_system_slot(struct vm *vm, uint64_t bit)
{
	struct kvm_userspace_memory_region r = { .slot = 0 };

	/* Size 0 deletes slot 0; slot 2 is the same memory at GPA | bit. */
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r))
		return -errno;
	r.slot = 2;
	r.guest_phys_addr = bit;
	r.memory_size = vm->sys.size;
	r.userspace_addr = (uintptr_t)vm->sys.hva;
	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct vm_config cfg = { .type = KVM_X86_DEFAULT_VM, .nr_vcpus = 2,
				 .backing = BACKING_ANON, .populate = POPULATE_HOST };
	struct vm_phase ph = { .timeout_ms = 300000, .write_pct = 100 };
	uint64_t mib = 16, pages, want = 0, got = 0, first, count;
	struct kvm_cpuid2 *cpuid;
	struct vm_phase_result res;
	unsigned int i, bit;
	int64_t d4k = -1;
	struct vm *vm;
	int fd, r, c;

	while ((c = getopt(argc, argv, "m:v:")) != -1) {
		if (c == 'm')
			mib = strtoull(optarg, NULL, 0);
		else if (c == 'v')
			cfg.nr_vcpus = strtoul(optarg, NULL, 0);
	}
	cfg.mem_size = mib << 20;
	pages = cfg.mem_size / 4096;
	tap_plan(6);

	fd = open("/dev/kvm", O_RDWR);
	cpuid = fd >= 0 ? kvm_supported_cpuid(fd) : NULL;
	bit = cpuid ? x86_phys_bits(cpuid) - 1 : 0;
	free(cpuid);
	if (fd >= 0)
		close(fd);
	cfg.shared_gpa_bit = 1ull << bit;
	r = bit >= 33 ? vm_create(&vm, &cfg) : -EOPNOTSUPP;
	if (!tap_ok(!r, "a VM with shared bit %u (MAXPHYADDR %u): %s", bit, bit + 1,
		    r ? kvm_error() : "built"))
		return tap_done();
	tap_ok(vm->pt_root == (GUEST_PT_GPA | cfg.shared_gpa_bit), "CR3 0x%llx carries the bit",
	       (unsigned long long)vm->pt_root);
	r = move_system_slot(vm, cfg.shared_gpa_bit);
	tap_ok(!r, "system slot moved to GPA | bit only: %s", r ? strerror(-r) : "done");

	r = vm_run_phase(vm, &ph, &res);
	if (!r)
		vm_phase_stat(&res, "pages_4k", &d4k);
	tap_ok(!r && res.pages == pages && d4k == (int64_t)pages,
	       "guest boots and writes %llu pages through the shared-bit tables: %s (pages_4k %+lld)",
	       (unsigned long long)pages, r ? kvm_error() : "ok", (long long)d4k);
	if (!r)
		vm_phase_result_free(&res);

	ph.write_pct = 0;
	r = vm_run_phase(vm, &ph, &res);
	for (i = 0; !r && i < res.nr_vcpus; i++) {
		guest_partition(pages, res.nr_vcpus, i, &first, &count);
		want += count * ((((uint64_t)i) << 48) | 1) + (count ? count * (count - 1) / 2 : 0);
		got += res.vcpu[i].sum;
	}
	tap_ok(!r && want == got, "read-back checksum 0x%llx (want 0x%llx): %s",
	       (unsigned long long)got, (unsigned long long)want, r ? kvm_error() : "ok");
	if (!r)
		vm_phase_result_free(&res);

	ph.cmd = VM_PHASE_TO_SHARED;
	r = vm_run_phase(vm, &ph, &res);
	tap_ok(r && strstr(kvm_error(), "MapGPA by port I/O failed") && strstr(kvm_error(), "0x16"),
	       "port I/O MapGPA round-trips: the host's answer (EINVAL, no private memory) reaches the guest: %s",
	       r ? kvm_error() : "phase passed?");
	if (!r)
		vm_phase_result_free(&res);
	vm_destroy(vm);
	return tap_done();
}
