// SPDX-License-Identifier: GPL-2.0
/* Pairing scenarios of the base with each new run, and their statistics. */
#include "compare/compare.h"
#include "lib/util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Fewer repetitions than this, or more noise, and the report says so. */
#define MIN_REPS 5
#define MAX_COV 0.05

static void add_warning(struct cmp_report *r, bool loud, const char *fmt, va_list ap)
{
	struct cmp_warning *tmp;
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	tmp = realloc(r->warnings, (r->nr_warnings + 1) * sizeof(*tmp));
	if (!tmp) {
		free(msg);
		return;
	}
	r->warnings = tmp;
	r->warnings[r->nr_warnings++] = (struct cmp_warning){ .text = msg, .loud = loud };
}

void cmp_warn(struct cmp_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_warning(r, false, fmt, ap);
	va_end(ap);
}

void cmp_warn_loud(struct cmp_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_warning(r, true, fmt, ap);
	va_end(ap);
}

const char *cmp_run_letter(size_t i)
{
	static const char *const letters[] = {
		"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
		"N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
	};

	return i < ARRAY_SIZE(letters) ? letters[i] : "?";
}

static bool chosen(const struct cmp_opts *o, const char *metric)
{
	size_t i;

	for (i = 0; i < o->nr_metrics; i++)
		if (!strcmp(o->metrics[i], metric))
			return true;
	return false;
}

static bool has_name(const struct cmp_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nr_names; i++)
		if (!strcmp(r->names[i], name))
			return true;
	return false;
}

static int collect_names(struct cmp_report *r)
{
	size_t total = 0, i, j;

	for (i = 0; i < r->nr_runs; i++)
		total += r->runs[i].nr_scen;
	r->names = calloc(total + 1, sizeof(*r->names));
	if (!r->names)
		return -ENOMEM;
	for (i = 0; i < r->nr_runs; i++)
		for (j = 0; j < r->runs[i].nr_scen; j++)
			if (!has_name(r, r->runs[i].scen[j].name))
				r->names[r->nr_names++] = r->runs[i].scen[j].name;
	return 0;
}

/* Which params keys differ, for the warning. */
static void params_diff(const struct cmp_scenario *b, const struct cmp_scenario *n, char *buf,
			size_t size)
{
	const char *key;
	json_t *v;
	size_t len = 0;

	buf[0] = '\0';
	if (json_equal(b->params, n->params) || (!b->params && !n->params))
		return;
	json_object_foreach(b->params, key, v)
		if (!json_equal(v, json_object_get(n->params, key)) && len < size)
			len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "", key);
	json_object_foreach(n->params, key, v)
		if (!json_object_get(b->params, key) && len < size)
			len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "", key);
	if (!buf[0])
		snprintf(buf, size, "params");
}

