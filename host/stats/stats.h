/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics for comparing two samples of benchmark figures: descriptive
 * summaries, the Mann-Whitney U test, seeded (hierarchical) bootstrap
 * confidence intervals of the ratio of medians, Welch's t test and the
 * variance components of repetitions nested in boots, Holm's adjustment
 * for many tests, and a direction-aware verdict.  Pure: knows
 * nothing of KVM or of result files.  Definitions: README.md, "Comparing runs".
 */
#ifndef SEPTBENCH_STATS_H
#define SEPTBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stats_desc {
	size_t n;
	double min, max;
	double median;
	double mean;		/* arithmetic */
	double hmean;		/* harmonic; 0 when any value is 0, NaN if any < 0 */
	double stddev;		/* sample (n - 1); 0 when n == 1 */
	double cov;		/* stddev / |mean|; 0 when stddev is 0 */
};

/*
 * Every value finite, and >= 0 when @nonneg (times and rates cannot be
 * negative; NaN means a broken division upstream).  Deltas of gauges,
 * such as mapped pages over a zap, may be negative.
 */
bool stats_valid(const double *x, size_t n, bool nonneg);

/* Summarise x[0..n-1] (n >= 1, stats_valid); -EINVAL otherwise. */
int stats_describe(const double *x, size_t n, bool nonneg, struct stats_desc *d);

/* qsort() comparator for doubles, ascending. */
int stats_cmp_double(const void *a, const void *b);

/* Median of a sorted array (mean of the two middle values when n is even). */
double stats_median_sorted(const double *sorted, size_t n);

struct stats_mwu {
	double u;		/* pairs (a, b) with b > a, ties count 1/2: U of sample b */
	double z;		/* normal score (0 when exact) */
	double p;		/* two-sided */
	bool exact;
};

/* Largest n_a + n_b for the exact distribution (no ties). */
#define STATS_MWU_EXACT_MAX 50

/*
 * Two-sided Mann-Whitney U test of a against b: the exact null distribution
 * without ties and n_a + n_b <= STATS_MWU_EXACT_MAX, else the normal
 * approximation with tie correction and continuity correction.
 */
int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		       struct stats_mwu *res);

/* xoshiro256** seeded through splitmix64: reproducible on every host. */
struct stats_rng {
	uint64_t s[4];
};

void stats_rng_seed(struct stats_rng *r, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *r);
/* Uniform in [0, bound), bound >= 1, without modulo bias. */
uint32_t stats_rng_below(struct stats_rng *r, uint32_t bound);
/* FNV-1a of a string: per-scenario seeds independent of the order. */
uint64_t stats_hash(const char *s, uint64_t h);

/*
 * Percentile bootstrap: resample whole repetitions of both samples, the
 * same resampled repetitions for every metric of a pair (metrics of one
 * repetition are measured together).  A plan holds the metrics' sort
 * orders and is filled once, then run.
 *
 * Repetitions may be nested in boots (Kalibera and Jones, "Rigorous
 * benchmarking in reasonable time", 2013): a sample with nr_boots >= 2
 * is resampled in two stages, nr_boots boots drawn with replacement, then
 * each drawn boot's own repetitions drawn with replacement.  With 0 or 1
 * boot it is one flat stage, draw for draw the same as without boots.
 */
struct stats_boot_sample {
	size_t n;
	const double *x;	/* the values, in repetition order, boot after boot */
	size_t nr_boots;	/* 0 or 1: no nesting */
	const size_t *boot_end;	/* boot k holds x[boot_end[k - 1] .. boot_end[k] - 1] */
	size_t *order;		/* indices sorting x, filled by the plan */
};

struct stats_boot_metric {
	struct stats_boot_sample a, b;
	bool positive;		/* signed values: a resample with a median <= 0 has no ratio */
	double *draws;		/* optional out: every resample's ratio (NaN: none), @resamples */
	/* out: central interval of median(b*)/median(a*) */
	double ratio_lo, ratio_hi;
};

