// SPDX-License-Identifier: GPL-2.0
/*
 * What differs between the runs' environments.  Anything that can change
 * a figure is reported: a different cmdline, microcode or THP setting can
 * explain a "regression" better than the patch series can.
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
					 "placement", "env" };

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

int cmp_env_diff(struct cmp_report *r)
{
	json_t **flat, *keys;
	struct cmp_env_diff *d;
	const char *key;
	json_t *v;
	size_t i, k;
	int err = -ENOMEM;

	flat = calloc(r->nr_runs, sizeof(*flat));
	keys = json_object();
	if (!flat || !keys)
		goto out;
	for (i = 0; i < r->nr_runs; i++) {
		flat[i] = json_object();
		for (k = 0; k < ARRAY_SIZE(meta_keys); k++) {
			v = json_object_get(r->runs[i].meta, meta_keys[k]);
			if (v)
				flatten(flat[i], meta_keys[k], v);
		}
		json_object_update(keys, flat[i]);
	}
	json_object_foreach(keys, key, v) {
		const char *first = json_string_value(json_object_get(flat[0], key));
		bool same = true;

		for (i = 1; i < r->nr_runs; i++) {
			const char *val = json_string_value(json_object_get(flat[i], key));

			same &= first && val && !strcmp(first, val);
		}
		if (same)
			continue;
		d = realloc(r->env, (r->nr_env + 1) * sizeof(*d));
		if (!d)
			goto out;
		r->env = d;
		d = &r->env[r->nr_env++];
		d->key = strdup(key);
		d->values = calloc(r->nr_runs, sizeof(*d->values));
		if (!d->key || !d->values)
			goto out;
		d->expected = !strncmp(key, "env.hooks.", 10);
		for (i = 0; i < r->nr_runs; i++) {
			const char *val = json_string_value(json_object_get(flat[i], key));

			d->values[i] = val ? strdup(val) : NULL;
		}
	}
	err = 0;
out:
	for (i = 0; flat && i < r->nr_runs; i++)
		json_decref(flat[i]);
	free(flat);
	json_decref(keys);
	return err;
}
