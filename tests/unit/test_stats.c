// SPDX-License-Identifier: GPL-2.0
/*
 * Known answers for host/stats: descriptive edge cases, Mann-Whitney U
 * against published worked examples and brute-force enumeration, the
 * seeded bootstrap, flat and nested in boots (worked by hand), the t
 * distribution and Welch's test, variance components, Holm's adjustment
 * worked by hand, verdicts.
 */
#include "tap.h"
#include "stats/stats.h"

#include <errno.h>
#include <math.h>

static bool near(double got, double want, double tol)
{
	bool r = fabs(got - want) <= tol;

	if (!r)
		printf("#   got %.10g, want %.10g (tolerance %g)\n", got, want, tol);
	return r;
}

static void test_describe(void)
{
	const double one[] = { 42 };
	const double same[] = { 3, 3, 3, 3 };
	const double zeros[] = { 0, 0, 0 };
	const double with_zero[] = { 0, 2, 4 };
	const double even[] = { 4, 1, 3, 2 };
	/* Sample stddev of 2,4,4,4,5,5,7,9 is sqrt(32/7). */
	const double classic[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	/* Harmonic mean of 40 and 60 km/h is 48. */
	const double speeds[] = { 40, 60 };
	const double bad_nan[] = { 1, NAN, 3 };
	const double bad_neg[] = { 1, -2, 3 };
	const double bad_inf[] = { 1, INFINITY };
	struct stats_desc d;

	tap_ok(!stats_describe(one, 1, true, &d) && d.n == 1 && d.median == 42 && d.mean == 42 &&
	       d.hmean == 42 && d.stddev == 0 && d.cov == 0 && d.min == 42 && d.max == 42,
	       "n = 1: median = mean = hmean = value, stddev = CoV = 0");
	tap_ok(!stats_describe(same, 4, true, &d) && d.median == 3 && d.mean == 3 && d.hmean == 3 &&
	       d.stddev == 0 && d.cov == 0, "all equal: stddev and CoV exactly 0");
	tap_ok(!stats_describe(zeros, 3, true, &d) && d.median == 0 && d.mean == 0 && d.hmean == 0 &&
	       d.cov == 0, "all zeros: means 0, CoV 0 (no division by zero)");
	tap_ok(!stats_describe(with_zero, 3, true, &d) && d.hmean == 0 && d.mean == 2,
	       "a zero makes the harmonic mean 0 (its limit)");
	tap_ok(!stats_describe(even, 4, true, &d) && d.median == 2.5 && d.min == 1 && d.max == 4,
	       "even n: median is the mean of the two middle values");
	tap_ok(!stats_describe(classic, 8, true, &d) && d.mean == 5 &&
	       near(d.stddev, sqrt(32.0 / 7), 1e-12) && near(d.cov, sqrt(32.0 / 7) / 5, 1e-12),
	       "2,4,4,4,5,5,7,9: mean 5, sample stddev sqrt(32/7), CoV stddev/mean");
	tap_ok(!stats_describe(speeds, 2, true, &d) && near(d.hmean, 48, 1e-12),
	       "harmonic mean of 40 and 60 is 48");
	tap_is_int(stats_describe(bad_nan, 3, true, &d), -EINVAL, "NaN rejected");
	tap_is_int(stats_describe(bad_neg, 3, true, &d), -EINVAL, "negative rate rejected");
	tap_is_int(stats_describe(bad_inf, 2, true, &d), -EINVAL, "infinity rejected");
	tap_is_int(stats_describe(one, 0, true, &d), -EINVAL, "empty sample rejected");
	tap_ok(!stats_valid(bad_neg, 3, true) && stats_valid(with_zero, 3, true),
	       "stats_valid: zero ok, negative not");
	tap_ok(!stats_describe(bad_neg, 3, false, &d) && isnan(d.hmean) && near(d.mean, 2.0 / 3, 1e-15) &&
	       d.median == 1 && d.cov > 0, "negative deltas allowed when asked: no hmean, CoV > 0");
	tap_is_int(stats_describe(bad_nan, 3, false, &d), -EINVAL, "NaN rejected even then");
}

/* Exact two-sided p by enumerating every split of the ranks 1..na+nb. */
static double brute_p(size_t na, size_t nb, double u)
{
	size_t n = na + nb, mask, total = 0, le = 0, ge = 0;
	double p;

	for (mask = 0; mask < (1ul << n); mask++) {
		size_t bit, k = 0, sum = 0;

		if ((size_t)__builtin_popcountl(mask) != nb)
			continue;
		for (bit = 0; bit < n; bit++)
			if (mask & (1ul << bit))
				sum += bit + 1 - ++k;
		total++;
		le += sum <= u;
		ge += sum >= u;
	}
	p = 2.0 * (le < ge ? le : ge) / total;
	return p > 1 ? 1 : p;
}

static void test_mann_whitney(void)
{
	/*
	 * Hollander & Wolfe, the example of R's ?wilcox.test: W = 35 and the
	 * one-sided p = 0.1272, so two-sided 0.2544 (exact, no ties).
	 */
	const double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	const double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	/*
	 * R's airquality, Ozone in May vs August (NA dropped), from the same
	 * help page: W = 127.5, p = 0.0001208, normal approximation with
	 * ties and continuity correction.
	 */
	const double may[] = { 41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6,
			       30, 11, 1, 11, 4, 32, 23, 45, 115, 37 };
	const double aug[] = { 39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31,
			       44, 21, 9, 45, 168, 73, 76, 118, 84, 85 };
	const double same[] = { 5, 5, 5, 5, 5 };
	const double lo[] = { 1, 2, 3, 4, 5 }, hi[] = { 6, 7, 8, 9, 10 };
	struct stats_mwu r, r2;
	const double bad[] = { 1, NAN };
	size_t na, nb;
	bool all_ok = true;

	/* U of the second sample: W of R's wilcox.test(x, y) is U of x. */
	tap_ok(!stats_mann_whitney(y, 5, x, 10, &r) && r.u == 35 && r.exact,
	       "Hollander & Wolfe: U = 35, exact");
	tap_ok(near(r.p, 0.2544122544, 1e-9), "Hollander & Wolfe: two-sided p = 0.2544 (R: one-sided 0.1272)");
	tap_ok(!stats_mann_whitney(x, 10, y, 5, &r2) && r2.u == 15 && near(r2.p, r.p, 1e-15),
	       "swapping samples gives U' = n1 n2 - U and the same p");
	tap_ok(!stats_mann_whitney(aug, 26, may, 26, &r) && r.u == 127.5 && !r.exact,
	       "airquality May vs August: U = 127.5 with ties, normal approximation");
	tap_ok(near(r.p, 0.0001208, 5e-8), "airquality: p = 0.0001208 as published");
	tap_ok(r.z < 0, "airquality: z negative (May lower)");
	tap_ok(!stats_mann_whitney(same, 5, same, 5, &r) && r.u == 12.5 && r.p == 1,
	       "identical constant samples: U = n1 n2 / 2, p = 1");
	tap_ok(!stats_mann_whitney(lo, 5, hi, 5, &r) && r.u == 25 && near(r.p, 2.0 / 252, 1e-15),
	       "complete separation 5 vs 5: p = 2/C(10,5) = 0.0079");
	tap_is_int(stats_mann_whitney(bad, 2, lo, 5, &r), -EINVAL, "NaN rejected");

	/* Every U of small sizes against brute-force enumeration. */
	for (na = 1; na <= 7 && all_ok; na++)
		for (nb = 1; nb <= 7 && all_ok; nb++) {
			double a[7], b[7];
			size_t i, shift;

			/* Interleave so that U takes every value 0..na*nb. */
			for (shift = 0; shift <= na * nb && all_ok; shift++) {
				struct stats_mwu m;
				size_t u = shift, k;

				/* b_k beats c_k of the a's; sum c_k = u, c non-decreasing. */
				for (i = 0; i < na; i++)
					a[i] = 2.0 * i;
				for (k = nb; k-- > 0;) {
					size_t c = u > na ? na : u;

					u -= c;
					b[k] = 2.0 * c - 1 + 0.01 * k;	/* distinct: no ties */
				}
				if (stats_mann_whitney(a, na, b, nb, &m) || m.u != (double)shift ||
				    !m.exact || !near(m.p, brute_p(na, nb, m.u), 1e-12)) {
					printf("# na %zu nb %zu U %zu: got U %g p %g\n", na, nb, shift,
					       m.u, m.p);
					all_ok = false;
				}
			}
		}
	tap_ok(all_ok, "exact p equals brute-force enumeration for every U, n1, n2 <= 7");
}

static void test_rng(void)
{
	struct stats_rng a, b;
	unsigned int hist[6] = { 0 };
	bool same = true, in_range = true;
	size_t i;

	stats_rng_seed(&a, 1);
	stats_rng_seed(&b, 1);
	for (i = 0; i < 1000; i++)
		same &= stats_rng_next(&a) == stats_rng_next(&b);
	tap_ok(same, "same seed, same stream");
	stats_rng_seed(&b, 2);
	tap_ok(stats_rng_next(&a) != stats_rng_next(&b), "different seed, different stream");
	for (i = 0; i < 60000; i++) {
		uint32_t v = stats_rng_below(&a, 6);

		in_range &= v < 6;
		if (v < 6)
			hist[v]++;
	}
	for (i = 0; i < 6; i++)
		in_range &= hist[i] > 9500 && hist[i] < 10500;
	tap_ok(in_range, "stats_rng_below(6): in range and about uniform");
	tap_ok(stats_hash("fault-4k", 0) != stats_hash("fault-2m", 0), "scenario hashes differ");
}

static void test_bootstrap(void)
{
	double a[20], b[20], lo, hi, lo2, hi2;
	struct stats_boot_metric m[2], m2[2];
	const double c[] = { 7, 7, 7 };
	struct stats_rng rng;
	size_t i;
	int r;

	/* Two samples with a known 10% shift and ~1% noise. */
	stats_rng_seed(&rng, 42);
	for (i = 0; i < 20; i++) {
		a[i] = 1000 * (1 + ((double)stats_rng_below(&rng, 2001) - 1000) / 100000);
		b[i] = 1100 * (1 + ((double)stats_rng_below(&rng, 2001) - 1000) / 100000);
	}
	memset(m, 0, sizeof(m));
	m[0].a = (struct stats_boot_sample){ .n = 20, .x = a };
	m[0].b = (struct stats_boot_sample){ .n = 20, .x = b };
	m[1].a = (struct stats_boot_sample){ .n = 20, .x = a };
	m[1].b = (struct stats_boot_sample){ .n = 20, .x = a };
	memcpy(m2, m, sizeof(m));
	tap_ok(!stats_bootstrap_ratio(m, 2, 10000, 0.95, 7) &&
	       !stats_bootstrap_ratio(m2, 2, 10000, 0.95, 7) &&
	       m[0].ratio_lo == m2[0].ratio_lo && m[0].ratio_hi == m2[0].ratio_hi,
	       "fixed seed: identical interval, bit for bit");
	tap_ok(m[0].ratio_lo > 1.08 && m[0].ratio_hi < 1.12 && m[0].ratio_lo < m[0].ratio_hi,
	       "10%% shift: CI [%.4f, %.4f] inside [1.08, 1.12]", m[0].ratio_lo, m[0].ratio_hi);
	tap_ok(m[1].ratio_lo < 1 && m[1].ratio_hi > 1 && m[1].ratio_lo > 0.99 && m[1].ratio_hi < 1.01,
	       "same sample: CI [%.4f, %.4f] contains 1", m[1].ratio_lo, m[1].ratio_hi);
	memcpy(m2, m, sizeof(m));
	r = stats_bootstrap_ratio(m2, 2, 10000, 0.95, 8);
	tap_ok(!r && fabs(m2[0].ratio_lo - m[0].ratio_lo) < 0.005 &&
	       fabs(m2[0].ratio_hi - m[0].ratio_hi) < 0.005,
	       "another seed: a close interval [%.4f, %.4f]", m2[0].ratio_lo, m2[0].ratio_hi);
	tap_ok(!stats_bootstrap_median(c, 3, 1000, 0.95, 1, &lo, &hi) && lo == 7 && hi == 7,
	       "constant sample: median CI [7, 7]");
	r = stats_bootstrap_median(a, 20, 10000, 0.95, 3, &lo, &hi);
	r |= stats_bootstrap_median(a, 20, 10000, 0.95, 3, &lo2, &hi2);
	tap_ok(!r && lo == lo2 && hi == hi2 && lo < 1000 * 1.01 && hi > 1000 * 0.99 && lo < hi,
	       "median CI of one sample: reproducible, around 1000 ([%.2f, %.2f])", lo, hi);
	m2[0].a.n = 0;
	tap_is_int(stats_bootstrap_ratio(m2, 1, 100, 0.95, 1), -EINVAL, "empty sample rejected");
}

/* Frequency of @v among n draws. */
static double freq(const double *draws, size_t n, double v)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += draws[i] == v;
	return (double)k / n;
}

