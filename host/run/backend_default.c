// SPDX-License-Identifier: GPL-2.0
/*
 * The default backend: VMs of the KVM_X86_DEFAULT_VM family built with
 * host/kvm, the TDP MMU without S-EPT hooks (the control group).  What
 * each timed window holds is written down in bench/README.md.
 */
#include "run/backend_default.h"
#include "env/env.h"
#include "kvm/dirty_log.h"
#include "lib/interrupt.h"
#include "lib/util.h"
#include "run/knob.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void on_release(struct vm *vm)
{
	dflt_count_vcpus(vm->hook_ctx, vm);
}

static void on_finish(struct vm *vm)
{
	rep_instr_stop(vm->hook_ctx);
}

struct vm_config dflt_vm_config(const struct rep *r, bool private_mem)
{
	return (struct vm_config){
		.type = r->o->vm_type,
		.nr_vcpus = r->s->vcpus,
		.mem_size = r->s->mem_bytes,
		.backing = r->s->backing,
		.populate = r->s->populate,
		.private_mem = private_mem,
	};
}

enum engine_status dflt_make_vm(struct rep *r, bool private_mem)
{
	struct vm_config cfg = dflt_vm_config(r, private_mem);

	return dflt_make_vm_from(r, &cfg);
}

enum engine_status dflt_make_vm_from(struct rep *r, const struct vm_config *cfg)
{
	uint64_t t0 = vm_now_ns();
	int err;

	err = vm_create(&r->vm, cfg);
	if (err)
		return rep_fail_kvm(r, err, "creating the VM");
	r->vm->should_stop = interrupted;
	r->vm->on_release = on_release;
	r->vm->on_finish = on_finish;
	r->vm->hook_ctx = r;
	if (r->o->place.node >= 0 &&
	    (err = placement_bind_memory(&r->o->place, r->vm->mem.map, r->vm->mem.map_size))) {
		snprintf(r->why, r->why_size, "binding guest memory to node %d: %s",
			 r->o->place.node, strerror(-err));
		return ENGINE_ERROR;
	}
	r->stats_vm = r->vm;
	r->snap_before = calloc(vm_stats_nr_vals(r->vm), sizeof(uint64_t));
	r->snap_after = calloc(vm_stats_nr_vals(r->vm), sizeof(uint64_t));
	if (!r->snap_before || !r->snap_after)
		return rep_fail_errno(r, "stats buffers");
	rep_add_phase(r, "setup", vm_now_ns() - t0, 1, NULL);
	return ENGINE_OK;
}

/* The mapping size the scenario means (its file's backing), not what a flag forced. */
static uint64_t meant_size(const struct scenario *s)
{
	return s->mapping_size ?: backing_page_size(s->backing);
}

/* What a guest phase's op is. */
enum guest_op {
	OP_MAPPED,		/* a leaf mapping KVM created */
	OP_SPLIT,		/* a 2M mapping KVM split */
	OP_WP_FAULT,		/* a write-protection fault on a 4K mapping */
};

/* A guest-driven phase: every vCPU walks its range with @pattern. */
static enum engine_status run_guest(struct rep *r, const char *name, enum pattern pattern,
				    unsigned int write_pct, enum guest_op op)
{
	struct vm_phase ph = dflt_guest_phase(r, pattern, write_pct);
	struct vm_phase_result res;
	int64_t d2m = 0;
	uint64_t ops;
	json_t *j;
	int err;

	err = vm_run_phase(r->vm, &ph, &res);
	if (err) {
		rep_instr_abort(r);
		return rep_fail_kvm(r, err, name);
	}
	switch (op) {
	case OP_MAPPED:
		ops = rep_count_mapped(r, name, &res, res.pages, meant_size(r->s));
		break;
	case OP_SPLIT:
		vm_phase_stat(&res, "pages_2m", &d2m);
		ops = d2m < 0 ? -d2m : 0;
		if (!ops) {
			rep_warn(r, "%s: no 2M mapping was split (pages_2m did not fall)", name);
			ops = res.pages;
		}
		break;
	default:
		ops = res.pages;
	}
	j = rep_add_phase(r, name, res.wall_ns, ops, &res);
	json_object_set_new(j, "touches", json_integer((json_int_t)res.pages));
	dflt_record_implicit(j, &res);
	rep_instr_record(r, j);
	vm_phase_result_free(&res);
	/* For the tests: an error while the probes are in place. */
	if (r->attr && getenv("SEPTBENCH_INJECT_ERROR") &&
	    !strcmp(getenv("SEPTBENCH_INJECT_ERROR"), "attribution")) {
		snprintf(r->why, r->why_size, "%s: error injected by SEPTBENCH_INJECT_ERROR", name);
		return ENGINE_ERROR;
	}
	return ENGINE_OK;
}