/*
 * For each of the nr metrics (all with the same a.n and b.n, and the
 * same boots), the @level (e.g. 0.95) percentile interval of the ratio of
 * medians over @resamples resamples.  A resample whose base median is 0
 * (or, for a @positive metric, either median <= 0) has no ratio; with
 * fewer than half of them left the bounds are NaN.  0 or -errno.
 */
int stats_bootstrap_ratio(struct stats_boot_metric *m, size_t nr, unsigned int resamples,
			  double level, uint64_t seed);

/* The same for the median of one sample: its own CI (plots). */
int stats_bootstrap_median(const double *x, size_t n, unsigned int resamples, double level,
			   uint64_t seed, double *lo, double *hi);
/* ... of a sample that may be nested in boots (s->order is not used). */
int stats_bootstrap_median_sample(const struct stats_boot_sample *s, unsigned int resamples,
				  double level, uint64_t seed, double *lo, double *hi);

/*
 * Student's t distribution: P(T <= t) with @df > 0 degrees of freedom
 * (real, as Welch's are), through the regularized incomplete beta
 * function I_x(a, b), which is exposed for its tests.  NaN for bad input.
 */
double stats_beta_inc(double x, double a, double b);
double stats_t_cdf(double t, double df);

struct stats_welch {
	double t;		/* (mean(b) - mean(a)) / standard error */
	double df;		/* Welch-Satterthwaite; NaN when the standard error is 0 */
	double p;		/* two-sided */
};

/*
 * Welch's unequal-variance t test of a against b, na, nb >= 2.  Both
 * samples without spread: p = 1 for equal means, 0 otherwise.
 */
int stats_welch(const double *a, size_t na, const double *b, size_t nb, struct stats_welch *res);

/*
 * Repetitions nested in boots (boot_end as in struct stats_boot_sample):
 * the per-boot means, and the variance components of one-way random
 * effects by the method of moments.  Of log(x) when @log (then every x
 * must be > 0): spreads of a ratio.
 */
struct stats_nested {
	size_t k;		/* boots */
	size_t n;		/* repetitions, all boots */
	double sw2;		/* within-boot variance, pooled (N - k df); NaN without such df */
	double sb2;		/* between-boot: var(boot means) - mean(sw2 / n_b), clamped at 0 */
	double var_means;	/* sample variance of the k boot means */
};

int stats_boot_means(const double *x, size_t nr_boots, const size_t *boot_end, bool log,
		     double *means);
int stats_nested(const double *x, size_t nr_boots, const size_t *boot_end, bool log,
		 struct stats_nested *res);

/*
 * Holm's step-down adjustment of the n p-values of one family: sorted
 * ascending, the k-th smallest (k from 1) becomes min(1, max over j <= k of
 * (m - j + 1) p_(j)), m the number of p that are not NaN; NaN stays NaN
 * and is no member of the family.  adj may not alias p.  0, -EINVAL (a p
 * outside [0, 1]) or -ENOMEM.
 */
int stats_holm(const double *p, size_t n, double *adj);

enum stats_direction {
	STATS_LOWER_IS_BETTER,
	STATS_HIGHER_IS_BETTER,
};

enum stats_verdict {
	STATS_NO_CHANGE,
	STATS_BETTER,
	STATS_WORSE,
};

struct stats_verdict_in {
	double ratio;			/* median(new) / median(base) */
	double ci_lo, ci_hi;		/* bootstrap CI of the ratio */
	double p;			/* two-sided test's, adjusted for the family */
	double threshold;		/* smallest change that counts: 0.02 = 2% */
	double alpha;			/* significance level: 0.05 */
	enum stats_direction dir;
};

/*
 * better/worse only when the CI excludes 1, p < alpha and the change is at
 * least the threshold; no change otherwise (including NaN inputs).
 */
enum stats_verdict stats_verdict(const struct stats_verdict_in *in);
const char *stats_verdict_name(enum stats_verdict v);

#endif
