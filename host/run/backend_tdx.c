// SPDX-License-Identifier: GPL-2.0
/*
 * The tdx backend: a TD session (host/tdx/td_session.c), real or, with
 * SEPTBENCH_TDX_SIM=1, simulated in a default VM.
 */
#include "run/backend.h"
#include "lib/interrupt.h"
#include "tdx/td_session.h"
#include "lib/util.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TD_MAX_VCPUS_ENGINE 256	/* TD_MAX_VCPUS (guest/td/td_abi.h) */

static enum engine_status td_fail(struct rep *r, int err, const char *step)
{
	if (err == -EINTR || interrupted())
		return ENGINE_INTERRUPTED;
	snprintf(r->why, r->why_size, "%s: %s", step, td_session_error(r->td));
	return err == -EOPNOTSUPP ? ENGINE_UNSUPPORTED : ENGINE_ERROR;
}

/* Every vCPU thread of a guest phase waits at the session's barrier: count them from here. */
static void td_on_release(void *ctx, const pid_t *tids, unsigned int nr)
{
	rep_instr_begin(ctx, tids, nr);
}

static enum engine_status td_make(struct rep *r)
{
	const struct scenario *s = r->s;
	struct td_session_config cfg = {
		.nr_vcpus = s->vcpus,
		.mem_size = s->mem_bytes,
		.simulated = r->o->tdx_simulated,
		.punchable = s->kind == KIND_ZAP && s->zap == ZAP_PUNCH,
		.convert_free = s->convert_free,
		.pattern = rep_guest_pattern(s->pattern),
		.write_pct = s->write_pct,
		.stride = s->stride,
		.seed = s->seed,
		.latency = rep_latency_on(r),
		.timeout_ms = r->o->timeout_ms,
		.should_stop = interrupted,
		.on_release = td_on_release,
		.hook_ctx = r,
	};
	uint64_t t0 = vm_now_ns();
	json_t *ph;
	size_t nvals;
	int err;

	err = td_session_create(&r->td, &cfg, r->why, r->why_size);
	if (err)
		return err == -EINTR || interrupted() ? ENGINE_INTERRUPTED :
		       err == -EOPNOTSUPP ? ENGINE_UNSUPPORTED : ENGINE_ERROR;
	r->stats_vm = td_session_stats_vm(r->td);
	nvals = r->stats_vm ? vm_stats_nr_vals(r->stats_vm) : 0;
	r->snap_before = calloc(nvals + 1, sizeof(uint64_t));
	r->snap_after = calloc(nvals + 1, sizeof(uint64_t));
	if (!r->snap_before || !r->snap_after)
		return rep_fail_errno(r, "stats buffers");
	/* Creation through boot: every vCPU is parked in its first command. */
	ph = rep_add_phase(r, "setup", vm_now_ns() - t0, 1, NULL);
	/* The rate guest tsc_cycles convert with: a TD's is in 25 MHz steps. */
	if (ph && td_session_tsc_khz(r->td))
		json_object_set_new(ph, "tsc_khz", json_integer(td_session_tsc_khz(r->td)));
	return ENGINE_OK;
}

/*
 * Record a TD phase: timings from the session, stats from r->stats_vm;
 * a @host_driven one's latency is its calls' (rep.c).
 */
static enum engine_status td_record(struct rep *r, const char *name, struct td_phase *ph,
				    bool host_driven)
{
	struct vm_phase_result res = {
		.wall_ns = ph->wall_ns, .pages = ph->ops,
		.nr_vcpus = ph->nr_vcpus, .vcpu = ph->vcpu, .tsc_khz = ph->tsc_khz,
	};
	json_t *j;
	int err;

	rep_instr_stop(r);
	err = r->stats_vm ? vm_stats_snapshot(r->stats_vm, r->snap_after) : 0;
	if (!err && r->stats_vm)
		err = vm_stats_fill(r->stats_vm, r->snap_before, r->snap_after, &res);
	if (err) {
		td_session_phase_free(ph);
		return rep_fail_kvm(r, err, "reading KVM stats");
	}
	j = rep_add_phase(r, name, ph->wall_ns, ph->ops, &res);
	if (ph->nr_vcpus)
		json_object_set_new(j, "accepted", json_integer(ph->accepted));
	if (ph->exits_shared || ph->exits_private || ph->map_calls)
		json_object_set_new(j, "map_gpa", json_pack("{s:I, s:I, s:I, s:I}",
			"calls", (json_int_t)ph->map_calls,
			"exits_to_shared", (json_int_t)ph->exits_shared,
			"exits_to_private", (json_int_t)ph->exits_private,
			"pages", (json_int_t)ph->exit_pages));
	if (ph->implicit_conversions)
		json_object_set_new(j, "implicit_conversions", json_pack("{s:I, s:I}",
			"exits", (json_int_t)ph->implicit_conversions,
			"pages", (json_int_t)ph->implicit_pages));
	rep_instr_record(r, j);
	if (host_driven)
		rep_host_lat_end(r, j, ph->wall_ns);
	res.vcpu = NULL;
	vm_phase_result_free(&res);
	td_session_phase_free(ph);
	return ENGINE_OK;
}

/*
 * Stats first.  A guest phase's instrumentation begins in td_on_release,
 * when its vCPU threads exist; a host-driven one's here, on the driver.
 */
static enum engine_status td_begin(struct rep *r, bool guest)
{
	int err = r->stats_vm ? vm_stats_snapshot(r->stats_vm, r->snap_before) : 0;

