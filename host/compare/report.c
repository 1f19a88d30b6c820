// SPDX-License-Identifier: GPL-2.0
/*
 * The report: a terminal table in the manner of mmtests' compare-kernels
 * (base column, then each run with its change; significant changes
 * marked), verdicts, warnings; the same as Markdown; everything as JSON.
 */
#include "compare/compare.h"
#include "lib/numfmt.h"
#include "lib/results_schema.h"
#include "lib/util.h"

#include <math.h>
#include <string.h>

static bool significant(const struct cmp_stat *st)
{
	return st && st->verdict != STATS_NO_CHANGE;
}

static const char *dir_text(enum stats_direction d)
{
	return d == STATS_HIGHER_IS_BETTER ? "higher is better" : "lower is better";
}

/* The stat of @metric in the timed phase, or NULL. */
static const struct cmp_stat *timed_stat(const struct cmp_pair *pr, const char *metric)
{
	size_t i;

	for (i = 0; pr->state == CMP_COMPARED && i < pr->nr_stats; i++)
		if (pr->stats[i].timed && !strcmp(pr->stats[i].metric, metric))
			return &pr->stats[i];
	return NULL;
}

static double row_value(const struct stats_desc *d, int row, bool rate)
{
	switch (row) {
	case 0:
		return d->min;
	case 1:
		return d->median;
	case 2:
		return rate ? d->hmean : d->mean;
	case 3:
		return d->stddev;
	case 4:
		return d->cov * 100;
	default:
		return d->max;
	}
}

/* ", build <short id>, run <run id>" beyond the name, or "". */
static void run_ids(char *buf, size_t size, const struct cmp_run *run)
{
	size_t len = 0;

	buf[0] = '\0';
	if (run->build_id[0])
		len = snprintf(buf, size, ", build %.8s", run->build_id);
	if (strcmp(run->name, run->run_id) && len < size)
		snprintf(buf + len, size - len, ", run %s", run->run_id);
}

static void print_runs(FILE *out, const struct cmp_report *r, bool md)
{
	const struct cmp_side *side;
	const struct cmp_run *run;
	char ids[512];
	size_t i, b;

	for (i = 0; i < r->nr_sides; i++) {
		side = &r->sides[i];
		if (md) {
			for (b = 0; b < side->nr_runs; b++) {
				run = &side->runs[b];
				fprintf(out, "| %s%s", cmp_run_letter(i), i ? "" : " (base)");
				if (side->nr_runs > 1)
					fprintf(out, ", boot %zu", b + 1);
				fprintf(out, " | %s | `%s` | %s | %s | %.8s |\n", run->name, run->run_id,
					run->kernel, run->variant, run->build_id[0] ? run->build_id : "-");
			}
			continue;
		}
		if (side->nr_runs == 1) {
			run_ids(ids, sizeof(ids), &side->runs[0]);
			fprintf(out, "  %s%-7s %s  (kernel %s, hooks %s%s)\n", cmp_run_letter(i),
				i ? "" : " (base)", side->runs[0].name, side->kernel, side->variant, ids);
			continue;
		}
		fprintf(out, "  %s%-7s %s: %zu runs (boots), kernel %s, hooks %s\n", cmp_run_letter(i),
			i ? "" : " (base)", side->name, side->nr_runs, side->kernel, side->variant);
		for (b = 0; b < side->nr_runs; b++) {
			run = &side->runs[b];
			run_ids(ids, sizeof(ids), run);
			fprintf(out, "  %8s %zu. %s  (kernel %s%s)\n", "", b + 1, run->name, run->kernel,
				ids);
		}
	}
}

/* The test of a table row: "MWU", "Welch" (all new sides alike), else "test". */
static const char *row_test(const struct cmp_report *r, size_t s)
{
	size_t i, welch = 0, mwu = 0;

	for (i = 1; i < r->nr_sides; i++) {
		const struct cmp_pair *pr = cmp_pair_at(r, i, s);

		if (pr->state == CMP_COMPARED)
			pr->welch ? welch++ : mwu++;
	}
	return welch && mwu ? "test" : welch ? "Welch" : "MWU";
}

/* Standard deviation of log values, in percent: what a CoV would be. */
static double sd_pct(double var)
{
	return sqrt(var) * 100;
}