static int compare_pair(struct cmp_report *r, struct cmp_pair *pr, const char *new_id,
			const char *new_letter)
{
	const struct cmp_opts *o = &r->opts;
	struct stats_boot_metric *boot = NULL;
	const struct cmp_phase *pb, *pn;
	const struct cmp_metric *mb, *mn;
	size_t i, j, nb = 0, nr = 0;
	struct cmp_stat *st;
	int err;

	for (i = 0; i < pr->base->nr_phases; i++)
		nr += pr->base->phases[i].nr_metrics;
	pr->stats = calloc(nr ? nr : 1, sizeof(*pr->stats));
	boot = calloc(nr ? nr : 1, sizeof(*boot));
	if (!pr->stats || !boot) {
		free(boot);
		return -ENOMEM;
	}
	for (i = 0; i < pr->base->nr_phases; i++) {
		pb = &pr->base->phases[i];
		pn = cmp_phase_find(pr->new, pb->name);
		for (j = 0; pn && j < pb->nr_metrics; j++) {
			mb = &pb->metrics[j];
			mn = cmp_metric_find(pn, mb->name);
			if (!mn)
				continue;
			st = &pr->stats[pr->nr_stats];
			st->phase = pb->name;
			st->metric = mb->name;
			st->dir = mb->dir;
			st->rate = mb->rate;
			st->timed = !strcmp(pb->name, pr->base->timed_phase);
			st->chosen = st->timed && chosen(o, mb->name);
			if (stats_describe(mb->x, pr->base->nr_reps, mb->nonneg, &st->base) ||
			    stats_describe(mn->x, pr->new->nr_reps, mn->nonneg, &st->new)) {
				cmp_warn(r, "%s: %s %s: invalid values (NaN, infinite or negative), skipped",
					 pr->name, pb->name, mb->name);
				continue;
			}
			pr->nr_stats++;
			st->nonneg = mb->nonneg;
			st->diff = st->new.median - st->base.median;
			st->ratio = st->base.median > 0 && (st->nonneg || st->new.median > 0) ?
				    st->new.median / st->base.median : NAN;
			st->ci_lo = st->ci_hi = st->p_adj = NAN;
			err = stats_mann_whitney(mb->x, pr->base->nr_reps, mn->x, pr->new->nr_reps,
						 &st->mwu);
			if (err)
				goto out;
			if (st->timed) {
				boot[nb].a = (struct stats_boot_sample){ .n = pr->base->nr_reps, .x = mb->x };
				boot[nb].b = (struct stats_boot_sample){ .n = pr->new->nr_reps, .x = mn->x };
				boot[nb].positive = !mb->nonneg;
				nb++;
			}
		}
	}
	/* Seeded per scenario and run: independent of what else is compared. */
	err = stats_bootstrap_ratio(boot, nb, o->resamples, 0.95,
				    stats_hash(new_id, stats_hash(pr->name, o->seed)));
	if (err)
		goto out;
	for (i = 0, j = 0; i < pr->nr_stats; i++) {
		st = &pr->stats[i];
		if (!st->timed)
			continue;
		st->ci_lo = boot[j].ratio_lo;
		st->ci_hi = boot[j].ratio_hi;
		j++;
		if (!isnan(st->ratio) || st->nonneg)
			continue;
		/* A ratio of signed medians means nothing: the difference only. */
		st->ci_lo = st->ci_hi = NAN;
		/* Said for the figures asked for, not for every KVM stat that stays 0. */
		if (st->chosen || !strncmp(st->metric, "derived.", 8))
				cmp_warn(r, "%s: %s %s: median <= 0 (A %.4g, %s %.4g): difference %+.4g shown, no ratio, no verdict",
				 pr->name, st->phase, st->metric, st->base.median, new_letter,
				 st->new.median, st->diff);
	}
out:
	free(boot);
	return err;
}

/*
 * Holm over one family of timed tests: the chosen metrics of every
 * scenario and new run together (@metric NULL: the one the exit status
 * answers), or one other metric across them.
 */
static int adjust_family(struct cmp_report *r, const char *metric)
{
	size_t nr_pairs = (r->nr_runs - 1) * r->nr_names, i, j, n = 0, total = 0;
	struct cmp_stat **member, *st;
	double *p, *adj;
	int err = -ENOMEM;

	for (i = 0; i < nr_pairs; i++)
		total += r->pairs[i].nr_stats;
	member = calloc(total + 1, sizeof(*member));
	p = calloc(total + 1, sizeof(*p));
	adj = calloc(total + 1, sizeof(*adj));
	if (!member || !p || !adj)
		goto out;
	for (i = 0; i < nr_pairs; i++)
		for (j = 0; r->pairs[i].state == CMP_COMPARED && j < r->pairs[i].nr_stats; j++) {
			st = &r->pairs[i].stats[j];
			if (st->timed && !st->adjusted && st->chosen == !metric &&
			    (!metric || !strcmp(st->metric, metric))) {
				member[n] = st;
				p[n++] = st->mwu.p;
			}
		}
	if (!metric)
		r->family = n;
	err = stats_holm(p, n, adj);
	for (i = 0; !err && i < n; i++) {
		member[i]->p_adj = adj[i];
		member[i]->adjusted = true;
	}
out:
	free(member);
	free(p);
	free(adj);
	return err;
}