	if (err)
		return rep_fail_kvm(r, err, "reading KVM stats");
	if (!guest)
		rep_instr_begin(r, NULL, 0);
	return ENGINE_OK;
}

enum td_op {
	TD_RUN,			/* the guest's accept-and-touch walk */
	TD_PREFAULT,		/* KVM_PRE_FAULT_MEMORY after FINALIZE */
	TD_TO_SHARED,		/* MapGPA of the range to shared */
	TD_TO_PRIVATE,
	TD_PUNCH,		/* PUNCH_HOLE on the guest_memfd */
};

/* One TD phase: KVM stats and counters around @op, recorded as @name. */
static enum engine_status td_phase_do(struct rep *r, const char *name, enum td_op op)
{
	bool host_driven = op == TD_PREFAULT || op == TD_PUNCH;
	struct td_phase ph = { 0 };
	enum engine_status st;
	int err = -EINVAL;

	st = td_begin(r, !host_driven);
	if (st)
		return st;
	rep_host_lat_begin(r);
	r->host_lat_per_call = op == TD_PREFAULT && rep_latency_on(r);
	switch (op) {
	case TD_RUN:
		err = td_session_run(r->td, true, &ph);
		break;
	case TD_PREFAULT:
		err = td_session_prefault(r->td, &ph, r->host_lat_per_call ? &r->host_lat : NULL);
		break;
	case TD_TO_SHARED:
	case TD_TO_PRIVATE:
		err = td_session_convert(r->td, op == TD_TO_SHARED, &ph);
		break;
	case TD_PUNCH:
		err = td_session_punch(r->td, &ph);
		break;
	}
	if (err) {
		rep_instr_abort(r);
		td_session_phase_free(&ph);
		return td_fail(r, err, name);
	}
	return td_record(r, name, &ph, host_driven);
}

/* The guest accepts each page (4K) before its first touch: the accept is the fault. */
static enum engine_status td_guest_phase(struct rep *r, const char *name, enum pattern pattern,
					 unsigned int write_pct)
{
	return td_phase_do(r, name, TD_RUN);
}

/* KVM_PRE_FAULT_MEMORY (AUG after FINALIZE), then the guest's accepts on their own. */
static enum engine_status td_prefault(struct rep *r, bool bare)
{
	enum engine_status st = td_phase_do(r, "prefault", TD_PREFAULT);

	return st ? st : td_phase_do(r, "accept", TD_RUN);
}

/*
 * convert: MapGPA to shared is the zap (KVM removes every private page:
 * BLOCK, TRACK, REMOVE), back to private the second phase.  Churn on a
 * TD is always conversions: private memory has no userspace mapping.
 */
static enum engine_status td_zap(struct rep *r, enum zap_cause cause)
{
	enum engine_status st;

	if (cause == ZAP_PUNCH)
		return td_phase_do(r, "zap", TD_PUNCH);
	st = td_phase_do(r, "zap", TD_TO_SHARED);
	return st ? st : td_phase_do(r, "to-private", TD_TO_PRIVATE);
}

/*
 * Timed destruction; its ops are the pages it reclaims (0 when none is
 * mapped).  A TD's private memory goes with it (reclaim), so there is no
 * separate unmap and no control.
 */
static enum engine_status td_teardown(struct rep *r, const char *name, bool control)
{
	uint64_t t0, pages = td_session_mapped_pages(r->td);
	json_t *j;

	rep_instr_begin(r, NULL, 0);
	t0 = vm_now_ns();
	td_session_destroy(r->td);
	r->td = NULL;
	r->stats_vm = NULL;
	t0 = vm_now_ns() - t0;
	rep_instr_stop(r);
	j = rep_add_phase(r, name, t0, pages, NULL);
	rep_instr_record(r, j);
	rep_host_lat_begin(r);
	rep_host_lat_end(r, j, t0);
	return ENGINE_OK;
}

static void td_release(struct rep *r)
{
	td_session_destroy(r->td);
	r->td = NULL;
	r->stats_vm = NULL;
}


/*
 * What the tdx backend runs.  Its memory is always private guest_memfd
 * mapped at 4K, whatever the scenario's backing says.
 */
static enum engine_status tdx_check(const struct scenario *s, const struct run_opts *o,
				    const json_t *env, char *why, size_t why_size)
{
#define UNSUPPORTED(...) do { snprintf(why, why_size, __VA_ARGS__); return ENGINE_UNSUPPORTED; } while (0)
	/* The hugepage series cannot be detected reliably: assume mainline. */
	if (s->kind == KIND_SPLIT || s->pattern == PATTERN_HUGE ||
	    backing_page_size(s->backing) > 4096)
		UNSUPPORTED("mainline maps private memory at 4K only (the TDX hugepage series is needed)");
	if (private_mem_lacks(s, "tdx", why, why_size))
		return ENGINE_UNSUPPORTED;
	if (s->mem_bytes % 4096 || !s->vcpus || s->vcpus > TD_MAX_VCPUS_ENGINE)
		UNSUPPORTED("a TD needs 4K-aligned memory and 1..%d vCPUs", TD_MAX_VCPUS_ENGINE);
#undef UNSUPPORTED
	return ENGINE_OK;
}

static bool serves(const struct run_opts *o)
{
	return o->vm_type == KVM_X86_TDX_VM;
}

const struct backend_ops tdx_backend = {
	.name = "tdx",
	.serves = serves,
	.check = tdx_check,
	.create = td_make,
	.guest_phase = td_guest_phase,
	.prefault = td_prefault,
	.zap = td_zap,
	.teardown = td_teardown,
	.release = td_release,
};