#define NDRAWS 20000

static void test_bootstrap_nested(void)
{
	/*
	 * New side: two boots {1, 1} and {3, 3}; base: constant 1, so the
	 * ratio is the resample's median.  Boots drawn with replacement:
	 * (1,1) 1/4 -> median 1, mixed 1/2 -> {1,1,3,3} median 2, (3,3) 1/4
	 * -> 3, whatever the repetitions drawn within them.  A flat bootstrap
	 * of the same four values gives 5/16, 6/16, 5/16 instead.
	 */
	const double one[] = { 1, 1, 1 }, two[] = { 1, 1, 3, 3 }, skew[] = { 1, 3, 3, 3 };
	const size_t two_end[] = { 2, 4 }, skew_end[] = { 1, 4 };
	static double draws[NDRAWS];
	double a[20], b[20], lo, hi;
	struct stats_boot_metric m[2];
	const size_t end_a[] = { 20 }, end_b[] = { 17 };
	struct stats_rng rng;
	bool only;
	size_t i;
	int r;

	memset(m, 0, sizeof(m));
	m[0].a = (struct stats_boot_sample){ .n = 3, .x = one };
	m[0].b = (struct stats_boot_sample){ .n = 4, .x = two, .nr_boots = 2, .boot_end = two_end };
	m[0].draws = draws;
	r = stats_bootstrap_ratio(m, 1, NDRAWS, 0.90, 11);
	only = true;
	for (i = 0; i < NDRAWS; i++)
		only &= draws[i] == 1 || draws[i] == 2 || draws[i] == 3;
	tap_ok(!r && only, "boots {1,1} {3,3}: every resampled median is 1, 2 or 3");
	tap_ok(near(freq(draws, NDRAWS, 1), 0.25, 0.015) && near(freq(draws, NDRAWS, 2), 0.5, 0.015) &&
	       near(freq(draws, NDRAWS, 3), 0.25, 0.015),
	       "boots {1,1} {3,3}: median 1, 2, 3 with frequencies 1/4, 1/2, 1/4 (%.4f %.4f %.4f)",
	       freq(draws, NDRAWS, 1), freq(draws, NDRAWS, 2), freq(draws, NDRAWS, 3));
	tap_ok(m[0].ratio_lo == 1 && m[0].ratio_hi == 3,
	       "boots {1,1} {3,3}: 90%% interval [1, 3] (the 5%% and 95%% quantiles)");
	m[0].b.nr_boots = 0;
	r = stats_bootstrap_ratio(m, 1, NDRAWS, 0.90, 11);
	tap_ok(!r && near(freq(draws, NDRAWS, 2), 6.0 / 16, 0.015) &&
	       near(freq(draws, NDRAWS, 1), 5.0 / 16, 0.015),
	       "the same values flat: 5/16, 6/16, 5/16 (%.4f %.4f): the nesting is what differs",
	       freq(draws, NDRAWS, 1), freq(draws, NDRAWS, 2));
	/* Unequal boots {1} and {3,3,3}: (1,1) -> {1,1} median 1, 1/4; else 3. */
	m[0].b = (struct stats_boot_sample){ .n = 4, .x = skew, .nr_boots = 2, .boot_end = skew_end };
	r = stats_bootstrap_ratio(m, 1, NDRAWS, 0.90, 12);
	tap_ok(!r && near(freq(draws, NDRAWS, 1), 0.25, 0.015) &&
	       near(freq(draws, NDRAWS, 3), 0.75, 0.015),
	       "boots {1} {3,3,3}: median 1 with 1/4, 3 with 3/4 (%.4f %.4f): resample sizes vary",
	       freq(draws, NDRAWS, 1), freq(draws, NDRAWS, 3));
	/* Hierarchical base: ratio 1 / median, the same three values. */
	m[0].a = (struct stats_boot_sample){ .n = 4, .x = two, .nr_boots = 2, .boot_end = two_end };
	m[0].b = (struct stats_boot_sample){ .n = 3, .x = one };
	r = stats_bootstrap_ratio(m, 1, NDRAWS, 0.90, 13);
	tap_ok(!r && near(freq(draws, NDRAWS, 0.5), 0.5, 0.015) &&
	       near(freq(draws, NDRAWS, 1.0 / 3), 0.25, 0.015),
	       "nested base: ratio 1/2 with 1/2, 1/3 with 1/4 (%.4f %.4f)",
	       freq(draws, NDRAWS, 0.5), freq(draws, NDRAWS, 1.0 / 3));
	m[0].a.boot_end = skew_end;	/* ends at 4, but boots of another shape */
	m[1] = m[0];
	m[1].a.boot_end = two_end;
	m[0].draws = m[1].draws = NULL;
	tap_is_int(stats_bootstrap_ratio(m, 2, 100, 0.95, 1), -EINVAL,
		   "metrics of one pair with different boots rejected");
	m[0].a.boot_end = (const size_t[]){ 2, 3 };
	tap_is_int(stats_bootstrap_ratio(m, 1, 100, 0.95, 1), -EINVAL,
		   "boots that do not cover the sample rejected");

	/*
	 * One boot per side is today's bootstrap, bit for bit: the intervals
	 * below were printed (%a) by stats_bootstrap_ratio before boots
	 * existed, for these samples (n 20 and 17) and seed 7.
	 */
	stats_rng_seed(&rng, 42);
	for (i = 0; i < 20; i++) {
		a[i] = 1000 * (1 + ((double)stats_rng_below(&rng, 2001) - 1000) / 100000);
		b[i] = 1100 * (1 + ((double)stats_rng_below(&rng, 2001) - 1000) / 100000);
	}
	memset(m, 0, sizeof(m));
	m[0].a = (struct stats_boot_sample){ .n = 20, .x = a, .nr_boots = 1, .boot_end = end_a };
	m[0].b = (struct stats_boot_sample){ .n = 17, .x = b, .nr_boots = 1, .boot_end = end_b };
	m[1].a = (struct stats_boot_sample){ .n = 20, .x = b, .nr_boots = 1, .boot_end = end_a };
	m[1].b = (struct stats_boot_sample){ .n = 17, .x = a, .nr_boots = 1, .boot_end = end_b };
	r = stats_bootstrap_ratio(m, 2, 10000, 0.95, 7);
	tap_ok(!r && m[0].ratio_lo == 0x1.180209a211d2fp+0 && m[0].ratio_hi == 0x1.1af3207a49092p+0 &&
	       m[1].ratio_lo == 0x1.ce92dab6b580cp-1 && m[1].ratio_hi == 0x1.d3bf6347ffd7fp-1,
	       "one boot per side: the CI of the flat bootstrap before boots, == ([%a, %a])",
	       m[0].ratio_lo, m[0].ratio_hi);
	m[0].a.nr_boots = m[0].b.nr_boots = m[1].a.nr_boots = m[1].b.nr_boots = 0;
	r = stats_bootstrap_ratio(m, 2, 10000, 0.95, 7);
	tap_ok(!r && m[0].ratio_lo == 0x1.180209a211d2fp+0 && m[0].ratio_hi == 0x1.1af3207a49092p+0,
	       "no boots given: the same, ==");
	r = stats_bootstrap_median_sample(&m[0].a, 10000, 0.95, 3, &lo, &hi);
	tap_ok(!r && lo == 0x1.f385c28f5c29p+9 && hi == 0x1.f667ae147ae14p+9,
	       "median CI of one sample: the same as before boots, ==");
}

