/* SPDX-License-Identifier: GPL-2.0 */
/*
 * septbench compare: result folders in (schema septbench/1, see
 * results/README.md), grouped into sides (one or more runs of one kernel
 * build, each run one boot), statistics per scenario, phase and metric, a
 * report (text, Markdown, JSON) and gnuplot plots out.
 */
#ifndef SEPTBENCH_COMPARE_H
#define SEPTBENCH_COMPARE_H

#include "stats/stats.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * report.json's "kind": what marks a folder as a compare output, the only
 * kind of folder compare ever replaces (with --force).
 */
#define CMP_REPORT_KIND "septbench-compare"

/* One metric of one phase over the repetitions of one scenario. */
struct cmp_metric {
	char name[96];		/* ns_per_op, ops_per_s, ns, vm.<stat>, vcpu.<stat> */
	enum stats_direction dir;
	bool rate;		/* summarised by its harmonic mean */
	bool nonneg;		/* negative values are invalid */
	double *x;		/* one value per repetition */
};

struct cmp_phase {
	char name[64];
	size_t nr_metrics;
	struct cmp_metric *metrics;
};

struct cmp_scenario {
	char name[128];
	char status[32];
	char reason[256];
	char kind[32];
	char timed_phase[64];
	char unit[32];
	json_t *params;		/* borrowed from the run's documents */
	json_t *doc;		/* the whole scenario document, borrowed */
	size_t nr_reps;
	size_t nr_phases;	/* the timed phase first */
	struct cmp_phase *phases;
	/*
	 * A side's scenario: its repetitions come boot after boot, boot k
	 * (from the side's run boot_run[k]) holding those up to boot_end[k].
	 * 0 boots in a run's own scenarios.
	 */
	size_t nr_boots;
	size_t *boot_end;
	size_t *boot_run;
};

/* One results folder: one boot of one kernel build. */
struct cmp_run {
	char dir[4096];
	char run_id[256];
	char kernel[256];	/* env.host.kernel_release */
	char variant[32];	/* env.hooks.variant */
	char label[80];		/* meta "label", else the run id's label suffix; "" if none */
	char build_id[48];	/* env.kernel.build_id; "" when absent or null */
	char name[256];		/* what the report calls it: label, short build id or run id */
	json_t *meta;
	json_t *docs;		/* every scenario document, kept for params */
	size_t nr_scen;
	struct cmp_scenario *scen;
};

/* Load and validate a results folder; false with one line in err. */
bool cmp_run_load(struct cmp_run *run, const char *dir, bool allow_incomplete,
		  char *err, size_t err_size);
void cmp_run_free(struct cmp_run *run);
void cmp_scenario_free(struct cmp_scenario *s);
const struct cmp_scenario *cmp_run_find(const struct cmp_run *run, const char *name);
const struct cmp_scenario *cmp_scenario_find(const struct cmp_scenario *scen, size_t n,
					     const char *name);

/*
 * A side of the comparison: the runs of one kernel build (the boots of
 * an A/B sequence, or one run), their scenarios merged: repetitions of
 * all its runs, tagged by boot.  dir, kernel, variant and meta are its
 * first run's.
 */
struct cmp_side {
	char id[300];		/* first run id, "+<n>" for n more: seeds, output name */
	char name[300];		/* the runs' names, for tables and plots */
	char spec[256];		/* how an A/B plan named it ("old", a bzImage...), or "" */
	const char *dir, *kernel, *variant;
	json_t *meta;
	size_t nr_runs;
	struct cmp_run *runs;	/* owned */
	size_t nr_scen;
	struct cmp_scenario *scen;
	char **notes;		/* what merging found (left-out runs, params), for the warnings */
	size_t nr_notes;
};

/*
 * Merge the scenarios of side->runs (loaded, nr_runs >= 1); @letter names
 * the side in the notes.  -ENOMEM or 0.
 */
int cmp_side_build(struct cmp_side *side, const char *letter);
/* The params keys that differ between two scenarios, ", "-separated; "" if none. */
void cmp_params_diff(const struct cmp_scenario *b, const struct cmp_scenario *n, char *buf,
		     size_t size);
void cmp_side_free(struct cmp_side *side);
const struct cmp_scenario *cmp_side_find(const struct cmp_side *side, const char *name);

/*
 * An A/B folder written by scripts/ab: plan.json ("kind": "septbench-ab")
 * names the runs of each side, in the order they ran.
 */
#define CMP_AB_KIND "septbench-ab"
#define CMP_AB_SCHEMA "septbench-ab/1"

struct cmp_ab_plan {
	char id[256];
	char spec[2][256];	/* sides A and B */
	char **runs[2];		/* paths of the runs used, ABDIR/<run> */
	size_t nr_runs[2];
};

/* Has @dir a plan.json? */
bool cmp_ab_is_plan_dir(const char *dir);
/*
 * Read @dir/plan.json: the "done" steps of each side (and "incomplete"
 * ones with @allow_incomplete).  False with one line in err.
 */