/* Rows of the variance components, where some side has them. */
static void print_components(FILE *out, const struct cmp_report *r, size_t s, const char *metric)
{
	static const char *const rows[] = { "SDboot%", "SDrep%" };
	const struct cmp_stat *st, *with = NULL;
	const struct stats_nested *v;
	char num[48];
	size_t i, row;

	for (i = 1; i < r->nr_sides && !with; i++) {
		st = timed_stat(cmp_pair_at(r, i, s), metric);
		if (st && (st->has_var_base || st->has_var_new))
			with = st;
	}
	if (!with)
		return;
	for (row = 0; row < ARRAY_SIZE(rows); row++) {
		v = with->has_var_base ? &with->var_base : NULL;
		fprintf(out, "\n%-9s %-18.18s %12s", rows[row], r->names[s],
			fmt_num(num, sizeof(num), !v ? NAN : sd_pct(row ? v->sw2 : v->sb2)));
		for (i = 1; i < r->nr_sides; i++) {
			st = timed_stat(cmp_pair_at(r, i, s), metric);
			v = st && st->has_var_new ? &st->var_new : NULL;
			fprintf(out, "  %12s %11s", fmt_num(num, sizeof(num),
							     !v ? NAN : sd_pct(row ? v->sw2 : v->sb2)), "");
		}
	}
}

static void print_table(FILE *out, const struct cmp_report *r, const char *metric)
{
	static const char *const rows[] = { "Min", "Median", "Mean", "Stddev", "CoeffVar", "Max" };
	char num[48], cell[64];
	const struct cmp_stat *st;
	const struct cmp_pair *pr;
	size_t s, i, row;
	bool any = false;

	for (s = 0; s < r->nr_names; s++) {
		const struct cmp_stat *first = NULL;

		for (i = 1; i < r->nr_sides && !first; i++)
			first = timed_stat(cmp_pair_at(r, i, s), metric);
		if (!first)
			continue;
		if (!any) {
			fprintf(out, "\n%s of the timed phase (%s)\n%-9s %-18s %12s", metric,
				dir_text(first->dir), "", "", "A");
			for (i = 1; i < r->nr_sides; i++)
				fprintf(out, "  %12s %11s", cmp_run_letter(i), "");
			fputc('\n', out);
			any = true;
		}
		for (row = 0; row < ARRAY_SIZE(rows); row++) {
			const char *label = row == 2 ? (first->rate ? "Hmean" : "Amean") : rows[row];

			fprintf(out, "%-9s %-18.18s %12s", label, r->names[s],
				fmt_num(num, sizeof(num), row_value(&first->base, row, first->rate)));
			for (i = 1; i < r->nr_sides; i++) {
				double b, n;

				pr = cmp_pair_at(r, i, s);
				st = timed_stat(pr, metric);
				if (!st) {
					fprintf(out, "  %12s %11s", "-", "");
					continue;
				}
				b = row_value(&st->base, row, st->rate);
				n = row_value(&st->new, row, st->rate);
				if (row == 1 && isnan(st->ratio) && !st->nonneg)
					snprintf(cell, sizeof(cell), "(d %+.4g)", st->diff);
				else if (row == 3 || row == 4 || !(b > 0))
					snprintf(cell, sizeof(cell), " ");
				else if (row == 1 && significant(st))
					snprintf(cell, sizeof(cell), "*%+8.2f%%*", (n / b - 1) * 100);
				else
					snprintf(cell, sizeof(cell), "(%+8.2f%%)", (n / b - 1) * 100);
				fprintf(out, "  %12s %11s", fmt_num(num, sizeof(num), n), cell);
			}
			fputc('\n', out);
		}
		fprintf(out, "%-9s %-18.18s %12s", "CI95", r->names[s], "");
		for (i = 1; i < r->nr_sides; i++) {
			st = timed_stat(cmp_pair_at(r, i, s), metric);
			if (st && !isnan(st->ci_lo))
				snprintf(cell, sizeof(cell), "[%.4f, %.4f]", st->ci_lo, st->ci_hi);
			else
				snprintf(cell, sizeof(cell), "-");
			fprintf(out, "  %24s", cell);
		}
		for (row = 0; row < 2; row++) {
			snprintf(cell, sizeof(cell), "p(%s)", row ? "Holm" : row_test(r, s));
			fprintf(out, "\n%-9s %-18.18s %12s", cell, r->names[s], "");
			for (i = 1; i < r->nr_sides; i++) {
				st = timed_stat(cmp_pair_at(r, i, s), metric);
				fprintf(out, "  %24s", fmt_p(num, sizeof(num), !st ? NAN :
							     row ? st->p_adj : st->p));
			}
		}
		print_components(out, r, s, metric);
		fputc('\n', out);
		fputc('\n', out);
	}
}