static void test_t_dist(void)
{
	/*
	 * Reference values from mpmath 1.3 (betainc, 30 digits); closed forms
	 * for df 1 (Cauchy) and 2: P(T <= t) = 1/2 + t / (2 sqrt(2 + t^2)).
	 */
	struct stats_welch w;
	const double a[] = { 1, 2, 3, 4 }, b[] = { 2, 4, 6, 8, 10 };
	const double c5[] = { 5, 5 }, c6[] = { 6, 6 };

	tap_ok(near(2 * (1 - stats_t_cdf(2, 5)), 0.101939478829858, 1e-12),
	       "t = 2, df = 5: two-sided p 0.1019");
	tap_ok(near(2 * (1 - stats_t_cdf(2.228138851986, 10)), 0.05, 1e-11),
	       "t = 2.228, df = 10: two-sided p 0.05 (the table's critical value)");
	tap_ok(near(stats_t_cdf(1, 1), 0.75, 1e-14) && near(stats_t_cdf(-1, 1), 0.25, 1e-14),
	       "df = 1 (Cauchy): P(T <= 1) = 3/4, P(T <= -1) = 1/4");
	tap_ok(near(stats_t_cdf(2, 2), 0.5 + 2 / (2 * sqrt(6)), 1e-14),
	       "df = 2: P(T <= 2) = 1/2 + 1/sqrt(6)");
	tap_ok(stats_t_cdf(0, 3.7) == 0.5 && near(stats_t_cdf(-2, 5) + stats_t_cdf(2, 5), 1, 1e-15),
	       "t = 0: 1/2; symmetric");
	tap_ok(near(stats_t_cdf(3.5, 30.5), 1 - 0.00145446978724574 / 2, 1e-13) &&
	       near(stats_t_cdf(0.7, 1.3), 1 - 0.587845272484340 / 2, 1e-13),
	       "real df: 30.5 and 1.3 (Welch's are not integers)");
	tap_ok(near(stats_beta_inc(0.3, 2.5, 1.5), 0.0889437231706656, 1e-14) &&
	       near(stats_beta_inc(0.45, 50, 60), 0.464235291430604, 1e-12) &&
	       near(stats_beta_inc(0.3, 2.5, 1), pow(0.3, 2.5), 1e-15),
	       "I_x(a, b): mpmath's values, and x^a for b = 1");
	tap_ok(isnan(stats_t_cdf(1, 0)) && isnan(stats_beta_inc(1.5, 1, 1)), "bad df or x: NaN");
	/* By hand: se^2 = (5/3)/4 + 10/5, t = 3.5 / se, df by Welch-Satterthwaite. */
	tap_ok(!stats_welch(a, 4, b, 5, &w) && near(w.t, 2.25143632315937, 1e-13) &&
	       near(w.df, 5.52078774617068, 1e-13) && near(w.p, 0.0691335931923924, 1e-12),
	       "Welch {1,2,3,4} vs {2,4,6,8,10}: t 2.2514, df 5.5208, p 0.0691");
	tap_ok(!stats_welch(b, 5, a, 4, &w) && near(w.t, -2.25143632315937, 1e-13) &&
	       near(w.p, 0.0691335931923924, 1e-12), "swapped: t negative, same p");
	tap_ok(!stats_welch(c5, 2, c5, 2, &w) && w.p == 1 && !stats_welch(c5, 2, c6, 2, &w) &&
	       w.p == 0 && isinf(w.t), "no spread: p 1 for equal means, 0 for different ones");
	tap_is_int(stats_welch(a, 1, b, 5, &w), -EINVAL, "Welch needs 2 values a side");
}

