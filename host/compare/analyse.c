// SPDX-License-Identifier: GPL-2.0
/*
 * Pairing scenarios of the base side with each new side, and their
 * statistics.  A side's repetitions are nested in boots (one run, one
 * boot): the CI comes from the hierarchical bootstrap, and with two or
 * more boots on both sides the test is Welch's t on the per-boot means,
 * the boot being the experimental unit (repetitions of one boot share its
 * memory layout, so they are not independent draws).
 */
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

	for (i = 0; i < r->nr_sides; i++)
		total += r->sides[i].nr_scen;
	r->names = calloc(total + 1, sizeof(*r->names));
	if (!r->names)
		return -ENOMEM;
	for (i = 0; i < r->nr_sides; i++)
		for (j = 0; j < r->sides[i].nr_scen; j++)
			if (!has_name(r, r->sides[i].scen[j].name))
				r->names[r->nr_names++] = r->sides[i].scen[j].name;
	return 0;
}

static bool all_positive(const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(x[i] > 0))
			return false;
	return true;
}

/*
 * Welch's t on the per-boot means, of log values when all are > 0 (the
 * question is a ratio: a shift in log is a ratio), else of the values.
 */
static int welch_boots(struct cmp_stat *st, const struct cmp_scenario *b,
		       const struct cmp_metric *mb, const struct cmp_scenario *n,
		       const struct cmp_metric *mn)
{
	double *means = malloc((b->nr_boots + n->nr_boots) * sizeof(*means));
	int err;

	if (!means)
		return -ENOMEM;
	st->welch_log = all_positive(mb->x, b->nr_reps) && all_positive(mn->x, n->nr_reps);
	err = stats_boot_means(mb->x, b->nr_boots, b->boot_end, st->welch_log, means);
	if (!err)
		err = stats_boot_means(mn->x, n->nr_boots, n->boot_end, st->welch_log,
				       means + b->nr_boots);
	if (!err)
		err = stats_welch(means, b->nr_boots, means + b->nr_boots, n->nr_boots, &st->welch);
	st->p = st->welch.p;
	free(means);
	return err;
}

/* Within- and between-boot spread of a verdict metric, where it can be told. */
static void variance_components(struct cmp_stat *st, const struct cmp_scenario *b,
				const struct cmp_metric *mb, const struct cmp_scenario *n,
				const struct cmp_metric *mn)
{
	st->has_var_base = b->nr_boots >= 2 && all_positive(mb->x, b->nr_reps) &&
			   !stats_nested(mb->x, b->nr_boots, b->boot_end, true, &st->var_base);
	st->has_var_new = n->nr_boots >= 2 && all_positive(mn->x, n->nr_reps) &&
			  !stats_nested(mn->x, n->nr_boots, n->boot_end, true, &st->var_new);
}

/*
 * The variance of a side's mean of log values is sb2 / k + sw2 / N (k
 * boots, N repetitions in all): more boots shrink both terms, more
 * repetitions only the second.  Whichever dominates says what to add.
 */
static void hint(struct cmp_pair *pr, const struct cmp_stat *st)
{
	const struct stats_nested *v[2] = { st->has_var_base ? &st->var_base : NULL,
					    st->has_var_new ? &st->var_new : NULL };
	double between = 0, within = 0;
	size_t i;

	pr->hint[0] = '\0';
	if (!v[0] && !v[1])
		return;
	for (i = 0; i < 2; i++) {
		if (!v[i])
			continue;
		if (isnan(v[i]->sw2)) {
			snprintf(pr->hint, sizeof(pr->hint),
				 "one repetition per boot: within- and between-boot variance cannot be told apart");
			return;
		}
		between += v[i]->sb2 / v[i]->k;
		within += v[i]->sw2 / v[i]->n;
	}
	if (between + within == 0)
		return;
	snprintf(pr->hint, sizeof(pr->hint), "%s would narrow the CI most (between-boot share of the variance of the mean %.0f%%)",
		 between > within ? "more boots (rounds)" : "more repetitions",
		 100 * between / (between + within));
}

