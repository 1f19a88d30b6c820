// SPDX-License-Identifier: GPL-2.0
/*
 * index.html of a results folder: every run (a folder with meta.json),
 * every compare (report.json of kind septbench-compare) and, inside A/B
 * folders (plan.json), their runs and compare, each linked relative to
 * the index so the folder can be moved or copied whole.
 */
#include "report/report.h"
#include "report/html.h"
#include "report/html_style.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_GENERATOR "<meta name=\"generator\" content=\"septbench index\" />"

struct entry {
	char *rel;		/* relative to the results folder, no trailing slash */
	json_t *doc;		/* meta.json or report.json */
};

struct entries {
	struct entry *e;
	size_t n, cap;
};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "";
}

static json_t *load(const char *root, const char *rel, const char *file)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s/%s", root, rel, file);
	return json_load_file(path, 0, NULL);
}

static bool exists(const char *root, const char *rel, const char *file)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s/%s", root, rel, file);
	return !access(path, F_OK);
}

static int add(struct entries *l, const char *rel, json_t *doc)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct entry *e = realloc(l->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	l->e[l->n].rel = strdup(rel);
	if (!l->e[l->n].rel)
		return -ENOMEM;
	l->e[l->n++].doc = doc;
	return 0;
}

static void entries_free(struct entries *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->e[i].rel);
		json_decref(l->e[i].doc);
	}
	free(l->e);
}

/* Newest run first; by folder name where the start times agree. */
static int by_started(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(str(y->doc, "started"), str(x->doc, "started"));

	return c ? c : strcmp(x->rel, y->rel);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->rel, ((const struct entry *)b)->rel);
}

/* One folder @rel under @root: a run, a compare, an A/B folder, or nothing of ours. */
static int scan_one(const char *root, const char *rel, struct entries *runs,
		    struct entries *cmps, int depth)
{
	struct dirent **names;
	char sub[PATH_MAX];
	json_t *doc;
	int n, i, err = 0;

