// SPDX-License-Identifier: GPL-2.0
/*
 * The sept-emu backend: the test-only VM type of septbench's test kernel
 * (KVM_X86_SEPT_EMU_VM, bench/kernel), on which kvm_amd runs the TDP
 * MMU's mirror root and the S-EPT hooks as for a TD, with the SEAMCALLs
 * done in software (counted, with a chosen cost).  The test memory is
 * private guest_memfd at plain GPAs; the guest's code, page tables, stack
 * and ucall area are reached at GPA | the shared bit (host/kvm builds
 * that); its exits are non-string port I/O only, its MapGPA too.  The
 * phases are the tdx backend's, the emulation's counters are the VM's
 * binary stats sept_emu_* in every phase, and teardown's come from the
 * record the kernel leaves at destruction (sept_emu_last).
 */
#include "run/backend_default.h"
#include "env/env.h"
#include "kvm/vm_types.h"
#include "run/sept_emu.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum engine_status semu_make(struct rep *r)
{
	struct vm_config cfg = dflt_vm_config(r, true);
	unsigned int bit = sept_emu_shared_bit();
	char err[384];

	if (!bit) {
		snprintf(r->why, r->why_size, "kvm_amd reports no sept_emu_shared_bit: %s",
			 SEPT_EMU_BUILD_HINT);
		return ENGINE_UNSUPPORTED;
	}
	if (sept_emu_apply(&r->o->sept_emu, err, sizeof(err))) {
		snprintf(r->why, r->why_size, "%s", err);
		return ENGINE_ERROR;
	}
	/* Always private guest_memfd at 4K, whatever the backing says (as on tdx). */
	cfg.backing = BACKING_GMEM;
	cfg.shared_gpa_bit = 1ull << bit;
	cfg.convert_free = r->s->convert_free;
	return dflt_make_vm_from(r, &cfg);
}

/* What the guest's read-back of the values its write walk stored must sum to. */
static uint64_t expected_sum(uint64_t pages, unsigned int nr, unsigned int idx)
{
	uint64_t first, count, stamp = ((uint64_t)idx << 48) | 1;

	guest_partition(pages, nr, idx, &first, &count);
	return count * stamp + (count ? count * (count - 1) / 2 : 0);
}

/*
 * After a write walk over every page: the guest reads its private data
 * back through the emulated table (phase "verify", untimed) and its sum
 * is checked against what it wrote.
 */
static enum engine_status verify(struct rep *r)
{
	struct vm_phase ph = dflt_guest_phase(r, PATTERN_SEQ, 0);
	uint64_t pages = r->s->mem_bytes / SZ_4K, want = 0, got = 0;
	struct vm_phase_result res;
	unsigned int i;
	json_t *j;
	int err;

	err = vm_run_phase(r->vm, &ph, &res);
	if (err) {
		rep_instr_abort(r);
		return rep_fail_kvm(r, err, "verify");
	}
	for (i = 0; i < res.nr_vcpus; i++) {
		want += expected_sum(pages, res.nr_vcpus, i);
		got += res.vcpu[i].sum;
	}
	j = rep_add_phase(r, "verify", res.wall_ns, res.pages, &res);
	json_object_set_new(j, "checksum", json_pack("{s:I, s:I, s:b}", "expected", (json_int_t)want,
						     "got", (json_int_t)got, "ok", want == got));
	if (want != got)
		rep_warn(r, "verify: the guest read back checksum 0x%llx, it wrote 0x%llx",
			 (unsigned long long)got, (unsigned long long)want);
	rep_instr_record(r, j);
	vm_phase_result_free(&res);
	return ENGINE_OK;
}

/*
 * The guest's first touches: each a private fault, one emulated AUG (plus
 * ADDs for new tables); after a write walk over every page, a read-back.
 */
