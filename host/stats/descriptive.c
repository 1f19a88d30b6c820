// SPDX-License-Identifier: GPL-2.0
/* n, min, max, median, means, stddev, CoV of one sample. */
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool stats_valid(const double *x, size_t n, bool nonneg)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]) || (nonneg && x[i] < 0))
			return false;
	return true;
}

int stats_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double stats_median_sorted(const double *sorted, size_t n)
{
	if (!n)
		return NAN;
	if (n & 1)
		return sorted[n / 2];
	/* Halves first: the sum of two huge values must not overflow. */
	return sorted[n / 2 - 1] / 2 + sorted[n / 2] / 2;
}

int stats_describe(const double *x, size_t n, bool nonneg, struct stats_desc *d)
{
	double sum = 0, inv = 0, ss = 0, dev, *s;
	bool zero = false, neg = false;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (!n || !stats_valid(x, n, nonneg))
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), stats_cmp_double);
	d->n = n;
	d->min = s[0];
	d->max = s[n - 1];
	d->median = stats_median_sorted(s, n);
	free(s);

	for (i = 0; i < n; i++) {
		sum += x[i];
		if (x[i] < 0)
			neg = true;
		else if (x[i] == 0)
			zero = true;
		else
			inv += 1 / x[i];
	}
	d->mean = sum / n;
	/* The limit of n / sum(1/x) as any x goes to 0. */
	d->hmean = neg ? NAN : zero ? 0 : n / inv;
	/* Two passes: exact for equal values, no cancellation. */
	for (i = 0; i < n; i++) {
		dev = x[i] - d->mean;
		ss += dev * dev;
	}
	d->stddev = n > 1 ? sqrt(ss / (n - 1)) : 0;
	d->cov = d->stddev == 0 ? 0 : d->stddev / fabs(d->mean);
	return 0;
}
