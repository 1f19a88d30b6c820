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

/* convert: to shared is the zap, back to private the second phase (as on tdx). */
static enum engine_status swp_zap(struct rep *r, enum zap_cause cause)
{
	enum engine_status st;

	if (cause != ZAP_CONVERT)
		return dflt_zap(r, cause);
	st = dflt_convert(r, "zap", VM_PHASE_TO_SHARED);
	return st ? st : dflt_convert(r, "to-private", VM_PHASE_TO_PRIVATE);
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