static enum engine_status make_vm(struct rep *r)
{
	return dflt_make_vm(r, false);
}

enum engine_status dflt_guest(struct rep *r, const char *name, enum pattern pattern,
			      unsigned int write_pct)
{
	return run_guest(r, name, pattern, write_pct, OP_MAPPED);
}

/*
 * Finish a pre-fault call that stopped early: the kernel returns 0 with
 * the range updated when a signal or a reschedule cut it short after some
 * progress, -EINTR/-EAGAIN before any.  @ret is the first call's result.
 */
static enum engine_status prefault_finish(struct rep *r, int fd, struct kvm_pre_fault_memory *range,
					  int ret, uint64_t *calls)
{
	bool lat = rep_latency_on(r);
	uint64_t t0 = 0;

	while (ret < 0 || range->size) {
		if (ret < 0 && errno == EINTR && interrupted())
			return ENGINE_INTERRUPTED;
		if (ret < 0 && errno != EINTR && errno != EAGAIN)
			return rep_fail_errno(r, "KVM_PRE_FAULT_MEMORY");
		if (lat)
			t0 = vm_now_ns();
		ret = ioctl(fd, KVM_PRE_FAULT_MEMORY, range);
		if (lat)
			rep_host_op(r, t0);
		(*calls)++;
	}
	return ENGINE_OK;
}

/*
 * prefault-bare: the ioctl in a tight loop and nothing else (no counters,
 * no stats snapshots, no per-op bookkeeping), the reference the harness
 * is measured against.  A call cut short is bad luck, not retried: the
 * repetition fails and says so.
 */
static enum engine_status prefault_bare(struct rep *r, uint64_t start, uint64_t end, uint64_t step)
{
	struct kvm_pre_fault_memory range = { 0 };
	int fd = r->vm->vcpus[0].fd;
	uint64_t gpa, t0, ns;

	t0 = vm_now_ns();
	for (gpa = start; gpa < end; gpa += step) {
		range.gpa = gpa;
		range.size = step;
		if (ioctl(fd, KVM_PRE_FAULT_MEMORY, &range) < 0 || range.size)
			break;
	}
	ns = vm_now_ns() - t0;
	if (gpa < end)
		return interrupted() ? ENGINE_INTERRUPTED :
		       rep_fail_errno(r, "KVM_PRE_FAULT_MEMORY (bare loop, cut short)");
	rep_add_phase(r, "prefault", ns, (end - start) / step, NULL);
	return ENGINE_OK;
}

/*
 * KVM_PRE_FAULT_MEMORY over the test memory, one backing page per call,
 * with counters and stats around the loop.  An op is one call made.
 */
enum engine_status dflt_prefault(struct rep *r, bool bare)
{
	uint64_t step = backing_page_size(r->s->backing), start = r->vm->mem_gpa, gpa, end, t0, ns, c0 = 0;
	bool lat = rep_latency_on(r);
	struct kvm_pre_fault_memory range = { 0 };
	int fd = r->vm->vcpus[0].fd, ret;
	struct vm_phase_result res;
	uint64_t calls = 0;
	enum engine_status st;

	end = start + r->s->mem_bytes;
	if (bare)
		return prefault_bare(r, start, end, step);
	st = dflt_host_begin(r, &t0);
	if (st)
		return st;
	for (gpa = start; gpa < end; gpa += step) {
		range.gpa = gpa;
		range.size = step;
		if (lat)
			c0 = vm_now_ns();
		ret = ioctl(fd, KVM_PRE_FAULT_MEMORY, &range);
		if (lat)
			rep_host_op(r, c0);
		calls++;
		if ((ret < 0 || range.size) && (st = prefault_finish(r, fd, &range, ret, &calls))) {
			rep_instr_abort(r);
			return st;
		}
	}
	st = dflt_host_stop(r, t0, &ns, &res);
	if (st)
		return st;
	rep_count_mapped(r, "prefault", &res, calls, meant_size(r->s));
	dflt_host_record(r, "prefault", ns, calls, &res);
	return ENGINE_OK;
}

