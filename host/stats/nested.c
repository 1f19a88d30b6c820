// SPDX-License-Identifier: GPL-2.0
/*
 * Repetitions nested in boots: per-boot means and the two variance
 * components of a one-way random-effects model, y_bi = mu + B_b + e_bi,
 * estimated by the method of moments: sw2 pools the squared deviations
 * from each boot's mean over N - k degrees of freedom; the variance of
 * the boot means estimates sb2 + sw2 / n_b, so sb2 is what is left once
 * the mean of sw2 / n_b is taken off (clamped at 0: a negative estimate
 * means no measurable boot effect).
 */
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static double value(const double *x, size_t i, bool log_)
{
	return log_ ? log(x[i]) : x[i];
}

static bool valid(const double *x, size_t nr_boots, const size_t *boot_end, bool log_)
{
	size_t k, i;

	if (!nr_boots || !boot_end)
		return false;
	for (k = 0; k < nr_boots; k++)
		if (boot_end[k] <= (k ? boot_end[k - 1] : 0))
			return false;
	for (i = 0; i < boot_end[nr_boots - 1]; i++)
		if (!isfinite(x[i]) || (log_ && !(x[i] > 0)))
			return false;
	return true;
}

static double boot_mean(const double *x, size_t start, size_t end, bool log_)
{
	double sum = 0;
	size_t i;

	for (i = start; i < end; i++)
		sum += value(x, i, log_);
	return sum / (end - start);
}

int stats_boot_means(const double *x, size_t nr_boots, const size_t *boot_end, bool log_,
		     double *means)
{
	size_t k;

	if (!valid(x, nr_boots, boot_end, log_))
		return -EINVAL;
	for (k = 0; k < nr_boots; k++)
		means[k] = boot_mean(x, k ? boot_end[k - 1] : 0, boot_end[k], log_);
	return 0;
}

int stats_nested(const double *x, size_t nr_boots, const size_t *boot_end, bool log_,
		 struct stats_nested *res)
{
	double ss_within = 0, sum_means = 0, sum_sq = 0, inv_n = 0, mean, dev, grand;
	size_t k, i, start, n;

	memset(res, 0, sizeof(*res));
	if (nr_boots < 2 || !valid(x, nr_boots, boot_end, log_))
		return -EINVAL;
	n = boot_end[nr_boots - 1];
	res->k = nr_boots;
	res->n = n;
	for (k = 0; k < nr_boots; k++) {
		start = k ? boot_end[k - 1] : 0;
		mean = boot_mean(x, start, boot_end[k], log_);
		/* Deviations from the boot's own mean: exact for equal values. */
		for (i = start; i < boot_end[k]; i++) {
			dev = value(x, i, log_) - mean;
			ss_within += dev * dev;
		}
		sum_means += mean;
		inv_n += 1.0 / (boot_end[k] - start);
	}
	grand = sum_means / nr_boots;
	for (k = 0; k < nr_boots; k++) {
		dev = boot_mean(x, k ? boot_end[k - 1] : 0, boot_end[k], log_) - grand;
		sum_sq += dev * dev;
	}
	res->var_means = sum_sq / (nr_boots - 1);
	/* One repetition per boot: within and between cannot be told apart. */
	res->sw2 = n > nr_boots ? ss_within / (n - nr_boots) : NAN;
	res->sb2 = isnan(res->sw2) ? NAN : res->var_means - res->sw2 * inv_n / nr_boots;
	if (res->sb2 < 0)
		res->sb2 = 0;
	return 0;
}