static void verdict_line(char *buf, size_t size, const struct cmp_pair *pr,
			 const struct cmp_opts *o)
{
	const struct cmp_stat *st;
	size_t len = 0, k, shown = 0;
	char p[32], pa[32];

	if (pr->state != CMP_COMPARED) {
		snprintf(buf, size, "%s%s%s",
			 pr->state == CMP_UNSUPPORTED ? "unsupported" :
			 pr->state == CMP_MISSING ? "missing" : "not compared",
			 pr->note[0] ? ": " : "", pr->note);
		return;
	}
	len = snprintf(buf, size, "%s", stats_verdict_name(pr->verdict));
	for (k = 0; k < o->nr_metrics && len < size; k++) {
		st = timed_stat(pr, o->metrics[k]);
		if (!st)
			continue;
		shown++;
		if (isnan(st->ratio))
			len += snprintf(buf + len, size - len,
					"%s%s no ratio, median difference %+.4g", shown > 1 ? "; " : " (",
					st->metric, st->diff);
		else
			len += snprintf(buf + len, size - len,
					"%s%s %+.2f%%, 95%% CI %+.2f%%..%+.2f%%, p %s, p_adj %s",
					shown > 1 ? "; " : " (", st->metric, (st->ratio - 1) * 100,
					(st->ci_lo - 1) * 100, (st->ci_hi - 1) * 100,
					fmt_p(p, sizeof(p), st->p),
					fmt_p(pa, sizeof(pa), st->p_adj));
	}
	/* A scenario without the metric (no latency recorded, say) says so. */
	if (len < size && !shown && o->nr_metrics)
		snprintf(buf + len, size - len, " (no %s in its timed phase)", o->metrics[0]);
	else if (len < size && shown)
		snprintf(buf + len, size - len, ")");
}

/* Has any side more than one run? */
static bool nested(const struct cmp_report *r)
{
	size_t i;

	for (i = 0; i < r->nr_sides; i++)
		if (r->sides[i].nr_runs > 1)
			return true;
	return false;
}

static void print_header(FILE *out, const struct cmp_report *r, bool md)
{
	const struct cmp_opts *o = &r->opts;
	size_t k;

	fprintf(out, md ? "# septbench compare\n\n| run | name | id | kernel | hooks | build |\n| --- | --- | --- | --- | --- | --- |\n" :
		"septbench compare\n");
	print_runs(out, r, md);
	fprintf(out, "%sverdict metric:", md ? "\n" : "\n");
	for (k = 0; k < o->nr_metrics; k++)
		fprintf(out, "%s %s", k ? "," : "", o->metrics[k]);
	fprintf(out, " of the timed phase; threshold %.1f%%, alpha %.2f, 95%% %sbootstrap CI of the ratio of medians (%u resamples, seed %llu)\n",
		o->threshold * 100, o->alpha, nested(r) ? "hierarchical (boots, then repetitions) " : "",
		o->resamples, o->seed);
	fprintf(out, "%sChange is NEW/BASE - 1 of the median; %s a significant change: CI excludes 1, Holm-adjusted %s p (p_adj) < alpha, at least the threshold.\n",
		md ? "\n" : "", md ? "**bold** marks" : "*x%* marks",
		r->any_welch ? "test" : "Mann-Whitney");
	if (r->any_welch)
		fprintf(out, "%sTest: Welch's t on the per-boot means of log values where both sides have 2 or more runs (boots: the boot is the unit), else Mann-Whitney U on the repetitions.\n",
			md ? "\n" : "");
	fprintf(out, "%sp_adj: Holm's step-down adjustment over the %zu tests of the verdict metric(s) in all scenarios and new runs (family-wise error rate %.2f); each other metric of the timed phase is its own family.\n",
		md ? "\n" : "", r->family, o->alpha);
	for (k = 0; k < r->nr_warnings; k++)
		if (r->warnings[k].loud)
			fprintf(out, md ? "\n> **WARNING:** %s\n" : "\n!!! WARNING: %s\n",
				r->warnings[k].text);
}

