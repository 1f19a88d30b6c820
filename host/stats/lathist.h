/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Summaries of latency histograms (guest/lathist.h): merging per-vCPU
 * histograms and reading percentiles off the buckets.  Pure: knows
 * nothing of KVM or of result files.
 */
#ifndef SEPTBENCH_STATS_LATHIST_H
#define SEPTBENCH_STATS_LATHIST_H

#include "guest/lathist.h"

#include <stdbool.h>

/* Percentiles reported for every histogram, in this order. */
#define LATHIST_NR_QUANTILES 4
extern const double lathist_quantiles[LATHIST_NR_QUANTILES];	/* .5 .9 .99 .999 */
extern const char *const lathist_quantile_names[LATHIST_NR_QUANTILES];

/* What compare takes as latency metrics: the percentiles, max, vcpu_spread. */
#define LATHIST_NR_METRICS 6
extern const char *const lathist_metric_names[LATHIST_NR_METRICS];

struct lathist_summary {
	uint64_t count;
	double min, max, mean;
	double q[LATHIST_NR_QUANTILES];
};

/* Add @src into @dst (both lathist_reset() or filled). */
void lathist_merge(struct lathist *dst, const struct lathist *src);

/*
 * The value at quantile @q (0 < q <= 1): the midpoint of the bucket that
 * holds the ceil(q * count)-th smallest value, clamped to [min, max], so
 * within half a bucket (6.25%) of the true value; max when that value
 * overflowed.  0 when empty.
 */
double lathist_quantile(const struct lathist *h, double q);

/* count, min, max, mean and the percentiles, each times @scale (cycles -> ns). */
void lathist_summarise(const struct lathist *h, double scale, struct lathist_summary *s);

#endif
