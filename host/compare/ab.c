// SPDX-License-Identifier: GPL-2.0
/*
 * An A/B folder (scripts/ab): plan.json says which runs belong to which
 * side.  Only its "kind", "sides" and "steps" are read; a step counts
 * once its run is "done" (or "incomplete", when asked).
 */
#include "compare/compare.h"
#include "lib/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const side_names[2] = { "A", "B" };

bool cmp_ab_is_plan_dir(const char *dir)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/plan.json", dir);
	return !access(path, F_OK);
}

static bool add_run(struct cmp_ab_plan *plan, int side, const char *dir, const char *run)
{
	size_t n = strlen(dir);
	char **tmp, *path;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (asprintf(&path, "%.*s/%s", (int)n, dir, run) < 0)
		return false;
	tmp = realloc(plan->runs[side], (plan->nr_runs[side] + 1) * sizeof(*tmp));
	if (!tmp) {
		free(path);
		return false;
	}
	plan->runs[side] = tmp;
	plan->runs[side][plan->nr_runs[side]++] = path;
	return true;
}

static int side_index(const char *name)
{
	int i;

	for (i = 0; name && i < 2; i++)
		if (!strcmp(name, side_names[i]))
			return i;
	return -1;
}

static bool read_steps(struct cmp_ab_plan *plan, json_t *steps, const char *dir,
		       bool allow_incomplete, const char *path, char *err, size_t size)
{
	const char *status, *run;
	json_t *step;
	size_t i;
	int side;

	if (!json_is_array(steps))
		return fail_msg(err, size, "%s: \"steps\" is not an array", path);
	json_array_foreach(steps, i, step) {
		side = side_index(json_string_value(json_object_get(step, "side")));
		status = json_string_value(json_object_get(step, "status"));
		run = json_string_value(json_object_get(step, "run"));
		if (!json_is_object(step) || side < 0 || !status)
			return fail_msg(err, size,
					"%s: step %zu needs a \"side\" (A or B) and a \"status\"", path, i);
		if (strcmp(status, "done") && (!allow_incomplete || strcmp(status, "incomplete")))
			continue;
		if (!run || !*run || run[0] == '/')
			return fail_msg(err, size, "%s: step %zu is %s but names no run inside the folder",
					path, i, status);
		if (!add_run(plan, side, dir, run))
			return fail_msg(err, size, "out of memory");
	}
	return true;
}

bool cmp_ab_load(struct cmp_ab_plan *plan, const char *dir, bool allow_incomplete, char *err,
		 size_t size)
{
	char path[PATH_MAX + 16];
	const char *kind, *schema;
	json_error_t jerr;
	json_t *doc, *sides;
	bool ok = false;
	int i;

	memset(plan, 0, sizeof(*plan));
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return fail_msg(err, size, "%s: %s (line %d: %s)", path,
				access(path, R_OK) ? "cannot read" : "corrupt or truncated JSON",
				jerr.line, jerr.text);
	kind = json_string_value(json_object_get(doc, "kind"));
	schema = json_string_value(json_object_get(doc, "schema"));
	if (!kind || strcmp(kind, CMP_AB_KIND)) {
		fail_msg(err, size, "%s: kind '%s', not an A/B plan (\"kind\": \"%s\")", path,
			 kind ?: "(none)", CMP_AB_KIND);
		goto out;
	}
	if (!schema || strcmp(schema, CMP_AB_SCHEMA)) {
		fail_msg(err, size, "%s: schema '%s', this septbench reads %s", path,
			 schema ?: "(none)", CMP_AB_SCHEMA);
		goto out;
	}
	snprintf(plan->id, sizeof(plan->id), "%s",
		 json_string_value(json_object_get(doc, "id")) ?: "");
	sides = json_object_get(doc, "sides");
	for (i = 0; i < 2; i++)
		snprintf(plan->spec[i], sizeof(plan->spec[i]), "%s",
			 json_string_value(json_object_get(json_object_get(sides, side_names[i]),
							   "spec")) ?: "");
	if (!read_steps(plan, json_object_get(doc, "steps"), dir, allow_incomplete, path, err, size))
		goto out;
	for (i = 0; i < 2; i++)
		if (!plan->nr_runs[i]) {
			fail_msg(err, size, "%s: no %s step of side %s to compare (A %zu, B %zu)",
				 path, allow_incomplete ? "done or incomplete" : "done", side_names[i],
				 plan->nr_runs[0], plan->nr_runs[1]);
			goto out;
		}
	ok = true;
out:
	json_decref(doc);
	if (!ok)
		cmp_ab_free(plan);
	return ok;
}

void cmp_ab_free(struct cmp_ab_plan *plan)
{
	size_t i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < plan->nr_runs[i]; j++)
			free(plan->runs[i][j]);
		free(plan->runs[i]);
	}
	memset(plan, 0, sizeof(*plan));
}
