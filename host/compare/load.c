// SPDX-License-Identifier: GPL-2.0
/*
 * Reading results folders: every problem is one line naming the file, so
 * that `git bisect run` logs say what was wrong with the input.
 */
#include "stats/lathist.h"
#include "compare/compare.h"
#include "lib/results_schema.h"
#include "lib/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool dir_empty(const char *dir)
{
	struct dirent *de;
	bool empty = true;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

/* Parse a JSON file whose schema must be ours. */
static json_t *load_doc(const char *path, char *err, size_t size)
{
	const char *schema;
	json_error_t jerr;
	json_t *doc;

	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (access(path, R_OK))
			fail_msg(err, size, "%s: cannot read: %s", path, strerror(errno));
		else
			fail_msg(err, size, "%s: corrupt or truncated JSON (line %d: %s)", path,
			     jerr.line, jerr.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		fail_msg(err, size, "%s: not a JSON object", path);
		goto bad;
	}
	schema = json_string_value(json_object_get(doc, "schema"));
	if (!schema) {
		fail_msg(err, size, "%s: no \"schema\" field: not a septbench result file", path);
		goto bad;
	}
	if (strcmp(schema, RESULTS_SCHEMA)) {
		fail_msg(err, size, "%s: schema '%s', this septbench reads %s", path, schema,
		     RESULTS_SCHEMA);
		goto bad;
	}
	return doc;
bad:
	json_decref(doc);
	return NULL;
}

static bool get_str(json_t *obj, const char *key, char *buf, size_t size, bool required,
		    const char *path, char *err, size_t err_size)
{
	json_t *v = json_object_get(obj, key);

	buf[0] = '\0';
	if (!v && !required)
		return true;
	if (!json_is_string(v))
		return fail_msg(err, err_size, "%s: \"%s\" %s", path, key,
			    v ? "is not a string" : "is missing");
	snprintf(buf, size, "%s", json_string_value(v));
	return true;
}

/* An integer >= 0 (real numbers written by other tools are accepted). */
static bool get_count(json_t *obj, const char *key, double *val)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_number(v))
		return false;
	*val = json_number_value(v);
	return *val >= 0;
}

/*
 * Sum of phase[a][b][c] over the phases named @name of one rep: KVM stats
 * are stats.<group>.<key>, perf counters counters.<event>.value.
 */
static bool field_sum(json_t *phases, const char *name, const char *a, const char *b,
		      const char *c, double *sum)
{
	json_t *ph, *v;
	size_t i;

	*sum = 0;
	json_array_foreach(phases, i, ph) {
		if (strcmp(json_string_value(json_object_get(ph, "name")), name))
			continue;
		v = json_object_get(json_object_get(json_object_get(ph, a), b), c);
		if (!json_is_number(v))
			return false;
		*sum += json_number_value(v);
	}
	return true;
}

static struct cmp_metric *add_metric(struct cmp_phase *p, const char *name, size_t nr_reps,
				     enum stats_direction dir, bool rate, bool nonneg)
{
	struct cmp_metric *tmp, *m;