/* Verdicts on adjusted p, once every pair has its raw p. */
static int verdicts(struct cmp_report *r)
{
	size_t nr_pairs = (r->nr_runs - 1) * r->nr_names, i, j;
	struct cmp_pair *pr;
	struct cmp_stat *st;
	int err;

	err = adjust_family(r, NULL);
	for (i = 0; !err && i < nr_pairs; i++)
		for (j = 0; !err && r->pairs[i].state == CMP_COMPARED && j < r->pairs[i].nr_stats; j++) {
			st = &r->pairs[i].stats[j];
			if (st->timed && !st->adjusted)
				err = adjust_family(r, st->metric);
		}
	for (i = 0; !err && i < nr_pairs; i++) {
		pr = &r->pairs[i];
		pr->verdict = STATS_NO_CHANGE;
		for (j = 0; pr->state == CMP_COMPARED && j < pr->nr_stats; j++) {
			struct stats_verdict_in in;

			st = &pr->stats[j];
			if (!st->timed)
				continue;
			in = (struct stats_verdict_in){
				.ratio = st->ratio, .ci_lo = st->ci_lo, .ci_hi = st->ci_hi,
				.p = st->p_adj, .threshold = r->opts.threshold,
				.alpha = r->opts.alpha, .dir = st->dir,
			};
			st->verdict = stats_verdict(&in);
			if (!st->chosen || st->verdict == STATS_NO_CHANGE)
				continue;
			if (st->verdict == STATS_WORSE)
				pr->verdict = STATS_WORSE;
			else if (pr->verdict != STATS_WORSE)
				pr->verdict = STATS_BETTER;
		}
		if (pr->verdict == STATS_WORSE)
			r->regression = true;
	}
	return err;
}

static const char *order_mode(const struct cmp_run *run)
{
	return json_string_value(json_object_get(json_object_get(run->meta, "order"), "mode")) ?:
	       "(not recorded)";
}

/*
 * What the runs say about themselves: the engine's warnings per scenario,
 * a KVM on shadow paging, repetitions ordered differently.
 */
static void run_warnings(struct cmp_report *r)
{
	const struct cmp_run *run;
	size_t i, j, k;

	for (i = 0; i < r->nr_runs; i++) {
		run = &r->runs[i];
		if (json_is_false(json_object_get(run->meta, "tdp_mmu")))
			cmp_warn_loud(r, "%s (%s) did not measure the TDP MMU (kvm.tdp_mmu=N): its figures are shadow paging's",
				      cmp_run_letter(i), run->run_id);
		if (i && strcmp(order_mode(run), order_mode(&r->runs[0])))
			cmp_warn(r, "repetition order differs: A (%s) '%s', %s (%s) '%s': drift and warm-up fall differently on the figures",
				 r->runs[0].run_id, order_mode(&r->runs[0]), cmp_run_letter(i),
				 run->run_id, order_mode(run));
		for (j = 0; j < run->nr_scen; j++) {
			json_t *w = json_object_get(run->scen[j].doc, "warnings");

			for (k = 0; k < json_array_size(w); k++)
				cmp_warn(r, "%s: %s (%s) warns: %s", run->scen[j].name,
					 cmp_run_letter(i), run->run_id,
					 json_string_value(json_array_get(w, k)));
		}
	}
}

static void quality_warnings(struct cmp_report *r)
{
	const struct cmp_metric *m;
	struct stats_desc d;
	size_t i, j, k;

	/* Emulated figures must never be quoted as KVM's speed. */
	for (i = 0; i < r->nr_runs; i++)
		if (json_is_true(json_object_get(r->runs[i].meta, "emulated")))
			cmp_warn(r, "%s was run emulated (QEMU %s, scripts/vmtest): its figures test the tool, not KVM's speed",
				 cmp_run_letter(i),
				 json_string_value(json_object_get(r->runs[i].meta, "emulation")) ?: "");
	for (i = 0; i < r->nr_runs; i++)
		if (json_is_true(json_object_get(r->runs[i].meta, "tdx_simulated")))
			cmp_warn(r, "%s ran a simulated TD (SEPTBENCH_TDX_SIM=1: the shim payload in a default VM): no TDX, no S-EPT; its figures test the tool",
				 cmp_run_letter(i));
	for (i = 0; i < r->nr_runs; i++)
		for (j = 0; j < r->runs[i].nr_scen; j++) {
			const struct cmp_scenario *s = &r->runs[i].scen[j];

			if (strcmp(s->status, "complete"))
				continue;
			if (s->nr_reps < MIN_REPS)
				cmp_warn(r, "%s: %s has %zu repetitions (fewer than %d: weak statistics)",
					 s->name, cmp_run_letter(i), s->nr_reps, MIN_REPS);
			for (k = 0; k < r->opts.nr_metrics; k++) {
				m = cmp_metric_find(cmp_phase_find(s, s->timed_phase), r->opts.metrics[k]);
				if (m && !stats_describe(m->x, s->nr_reps, m->nonneg, &d) &&
				    d.cov > MAX_COV)
					cmp_warn(r, "%s: %s %s is noisy: CoV %.1f%% (above %.0f%%)",
						 s->name, cmp_run_letter(i), m->name, d.cov * 100,
						 MAX_COV * 100);
			}
		}
}

