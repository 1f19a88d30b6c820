// SPDX-License-Identifier: GPL-2.0
/*
 * Welch's t test and the Student t distribution it needs.  The t CDF is
 * the regularized incomplete beta function, P(|T| > t) = I_x(df/2, 1/2)
 * with x = df / (df + t^2), evaluated by its continued fraction (modified
 * Lentz), which converges fast for x < (a + 1) / (a + b + 2); the other
 * side comes from I_x(a, b) = 1 - I_(1-x)(b, a).
 */
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define CF_EPS 1e-15
#define CF_TINY 1e-300
#define CF_MAX_ITER 1000

static double guard(double v)
{
	return fabs(v) < CF_TINY ? CF_TINY : v;
}

/* The continued fraction of I_x(a, b) without its front factor. */
static double beta_cf(double x, double a, double b)
{
	double c = 1, d = 1 / guard(1 - (a + b) * x / (a + 1)), h = d, coef, step;
	int m;

	for (m = 1; m <= CF_MAX_ITER; m++) {
		/* Even term d_2m, then odd term d_2m+1. */
		coef = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 / guard(1 + coef * d);
		c = guard(1 + coef / c);
		h *= d * c;
		coef = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 / guard(1 + coef * d);
		c = guard(1 + coef / c);
		step = d * c;
		h *= step;
		if (fabs(step - 1) < CF_EPS)
			break;
	}
	return h;
}

double stats_beta_inc(double x, double a, double b)
{
	double front;

	if (isnan(x) || !(a > 0) || !(b > 0) || x < 0 || x > 1)
		return NAN;
	if (x == 0 || x == 1)
		return x;
	front = exp(a * log(x) + b * log1p(-x) - (lgamma(a) + lgamma(b) - lgamma(a + b)));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(x, a, b) / a;
	return 1 - front * beta_cf(1 - x, b, a) / b;
}

/* P(|T| > |t|), computed directly: no cancellation for small p. */
static double t_two_sided(double t, double df)
{
	if (isinf(t))
		return 0;
	return stats_beta_inc(df / (df + t * t), df / 2, 0.5);
}

double stats_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || !(df > 0))
		return NAN;
	tail = t_two_sided(t, df) / 2;
	return t > 0 ? 1 - tail : tail;
}

static void mean_var(const double *x, size_t n, double *mean, double *var)
{
	double sum = 0, ss = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += x[i];
	*mean = sum / n;
	for (i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*var = ss / (n - 1);
}

int stats_welch(const double *a, size_t na, const double *b, size_t nb, struct stats_welch *res)
{
	double ma, va, mb, vb, ea, eb, se2;

	memset(res, 0, sizeof(*res));
	if (na < 2 || nb < 2 || !stats_valid(a, na, false) || !stats_valid(b, nb, false))
		return -EINVAL;
	mean_var(a, na, &ma, &va);
	mean_var(b, nb, &mb, &vb);
	ea = va / na;
	eb = vb / nb;
	se2 = ea + eb;
	if (se2 == 0) {
		/* No spread on either side: the means tell everything. */
		res->df = NAN;
		res->t = mb == ma ? 0 : copysign(INFINITY, mb - ma);
		res->p = mb == ma ? 1 : 0;
		return 0;
	}
	res->t = (mb - ma) / sqrt(se2);
	res->df = se2 * se2 / (ea * ea / (na - 1) + eb * eb / (nb - 1));
	res->p = t_two_sided(res->t, res->df);
	return 0;
}
