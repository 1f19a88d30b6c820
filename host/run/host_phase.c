// SPDX-License-Identifier: GPL-2.0
/*
 * Host-driven phases of the default backend: KVM stats snapshots and
 * counters around a host call (pre-fault, split, zap).
 */
#include "run/backend_default.h"

#include <string.h>

enum engine_status dflt_host_begin(struct rep *r, uint64_t *t0)
{
	int err = r->stats_vm ? vm_stats_snapshot(r->stats_vm, r->snap_before) : 0;

	if (err)
		return rep_fail_kvm(r, err, "reading KVM stats");
	rep_instr_begin(r, NULL, 0);
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
	vm_phase_result_free(res);
	return j;
}
