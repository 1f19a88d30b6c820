// SPDX-License-Identifier: GPL-2.0
/*
 * What the default backend's phases share: KVM stats snapshots and
 * counters around a host call (pre-fault, split, zap), and how a guest
 * phase is set up and counted.
 */
#include "run/backend_default.h"

#include <string.h>

enum engine_status dflt_host_begin(struct rep *r, uint64_t *t0)
{
	int err = r->stats_vm ? vm_stats_snapshot(r->stats_vm, r->snap_before) : 0;

	if (err)
		return rep_fail_kvm(r, err, "reading KVM stats");
	rep_instr_begin(r, NULL, 0);
	rep_host_lat_begin(r);
	*t0 = vm_now_ns();
	return ENGINE_OK;
}

enum engine_status dflt_host_stop(struct rep *r, uint64_t t0, uint64_t *ns,
				  struct vm_phase_result *res)
{
	int err;

	*ns = vm_now_ns() - t0;
	rep_instr_stop(r);
	memset(res, 0, sizeof(*res));
	err = r->stats_vm ? vm_stats_snapshot(r->stats_vm, r->snap_after) : 0;
	if (!err && r->stats_vm)
		err = vm_stats_fill(r->stats_vm, r->snap_before, r->snap_after, res);
	if (err) {
		rep_instr_abort(r);
		return rep_fail_kvm(r, err, "reading KVM stats");
	}
	return ENGINE_OK;
}

json_t *dflt_host_record(struct rep *r, const char *name, uint64_t ns, uint64_t ops,
			 struct vm_phase_result *res)
{
	json_t *j = rep_add_phase(r, name, ns, ops, res);

	rep_instr_record(r, j);
	rep_host_lat_end(r, j, ns);
	vm_phase_result_free(res);
	return j;
}

struct vm_phase dflt_guest_phase(const struct rep *r, enum pattern pattern, unsigned int write_pct)
{
	return (struct vm_phase){
		.pattern = rep_guest_pattern(pattern),
		.stride = r->s->stride,
		.write_pct = write_pct,
		.shared = r->s->shared_range,
		.seed = r->s->seed,
		.cpus = r->o->place.pin ? r->o->place.vcpu_cpu : NULL,
		.timeout_ms = r->o->timeout_ms,
		.latency = rep_latency_on(r),
	};
}

void dflt_count_vcpus(struct rep *r, const struct vm *vm)
{
	pid_t tids[REP_MAX_VCPUS];
	unsigned int i, n = vm->nr_vcpus < REP_MAX_VCPUS ? vm->nr_vcpus : REP_MAX_VCPUS;

	for (i = 0; i < n; i++)
		tids[i] = vm->vcpus[i].tid;
	rep_instr_begin(r, tids, n);
}
