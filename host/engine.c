// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario engine.  Every repetition builds a fresh VM, so each one
 * measures first-touch work; only the scenario's timed phase is "the"
 * figure, the others are recorded alongside.
 */
#include "attribute.h"
#include "engine.h"
#include "env.h"
#include "interrupt.h"
#include "kvm/dirty_log.h"
#include "kvm/vm.h"
#include "knob.h"
#include "tdx/td_session.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SZ_2M (2ull << 20)
#define TD_MAX_VCPUS_ENGINE 256	/* TD_MAX_VCPUS (guest/td/td_abi.h) */
#define EAGER_SPLIT_PARAM "/sys/module/kvm/parameters/eager_page_split"

struct rep;

/*
 * A VM backend: what the scenario kinds need from a VM.  run_kind() is one
 * flow for all of them; a backend that cannot do something says so in
 * engine_check(), before any VM exists.
 */
struct backend_ops {
	enum engine_status (*create)(struct rep *r);
	/* The guest walks its memory: the first touch faults (a TD accepts first). */
	enum engine_status (*guest_phase)(struct rep *r, const char *name, enum pattern pattern,
					  unsigned int write_pct);
	enum engine_status (*prefault)(struct rep *r, bool bare);
	enum engine_status (*zap)(struct rep *r, enum zap_cause cause, uint64_t pages);
	/* Timed destruction, recorded as phase @name. */
	enum engine_status (*teardown)(struct rep *r, const char *name, uint64_t ops);
	/* Untimed release of whatever is left (errors, Ctrl-C). */
	void (*release)(struct rep *r);
};

/* One repetition in the making. */
struct rep {
	const struct scenario *s;
	const struct run_opts *o;
	const struct backend_ops *be;
	struct vm *vm;			/* default backend */
	struct td_session *td;		/* tdx backend */
	struct vm *svm;			/* where KVM stats are read; NULL: none */
	json_t *phases;
	uint64_t *snap_before, *snap_after;
	char *why;
	size_t why_size;
	/* Instrumentation of the phase under way. */
	struct counters *ctr;
	struct attribution *attr;	/* the attribution repetition only */
	char (*labels)[16];		/* "driver", "vcpu0" ... */
	pid_t *tids;
};

static enum engine_status fail_kvm(struct rep *r, int err, const char *step)
{
	if (err == -EINTR || interrupted())
		return ENGINE_INTERRUPTED;
	snprintf(r->why, r->why_size, "%s: %s", step, kvm_error());
	return err == -EOPNOTSUPP ? ENGINE_UNSUPPORTED : ENGINE_ERROR;
}

static enum engine_status fail_errno(struct rep *r, const char *step)
{
	snprintf(r->why, r->why_size, "%s: %s", step, strerror(errno));
	return ENGINE_ERROR;
}

static json_t *stats_json(const struct vm_phase_result *res)
{
	json_t *vm = json_object(), *vcpu = json_object();
	unsigned int i;

	for (i = 0; i < res->nr_stats; i++)
		json_object_set_new(res->stats[i].vcpu ? vcpu : vm, res->stats[i].name,
				    json_integer(res->stats[i].delta));
	return json_pack("{s:o, s:o}", "vm", vm, "vcpu", vcpu);
}

/*
 * Instrumentation around a phase: hook histograms are snapshot first and
 * counters enabled last, so neither's set-up is counted or timed.  @vm
 * given: its vCPU threads are counted too (they wait at the barrier).
 */
static void instr_begin(struct rep *r, const struct vm *vm)
{
	const char *labels[1 + 1024];
	unsigned int n = 0, i;

	if (r->attr)
		attribution_phase_begin(r->attr);
	if (!r->o->events || !r->labels)
		return;
	r->tids[n] = syscall(SYS_gettid);
	labels[n++] = r->labels[0];
	for (i = 0; vm && i < vm->nr_vcpus && n < ARRAY_SIZE(labels); i++) {
		r->tids[n] = vm->vcpus[i].tid;
		labels[n++] = r->labels[1 + i];
	}
	r->ctr = counters_open(r->o->events, r->tids, labels, n);
	counters_enable(r->ctr);
}

