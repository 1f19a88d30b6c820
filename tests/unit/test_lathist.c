// SPDX-License-Identifier: GPL-2.0
/*
 * The latency histogram: bucket bounds contiguous with at most 12.5%
 * relative width, exact min/max/count, overflow kept apart, percentiles
 * of a known mixture (every 64th value slow) on the right side, and
 * merging equal to recording everything in one.
 */
#include "stats/lathist.h"
#include "tap.h"

#include <math.h>

static struct lathist a, b, all;

int main(void)
{
	uint64_t v, worst_gap = 0;
	double worst = 0, q;
	struct lathist_summary s;
	uint32_t i, bad = 0;

	tap_plan(15);

	for (i = 1; i < LATHIST_NR_BUCKETS; i++) {
		uint64_t lo = lathist_bucket_low(i - 1), hi = lathist_bucket_low(i);

		if (lathist_bucket(lo) != i - 1 || lathist_bucket(hi - 1) != i - 1 ||
		    lathist_bucket(hi) != i)
			bad++;
		if (lo >= 8 && (double)(hi - lo) / (double)lo > worst)
			worst = (double)(hi - lo) / (double)lo;
		if (hi <= lo)
			worst_gap++;
	}
	tap_ok(!bad && !worst_gap, "every bucket's bounds map back to it, none empty or reversed");
	tap_ok(worst <= 0.125 + 1e-12, "widest bucket %.4f of its lower bound (<= 12.5%%)", worst);
	tap_is_int(lathist_bucket(1ull << LATHIST_MAX_SHIFT), LATHIST_NR_BUCKETS,
		   "2^%d overflows", LATHIST_MAX_SHIFT);

	lathist_reset(&a);
	lathist_reset(&b);
	lathist_reset(&all);
	tap_ok(lathist_valid(&a) && lathist_quantile(&a, 0.5) == 0, "empty: valid, p50 0");

	/* 6400 ops: 6300 fast near 2000 cycles, every 64th one slow near 100000. */
	for (i = 0; i < 6400; i++) {
		v = i % 64 == 63 ? 100000 + i : 2000 + i % 50;
		lathist_add(i % 2 ? &a : &b, v);
		lathist_add(&all, v);
	}
	lathist_add(&all, 1ull << 45);
	lathist_add(&b, 1ull << 45);
	tap_ok(lathist_valid(&a) && lathist_valid(&b) && lathist_valid(&all), "filled: valid");
	lathist_merge(&a, &b);
	tap_ok(!memcmp(&a, &all, sizeof(a)), "merging two halves equals recording all in one");
	tap_is_int(all.count, 6401, "count includes the overflow");
	tap_is_int(all.overflow, 1, "one overflow");
	tap_is_int(all.max, 1ull << 45, "max kept exactly through an overflow");
	tap_is_int(all.min, 2000, "min exact");

	lathist_summarise(&all, 0.5, &s);
	tap_ok(s.q[0] >= 2000 * 0.5 * 0.9375 && s.q[0] <= 2049 * 0.5 * 1.0625,
	       "p50 %.0f among the fast ops (scaled by 0.5)", s.q[0]);
	/* 100 slow of 6401: ranks 6302..6400 are slow, so p99 (rank 6337) is. */
	tap_ok(s.q[2] >= 100000 * 0.5 * 0.9375 && s.q[2] <= 106400 * 0.5 * 1.0625,
	       "p99 %.0f among the slow ops", s.q[2]);
	tap_ok(s.q[1] < 2100, "p90 %.0f still fast", s.q[1]);
	q = lathist_quantile(&all, 1.0);
	tap_ok(q == (double)(1ull << 45), "p100 is the exact max");

	lathist_reset(&a);
	a.count = 3;
	tap_ok(!lathist_valid(&a), "a count the buckets do not hold is refused");
	return tap_done();
}