static int compare_pair(struct cmp_report *r, struct cmp_pair *pr, const char *new_id,
			const char *new_letter)
{
	const struct cmp_opts *o = &r->opts;
	struct stats_boot_metric *boot = NULL;
	const struct cmp_phase *pb, *pn;
	const struct cmp_metric *mb, *mn;
	const struct cmp_stat *hinted = NULL;
	size_t i, j, nb = 0, nr = 0;
	struct cmp_stat *st;
	int err;

	pr->welch = pr->base->nr_boots >= 2 && pr->new->nr_boots >= 2;
	r->any_welch |= pr->welch;

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
			if (pr->welch) {
				err = welch_boots(st, pr->base, mb, pr->new, mn);
			} else {
				err = stats_mann_whitney(mb->x, pr->base->nr_reps, mn->x,
							 pr->new->nr_reps, &st->mwu);
				st->p = st->mwu.p;
			}
			if (err)
				goto out;
			if (st->chosen) {
				variance_components(st, pr->base, mb, pr->new, mn);
				if (!hinted && (st->has_var_base || st->has_var_new))
					hinted = st;
			}
			if (st->timed) {
				boot[nb].a = (struct stats_boot_sample){
					.n = pr->base->nr_reps, .x = mb->x,
					.nr_boots = pr->base->nr_boots, .boot_end = pr->base->boot_end,
				};
				boot[nb].b = (struct stats_boot_sample){
					.n = pr->new->nr_reps, .x = mn->x,
					.nr_boots = pr->new->nr_boots, .boot_end = pr->new->boot_end,
				};
				boot[nb].positive = !mb->nonneg;
				nb++;
			}
		}
	}
	if (hinted)
		hint(pr, hinted);
	/* Seeded per scenario and new side: independent of what else is compared. */
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
	size_t nr_pairs = (r->nr_sides - 1) * r->nr_names, i, j, n = 0, total = 0;
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
				p[n++] = st->p;
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
	size_t nr_pairs = (r->nr_sides - 1) * r->nr_names, i, j;
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
	const struct cmp_run *run, *first = &r->sides[0].runs[0];
	size_t i, b, j, k;

	for (i = 0; i < r->nr_sides; i++)
		for (b = 0; b < r->sides[i].nr_runs; b++) {
			run = &r->sides[i].runs[b];
			if (json_is_false(json_object_get(run->meta, "tdp_mmu")))
				cmp_warn_loud(r, "%s (%s) did not measure the TDP MMU (kvm.tdp_mmu=N): its figures are shadow paging's",
					      cmp_run_letter(i), run->run_id);
			if (run != first && strcmp(order_mode(run), order_mode(first)))
				cmp_warn(r, "repetition order differs: A (%s) '%s', %s (%s) '%s': drift and warm-up fall differently on the figures",
					 first->run_id, order_mode(first), cmp_run_letter(i),
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

/* Does any run of @side have meta @key true? */
static bool side_flag(const struct cmp_side *side, const char *key)
{
	size_t b;

	for (b = 0; b < side->nr_runs; b++)
		if (json_is_true(json_object_get(side->runs[b].meta, key)))
			return true;
	return false;
}

/* The TDX module a side ran on: "version (seamldr ...)", or NULL when unknown. */
static char *tdx_module(const struct cmp_side *side)
{
	const json_t *t = json_object_get(json_object_get(side->nr_runs ? side->runs[0].meta : NULL,
							  "env"), "tdx");
	const char *v = json_string_value(json_object_get(t, "module_version"));
	const char *l = json_string_value(json_object_get(t, "seamldr_version"));
	char *out;

	if (!v || !*v)
		return NULL;
	if (asprintf(&out, "%s%s%s%s", v, l ? " (seamldr " : "", l ?: "", l ? ")" : "") < 0)
		return NULL;
	return out;
}

static void tdx_module_warning(struct cmp_report *r)
{
	char *first, *other;
	size_t i;

	first = r->nr_sides ? tdx_module(&r->sides[0]) : NULL;
	for (i = 1; first && i < r->nr_sides; i++) {
		other = tdx_module(&r->sides[i]);
		if (other && strcmp(first, other))
			cmp_warn(r, "%s and %s ran on different TDX modules (%s vs %s): SEAMCALL costs are part of every TDX figure",
				 cmp_run_letter(0), cmp_run_letter(i), first, other);
		free(other);
	}
	free(first);
}

/* A side's emulated S-EPT setting (meta.json "sept_emu"), compact JSON; NULL when none. */
static char *sept_emu_of(const struct cmp_side *side)
{
	const json_t *m = json_object_get(side->nr_runs ? side->runs[0].meta : NULL, "sept_emu");

	return m ? json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

/*
 * The emulated S-EPT's cost is what the run chose it to be (delays per
 * SEAMCALL, injected -EBUSY): figures of two settings, or of an emulated
 * and a real one, are not of one machine.
 */
static void sept_emu_warning(struct cmp_report *r)
{
	char *first, *other;
	size_t i;

	first = r->nr_sides ? sept_emu_of(&r->sides[0]) : NULL;
	for (i = 1; i < r->nr_sides; i++) {
		other = sept_emu_of(&r->sides[i]);
		if ((first || other) && (!first || !other || strcmp(first, other)))
			cmp_warn(r, "%s and %s differ in the emulated S-EPT (meta sept_emu: %s vs %s): its SEAMCALL costs are the delays chosen, not TDX's",
				 cmp_run_letter(0), cmp_run_letter(i), first ?: "none", other ?: "none");
		free(other);
	}
	free(first);
}

static void quality_warnings(struct cmp_report *r)
{
	const struct cmp_metric *m;
	struct stats_desc d;
	size_t i, j, k;

	/* Emulated figures must never be quoted as KVM's speed. */
	for (i = 0; i < r->nr_sides; i++)
		if (side_flag(&r->sides[i], "emulated"))
			cmp_warn(r, "%s was run emulated (QEMU %s, scripts/vmtest): its figures test the tool, not KVM's speed",
				 cmp_run_letter(i),
				 json_string_value(json_object_get(r->sides[i].meta, "emulation")) ?: "");
	for (i = 0; i < r->nr_sides; i++)
		if (side_flag(&r->sides[i], "tdx_simulated"))
			cmp_warn(r, "%s ran a simulated TD (SEPTBENCH_TDX_SIM=1: the shim payload in a default VM): no TDX, no S-EPT; its figures test the tool",
				 cmp_run_letter(i));
	tdx_module_warning(r);
	sept_emu_warning(r);
	for (i = 0; i < r->nr_sides; i++)
		for (j = 0; j < r->sides[i].nr_scen; j++) {
			const struct cmp_scenario *s = &r->sides[i].scen[j];

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

/* The same run twice: one run id, or one folder under two names. */
static bool same_run(const struct cmp_run *x, const struct cmp_run *y)
{
	char *px, *py;
	bool same;

	if (x->run_id[0] && !strcmp(x->run_id, y->run_id))
		return true;
	px = realpath(x->dir, NULL);
	py = realpath(y->dir, NULL);
	same = px && py && !strcmp(px, py);
	free(px);
	free(py);
	return same;
}

/*
 * Kernel identity: one side must be one build (its runs the boots of one
 * kernel), and base and new must be two.
 */
static void build_warnings(struct cmp_report *r)
{
	const struct cmp_run *x, *y;
	size_t i, j, a, b;
	bool same;

	for (i = 0; i < r->nr_sides; i++)
		for (a = 1; a < r->sides[i].nr_runs; a++) {
			x = &r->sides[i].runs[0];
			y = &r->sides[i].runs[a];
			if ((x->build_id[0] && y->build_id[0] && strcmp(x->build_id, y->build_id)) ||
			    strcmp(x->kernel, y->kernel)) {
				cmp_warn_loud(r, "%s mixes kernel builds: run %s is %s (build %.8s), run %s is %s (build %.8s): its boots are not of one kernel",
					      cmp_run_letter(i), x->run_id, x->kernel,
					      x->build_id[0] ? x->build_id : "unknown", y->run_id,
					      y->kernel, y->build_id[0] ? y->build_id : "unknown");
				break;
			}
		}
	for (i = 1; i < r->nr_sides; i++) {
		same = false;
		for (a = 0; a < r->sides[0].nr_runs && !same; a++)
			for (b = 0; b < r->sides[i].nr_runs && !same; b++) {
				x = &r->sides[0].runs[a];
				y = &r->sides[i].runs[b];
				same = same_run(x, y);
			}
		if (same) {
			r->noise = true;
			cmp_warn_loud(r, "A and %s are the same run (%s): the comparison measures noise only, not a kernel change",
				      cmp_run_letter(i), y->run_id);
			continue;
		}
		for (a = 0; a < r->sides[0].nr_runs && !same; a++)
			for (b = 0; b < r->sides[i].nr_runs && !same; b++) {
				x = &r->sides[0].runs[a];
				y = &r->sides[i].runs[b];
				same = x->build_id[0] && !strcmp(x->build_id, y->build_id);
			}
		r->noise |= same;
		if (same)
			cmp_warn_loud(r, "A and %s are the same build (build id %.8s, run %s and run %s): differences are noise, not a kernel change",
				      cmp_run_letter(i), x->build_id, x->run_id, y->run_id);
	}
	/* One side of one boot against several: the U test cannot see boots. */
	for (i = 1; i < r->nr_sides; i++) {
		size_t n = 0, first = 0;

		for (j = 0; j < r->nr_names; j++) {
			const struct cmp_pair *pr = cmp_pair_at(r, i, j);

			if (pr->state == CMP_COMPARED && !pr->welch &&
			    (pr->base->nr_boots >= 2 || pr->new->nr_boots >= 2) && !n++)
				first = j;
		}
		if (n) {
			const struct cmp_pair *pr = cmp_pair_at(r, i, first);
			bool base_one = pr->base->nr_boots < 2;

			cmp_warn(r, "%s has 1 run (boot), %s %zu: between-boot variance cannot be estimated on %s, so the Mann-Whitney U over all repetitions (%zu scenarios) treats repetitions of different boots as independent; more runs of %s allow a test on boots",
				 base_one ? "A" : cmp_run_letter(i), base_one ? cmp_run_letter(i) : "A",
				 base_one ? pr->new->nr_boots : pr->base->nr_boots,
				 base_one ? "A" : cmp_run_letter(i), n,
				 base_one ? "A" : cmp_run_letter(i));
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

	for (i = 0; i < r->nr_sides; i++)
		for (s = 0; s < r->sides[i].nr_notes; s++)
			cmp_warn(r, "%s", r->sides[i].notes[s]);
	err = collect_names(r);
	if (err)
		return err;
	r->pairs = calloc((r->nr_sides - 1) * r->nr_names + 1, sizeof(*r->pairs));
	if (!r->pairs)
		return -ENOMEM;
	for (i = 1; i < r->nr_sides; i++)
		for (s = 0; s < r->nr_names; s++) {
			pr = cmp_pair_at(r, i, s);
			pr->name = r->names[s];
			pr->base = cmp_side_find(&r->sides[0], pr->name);
			pr->new = cmp_side_find(&r->sides[i], pr->name);
			describe_state(pr, cmp_run_letter(i));
			if (pr->state == CMP_NOT_COMPLETE)
				cmp_warn(r, "%s: not compared: %s", pr->name, pr->note);
			if (pr->state != CMP_COMPARED)
				continue;
			cmp_params_diff(pr->base, pr->new, pr->params_diff, sizeof(pr->params_diff));
			if (pr->params_diff[0])
				cmp_warn(r, "%s: parameters differ between A and %s: %s", pr->name,
					 cmp_run_letter(i), pr->params_diff);
			if (strcmp(pr->base->timed_phase, pr->new->timed_phase))
				cmp_warn(r, "%s: timed phase is '%s' in A but '%s' in %s", pr->name,
					 pr->base->timed_phase, pr->new->timed_phase,
					 cmp_run_letter(i));
			err = compare_pair(r, pr, r->sides[i].id, cmp_run_letter(i));
			if (err)
				return err;
		}
	err = verdicts(r);
	if (err)
		return err;
	build_warnings(r);
	run_warnings(r);
	quality_warnings(r);
	return 0;
}

void cmp_report_free(struct cmp_report *r)
{
	size_t i, j;

	for (i = 0; r->pairs && i < (r->nr_sides - 1) * r->nr_names; i++)
		free(r->pairs[i].stats);
	free(r->pairs);
	free(r->names);
	for (i = 0; i < r->nr_warnings; i++)
		free(r->warnings[i].text);
	free(r->warnings);
	for (i = 0; i < r->nr_env; i++) {
		free(r->env[i].key);
		for (j = 0; j < r->nr_sides; j++)
			free(r->env[i].values[j]);
		free(r->env[i].values);
	}
	free(r->env);
	for (i = 0; i < r->nr_sides; i++)
		cmp_side_free(&r->sides[i]);
}