static enum engine_status semu_guest(struct rep *r, const char *name, enum pattern pattern,
				     unsigned int write_pct)
{
	enum engine_status st = dflt_guest(r, name, pattern, write_pct);

	if (!st && r->s->kind == KIND_FAULT && write_pct == 100 && !r->s->shared_range &&
	    (pattern == PATTERN_SEQ || pattern == PATTERN_RAND))
		st = verify(r);
	return st;
}

/* punch: PUNCH_HOLE on the guest_memfd (BLOCK, TRACK, REMOVE per page); else conversions. */
static enum engine_status semu_zap(struct rep *r, enum zap_cause cause)
{
	enum engine_status st;

	if (cause == ZAP_PUNCH && r->s->kind != KIND_CHURN)
		return dflt_zap(r, ZAP_PUNCH);
	/* Churn is always conversions, as on tdx. */
	st = dflt_convert(r, "zap", VM_PHASE_TO_SHARED);
	return st ? st : dflt_convert(r, "to-private", VM_PHASE_TO_PRIVATE);
}

/* The VM's absolute stats now: leaf mappings and the emulation's counters. */
static uint64_t counts_now(struct rep *r, int64_t *ops, bool *have)
{
	struct vm_phase_result res = { 0 };
	char name[48];
	int64_t m = -1;
	int op;

	*have = false;
	memset(r->snap_before, 0, vm_stats_nr_vals(r->stats_vm) * sizeof(uint64_t));
	if (!vm_stats_snapshot(r->stats_vm, r->snap_after) &&
	    !vm_stats_fill(r->stats_vm, r->snap_before, r->snap_after, &res)) {
		m = rep_mappings(&res, 1, NULL);
		*have = true;
		for (op = 0; op < SEPT_NR_OPS; op++) {
			snprintf(name, sizeof(name), "sept_emu_%s", sept_op_name(op));
			if (!vm_phase_stat(&res, name, &ops[op]))
				*have = false;
		}
		if (!vm_phase_stat(&res, "sept_emu_busy", &ops[SEPT_NR_OPS]))
			*have = false;
	}
	vm_phase_result_free(&res);
	if (m <= 0) {
		rep_warn(r, "teardown: no KVM page stats: ops are the memory's 4K pages");
		return r->s->mem_bytes / SZ_4K;
	}
	return m;
}

/* The destroyed VM's record: its totals, and the teardown's share as stat deltas. */
static void record_destruction(struct rep *r, json_t *ph, const int64_t *before, bool have,
			       uint64_t checked0)
{
	struct sept_emu_record rec;
	json_t *vm = json_object(), *tot;
	uint64_t checked1 = 0;
	char text[256], name[48];
	int op, err;

	err = sept_emu_read_checked(&checked1);
	if (!err)
		err = sept_emu_read_last(&rec, text, sizeof(text));
	if (err) {
		rep_warn(r, "teardown: no sept_emu_last record from kvm_amd (%s)", strerror(-err));
		json_decref(vm);
		return;
	}
	if (checked1 != checked0 + 1)
		rep_warn(r, "teardown: kvm_amd checked %llu VM destructions, not 1 (sept_emu_last may be another VM's)",
			 (unsigned long long)(checked1 - checked0));
	tot = json_object();
	for (op = 0; op < SEPT_NR_OPS; op++) {
		json_object_set_new(tot, sept_op_name(op), json_integer((json_int_t)rec.ops[op]));
		snprintf(name, sizeof(name), "sept_emu_%s", sept_op_name(op));
		if (have)
			json_object_set_new(vm, name, json_integer((json_int_t)(rec.ops[op] - before[op])));
	}
	if (have)
		json_object_set_new(vm, "sept_emu_busy",
				    json_integer((json_int_t)(rec.busy - before[SEPT_NR_OPS])));
	json_object_set_new(tot, "busy", json_integer((json_int_t)rec.busy));
	json_object_set_new(tot, "left", json_integer((json_int_t)rec.left));
	json_object_set_new(tot, "conservation", json_boolean(rec.ok));
	json_object_set_new(ph, "sept_emu", tot);
	/* What the destruction itself did (the VM's stats end with its fd). */
	json_object_set_new(ph, "stats", json_pack("{s:o, s:{}}", "vm", vm, "vcpu"));
	if (!rec.ok)
		rep_warn(r, "teardown: the emulated S-EPT's conservation check FAILED: %s", text);
}

