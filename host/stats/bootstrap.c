// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded percentile bootstrap of medians, flat or hierarchical (boots,
 * then repetitions within each drawn boot).  A resample is a multiset of
 * repetition indices; its median is found by walking the metric's sort
 * order and adding up how often each repetition was drawn, which needs no
 * copy and no sort per resample (and is shared by all metrics of a pair).
 */
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void stats_rng_seed(struct stats_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t stats_rng_next(struct stats_rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t stats_rng_below(struct stats_rng *r, uint32_t bound)
{
	/* Multiply-shift; reject the few low products that would bias it. */
	uint64_t m = (uint64_t)(uint32_t)(stats_rng_next(r) >> 32) * bound;
	uint32_t low = (uint32_t)m, floor_;

	if (low < bound) {
		floor_ = -bound % bound;
		while (low < floor_) {
			m = (uint64_t)(uint32_t)(stats_rng_next(r) >> 32) * bound;
			low = (uint32_t)m;
		}
	}
	return m >> 32;
}

uint64_t stats_hash(const char *s, uint64_t h)
{
	if (!h)
		h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static const double *sort_base;

static int cmp_index(const void *a, const void *b)
{
	double x = sort_base[*(const size_t *)a], y = sort_base[*(const size_t *)b];

	return (x > y) - (x < y);
}

static void sort_order(struct stats_boot_sample *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		s->order[i] = i;
	sort_base = s->x;
	qsort(s->order, s->n, sizeof(*s->order), cmp_index);
}

/* Draw n indices: counts[i] = how often repetition i was drawn. */
static void draw(struct stats_rng *r, unsigned int *counts, size_t n)
{
	size_t i;

	memset(counts, 0, n * sizeof(*counts));
	for (i = 0; i < n; i++)
		counts[stats_rng_below(r, n)]++;
}

/*
 * One resample of @s into counts; returns its size.  Nested: k boots
 * with replacement, then each drawn boot's repetitions with replacement
 * (a boot drawn twice is resampled twice, independently).  Flat: the
 * draws above, nothing more, so one boot gives the same stream.
 */
static size_t draw_sample(struct stats_rng *r, unsigned int *counts,
			  const struct stats_boot_sample *s)
{
	size_t k, j, start, len, total = 0;
	uint32_t b;

	if (s->nr_boots <= 1) {
		draw(r, counts, s->n);
		return s->n;
	}
	memset(counts, 0, s->n * sizeof(*counts));
	for (k = 0; k < s->nr_boots; k++) {
		b = stats_rng_below(r, s->nr_boots);
		start = b ? s->boot_end[b - 1] : 0;
		len = s->boot_end[b] - start;
		for (j = 0; j < len; j++)
			counts[start + stats_rng_below(r, len)]++;
		total += len;
	}
	return total;
}

/*
 * Median of the resample described by counts (@total draws), through the
 * sort order.
 */
static double resample_median(const struct stats_boot_sample *s, const unsigned int *counts,
			      size_t total)
{
	size_t lo_rank = (total - 1) / 2, hi_rank = total / 2, seen = 0, i;
	double lo = NAN;

	for (i = 0; i < s->n; i++) {
		size_t idx = s->order[i];

		seen += counts[idx];
		if (isnan(lo) && seen > lo_rank)
			lo = s->x[idx];
		if (seen > hi_rank)
			return lo / 2 + s->x[idx] / 2;
	}
	return NAN;	/* not reached: counts add up to total */
}

/* Boots that cover 0..n-1 in order, none empty; 0 or 1 boot is flat. */
static bool boots_ok(const struct stats_boot_sample *s)
{
	size_t k, start;

	if (s->nr_boots <= 1)
		return true;
	if (!s->boot_end || s->nr_boots > UINT32_MAX || s->boot_end[s->nr_boots - 1] != s->n)
		return false;
	for (k = 0; k < s->nr_boots; k++) {
		start = k ? s->boot_end[k - 1] : 0;
		if (s->boot_end[k] <= start)
			return false;
	}
	return true;
}

/* Resamples of one metric serve all: the same boots everywhere. */
static bool same_boots(const struct stats_boot_sample *s, const struct stats_boot_sample *t)
{
	size_t k;

	if ((s->nr_boots <= 1) != (t->nr_boots <= 1))
		return false;
	if (s->nr_boots <= 1)
		return true;
	if (s->nr_boots != t->nr_boots)
		return false;
	for (k = 0; k < s->nr_boots; k++)
		if (s->boot_end[k] != t->boot_end[k])
			return false;
	return true;
}

/*
 * Percentile of sorted values by linear interpolation between order
 * statistics (position q * (n - 1)); NaN sorts last and is skipped.
 */
static void interval(double *v, size_t n, double level, double *lo, double *hi)
{
	double pos, frac;
	size_t valid = 0, i, k;
	double q[2] = { (1 - level) / 2, 1 - (1 - level) / 2 }, *out[2] = { lo, hi };

	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[valid++] = v[i];
	if (valid < n / 2 + 1) {
		*lo = *hi = NAN;
		return;
	}
	qsort(v, valid, sizeof(*v), stats_cmp_double);
	for (k = 0; k < 2; k++) {
		pos = q[k] * (valid - 1);
		i = (size_t)pos;
		frac = pos - i;
		*out[k] = i + 1 < valid ? v[i] + frac * (v[i + 1] - v[i]) : v[i];
	}
}

int stats_bootstrap_ratio(struct stats_boot_metric *m, size_t nr, unsigned int resamples,
			  double level, uint64_t seed)
{
	size_t na, nb, i, j, ta, tb;
	unsigned int *ca = NULL, *cb = NULL;
	double *ratios = NULL, ma, mb;
	size_t *orders = NULL;
	struct stats_rng rng;
	int err = -ENOMEM;

	if (!nr)
		return 0;
	na = m[0].a.n;
	nb = m[0].b.n;
	if (!na || !nb || !resamples || na > UINT32_MAX || nb > UINT32_MAX ||
	    !(level > 0 && level < 1) || !boots_ok(&m[0].a) || !boots_ok(&m[0].b))
		return -EINVAL;
	for (j = 0; j < nr; j++)
		if (m[j].a.n != na || m[j].b.n != nb || !same_boots(&m[j].a, &m[0].a) ||
		    !same_boots(&m[j].b, &m[0].b))
			return -EINVAL;
	ca = malloc(na * sizeof(*ca));
	cb = malloc(nb * sizeof(*cb));
	orders = malloc(nr * (na + nb) * sizeof(*orders));
	ratios = malloc((size_t)nr * resamples * sizeof(*ratios));
	if (!ca || !cb || !orders || !ratios)
		goto out;
	for (j = 0; j < nr; j++) {
		m[j].a.order = orders + j * (na + nb);
		m[j].b.order = m[j].a.order + na;
		sort_order(&m[j].a);
		sort_order(&m[j].b);
	}
	stats_rng_seed(&rng, seed);
	for (i = 0; i < resamples; i++) {
		ta = draw_sample(&rng, ca, &m[0].a);
		tb = draw_sample(&rng, cb, &m[0].b);
		for (j = 0; j < nr; j++) {
			ma = resample_median(&m[j].a, ca, ta);
			mb = resample_median(&m[j].b, cb, tb);
			ratios[j * resamples + i] = ma > 0 && (mb > 0 || !m[j].positive) ?
						    mb / ma : NAN;
		}
	}
	for (j = 0; j < nr; j++) {
		if (m[j].draws)
			memcpy(m[j].draws, ratios + j * resamples, resamples * sizeof(*ratios));
		interval(ratios + j * resamples, resamples, level, &m[j].ratio_lo, &m[j].ratio_hi);
		m[j].a.order = m[j].b.order = NULL;
	}
	err = 0;
out:
	free(ca);
	free(cb);
	free(orders);
	free(ratios);
	return err;
}

int stats_bootstrap_median_sample(const struct stats_boot_sample *in, unsigned int resamples,
				  double level, uint64_t seed, double *lo, double *hi)
{
	struct stats_boot_sample s = *in;
	unsigned int *counts;
	struct stats_rng rng;
	double *med;
	size_t i, total;

	*lo = *hi = NAN;
	if (!s.n || !resamples || s.n > UINT32_MAX || !(level > 0 && level < 1) || !boots_ok(&s))
		return -EINVAL;
	counts = malloc(s.n * sizeof(*counts));
	s.order = malloc(s.n * sizeof(*s.order));
	med = malloc(resamples * sizeof(*med));
	if (!counts || !s.order || !med) {
		free(counts);
		free(s.order);
		free(med);
		return -ENOMEM;
	}
	sort_order(&s);
	stats_rng_seed(&rng, seed);
	for (i = 0; i < resamples; i++) {
		total = draw_sample(&rng, counts, &s);
		med[i] = resample_median(&s, counts, total);
	}
	interval(med, resamples, level, lo, hi);
	free(counts);
	free(s.order);
	free(med);
	return 0;
}

int stats_bootstrap_median(const double *x, size_t n, unsigned int resamples, double level,
			   uint64_t seed, double *lo, double *hi)
{
	struct stats_boot_sample s = { .n = n, .x = x };

	return stats_bootstrap_median_sample(&s, resamples, level, seed, lo, hi);
}
