/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fixed-size latency histogram with log-linear buckets, filled by the
 * guest (one per vCPU, in guest memory, no allocation) and by the host
 * (host-driven ops), read and summarised by the host.  Freestanding: it
 * depends on nothing but <stdint.h>, so the guest payloads include it.
 *
 * Values below 8 get a bucket each; above, every power of two is split
 * into 8 equal sub-buckets, so a bucket's width is at most 1/8 (12.5%) of
 * its lower bound.  Values of 2^40 and more (minutes of TSC) count in
 * @overflow only; @max is kept exactly whatever the value.
 */
#ifndef SEPTBENCH_GUEST_LATHIST_H
#define SEPTBENCH_GUEST_LATHIST_H

#include <stdint.h>

#define LATHIST_SUB_BITS	3
#define LATHIST_SUB		(1u << LATHIST_SUB_BITS)
#define LATHIST_MAX_SHIFT	40
#define LATHIST_NR_BUCKETS	((LATHIST_MAX_SHIFT - LATHIST_SUB_BITS + 1) * LATHIST_SUB)

struct lathist {
	uint64_t count;			/* values recorded, overflow included */
	uint64_t sum;
	uint64_t min;			/* UINT64_MAX while empty */
	uint64_t max;
	uint64_t overflow;		/* values >= 2^LATHIST_MAX_SHIFT */
	uint32_t nr_buckets;		/* LATHIST_NR_BUCKETS: a layout check */
	uint32_t pad;
	uint32_t buckets[LATHIST_NR_BUCKETS];
	uint8_t reserved[16];
};

_Static_assert(sizeof(struct lathist) == 1280, "lathist layout");

static inline void lathist_reset(struct lathist *h)
{
	uint32_t i;

	h->count = h->sum = h->max = h->overflow = 0;
	h->min = UINT64_MAX;
	h->nr_buckets = LATHIST_NR_BUCKETS;
	h->pad = 0;
	for (i = 0; i < LATHIST_NR_BUCKETS; i++)
		h->buckets[i] = 0;
}

/* The bucket of @v, or LATHIST_NR_BUCKETS when it overflows. */
static inline uint32_t lathist_bucket(uint64_t v)
{
	uint32_t e;

	if (v < LATHIST_SUB)
		return (uint32_t)v;
	e = 63 - (uint32_t)__builtin_clzll(v);
	if (e >= LATHIST_MAX_SHIFT)
		return LATHIST_NR_BUCKETS;
	return (e - LATHIST_SUB_BITS + 1) * LATHIST_SUB +
	       (uint32_t)((v >> (e - LATHIST_SUB_BITS)) & (LATHIST_SUB - 1));
}

/* The smallest value bucket @b holds; the next bucket's is its end. */
static inline uint64_t lathist_bucket_low(uint32_t b)
{
	uint32_t g = b / LATHIST_SUB, s = b % LATHIST_SUB;

	if (!g)
		return s;
	return (uint64_t)(LATHIST_SUB + s) << (g - 1);
}

static inline void lathist_add(struct lathist *h, uint64_t v)
{
	uint32_t b = lathist_bucket(v);

	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	if (b < LATHIST_NR_BUCKETS)
		h->buckets[b]++;
	else
		h->overflow++;
}

static inline int lathist_holds(const struct lathist *h, uint64_t v)
{
	uint32_t b = lathist_bucket(v);

	return b == LATHIST_NR_BUCKETS ? h->overflow > 0 : h->buckets[b] > 0;
}

/*
 * A histogram someone else wrote (the guest) is consistent: its layout,
 * buckets that add up to its count, min and max in buckets that hold
 * something.
 */
static inline int lathist_valid(const struct lathist *h)
{
	uint64_t n = h->overflow;
	uint32_t i;

	if (h->nr_buckets != LATHIST_NR_BUCKETS)
		return 0;
	for (i = 0; i < LATHIST_NR_BUCKETS; i++)
		n += h->buckets[i];
	if (n != h->count)
		return 0;
	if (!h->count)
		return h->max == 0 && h->sum == 0;
	return h->min <= h->max && lathist_holds(h, h->min) && lathist_holds(h, h->max);
}

#endif
