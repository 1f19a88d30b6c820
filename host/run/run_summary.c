// SPDX-License-Identifier: GPL-2.0
#include "run/run_summary.h"
#include "lib/fileio.h"
#include "stats/stats.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
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
	/* Derived per op, NAN when not measured. */
	double insn_po, exits_po, hook_calls_po;
	double sept_po;			/* emulated SEAMCALLs (sept-emu's sept_emu_* stats) */
};

/* A counter's value in a phase, false when absent or unsupported. */
static bool counter_value(const json_t *ph, const char *section, const char *name, double *v)
{
	const json_t *c = json_object_get(json_object_get(ph, section), name);

	if (!json_is_integer(json_object_get(c, "value")))
		return false;
	*v = json_integer_value(json_object_get(c, "value"));
	return true;
}

static bool stat_value(const json_t *ph, const char *name, double *v)
{
	const json_t *x = json_object_get(json_object_get(json_object_get(ph, "stats"), "vcpu"), name);

	if (!json_is_integer(x))
		return false;
	*v = json_integer_value(x);
	return true;
}

/* The emulated SEAMCALLs of a phase (every sept_emu_* VM stat but busy); false when none. */
static bool sept_ops(const json_t *ph, double *v)
{
	const json_t *vm = json_object_get(json_object_get(ph, "stats"), "vm"), *x;
	const char *key;
	bool any = false;

	*v = 0;
	json_object_foreach((json_t *)vm, key, x) {
		if (strncmp(key, "sept_emu_", 9) || !strcmp(key, "sept_emu_busy") || !json_is_integer(x))
			continue;
		*v += json_integer_value(x);
		any = true;
	}
	return any;
}

static double median_of(double *v, size_t n)
{
	struct stats_desc d;

	return n && !stats_describe(v, n, true, &d) ? d.median : NAN;
}

/*
 * The telling figures of the timed phase, per op: instructions (when the
 * PMU counted them), VM exits (the kvm_exit tracepoint of the tracepoint
 * pass, else KVM's exits stat) and, from the attribution pass, calls of
 * the probed functions.
 */
static void derive(const json_t *s, struct line *l)
{
	const json_t *reps = json_object_get(s, "reps"), *rep, *ph, *fn;
	const json_t *attr = json_object_get(s, "attribution");
	size_t i, ni = 0, ne = 0, n = json_array_size(reps) + 1;
	double *insn = calloc(n, sizeof(double)), *exits = calloc(n, sizeof(double)), v, ops;
	double *sept = calloc(n, sizeof(double));
	size_t ns = 0;
	const char *key;

	l->insn_po = l->exits_po = l->hook_calls_po = l->sept_po = NAN;
	json_array_foreach(reps, i, rep) {
		ph = timed_phase_of(s, rep);
		ops = json_integer_value(json_object_get(ph, "ops"));
		if (!ph || ops <= 0 || !insn || !exits || !sept)
			continue;
		if (sept_ops(ph, &v))
			sept[ns++] = v / ops;
		if (counter_value(ph, "counters", "instructions", &v))
			insn[ni++] = v / ops;
		if (stat_value(ph, "exits", &v))
			exits[ne++] = v / ops;
	}
	l->insn_po = median_of(insn, ni);
	l->exits_po = median_of(exits, ne);
	l->sept_po = median_of(sept, ns);
	/* The tracepoint pass counts exits as the kernel traces them. */
	ph = timed_phase_of(s, json_object_get(s, "tracepoint_pass"));
	ops = json_integer_value(json_object_get(ph, "ops"));
	if (ph && ops > 0 && counter_value(ph, "tracepoints", "kvm:kvm_exit", &v))
		l->exits_po = v / ops;
	free(insn);
	free(exits);
	free(sept);
	ph = timed_phase_of(s, attr);
	ops = json_integer_value(json_object_get(ph, "ops"));
	if (ph && ops > 0 && json_object_get(ph, "hooks")) {
		v = 0;
		json_object_foreach((json_t *)json_object_get(ph, "hooks"), key, fn)
			v += json_integer_value(json_object_get(fn, "calls"));
		l->hook_calls_po = v / ops;
	}
}

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
	derive(s, l);
	if (n && !stats_describe(ns, n, true, &d) && !stats_describe(nspo, n, true, &d_op)) {
		l->med_ns = d.median;
		l->med_nspo = d_op.median;
		l->min_nspo = d_op.min;
		l->max_nspo = d_op.max;
	}
	free(ns);
	free(nspo);
}

static const char *fmt_num(char *buf, double v, const char *none)
{
	if (isnan(v))
		return none;
	snprintf(buf, 32, "%.2f", v);
	return buf;
}

