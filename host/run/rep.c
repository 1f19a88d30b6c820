// SPDX-License-Identifier: GPL-2.0
/*
 * One repetition in the making: what every backend records its phases
 * with (failures, instrumentation, phase records).  Knows no backend.
 */
#include "run/backend.h"
#include "run/latency_json.h"
#include "lib/interrupt.h"
#include "lib/util.h"
#include "trace/attribute.h"
#include "trace/counters.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Per-thread counter labels: "driver", then "vcpu0" ... */
int rep_init(struct rep *r)
{
	unsigned int i, n = 1 + r->s->vcpus;

	r->labels = calloc(n, sizeof(*r->labels));
	r->tids = calloc(n, sizeof(*r->tids));
	if (!r->labels || !r->tids)
		return -ENOMEM;
	r->nr_labels = n;
	snprintf(r->labels[0], sizeof(r->labels[0]), "driver");
	for (i = 1; i < n; i++)
		snprintf(r->labels[i], sizeof(r->labels[0]), "vcpu%u", i - 1);
	return 0;
}

void rep_fini(struct rep *r)
{
	rep_instr_abort(r);
	free(r->snap_before);
	free(r->snap_after);
	free(r->labels);
	free(r->tids);
	json_decref(r->warnings);
	json_decref(r->derived);
	r->warnings = r->derived = NULL;
	r->snap_before = r->snap_after = NULL;
	r->labels = NULL;
	r->tids = NULL;
}

enum engine_status rep_fail_kvm(struct rep *r, int err, const char *step)
{
	if (err == -EINTR || interrupted())
		return ENGINE_INTERRUPTED;
	snprintf(r->why, r->why_size, "%s: %s", step, kvm_error());
	return err == -EOPNOTSUPP ? ENGINE_UNSUPPORTED : ENGINE_ERROR;
}

enum engine_status rep_fail_errno(struct rep *r, const char *step)
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
 * counters enabled last, so neither's set-up is counted or timed.  With
 * @vcpu_tids, those threads are counted too (they wait at the barrier).
 */
void rep_instr_begin(struct rep *r, const pid_t *vcpu_tids, unsigned int nr_vcpus)
{
	const char *labels[1 + REP_MAX_VCPUS];
	unsigned int n = 0, i;

	if (r->attr)
		attribution_phase_begin(r->attr);
	if (!r->o->events || !r->labels)
		return;
	r->tids[n] = syscall(SYS_gettid);
	labels[n++] = r->labels[0];
	for (i = 0; vcpu_tids && i < nr_vcpus && i < r->nr_labels - 1; i++) {
		r->tids[n] = vcpu_tids[i];
		labels[n++] = r->labels[1 + i];
	}
	r->ctr = counters_open(r->o->events, r->tids, labels, n);
	counters_enable(r->ctr);
}

void rep_instr_stop(struct rep *r)
{
	counters_disable(r->ctr);
}

void rep_instr_record(struct rep *r, json_t *ph)
{
	counters_finish(r->ctr, ph);
	r->ctr = NULL;
	if (r->attr)
		attribution_phase_end(r->attr, ph);
}

void rep_host_lat_begin(struct rep *r)
{
	lathist_reset(&r->host_lat);
	r->host_lat_per_call = false;
}

void rep_host_op(struct rep *r, uint64_t t0)
{
	lathist_add(&r->host_lat, vm_now_ns() - t0);
	r->host_lat_per_call = true;
}

bool rep_latency_on(const struct rep *r)
{
	return r->o->latency && r->s->latency;
}

void rep_host_lat_end(struct rep *r, json_t *ph, uint64_t window_ns)
{
	json_t *j;

	if (!r->host_lat_per_call)
		lathist_add(&r->host_lat, window_ns);
	if (!rep_latency_on(r) || !r->host_lat.count)
		return;
	j = latency_hist_json(&r->host_lat, 0, "ns");
	json_object_set_new(j, "source", json_string("host-clock"));
	json_object_set_new(j, "per", json_string("call"));
	json_object_set_new(ph, "latency", j);
}

void rep_instr_abort(struct rep *r)
{
	counters_close(r->ctr);
	r->ctr = NULL;
}