bool cmp_ab_load(struct cmp_ab_plan *plan, const char *dir, bool allow_incomplete, char *err,
		 size_t err_size);
void cmp_ab_free(struct cmp_ab_plan *plan);
const struct cmp_phase *cmp_phase_find(const struct cmp_scenario *s, const char *name);
const struct cmp_metric *cmp_metric_find(const struct cmp_phase *p, const char *name);

struct cmp_opts {
	double threshold;	/* fraction: 0.02 */
	double alpha;
	unsigned int resamples;
	unsigned long long seed;
	const char *metrics[16];	/* verdict metrics, timed phase */
	size_t nr_metrics;
};

/* One metric compared: base vs one new run. */
struct cmp_stat {
	const char *phase, *metric;
	bool timed;		/* of the timed phase: has a CI and a verdict */
	bool chosen;		/* one of --metric: decides the exit status */
	enum stats_direction dir;
	bool rate;
	bool nonneg;		/* as the metric's: false for signed ones (derived.*) */
	struct stats_desc base, new;
	double ratio, ci_lo, ci_hi;
	double diff;		/* median(new) - median(base) */
	double p;		/* two-sided, of the pair's test: mwu.p or welch.p */
	struct stats_mwu mwu;
	struct stats_welch welch;
	bool welch_log;		/* Welch on means of log values (all > 0), else of the values */
	/* Variance components (log scale) of a verdict metric, sides with >= 2 boots. */
	bool has_var_base, has_var_new;
	struct stats_nested var_base, var_new;
	double p_adj;		/* Holm-adjusted within its family; NaN outside the timed phase */
	bool adjusted;
	enum stats_verdict verdict;
};

enum cmp_state {
	CMP_COMPARED,
	CMP_UNSUPPORTED,	/* in either run */
	CMP_NOT_COMPLETE,	/* error or incomplete in either run */
	CMP_MISSING,		/* absent from one run */
};

struct cmp_pair {
	const char *name;
	const struct cmp_scenario *base, *new;
	enum cmp_state state;
	char note[512];
	size_t nr_stats;
	struct cmp_stat *stats;
	enum stats_verdict verdict;	/* on the chosen metrics */
	char params_diff[512];		/* non-empty when params differ */
	/*
	 * Welch's t on per-boot means when both sides have >= 2 boots (the
	 * boot is the unit), else Mann-Whitney U on the repetitions.
	 */
	bool welch;
	char hint[128];			/* where more runs would narrow the CI; "" if unknown */
};

struct cmp_env_diff {
	char *key;
	char **values;		/* one per run; NULL when absent */
	bool expected;		/* the hook variant: the point of the comparison */
};

struct cmp_warning {
	char *text;
	bool loud;		/* the figures are not what they seem: above the tables, on stderr */
};

struct cmp_report {
	struct cmp_opts opts;
	struct cmp_side *sides;	/* sides[0] is the base */
	size_t nr_sides;
	const char **names;	/* scenario names: base order, then new ones */
	size_t nr_names;
	struct cmp_pair *pairs;	/* [(side - 1) * nr_names + scenario] */
	struct cmp_warning *warnings;
	size_t nr_warnings;
	struct cmp_env_diff *env;
	size_t nr_env;
	bool regression;	/* a chosen metric is worse in some new side */
	size_t family;		/* tests of the chosen metrics, all scenarios and sides */
	bool any_welch;		/* some pair used Welch's t */
	bool noise;		/* A and a new side are the same run or build */
	int argc;		/* the compare command line, for the report */
	char **argv;
};

static inline struct cmp_pair *cmp_pair_at(const struct cmp_report *r, size_t side, size_t s)
{
	return &r->pairs[(side - 1) * r->nr_names + s];
}

/* Statistics for every pair; -errno on allocation failure. */
int cmp_analyse(struct cmp_report *r);
void cmp_report_free(struct cmp_report *r);
void cmp_warn(struct cmp_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmp_warn_loud(struct cmp_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Differences between the sides' environments (meta.json of every run). */
int cmp_env_diff(struct cmp_report *r);

void cmp_print_text(FILE *out, const struct cmp_report *r);
void cmp_print_md(FILE *out, const struct cmp_report *r, bool with_plots);
json_t *cmp_report_json(const struct cmp_report *r);

/*
 * TSV data and gnuplot PNG + SVG in dir, templates from scripts/plots.
 * Missing gnuplot is a warning, not an error.  0 or -errno.
 */
int cmp_plots(struct cmp_report *r, const char *dir);

/*
 * Run `gnuplot plots.gp` in @dir (output to gnuplot.log there): gnuplot's
 * exit status, 127 when there is no gnuplot, or -errno.
 */
int cmp_plots_draw(const char *dir);

/* Short side names for tables: "A", "B", ... */
const char *cmp_run_letter(size_t i);

#endif
