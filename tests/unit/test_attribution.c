// SPDX-License-Identifier: GPL-2.0
/*
 * The text side of hook attribution: hooks.conf, resolving names against
 * kallsyms and available_filter_functions fixtures, hist output and
 * percentiles, and the tracefs command strings.
 */
#include "tap.h"
#include "trace/hist.h"
#include "trace/hooks_conf.h"
#include "lib/ksyms.h"
#include "trace/tracefs.h"

#include <math.h>

static const char kallsyms[] =
	"ffffffffc04a4db0 t kvm_tdp_mmu_map\t[kvm]\n"
	"ffffffffc04b67d3 t kvm_tdp_mmu_map.cold\t[kvm]\n"
	"ffffffffc04a2840 t tdp_mmu_zap_leafs.isra.0\t[kvm]\n"
	"ffffffff81000000 T dup_fn\n"
	"ffffffffc0000000 t dup_fn\t[kvm_amd]\n"
	"ffffffff81100000 d kvm_data_only\n"
	"ffffffff81200000 T tdh_mem_page_aug\n";

static const char aff[] =
	"kvm_tdp_mmu_map [kvm]\n"
	"tdp_mmu_zap_leafs.isra.0 [kvm]\n";

static const char hist_text[] =
	"# event histogram\n"
	"#\n"
	"# trigger info: hist:keys=lat.log2:vals=hitcount:sort=hitcount:size=2048 [active]\n"
	"#\n"
	"\n"
	"{ lat: ~ 2^14 } hitcount:       1945\n"
	"{ lat: ~ 2^15 } hitcount:         59\n"
	"{ lat: ~ 2^22 } hitcount:          1\n"
	"\n"
	"Totals:\n"
	"    Hits: 2005\n"
	"    Entries: 3\n"
	"    Dropped: 0\n";

static void conf_tests(void)
{
	const char *good =
		"# comment\n"
		"[tdp-mmu]\n"
		"kvm_tdp_mmu_map   # trailing comment\n"
		"\n"
		"[tdx-hooks before]\n"
		"tdx_sept_link_private_spt\n";
	struct hook_fn *fns = NULL;
	char err[256];
	size_t n = 0;

	tap_ok(hooks_conf_parse(good, "h.conf", &fns, &n, err, sizeof(err)) && n == 2,
	       "hooks.conf: two functions");
	tap_ok(n == 2 && !strcmp(fns[0].group, "tdp-mmu") && !fns[0].variant[0] &&
	       !strcmp(fns[1].variant, "before") && !strcmp(fns[1].name, "tdx_sept_link_private_spt"),
	       "... with their groups and variants");
	free(fns);
	tap_ok(!hooks_conf_parse("kvm_tdp_mmu_map\n", "h.conf", &fns, &n, err, sizeof(err)) &&
	       strstr(err, "h.conf:1:"), "a function before any group: %s", err);
	tap_ok(!hooks_conf_parse("[g sideways]\nf\n", "h.conf", &fns, &n, err, sizeof(err)) &&
	       strstr(err, "unknown hook variant"), "an unknown variant: %s", err);
	tap_ok(!hooks_conf_parse("[g]\nf\nf\n", "h.conf", &fns, &n, err, sizeof(err)) &&
	       strstr(err, "h.conf:3:"), "a duplicate: %s", err);
	tap_ok(!hooks_conf_parse("[g]\nnot a name\n", "h.conf", &fns, &n, err, sizeof(err)),
	       "a malformed name: %s", err);
}

static void ksym_tests(void)
{
	struct ksym_res r;

	ksym_resolve(kallsyms, aff, "kvm_tdp_mmu_map", &r);
	tap_ok(r.ok && !strcmp(r.symbol, "kvm_tdp_mmu_map") && !strcmp(r.module, "kvm") && r.traceable,
	       "a unique module function resolves, traceable (.cold ignored)");
	ksym_resolve(kallsyms, aff, "tdp_mmu_zap_leafs", &r);
	tap_ok(r.ok && !strcmp(r.symbol, "tdp_mmu_zap_leafs.isra.0") && strstr(r.reason, "clone"),
	       "only a compiler clone: probed as the clone");
	ksym_resolve(kallsyms, aff, "dup_fn", &r);
	tap_ok(!r.ok && strstr(r.reason, "2 functions") && strstr(r.reason, "vmlinux") &&
	       strstr(r.reason, "kvm_amd"), "ambiguous name refused: %s", r.reason);
	ksym_resolve(kallsyms, aff, "handle_removed_pt", &r);
	tap_ok(!r.ok && strstr(r.reason, "not in /proc/kallsyms"), "absent: %s", r.reason);
	ksym_resolve(kallsyms, aff, "kvm_data_only", &r);
	tap_ok(!r.ok, "a data symbol is not a function");
	ksym_resolve(kallsyms, aff, "tdh_mem_page_aug", &r);
	tap_ok(r.ok && !r.module[0] && !r.traceable, "vmlinux function, not in the ftrace list");
	ksym_resolve(kallsyms, NULL, "kvm_tdp_mmu_map", &r);
	tap_ok(r.ok && !r.traceable, "no available_filter_functions: still resolved");
}

