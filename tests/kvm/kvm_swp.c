// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-swp: private memory on a KVM_X86_SW_PROTECTED_VM through the KVM
 * library.  The attribute probe reads back what KVM_SET_MEMORY_ATTRIBUTES
 * set, and a KVM_EXIT_MEMORY_FAULT comes back as an error naming its GPA,
 * size and flags.  Needs /dev/kvm and a kernel that offers the VM type
 * (CONFIG_KVM_SW_PROTECTED_VM, the src test kernel); skips elsewhere.
 *
 *   kvm-swp [-m MiB]
 */
#include "guest/abi.h"
#include "kvm/vm.h"
#include "lib/util.h"
#include "../unit/tap.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static bool offered(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int types;

	if (fd < 0)
		return false;
	types = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	close(fd);
	/* A u32 mask: the test kernel's type 31 (sept-emu) makes the int negative. */
	return types != -1 && ((unsigned int)types & (1u << KVM_X86_SW_PROTECTED_VM));
}

/* The probe's answer for @gpa: 1 private, 0 shared, -1 failed. */
static int probe(struct vm *vm, uint64_t gpa)
{
	bool p;

	if (vm_probe_private(vm, 0, gpa, &p)) {
		printf("# probe at 0x%llx: %s\n", (unsigned long long)gpa, kvm_error());
		return -1;
	}
	return p;
}

int main(int argc, char **argv)
{
	struct vm_config cfg = { .type = KVM_X86_SW_PROTECTED_VM, .nr_vcpus = 1,
				 .backing = BACKING_GMEM, .populate = POPULATE_HOST,
				 .private_mem = true };
	struct vm_phase ph = { .pattern = GUEST_PAT_SEQ, .write_pct = 100, .timeout_ms = 300000 };
	struct vm_phase_result res;
	uint64_t mib = 4, pages, second;
	char want[96];
	int64_t d = 0;
	struct vm *vm;
	int c, r;

	while ((c = getopt(argc, argv, "m:")) != -1) {
		if (c == 'm')
			mib = strtoull(optarg, NULL, 0);
		else
			return 2;
	}
	if (access("/dev/kvm", R_OK | W_OK)) {
		printf("1..0 # SKIP /dev/kvm not usable\n");
		return 0;
	}
	if (!offered()) {
		printf("1..0 # SKIP KVM_X86_SW_PROTECTED_VM not offered (CONFIG_KVM_SW_PROTECTED_VM)\n");
		return 0;
	}
	if (mib < 4)
		mib = 4;
	cfg.mem_size = mib << 20;
	pages = cfg.mem_size / 4096;
	tap_plan(8);
	r = vm_create(&vm, &cfg);
	if (!tap_ok(r == 0, "sw-protected VM with private guest_memfd%s%s", r ? ": " : "",
		    r ? kvm_error() : ""))
		return tap_done();
	second = vm->mem_gpa + SZ_2M;

	r = vm_run_phase(vm, &ph, &res);
	if (!r)
		vm_phase_stat(&res, "pages_4k", &d);
	tap_ok(!r && res.pages == pages && d == (int64_t)pages,
	       "the guest faults %llu private pages: pages_4k %+lld", (unsigned long long)pages,
	       (long long)d);
	if (!r)
		vm_phase_result_free(&res);

	tap_ok(probe(vm, vm->mem_gpa) == 1 && probe(vm, second) == 1,
	       "probe: the test memory reads back private");
	r = vm_set_private(vm, vm->mem_gpa, SZ_2M, false);
	tap_ok(!r && probe(vm, vm->mem_gpa) == 0, "after converting the first 2 MiB to shared: shared");
	tap_ok(probe(vm, second) == 1, "... the second 2 MiB still private");
	r = vm_set_private(vm, vm->mem_gpa, SZ_2M, true);
	tap_ok(!r && probe(vm, vm->mem_gpa + 4096 * 7) == 1, "converted back: private again");

	/*
	 * A private page outside guest_memfd: the guest's parameter page in
	 * the system slot.  KVM cannot fault it in and exits to userspace
	 * with KVM_EXIT_MEMORY_FAULT; the host names GPA, size and flags.
	 */
	r = vm_set_private(vm, GUEST_PARAMS_GPA, 4096, true);
	tap_ok(r == 0, "private attribute on the system slot's parameter page");
	ph.timeout_ms = 30000;
	r = vm_run_phase(vm, &ph, &res);
	snprintf(want, sizeof(want), "memory fault at 0x%llx (+0x1000), flags 0x%llx (private access)",
		 (unsigned long long)GUEST_PARAMS_GPA, (unsigned long long)KVM_MEMORY_EXIT_FLAG_PRIVATE);
	tap_ok(r < 0 && strstr(kvm_error(), want), "the phase fails with the memory fault: %s",
	       r < 0 ? kvm_error() : "(no error)");
	if (!r)
		vm_phase_result_free(&res);
	vm_destroy(vm);
	return tap_done();
}
