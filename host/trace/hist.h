/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log2 latency histograms as a tracefs hist trigger prints them
 * ("{ lat: ~ 2^14 } hitcount: 1945" lines, then "Hits:" totals), and
 * percentiles from them.  Pure text and arithmetic.
 *
 * The kernel's .log2 key puts a value v in bucket ceil(log2(v)): bucket
 * k holds (2^(k-1), 2^k] ns, bucket 0 holds 0 and 1.
 */
#ifndef SEPTBENCH_HIST_H
#define SEPTBENCH_HIST_H

#include <stdbool.h>
#include <stdint.h>

#define HIST_BUCKETS 64

struct log2_hist {
	uint64_t count[HIST_BUCKETS];
	uint64_t hits;		/* "Hits:" of the totals: every event seen */
	uint64_t dropped;	/* "Dropped:": the map was full */
};

/* Parse the hist file text; keys other than @key are ignored.  False if malformed. */
bool hist_parse(const char *text, const char *key, struct log2_hist *h);
/* @d = @after - @before, bucket by bucket (counters only grow). */
void hist_sub(struct log2_hist *d, const struct log2_hist *after, const struct log2_hist *before);
uint64_t hist_total(const struct log2_hist *h);
/*
 * The @p quantile (0 < p <= 1) in ns, interpolated linearly inside the
 * bucket where the cumulative count reaches p * total; 0 when empty.
 */
double hist_percentile(const struct log2_hist *h, double p);
/* Bucket bounds: (lo, hi] in ns. */
void hist_bucket_bounds(unsigned int k, uint64_t *lo, uint64_t *hi);

#endif