	doc = load(root, rel, "report.json");
	if (doc && !strcmp(str(doc, "kind"), "septbench-compare"))
		return add(cmps, rel, doc);
	json_decref(doc);
	doc = load(root, rel, "meta.json");
	if (doc && !strncmp(str(doc, "schema"), "septbench/", 10))
		return add(runs, rel, doc);
	json_decref(doc);
	doc = load(root, rel, "plan.json");
	if (!doc || strcmp(str(doc, "kind"), "septbench-ab") || depth) {
		json_decref(doc);
		return 0;
	}
	json_decref(doc);
	snprintf(sub, sizeof(sub), "%s/compare", rel);
	err = scan_one(root, sub, runs, cmps, depth + 1);
	snprintf(sub, sizeof(sub), "%s/%s/runs", root, rel);
	n = scandir(sub, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && !err) {
			snprintf(sub, sizeof(sub), "%s/runs/%s", rel, names[i]->d_name);
			err = scan_one(root, sub, runs, cmps, depth + 1);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return err;
}

static void td(FILE *f, const char *cls, const char *text)
{
	fprintf(f, cls ? "<td class=\"%s\">" : "<td>", cls);
	html_esc(f, text);
	fputs("</td>", f);
}

static void href(FILE *f, const char *rel, const char *file, const char *text)
{
	fprintf(f, "<a href=\"");
	html_esc(f, rel);
	fputc('/', f);
	html_esc(f, file);
	fprintf(f, "\">");
	html_esc(f, text);
	fprintf(f, "</a>");
}

static void runs_table(FILE *f, const char *root, struct entries *runs)
{
	const json_t *m, *env, *kernel, *bid;
	char kbuf[300];
	size_t i;

	fprintf(f, "<section id=\"runs\">\n<h2>Runs</h2>\n");
	if (!runs->n) {
		fprintf(f, "<p>No runs here yet.</p>\n</section>\n");
		return;
	}
	fprintf(f, "<table>\n<tr><th>date</th><th>label</th><th>kernel</th><th>hook variant</th><th>VM type</th><th>status</th><th>measured</th><th>run</th></tr>\n");
	for (i = 0; i < runs->n; i++) {
		m = runs->e[i].doc;
		env = json_object_get(m, "env");
		kernel = json_object_get(env, "kernel");
		bid = json_object_get(kernel, "build_id");
		snprintf(kbuf, sizeof(kbuf), "%s%s%.8s",
			 str(json_object_get(env, "host"), "kernel_release"),
			 json_is_string(bid) ? ", build " : "", json_is_string(bid) ? json_string_value(bid) : "");
		fprintf(f, "<tr>");
		td(f, "mono", str(m, "started"));
		td(f, NULL, str(m, "label"));
		td(f, NULL, kbuf);
		td(f, NULL, str(json_object_get(env, "hooks"), "variant"));
		td(f, NULL, str(m, "vm_type"));
		td(f, !strcmp(str(m, "status"), "complete") ? NULL : "worse", str(m, "status"));
		if (json_is_true(json_object_get(m, "tdx_simulated")))
			td(f, "emulated", "simulated TDX");
		else if (json_is_true(json_object_get(m, "emulated")))
			td(f, "emulated", "emulated");
		else
			td(f, NULL, "host KVM");
		fprintf(f, "<td>");
		href(f, runs->e[i].rel, "", runs->e[i].rel);
		if (exists(root, runs->e[i].rel, "summary.tsv")) {
			fprintf(f, " (");
			href(f, runs->e[i].rel, "summary.tsv", "summary");
			fprintf(f, ")");
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n</section>\n");
}

/* "worse: x, y; better: z" over all new sides, or "no change". */
static void cmp_result(FILE *f, const json_t *doc)
{
	static const char *const kinds[] = { "worse", "better" };
	const json_t *c, *s;
	size_t k, i, j, n, total = 0;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		n = 0;
		json_array_foreach(json_object_get(doc, "comparisons"), i, c)
			json_array_foreach(json_object_get(c, "scenarios"), j, s) {
				if (strcmp(str(s, "verdict"), kinds[k]))
					continue;
				fprintf(f, n++ ? ", " : "<span class=\"%s\">%s: ", kinds[k], kinds[k]);
				html_escf(f, "%s%s%s", str(s, "scenario"),
					  json_array_size(json_object_get(doc, "comparisons")) > 1 ? " " : "",
					  json_array_size(json_object_get(doc, "comparisons")) > 1 ?
					  str(c, "new") : "");
			}
		if (n)
			fprintf(f, "</span> ");
		total += n;
	}
	if (!total)
		fprintf(f, "<span class=\"same\">no change</span>");
	if (json_is_true(json_object_get(doc, "measures_noise")))
		fprintf(f, " <span class=\"emulated\">(same run or build: measures noise)</span>");
}

static void cmps_table(FILE *f, const char *root, struct entries *cmps)
{
	const json_t *doc, *side;
	size_t i, j;

	fprintf(f, "<section id=\"compares\">\n<h2>Comparisons</h2>\n");
	if (!cmps->n) {
		fprintf(f, "<p>No comparisons here yet.</p>\n</section>\n");
		return;
	}
	fprintf(f, "<table>\n<tr><th>comparison</th><th>sides</th><th>result</th><th>report</th></tr>\n");
	for (i = 0; i < cmps->n; i++) {
		doc = cmps->e[i].doc;
		fprintf(f, "<tr>");
		td(f, "mono", cmps->e[i].rel);
		fprintf(f, "<td>");
		json_array_foreach(json_object_get(doc, "runs"), j, side)
			html_escf(f, "%s%s: %s (%s, %s)", j ? "; " : "", str(side, "name"),
				  str(side, "display_name"), str(side, "kernel"),
				  str(side, "hook_variant"));
		fprintf(f, "</td><td class=\"%s\">", json_is_true(json_object_get(doc, "regression")) ?
			"worse" : "same");
		cmp_result(f, doc);
		fprintf(f, "</td><td>");
		if (exists(root, cmps->e[i].rel, "report.html"))
			href(f, cmps->e[i].rel, "report.html", "report.html");
		else
			href(f, cmps->e[i].rel, "report.txt", "report.txt");
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n</section>\n");
}

int html_index_write(const char *results, char *err, size_t size)
{
	struct entries runs = { 0 }, cmps = { 0 };
	char path[PATH_MAX + 16];
	struct dirent **names;
	struct html_page hp;
	struct stat st;
	int n, i, ret = 0;

	if (stat(results, &st) || !S_ISDIR(st.st_mode)) {
		fail_msg(err, size, "%s: not a folder", results);
		return -ENOTDIR;
	}
	n = scandir(results, &names, NULL, alphasort);
	if (n < 0) {
		ret = -errno;
		fail_msg(err, size, "%s: %s", results, strerror(errno));
		return ret;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && !ret)
			ret = scan_one(results, names[i]->d_name, &runs, &cmps, 0);
		free(names[i]);
	}
	free(names);
	if (!ret)
		ret = html_page_open(&hp);
	if (ret) {
		fail_msg(err, size, "out of memory");
		goto out;
	}
	qsort(runs.e, runs.n, sizeof(*runs.e), by_started);
	qsort(cmps.e, cmps.n, sizeof(*cmps.e), by_name);
	fprintf(hp.f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n%s\n<title>septbench results</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>septbench results</h1>\n<p class=\"note\">%zu runs and %zu comparisons in this folder; rebuilt by every run and compare, and by <code>septbench index</code>.</p>\n",
		INDEX_GENERATOR, html_style, runs.n, cmps.n);
	cmps_table(hp.f, results, &cmps);
	runs_table(hp.f, results, &runs);
	fprintf(hp.f, "</body>\n</html>\n");
	snprintf(path, sizeof(path), "%s/index.html", results);
	ret = html_page_commit(&hp, path);
	if (ret)
		fail_msg(err, size, "cannot write %s: %s", path, strerror(-ret));
out:
	entries_free(&runs);
	entries_free(&cmps);
	return ret;
}

/* Is @dir a results folder: called "results", or with our index in it? */
static bool results_folder(const char *dir)
{
	char path[PATH_MAX + 16], copy[PATH_MAX], *text;
	size_t len;
	bool ret;

	snprintf(copy, sizeof(copy), "%s", dir);
	if (!strcmp(basename(copy), "results"))
		return true;
	snprintf(path, sizeof(path), "%s/index.html", dir);
	text = read_all(path, &len);
	ret = text && strstr(text, INDEX_GENERATOR);
	free(text);
	return ret;
}

bool html_index_update(const char *folder)
{
	char *dir = realpath(folder, NULL), err[PATH_MAX + 128];
	bool found = false;
	int level;

	if (!dir)
		return false;
	for (level = 0; level < 3 && strcmp(dir, "/"); level++) {
		*strrchr(dir, '/') = '\0';
		if (!*dir)
			break;
		if (results_folder(dir)) {
			if (html_index_write(dir, err, sizeof(err)))
				err_msg("index: %s", err);
			found = true;
			break;
		}
	}
	free(dir);
	return found;
}