static void print_env(FILE *out, const struct cmp_report *r, bool md)
{
	size_t i, j;

	for (i = 0; i < r->nr_env; i++) {
		const struct cmp_env_diff *d = &r->env[i];

		fprintf(out, md ? "- %s`%s`:" : "  %s%s:", d->expected ? "(expected) " : "", d->key);
		for (j = 0; j < r->nr_sides; j++)
			fprintf(out, md ? " %s `%s`%s" : " %s '%s'%s", cmp_run_letter(j),
				d->values[j] ? d->values[j] : "(absent)", j + 1 < r->nr_sides ? "," : "");
		fputc('\n', out);
	}
}

static void print_tail(FILE *out, const struct cmp_report *r, bool md)
{
	char line[1024];
	size_t i, s, k;
	bool first = true;

	fprintf(out, md ? "\n## Verdicts\n\n| scenario | run | verdict |\n| --- | --- | --- |\n" :
		"\nVerdicts:\n");
	for (s = 0; s < r->nr_names; s++)
		for (i = 1; i < r->nr_sides; i++) {
			const struct cmp_pair *pr = cmp_pair_at(r, i, s);

			verdict_line(line, sizeof(line), pr, &r->opts);
			fprintf(out, md ? "| %s | %s | %s%s%s |\n" : "  %-18s %s: %s%s%s\n", pr->name,
				cmp_run_letter(i), pr->verdict != STATS_NO_CHANGE && md ? "**" : "",
				line, pr->verdict != STATS_NO_CHANGE && md ? "**" : "");
			if (!md && pr->state == CMP_COMPARED && pr->hint[0])
				fprintf(out, "  %-18s    hint: %s\n", "", pr->hint);
		}
	fprintf(out, md ? "\n**Result:** " : "\nResult: ");
	if (!r->regression) {
		fprintf(out, "no significant regression\n");
	} else {
		fprintf(out, "significant regression in");
		for (i = 1; i < r->nr_sides; i++)
			for (s = 0; s < r->nr_names; s++)
				if (cmp_pair_at(r, i, s)->verdict == STATS_WORSE) {
					fprintf(out, "%s %s %s", first ? "" : ",", cmp_run_letter(i),
						r->names[s]);
					first = false;
				}
		fputc('\n', out);
	}
	if (r->nr_env) {
		fprintf(out, md ? "\n## Environment differences\n\n" : "\nEnvironment differences:\n");
		print_env(out, r, md);
	}
	if (r->nr_warnings) {
		fprintf(out, md ? "\n## Warnings\n\n" : "\nWarnings:\n");
		for (k = 0; k < r->nr_warnings; k++)
			fprintf(out, md ? "- %s%s\n" : "  %s%s\n",
				r->warnings[k].loud ? (md ? "**WARNING:** " : "WARNING: ") : "",
				r->warnings[k].text);
	}
}

void cmp_print_text(FILE *out, const struct cmp_report *r)
{
	size_t k;

	print_header(out, r, false);
	for (k = 0; k < r->opts.nr_metrics; k++)
		print_table(out, r, r->opts.metrics[k]);
	print_tail(out, r, false);
}

static void md_stat_row(FILE *out, const struct cmp_stat *st, const char *run)
{
	char b[48], n[48], lo[48], p[32], pa[32];
	bool sig = significant(st);

	if (isnan(st->ci_lo))
		snprintf(lo, sizeof(lo), "-");
	else
		snprintf(lo, sizeof(lo), "%.4f..%.4f", st->ci_lo, st->ci_hi);
	fprintf(out, "| %s | %s | %s | %s | %s | ", st->phase, st->metric, run,
		fmt_num(b, sizeof(b), st->base.median), fmt_num(n, sizeof(n), st->new.median));
	if (isnan(st->ratio))
		fprintf(out, "diff %+.4g | ", st->diff);
	else
		fprintf(out, "%s%+.2f%%%s | ", sig ? "**" : "", (st->ratio - 1) * 100, sig ? "**" : "");
	fprintf(out, "%s | %.1f%% / %.1f%% | %s | %s | %s |\n", lo, st->base.cov * 100,
		st->new.cov * 100, fmt_p(p, sizeof(p), st->p), fmt_p(pa, sizeof(pa), st->p_adj),
		st->timed ? stats_verdict_name(st->verdict) : "-");
}

