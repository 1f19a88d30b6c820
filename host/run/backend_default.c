// SPDX-License-Identifier: GPL-2.0
/*
 * The default backend: VMs of the KVM_X86_DEFAULT_VM family built with
 * host/kvm, the TDP MMU without S-EPT hooks (the control group).
 */
#include "run/backend.h"
#include "lib/interrupt.h"
#include "run/knob.h"
#include "kvm/dirty_log.h"
#include "env/env.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The vCPU threads wait at the guest barrier: count them from here. */
static void on_release(struct vm *vm)
{
	pid_t tids[REP_MAX_VCPUS];
	unsigned int i, n = vm->nr_vcpus < REP_MAX_VCPUS ? vm->nr_vcpus : REP_MAX_VCPUS;

	for (i = 0; i < n; i++)
		tids[i] = vm->vcpus[i].tid;
	rep_instr_begin(vm->hook_ctx, tids, n);
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
		UNSUPPORTED("private-to-shared conversion needs the tdx or sw-protected backend (not built yet)");
	if (s->kind == KIND_ZAP && s->zap == ZAP_PUNCH && s->backing != BACKING_MEMFD &&
	    s->backing != BACKING_GMEM)
		UNSUPPORTED("punch needs a file backing (memfd or gmem), not %s", backing_name(s->backing));
	if (s->kind == KIND_SPLIT && access(EAGER_SPLIT_PARAM, W_OK))
		UNSUPPORTED("%s is not writable (kvm too old, or not root)", EAGER_SPLIT_PARAM);
#undef UNSUPPORTED
	return ENGINE_OK;
}

static void on_finish(struct vm *vm)
{
	rep_instr_stop(vm->hook_ctx);
}

static enum engine_status make_vm(struct rep *r)
{
	const struct scenario *s = r->s;
	struct vm_config cfg = {
		.type = r->o->vm_type,
		.nr_vcpus = s->vcpus,
		.mem_size = s->mem_bytes,
		.backing = s->backing,
		.populate = s->populate,
	};
	uint64_t t0 = vm_now_ns();
	int err;

	err = vm_create(&r->vm, &cfg);
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

/* A guest-driven phase: every vCPU walks its range with @pattern. */
static enum engine_status guest_phase(struct rep *r, const char *name, enum pattern pattern,
				      unsigned int write_pct)
{
	struct vm_phase ph = {
		.pattern = rep_guest_pattern(pattern),
		.stride = r->s->stride,
		.write_pct = write_pct,
		.shared = r->s->shared_range,
		.seed = r->s->seed,
		.cpus = r->o->place.pin ? r->o->place.vcpu_cpu : NULL,
		.timeout_ms = r->o->timeout_ms,
	};
	struct vm_phase_result res;
	int err;

	err = vm_run_phase(r->vm, &ph, &res);
	if (err) {
		rep_instr_abort(r);
		return rep_fail_kvm(r, err, name);
	}
	rep_instr_record(r, rep_add_phase(r, name, res.wall_ns, res.pages, &res));
	vm_phase_result_free(&res);
	/* For the tests: an error while the probes are in place. */
	if (r->attr && getenv("SEPTBENCH_INJECT_ERROR") &&
	    !strcmp(getenv("SEPTBENCH_INJECT_ERROR"), "attribution")) {
		snprintf(r->why, r->why_size, "%s: error injected by SEPTBENCH_INJECT_ERROR", name);
		return ENGINE_ERROR;
	}
	return ENGINE_OK;
}

/* Host-driven phases: snapshot stats, do the work, record. */
static enum engine_status host_begin(struct rep *r, uint64_t *t0)
{
	int err = r->stats_vm ? vm_stats_snapshot(r->stats_vm, r->snap_before) : 0;