static void instr_stop(struct rep *r)
{
	counters_disable(r->ctr);
}

static void instr_record(struct rep *r, json_t *ph)
{
	counters_finish(r->ctr, ph);
	r->ctr = NULL;
	if (r->attr)
		attribution_phase_end(r->attr, ph);
}

static void instr_abort(struct rep *r)
{
	counters_close(r->ctr);
	r->ctr = NULL;
}

static void on_release(struct vm *vm)
{
	instr_begin(vm->hook_ctx, vm);
}

static void on_finish(struct vm *vm)
{
	instr_stop(vm->hook_ctx);
}

/* Append a phase record; @res may be NULL for phases without stats. */
static json_t *add_phase(struct rep *r, const char *name, uint64_t ns, uint64_t ops,
			 const struct vm_phase_result *res)
{
	json_t *ph = json_pack("{s:s, s:I, s:I}", "name", name, "ns", (json_int_t)ns,
			       "ops", (json_int_t)ops);
	unsigned int i;

	if (res && res->vcpu) {
		json_t *vcpus = json_array();

		for (i = 0; i < res->nr_vcpus; i++)
			json_array_append_new(vcpus, json_pack("{s:I, s:I, s:I}",
				"ns", (json_int_t)res->vcpu[i].ns,
				"tsc_cycles", (json_int_t)res->vcpu[i].tsc_cycles,
				"ops", (json_int_t)res->vcpu[i].pages));
		json_object_set_new(ph, "vcpus", vcpus);
	}
	if (res && res->stats)
		json_object_set_new(ph, "stats", stats_json(res));
	json_array_append_new(r->phases, ph);
	return ph;
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
		return fail_kvm(r, err, "creating the VM");
	r->vm->should_stop = interrupted;
	r->vm->on_release = on_release;
	r->vm->on_finish = on_finish;
	r->vm->hook_ctx = r;
	r->labels = calloc(1 + s->vcpus, sizeof(*r->labels));
	r->tids = calloc(1 + s->vcpus, sizeof(*r->tids));
	if (!r->labels || !r->tids)
		return fail_errno(r, "counter buffers");
	snprintf(r->labels[0], sizeof(r->labels[0]), "driver");
	for (unsigned int i = 0; i < s->vcpus; i++)
		snprintf(r->labels[1 + i], sizeof(r->labels[0]), "vcpu%u", i);
	if (r->o->place.node >= 0 &&
	    (err = placement_bind_memory(&r->o->place, r->vm->mem.map, r->vm->mem.map_size))) {
		snprintf(r->why, r->why_size, "binding guest memory to node %d: %s",
			 r->o->place.node, strerror(-err));
		return ENGINE_ERROR;
	}
	r->svm = r->vm;
	r->snap_before = calloc(vm_stats_nr_vals(r->vm), sizeof(uint64_t));
	r->snap_after = calloc(vm_stats_nr_vals(r->vm), sizeof(uint64_t));
	if (!r->snap_before || !r->snap_after)
		return fail_errno(r, "stats buffers");
	add_phase(r, "setup", vm_now_ns() - t0, 1, NULL);
	return ENGINE_OK;
}

static enum guest_pattern guest_pattern_of(enum pattern p)
{
	switch (p) {
	case PATTERN_RAND:
		return GUEST_PAT_RAND;
	case PATTERN_STRIDE:
		return GUEST_PAT_STRIDE;
	case PATTERN_HUGE:
		return GUEST_PAT_HUGE;
	default:
		return GUEST_PAT_SEQ;
	}
}

