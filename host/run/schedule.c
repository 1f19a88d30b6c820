// SPDX-License-Identifier: GPL-2.0
#include "run/schedule.h"
#include "stats/stats.h"

#include <stdlib.h>
#include <string.h>

struct sched_step *schedule_plan(const unsigned int *reps, const bool *runs, size_t n,
				 enum run_order order, uint64_t seed, size_t *nr_steps)
{
	unsigned int max = 0, r, *perm;
	struct sched_step *steps;
	struct stats_rng rng;
	size_t total = 0, i, k, m;

	for (i = 0; i < n; i++) {
		if (!runs[i])
			continue;
		total += reps[i];
		if (reps[i] > max)
			max = reps[i];
	}
	*nr_steps = 0;
	steps = calloc(total + 1, sizeof(*steps));
	perm = calloc(n + 1, sizeof(*perm));
	if (!steps || !perm) {
		free(steps);
		free(perm);
		return NULL;
	}
	if (order == ORDER_BLOCKS) {
		for (i = 0; i < n; i++)
			for (r = 0; runs[i] && r < reps[i]; r++)
				steps[(*nr_steps)++] = (struct sched_step){ i, r, i };
		free(perm);
		return steps;
	}
	stats_rng_seed(&rng, seed);
	for (r = 0; r < max; r++) {
		for (i = m = 0; i < n; i++)
			if (runs[i] && r < reps[i])
				perm[m++] = i;
		/* Fisher-Yates, unbiased draws: every order equally likely. */
		for (k = m; k > 1; k--) {
			size_t j = stats_rng_below(&rng, k);
			unsigned int t = perm[k - 1];

			perm[k - 1] = perm[j];
			perm[j] = t;
		}
		for (k = 0; k < m; k++)
			steps[(*nr_steps)++] = (struct sched_step){ perm[k], r, r };
	}
	free(perm);
	return steps;
}

json_t *schedule_json(const struct sched_step *steps, size_t nr, enum run_order order,
		      uint64_t seed, const char *const *names)
{
	json_t *rounds = json_array(), *cur = NULL;
	unsigned int round = 0;
	size_t i;

	for (i = 0; i < nr; i++) {
		if (!cur || steps[i].round != round) {
			cur = json_array();
			json_array_append_new(rounds, cur);
			round = steps[i].round;
		}
		json_array_append_new(cur, json_string(names[steps[i].scenario]));
	}
	return json_pack("{s:s, s:I, s:o}", "mode", schedule_order_name(order),
			 "seed", (json_int_t)seed, order == ORDER_BLOCKS ? "blocks" : "rounds", rounds);
}

bool schedule_parse_order(const char *s, enum run_order *order)
{
	if (!strcmp(s, "interleaved"))
		*order = ORDER_INTERLEAVED;
	else if (!strcmp(s, "blocks"))
		*order = ORDER_BLOCKS;
	else
		return false;
	return true;
}

const char *schedule_order_name(enum run_order order)
{
	return order == ORDER_BLOCKS ? "blocks" : "interleaved";
}
