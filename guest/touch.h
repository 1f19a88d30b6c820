/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The touch loop shared by the guest payloads: walk a vCPU's slice of test
 * memory in a pattern, write or read each page.  The default payload and
 * the TD payload differ only in what happens around it (the TD accepts a
 * page before its first touch), so that part comes in as a hook.
 *
 * always_inline with constant hooks: a NULL hook costs nothing, the
 * default payload's loop compiles as it did before the split.
 */
#ifndef SEPTBENCH_GUEST_TOUCH_H
#define SEPTBENCH_GUEST_TOUCH_H

#include "abi.h"
#include "lathist.h"
#include "pattern.h"
#include "tsc.h"

struct touch_walk {
	uint64_t mem_gpa;		/* test memory, page 0 of the pattern's numbering */
	uint64_t first, count;		/* the slice walked, in pages of test memory */
	uint32_t pattern;		/* enum guest_pattern */
	uint32_t write_pct;
	uint64_t stride;
	uint64_t seed;
	uint32_t passes;
	uint64_t stamp;			/* written values are stamp + page */
	uint64_t progress;		/* call @on_progress every so many pages; 0 = never */
};

struct touch_result {
	uint64_t touched, writes, sum;
};

/*
 * @before(ctx, gpa, pass) runs before each access; @on_progress(ctx,
 * touched) every w->progress pages.  Either may be NULL.  With @lat, each
 * op (@before and the access) is timed and recorded there; progress
 * ucalls stay outside the op's window.
 */
static inline __attribute__((always_inline))
void touch_walk(const struct touch_walk *w, struct touch_result *res,
		void (*before)(void *ctx, uint64_t gpa, uint32_t pass),
		void (*on_progress)(void *ctx, uint64_t touched), void *ctx,
		struct lathist *lat)
{
	uint64_t base = w->mem_gpa + w->first * GUEST_PAGE_SIZE, page;
	uint64_t touched = 0, writes = 0, sum = 0, t0 = 0;
	struct touch_iter it;
	uint32_t pass;

	for (pass = 0; pass < w->passes; pass++) {
		touch_iter_init(&it, base, w->count, w->pattern, w->stride, w->seed);
		while (touch_iter_next(&it, &page)) {
			uint64_t gpa = base + page * GUEST_PAGE_SIZE;
			volatile uint64_t *p = (volatile uint64_t *)gpa;

			if (lat)
				t0 = rdtsc_ordered();
			if (before)
				before(ctx, gpa, pass);
			if (pattern_is_write(w->first + page, w->seed, w->write_pct)) {
				*p = w->stamp + page;
				writes++;
			} else {
				sum += *p;
			}
			if (lat)
				lathist_add(lat, rdtsc_ordered() - t0);
			touched++;
			if (on_progress && w->progress && !(touched % w->progress))
				on_progress(ctx, touched);
		}
	}
	res->touched = touched;
	res->writes = writes;
	res->sum = sum;
}

#endif