/* Append a phase record; @res may be NULL for phases without stats. */
json_t *rep_add_phase(struct rep *r, const char *name, uint64_t ns, uint64_t ops,
			 const struct vm_phase_result *res)
{
	json_t *ph = json_pack("{s:s, s:I, s:I}", "name", name, "ns", (json_int_t)ns,
			       "ops", (json_int_t)ops);
	unsigned int i;
	json_t *lat;

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
	if (res && res->vcpu && (lat = latency_json(res)))
		json_object_set_new(ph, "latency", lat);
	json_array_append_new(r->phases, ph);
	return ph;
}

bool private_mem_lacks(const struct scenario *s, const char *name, char *why, size_t why_size)
{
	if (s->kind == KIND_CHURN_CONCURRENT)
		snprintf(why, why_size, "churn-concurrent is not built for the %s backend (private memory has no userspace mapping to zap)",
			 name);
	else if (s->kind == KIND_PREFAULT_BARE)
		snprintf(why, why_size, "prefault-bare is the default backend's harness reference");
	else if (s->kind == KIND_ZAP && (s->zap == ZAP_DONTNEED || s->zap == ZAP_MEMSLOT))
		snprintf(why, why_size, "zap by %s is not built for the %s backend (private memory has no userspace mapping)",
			 s->zap == ZAP_DONTNEED ? "MADV_DONTNEED" : "memslot deletion", name);
	else
		return false;
	return true;
}

enum guest_pattern rep_guest_pattern(enum pattern p)
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


void rep_warn(struct rep *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!r->warnings)
		r->warnings = json_array();
	json_array_append_new(r->warnings, json_string(msg));
}

int64_t rep_mappings(const struct vm_phase_result *res, int sign, int64_t *huge)
{
	int64_t d4k, d2m, d1g, big = 0, n = 0;
	bool any = false;

	if (vm_phase_stat(res, "pages_4k", &d4k)) {
		n += sign * d4k;
		any = true;
	}
	if (vm_phase_stat(res, "pages_2m", &d2m)) {
		big += sign * d2m;
		any = true;
	}
	if (vm_phase_stat(res, "pages_1g", &d1g)) {
		big += sign * d1g;
		any = true;
	}
	if (huge)
		*huge = big;
	return any ? n + big : -1;
}

uint64_t rep_count_mapped(struct rep *r, const char *phase, const struct vm_phase_result *res,
			  uint64_t touches, uint64_t page_size)
{
	int64_t huge, m = rep_mappings(res, 1, &huge);

	if (m < 0) {
		rep_warn(r, "%s: no KVM page stats on this kernel: ops are the guest's touches", phase);
		return touches;
	}
	if (m == 0) {
		rep_warn(r, "%s: KVM created no mappings for %llu touches: ops are the touches",
			 phase, (unsigned long long)touches);
		return touches;
	}
	r->mapped = m;
	if (page_size <= SZ_4K && huge > 0)
		rep_warn(r, "%s: a 4K scenario got %lld huge (2M/1G) mappings of %lld", phase,
			 (long long)huge, (long long)m);
	if (page_size > SZ_4K && huge < m)
		rep_warn(r, "%s: %lld of %lld mappings are 4K, not %lluK (hugepage fallback?)", phase,
			 (long long)(m - huge), (long long)m, (unsigned long long)(page_size >> 10));
	if (!r->s->shared_range && (uint64_t)m < touches && page_size <= SZ_4K)
		rep_warn(r, "%s: KVM created %lld mappings for %llu touches", phase, (long long)m,
			 (unsigned long long)touches);
	return m;
}

uint64_t rep_count_removed(struct rep *r, const char *phase, const struct vm_phase_result *res)
{
	int64_t m = rep_mappings(res, -1, NULL);
	uint64_t meant = r->mapped > 0 ? (uint64_t)r->mapped : r->s->mem_bytes / SZ_4K;

	if (m <= 0) {
		rep_warn(r, "%s: KVM page stats show no mapping removed: ops are the %llu mapped before",
			 phase, (unsigned long long)meant);
		return meant;
	}
	if (r->mapped > 0 && m != r->mapped)
		rep_warn(r, "%s: KVM removed %lld of the %lld mappings made", phase, (long long)m,
			 (long long)r->mapped);
	return m;
}

void rep_derive(struct rep *r, const char *key, double value)
{
	if (!r->derived)
		r->derived = json_object();
	json_object_set_new(r->derived, key, json_real(value));
}
