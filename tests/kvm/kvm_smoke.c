// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-smoke: fault every page of a default VM once and check KVM's own
 * counters agree.  Needs /dev/kvm; run it in scripts/vmtest.
 *
 *   kvm-smoke [-m MiB] [-v vCPUs] [-b backing] [-t timeout_s] [-V]
 *
 * -V prints every stat that changed.
 *
 * -b adds one more run with that backing (anon/thp/hugetlb2m/hugetlb1g/
 * memfd/gmem) and reports, without a pass/fail check on page sizes.
 */
#include "kvm/vm.h"
#include "lib/util.h"
#include "../unit/tap.h"

#include <errno.h>
#include <unistd.h>

static unsigned int timeout_s = 600;
static bool verbose;

static void report(const char *what, const struct vm_phase_result *res)
{
	static const char *const names[] = {
		"pages_4k", "pages_2m", "pages_1g", "pf_taken", "pf_fixed",
		"pf_spurious", "pf_emulate", "exits", "nx_lpage_splits",
	};
	unsigned int i;
	int64_t d;

	printf("# %s: wall %.3f ms, %llu pages, %.0f pages/s\n", what, res->wall_ns / 1e6,
	       (unsigned long long)res->pages,
	       res->wall_ns ? res->pages * 1e9 / res->wall_ns : 0.0);
	for (i = 0; i < res->nr_vcpus; i++)
		printf("#   vCPU %u: %llu pages, %.3f ms, %llu TSC cycles\n", i,
		       (unsigned long long)res->vcpu[i].pages, res->vcpu[i].ns / 1e6,
		       (unsigned long long)res->vcpu[i].tsc_cycles);
	printf("#  ");
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (vm_phase_stat(res, names[i], &d))
			printf(" %s %+lld", names[i], (long long)d);
	putchar('\n');
	for (i = 0; verbose && i < res->nr_stats; i++)
		if (res->stats[i].delta)
			printf("#   %s %s %+lld\n", res->stats[i].vcpu ? "vcpu" : "vm",
			       res->stats[i].name, (long long)res->stats[i].delta);
}

static bool run(struct vm_smoke_opts *o, struct vm_phase_result *res, bool *skip)
{
	int r = vm_fault_smoke(o, res);

	*skip = r == -EOPNOTSUPP;
	if (r && !*skip)
		printf("# %s: %s\n", backing_name(o->backing), kvm_error());
	return !r;
}

static int64_t stat(const struct vm_phase_result *res, const char *name)
{
	int64_t d = -1;

	if (!vm_phase_stat(res, name, &d))
		printf("# stat %s not offered by this kernel\n", name);
	return d;
}

int main(int argc, char **argv)
{
	struct vm_smoke_opts o = { .nr_vcpus = 2, .write_pct = 100, .pattern = GUEST_PAT_SEQ };
	uint64_t mib = 64, pages, ranges;
	struct vm_phase_result res;
	enum backing extra = BACKING_NR;
	bool skip, ok;
	int c;

	while ((c = getopt(argc, argv, "m:v:b:t:V")) != -1) {
		switch (c) {
		case 'm':
			mib = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			o.nr_vcpus = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			if (backing_parse(optarg, &extra)) {
				fprintf(stderr, "kvm-smoke: unknown backing %s\n", optarg);
				return 2;
			}
			break;
		case 'V':
			verbose = true;
			break;
		case 't':
			timeout_s = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: kvm-smoke [-m MiB] [-v vCPUs] [-b backing] [-t s] [-V]\n");
			return 2;
		}
	}
	if (access("/dev/kvm", R_OK | W_OK)) {
		printf("1..0 # SKIP /dev/kvm not usable\n");
		return 0;
	}
	o.mem_size = mib << 20;
	o.timeout_ms = timeout_s * 1000;
	pages = o.mem_size / 4096;
	ranges = o.mem_size >> 21;
	tap_plan(extra < BACKING_NR ? 7 : 6);

	/* 4K: anon, no THP, populated by the host so only KVM faults remain. */
	o.backing = BACKING_ANON;
	o.populate = POPULATE_HOST;
	ok = run(&o, &res, &skip);
	tap_ok(ok, "anon 4K: %llu MiB, %u vCPUs, every page written once",
	       (unsigned long long)mib, o.nr_vcpus);
	if (ok) {
		report("anon", &res);
		tap_is_int(res.pages, pages, "guest touched %llu pages", (unsigned long long)pages);
		tap_is_int(stat(&res, "pages_4k"), pages, "pages_4k delta == pages");
		tap_ok(stat(&res, "pf_fixed") >= (int64_t)pages, "pf_fixed >= %llu",
		       (unsigned long long)pages);
		vm_phase_result_free(&res);
	} else {
		tap_ok(false, "guest touched all pages # no run");
		tap_ok(false, "pages_4k delta # no run");
		tap_ok(false, "pf_fixed # no run");
	}

	/* 2M: hugetlb, when the host has pages reserved. */
	o.backing = BACKING_HUGETLB2M;
	ok = run(&o, &res, &skip);
	if (skip) {
		tap_ok(true, "hugetlb2m run # SKIP %s", kvm_error());
		tap_ok(true, "pages_2m delta # SKIP no hugetlb run");
	} else {
		tap_ok(ok, "hugetlb2m: %llu MiB, every page written once", (unsigned long long)mib);
		if (ok) {
			report("hugetlb2m", &res);
			tap_is_int(stat(&res, "pages_2m"), ranges, "pages_2m delta == %llu ranges",
				   (unsigned long long)ranges);
			vm_phase_result_free(&res);
		} else {
			tap_ok(false, "pages_2m delta # no run");
		}
	}

	if (extra < BACKING_NR) {
		o.backing = extra;
		o.populate = POPULATE_NONE;
		ok = run(&o, &res, &skip);
		if (skip) {
			tap_ok(true, "%s # SKIP %s", backing_name(extra), kvm_error());
		} else {
			tap_ok(ok, "%s (populate none) runs", backing_name(extra));
			if (ok) {
				report(backing_name(extra), &res);
				vm_phase_result_free(&res);
			}
		}
	}
	return tap_done();
}