/*
 * Timed destruction, as on tdx: its ops are the mappings it removes.  The
 * guest_memfd holds a reference on the VM, so the window runs from the
 * vCPU fds' close through the guest_memfd's, in which kvm_destroy_vm()
 * removes every private page and reclaims every table; no control.
 */
static enum engine_status semu_teardown(struct rep *r, const char *name, bool control)
{
	int64_t before[SEPT_NR_OPS + 1] = { 0 };
	uint64_t ops, t0, ns, checked0 = 0;
	struct vm *vm = r->vm;
	bool have;
	json_t *ph;

	ops = counts_now(r, before, &have);
	sept_emu_read_checked(&checked0);
	vm_drop_refs(vm);
	r->stats_vm = NULL;
	rep_instr_begin(r, NULL, 0);
	t0 = vm_now_ns();
	vm_close_kvm(vm);
	if (vm->mem.fd >= 0)
		close(vm->mem.fd);
	vm->mem.fd = -1;
	ns = vm_now_ns() - t0;
	rep_instr_stop(r);
	vm_destroy(vm);
	r->vm = NULL;
	ph = rep_add_phase(r, name, ns, ops, NULL);
	record_destruction(r, ph, before, have, checked0);
	rep_instr_record(r, ph);
	return ENGINE_OK;
}

static enum engine_status semu_check(const struct scenario *s, const struct run_opts *o,
				     const json_t *env, char *why, size_t why_size)
{
	const json_t *type = json_object_get(json_object_get(json_object_get(env, "kvm"),
							     "vm_types"), "sept-emu");
	const json_t *caps = json_object_get(type, "caps");

#define UNSUPPORTED(...) do { snprintf(why, why_size, __VA_ARGS__); return ENGINE_UNSUPPORTED; } while (0)
	if (!check_ok(type))
		UNSUPPORTED("VM type sept-emu is not available: %s",
			    json_string_value(json_object_get(type, "reason")) ?: SEPT_EMU_BUILD_HINT);
	if (!sept_emu_shared_bit())
		UNSUPPORTED("kvm_amd reports no sept_emu_shared_bit: %s", SEPT_EMU_BUILD_HINT);
	if (!check_ok(json_object_get(caps, "guest_memfd")) ||
	    !json_is_true(json_object_get(json_object_get(caps, "memory_attributes"), "private")))
		UNSUPPORTED("VM type sept-emu has no guest_memfd with private memory attributes");
	if (s->kind == KIND_SPLIT || s->pattern == PATTERN_HUGE || backing_page_size(s->backing) > 4096)
		UNSUPPORTED("the emulated S-EPT maps private memory at 4K only, as mainline TDX (no 2M mapping to make or split)");
	if (private_mem_lacks(s, "sept-emu", why, why_size))
		return ENGINE_UNSUPPORTED;
	if (s->kind == KIND_PREFAULT && !check_ok(json_object_get(caps, "pre_fault_memory")))
		UNSUPPORTED("no KVM_PRE_FAULT_MEMORY for VM type sept-emu");
#undef UNSUPPORTED
	return ENGINE_OK;
}

static bool serves(const struct run_opts *o)
{
	return o->vm_type == KVM_X86_SEPT_EMU_VM;
}

const struct backend_ops septemu_backend = {
	.name = "sept-emu",
	.serves = serves,
	.check = semu_check,
	.create = semu_make,
	.guest_phase = semu_guest,
	.prefault = dflt_prefault,
	.zap = semu_zap,
	.teardown = semu_teardown,
	.populate = dflt_populate,
	.release = dflt_release,
};
