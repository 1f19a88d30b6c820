// SPDX-License-Identifier: GPL-2.0
/*
 * Private memory's conversions, guest-driven, for the backends whose test
 * memory is private guest_memfd in a VM built with host/kvm
 * (sw-protected, sept-emu): the tdx backend's phase shape, so compare
 * lines them up.
 */
#include "run/backend_default.h"

#include <linux/kvm.h>
#include <stdio.h>

void dflt_record_implicit(json_t *j, const struct vm_phase_result *res)
{
	uint64_t exits = 0, pages = 0;
	unsigned int i;

	for (i = 0; i < res->nr_vcpus; i++) {
		exits += res->vcpu[i].implicit_conversions;
		pages += res->vcpu[i].implicit_pages;
	}
	if (exits)
		json_object_set_new(j, "implicit_conversions", json_pack("{s:I, s:I}",
			"exits", (json_int_t)exits, "pages", (json_int_t)pages));
}

/*
 * The attributes read back after a conversion phase of zap-convert: the
 * first page of every 2 MiB range probed (vm_probe_private: which path a
 * pre-fault takes), untimed, after the phase's stats.  The probe leaves
 * the page unmapped as it found it; recorded in the phase as "attributes".
 */
static enum engine_status check_attributes(struct rep *r, const char *name, json_t *ph,
					   bool want_private)
{
	uint64_t gpa, end = r->vm->mem_gpa + r->s->mem_bytes, probed = 0, priv = 0;
	bool is_private;
	int err;

	for (gpa = r->vm->mem_gpa; gpa < end; gpa += SZ_2M) {
		err = vm_probe_private(r->vm, 0, gpa, &is_private);
		if (err)
			return rep_fail_kvm(r, err, name);
		probed++;
		priv += is_private;
	}
	json_object_set_new(ph, "attributes", json_pack("{s:s, s:I, s:I, s:I}",
		"expected", want_private ? "private" : "shared", "probed", (json_int_t)probed,
		"private", (json_int_t)priv, "shared", (json_int_t)(probed - priv)));
	if (priv != (want_private ? probed : 0))
		rep_warn(r, "%s: %llu of %llu probed pages read back private, expected %s", name,
			 (unsigned long long)priv, (unsigned long long)probed,
			 want_private ? "all" : "none");
	return ENGINE_OK;
}

/*
 * One conversion phase: every vCPU asks KVM_HC_MAP_GPA_RANGE (sept-emu:
 * a port I/O request) for each 2 MiB of its slice, the host answers with
 * KVM_SET_MEMORY_ATTRIBUTES (vcpu_thread.c).  To shared, KVM zaps the
 * private mappings: the op is one removed; to private, a page converted.
 */
enum engine_status dflt_convert(struct rep *r, const char *name, enum vm_phase_cmd cmd)
{
	struct vm_phase ph = dflt_guest_phase(r, PATTERN_SEQ, 0);
	uint64_t exits = 0, calls = 0, ranges = 0, first, count, ops;
	bool to_shared = cmd == VM_PHASE_TO_SHARED;
	struct vm_phase_result res;
	unsigned int i;
	json_t *j;
	int err;

	ph.cmd = cmd;
	err = vm_run_phase(r->vm, &ph, &res);
	if (err) {
		rep_instr_abort(r);
		return rep_fail_kvm(r, err, name);
	}
	for (i = 0; i < res.nr_vcpus; i++) {
		exits += res.vcpu[i].map_gpa_exits;
		calls += res.vcpu[i].writes;	/* the guest's count of its calls */
		guest_partition(r->s->mem_bytes / SZ_4K, ph.shared ? 1 : res.nr_vcpus,
				ph.shared ? 0 : i, &first, &count);
		/* The 2 MiB ranges the slice touches: one call each. */
		if (count)
			ranges += (first + count - 1) / 512 - first / 512 + 1;
	}
	if (exits != ranges)
		rep_warn(r, "%s: %llu MapGPA exits for %llu 2 MiB ranges", name,
			 (unsigned long long)exits, (unsigned long long)ranges);
	ops = to_shared ? rep_count_removed(r, name, &res) : res.pages;
	j = rep_add_phase(r, name, res.wall_ns, ops, &res);
	/* The tdx backend's shape, so compare lines the two up. */
	json_object_set_new(j, "map_gpa", json_pack("{s:I, s:I, s:I, s:I}",
		"calls", (json_int_t)calls,
		"exits_to_shared", (json_int_t)(to_shared ? exits : 0),
		"exits_to_private", (json_int_t)(to_shared ? 0 : exits),
		"pages", (json_int_t)res.pages));
	json_object_set_new(j, "touches", json_integer((json_int_t)res.pages));
	dflt_record_implicit(j, &res);
	rep_instr_record(r, j);
	vm_phase_result_free(&res);
	/*
	 * sw-protected's zap-convert reads the attributes back (churn converts
	 * many times over: there the stats say enough).  Not on sept-emu: the
	 * probe's own AUG and REMOVE would land in the emulation's counters.
	 */
	if (r->o->vm_type == KVM_X86_SW_PROTECTED_VM && r->s->kind == KIND_ZAP)
		return check_attributes(r, name, j, !to_shared);
	return ENGINE_OK;
}

