// SPDX-License-Identifier: GPL-2.0
#include "run/latency_json.h"
#include "stats/lathist.h"

#include <math.h>

/* Non-empty buckets only, as [low, high, count] in the histogram's unit. */
static json_t *buckets_json(const struct lathist *h)
{
	json_t *a = json_array();
	uint32_t b;

	for (b = 0; b < LATHIST_NR_BUCKETS; b++) {
		uint64_t hi = b + 1 < LATHIST_NR_BUCKETS ? lathist_bucket_low(b + 1) :
			1ull << LATHIST_MAX_SHIFT;

		if (h->buckets[b])
			json_array_append_new(a, json_pack("[I, I, I]",
				(json_int_t)lathist_bucket_low(b), (json_int_t)hi,
				(json_int_t)h->buckets[b]));
	}
	return a;
}

static json_t *real(double v)
{
	return json_real(round(v * 10) / 10);
}

json_t *latency_hist_json(const struct lathist *h, unsigned int tsc_khz, const char *unit)
{
	double scale = tsc_khz ? 1e6 / tsc_khz : 1;
	struct lathist_summary s;
	json_t *j;
	int i;

	lathist_summarise(h, scale, &s);
	j = json_pack("{s:s, s:I, s:o, s:o, s:o}", "unit", tsc_khz ? "ns" : unit,
		      "count", (json_int_t)s.count, "min", real(s.min), "mean", real(s.mean),
		      "max", real(s.max));
	for (i = 0; i < LATHIST_NR_QUANTILES; i++)
		json_object_set_new(j, lathist_quantile_names[i], real(s.q[i]));
	json_object_set_new(j, "bucket_unit", json_string(unit));
	json_object_set_new(j, "buckets", buckets_json(h));
	json_object_set_new(j, "overflow", json_integer((json_int_t)h->overflow));
	return j;
}

json_t *latency_json(const struct vm_phase_result *res)
{
	double fast = INFINITY, slow = 0, per_op;
	struct lathist all;
	json_t *j, *vcpus;
	unsigned int i;
	bool any = false;

	lathist_reset(&all);
	vcpus = json_array();
	for (i = 0; i < res->nr_vcpus; i++) {
		const struct vcpu_result *v = &res->vcpu[i];
		json_t *vj;

		if (!v->has_lat)
			continue;
		any = true;
		lathist_merge(&all, &v->lat);
		vj = latency_hist_json(&v->lat, res->tsc_khz, "cycles");
		json_object_set_new(vj, "vcpu", json_integer(i));
		if (v->pages && v->ns) {
			per_op = (double)v->ns / (double)v->pages;
			json_object_set_new(vj, "ops_per_s", real(1e9 / per_op));
			if (per_op < fast)
				fast = per_op;
			if (per_op > slow)
				slow = per_op;
		}
		json_array_append_new(vcpus, vj);
	}
	if (!any) {
		json_decref(vcpus);
		return NULL;
	}
	j = latency_hist_json(&all, res->tsc_khz, "cycles");
	json_object_set_new(j, "source", json_string("guest-tsc"));
	json_object_set_new(j, "tsc_khz", json_integer(res->tsc_khz));
	/* The slowest vCPU's time per op over the fastest's (1: even). */
	if (slow > 0 && isfinite(fast))
		json_object_set_new(j, "vcpu_spread", json_real(round(slow / fast * 1000) / 1000));
	json_object_set_new(j, "vcpus", vcpus);
	return j;
}
