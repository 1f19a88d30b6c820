// SPDX-License-Identifier: GPL-2.0
/*
 * Holm's step-down adjustment of a family of p-values (Holm 1979): controls
 * the family-wise error rate, the chance of any false "significant", under
 * any dependence between the tests.
 */
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static const double *holm_p;

/* Ascending p, ties in input order: qsort is not stable, the index is. */
static int cmp_rank(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = holm_p[i], y = holm_p[j];

	if (x != y)
		return (x > y) - (x < y);
	return (i > j) - (i < j);
}

int stats_holm(const double *p, size_t n, double *adj)
{
	size_t *order, m = 0, i;
	double run = 0, v;

	for (i = 0; i < n; i++)
		if (!isnan(p[i]) && !(p[i] >= 0 && p[i] <= 1))
			return -EINVAL;
	order = malloc((n ? n : 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		adj[i] = NAN;
		if (!isnan(p[i]))
			order[m++] = i;
	}
	holm_p = p;
	qsort(order, m, sizeof(*order), cmp_rank);
	/* The k-th smallest (from 0) times m - k, never below an earlier one. */
	for (i = 0; i < m; i++) {
		v = (double)(m - i) * p[order[i]];
		if (v > run)
			run = v;
		adj[order[i]] = run < 1 ? run : 1;
	}
	free(order);
	return 0;
}