static void test_nested(void)
{
	/*
	 * log values: boots {0,2} {1,3} {4,6}.  Within: SS 2 + 2 + 2 over
	 * 6 - 3 df, sw2 = 2.  Boot means 1, 2, 5: variance 13/3; sb2 =
	 * 13/3 - 2/2 = 10/3.
	 */
	const double y[] = { 0, 2, 1, 3, 4, 6 }, flat[] = { 0, 2, 2, 0 }, uneq[] = { 0, 2, 4 };
	const double neg[] = { 1, -1 };
	const size_t end3[] = { 2, 4, 6 }, end2[] = { 2, 4 }, end_u[] = { 2, 3 }, end1[] = { 1, 2 };
	struct stats_nested v;
	double x[6], means[3];
	size_t i;

	for (i = 0; i < 6; i++)
		x[i] = exp(y[i]);
	tap_ok(!stats_nested(x, 3, end3, true, &v) && v.k == 3 && v.n == 6 && near(v.sw2, 2, 1e-13) &&
	       near(v.var_means, 13.0 / 3, 1e-13) && near(v.sb2, 10.0 / 3, 1e-13),
	       "log of exp({0,2} {1,3} {4,6}): sw2 2, var of means 13/3, sb2 10/3");
	tap_ok(!stats_nested(y, 3, end3, false, &v) && near(v.sb2, 10.0 / 3, 1e-15),
	       "the same values, linear");
	tap_ok(!stats_boot_means(x, 3, end3, true, means) && near(means[0], 1, 1e-15) &&
	       near(means[1], 2, 1e-15) && near(means[2], 5, 1e-15), "per-boot means of log: 1 2 5");
	tap_ok(!stats_nested(flat, 2, end2, false, &v) && v.sw2 == 2 && v.var_means == 0 && v.sb2 == 0,
	       "equal boot means: sb2 = 0 - 1 clamped at 0");
	/* {0,2} {4}: sw2 = 2 over 1 df; means 1, 4: var 4.5; sb2 = 4.5 - 2 (1/2 + 1)/2 = 3. */
	tap_ok(!stats_nested(uneq, 2, end_u, false, &v) && v.sw2 == 2 && v.var_means == 4.5 &&
	       v.sb2 == 3, "unequal boots {0,2} {4}: sw2 2, sb2 3");
	tap_ok(!stats_nested(uneq, 2, end1, false, &v) && isnan(v.sw2) && isnan(v.sb2),
	       "one repetition per boot: no within-boot variance (NaN)");
	tap_is_int(stats_nested(neg, 2, end1, true, &v), -EINVAL, "log of a value <= 0 rejected");
	tap_is_int(stats_nested(y, 1, end3, false, &v), -EINVAL, "one boot: no components");
}