	tmp = realloc(p->metrics, (p->nr_metrics + 1) * sizeof(*tmp));
	if (!tmp)
		return NULL;
	p->metrics = tmp;
	m = &p->metrics[p->nr_metrics];
	memset(m, 0, sizeof(*m));
	m->x = calloc(nr_reps, sizeof(*m->x));
	if (!m->x)
		return NULL;
	p->nr_metrics++;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->dir = dir;
	m->rate = rate;
	m->nonneg = nonneg;
	return m;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/*
 * The engine's own figures of a repetition, "derived": {key: number}
 * (KVM's share: timed minus control, per op), metrics derived.<key> of
 * the timed phase: the numeric keys of the first repetition found in
 * every one.  Signed: a control slower than the timed phase is negative.
 * False on allocation failure.
 */
static bool extract_derived(struct cmp_scenario *s, struct cmp_phase *p, json_t *reps)
{
	json_t *first = json_object_get(json_array_get(reps, 0), "derived"), *v;
	struct cmp_metric *m;
	const char *key;
	char mname[96];
	size_t r;

	json_object_foreach(first, key, v) {
		bool all = json_is_number(v), rate = ends_with(key, "_per_s");

		for (r = 1; r < s->nr_reps && all; r++)
			all = json_is_number(json_object_get(json_object_get(json_array_get(reps, r),
									     "derived"), key));
		if (!all)
			continue;
		snprintf(mname, sizeof(mname), "derived.%s", key);
		m = add_metric(p, mname, s->nr_reps, rate ? STATS_HIGHER_IS_BETTER :
			       STATS_LOWER_IS_BETTER, rate, false);
		if (!m)
			return false;
		for (r = 0; r < s->nr_reps; r++)
			m->x[r] = json_number_value(json_object_get(json_object_get(json_array_get(reps, r),
										    "derived"), key));
	}
	return true;
}

/* The first phase @name of repetition @rep's "latency", or NULL. */
static json_t *phase_latency(json_t *rep, const char *name)
{
	json_t *ph;
	size_t i;

	json_array_foreach(json_object_get(rep, "phases"), i, ph)
		if (!strcmp(json_string_value(json_object_get(ph, "name")), name))
			return json_object_get(ph, "latency");
	return NULL;
}

/*
 * Per-op latency of the phase, where every repetition recorded it: each
 * repetition's percentile is one value, so the bootstrap runs over
 * repetitions, as for ns_per_op.  vcpu_spread only where vCPUs differ.
 * False on allocation failure.
 */
static bool extract_latency(struct cmp_scenario *s, struct cmp_phase *p, json_t *reps,
			    const char *name)
{
	const char *const *keys = lathist_metric_names;
	struct cmp_metric *m;
	size_t r, k;

	for (k = 0; k < LATHIST_NR_METRICS; k++) {
		bool all = true;

		for (r = 0; r < s->nr_reps && all; r++)
			all = json_is_number(json_object_get(phase_latency(json_array_get(reps, r), name),
							     keys[k]));
		if (!all)
			continue;
		m = add_metric(p, keys[k], s->nr_reps, STATS_LOWER_IS_BETTER, false, true);
		if (!m)
			return false;
		for (r = 0; r < s->nr_reps; r++)
			m->x[r] = json_number_value(json_object_get(phase_latency(json_array_get(reps, r),
										 name), keys[k]));
	}
	return true;
}

/*
 * Metrics of the phase @name: phases of that name within one repetition
 * are added up (a churn scenario may repeat them).  Returns 1 when the
 * phase is in every repetition, 0 when not, -ENOMEM.
 */
static int extract_phase(struct cmp_scenario *s, json_t *reps, const char *name,
			 const char *path, char *err, size_t err_size)
{
	/* Where per-op metrics come from: phase[a][b] holds them by name. */
	static const struct {
		const char *prefix, *a, *b;
	} sources[] = {
		{ "vm", "stats", "vm" },
		{ "vcpu", "stats", "vcpu" },
		{ "counter", "counters", NULL },	/* counters.<event>.value */
	};
	double *ns, *ops, v;
	struct cmp_phase *p, *tmp;
	struct cmp_metric *m;
	bool per_op = true;
	json_t *rep, *ph = NULL, *sv;
	size_t r, i, g;
	const char *key;
	int ret = -ENOMEM;

	ns = calloc(s->nr_reps, sizeof(*ns));
	ops = calloc(s->nr_reps, sizeof(*ops));
	if (!ns || !ops)
		goto out;
	json_array_foreach(reps, r, rep) {
		bool seen = false;

		json_array_foreach(json_object_get(rep, "phases"), i, ph) {
			if (strcmp(json_string_value(json_object_get(ph, "name")), name))
				continue;
			seen = true;
			get_count(ph, "ns", &v);
			ns[r] += v;
			get_count(ph, "ops", &v);
			ops[r] += v;
		}
		if (!seen) {
			ret = 0;
			goto out;
		}
		if (ops[r] == 0 || ns[r] == 0)
			per_op = false;
	}
	if (!strcmp(name, s->timed_phase) && !per_op) {
		fail_msg(err, err_size, "%s: timed phase '%s' has 0 ns or 0 ops in some repetition",
		     path, name);
		ret = -EINVAL;
		goto out;
	}

	tmp = realloc(s->phases, (s->nr_phases + 1) * sizeof(*tmp));
	if (!tmp)
		goto out;
	s->phases = tmp;
	p = &s->phases[s->nr_phases++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (!per_op) {
		m = add_metric(p, "ns", s->nr_reps, STATS_LOWER_IS_BETTER, false, true);
		if (!m)
			goto out;
		memcpy(m->x, ns, s->nr_reps * sizeof(*ns));
		ret = 1;
		goto out;
	}
	m = add_metric(p, "ns_per_op", s->nr_reps, STATS_LOWER_IS_BETTER, false, true);
	if (!m)
		goto out;
	for (r = 0; r < s->nr_reps; r++)
		m->x[r] = ns[r] / ops[r];
	m = add_metric(p, "ops_per_s", s->nr_reps, STATS_HIGHER_IS_BETTER, true, true);
	if (!m)
		goto out;
	for (r = 0; r < s->nr_reps; r++)
		m->x[r] = ops[r] / ns[r] * 1e9;

	/*
	 * KVM stats and perf counters per op: the keys of the first repetition
	 * found in every one (an unsupported counter has no value: skipped).
	 */
	rep = json_array_get(reps, 0);
	json_array_foreach(json_object_get(rep, "phases"), i, ph)
		if (!strcmp(json_string_value(json_object_get(ph, "name")), name))
			break;
	for (g = 0; g < ARRAY_SIZE(sources); g++) {
		json_t *grp = json_object_get(ph, sources[g].a);
		const char *b, *c;
		char mname[96];

		if (sources[g].b)
			grp = json_object_get(grp, sources[g].b);
		json_object_foreach(grp, key, sv) {
			bool all = true;

			b = sources[g].b ? sources[g].b : key;
			c = sources[g].b ? key : "value";
			for (r = 0; r < s->nr_reps && all; r++)
				all = field_sum(json_object_get(json_array_get(reps, r), "phases"),
						name, sources[g].a, b, c, &v);
			if (!all)
				continue;
			snprintf(mname, sizeof(mname), "%s.%s", sources[g].prefix, key);
			m = add_metric(p, mname, s->nr_reps, STATS_LOWER_IS_BETTER, false, false);
			if (!m)
				goto out;
			for (r = 0; r < s->nr_reps; r++) {
				field_sum(json_object_get(json_array_get(reps, r), "phases"), name,
					  sources[g].a, b, c, &v);
				m->x[r] = v / ops[r];
			}
		}
	}
	if (!strcmp(name, s->timed_phase) && !extract_derived(s, p, reps))
		goto out;
	if (!extract_latency(s, p, reps, name))
		goto out;
	ret = 1;
out:
	if (ret == -ENOMEM)
		fail_msg(err, err_size, "%s: out of memory", path);
	free(ns);
	free(ops);
	return ret;
}

/* Check every repetition's shape before trusting any field. */
static bool check_reps(json_t *reps, const char *path, char *err, size_t err_size)
{
	json_t *rep, *phases, *ph, *stats, *grp, *v;
	const char *key;
	size_t r, i;
	double d;

	json_array_foreach(reps, r, rep) {
		phases = json_object_get(rep, "phases");
		if (!json_is_object(rep) || !json_is_array(phases))
			return fail_msg(err, err_size, "%s: repetition %zu has no \"phases\" array", path, r);
		v = json_object_get(rep, "derived");
		if (v && !json_is_object(v))
			return fail_msg(err, err_size, "%s: repetition %zu: \"derived\" is not an object",
					path, r);
		json_array_foreach(phases, i, ph) {
			const char *name = json_string_value(json_object_get(ph, "name"));

			if (!name)
				return fail_msg(err, err_size, "%s: repetition %zu, phase %zu has no name",
					    path, r, i);
			if (!get_count(ph, "ns", &d) || !get_count(ph, "ops", &d))
				return fail_msg(err, err_size,
					    "%s: repetition %zu, phase '%s': ns and ops must be numbers >= 0",
					    path, r, name);
			stats = json_object_get(ph, "stats");
			if (stats && !json_is_object(stats))
				return fail_msg(err, err_size, "%s: repetition %zu, phase '%s': bad stats",
					    path, r, name);
			json_object_foreach(stats, key, grp) {
				const char *k2;

				json_object_foreach(grp, k2, v)
					if (!json_is_number(v))
						return fail_msg(err, err_size,
							    "%s: repetition %zu, phase '%s': stat %s.%s is not a number",
							    path, r, name, key, k2);
			}
		}
	}
	return true;
}

static bool strings_or_absent(json_t *obj, const char *key)
{
	json_t *a = json_object_get(obj, key), *v;
	size_t i;

	if (!a)
		return true;
	if (!json_is_array(a))
		return false;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return false;
	return true;
}

/* What compare reads of meta.json beyond the environment. */
static bool check_meta(json_t *meta, const char *path, char *err, size_t err_size)
{
	json_t *v = json_object_get(meta, "tdp_mmu");

	if (v && !json_is_boolean(v))
		return fail_msg(err, err_size, "%s: \"tdp_mmu\" is not true or false", path);
	v = json_object_get(meta, "order");
	if (v && (!json_is_object(v) || !json_is_string(json_object_get(v, "mode"))))
		return fail_msg(err, err_size, "%s: \"order\" is not an object with a \"mode\" string",
				path);
	return true;
}

static bool load_scenario(struct cmp_scenario *s, json_t *doc, const char *path,
			  char *err, size_t err_size)
{
	json_t *reps, *rep, *ph;
	char name[64];
	size_t i, j;
	int ret;

	if (!get_str(doc, "status", s->status, sizeof(s->status), true, path, err, err_size) ||
	    !get_str(doc, "reason", s->reason, sizeof(s->reason), false, path, err, err_size) ||
	    !get_str(doc, "kind", s->kind, sizeof(s->kind), false, path, err, err_size))
		return false;
	if (!strings_or_absent(doc, "warnings"))
		return fail_msg(err, err_size, "%s: \"warnings\" is not an array of strings", path);
	s->params = json_object_get(doc, "params");
	s->doc = doc;
	if (strcmp(s->status, "complete"))
		return true;
	if (!get_str(doc, "timed_phase", s->timed_phase, sizeof(s->timed_phase), true, path,
		     err, err_size) ||
	    !get_str(doc, "unit", s->unit, sizeof(s->unit), false, path, err, err_size))
		return false;
	reps = json_object_get(doc, "reps");
	if (!json_is_array(reps) || !json_array_size(reps))
		return fail_msg(err, err_size, "%s: complete but no repetitions", path);
	if (!check_reps(reps, path, err, err_size))
		return false;
	s->nr_reps = json_array_size(reps);

	ret = extract_phase(s, reps, s->timed_phase, path, err, err_size);
	if (ret < 0)
		return false;
	if (!ret)
		return fail_msg(err, err_size, "%s: timed phase '%s' missing from a repetition", path,
			    s->timed_phase);
	/* The other phases, in the order of the first repetition. */
	rep = json_array_get(reps, 0);
	json_array_foreach(json_object_get(rep, "phases"), i, ph) {
		snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(ph, "name")));
		for (j = 0; j < s->nr_phases; j++)
			if (!strcmp(s->phases[j].name, name))
				break;
		if (j < s->nr_phases)
			continue;
		if (extract_phase(s, reps, name, path, err, err_size) < 0)
			return false;
	}
	return true;
}

