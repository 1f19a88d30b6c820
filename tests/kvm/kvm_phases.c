// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-phases: several phases on one VM, exercising every pattern, access
 * mode and barrier mode, plus the guest error path.  Needs /dev/kvm.
 *
 *   kvm-phases [-m MiB] [-v vCPUs]
 */
#include "guest/pattern.h"
#include "kvm/vm.h"
#include "lib/util.h"
#include "../unit/tap.h"

#include <errno.h>
#include <linux/kvm.h>
#include <unistd.h>

static uint64_t progress_seen;

static void on_progress(struct vm *vm, unsigned int vcpu, uint64_t pages)
{
	__atomic_add_fetch(&progress_seen, 1, __ATOMIC_RELAXED);
}

static int64_t stat(const struct vm_phase_result *res, const char *name)
{
	int64_t d = -1;

	vm_phase_stat(res, name, &d);
	return d;
}

static bool phase(struct vm *vm, const struct vm_phase *ph, struct vm_phase_result *res,
		  const char *what)
{
	int r = vm_run_phase(vm, ph, res);

	if (r) {
		printf("# %s: %s\n", what, kvm_error());
		return false;
	}
	printf("# %s: %llu pages in %.3f ms, pf_fixed %+lld, pages_4k %+lld\n", what,
	       (unsigned long long)res->pages, res->wall_ns / 1e6,
	       (long long)stat(res, "pf_fixed"), (long long)stat(res, "pages_4k"));
	return true;
}

int main(int argc, char **argv)
{
	struct vm_config cfg = { .type = KVM_X86_DEFAULT_VM, .nr_vcpus = 2,
				 .backing = BACKING_ANON, .populate = POPULATE_HOST };
	struct vm_phase ph = { .timeout_ms = 300000 };
	struct vm_phase_result res;
	uint64_t mib = 16, pages, want;
	struct vm *vm;
	bool ok;
	int c;

	while ((c = getopt(argc, argv, "m:v:")) != -1) {
		if (c == 'm')
			mib = strtoull(optarg, NULL, 0);
		else if (c == 'v')
			cfg.nr_vcpus = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	if (access("/dev/kvm", R_OK | W_OK)) {
		printf("1..0 # SKIP /dev/kvm not usable\n");
		return 0;
	}
	cfg.mem_size = mib << 20;
	pages = cfg.mem_size / 4096;
	tap_plan(10);
	c = vm_create(&vm, &cfg);
	if (!tap_ok(c == 0, "vm_create%s%s", c ? ": " : "", c ? kvm_error() : ""))
		return tap_done();
	vm->on_progress = on_progress;

	/* 1: rand write, partitioned: every page once. */
	ph.pattern = GUEST_PAT_RAND;
	ph.write_pct = 100;
	ph.seed = 7;
	ph.progress_pages = pages / 8;
	ok = phase(vm, &ph, &res, "rand write");
	tap_ok(ok && res.pages == pages, "rand write touches %llu pages", (unsigned long long)pages);
	tap_ok(ok && progress_seen >= 8 - cfg.nr_vcpus, "progress ucalls seen: %llu",
	       (unsigned long long)progress_seen);
	vm_phase_result_free(&res);

	/* 2: seq read again: already mapped, no new 4K mappings. */
	ph.pattern = GUEST_PAT_SEQ;
	ph.write_pct = 0;
	ph.progress_pages = 0;
	ok = phase(vm, &ph, &res, "seq read, mapped");
	tap_ok(ok && res.pages == pages && stat(&res, "pages_4k") <= 0,
	       "second phase re-touches without new mappings");
	vm_phase_result_free(&res);

	/* 3: stride and huge, shared ranges, released by the guest. */
	ph.pattern = GUEST_PAT_STRIDE;
	ph.stride = 3;
	ph.shared = true;
	ph.guest_release = true;
	ph.write_pct = 50;
	want = touch_count(GUEST_MEM_GPA, pages, GUEST_PAT_STRIDE, 3) * cfg.nr_vcpus;
	ok = phase(vm, &ph, &res, "stride:3 shared, guest release");
	tap_ok(ok && res.pages == want, "stride:3 shared: %llu pages", (unsigned long long)want);
	vm_phase_result_free(&res);

	ph.pattern = GUEST_PAT_HUGE;
	ph.shared = false;
	ph.guest_release = false;
	ph.passes = 3;
	ok = phase(vm, &ph, &res, "huge x3 passes");
	tap_ok(ok && res.pages == 3 * (pages / 512), "huge: %llu touches",
	       (unsigned long long)(3 * (pages / 512)));
	tap_ok(ok && res.vcpu[0].tsc_cycles > 0 && res.vcpu[0].ns > 0, "TSC and ns per vCPU");
	vm_phase_result_free(&res);

	/* 4: a bad pattern: the guest reports an error, the host names it. */
	ph.pattern = 99;
	ph.passes = 1;
	c = vm_run_phase(vm, &ph, &res);
	tap_ok(c < 0 && strstr(kvm_error(), "unknown touch pattern"), "guest error surfaces: %s",
	       kvm_error());

	/*
	 * 5: the VM is still usable after a failed phase?  No: a guest that
	 * reported an error sits in its error loop; a new VM is the remedy.
	 */
	vm_destroy(vm);
	cfg.nr_vcpus = 1;
	cfg.backing = BACKING_ANON;
	tap_ok(vm_create(&vm, &cfg) == 0, "second VM");
	ph.pattern = GUEST_PAT_SEQ;
	ph.write_pct = 100;
	ok = phase(vm, &ph, &res, "seq write, 1 vCPU");
	tap_ok(ok && res.pages == pages, "seq write, 1 vCPU");
	vm_phase_result_free(&res);
	vm_destroy(vm);
	return tap_done();
}
