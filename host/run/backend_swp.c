// SPDX-License-Identifier: GPL-2.0
/*
 * The sw-protected backend: KVM_X86_SW_PROTECTED_VM, KVM's own test
 * vehicle for private memory.  The test memory is a guest_memfd the host
 * cannot map, marked KVM_MEMORY_ATTRIBUTE_PRIVATE, so guest faults and
 * KVM_PRE_FAULT_MEMORY go through guest_memfd in the TDP MMU as a TD's
 * do, without the S-EPT hooks: the control group that separates private
 * memory costs from S-EPT costs.  The phases are the default backend's
 * (host/kvm builds the VM); what differs is the memory and what it can do.
 */
#include "run/backend_default.h"
#include "env/env.h"

#include <linux/kvm.h>
#include <stdio.h>

static enum engine_status swp_make(struct rep *r)
{
	return dflt_make_vm(r, true);
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
 * One conversion phase: every vCPU asks KVM_HC_MAP_GPA_RANGE for each
 * 2 MiB of its slice, the host answers with KVM_SET_MEMORY_ATTRIBUTES
 * (vcpu_thread.c).  To shared, KVM zaps the private mappings: the op is
 * one removed; to private, a page converted.
 */
static enum engine_status convert(struct rep *r, const char *name, enum vm_phase_cmd cmd)
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
	rep_instr_record(r, j);
	vm_phase_result_free(&res);
	/* churn converts many times over: there the stats say enough. */
	return r->s->kind == KIND_ZAP ? check_attributes(r, name, j, !to_shared) : ENGINE_OK;
}

/* convert: to shared is the zap, back to private the second phase (as on tdx). */
static enum engine_status swp_zap(struct rep *r, enum zap_cause cause)
{
	enum engine_status st;

	if (cause != ZAP_CONVERT)
		return dflt_zap(r, cause);
	st = convert(r, "zap", VM_PHASE_TO_SHARED);
	return st ? st : convert(r, "to-private", VM_PHASE_TO_PRIVATE);
}

static enum engine_status swp_check(const struct scenario *s, const struct run_opts *o,
				    const json_t *env, char *why, size_t why_size)
{
	const json_t *caps = json_object_get(json_object_get(json_object_get(
		json_object_get(env, "kvm"), "vm_types"), o->vm_type_name), "caps");

#define UNSUPPORTED(...) do { snprintf(why, why_size, __VA_ARGS__); return ENGINE_UNSUPPORTED; } while (0)
	if (!check_ok(json_object_get(caps, "guest_memfd")) ||
	    !json_is_true(json_object_get(json_object_get(caps, "memory_attributes"), "private")))
		UNSUPPORTED("VM type %s has no guest_memfd with private memory attributes",
			    o->vm_type_name);
	if (s->backing != BACKING_GMEM)
		UNSUPPORTED("private memory on sw-protected is guest_memfd: backing gmem, not %s",
			    backing_name(s->backing));
	/* guest_memfd hands out 4K folios: no 2M private mapping to make or split. */
	if (s->kind == KIND_SPLIT || s->pattern == PATTERN_HUGE)
		UNSUPPORTED("private memory on guest_memfd is mapped at 4K only: no 2M mapping to split");
	if (private_mem_lacks(s, "sw-protected", why, why_size))
		return ENGINE_UNSUPPORTED;
	if (s->kind == KIND_PREFAULT && !check_ok(json_object_get(caps, "pre_fault_memory")))
		UNSUPPORTED("no KVM_PRE_FAULT_MEMORY for VM type %s", o->vm_type_name);
	if (s->kind == KIND_CHURN && s->zap != ZAP_PUNCH && s->zap != ZAP_CONVERT)
		UNSUPPORTED("churn on sw-protected zaps by punch or convert (private memory has no userspace mapping)");
	if (s->kind == KIND_ZAP && s->zap == ZAP_CONVERT &&
	    !check_ok(json_object_get(caps, "exit_hypercall")))
		UNSUPPORTED("no KVM_CAP_EXIT_HYPERCALL for VM type %s: MapGPA cannot reach the host",
			    o->vm_type_name);
#undef UNSUPPORTED
	return ENGINE_OK;
}

static bool serves(const struct run_opts *o)
{
	return o->vm_type == KVM_X86_SW_PROTECTED_VM;
}

const struct backend_ops swp_backend = {
	.name = "sw-protected",
	.serves = serves,
	.check = swp_check,
	.create = swp_make,
	.guest_phase = dflt_guest,
	.prefault = dflt_prefault,
	.zap = swp_zap,
	.teardown = dflt_teardown,
	.populate = dflt_populate,
	.release = dflt_release,
};