/* "-yyyymmddThhmmssZ" at s: the stamp of a run id. */
static bool is_stamp(const char *s)
{
	static const char shape[] = "-DDDDDDDDTDDDDDDZ";
	size_t i;

	for (i = 0; shape[i]; i++)
		if (shape[i] == 'D' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return true;
}

/*
 * How the report names a run: its label (meta "label", else what follows
 * the stamp in the run id, less a short build id put there), else the
 * first 8 hex digits of its kernel's build id, else its run id.
 */
static void name_run(struct cmp_run *run)
{
	const char *label = json_string_value(json_object_get(run->meta, "label")), *p;
	json_t *kernel = json_object_get(json_object_get(run->meta, "env"), "kernel");
	const char *build = json_string_value(json_object_get(kernel, "build_id"));
	size_t len;

	snprintf(run->build_id, sizeof(run->build_id), "%s", build ?: "");
	for (p = run->run_id; !label && *p; p++) {
		if (!is_stamp(p))
			continue;
		p += strlen("-yyyymmddThhmmssZ");
		if (*p == '-' && run->build_id[0] && !strncmp(p + 1, run->build_id, 8) &&
		    (p[9] == '-' || !p[9]))
			p += 9;
		if (*p == '-' && p[1])
			label = p + 1;
		break;
	}
	snprintf(run->label, sizeof(run->label), "%s", label ?: "");
	len = strlen(run->build_id) < 8 ? strlen(run->build_id) : 8;
	if (run->label[0])
		snprintf(run->name, sizeof(run->name), "%s", run->label);
	else if (len)
		snprintf(run->name, sizeof(run->name), "%.*s", (int)len, run->build_id);
	else
		snprintf(run->name, sizeof(run->name), "%s", run->run_id);
}

bool cmp_run_load(struct cmp_run *run, const char *dir, bool allow_incomplete,
		  char *err, size_t err_size)
{
	char path[PATH_MAX + 256], status[32], *slash;
	json_t *names, *v, *doc;
	struct stat st;
	size_t i;

	memset(run, 0, sizeof(*run));
	snprintf(run->dir, sizeof(run->dir), "%s", dir);
	/* Trailing slashes would make an empty run name. */
	for (i = strlen(run->dir); i > 1 && run->dir[i - 1] == '/'; i--)
		run->dir[i - 1] = '\0';
	if (stat(run->dir, &st))
		return fail_msg(err, err_size, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail_msg(err, err_size, "%s: not a folder", dir);
	snprintf(path, sizeof(path), "%s/meta.json", run->dir);
	if (access(path, F_OK))
		return fail_msg(err, err_size, "%s: %s, not a septbench results folder (no meta.json)",
			    dir, dir_empty(run->dir) ? "empty folder" : "no meta.json");
	run->meta = load_doc(path, err, err_size);
	if (!run->meta)
		return false;
	if (!check_meta(run->meta, path, err, err_size) ||
	    !get_str(run->meta, "status", status, sizeof(status), true, path, err, err_size) ||
	    !get_str(run->meta, "run_id", run->run_id, sizeof(run->run_id), false, path, err,
		     err_size))
		return false;
	if (!run->run_id[0]) {
		slash = strrchr(run->dir, '/');
		/* Longer than any run id made by septbench: cut. */
		if (snprintf(run->run_id, sizeof(run->run_id), "%s", slash ? slash + 1 : run->dir) >=
		    (int)sizeof(run->run_id))
			run->run_id[sizeof(run->run_id) - 1] = '\0';
	}
	if (strcmp(status, "complete") && !allow_incomplete)
		return fail_msg(err, err_size,
			    "%s: run status is '%s', not 'complete' (use --allow-incomplete to compare its complete scenarios)",
			    dir, status);
	snprintf(run->kernel, sizeof(run->kernel), "%s",
		 json_string_value(json_object_get(json_object_get(json_object_get(run->meta, "env"),
								   "host"), "kernel_release")) ?: "?");
	snprintf(run->variant, sizeof(run->variant), "%s",
		 json_string_value(json_object_get(json_object_get(json_object_get(run->meta, "env"),
								   "hooks"), "variant")) ?: "?");
	name_run(run);
	names = json_object_get(run->meta, "scenarios");
	if (!json_is_array(names))
		return fail_msg(err, err_size, "%s: \"scenarios\" is not an array", path);
	run->docs = json_array();
	run->scen = calloc(json_array_size(names) + 1, sizeof(*run->scen));
	if (!run->docs || !run->scen)
		return fail_msg(err, err_size, "out of memory");
	json_array_foreach(names, i, v) {
		struct cmp_scenario *s = &run->scen[run->nr_scen];
		const char *name = json_string_value(v);
		char sname[128];

		if (!name || !*name || strchr(name, '/') || strlen(name) >= sizeof(s->name))
			return fail_msg(err, err_size, "%s: bad scenario name in \"scenarios\"", path);
		if (cmp_run_find(run, name))
			return fail_msg(err, err_size, "%s: scenario '%s' listed twice", path, name);
		snprintf(path, sizeof(path), "%s/%s.json", run->dir, name);
		if (access(path, F_OK)) {
			/* An interrupted run lists scenarios it never wrote. */
			if (strcmp(status, "complete"))
				continue;
			return fail_msg(err, err_size, "%s: missing, though meta.json lists it", path);
		}
		doc = load_doc(path, err, err_size);
		if (!doc)
			return false;
		json_array_append_new(run->docs, doc);
		if (!get_str(doc, "scenario", sname, sizeof(sname), true, path, err, err_size))
			return false;
		if (strcmp(sname, name))
			return fail_msg(err, err_size, "%s: names scenario '%s'", path, sname);
		snprintf(s->name, sizeof(s->name), "%s", name);
		run->nr_scen++;
		if (!load_scenario(s, doc, path, err, err_size))
			return false;
	}
	return true;
}

void cmp_scenario_free(struct cmp_scenario *s)
{
	size_t j, k;

	for (j = 0; j < s->nr_phases; j++) {
		for (k = 0; k < s->phases[j].nr_metrics; k++)
			free(s->phases[j].metrics[k].x);
		free(s->phases[j].metrics);
	}
	free(s->phases);
	free(s->boot_end);
	free(s->boot_run);
}

void cmp_run_free(struct cmp_run *run)
{
	size_t i;

	for (i = 0; i < run->nr_scen; i++)
		cmp_scenario_free(&run->scen[i]);
	free(run->scen);
	json_decref(run->docs);
	json_decref(run->meta);
	memset(run, 0, sizeof(*run));
}

const struct cmp_scenario *cmp_scenario_find(const struct cmp_scenario *scen, size_t n,
					     const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(scen[i].name, name))
			return &scen[i];
	return NULL;
}

const struct cmp_scenario *cmp_run_find(const struct cmp_run *run, const char *name)
{
	return cmp_scenario_find(run->scen, run->nr_scen, name);
}

const struct cmp_phase *cmp_phase_find(const struct cmp_scenario *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nr_phases; i++)
		if (!strcmp(s->phases[i].name, name))
			return &s->phases[i];
	return NULL;
}

const struct cmp_metric *cmp_metric_find(const struct cmp_phase *p, const char *name)
{
	size_t i;

	for (i = 0; p && i < p->nr_metrics; i++)
		if (!strcmp(p->metrics[i].name, name))
			return &p->metrics[i];
	return NULL;
}