/* A guest-driven phase: every vCPU walks its range with @pattern. */
static enum engine_status guest_phase(struct rep *r, const char *name, enum pattern pattern,
				      unsigned int write_pct)
{
	struct vm_phase ph = {
		.pattern = guest_pattern_of(pattern),
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
		instr_abort(r);
		return fail_kvm(r, err, name);
	}
	instr_record(r, add_phase(r, name, res.wall_ns, res.pages, &res));
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
	int err = r->svm ? vm_stats_snapshot(r->svm, r->snap_before) : 0;

	if (err)
		return fail_kvm(r, err, "reading KVM stats");
	instr_begin(r, NULL);
	*t0 = vm_now_ns();
	return ENGINE_OK;
}

static enum engine_status host_end(struct rep *r, const char *name, uint64_t t0, uint64_t ops)
{
	uint64_t ns = vm_now_ns() - t0;
	struct vm_phase_result res = { 0 };
	int err;

	instr_stop(r);
	err = r->svm ? vm_stats_snapshot(r->svm, r->snap_after) : 0;
	if (!err && r->svm)
		err = vm_stats_fill(r->svm, r->snap_before, r->snap_after, &res);
	if (err)
		return fail_kvm(r, err, "reading KVM stats");
	instr_record(r, add_phase(r, name, ns, ops, &res));
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
			return fail_errno(r, "KVM_PRE_FAULT_MEMORY");
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
			return interrupted() ? ENGINE_INTERRUPTED : fail_errno(r, "KVM_PRE_FAULT_MEMORY");
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

	err = knob_set(EAGER_SPLIT_PARAM, mode == SPLIT_LAZY ? "N" : "Y");
	if (err) {
		snprintf(r->why, r->why_size, "setting %s: %s", EAGER_SPLIT_PARAM, strerror(-err));
		return ENGINE_UNSUPPORTED;
	}
	if (mode != SPLIT_EAGER && (err = vm_dirty_log_manual(r->vm)))
		return fail_kvm(r, err, "manual dirty-log protection");
	st = host_begin(r, &t0);
	if (st)
		return st;
	err = vm_set_mem_flags(r->vm, KVM_MEM_LOG_DIRTY_PAGES);
	if (err)
		return fail_kvm(r, err, "enabling dirty logging");
	st = host_end(r, mode == SPLIT_EAGER ? "split" : "log-enable", t0, ranges);
	if (st || mode == SPLIT_EAGER)
		return st;

	st = host_begin(r, &t0);
	if (st)
		return st;
	err = vm_dirty_log_clear_all(r->vm);
	if (err)
		return fail_kvm(r, err, "clearing the dirty log");
	st = host_end(r, mode == SPLIT_CLEAR ? "split" : "clear", t0, ranges);
	if (st || mode == SPLIT_CLEAR)
		return st;
	return guest_phase(r, "split", PATTERN_SEQ, 100);
}

static enum engine_status zap_phase(struct rep *r, enum zap_cause cause, uint64_t pages)
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
			return fail_errno(r, "madvise(MADV_DONTNEED)");
		break;
	case ZAP_PUNCH:
		if (m->fd < 0) {
			snprintf(r->why, r->why_size, "punch needs a file backing (memfd or gmem), not %s",
				 backing_name(m->backing));
			return ENGINE_UNSUPPORTED;
		}
		if (fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, m->size))
			return fail_errno(r, "fallocate(PUNCH_HOLE)");
		break;
	case ZAP_MEMSLOT:
		err = vm_delete_mem_slot(r->vm);
		if (err)
			return fail_kvm(r, err, "deleting the memslot");
		break;
	case ZAP_CONVERT:
		snprintf(r->why, r->why_size, "private-to-shared conversion needs a VM type with private memory");
		return ENGINE_UNSUPPORTED;
	}
	return host_end(r, "zap", t0, pages);
}

static enum engine_status teardown(struct rep *r, const char *name, uint64_t ops)
{
	uint64_t t0;

	instr_begin(r, NULL);
	t0 = vm_now_ns();
	vm_destroy(r->vm);
	r->vm = r->svm = NULL;
	t0 = vm_now_ns() - t0;
	instr_stop(r);
	instr_record(r, add_phase(r, name, t0, ops, NULL));
	return ENGINE_OK;
}