static bool all_near(const double *got, const double *want, size_t n)
{
	bool r = true;
	size_t i;

	for (i = 0; i < n; i++)
		r &= isnan(want[i]) ? isnan(got[i]) : near(got[i], want[i], 1e-15);
	return r;
}

static void test_holm(void)
{
	/*
	 * By hand, m = 4: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 is
	 * 0.02, 0.03, 0.06, 0.04; step-down monotonicity lifts the last to
	 * 0.06.  In input order: 0.03, 0.06, 0.06, 0.02 (R: p.adjust(, "holm")).
	 */
	const double p[] = { 0.01, 0.04, 0.03, 0.005 };
	const double want[] = { 0.03, 0.06, 0.06, 0.02 };
	/* Ties: 0.02, 0.02 -> 3 x 0.02 = 0.06, then max(0.06, 2 x 0.02) = 0.06. */
	const double ties[] = { 0.5, 0.02, 0.02 };
	const double ties_want[] = { 0.5, 0.06, 0.06 };
	/* Capped at 1: 2 x 0.6 = 1.2 -> 1, then max(1, 0.7) = 1. */
	const double cap[] = { 0.7, 0.6 };
	const double cap_want[] = { 1, 1 };
	/* NaN is no test: m = 2, not 3. */
	const double gap[] = { 0.01, NAN, 0.04 };
	const double gap_want[] = { 0.02, NAN, 0.04 };
	/* A raw p just under 0.05 among 14 tests is 14 x 0.049 = 0.686 or more. */
	double many[14], adj[14];
	const double bad[] = { 0.1, 1.5 };
	size_t i;

	tap_ok(!stats_holm(p, 4, adj) && all_near(adj, want, 4),
	       "Holm by hand: 0.01 0.04 0.03 0.005 -> 0.03 0.06 0.06 0.02");
	tap_ok(adj[1] > 1 * p[1], "Holm: the largest p is lifted to the one before it (monotone)");
	tap_ok(!stats_holm(ties, 3, adj) && all_near(adj, ties_want, 3),
	       "Holm ties: 0.5 0.02 0.02 -> 0.5 0.06 0.06");
	tap_ok(!stats_holm(cap, 2, adj) && all_near(adj, cap_want, 2), "Holm: capped at 1");
	tap_ok(!stats_holm(gap, 3, adj) && all_near(adj, gap_want, 3),
	       "Holm: NaN stays NaN and does not count in m");
	for (i = 0; i < 14; i++)
		many[i] = i ? 0.3 + 0.05 * i : 0.049;
	many[7] = 1e-9;
	tap_ok(!stats_holm(many, 14, adj) && near(adj[7], 14e-9, 1e-20) && adj[0] >= 0.05 &&
	       near(adj[0], 13 * 0.049, 1e-12),
	       "Holm, 14 tests: p 1e-9 -> 1.4e-8, p 0.049 (second smallest) -> 13 x 0.049");
	tap_ok(!stats_holm(p, 0, adj), "Holm: an empty family is fine");
	tap_is_int(stats_holm(bad, 2, adj), -EINVAL, "Holm: p > 1 rejected");
}

