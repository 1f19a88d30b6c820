// SPDX-License-Identifier: GPL-2.0
#include "run_summary.h"
#include "results.h"
#include "stats/stats.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const json_t *timed_phase_of(const json_t *scenario, const json_t *rep)
{
	const char *want = json_string_value(json_object_get(scenario, "timed_phase"));
	const json_t *ph;
	size_t i;

	if (!want)
		return NULL;
	json_array_foreach(json_object_get(rep, "phases"), i, ph)
		if (!strcmp(json_string_value(json_object_get(ph, "name")) ?: "", want))
			return ph;
	return NULL;
}

struct line {
	const char *name, *status, *phase;
	size_t reps;
	long long ops;
	double med_ns, med_nspo, min_nspo, max_nspo;
};

static void summarize(const json_t *s, struct line *l)
{
	const json_t *reps = json_object_get(s, "reps"), *rep, *ph;
	struct stats_desc d, d_op;
	double *ns, *nspo;
	size_t i, n = 0;

	memset(l, 0, sizeof(*l));
	l->name = json_string_value(json_object_get(s, "scenario"));
	l->status = json_string_value(json_object_get(s, "status")) ?: "?";
	l->phase = json_string_value(json_object_get(s, "timed_phase")) ?: "-";
	ns = calloc(json_array_size(reps) + 1, sizeof(*ns));
	nspo = calloc(json_array_size(reps) + 1, sizeof(*nspo));
	json_array_foreach(reps, i, rep) {
		long long ops, t;

		ph = timed_phase_of(s, rep);
		ops = json_integer_value(json_object_get(ph, "ops"));
		t = json_integer_value(json_object_get(ph, "ns"));
		if (!ph || ops <= 0 || t <= 0)
			continue;
		l->ops = ops;
		ns[n] = t;
		nspo[n] = (double)t / ops;
		n++;
	}
	l->reps = n;
	if (n && !stats_describe(ns, n, true, &d) && !stats_describe(nspo, n, true, &d_op)) {
		l->med_ns = d.median;
		l->med_nspo = d_op.median;
		l->min_nspo = d_op.min;
		l->max_nspo = d_op.max;
	}
	free(ns);
	free(nspo);
}

int run_summary_write(const char *dir, const json_t *const *scenarios, size_t n, FILE *out)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	struct line l;
	FILE *tsv;
	size_t i;
	int err = 0;

	snprintf(path, sizeof(path), "%s/summary.tsv", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	tsv = fopen(tmp, "w");
	if (tsv)
		fprintf(tsv, "scenario\tstatus\treps\ttimed_phase\tops\tmedian_ns\tmedian_ns_per_op\t"
			"median_ops_per_s\tmin_ns_per_op\tmax_ns_per_op\n");
	fprintf(out, "\n%-16s %-11s %4s %-9s %10s %12s %14s  %s\n", "scenario", "status", "reps",
		"phase", "ops", "ns/op", "ops/s", "ns/op min..max");
	for (i = 0; i < n; i++) {
		summarize(scenarios[i], &l);
		if (!l.name)
			continue;
		if (tsv)
			fprintf(tsv, "%s\t%s\t%zu\t%s\t%lld\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\n", l.name,
				l.status, l.reps, l.phase, l.ops, l.med_ns, l.med_nspo,
				l.med_nspo > 0 ? 1e9 / l.med_nspo : 0, l.min_nspo, l.max_nspo);
		if (!l.reps) {
			fprintf(out, "%-16s %-11s %4s\n", l.name, l.status, "-");
			continue;
		}
		fprintf(out, "%-16s %-11s %4zu %-9s %10lld %12.1f %14.0f  %.1f..%.1f\n", l.name,
			l.status, l.reps, l.phase, l.ops, l.med_nspo, 1e9 / l.med_nspo,
			l.min_nspo, l.max_nspo);
	}
	if (!tsv)
		return -errno;
	if (fclose(tsv) || rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
	}
	return err;
}
