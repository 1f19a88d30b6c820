/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which repetition of which scenario runs when.  Interleaved (the
 * default): round r runs repetition r of every scenario that has one, in
 * an order shuffled afresh each round from a recorded seed, so drift over
 * a long run lands on every scenario alike.  Blocks: every repetition of
 * one scenario, then the next, in suite order.  Pure: no KVM, no files.
 */
#ifndef SEPTBENCH_SCHEDULE_H
#define SEPTBENCH_SCHEDULE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum run_order {
	ORDER_INTERLEAVED,
	ORDER_BLOCKS,
};

struct sched_step {
	unsigned int scenario;		/* index into the run's scenarios */
	unsigned int rep;		/* repetition number, from 0 */
	unsigned int round;		/* interleaved: the round; blocks: the scenario's index */
};

/*
 * The steps for @n scenarios with reps[i] repetitions each; @runs[i]
 * false leaves scenario i out.  A malloc'ed array of *nr_steps, NULL on
 * allocation failure.
 */
struct sched_step *schedule_plan(const unsigned int *reps, const bool *runs, size_t n,
				 enum run_order order, uint64_t seed, size_t *nr_steps);

/* meta.json's "order": mode, seed and the scenario names round by round. */
json_t *schedule_json(const struct sched_step *steps, size_t nr, enum run_order order,
		      uint64_t seed, const char *const *names);

bool schedule_parse_order(const char *s, enum run_order *order);
const char *schedule_order_name(enum run_order order);

#endif
