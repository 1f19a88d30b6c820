// SPDX-License-Identifier: GPL-2.0
#include "stats/lathist.h"

#include <math.h>

const double lathist_quantiles[LATHIST_NR_QUANTILES] = { 0.5, 0.9, 0.99, 0.999 };
const char *const lathist_quantile_names[LATHIST_NR_QUANTILES] = { "p50", "p90", "p99", "p99.9" };
const char *const lathist_metric_names[LATHIST_NR_METRICS] = {
	"p50", "p90", "p99", "p99.9", "max", "vcpu_spread",
};

void lathist_merge(struct lathist *dst, const struct lathist *src)
{
	uint32_t i;

	if (!src->count)
		return;
	dst->count += src->count;
	dst->sum += src->sum;
	dst->overflow += src->overflow;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	for (i = 0; i < LATHIST_NR_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

double lathist_quantile(const struct lathist *h, double q)
{
	uint64_t rank, seen = 0;
	double lo, hi, mid;
	uint32_t b;

	if (!h->count)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (b = 0; b < LATHIST_NR_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= rank)
			break;
	}
	if (b == LATHIST_NR_BUCKETS)
		return (double)h->max;
	lo = (double)lathist_bucket_low(b);
	hi = b + 1 < LATHIST_NR_BUCKETS ? (double)lathist_bucket_low(b + 1) :
		ldexp(1.0, LATHIST_MAX_SHIFT);
	mid = (lo + hi - 1) / 2;
	if (mid < (double)h->min)
		mid = (double)h->min;
	if (mid > (double)h->max)
		mid = (double)h->max;
	return mid;
}

void lathist_summarise(const struct lathist *h, double scale, struct lathist_summary *s)
{
	int i;

	s->count = h->count;
	s->min = h->count ? (double)h->min * scale : 0;
	s->max = (double)h->max * scale;
	s->mean = h->count ? (double)h->sum / (double)h->count * scale : 0;
	for (i = 0; i < LATHIST_NR_QUANTILES; i++)
		s->q[i] = lathist_quantile(h, lathist_quantiles[i]) * scale;
}