static void release(struct rep *r)
{
	if (r->vm)
		vm_destroy(r->vm);
	r->vm = r->svm = NULL;
}

static const struct backend_ops default_backend = {
	.create = make_vm,
	.guest_phase = guest_phase,
	.prefault = prefault_phase,
	.zap = zap_phase,
	.teardown = teardown,
	.release = release,
};

/* ---- the tdx backend: a TD session (host/tdx/td_session.c) ---- */

static enum engine_status td_fail(struct rep *r, int err, const char *step)
{
	if (err == -EINTR || interrupted())
		return ENGINE_INTERRUPTED;
	snprintf(r->why, r->why_size, "%s: %s", step, td_session_error(r->td));
	return err == -EOPNOTSUPP ? ENGINE_UNSUPPORTED : ENGINE_ERROR;
}

static enum engine_status td_make(struct rep *r)
{
	const struct scenario *s = r->s;
	struct td_session_config cfg = {
		.nr_vcpus = s->vcpus,
		.mem_size = s->mem_bytes,
		.simulated = r->o->tdx_simulated,
		.punchable = s->kind == KIND_ZAP && s->zap == ZAP_PUNCH,
		.pattern = guest_pattern_of(s->pattern),
		.write_pct = s->write_pct,
		.stride = s->stride,
		.seed = s->seed,
		.timeout_ms = r->o->timeout_ms,
		.should_stop = interrupted,
	};
	uint64_t t0 = vm_now_ns();
	size_t nvals;
	int err;

	err = td_session_create(&r->td, &cfg, r->why, r->why_size);
	if (err)
		return err == -EINTR || interrupted() ? ENGINE_INTERRUPTED :
		       err == -EOPNOTSUPP ? ENGINE_UNSUPPORTED : ENGINE_ERROR;
	r->svm = td_session_stats_vm(r->td);
	nvals = r->svm ? vm_stats_nr_vals(r->svm) : 0;
	r->snap_before = calloc(nvals + 1, sizeof(uint64_t));
	r->snap_after = calloc(nvals + 1, sizeof(uint64_t));
	if (!r->snap_before || !r->snap_after)
		return fail_errno(r, "stats buffers");
	/* Creation through boot: every vCPU is parked in its first command. */
	add_phase(r, "setup", vm_now_ns() - t0, 1, NULL);
	return ENGINE_OK;
}

/* Record a TD phase: timings from the session, stats from r->svm. */
static enum engine_status td_record(struct rep *r, const char *name, struct td_phase *ph)
{
	struct vm_phase_result res = {
		.wall_ns = ph->wall_ns, .pages = ph->ops,
		.nr_vcpus = ph->nr_vcpus, .vcpu = ph->vcpu,
	};
	json_t *j;
	int err;

	instr_stop(r);
	err = r->svm ? vm_stats_snapshot(r->svm, r->snap_after) : 0;
	if (!err && r->svm)
		err = vm_stats_fill(r->svm, r->snap_before, r->snap_after, &res);
	if (err) {
		td_session_phase_free(ph);
		return fail_kvm(r, err, "reading KVM stats");
	}
	j = add_phase(r, name, ph->wall_ns, ph->ops, &res);
	if (ph->nr_vcpus)
		json_object_set_new(j, "accepted", json_integer(ph->accepted));
	if (ph->exits_shared || ph->exits_private || ph->map_calls)
		json_object_set_new(j, "map_gpa", json_pack("{s:I, s:I, s:I, s:I}",
			"calls", (json_int_t)ph->map_calls,
			"exits_to_shared", (json_int_t)ph->exits_shared,
			"exits_to_private", (json_int_t)ph->exits_private,
			"pages", (json_int_t)ph->exit_pages));
	instr_record(r, j);
	res.vcpu = NULL;
	vm_phase_result_free(&res);
	td_session_phase_free(ph);
	return ENGINE_OK;
}

