// SPDX-License-Identifier: GPL-2.0
/* Guest touch patterns: coverage, order and counts, run on the host. */
#include "tap.h"
#include "lib/util.h"
#include "guest/pattern.h"

/* Walk once; true when every page < n came out exactly once. */
static bool covers_once(uint64_t gpa, uint64_t n, uint32_t pattern, uint64_t seed,
			uint64_t *steps_out)
{
	uint8_t *seen = calloc(n ? n : 1, 1);
	struct touch_iter it;
	uint64_t page, got = 0;
	bool ok = seen != NULL;

	touch_iter_init(&it, gpa, n, pattern, 1, seed);
	while (ok && touch_iter_next(&it, &page)) {
		if (page >= n || seen[page]++)
			ok = false;
		got++;
	}
	free(seen);
	if (steps_out)
		*steps_out = it.pos;
	return ok && got == n;
}

static uint64_t walk_count(uint64_t gpa, uint64_t n, uint32_t pattern, uint64_t stride)
{
	struct touch_iter it;
	uint64_t page, got = 0, prev = 0;

	touch_iter_init(&it, gpa, n, pattern, stride, 0);
	while (touch_iter_next(&it, &page)) {
		if (page >= n || (got && page <= prev))
			return ~0ull;
		prev = page;
		got++;
	}
	return got;
}

int main(void)
{
	static const uint64_t sizes[] = { 0, 1, 2, 3, 7, 8, 9, 100, 511, 512, 513, 4096,
					  4097, 65535, 65536, 100003, 262144 };
	uint64_t i, seed, steps, max_ratio_bad = 0, page, fixed = 0;
	struct touch_iter a, b;
	bool all = true, differ;

	tap_plan(14);

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		for (seed = 0; seed < 4; seed++) {
			if (!covers_once(GUEST_MEM_GPA, sizes[i], GUEST_PAT_RAND, seed, &steps)) {
				printf("# rand n=%llu seed=%llu broken\n",
				       (unsigned long long)sizes[i], (unsigned long long)seed);
				all = false;
			}
			if (sizes[i] > 1 && steps > 2 * sizes[i])
				max_ratio_bad++;
		}
	tap_ok(all, "rand: every page exactly once, %zu sizes x 4 seeds", ARRAY_SIZE(sizes));
	tap_ok(!max_ratio_bad, "rand: at most 2n permutation steps");
	all = true;
	for (i = 1; i < 3000; i += 7)
		all &= covers_once(0, i, GUEST_PAT_RAND, i * 31, NULL);
	tap_ok(all, "rand: every page exactly once for n = 1..3000 step 7");

	/* The order is actually shuffled: few pages land on their own index. */
	touch_iter_init(&a, 0, 65536, GUEST_PAT_RAND, 1, 42);
	for (i = 0; touch_iter_next(&a, &page); i++) {
		fixed += page == i;
	}
	tap_ok(fixed < 16, "rand: %llu fixed points in 65536", (unsigned long long)fixed);
	touch_iter_init(&a, 0, 4096, GUEST_PAT_RAND, 1, 1);
	touch_iter_init(&b, 0, 4096, GUEST_PAT_RAND, 1, 2);
	differ = false;
	for (i = 0; i < 64; i++) {
		uint64_t pa, pb;

		touch_iter_next(&a, &pa);
		touch_iter_next(&b, &pb);
		differ |= pa != pb;
	}
	tap_ok(differ, "rand: different seeds give different orders");

	tap_ok(covers_once(0, 4097, GUEST_PAT_SEQ, 0, NULL), "seq: every page once");
	tap_is_int(walk_count(0, 1000, GUEST_PAT_STRIDE, 7), 143, "stride:7 over 1000 pages");
	tap_is_int(touch_count(0, 1000, GUEST_PAT_STRIDE, 7), 143, "touch_count agrees for stride:7");
	tap_is_int(walk_count(0, 5, GUEST_PAT_STRIDE, ~0ull), 1, "huge stride does not wrap");
	tap_is_int(walk_count(GUEST_MEM_GPA, 2048, GUEST_PAT_HUGE, 0), 4, "huge: 8 MiB aligned = 4");
	/* Starting 1 page into a 2M range: first touch is page 511. */
	tap_is_int(walk_count(GUEST_MEM_GPA + 4096, 1024, GUEST_PAT_HUGE, 0), 2,
		   "huge: unaligned start touches only 2M boundaries");
	tap_is_int(touch_count(GUEST_MEM_GPA + 4096, 1024, GUEST_PAT_HUGE, 0), 2,
		   "touch_count agrees for unaligned huge");

	/* Partitions tile the range exactly. */
	all = true;
	for (i = 1; i <= 64; i++) {
		uint64_t first, count, next = 0, n = 1000 + i * 13;
		uint32_t v;

		for (v = 0; v < i; v++) {
			guest_partition(n, i, v, &first, &count);
			all &= first == next && count >= n / i && count <= n / i + 1;
			next = first + count;
		}
		all &= next == n;
	}
	tap_ok(all, "guest_partition tiles the range for 1..64 vCPUs");

	fixed = 0;
	for (i = 0; i < 100000; i++)
		fixed += pattern_is_write(i, 7, 30);
	tap_ok(fixed > 29000 && fixed < 31000, "write 30%%: %llu of 100000 writes",
	       (unsigned long long)fixed);
	return tap_done();
}
