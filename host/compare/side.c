// SPDX-License-Identifier: GPL-2.0
/*
 * Sides: the runs of one kernel build (one boot each) merged, scenario by
 * scenario, into one sample per metric whose repetitions stay tagged by
 * boot, for the statistics that know about boots.  A run where a
 * scenario did not complete is left out of that scenario, and said.
 */
#include "compare/compare.h"
#include "lib/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void __attribute__((format(printf, 2, 3))) note(struct cmp_side *side, const char *fmt, ...)
{
	char **tmp, *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	tmp = realloc(side->notes, (side->nr_notes + 1) * sizeof(*tmp));
	if (!tmp) {
		free(msg);
		return;
	}
	side->notes = tmp;
	side->notes[side->nr_notes++] = msg;
}

void cmp_params_diff(const struct cmp_scenario *b, const struct cmp_scenario *n, char *buf,
		     size_t size)
{
	const char *key;
	json_t *v;
	size_t len = 0;

	buf[0] = '\0';
	if (json_equal(b->params, n->params) || (!b->params && !n->params))
		return;
	json_object_foreach(b->params, key, v)
		if (!json_equal(v, json_object_get(n->params, key)) && len < size)
			len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "", key);
	json_object_foreach(n->params, key, v)
		if (!json_object_get(b->params, key) && len < size)
			len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "", key);
	if (!buf[0])
		snprintf(buf, size, "params");
}