static enum engine_status td_begin(struct rep *r)
{
	int err = r->svm ? vm_stats_snapshot(r->svm, r->snap_before) : 0;

	if (err)
		return fail_kvm(r, err, "reading KVM stats");
	/* vCPU threads start per phase, after this: only the driver is counted. */
	instr_begin(r, NULL);
	return ENGINE_OK;
}

/* The guest accepts each page (4K) before its first touch: the accept is the fault. */
static enum engine_status td_guest_phase(struct rep *r, const char *name, enum pattern pattern,
					 unsigned int write_pct)
{
	struct td_phase ph;
	enum engine_status st;
	int err;

	st = td_begin(r);
	if (st)
		return st;
	err = td_session_run(r->td, true, &ph);
	if (err) {
		instr_abort(r);
		td_session_phase_free(&ph);
		return td_fail(r, err, name);
	}
	return td_record(r, name, &ph);
}

/* KVM_PRE_FAULT_MEMORY (AUG after FINALIZE), then the guest's accepts on their own. */
static enum engine_status td_prefault(struct rep *r, bool bare)
{
	struct td_phase ph;
	enum engine_status st;
	int err;

	st = td_begin(r);
	if (st)
		return st;
	err = td_session_prefault(r->td, &ph);
	if (err) {
		instr_abort(r);
		return td_fail(r, err, "prefault");
	}
	st = td_record(r, "prefault", &ph);
	return st ? st : td_guest_phase(r, "accept", r->s->pattern, r->s->write_pct);
}

static enum engine_status td_convert(struct rep *r, const char *name, bool to_shared)
{
	struct td_phase ph;
	enum engine_status st;
	int err;

	st = td_begin(r);
	if (st)
		return st;
	err = td_session_convert(r->td, to_shared, &ph);
	if (err) {
		instr_abort(r);
		return td_fail(r, err, name);
	}
	return td_record(r, name, &ph);
}

/*
 * convert: MapGPA to shared is the zap (KVM removes every private page:
 * BLOCK, TRACK, REMOVE), back to private the second phase.  Churn on a
 * TD is always conversions: private memory has no userspace mapping.
 */
static enum engine_status td_zap(struct rep *r, enum zap_cause cause, uint64_t pages)
{
	struct td_phase ph;
	enum engine_status st;
	int err;

	if (cause == ZAP_PUNCH) {
		st = td_begin(r);
		if (st)
			return st;
		err = td_session_punch(r->td, &ph);
		if (err) {
			instr_abort(r);
			return td_fail(r, err, "zap");
		}
		return td_record(r, "zap", &ph);
	}
	st = td_convert(r, "zap", true);
	return st ? st : td_convert(r, "to-private", false);
}

static enum engine_status td_teardown(struct rep *r, const char *name, uint64_t ops)
{
	uint64_t t0;

	instr_begin(r, NULL);
	t0 = vm_now_ns();
	td_session_destroy(r->td);
	r->td = NULL;
	r->svm = NULL;
	t0 = vm_now_ns() - t0;
	instr_stop(r);
	instr_record(r, add_phase(r, name, t0, ops, NULL));
	return ENGINE_OK;
}

static void td_release(struct rep *r)
{
	td_session_destroy(r->td);
	r->td = NULL;
	r->svm = NULL;
}

static const struct backend_ops tdx_backend = {
	.create = td_make,
	.guest_phase = td_guest_phase,
	.prefault = td_prefault,
	.zap = td_zap,
	.teardown = td_teardown,
	.release = td_release,
};

static uint64_t touched_units(const struct scenario *s)
{
	uint64_t page = backing_page_size(s->backing);

	if (s->pattern == PATTERN_HUGE)
		return s->mem_bytes / SZ_2M;
	return s->mem_bytes / (page > 4096 ? page : 4096);
}

static enum engine_status run_kind(struct rep *r)
{
	const struct scenario *s = r->s;
	uint64_t pages = s->mem_bytes / 4096;
	enum engine_status st;
	unsigned int c;

