// SPDX-License-Identifier: GPL-2.0
/* better / worse / no change, knowing which way is better. */
#include "stats/stats.h"

#include <math.h>

enum stats_verdict stats_verdict(const struct stats_verdict_in *in)
{
	bool up;

	if (isnan(in->ratio) || isnan(in->ci_lo) || isnan(in->ci_hi) || isnan(in->p))
		return STATS_NO_CHANGE;
	/* The interval must exclude 1 and the test must agree. */
	if (in->ci_lo <= 1 && in->ci_hi >= 1)
		return STATS_NO_CHANGE;
	if (!(in->p < in->alpha))
		return STATS_NO_CHANGE;
	if (fabs(in->ratio - 1) < in->threshold)
		return STATS_NO_CHANGE;
	up = in->ratio > 1;
	return up == (in->dir == STATS_HIGHER_IS_BETTER) ? STATS_BETTER : STATS_WORSE;
}

const char *stats_verdict_name(enum stats_verdict v)
{
	switch (v) {
	case STATS_BETTER:
		return "better";
	case STATS_WORSE:
		return "worse";
	default:
		return "no change";
	}
}