static void test_verdict(void)
{
	struct stats_verdict_in in = {
		.ratio = 1.10, .ci_lo = 1.08, .ci_hi = 1.12, .p = 0.001,
		.threshold = 0.02, .alpha = 0.05, .dir = STATS_LOWER_IS_BETTER,
	};

	tap_is_str(stats_verdict_name(stats_verdict(&in)), "worse", "ns/op up 10%%: worse");
	in.dir = STATS_HIGHER_IS_BETTER;
	tap_is_str(stats_verdict_name(stats_verdict(&in)), "better", "ops/s up 10%%: better");
	in.ci_lo = 0.99;
	tap_is_str(stats_verdict_name(stats_verdict(&in)), "no change", "CI includes 1: no change");
	in = (struct stats_verdict_in){ .ratio = 1.01, .ci_lo = 1.005, .ci_hi = 1.015, .p = 0.001,
					.threshold = 0.02, .alpha = 0.05 };
	tap_is_str(stats_verdict_name(stats_verdict(&in)), "no change",
		   "1%% change under a 2%% threshold: no change");
	in.threshold = 0;
	tap_is_str(stats_verdict_name(stats_verdict(&in)), "worse", "same with threshold 0: worse");
	in.p = 0.2;
	tap_is_str(stats_verdict_name(stats_verdict(&in)), "no change", "p >= alpha: no change");
	in = (struct stats_verdict_in){ .ratio = 0.8, .ci_lo = 0.7, .ci_hi = 0.9, .p = 0.01,
					.threshold = 0.02, .alpha = 0.05 };
	tap_is_str(stats_verdict_name(stats_verdict(&in)), "better", "ns/op down 20%%: better");
	in.ci_hi = NAN;
	tap_is_str(stats_verdict_name(stats_verdict(&in)), "no change", "NaN bound: no change");
}

int main(void)
{
	tap_plan(51 + 11 + 12 + 8);
	test_describe();
	test_mann_whitney();
	test_rng();
	test_bootstrap();
	test_bootstrap_nested();
	test_t_dist();
	test_nested();
	test_holm();
	test_verdict();
	return tap_done();
}