/* A host-driven phase around one KVM call whose op is a split 2M mapping. */
static enum engine_status split_call(struct rep *r, const char *name, bool splits,
				     int (*call)(struct vm *vm, uint32_t arg), uint32_t arg,
				     const char *what)
{
	struct vm_phase_result res;
	uint64_t t0, ns, ops;
	enum engine_status st;
	int64_t d2m = 0;
	int err;

	st = dflt_host_begin(r, &t0);
	if (st)
		return st;
	err = call(r->vm, arg);
	if (err) {
		rep_instr_abort(r);
		return rep_fail_kvm(r, err, what);
	}
	st = dflt_host_stop(r, t0, &ns, &res);
	if (st)
		return st;
	vm_phase_stat(&res, "pages_2m", &d2m);
	ops = d2m < 0 ? -d2m : 0;
	if (splits && !ops) {
		rep_warn(r, "%s: no 2M mapping was split (pages_2m did not fall)", name);
		ops = r->s->mem_bytes / SZ_2M;
	}
	if (!splits)
		ops = 1;
	dflt_host_record(r, name, ns, ops, &res);
	return ENGINE_OK;
}

static int set_flags(struct vm *vm, uint32_t flags)
{
	return vm_set_mem_flags(vm, flags);
}

static int clear_log(struct vm *vm, uint32_t unused)
{
	return vm_dirty_log_clear_all(vm);
}

/*
 * 2M mappings in place, then dirty logging, three ways:
 *   eager: without manual protection, enabling logging splits them right
 *          there (kvm.eager_page_split=Y): that ioctl is the split;
 *   clear: manual protection, initially all dirty: enabling logging leaves
 *          them alone and KVM_CLEAR_DIRTY_LOG splits them (eager on), as
 *          QEMU's migration does;
 *   lazy:  the same with eager splitting off: the clear only
 *          write-protects; one guest write per 2M range splits it on
 *          fault (timed), then the other writes of each range are
 *          write-protection faults on the new 4K mappings (recorded apart).
 * An op is a 2M mapping split, from the pages_2m decrease.
 */
static enum engine_status split_phase(struct rep *r)
{
	uint64_t ranges = r->s->mem_bytes / SZ_2M;
	enum split_mode mode = r->s->split;
	enum engine_status st;
	int err;

	/* The guest maps every 2M range first: one touch each. */
	st = run_guest(r, "map", PATTERN_HUGE, 100, OP_MAPPED);
	if (st)
		return st;
	if (r->mapped > 0 && (uint64_t)r->mapped < ranges)
		rep_warn(r, "map: only %lld of %llu ranges are mapped (the split has less to do)",
			 (long long)r->mapped, (unsigned long long)ranges);

	err = knob_set(EAGER_SPLIT_PARAM, mode == SPLIT_LAZY ? "N" : "Y");
	if (err) {
		snprintf(r->why, r->why_size, "setting %s: %s", EAGER_SPLIT_PARAM, strerror(-err));
		return ENGINE_UNSUPPORTED;
	}
	if (mode != SPLIT_EAGER && (err = vm_dirty_log_manual(r->vm)))
		return rep_fail_kvm(r, err, "manual dirty-log protection");
	st = split_call(r, mode == SPLIT_EAGER ? "split" : "log-enable", mode == SPLIT_EAGER,
			set_flags, KVM_MEM_LOG_DIRTY_PAGES, "enabling dirty logging");
	if (st || mode == SPLIT_EAGER)
		return st;
	st = split_call(r, mode == SPLIT_CLEAR ? "split" : "clear", mode == SPLIT_CLEAR,
			clear_log, 0, "clearing the dirty log");
	if (st || mode == SPLIT_CLEAR)
		return st;
	st = run_guest(r, "split", PATTERN_HUGE, 100, OP_SPLIT);
	if (st)
		return st;
	return run_guest(r, "wp-faults", PATTERN_SEQ, 100, OP_WP_FAULT);
}

/* Untimed: host memory back in place before another fault cycle. */
enum engine_status dflt_populate(struct rep *r)
{
	uint64_t t0 = vm_now_ns();
	int err;

	if (r->s->populate != POPULATE_HOST)
		return ENGINE_OK;
	err = guest_mem_populate(&r->vm->mem);
	if (err)
		return rep_fail_kvm(r, err, "re-populating host memory");
	rep_add_phase(r, "populate", vm_now_ns() - t0, r->s->mem_bytes / SZ_4K, NULL);
	return ENGINE_OK;
}