	st = r->be->create(r);
	if (st)
		return st;
	switch (s->kind) {
	case KIND_FAULT:
		st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
		break;
	case KIND_PREFAULT:
	case KIND_PREFAULT_BARE:
		st = r->be->prefault(r, s->kind == KIND_PREFAULT_BARE);
		break;
	case KIND_SPLIT:
		st = guest_phase(r, "map", PATTERN_HUGE, 100);
		if (!st)
			st = split_phase(r);
		knob_restore_all();
		break;
	case KIND_ZAP:
		st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
		if (!st)
			st = r->be->zap(r, s->zap, touched_units(s));
		break;
	case KIND_TEARDOWN:
		st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
		if (!st)
			return r->be->teardown(r, "teardown", pages);
		break;
	case KIND_CHURN:
		for (c = 0; !st && c < s->cycles; c++) {
			st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
			if (!st)
				st = r->be->zap(r, s->zap, touched_units(s));
		}
		break;
	default:
		snprintf(r->why, r->why_size, "kind %s is not implemented", kind_name(s->kind));
		st = ENGINE_UNSUPPORTED;
	}
	if (st)
		return st;
	return r->be->teardown(r, "destroy", 1);
}

/*
 * For churn the timed figure is the sum over its fault and zap phases (on
 * a TD, also the conversions back to private: both directions churn).
 */
static void add_churn_total(struct rep *r)
{
	uint64_t ns = 0, ops = 0;
	json_t *ph;
	size_t i;

	json_array_foreach(r->phases, i, ph) {
		const char *name = json_string_value(json_object_get(ph, "name"));

		if (strcmp(name, "fault") && strcmp(name, "zap") && strcmp(name, "to-private"))
			continue;
		ns += json_integer_value(json_object_get(ph, "ns"));
		if (!strcmp(name, "fault"))
			ops += json_integer_value(json_object_get(ph, "ops"));
	}
	add_phase(r, "churn", ns, ops, NULL);
}

static const char *timed_phase_name(const struct scenario *s)
{
	switch (s->kind) {
	case KIND_FAULT: return "fault";
	case KIND_PREFAULT: case KIND_PREFAULT_BARE: return "prefault";
	case KIND_SPLIT: return "split";
	case KIND_ZAP: return "zap";
	case KIND_TEARDOWN: return "teardown";
	case KIND_CHURN: return "churn";
	default: return "?";
	}
}

static const char *unit_name(const struct scenario *s)
{
	if (s->kind == KIND_SPLIT && s->split != SPLIT_LAZY)
		return "range";
	if (s->pattern == PATTERN_HUGE && s->kind != KIND_SPLIT)
		return "range";
	if (backing_page_size(s->backing) > 4096 && (s->kind == KIND_PREFAULT ||
						     s->kind == KIND_PREFAULT_BARE))
		return "range";
	return "page";
}

/* Run one repetition; the phases land in r->phases. */
static enum engine_status run_rep(struct rep *r)
{
	enum engine_status st;

	r->be = r->o->vm_type == KVM_X86_TDX_VM ? &tdx_backend : &default_backend;
	st = run_kind(r);
	instr_abort(r);
	r->be->release(r);
	free(r->snap_before);
	free(r->snap_after);
	free(r->labels);
	free(r->tids);
	if (st == ENGINE_OK && r->s->kind == KIND_CHURN)
		add_churn_total(r);
	return st;
}