static void md_component_row(FILE *out, const char *metric, const char *side,
			     const struct stats_nested *v)
{
	char w[48], b[48];

	fprintf(out, "| %s | %s | %zu | %zu | %s%% | %s%% |\n", metric, side, v->k, v->n,
		fmt_num(w, sizeof(w), sd_pct(v->sw2)), fmt_num(b, sizeof(b), sd_pct(v->sb2)));
}

/* Per verdict metric and side with >= 2 boots: the spread within and between boots. */
static void md_components(FILE *out, const struct cmp_report *r, size_t s)
{
	const struct cmp_pair *pr;
	const struct cmp_stat *st;
	bool head = false, base_done;
	size_t i, j;

	for (j = 0; j < r->opts.nr_metrics; j++) {
		base_done = false;
		for (i = 1; i < r->nr_sides; i++) {
			st = timed_stat(cmp_pair_at(r, i, s), r->opts.metrics[j]);
			if (!st || !(st->has_var_base || st->has_var_new))
				continue;
			if (!head) {
				fprintf(out, "\nSpread of log values (SD x 100, like a CoV), within a boot and between boots:\n\n| metric | run | boots | repetitions | within-boot SD | between-boot SD |\n| --- | --- | --- | --- | --- | --- |\n");
				head = true;
			}
			if (st->has_var_base && !base_done)
				md_component_row(out, st->metric, "A", &st->var_base);
			base_done |= st->has_var_base;
			if (st->has_var_new)
				md_component_row(out, st->metric, cmp_run_letter(i), &st->var_new);
		}
	}
	for (i = 1; i < r->nr_sides; i++) {
		pr = cmp_pair_at(r, i, s);
		if (pr->state == CMP_COMPARED && pr->hint[0])
			fprintf(out, "\n%s: %s.\n", cmp_run_letter(i), pr->hint);
	}
}

void cmp_print_md(FILE *out, const struct cmp_report *r, bool with_plots)
{
	const struct cmp_pair *pr;
	size_t s, i, j;

	print_header(out, r, true);
	print_tail(out, r, true);
	if (with_plots)
		fprintf(out, "\n## Plots\n\n![ratio of medians, all scenarios](summary.png)\n");
	fprintf(out, "\n## Scenarios\n");
	for (s = 0; s < r->nr_names; s++) {
		pr = cmp_pair_at(r, 1, s);
		fprintf(out, "\n### %s\n\n", r->names[s]);
		if (pr->base && !strcmp(pr->base->status, "complete")) {
			fprintf(out, "kind %s, unit %s, timed phase %s, %zu repetitions in A",
				pr->base->kind, pr->base->unit, pr->base->timed_phase,
				pr->base->nr_reps);
			if (pr->base->nr_boots > 1)
				fprintf(out, " (%zu boots)", pr->base->nr_boots);
			fprintf(out, "\n\n");
		}
		fprintf(out, "| phase | metric | run | A median | median | change | 95%% CI of ratio | CoV A / run | p (%s) | p_adj (Holm) | verdict |\n",
			row_test(r, s));
		fprintf(out, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
		for (i = 1; i < r->nr_sides; i++) {
			pr = cmp_pair_at(r, i, s);
			if (pr->state != CMP_COMPARED) {
				fprintf(out, "| | | %s | | | | | | | | %s |\n", cmp_run_letter(i),
					pr->note);
				continue;
			}
			for (j = 0; j < pr->nr_stats; j++)
				md_stat_row(out, &pr->stats[j], cmp_run_letter(i));
		}
		md_components(out, r, s);
		if (with_plots && pr->state == CMP_COMPARED)
			fprintf(out, "\n![%s throughput](%s-throughput.png) ![%s repetitions](%s-reps.png)\n",
				r->names[s], r->names[s], r->names[s], r->names[s]);
	}
}

/* NaN is not JSON: null. */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *desc_json(const struct stats_desc *d, bool rate)
{
	json_t *o = json_object();

	json_object_set_new(o, "n", json_integer(d->n));
	json_object_set_new(o, "median", num(d->median));
	json_object_set_new(o, rate ? "hmean" : "mean", num(rate ? d->hmean : d->mean));
	json_object_set_new(o, "stddev", num(d->stddev));
	json_object_set_new(o, "cov", num(d->cov));
	json_object_set_new(o, "min", num(d->min));
	json_object_set_new(o, "max", num(d->max));
	return o;
}

static json_t *nested_json(const struct stats_nested *v)
{
	return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "boots", (json_int_t)v->k,
			 "repetitions", (json_int_t)v->n, "within_sd_pct", num(sd_pct(v->sw2)),
			 "between_sd_pct", num(sd_pct(v->sb2)), "within_var", num(v->sw2),
			 "between_var", num(v->sb2), "boot_means_var", num(v->var_means));
}