static void hist_tests(void)
{
	struct log2_hist h, h2, d;
	uint64_t lo, hi;

	tap_ok(hist_parse(hist_text, "lat", &h), "hist output parses");
	tap_ok(h.count[14] == 1945 && h.count[15] == 59 && h.count[22] == 1 && h.hits == 2005,
	       "buckets and hits");
	tap_is_int(hist_total(&h), 2005, "bucket counts sum to the hits");
	hist_bucket_bounds(14, &lo, &hi);
	tap_ok(lo == 8192 && hi == 16384, "bucket 14 is (8192, 16384] ns");
	/* p50: rank 1002.5 of 1945 in bucket 14: 8192 + 8192 * 1002.5 / 1945. */
	tap_ok(fabs(hist_percentile(&h, 0.5) - (8192 + 8192 * 1002.5 / 1945)) < 1e-6,
	       "p50 interpolated in its bucket");
	/* p99: rank 1984.95 > 1945: bucket 15, 39.95 of 59 into it. */
	tap_ok(fabs(hist_percentile(&h, 0.99) - (16384 + 16384 * 39.95 / 59)) < 1e-6, "p99");
	tap_ok(hist_percentile(&h, 1.0) == 4194304, "p100 is the top of the last bucket");
	memset(&h2, 0, sizeof(h2));
	tap_ok(hist_percentile(&h2, 0.5) == 0, "empty: 0");
	h2.count[14] = 45;
	h2.hits = 5;
	hist_sub(&d, &h, &h2);
	tap_ok(d.count[14] == 1900 && d.hits == 2000 && d.count[22] == 1, "difference of two snapshots");
	tap_ok(!hist_parse("{ lat: ~ 2^99 } hitcount: 1\n", "lat", &h), "an out-of-range bucket is refused");
}

static void tracefs_tests(void)
{
	char b[512];

	tfs_kprobe_cmd(b, sizeof(b), 42, 3, "kvm_tdp_mmu_map", false);
	tap_is_str(b, "p:septbench_42/e_3 kvm_tdp_mmu_map", "kprobe command");
	tfs_kprobe_cmd(b, sizeof(b), 42, 3, "kvm_tdp_mmu_map", true);
	tap_is_str(b, "r:septbench_42/r_3 kvm_tdp_mmu_map", "kretprobe command");
	tfs_synth_cmd(b, sizeof(b), 42, 3);
	tap_is_str(b, "septbench_42_3 u64 lat", "synthetic event");
	tfs_entry_trigger(b, sizeof(b));
	tap_is_str(b, "hist:keys=common_pid:ts0=common_timestamp", "entry trigger");
	tfs_return_trigger(b, sizeof(b), 42, 3);
	tap_is_str(b, "hist:keys=common_pid:lat=common_timestamp-$ts0:onmatch(septbench_42.e_3)"
		   ".trace(septbench_42_3,$lat)", "return trigger");
	tfs_synth_trigger(b, sizeof(b));
	tap_is_str(b, "hist:keys=lat.log2", "latency histogram trigger");
	tfs_event_file(b, sizeof(b), "/t", 42, 3, 's', "hist");
	tap_is_str(b, "/t/instances/septbench-42/events/synthetic/septbench_42_3/hist", "synthetic hist path");
	tfs_event_file(b, sizeof(b), "/t", 42, 3, 'r', "trigger");
	tap_is_str(b, "/t/instances/septbench-42/events/septbench_42/r_3/trigger", "return trigger path");
	tap_is_int(tfs_owner_pid("septbench-1234"), 1234, "owner of an instance");
	tap_is_int(tfs_owner_pid("septbench_77/e_0 kvm_tdp_mmu_map"), 77, "owner of a kprobe event");
	tap_is_int(tfs_owner_pid("synthetic/septbench_77_12\tu64 lat"), 77, "owner of a synthetic event");
	tap_is_int(tfs_owner_pid("septbenchx-12"), 0, "not ours");
	tap_is_int(tfs_owner_pid("septbench-12abc"), 0, "not ours either");
}

int main(void)
{
	tap_plan(6 + 7 + 10 + 13);
	conf_tests();
	ksym_tests();
	hist_tests();
	tracefs_tests();
	return tap_done();
}
