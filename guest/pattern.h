/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Touch patterns: which page of a range comes next.  Pure integer code
 * with no tables, shared by the guest (which walks) and the host (which
 * predicts counts and unit-tests the walk).
 *
 * "rand" is a bijection on [0, 2^k) built from steps that are each
 * invertible modulo 2^k (xor with a constant, multiply by an odd number,
 * xor with a right shift of itself), walked in index order; values >= n
 * are skipped, so every page < n comes out exactly once in at most 2n steps.
 */
#ifndef SEPTBENCH_GUEST_PATTERN_H
#define SEPTBENCH_GUEST_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#include "abi.h"

struct touch_iter {
	uint64_t n;		/* pages in the range */
	uint64_t pos;		/* next index to try */
	uint64_t end;		/* stop when pos reaches it */
	uint64_t step;
	uint64_t mask;		/* rand: 2^k - 1 */
	uint64_t key0, key1;
	unsigned int bits;
	uint32_t pattern;
};

/* A 64-bit mixer for seeds and per-page coin flips. */
static inline uint64_t pattern_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint64_t pattern_perm(const struct touch_iter *it, uint64_t x)
{
	unsigned int k = it->bits;

	x = (x ^ it->key0) & it->mask;
	x = (x * (it->key1 | 1)) & it->mask;
	x ^= x >> (k / 2 + 1);
	x = (x * 0x2545f4914f6cdd1dull) & it->mask;
	x ^= x >> (k / 3 + 1);
	x = (x * 0x9e3779b97f4a7c15ull) & it->mask;
	x ^= x >> (k / 2 + 1);
	return (x ^ (it->key0 >> 17)) & it->mask;
}

/*
 * @first_gpa is the GPA of page 0 of the range (it aligns "huge"); @stride
 * is used by GUEST_PAT_STRIDE only.  Unknown patterns walk nothing.
 */
static inline void touch_iter_init(struct touch_iter *it, uint64_t first_gpa,
				   uint64_t pages, uint32_t pattern,
				   uint64_t stride, uint64_t seed)
{
	uint64_t per_huge = GUEST_HUGE_SIZE / GUEST_PAGE_SIZE;

	it->n = pages;
	it->pattern = pattern;
	it->pos = 0;
	it->end = pages;
	it->step = 1;
	it->mask = 0;
	it->bits = 0;
	it->key0 = pattern_mix(seed);
	it->key1 = pattern_mix(seed ^ 0x5eb7ull);
	switch (pattern) {
	case GUEST_PAT_SEQ:
		break;
	case GUEST_PAT_RAND:
		while (it->bits < 64 && (1ull << it->bits) < pages)
			it->bits++;
		it->mask = it->bits >= 64 ? ~0ull : (1ull << it->bits) - 1;
		it->end = pages ? it->mask + 1 : 0;
		break;
	case GUEST_PAT_STRIDE:
		it->step = stride ? stride : 1;
		break;
	case GUEST_PAT_HUGE:
		it->step = per_huge;
		it->pos = (per_huge - (first_gpa / GUEST_PAGE_SIZE) % per_huge) % per_huge;
		break;
	default:
		it->end = 0;
		break;
	}
}

/* The next page index, or false when the walk is over. */
static inline bool touch_iter_next(struct touch_iter *it, uint64_t *page)
{
	uint64_t y;

	if (it->pattern != GUEST_PAT_RAND) {
		if (it->pos >= it->end)
			return false;
		*page = it->pos;
		/* Saturate instead of wrapping past the end on huge strides. */
		it->pos = it->end - it->pos > it->step ? it->pos + it->step : it->end;
		return true;
	}
	while (it->pos < it->end) {
		y = pattern_perm(it, it->pos++);
		if (y < it->n) {
			*page = y;
			return true;
		}
	}
	return false;
}

/* How many pages one walk touches, without walking. */
static inline uint64_t touch_count(uint64_t first_gpa, uint64_t pages,
				   uint32_t pattern, uint64_t stride)
{
	struct touch_iter it;

	touch_iter_init(&it, first_gpa, pages, pattern, stride, 0);
	if (pattern == GUEST_PAT_RAND)
		return pages;
	if (it.pos >= it.end)
		return 0;
	return (it.end - it.pos - 1) / it.step + 1;
}

/* Whether the access to @page is a write, for a write percentage. */
static inline bool pattern_is_write(uint64_t page, uint64_t seed, uint32_t pct)
{
	if (pct >= 100)
		return true;
	if (!pct)
		return false;
	return pattern_mix(page ^ seed) % 100 < pct;
}

#endif