static json_t *stat_json(const struct cmp_stat *st, bool welch)
{
	json_t *o = json_object();

	json_object_set_new(o, "phase", json_string(st->phase));
	json_object_set_new(o, "metric", json_string(st->metric));
	json_object_set_new(o, "direction", json_string(st->dir == STATS_HIGHER_IS_BETTER ?
							 "higher" : "lower"));
	json_object_set_new(o, "timed", json_boolean(st->timed));
	json_object_set_new(o, "base", desc_json(&st->base, st->rate));
	json_object_set_new(o, "new", desc_json(&st->new, st->rate));
	json_object_set_new(o, "ratio", num(st->ratio));
	json_object_set_new(o, "ci95", json_pack("[oo]", num(st->ci_lo), num(st->ci_hi)));
	if (welch) {
		json_object_set_new(o, "t", num(st->welch.t));
		json_object_set_new(o, "df", num(st->welch.df));
		json_object_set_new(o, "welch_scale", json_string(st->welch_log ? "log" : "linear"));
	} else {
		json_object_set_new(o, "u", json_real(st->mwu.u));
	}
	json_object_set_new(o, "difference", num(st->diff));
	json_object_set_new(o, "p", num(st->p));
	json_object_set_new(o, "p_adj", num(st->p_adj));
	if (!welch)
		json_object_set_new(o, "p_exact", json_boolean(st->mwu.exact));
	json_object_set_new(o, "verdict", st->timed ? json_string(stats_verdict_name(st->verdict)) :
			    json_null());
	json_object_set_new(o, "decides_exit", json_boolean(st->chosen));
	if (st->has_var_base || st->has_var_new) {
		json_t *v = json_object();

		if (st->has_var_base)
			json_object_set_new(v, "base", nested_json(&st->var_base));
		if (st->has_var_new)
			json_object_set_new(v, "new", nested_json(&st->var_new));
		json_object_set_new(o, "variance", v);
	}
	return o;
}

static const char *state_name(enum cmp_state s)
{
	static const char *const names[] = {
		[CMP_COMPARED] = "compared", [CMP_UNSUPPORTED] = "unsupported",
		[CMP_NOT_COMPLETE] = "not complete", [CMP_MISSING] = "missing",
	};

	return names[s];
}

/* What the HTML report and the index show of a run, from its meta.json. */
static void run_extra(json_t *o, const json_t *meta)
{
	const json_t *env = json_object_get(meta, "env");
	static const char *const keys[] = { "started", "status", "vm_type", "emulation" };
	const json_t *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		v = json_object_get(meta, keys[i]);
		if (json_is_string(v))
			json_object_set(o, keys[i], (json_t *)v);
	}
	json_object_set_new(o, "emulated", json_boolean(json_is_true(json_object_get(meta, "emulated"))));
	json_object_set_new(o, "tdx_simulated",
			    json_boolean(json_is_true(json_object_get(meta, "tdx_simulated"))));
	v = json_object_get(json_object_get(env, "host"), "cpu_model");
	if (json_is_string(v))
		json_object_set(o, "host", (json_t *)v);
	v = json_object_get(json_object_get(meta, "septbench"), "argv");
	if (json_is_array(v))
		json_object_set(o, "argv", (json_t *)v);
}

/* A side: its id and first run's fields as before boots, then every run (boot). */
static json_t *side_json(const struct cmp_side *side, const char *letter)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", letter, "run_id", side->id,
			      "dir", side->dir, "kernel", side->kernel, "hook_variant",
			      side->variant, "display_name", side->name), *boots = json_array();
	const struct cmp_run *run;
	size_t b;

	if (side->spec[0])
		json_object_set_new(o, "spec", json_string(side->spec));
	for (b = 0; b < side->nr_runs; b++) {
		run = &side->runs[b];
		json_array_append_new(boots, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s}", "boot",
						       (json_int_t)b, "run_id", run->run_id, "dir",
						       run->dir, "display_name", run->name, "kernel",
						       run->kernel, "build_id", run->build_id[0] ?
						       json_string(run->build_id) : json_null(),
						       "hook_variant", run->variant));
		if (run->label[0])
			json_object_set_new(json_array_get(boots, b), "label", json_string(run->label));
		run_extra(json_array_get(boots, b), run->meta);
	}
	json_object_set_new(o, "boots", boots);
	return o;
}

