// SPDX-License-Identifier: GPL-2.0
/*
 * What differs between the sides' environments, or between the runs of
 * one side.  Anything that can change a figure is reported: a different
 * cmdline, microcode or THP setting can explain a "regression" better
 * than the patch series can.
 */
#include "compare/compare.h"
#include "lib/util.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* Differ between any two runs by nature; not worth a line. */
static const char *const ignored[] = {
	"env.schema",
	"env.host.kernel_release",	/* shown as the build being compared */
	"env.host.kernel_version",
	"env.memory.available_bytes",
	"env.memory.hugetlb.*.free",
};

/* Meta fields describing the environment (the rest is the run's own). */
static const char *const meta_keys[] = { "emulated", "emulation", "vm_type", "vm_type_reason",
					 "sept_emu", "placement", "env" };

static bool is_ignored(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ignored); i++)
		if (!fnmatch(ignored[i], key, 0))
			return true;
	return false;
}

static void flatten(json_t *flat, const char *prefix, json_t *v)
{
	char key[512];
	const char *k;
	json_t *e;
	size_t i;

	if (is_ignored(prefix))
		return;
	if (json_is_object(v) && json_object_size(v)) {
		json_object_foreach(v, k, e) {
			snprintf(key, sizeof(key), "%s.%s", prefix, k);
			flatten(flat, key, e);
		}
		return;
	}
	if (json_is_array(v)) {
		bool scalars = true;

		json_array_foreach(v, i, e)
			scalars &= !json_is_object(e) && !json_is_array(e);
		if (!scalars) {
			json_array_foreach(v, i, e) {
				const char *step = json_string_value(json_object_get(e, "step"));

				/* Checks name themselves ("step"): stable keys. */
				if (step)
					snprintf(key, sizeof(key), "%s.%s", prefix, step);
				else
					snprintf(key, sizeof(key), "%s[%zu]", prefix, i);
				flatten(flat, key, e);
			}
			return;
		}
	}
	if (json_is_string(v)) {
		json_object_set_new(flat, prefix, json_string(json_string_value(v)));
	} else {
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		if (text)
			json_object_set_new(flat, prefix, json_string(text));
		free(text);
	}
}

/*
 * A side's value of @key: its runs' value when they agree, else each
 * distinct one, " | "-separated (runs of one build should agree: a
 * difference within a side is as worth seeing as one between sides).
 * NULL when no run has it.  *mixed when they disagree.
 */
static char *side_value(json_t **flat, size_t nr, const char *key, bool *mixed)
{
	char *out = NULL, *tmp;
	const char *v, *w;
	size_t i, j;
	bool seen;

	*mixed = false;
	for (i = 0; i < nr; i++) {
		v = json_string_value(json_object_get(flat[i], key)) ?: "(absent)";
		for (j = 0, seen = false; j < i && !seen; j++) {
			w = json_string_value(json_object_get(flat[j], key)) ?: "(absent)";
			seen = !strcmp(v, w);
		}
		if (seen)
			continue;
		if (i)
			*mixed = true;
		if (asprintf(&tmp, "%s%s%s", out ?: "", out ? " | " : "", v) < 0) {
			free(out);
			return NULL;
		}
		free(out);
		out = tmp;
	}
	if (out && !*mixed && !json_object_get(flat[0], key)) {
		free(out);
		return NULL;
	}
	return out;
}

int cmp_env_diff(struct cmp_report *r)
{
	json_t ***flat, *keys;
	struct cmp_env_diff *d;
	const struct cmp_side *side;
	char **vals = NULL;
	const char *key;
	bool mixed, differ;
	json_t *v;
	size_t i, b, k;
	int err = -ENOMEM;

	flat = calloc(r->nr_sides, sizeof(*flat));
	keys = json_object();
	if (!flat || !keys)
		goto out;
	for (i = 0; i < r->nr_sides; i++) {
		side = &r->sides[i];
		flat[i] = calloc(side->nr_runs, sizeof(**flat));
		if (!flat[i])
			goto out;
		for (b = 0; b < side->nr_runs; b++) {
			flat[i][b] = json_object();
			for (k = 0; k < ARRAY_SIZE(meta_keys); k++) {
				v = json_object_get(side->runs[b].meta, meta_keys[k]);
				if (v)
					flatten(flat[i][b], meta_keys[k], v);
			}
			json_object_update(keys, flat[i][b]);
		}
	}
	json_object_foreach(keys, key, v) {
		vals = calloc(r->nr_sides, sizeof(*vals));
		if (!vals)
			goto out;
		differ = false;
		for (i = 0; i < r->nr_sides; i++) {
			vals[i] = side_value(flat[i], r->sides[i].nr_runs, key, &mixed);
			differ |= mixed || !vals[i] || (i && (!vals[0] || strcmp(vals[0], vals[i])));
		}
		if (!differ) {
			for (i = 0; i < r->nr_sides; i++)
				free(vals[i]);
			free(vals);
			vals = NULL;
			continue;
		}
		d = realloc(r->env, (r->nr_env + 1) * sizeof(*d));
		if (!d)
			goto out;
		r->env = d;
		d = &r->env[r->nr_env++];
		d->values = vals;
		vals = NULL;
		d->key = strdup(key);
		if (!d->key)
			goto out;
		/* The kernel and its hooks: the point of the comparison. */
		d->expected = !strncmp(key, "env.hooks.", 10) || !strncmp(key, "env.kernel.", 11);
	}
	err = 0;
out:
	if (vals) {
		for (i = 0; i < r->nr_sides; i++)
			free(vals[i]);
		free(vals);
	}
	for (i = 0; flat && i < r->nr_sides; i++) {
		for (b = 0; flat[i] && b < r->sides[i].nr_runs; b++)
			json_decref(flat[i][b]);
		free(flat[i]);
	}
	free(flat);
	json_decref(keys);
	return err;
}