	if (err)
		return rep_fail_kvm(r, err, "reading KVM stats");
	rep_instr_begin(r, NULL, 0);
	*t0 = vm_now_ns();
	return ENGINE_OK;
}

static enum engine_status host_end(struct rep *r, const char *name, uint64_t t0, uint64_t ops)
{
	uint64_t ns = vm_now_ns() - t0;
	struct vm_phase_result res = { 0 };
	int err;

	rep_instr_stop(r);
	err = r->stats_vm ? vm_stats_snapshot(r->stats_vm, r->snap_after) : 0;
	if (!err && r->stats_vm)
		err = vm_stats_fill(r->stats_vm, r->snap_before, r->snap_after, &res);
	if (err)
		return rep_fail_kvm(r, err, "reading KVM stats");
	rep_instr_record(r, rep_add_phase(r, name, ns, ops, &res));
	vm_phase_result_free(&res);
	return ENGINE_OK;
}

/*
 * Finish a pre-fault call that stopped early: the kernel returns 0 with
 * the range updated when a signal or a reschedule cut it short after some
 * progress, -EINTR/-EAGAIN before any.  @ret is the first call's result.
 */
static enum engine_status prefault_finish(struct rep *r, int fd, struct kvm_pre_fault_memory *range,
					  int ret)
{
	while (ret < 0 || range->size) {
		if (ret < 0 && errno == EINTR && interrupted())
			return ENGINE_INTERRUPTED;
		if (ret < 0 && errno != EINTR && errno != EAGAIN)
			return rep_fail_errno(r, "KVM_PRE_FAULT_MEMORY");
		ret = ioctl(fd, KVM_PRE_FAULT_MEMORY, range);
	}
	return ENGINE_OK;
}

/*
 * KVM_PRE_FAULT_MEMORY over the test memory, one backing page per call.
 * The hot loop is the bare loop of prefault-bare plus a branch that is
 * never taken, so the harness adds nothing measurable; prefault-bare
 * exists to show exactly that.
 */
static enum engine_status prefault_phase(struct rep *r, bool bare)
{
	uint64_t step = backing_page_size(r->s->backing), start = r->vm->mem_gpa, gpa, end, t0;
	struct kvm_pre_fault_memory range = { 0 };
	int fd = r->vm->vcpus[0].fd, ret;
	enum engine_status st;

	end = start + r->s->mem_bytes;
	st = host_begin(r, &t0);
	if (st)
		return st;
	if (bare) {
		for (gpa = start; gpa < end; gpa += step) {
			range.gpa = gpa;
			range.size = step;
			if (ioctl(fd, KVM_PRE_FAULT_MEMORY, &range) < 0)
				break;
		}
		if (gpa < end)
			return interrupted() ? ENGINE_INTERRUPTED : rep_fail_errno(r, "KVM_PRE_FAULT_MEMORY");
		return host_end(r, "prefault", t0, (end - start) / step);
	}
	for (gpa = start; gpa < end; gpa += step) {
		range.gpa = gpa;
		range.size = step;
		ret = ioctl(fd, KVM_PRE_FAULT_MEMORY, &range);
		if ((ret < 0 || range.size) && (st = prefault_finish(r, fd, &range, ret)))
			return st;
	}
	return host_end(r, "prefault", t0, (end - start) / step);
}

/*
 * 2M mappings in place, then dirty logging, three ways:
 *   eager: without manual protection, enabling logging splits them right
 *          there (kvm.eager_page_split=Y): that ioctl is the split;
 *   clear: manual protection, initially all dirty: enabling logging leaves
 *          them alone and KVM_CLEAR_DIRTY_LOG splits them (eager on), as
 *          QEMU's migration does;
 *   lazy:  the same with eager splitting off: the clear only
 *          write-protects, and the guest's writes split on fault.
 */
static enum engine_status split_phase(struct rep *r)
{
	uint64_t ranges = r->s->mem_bytes / SZ_2M, t0;
	enum split_mode mode = r->s->split;
	enum engine_status st;
	int err;