/* The metric @m of phase @phase concatenated over @from, or 0 when one lacks it. */
static int merge_metric(struct cmp_phase *out, const struct cmp_scenario **from, size_t nr,
			const char *phase, const struct cmp_metric *m, size_t nr_reps)
{
	const struct cmp_metric *src;
	struct cmp_metric *tmp, *dst;
	size_t i, at = 0;

	for (i = 1; i < nr; i++)
		if (!cmp_metric_find(cmp_phase_find(from[i], phase), m->name))
			return 0;
	tmp = realloc(out->metrics, (out->nr_metrics + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	out->metrics = tmp;
	dst = &out->metrics[out->nr_metrics];
	*dst = *m;
	dst->x = malloc(nr_reps * sizeof(*dst->x));
	if (!dst->x)
		return -ENOMEM;
	out->nr_metrics++;
	for (i = 0; i < nr; i++) {
		src = cmp_metric_find(cmp_phase_find(from[i], phase), m->name);
		memcpy(dst->x + at, src->x, from[i]->nr_reps * sizeof(*dst->x));
		at += from[i]->nr_reps;
	}
	return 0;
}

/* Phases and metrics of from[0] that every run has, repetitions run after run. */
static int merge_phases(struct cmp_scenario *out, const struct cmp_scenario **from, size_t nr)
{
	const struct cmp_phase *p;
	struct cmp_phase *dst;
	size_t i, j, k;
	int err;

	out->phases = calloc(from[0]->nr_phases + 1, sizeof(*out->phases));
	if (!out->phases)
		return -ENOMEM;
	for (j = 0; j < from[0]->nr_phases; j++) {
		p = &from[0]->phases[j];
		for (i = 1; i < nr && cmp_phase_find(from[i], p->name); i++)
			;
		if (i < nr)
			continue;
		dst = &out->phases[out->nr_phases++];
		snprintf(dst->name, sizeof(dst->name), "%s", p->name);
		for (k = 0; k < p->nr_metrics; k++) {
			err = merge_metric(dst, from, nr, p->name, &p->metrics[k], out->nr_reps);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Name, status, params, document of @s; no repetitions. */
static void copy_identity(struct cmp_scenario *out, const struct cmp_scenario *s)
{
	*out = *s;
	out->nr_reps = out->nr_phases = out->nr_boots = 0;
	out->phases = NULL;
	out->boot_end = out->boot_run = NULL;
}

static int merge_scenario(struct cmp_side *side, struct cmp_scenario *out, const char *name,
			  const char *letter)
{
	const struct cmp_scenario **from, *s, *unsupported = NULL, *present = NULL;
	size_t i, nr = 0, at = 0, *run_of;
	char diff[512];
	int err = -ENOMEM;

	from = calloc(side->nr_runs, sizeof(*from));
	run_of = calloc(side->nr_runs, sizeof(*run_of));
	if (!from || !run_of)
		goto out;
	for (i = 0; i < side->nr_runs; i++) {
		s = cmp_run_find(&side->runs[i], name);
		if (!s)
			continue;
		present = present ?: s;
		if (!strcmp(s->status, "unsupported"))
			unsupported = unsupported ?: s;
		if (strcmp(s->status, "complete") ||
		    (nr && strcmp(s->timed_phase, from[0]->timed_phase)))
			continue;
		run_of[nr] = i;
		from[nr++] = s;
	}
	if (unsupported || !nr) {
		copy_identity(out, unsupported ?: present);
		err = 0;
		goto out;
	}
	/* Runs of a side that cannot join it: said, not hidden. */
	for (i = 0; i < side->nr_runs && side->nr_runs > 1; i++) {
		s = cmp_run_find(&side->runs[i], name);
		if (!s)
			note(side, "%s: not in %s's run %s: %zu of %zu runs have it", name, letter,
			     side->runs[i].run_id, nr, side->nr_runs);
		else if (strcmp(s->status, "complete"))
			note(side, "%s: %s in %s's run %s%s%s: left out, %zu of %zu runs remain", name,
			     s->status, letter, side->runs[i].run_id, s->reason[0] ? ": " : "",
			     s->reason, nr, side->nr_runs);
		else if (strcmp(s->timed_phase, from[0]->timed_phase))
			note(side, "%s: timed phase '%s' in %s's run %s, '%s' in %s: left out", name,
			     s->timed_phase, letter, side->runs[i].run_id, from[0]->timed_phase,
			     side->runs[run_of[0]].run_id);
	}
	copy_identity(out, from[0]);
	out->nr_boots = nr;
	out->boot_end = calloc(nr, sizeof(*out->boot_end));
	out->boot_run = calloc(nr, sizeof(*out->boot_run));
	if (!out->boot_end || !out->boot_run)
		goto out;
	for (i = 0; i < nr; i++) {
		at += from[i]->nr_reps;
		out->boot_end[i] = at;
		out->boot_run[i] = run_of[i];
		cmp_params_diff(from[0], from[i], diff, sizeof(diff));
		if (diff[0])
			note(side, "%s: parameters differ between %s's runs %s and %s: %s", name,
			     letter, side->runs[run_of[0]].run_id, side->runs[run_of[i]].run_id, diff);
	}
	out->nr_reps = at;
	err = merge_phases(out, from, nr);
out:
	free(from);
	free(run_of);
	return err;
}

static void name_side(struct cmp_side *side)
{
	size_t i;
	bool same = true;

	snprintf(side->id, sizeof(side->id), "%s", side->runs[0].run_id);
	if (side->nr_runs > 1)
		snprintf(side->id + strlen(side->id), sizeof(side->id) - strlen(side->id), "+%zu",
			 side->nr_runs - 1);
	for (i = 1; i < side->nr_runs; i++)
		same &= !strcmp(side->runs[i].name, side->runs[0].name);
	if (side->spec[0])
		snprintf(side->name, sizeof(side->name), "%s", side->spec);
	else if (same)
		snprintf(side->name, sizeof(side->name), "%s", side->runs[0].name);
	else
		snprintf(side->name, sizeof(side->name), "%s+%zu", side->runs[0].name,
			 side->nr_runs - 1);
	side->dir = side->runs[0].dir;
	side->kernel = side->runs[0].kernel;
	side->variant = side->runs[0].variant;
	side->meta = side->runs[0].meta;
}

int cmp_side_build(struct cmp_side *side, const char *letter)
{
	size_t total = 0, i, j;
	const char *name;
	int err;

	name_side(side);
	for (i = 0; i < side->nr_runs; i++)
		total += side->runs[i].nr_scen;
	side->scen = calloc(total + 1, sizeof(*side->scen));
	if (!side->scen)
		return -ENOMEM;
	for (i = 0; i < side->nr_runs; i++)
		for (j = 0; j < side->runs[i].nr_scen; j++) {
			name = side->runs[i].scen[j].name;
			if (cmp_side_find(side, name))
				continue;
			err = merge_scenario(side, &side->scen[side->nr_scen], name, letter);
			/* Counted even on failure: what it holds is freed with the side. */
			side->nr_scen++;
			if (err)
				return err;
		}
	return 0;
}

void cmp_side_free(struct cmp_side *side)
{
	size_t i;

	for (i = 0; i < side->nr_scen; i++)
		cmp_scenario_free(&side->scen[i]);
	free(side->scen);
	for (i = 0; i < side->nr_notes; i++)
		free(side->notes[i]);
	free(side->notes);
	for (i = 0; i < side->nr_runs; i++)
		cmp_run_free(&side->runs[i]);
	free(side->runs);
	memset(side, 0, sizeof(*side));
}

const struct cmp_scenario *cmp_side_find(const struct cmp_side *side, const char *name)
{
	return cmp_scenario_find(side->scen, side->nr_scen, name);
}