json_t *cmp_report_json(const struct cmp_report *r)
{
	json_t *doc = json_object(), *runs = json_array(), *cmps = json_array(), *a, *o;
	const struct cmp_opts *o_ = &r->opts;
	size_t i, s, j;

	json_object_set_new(doc, "schema", json_string("septbench-compare/1"));
	json_object_set_new(doc, "kind", json_string(CMP_REPORT_KIND));
	json_object_set_new(doc, "results_schema", json_string(RESULTS_SCHEMA));
	for (i = 0; i < r->nr_sides; i++)
		json_array_append_new(runs, side_json(&r->sides[i], cmp_run_letter(i)));
	json_object_set_new(doc, "runs", runs);
	a = json_array();
	for (i = 0; i < o_->nr_metrics; i++)
		json_array_append_new(a, json_string(o_->metrics[i]));
	json_object_set_new(doc, "settings",
			    json_pack("{s:o, s:f, s:f, s:i, s:I, s:f, s:s, s:I}", "metrics", a,
				      "threshold", o_->threshold, "alpha", o_->alpha, "resamples",
				      (int)o_->resamples, "seed", (json_int_t)o_->seed, "confidence",
				      0.95, "p_adjust", "holm", "family_size",
				      (json_int_t)r->family));
	for (i = 1; i < r->nr_sides; i++) {
		json_t *scen = json_array();

		for (s = 0; s < r->nr_names; s++) {
			const struct cmp_pair *pr = cmp_pair_at(r, i, s);

			o = json_pack("{s:s, s:s}", "scenario", pr->name, "state",
				      state_name(pr->state));
			if (pr->note[0])
				json_object_set_new(o, "note", json_string(pr->note));
			if (pr->state == CMP_COMPARED) {
				json_object_set_new(o, "verdict",
						    json_string(stats_verdict_name(pr->verdict)));
				json_object_set_new(o, "timed_phase", json_string(pr->base->timed_phase));
				json_object_set_new(o, "unit", json_string(pr->base->unit));
				if (pr->params_diff[0])
					json_object_set_new(o, "params_differ",
							    json_string(pr->params_diff));
				json_object_set_new(o, "test", json_string(pr->welch ? "welch-boots" :
									    "mwu"));
				json_object_set_new(o, "boots", json_pack("{s:I, s:I}", "base",
									  (json_int_t)pr->base->nr_boots,
									  "new",
									  (json_int_t)pr->new->nr_boots));
				if (pr->hint[0])
					json_object_set_new(o, "hint", json_string(pr->hint));
				a = json_array();
				for (j = 0; j < pr->nr_stats; j++)
					json_array_append_new(a, stat_json(&pr->stats[j], pr->welch));
				json_object_set_new(o, "stats", a);
			}
			json_array_append_new(scen, o);
		}
		json_array_append_new(cmps, json_pack("{s:s, s:s, s:o}", "base", "A", "new",
						      cmp_run_letter(i), "scenarios", scen));
	}
	json_object_set_new(doc, "comparisons", cmps);
	a = json_array();
	for (i = 0; i < r->nr_env; i++) {
		json_t *vals = json_array();

		for (j = 0; j < r->nr_sides; j++)
			json_array_append_new(vals, r->env[i].values[j] ?
					      json_string(r->env[i].values[j]) : json_null());
		json_array_append_new(a, json_pack("{s:s, s:o, s:b}", "key", r->env[i].key,
						   "values", vals, "expected", r->env[i].expected));
	}
	json_object_set_new(doc, "env_differences", a);
	a = json_array();
	for (i = 0; i < r->nr_warnings; i++)
		json_array_append_new(a, json_string(r->warnings[i].text));
	json_object_set_new(doc, "warnings", a);
	a = json_array();
	for (i = 0; i < r->nr_warnings; i++)
		if (r->warnings[i].loud)
			json_array_append_new(a, json_string(r->warnings[i].text));
	json_object_set_new(doc, "loud_warnings", a);
	json_object_set_new(doc, "regression", json_boolean(r->regression));
	json_object_set_new(doc, "measures_noise", json_boolean(r->noise));
	return doc;
}