void dflt_release(struct rep *r)
{
	if (r->vm)
		vm_destroy(r->vm);
	r->vm = r->stats_vm = NULL;
}

static bool pool_has(const json_t *env, const char *size, uint64_t pages, uint64_t *free_pages)
{
	const json_t *pool = json_object_get(json_object_get(json_object_get(env, "memory"),
							     "hugetlb"), size);

	*free_pages = json_integer_value(json_object_get(pool, "free"));
	return *free_pages >= pages;
}
static enum engine_status default_check(const struct scenario *s, const struct run_opts *o,
					const json_t *env, char *why, size_t why_size)
{
	const json_t *caps = json_object_get(json_object_get(json_object_get(
		json_object_get(env, "kvm"), "vm_types"), o->vm_type_name), "caps");
	const json_t *thp = json_object_get(json_object_get(env, "memory"), "thp");
	uint64_t need, have;

#define UNSUPPORTED(...) do { snprintf(why, why_size, __VA_ARGS__); return ENGINE_UNSUPPORTED; } while (0)
	if (s->backing == BACKING_HUGETLB2M || s->backing == BACKING_HUGETLB1G) {
		const char *size = s->backing == BACKING_HUGETLB2M ? "2M" : "1G";
		const char *dir = s->backing == BACKING_HUGETLB2M ? "hugepages-2048kB" : "hugepages-1048576kB";

		need = s->mem_bytes / backing_page_size(s->backing);
		if (!pool_has(env, size, need, &have))
			UNSUPPORTED("needs %llu free %s hugetlb pages, %llu free (echo %llu > /sys/kernel/mm/hugepages/%s/nr_hugepages)",
				    (unsigned long long)need, size, (unsigned long long)have,
				    (unsigned long long)need, dir);
	}
	if (s->backing == BACKING_THP &&
	    !strcmp(json_string_value(json_object_get(thp, "enabled")) ?: "never", "never"))
		UNSUPPORTED("transparent hugepages are disabled (/sys/kernel/mm/transparent_hugepage/enabled)");
	if (s->backing == BACKING_GMEM && !check_ok(json_object_get(caps, "guest_memfd")))
		UNSUPPORTED("no guest_memfd for VM type %s", o->vm_type_name);
	if ((s->kind == KIND_PREFAULT || s->kind == KIND_PREFAULT_BARE) &&
	    !check_ok(json_object_get(caps, "pre_fault_memory")))
		UNSUPPORTED("no KVM_PRE_FAULT_MEMORY for VM type %s", o->vm_type_name);
	if (s->kind == KIND_ZAP && s->zap == ZAP_CONVERT &&
	    !json_is_true(json_object_get(json_object_get(caps, "memory_attributes"), "private")))
		UNSUPPORTED("VM type %s has no private memory to convert", o->vm_type_name);
	if (s->kind == KIND_ZAP && s->zap == ZAP_CONVERT)
		UNSUPPORTED("private-to-shared conversion needs private memory: VM type tdx or sw-protected");
	if (s->kind == KIND_ZAP && s->zap == ZAP_PUNCH && s->backing != BACKING_MEMFD &&
	    s->backing != BACKING_GMEM)
		UNSUPPORTED("punch needs a file backing (memfd or gmem), not %s", backing_name(s->backing));
	if (s->kind == KIND_SPLIT && !o->anywhere && access(EAGER_SPLIT_PARAM, W_OK))
		UNSUPPORTED("%s is not writable (kvm too old, or not root)", EAGER_SPLIT_PARAM);
#undef UNSUPPORTED
	return ENGINE_OK;
}

static bool serves(const struct run_opts *o)
{
	/* Listed last (backends.c): every type no other backend serves. */
	return o->vm_type != KVM_X86_TDX_VM && o->vm_type != KVM_X86_SW_PROTECTED_VM;
}

const struct backend_ops default_backend = {
	.name = "default",
	.serves = serves,
	.check = default_check,
	.create = make_vm,
	.guest_phase = dflt_guest,
	.prefault = dflt_prefault,
	.zap = dflt_zap,
	.split = split_phase,
	.teardown = dflt_teardown,
	.populate = dflt_populate,
	.fault_while_zapping = dflt_fault_while_zapping,
	.release = dflt_release,
};