static void describe_state(struct cmp_pair *pr, const char *new_letter)
{
	const struct cmp_scenario *b = pr->base, *n = pr->new;

	if (!b || !n) {
		pr->state = CMP_MISSING;
		snprintf(pr->note, sizeof(pr->note), "only in %s", b ? "A" : new_letter);
	} else if (!strcmp(b->status, "unsupported") || !strcmp(n->status, "unsupported")) {
		pr->state = CMP_UNSUPPORTED;
		snprintf(pr->note, sizeof(pr->note), "%s", !strcmp(b->status, "unsupported") ?
			 b->reason : n->reason);
	} else if (strcmp(b->status, "complete") || strcmp(n->status, "complete")) {
		pr->state = CMP_NOT_COMPLETE;
		snprintf(pr->note, sizeof(pr->note), "%s %s%s%s", strcmp(b->status, "complete") ?
			 "A" : new_letter,
			 strcmp(b->status, "complete") ? b->status : n->status,
			 (strcmp(b->status, "complete") ? b->reason : n->reason)[0] ? ": " : "",
			 strcmp(b->status, "complete") ? b->reason : n->reason);
	} else {
		pr->state = CMP_COMPARED;
	}
}

int cmp_analyse(struct cmp_report *r)
{
	struct cmp_pair *pr;
	size_t i, s;
	int err;

	err = collect_names(r);
	if (err)
		return err;
	r->pairs = calloc((r->nr_runs - 1) * r->nr_names + 1, sizeof(*r->pairs));
	if (!r->pairs)
		return -ENOMEM;
	for (i = 1; i < r->nr_runs; i++)
		for (s = 0; s < r->nr_names; s++) {
			pr = cmp_pair_at(r, i, s);
			pr->name = r->names[s];
			pr->base = cmp_run_find(&r->runs[0], pr->name);
			pr->new = cmp_run_find(&r->runs[i], pr->name);
			describe_state(pr, cmp_run_letter(i));
			if (pr->state == CMP_NOT_COMPLETE)
				cmp_warn(r, "%s: not compared: %s", pr->name, pr->note);
			if (pr->state != CMP_COMPARED)
				continue;
			params_diff(pr->base, pr->new, pr->params_diff, sizeof(pr->params_diff));
			if (pr->params_diff[0])
				cmp_warn(r, "%s: parameters differ between A and %s: %s", pr->name,
					 cmp_run_letter(i), pr->params_diff);
			if (strcmp(pr->base->timed_phase, pr->new->timed_phase))
				cmp_warn(r, "%s: timed phase is '%s' in A but '%s' in %s", pr->name,
					 pr->base->timed_phase, pr->new->timed_phase,
					 cmp_run_letter(i));
			err = compare_pair(r, pr, r->runs[i].run_id, cmp_run_letter(i));
			if (err)
				return err;
		}
	err = verdicts(r);
	if (err)
		return err;
	run_warnings(r);
	quality_warnings(r);
	return 0;
}

void cmp_report_free(struct cmp_report *r)
{
	size_t i, j;

	for (i = 0; r->pairs && i < (r->nr_runs - 1) * r->nr_names; i++)
		free(r->pairs[i].stats);
	free(r->pairs);
	free(r->names);
	for (i = 0; i < r->nr_warnings; i++)
		free(r->warnings[i].text);
	free(r->warnings);
	for (i = 0; i < r->nr_env; i++) {
		free(r->env[i].key);
		for (j = 0; j < r->nr_runs; j++)
			free(r->env[i].values[j]);
		free(r->env[i].values);
	}
	free(r->env);
	for (i = 0; i < r->nr_runs; i++)
		cmp_run_free(&r->runs[i]);
}