	/* The guest maps every 2M range first: one touch each. */
	st = guest_phase(r, "map", PATTERN_HUGE, 100);
	if (st)
		return st;

	err = knob_set(EAGER_SPLIT_PARAM, mode == SPLIT_LAZY ? "N" : "Y");
	if (err) {
		snprintf(r->why, r->why_size, "setting %s: %s", EAGER_SPLIT_PARAM, strerror(-err));
		return ENGINE_UNSUPPORTED;
	}
	if (mode != SPLIT_EAGER && (err = vm_dirty_log_manual(r->vm)))
		return rep_fail_kvm(r, err, "manual dirty-log protection");
	st = host_begin(r, &t0);
	if (st)
		return st;
	err = vm_set_mem_flags(r->vm, KVM_MEM_LOG_DIRTY_PAGES);
	if (err)
		return rep_fail_kvm(r, err, "enabling dirty logging");
	st = host_end(r, mode == SPLIT_EAGER ? "split" : "log-enable", t0, ranges);
	if (st || mode == SPLIT_EAGER)
		return st;

	st = host_begin(r, &t0);
	if (st)
		return st;
	err = vm_dirty_log_clear_all(r->vm);
	if (err)
		return rep_fail_kvm(r, err, "clearing the dirty log");
	st = host_end(r, mode == SPLIT_CLEAR ? "split" : "clear", t0, ranges);
	if (st || mode == SPLIT_CLEAR)
		return st;
	return guest_phase(r, "split", PATTERN_SEQ, 100);
}

static enum engine_status zap_phase(struct rep *r, enum zap_cause cause)
{
	struct guest_mem *m = &r->vm->mem;
	enum engine_status st;
	uint64_t t0;
	int err;

	st = host_begin(r, &t0);
	if (st)
		return st;
	switch (cause) {
	case ZAP_DONTNEED:
		if (madvise(m->hva, m->size, MADV_DONTNEED))
			return rep_fail_errno(r, "madvise(MADV_DONTNEED)");
		break;
	case ZAP_PUNCH:
		if (m->fd < 0) {
			snprintf(r->why, r->why_size, "punch needs a file backing (memfd or gmem), not %s",
				 backing_name(m->backing));
			return ENGINE_UNSUPPORTED;
		}
		if (fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, m->size))
			return rep_fail_errno(r, "fallocate(PUNCH_HOLE)");
		break;
	case ZAP_MEMSLOT:
		err = vm_delete_mem_slot(r->vm);
		if (err)
			return rep_fail_kvm(r, err, "deleting the memslot");
		break;
	case ZAP_CONVERT:
		snprintf(r->why, r->why_size, "private-to-shared conversion needs a VM type with private memory");
		return ENGINE_UNSUPPORTED;
	}
	return host_end(r, "zap", t0, r->s->mem_bytes / SZ_4K);
}

static enum engine_status teardown(struct rep *r, const char *name)
{
	uint64_t t0;

	rep_instr_begin(r, NULL, 0);
	t0 = vm_now_ns();
	vm_destroy(r->vm);
	r->vm = r->stats_vm = NULL;
	t0 = vm_now_ns() - t0;
	rep_instr_stop(r);
	rep_instr_record(r, rep_add_phase(r, name, t0, 1, NULL));
	return ENGINE_OK;
}

static void release(struct rep *r)
{
	if (r->vm)
		vm_destroy(r->vm);
	r->vm = r->stats_vm = NULL;
}

static bool serves(const struct run_opts *o)
{
	return o->vm_type != KVM_X86_TDX_VM;
}

const struct backend_ops default_backend = {
	.name = "default",
	.serves = serves,
	.check = default_check,
	.create = make_vm,
	.guest_phase = guest_phase,
	.prefault = prefault_phase,
	.zap = zap_phase,
	.split = split_phase,
	.teardown = teardown,
	.release = release,
};
