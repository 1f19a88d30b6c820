// SPDX-License-Identifier: GPL-2.0
/*
 * Known answers for host/stats: descriptive edge cases, Mann-Whitney U
 * against published worked examples and brute-force enumeration, the
 * seeded bootstrap, Holm's adjustment worked by hand, verdicts.
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
	tap_plan(51);
	test_describe();
	test_mann_whitney();
	test_rng();
	test_bootstrap();
	test_holm();
	test_verdict();
	return tap_done();
}