int run_summary_write(const char *dir, const json_t *const *scenarios, size_t n, FILE *out)
{
	char path[PATH_MAX], a[32], b[32], c[32], d[32], range[64];
	char *text = NULL;
	size_t i, len = 0;
	struct line l;
	FILE *tsv;
	int err;

	snprintf(path, sizeof(path), "%s/summary.tsv", dir);
	tsv = open_memstream(&text, &len);
	if (tsv)
		fprintf(tsv, "scenario\tstatus\treps\ttimed_phase\tops\tmedian_ns\tmedian_ns_per_op\t"
			"median_ops_per_s\tmin_ns_per_op\tmax_ns_per_op\t"
			"instructions_per_op\texits_per_op\thook_calls_per_op\tsept_ops_per_op\n");
	fprintf(out, "\n%-16s %-11s %4s %-9s %10s %12s %14s  %-21s %9s %8s %10s %8s\n", "scenario", "status",
		"reps", "phase", "ops", "ns/op", "ops/s", "ns/op min..max", "insn/op", "exits/op",
		"hooks/op", "sept/op");
	for (i = 0; i < n; i++) {
		summarize(scenarios[i], &l);
		if (!l.name)
			continue;
		if (tsv)
			fprintf(tsv, "%s\t%s\t%zu\t%s\t%lld\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t%s\t%s\n",
				l.name, l.status, l.reps, l.phase, l.ops, l.med_ns, l.med_nspo,
				l.med_nspo > 0 ? 1e9 / l.med_nspo : 0, l.min_nspo, l.max_nspo,
				fmt_num(a, l.insn_po, "-"), fmt_num(b, l.exits_po, "-"),
				fmt_num(c, l.hook_calls_po, "-"), fmt_num(d, l.sept_po, "-"));
		if (!l.reps) {
			fprintf(out, "%-16s %-11s %4s\n", l.name, l.status, "-");
			continue;
		}
		snprintf(range, sizeof(range), "%.1f..%.1f", l.min_nspo, l.max_nspo);
		fprintf(out, "%-16s %-11s %4zu %-9s %10lld %12.1f %14.0f  %-21s %9s %8s %10s %8s\n", l.name,
			l.status, l.reps, l.phase, l.ops, l.med_nspo, 1e9 / l.med_nspo, range,
			fmt_num(a, l.insn_po, "-"), fmt_num(b, l.exits_po, "-"),
			fmt_num(c, l.hook_calls_po, "-"), fmt_num(d, l.sept_po, "-"));
	}
	if (!tsv)
		return -errno;
	if (fclose(tsv)) {
		free(text);
		return -ENOMEM;
	}
	err = file_write_atomic(path, text, len);
	free(text);
	return err;
}

double timed_ns_per_op(const json_t *scenario, const json_t *rep)
{
	const json_t *ph = timed_phase_of(scenario, rep);
	json_int_t ops = json_integer_value(json_object_get(ph, "ops"));

	return ops > 0 ? (double)json_integer_value(json_object_get(ph, "ns")) / ops : 0;
}

/* The timed phase's ns/op of every repetition of @s; the count, or 0. */
static size_t all_ns_per_op(const json_t *s, double **out)
{
	const json_t *reps = json_object_get(s, "reps"), *rep;
	double *v = calloc(json_array_size(reps) + 1, sizeof(double));
	size_t i, n = 0;

	*out = v;
	if (!v)
		return 0;
	json_array_foreach(reps, i, rep)
		if ((v[n] = timed_ns_per_op(s, rep)) > 0)
			n++;
	return n;
}

double median_ns_per_op(const json_t *scenario)
{
	double *v, med;
	size_t n = all_ns_per_op(scenario, &v);

	med = n ? median_of(v, n) : 0;
	free(v);
	return med;
}

static const json_t *find_scenario(const json_t *const *scenarios, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(json_string_value(json_object_get(scenarios[i], "scenario")) ?: "", name))
			return scenarios[i];
	return NULL;
}

void run_summary_references(json_t *meta, const json_t *const *scenarios, size_t n)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const char *ref = json_string_value(json_object_get(json_object_get(scenarios[i],
								       "params"), "reference"));
		const json_t *rs = ref ? find_scenario(scenarios, n, ref) : NULL;
		struct stats_boot_metric m = { 0 };
		struct stats_desc da, db;
		double *a = NULL, *b = NULL;
		size_t na, nb;

		if (!rs)
			continue;
		na = all_ns_per_op(rs, &a);
		nb = all_ns_per_op(scenarios[i], &b);
		m.a = (struct stats_boot_sample){ .n = na, .x = a };
		m.b = (struct stats_boot_sample){ .n = nb, .x = b };
		m.a.order = calloc(na + 1, sizeof(size_t));
		m.b.order = calloc(nb + 1, sizeof(size_t));
		if (na >= 2 && nb >= 2 && m.a.order && m.b.order &&
		    !stats_describe(a, na, true, &da) && !stats_describe(b, nb, true, &db) &&
		    da.median > 0 &&
		    !stats_bootstrap_ratio(&m, 1, 10000, 0.95, stats_hash(ref, 1)))
			json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:[f, f], s:I, s:I, s:f, s:f}",
				"scenario", json_string_value(json_object_get(scenarios[i], "scenario")),
				"reference", ref, "ratio", db.median / da.median,
				"ci95", m.ratio_lo, m.ratio_hi, "n", (json_int_t)nb,
				"n_reference", (json_int_t)na, "median_ns_per_op", db.median,
				"reference_median_ns_per_op", da.median));
		free(m.a.order);
		free(m.b.order);
		free(a);
		free(b);
	}
	if (json_array_size(list))
		json_object_set_new(meta, "harness_overhead", list);
	else
		json_decref(list);
}

void run_summary_print_references(const json_t *meta, FILE *out)
{
	const json_t *h;
	size_t i;

	json_array_foreach(json_object_get(meta, "harness_overhead"), i, h)
		fprintf(out, "harness overhead: %s / %s = %.3f (95%% CI %.3f..%.3f, %lld and %lld reps, interleaved)\n",
			json_string_value(json_object_get(h, "scenario")),
			json_string_value(json_object_get(h, "reference")),
			json_real_value(json_object_get(h, "ratio")),
			json_real_value(json_array_get(json_object_get(h, "ci95"), 0)),
			json_real_value(json_array_get(json_object_get(h, "ci95"), 1)),
			(long long)json_integer_value(json_object_get(h, "n")),
			(long long)json_integer_value(json_object_get(h, "n_reference")));
}
