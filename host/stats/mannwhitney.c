// SPDX-License-Identifier: GPL-2.0
/*
 * Mann-Whitney U: U counts the pairs (a_i, b_j) with b_j > a_i, a tie
 * counting 1/2; it equals R_b - n_b(n_b + 1)/2 with R_b the sum of b's
 * midranks in the pooled sample.
 */
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct tagged {
	double v;
	bool in_b;
};

static int cmp_tagged(const void *p, const void *q)
{
	double x = ((const struct tagged *)p)->v, y = ((const struct tagged *)q)->v;

	return (x > y) - (x < y);
}

/*
 * Number of ways, for each u in [0, na * nb], that nb of the ranks 1..N
 * (N = na + nb) sum to u + nb(nb + 1)/2: the null distribution of U
 * without ties.  Counted as subset sums over the ranks, in doubles (they
 * reach C(50, 25) ~ 1.3e14, exact in a double).  One table is cached:
 * every metric of a scenario has the same sample sizes.
 */
static double *exact_table(size_t na, size_t nb)
{
	static size_t cached_na, cached_nb;
	static double *cached;
	size_t n = na + nb, max_u = na * nb, i, k, s;
	size_t width = max_u + 1;
	double *f, *row, *prev;

	if (cached && cached_na == na && cached_nb == nb)
		return cached;
	/* f[k][s]: subsets of size k of the ranks seen so far, with
	 * sum(rank - position-in-subset) = s, i.e. U-scale sums. */
	f = calloc((nb + 1) * width, sizeof(*f));
	if (!f)
		return NULL;
	f[0] = 1;
	/* Ranks r = 1..n; the k-th chosen rank r contributes r - k to U. */
	for (i = 1; i <= n; i++) {
		for (k = nb < i ? nb : i; k >= 1; k--) {
			size_t c = i - k;	/* contribution of rank i as k-th */

			row = f + k * width;
			prev = f + (k - 1) * width;
			if (c > max_u)
				continue;
			for (s = max_u; s >= c; s--) {
				row[s] += prev[s - c];
				if (s == 0)
					break;
			}
		}
	}
	free(cached);
	cached = malloc(width * sizeof(*cached));
	if (!cached) {
		free(f);
		return NULL;
	}
	memcpy(cached, f + nb * width, width * sizeof(*cached));
	free(f);
	cached_na = na;
	cached_nb = nb;
	return cached;
}

static double exact_p(size_t na, size_t nb, double u)
{
	double *t = exact_table(na, nb), total = 0, le = 0, ge = 0, p;
	size_t i, max_u = na * nb;

	if (!t)
		return NAN;
	for (i = 0; i <= max_u; i++) {
		total += t[i];
		if (i <= u)
			le += t[i];
		if (i >= u)
			ge += t[i];
	}
	p = 2 * (le < ge ? le : ge) / total;
	return p > 1 ? 1 : p;
}

int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		       struct stats_mwu *res)
{
	double rank_b = 0, ties = 0, mu, sigma2, n, d;
	size_t i, j, t, total = na + nb;
	struct tagged *all;

	memset(res, 0, sizeof(*res));
	if (!na || !nb)
		return -EINVAL;
	for (i = 0; i < na; i++)
		if (isnan(a[i]))
			return -EINVAL;
	for (i = 0; i < nb; i++)
		if (isnan(b[i]))
			return -EINVAL;
	all = malloc(total * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (i = 0; i < na; i++)
		all[i] = (struct tagged){ a[i], false };
	for (i = 0; i < nb; i++)
		all[na + i] = (struct tagged){ b[i], true };
	qsort(all, total, sizeof(*all), cmp_tagged);
	/* Midranks over each run of equal values; sum t^3 - t for ties. */
	for (i = 0; i < total; i = j) {
		double mid;

		for (j = i + 1; j < total && all[j].v == all[i].v; j++)
			;
		t = j - i;
		mid = (i + 1 + j) / 2.0;
		for (size_t k = i; k < j; k++)
			if (all[k].in_b)
				rank_b += mid;
		ties += (double)t * t * t - t;
	}
	free(all);

	res->u = rank_b - nb * (nb + 1) / 2.0;
	mu = na * (double)nb / 2;
	if (ties == 0 && total <= STATS_MWU_EXACT_MAX) {
		res->exact = true;
		res->p = exact_p(na, nb, res->u);
		return isnan(res->p) ? -ENOMEM : 0;
	}
	n = total;
	sigma2 = na * (double)nb / 12 * ((n + 1) - ties / (n * (n - 1)));
	if (sigma2 <= 0) {
		/* Every value equal: nothing to tell the samples apart. */
		res->p = 1;
		return 0;
	}
	/* Continuity correction: U moves in steps of 1/2 or 1. */
	d = fabs(res->u - mu) - 0.5;
	if (d < 0)
		d = 0;
	res->z = copysign(d / sqrt(sigma2), res->u - mu);
	res->p = erfc(d / sqrt(sigma2) / M_SQRT2);
	if (res->p > 1)
		res->p = 1;
	return 0;
}
