// SPDX-License-Identifier: GPL-2.0
/* The run's schedule: blocks in suite order, interleaved rounds, replay by seed. */
#include "tap.h"
#include "run/schedule.h"

#include <stdlib.h>
#include <string.h>

/* Steps as "s.r s.r ..." (scenario.rep) for comparing whole plans. */
static void plan_text(const struct sched_step *st, size_t n, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len + 16 < size; i++)
		len += snprintf(buf + len, size - len, "%s%u.%u", i ? " " : "", st[i].scenario,
				st[i].rep);
}

int main(void)
{
	const unsigned int reps[] = { 3, 3, 1, 3 };
	const bool runs[] = { true, true, true, false };
	const char *const names[] = { "a", "b", "c", "d" };
	struct sched_step *p, *q;
	char t1[512], t2[512];
	size_t n, m, i, k, differ = 0;
	bool perm = true, order = true;
	json_t *j;

	tap_plan(9);

	p = schedule_plan(reps, runs, 4, ORDER_BLOCKS, 1, &n);
	plan_text(p, n, t1, sizeof(t1));
	tap_is_str(t1, "0.0 0.1 0.2 1.0 1.1 1.2 2.0", "blocks: suite order, every repetition, d left out");
	free(p);

	p = schedule_plan(reps, runs, 4, ORDER_INTERLEAVED, 42, &n);
	tap_ok(n == 7, "interleaved: 7 steps (3 + 3 + 1, d left out)");
	/* Rounds: 0 holds a, b, c; 1 and 2 hold a and b; each a permutation, reps in round order. */
	for (i = k = 0; i < n; i++) {
		unsigned int want = i < 3 ? 0 : i < 5 ? 1 : 2;

		if (p[i].round != want || p[i].rep != want)
			order = false;
		if (i == 2 || i == 4 || i == 6) {
			unsigned int seen = 0;

			for (m = k; m <= i; m++)
				seen |= 1u << p[m].scenario;
			if (seen != (i == 2 ? 7u : 3u))
				perm = false;
			k = i + 1;
		}
	}
	tap_ok(order, "interleaved: round r runs repetition r");
	tap_ok(perm, "interleaved: each round runs each scenario that has the repetition once; c drops out after round 0");
	plan_text(p, n, t1, sizeof(t1));
	q = schedule_plan(reps, runs, 4, ORDER_INTERLEAVED, 42, &m);
	plan_text(q, m, t2, sizeof(t2));
	tap_is_str(t2, t1, "the same seed gives the same order");
	free(q);

	/* Over many seeds, round 0 must come out in more than one order. */
	for (i = 0; i < 32; i++) {
		q = schedule_plan(reps, runs, 4, ORDER_INTERLEAVED, i, &m);
		plan_text(q, 3, t2, sizeof(t2));
		differ += strcmp(t2, "0.0 1.0 2.0") != 0;
		free(q);
	}
	tap_ok(differ > 0 && differ < 32, "the seed shuffles: %zu of 32 seeds give another first round than suite order", differ);

	j = schedule_json(p, n, ORDER_INTERLEAVED, 42, names);
	tap_ok(json_array_size(json_object_get(j, "rounds")) == 3 &&
	       json_array_size(json_array_get(json_object_get(j, "rounds"), 0)) == 3 &&
	       json_integer_value(json_object_get(j, "seed")) == 42,
	       "the recorded order: 3 rounds, the first of 3 names, the seed");
	json_decref(j);
	free(p);

	{
		enum run_order o;

		tap_ok(schedule_parse_order("blocks", &o) && o == ORDER_BLOCKS &&
		       schedule_parse_order("interleaved", &o) && o == ORDER_INTERLEAVED,
		       "interleaved and blocks parse");
		tap_ok(!schedule_parse_order("random", &o), "anything else is refused");
	}
	return tap_done();
}