static double timed_ns_per_op(const json_t *phases, const char *timed)
{
	const json_t *ph;
	size_t i;

	json_array_foreach(phases, i, ph) {
		json_int_t ops = json_integer_value(json_object_get(ph, "ops"));

		if (!strcmp(json_string_value(json_object_get(ph, "name")) ?: "", timed) && ops > 0)
			return (double)json_integer_value(json_object_get(ph, "ns")) / ops;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median ns/op of the timed phase over the throughput repetitions. */
static double median_ns_per_op(const json_t *reps, const char *timed)
{
	size_t n = 0, i;
	const json_t *rep;
	double *v, med = 0;

	v = calloc(json_array_size(reps) + 1, sizeof(*v));
	if (!v)
		return 0;
	json_array_foreach(reps, i, rep) {
		double x = timed_ns_per_op(json_object_get(rep, "phases"), timed);

		if (x > 0)
			v[n++] = x;
	}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	return med;
}

/*
 * The attribution pass: one more repetition with the probes in place.
 * A host whose tracing cannot do it records why and runs on; a failure
 * or Ctrl-C in the repetition is the scenario's, as in any other one.
 */
static enum engine_status attribution_pass(const struct scenario *s, const struct run_opts *o,
					   json_t *out, char *why, size_t why_size)
{
	struct rep r = { .s = s, .o = o, .why = why, .why_size = why_size };
	const char *timed = timed_phase_name(s);
	enum engine_status st;
	char msg[512];
	double base, got;
	json_t *aj;
	int err;

	if (o->progress)
		fprintf(stderr, "\r  %s: attribution pass ", s->name);
	err = attribution_setup(&r.attr, o->tracefs, o->hooks_conf, o->hook_variant, msg,
				sizeof(msg));
	if (err) {
		json_object_set_new(out, "attribution", json_pack("{s:s, s:s}", "status",
			err == -EOPNOTSUPP ? "unsupported" : "error", "reason", msg));
		if (o->progress)
			fprintf(stderr, "\r%*s\r", 40, "");
		fprintf(stderr, "septbench: %s: no attribution: %s\n", s->name, msg);
		return ENGINE_OK;
	}
	r.phases = json_array();
	st = run_rep(&r);
	aj = attribution_describe(r.attr);
	attribution_teardown(r.attr);
	json_object_set_new(aj, "status", json_string(st == ENGINE_OK ? "complete" :
				st == ENGINE_INTERRUPTED ? "incomplete" : "error"));
	if (st != ENGINE_OK && why[0])
		json_object_set_new(aj, "reason", json_string(why));
	json_object_set_new(aj, "phases", r.phases);
	base = median_ns_per_op(json_object_get(out, "reps"), timed);
	got = timed_ns_per_op(r.phases, timed);
	if (st == ENGINE_OK && base > 0 && got > 0)
		json_object_set_new(aj, "overhead", json_pack("{s:s, s:f, s:f, s:f}", "phase", timed,
				    "ns_per_op", got, "baseline_ns_per_op", base, "ratio", got / base));
	json_object_set_new(out, "attribution", aj);
	return st;
}

/*
 * The tracepoint counts: one more repetition, so that their cost (a
 * microsecond or so per hit under TCG) stays out of the throughput
 * figures.  Counts do not depend on speed.
 */
static enum engine_status tracepoint_pass(const struct scenario *s, const struct run_opts *o,
					  json_t *out, char *why, size_t why_size)
{
	struct run_opts tp_opts = *o;
	struct rep r = { .s = s, .o = &tp_opts, .why = why, .why_size = why_size };
	enum engine_status st;
	json_t *tj;

	if (o->progress)
		fprintf(stderr, "\r  %s: tracepoint pass ", s->name);
	tp_opts.events = o->tp_events;
	r.phases = json_array();
	st = run_rep(&r);
	tj = json_pack("{s:s, s:o}", "status", st == ENGINE_OK ? "complete" :
		       st == ENGINE_INTERRUPTED ? "incomplete" : "error", "phases", r.phases);
	if (st != ENGINE_OK && why[0])
		json_object_set_new(tj, "reason", json_string(why));
	json_object_set_new(out, "tracepoint_pass", tj);
	return st;
}

enum engine_status engine_run(const struct scenario *s, const struct run_opts *o,
			      json_t *out, char *why, size_t why_size)
{
	json_t *reps = json_object_get(out, "reps");
	enum engine_status st = ENGINE_OK;
	unsigned int i;

	json_object_set_new(out, "timed_phase", json_string(timed_phase_name(s)));
	json_object_set_new(out, "unit", json_string(unit_name(s)));
	for (i = 0; i < s->reps && st == ENGINE_OK; i++) {
		struct rep r = {
			.s = s, .o = o, .phases = json_array(), .why = why, .why_size = why_size,
		};

		if (interrupted()) {
			json_decref(r.phases);
			return ENGINE_INTERRUPTED;
		}
		if (o->progress)
			fprintf(stderr, "\r  %s: rep %u/%u ", s->name, i + 1, s->reps);
		st = run_rep(&r);
		if (st == ENGINE_OK)
			json_array_append_new(reps, json_pack("{s:i, s:o}", "rep", i, "phases", r.phases));
		else
			json_decref(r.phases);
	}
	knob_restore_all();
	if (st == ENGINE_OK && o->tp_events && o->tp_events->nr && !interrupted()) {
		st = tracepoint_pass(s, o, out, why, why_size);
		knob_restore_all();
	}
	if (st == ENGINE_OK && (o->attribute || s->attribute) && !interrupted()) {
		st = attribution_pass(s, o, out, why, why_size);
		knob_restore_all();
	}
	if (st == ENGINE_OK && interrupted())
		st = ENGINE_INTERRUPTED;
	if (o->progress)
		fprintf(stderr, "\r%*s\r", 40, "");
	return st;
}

static bool pool_has(const json_t *env, const char *size, uint64_t pages, uint64_t *free_pages)
{
	const json_t *pool = json_object_get(json_object_get(json_object_get(env, "memory"),
							     "hugetlb"), size);

	*free_pages = json_integer_value(json_object_get(pool, "free"));
	return *free_pages >= pages;
}

/*
 * What the tdx backend runs.  Its memory is always private guest_memfd
 * mapped at 4K, whatever the scenario's backing says.
 */
static enum engine_status tdx_check(const struct scenario *s, char *why, size_t why_size)
{
#define UNSUPPORTED(...) do { snprintf(why, why_size, __VA_ARGS__); return ENGINE_UNSUPPORTED; } while (0)
	/* The hugepage series cannot be detected reliably: assume mainline. */
	if (s->kind == KIND_SPLIT || s->pattern == PATTERN_HUGE ||
	    backing_page_size(s->backing) > 4096)
		UNSUPPORTED("mainline maps private memory at 4K only (the TDX hugepage series is needed)");
	if (s->kind == KIND_PREFAULT_BARE)
		UNSUPPORTED("prefault-bare is the default backend's harness reference");
	if (s->kind == KIND_ZAP && (s->zap == ZAP_DONTNEED || s->zap == ZAP_MEMSLOT))
		UNSUPPORTED("zap by %s is not built for the tdx backend (private memory has no userspace mapping)",
			    s->zap == ZAP_DONTNEED ? "MADV_DONTNEED" : "memslot deletion");
	if (s->mem_bytes % 4096 || !s->vcpus || s->vcpus > TD_MAX_VCPUS_ENGINE)
		UNSUPPORTED("a TD needs 4K-aligned memory and 1..%d vCPUs", TD_MAX_VCPUS_ENGINE);
#undef UNSUPPORTED
	return ENGINE_OK;
}

enum engine_status engine_check(const struct scenario *s, const struct run_opts *o,
				const json_t *env, char *why, size_t why_size)
{
	const json_t *caps = json_object_get(json_object_get(json_object_get(
		json_object_get(env, "kvm"), "vm_types"), o->vm_type_name), "caps");
	const json_t *thp = json_object_get(json_object_get(env, "memory"), "thp");
	uint64_t need, have;

#define UNSUPPORTED(...) do { snprintf(why, why_size, __VA_ARGS__); return ENGINE_UNSUPPORTED; } while (0)
	if (o->vm_type == KVM_X86_TDX_VM)
		return tdx_check(s, why, why_size);
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
