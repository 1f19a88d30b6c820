// SPDX-License-Identifier: GPL-2.0
/*
 * report.html of a compare folder, built from report.json (schema
 * septbench-compare/1), the plots plots.gp draws and nothing else: what
 * the runs were, the verdicts, the ratio plot, per scenario its plots and
 * figures (collapsed), the environment differences and the commands.
 * The same folder always gives the same page, byte for byte.
 */
#include "report/report.h"
#include "report/html.h"
#include "report/html_style.h"
#include "lib/numfmt.h"
#include "lib/util.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PLOTS 512

struct page {
	FILE *f;
	const char *dir;
	json_t *doc;
	char *plots[MAX_PLOTS];	/* what plots.gp draws, in its order */
	char *data[MAX_PLOTS];	/* the TSV each is drawn from */
	bool used[MAX_PLOTS];
	size_t nr_plots;
	bool have_gp;		/* plots.gp exists: plots were asked for */
	unsigned int nr_inlined;
};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "";
}

bool html_is_compare_dir(const char *dir)
{
	char path[PATH_MAX + 16];
	json_t *doc;
	bool ret;

	snprintf(path, sizeof(path), "%s/report.json", dir);
	doc = json_load_file(path, 0, NULL);
	ret = !strcmp(json_string_value(json_object_get(doc, "kind")) ?: "", "septbench-compare");
	json_decref(doc);
	return ret;
}

/* The quoted value of `@var = '...'` in @line, or NULL. */
static char *gp_value(const char *line, const char *var)
{
	const char *p = strstr(line, var), *q;

	if (!p)
		return NULL;
	p += strlen(var);
	q = strchr(p, '\'');
	return q ? strndup(p, q - p) : NULL;
}

/* Every `data = 'TSV'; out = 'NAME'` line of plots.gp, in order. */
static void read_plots(struct page *pg)
{
	char path[PATH_MAX + 16], *text, *line, *save, *out;
	size_t len;

	snprintf(path, sizeof(path), "%s/plots.gp", pg->dir);
	text = read_all(path, &len);
	if (!text)
		return;
	pg->have_gp = true;
	for (line = strtok_r(text, "\n", &save); line && pg->nr_plots < MAX_PLOTS;
	     line = strtok_r(NULL, "\n", &save)) {
		out = gp_value(line, "out = '");
		if (!out)
			continue;
		pg->data[pg->nr_plots] = gp_value(line, "data = '");
		pg->plots[pg->nr_plots++] = out;
	}
	free(text);
}

/* Inline plot @i (its SVG), or say that it is missing. */
static void plot(struct page *pg, size_t i, const char *caption)
{
	char path[PATH_MAX + 600], prefix[32];
	bool missing;

	pg->used[i] = true;
	snprintf(path, sizeof(path), "%s/%s.svg", pg->dir, pg->plots[i]);
	snprintf(prefix, sizeof(prefix), "p%u-", pg->nr_inlined++);
	fprintf(pg->f, "<figure class=\"plot\" id=\"plot-");
	html_esc(pg->f, pg->plots[i]);
	fprintf(pg->f, "\">\n");
	missing = access(path, R_OK) || html_svg_inline(pg->f, path, prefix);
	if (missing) {
		fprintf(pg->f, "<p class=\"missing\">Plot missing: ");
		html_escf(pg->f, "%s.svg", pg->plots[i]);
		fprintf(pg->f, " (plots.gp draws it; see gnuplot.log)</p>\n");
	}
	fprintf(pg->f, "<figcaption>");
	html_esc(pg->f, caption);
	if (!missing) {
		fprintf(pg->f, " <a href=\"");
		html_escf(pg->f, "%s.svg", pg->plots[i]);
		fprintf(pg->f, "\">SVG</a>");
	}
	if (pg->data[i]) {
		fprintf(pg->f, " <a href=\"");
		html_esc(pg->f, pg->data[i]);
		fprintf(pg->f, "\">data</a>");
	}
	fprintf(pg->f, "</figcaption>\n</figure>\n");
}

static bool plot_missing(const struct page *pg, size_t i)
{
	char path[PATH_MAX + 600];

	snprintf(path, sizeof(path), "%s/%s.svg", pg->dir, pg->plots[i]);
	return access(path, R_OK) != 0;
}

/* The plot named @name exactly, if plots.gp draws it. */
static void plot_named(struct page *pg, const char *name, const char *caption)
{
	size_t i;

	for (i = 0; i < pg->nr_plots; i++)
		if (!strcmp(pg->plots[i], name))
			plot(pg, i, caption);
}

/* A JSON number (null: "-") as a table figure. */
static void jnum(char *buf, size_t size, const json_t *v)
{
	fmt_num(buf, size, json_is_number(v) ? json_number_value(v) : NAN);
}

static void jp(char *buf, size_t size, const json_t *v)
{
	fmt_p(buf, size, json_is_number(v) ? json_number_value(v) : NAN);
}

static void fmt_change(char *buf, size_t size, const json_t *st)
{
	const json_t *ratio = json_object_get(st, "ratio");

	if (json_is_number(ratio))
		snprintf(buf, size, "%+.2f%%", (json_number_value(ratio) - 1) * 100);
	else if (json_is_number(json_object_get(st, "difference")))
		snprintf(buf, size, "difference %+.4g",
			 json_number_value(json_object_get(st, "difference")));
	else
		snprintf(buf, size, "-");
}

static void fmt_ci(char *buf, size_t size, const json_t *st)
{
	const json_t *ci = json_object_get(st, "ci95");

	if (json_is_number(json_array_get(ci, 0)) && json_is_number(json_array_get(ci, 1)))
		snprintf(buf, size, "%+.2f%% .. %+.2f%%",
			 (json_number_value(json_array_get(ci, 0)) - 1) * 100,
			 (json_number_value(json_array_get(ci, 1)) - 1) * 100);
	else
		snprintf(buf, size, "-");
}

/* The CSS class of a verdict or state: better, worse, same, other. */
static const char *verdict_class(const char *v)
{
	if (!strcmp(v, "better"))
		return "better";
	if (!strcmp(v, "worse"))
		return "worse";
	if (!strcmp(v, "no change"))
		return "same";
	return "other";
}

/* Does warning @w concern scenario @name ("name: ...")? */
static bool warning_of(const char *w, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(w, name, n) && w[n] == ':';
}

/* An id from a name: letters, digits, '-' and '_' kept, the rest '_'. */
static void anchor(FILE *f, const char *prefix, const char *name)
{
	fputs(prefix, f);
	for (; *name; name++)
		fputc((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
		      (*name >= '0' && *name <= '9') || *name == '-' || *name == '_' ? *name : '_', f);
}

static void td(FILE *f, const char *cls, const char *text)
{
	if (cls)
		fprintf(f, "<td class=\"%s\">", cls);
	else
		fputs("<td>", f);
	html_esc(f, text);
	fputs("</td>", f);
}

/* A side's name for titles: its display name, or its kernel when another side shares that name. */
static const char *side_title(const json_t *runs, size_t i)
{
	const json_t *side = json_array_get(runs, i), *other;
	size_t j;

	json_array_foreach(runs, j, other)
		if (j != i && !strcmp(str(other, "display_name"), str(side, "display_name")))
			return str(side, "kernel");
	return str(side, "display_name");
}

static void header(struct page *pg)
{
	const json_t *runs = json_object_get(pg->doc, "runs"), *side, *boot, *set, *w;
	FILE *f = pg->f;
	size_t i, b, k;
	char buf[64];

	fprintf(f, "<h1>septbench compare: ");
	json_array_foreach(runs, i, side) {
		if (i)
			fprintf(f, " vs ");
		html_escf(f, "%s %s (hooks %s)", str(side, "name"), side_title(runs, i),
			  str(side, "hook_variant"));
	}
	fprintf(f, "</h1>\n");
	if (json_is_true(json_object_get(pg->doc, "measures_noise")))
		fprintf(f, "<p class=\"loud noise\">This comparison measures noise: A and B are the same run or the same kernel build, so any difference below is not a kernel change.</p>\n");
	json_array_foreach(json_object_get(pg->doc, "loud_warnings"), i, w) {
		fprintf(f, "<p class=\"loud\">WARNING: ");
		html_esc(f, json_string_value(w));
		fprintf(f, "</p>\n");
	}
	fprintf(f, "<section id=\"runs\">\n<h2>Runs</h2>\n<table>\n<tr><th>side</th><th>label</th><th>kernel release</th><th>build id</th><th>hook variant</th><th>host</th><th>VM type</th><th>measured</th><th>run</th></tr>\n");
	json_array_foreach(runs, i, side) {
		json_array_foreach(json_object_get(side, "boots"), b, boot) {
			bool emu = json_is_true(json_object_get(boot, "emulated"));
			bool sim = json_is_true(json_object_get(boot, "tdx_simulated"));
			const json_t *bid = json_object_get(boot, "build_id");

			fprintf(f, "<tr>");
			if (json_array_size(json_object_get(side, "boots")) > 1)
				snprintf(buf, sizeof(buf), "%s%s, boot %zu", str(side, "name"),
					 i ? "" : " (base)", b + 1);
			else
				snprintf(buf, sizeof(buf), "%s%s", str(side, "name"), i ? "" : " (base)");
			fprintf(f, "<td class=\"side%zu\">", i < 8 ? i : 7);
			html_esc(f, buf);
			fprintf(f, "</td>");
			td(f, NULL, str(boot, "label")[0] ? str(boot, "label") : str(boot, "display_name"));
			td(f, NULL, str(boot, "kernel"));
			if (json_is_string(bid)) {
				fprintf(f, "<td class=\"mono\" title=\"");
				html_esc(f, json_string_value(bid));
				fprintf(f, "\">");
				html_escf(f, "%.8s", json_string_value(bid));
				fprintf(f, "</td>");
			} else {
				td(f, NULL, "unknown");
			}
			td(f, NULL, str(boot, "hook_variant"));
			td(f, NULL, str(boot, "host")[0] ? str(boot, "host") : "-");
			td(f, NULL, str(boot, "vm_type")[0] ? str(boot, "vm_type") : "-");
			if (emu || sim) {
				fprintf(f, "<td class=\"emulated\">");
				if (emu)
					html_escf(f, "emulated (QEMU %s)", str(boot, "emulation")[0] ?
						  str(boot, "emulation") : "?");
				if (sim)
					html_escf(f, "%ssimulated TDX", emu ? ", " : "");
				fprintf(f, "</td>");
			} else {
				td(f, NULL, "on the host's KVM");
			}
			td(f, "mono", str(boot, "run_id"));
			fprintf(f, "</tr>\n");
		}
	}
	fprintf(f, "</table>\n");
	set = json_object_get(pg->doc, "settings");
	fprintf(f, "<p class=\"settings\">Verdict metric: <b>");
	json_array_foreach(json_object_get(set, "metrics"), k, w)
		html_escf(f, "%s%s", k ? ", " : "", json_string_value(w) ?: "");
	fprintf(f, "</b> of the timed phase; threshold <b>");
	html_escf(f, "%.1f%%", json_number_value(json_object_get(set, "threshold")) * 100);
	fprintf(f, "</b>, alpha ");
	html_escf(f, "%.2f", json_number_value(json_object_get(set, "alpha")));
	fprintf(f, "; 95%% bootstrap CI of the ratio of medians (");
	html_escf(f, "%lld resamples, seed %lld", json_integer_value(json_object_get(set, "resamples")),
		  json_integer_value(json_object_get(set, "seed")));
	fprintf(f, "); p adjusted by Holm over ");
	html_escf(f, "%lld", json_integer_value(json_object_get(set, "family_size")));
	fprintf(f, " tests. A change is a verdict only when the CI excludes 1, p_adj &lt; alpha and it is at least the threshold.</p>\n</section>\n");
}

/* The verdict metric's stat of a compared scenario, or NULL. */
static const json_t *verdict_stat(const json_t *doc, const json_t *scen)
{
	const char *metric = json_string_value(json_array_get(
		json_object_get(json_object_get(doc, "settings"), "metrics"), 0)) ?: "ns_per_op";
	const json_t *st;
	size_t i;

	json_array_foreach(json_object_get(scen, "stats"), i, st)
		if (json_is_true(json_object_get(st, "timed")) && !strcmp(str(st, "metric"), metric))
			return st;
	return NULL;
}

static const char *scen_verdict(const json_t *scen)
{
	const char *state = str(scen, "state");

	return !strcmp(state, "compared") ? str(scen, "verdict") : state;
}

/* Is @w about one of the scenarios compared? */
static bool of_a_scenario(const json_t *doc, const char *w)
{
	const json_t *cmp, *scen;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "comparisons"), i, cmp)
		json_array_foreach(json_object_get(cmp, "scenarios"), j, scen)
			if (warning_of(w, str(scen, "scenario")))
				return true;
	return false;
}

static void warning_item(FILE *f, const char *w)
{
	fprintf(f, "<li>");
	html_esc(f, w);
	fprintf(f, "</li>\n");
}

static void verdicts(struct page *pg)
{
	const json_t *cmp, *scen, *st, *w, *warns = json_object_get(pg->doc, "warnings");
	FILE *f = pg->f;
	char buf[128];
	size_t i, j, k, nw, nscen = 0;

	fprintf(f, "<section id=\"verdicts\">\n<h2>Verdicts</h2>\n<table class=\"verdicts\">\n<tr><th>scenario</th><th>side</th><th>change of the median</th><th>95%% CI</th><th>p</th><th>p_adj</th><th>verdict</th><th>warnings</th></tr>\n");
	json_array_foreach(json_object_get(pg->doc, "comparisons"), i, cmp) {
		json_array_foreach(json_object_get(cmp, "scenarios"), j, scen) {
			const char *name = str(scen, "scenario"), *v = scen_verdict(scen);

			st = verdict_stat(pg->doc, scen);
			fprintf(f, "<tr class=\"%s\"><td><a href=\"#", verdict_class(v));
			anchor(f, "s-", name);
			fprintf(f, "\">");
			html_esc(f, name);
			fprintf(f, "</a></td>");
			td(f, NULL, str(cmp, "new"));
			if (st) {
				fmt_change(buf, sizeof(buf), st);
				td(f, "num", buf);
				fmt_ci(buf, sizeof(buf), st);
				td(f, "num", buf);
				jp(buf, sizeof(buf), json_object_get(st, "p"));
				td(f, "num", buf);
				jp(buf, sizeof(buf), json_object_get(st, "p_adj"));
				td(f, "num", buf);
			} else {
				fprintf(f, "<td colspan=\"4\">");
				html_esc(f, str(scen, "note"));
				fprintf(f, "</td>");
			}
			fprintf(f, "<td class=\"verdict %s\">", verdict_class(v));
			html_esc(f, v);
			fprintf(f, "</td><td>");
			nw = 0;
			json_array_foreach(warns, k, w)
				nw += warning_of(json_string_value(w), name);
			if (nw) {
				fprintf(f, "<span class=\"warn\" title=\"");
				json_array_foreach(warns, k, w)
					if (warning_of(json_string_value(w), name)) {
						html_esc(f, json_string_value(w));
						fprintf(f, "&#10;");
					}
				fprintf(f, "\">&#9888; %zu</span>", nw);
			}
			fprintf(f, "</td></tr>\n");
		}
	}
	fprintf(f, "</table>\n<p class=\"result %s\">Result: %s</p>\n",
		json_is_true(json_object_get(pg->doc, "regression")) ? "worse" : "same",
		json_is_true(json_object_get(pg->doc, "regression")) ?
		"a significant regression (compare exits 1)" : "no significant regression");
	/* The warnings of no one scenario in full, those of a scenario folded. */
	json_array_foreach(warns, k, w)
		nscen += of_a_scenario(pg->doc, json_string_value(w));
	if (json_array_size(warns) > nscen) {
		fprintf(f, "<h3>Warnings</h3>\n<ul class=\"warnings\">\n");
		json_array_foreach(warns, k, w)
			if (!of_a_scenario(pg->doc, json_string_value(w)))
				warning_item(f, json_string_value(w));
		fprintf(f, "</ul>\n");
	}
	if (nscen) {
		fprintf(f, "<details class=\"warnings\"><summary>%zu warnings about single scenarios (&#9888; in the table)</summary>\n<ul class=\"warnings\">\n",
			nscen);
		json_array_foreach(warns, k, w)
			if (of_a_scenario(pg->doc, json_string_value(w)))
				warning_item(f, json_string_value(w));
		fprintf(f, "</ul>\n</details>\n");
	}
	fprintf(f, "</section>\n");
}

/* The kinds of rows of a scenario's figures, in the order shown. */
static int metric_group(const char *m)
{
	if (!strncmp(m, "counter.", 8))
		return 1;
	if (!strncmp(m, "vm.", 3) || !strncmp(m, "vcpu.", 5))
		return 2;
	return 0;
}

static bool all_zero(const json_t *st)
{
	return json_number_value(json_object_get(json_object_get(st, "base"), "max")) == 0 &&
	       json_number_value(json_object_get(json_object_get(st, "base"), "min")) == 0 &&
	       json_number_value(json_object_get(json_object_get(st, "new"), "max")) == 0 &&
	       json_number_value(json_object_get(json_object_get(st, "new"), "min")) == 0;
}

static void stats_table(FILE *f, const json_t *scen, const char *side, int group)
{
	static const char *const titles[] = { "Timing", "Perf counters per op",
					      "KVM statistics per op" };
	const json_t *st;
	size_t i, rows = 0, zero = 0;
	char buf[128];

	json_array_foreach(json_object_get(scen, "stats"), i, st) {
		if (metric_group(str(st, "metric")) != group ||
		    (group && !json_is_true(json_object_get(st, "timed"))))
			continue;
		if (group == 2 && all_zero(st)) {
			zero++;
			continue;
		}
		if (!rows++)
			fprintf(f, "<h4>%s (%s against A)</h4>\n<table class=\"stats\">\n<tr><th>phase</th><th>metric</th><th>A median</th><th>%s median</th><th>change</th><th>95%% CI</th><th>CoV A / %s</th><th>p</th><th>p_adj</th><th>verdict</th></tr>\n",
				titles[group], side, side, side);
		fprintf(f, "<tr>");
		td(f, NULL, str(st, "phase"));
		td(f, "mono", str(st, "metric"));
		jnum(buf, sizeof(buf), json_object_get(json_object_get(st, "base"), "median"));
		td(f, "num", buf);
		jnum(buf, sizeof(buf), json_object_get(json_object_get(st, "new"), "median"));
		td(f, "num", buf);
		fmt_change(buf, sizeof(buf), st);
		td(f, "num", buf);
		fmt_ci(buf, sizeof(buf), st);
		td(f, "num", buf);
		snprintf(buf, sizeof(buf), "%.1f%% / %.1f%%",
			 json_number_value(json_object_get(json_object_get(st, "base"), "cov")) * 100,
			 json_number_value(json_object_get(json_object_get(st, "new"), "cov")) * 100);
		td(f, "num", buf);
		jp(buf, sizeof(buf), json_object_get(st, "p"));
		td(f, "num", buf);
		jp(buf, sizeof(buf), json_object_get(st, "p_adj"));
		td(f, "num", buf);
		if (json_is_string(json_object_get(st, "verdict")))
			td(f, verdict_class(str(st, "verdict")), str(st, "verdict"));
		else
			td(f, NULL, "-");
		fprintf(f, "</tr>\n");
	}
	if (rows)
		fprintf(f, "</table>\n");
	if (zero)
		fprintf(f, "<p class=\"note\">%zu KVM statistics are 0 on both sides, not shown.</p>\n", zero);
	if (!rows && group == 1)
		fprintf(f, "<p class=\"note\">No perf counters per op were compared (none counted, or none counted on both sides).</p>\n");
}

static void scenario(struct page *pg, const char *name)
{
	static const char *const kinds[][2] = {
		{ "-dist", "Distribution of the repetitions, A and B side by side (box: quartiles and median; every repetition a point)." },
		{ "-reps", "Every repetition in the order run: drift and warm-up." },
		{ "-throughput", "Median throughput with the 95% CI of each median." },
		{ "-vcpus", "Per vCPU: the median of each vCPU's own host time per op (a slow vCPU: contention or placement)." },
		{ "-latency", "Per-op latency of the timed phase, every repetition pooled: the CDF of each side on a log axis (the tail is the top right)." },
	};
	const json_t *cmp, *scen;
	char plot_name[300], v[256] = "";
	FILE *f = pg->f;
	size_t i, j, len = 0;

	json_array_foreach(json_object_get(pg->doc, "comparisons"), i, cmp)
		json_array_foreach(json_object_get(cmp, "scenarios"), j, scen)
			if (!strcmp(str(scen, "scenario"), name) && len < sizeof(v))
				len += snprintf(v + len, sizeof(v) - len, "%s%s: %s", len ? ", " : "",
						str(cmp, "new"), scen_verdict(scen));
	fprintf(f, "<details id=\"");
	anchor(f, "s-", name);
	fprintf(f, "\">\n<summary><b>");
	html_esc(f, name);
	fprintf(f, "</b> &#8212; ");
	html_esc(f, v);
	fprintf(f, "</summary>\n");
	json_array_foreach(json_object_get(pg->doc, "comparisons"), i, cmp)
		json_array_foreach(json_object_get(cmp, "scenarios"), j, scen) {
			if (strcmp(str(scen, "scenario"), name))
				continue;
			if (strcmp(str(scen, "state"), "compared")) {
				fprintf(f, "<p>");
				html_escf(f, "%s: %s%s%s", str(cmp, "new"), str(scen, "state"),
					  str(scen, "note")[0] ? ": " : "", str(scen, "note"));
				fprintf(f, "</p>\n");
				continue;
			}
			fprintf(f, "<p>");
			html_escf(f, "%s against A: timed phase %s, unit %s, test %s, boots %lld (A) and %lld (%s).",
				  str(cmp, "new"), str(scen, "timed_phase"), str(scen, "unit"),
				  str(scen, "test"),
				  json_integer_value(json_object_get(json_object_get(scen, "boots"), "base")),
				  json_integer_value(json_object_get(json_object_get(scen, "boots"), "new")),
				  str(cmp, "new"));
			if (str(scen, "params_differ")[0])
				html_escf(f, " Parameters differ: %s.", str(scen, "params_differ"));
			if (str(scen, "hint")[0])
				html_escf(f, " Hint: %s.", str(scen, "hint"));
			fprintf(f, "</p>\n");
		}
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		snprintf(plot_name, sizeof(plot_name), "%s%s", name, kinds[i][0]);
		plot_named(pg, plot_name, kinds[i][1]);
	}
	snprintf(plot_name, sizeof(plot_name), "%s-hook-", name);
	for (i = 0; i < pg->nr_plots; i++)
		if (!strncmp(pg->plots[i], plot_name, strlen(plot_name)) && !pg->used[i])
			plot(pg, i, "Latency CDF of a probed function in the attribution pass (hook histogram).");
	json_array_foreach(json_object_get(pg->doc, "comparisons"), i, cmp)
		json_array_foreach(json_object_get(cmp, "scenarios"), j, scen) {
			if (strcmp(str(scen, "scenario"), name) || strcmp(str(scen, "state"), "compared"))
				continue;
			stats_table(f, scen, str(cmp, "new"), 0);
			stats_table(f, scen, str(cmp, "new"), 1);
			stats_table(f, scen, str(cmp, "new"), 2);
		}
	fprintf(f, "</details>\n");
}

/* Scenario names in the order of the first comparison, then new ones. */
static void scenarios(struct page *pg)
{
	const json_t *cmp, *scen, *cmp2, *scen2;
	size_t i, j, i2, j2;
	bool seen;

	fprintf(pg->f, "<section id=\"scenarios\">\n<h2>Scenarios</h2>\n<p class=\"note\">Each scenario opens on a click: its plots, then its figures.</p>\n");
	json_array_foreach(json_object_get(pg->doc, "comparisons"), i, cmp)
		json_array_foreach(json_object_get(cmp, "scenarios"), j, scen) {
			seen = false;
			json_array_foreach(json_object_get(pg->doc, "comparisons"), i2, cmp2) {
				if (i2 > i)
					break;
				json_array_foreach(json_object_get(cmp2, "scenarios"), j2, scen2)
					if ((i2 < i || j2 < j) &&
					    !strcmp(str(scen2, "scenario"), str(scen, "scenario")))
						seen = true;
			}
			if (!seen)
				scenario(pg, str(scen, "scenario"));
		}
	fprintf(pg->f, "</section>\n");
}

static void other_plots(struct page *pg)
{
	size_t i, n = 0;

	for (i = 0; i < pg->nr_plots; i++) {
		if (pg->used[i])
			continue;
		if (!n++)
			fprintf(pg->f, "<section id=\"more-plots\">\n<h2>More plots</h2>\n");
		plot(pg, i, !strncmp(pg->plots[i], "scaling-", 8) ?
		     "Median throughput against a parameter, scenarios that differ only in it." : "");
	}
	if (n)
		fprintf(pg->f, "</section>\n");
}

static void env_table(struct page *pg)
{
	const json_t *d, *v, *runs = json_object_get(pg->doc, "runs"), *side;
	FILE *f = pg->f;
	size_t i, j;

	fprintf(f, "<section id=\"env\">\n<h2>Environment differences</h2>\n");
	if (!json_array_size(json_object_get(pg->doc, "env_differences"))) {
		fprintf(f, "<p>None: the runs' environments agree.</p>\n</section>\n");
		return;
	}
	fprintf(f, "<table>\n<tr><th>key</th>");
	json_array_foreach(runs, i, side) {
		fprintf(f, "<th>");
		html_esc(f, str(side, "name"));
		fprintf(f, "</th>");
	}
	fprintf(f, "<th></th></tr>\n");
	json_array_foreach(json_object_get(pg->doc, "env_differences"), i, d) {
		fprintf(f, "<tr>");
		td(f, "mono", str(d, "key"));
		json_array_foreach(json_object_get(d, "values"), j, v)
			td(f, "mono", json_is_string(v) ? json_string_value(v) : "(absent)");
		td(f, NULL, json_is_true(json_object_get(d, "expected")) ? "expected" : "");
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n</section>\n");
}

/* An argv as one shell line, arguments with odd characters single-quoted. */
static void command_line(FILE *f, const char *prog, const json_t *argv)
{
	const json_t *a;
	const char *s;
	size_t i;

	html_esc(f, prog);
	json_array_foreach(argv, i, a) {
		s = json_string_value(a) ?: "";
		/* Older runs may have recorded the program name too. */
		if (!i && !strcmp(s, prog))
			continue;
		fputc(' ', f);
		if (*s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")])
			html_esc(f, s);
		else
			html_escf(f, "'%s'", s);
	}
}

static void commands(struct page *pg)
{
	const json_t *side, *boot, *argv;
	char path[PATH_MAX + 16];
	FILE *f = pg->f;
	json_t *cmd;
	size_t i, b;

	fprintf(f, "<section id=\"commands\">\n<h2>Commands</h2>\n<p>What produced each run, and this comparison (as recorded in the runs' meta.json and in command.json).</p>\n");
	json_array_foreach(json_object_get(pg->doc, "runs"), i, side)
		json_array_foreach(json_object_get(side, "boots"), b, boot) {
			fprintf(f, "<p>");
			html_escf(f, "%s, run %s:", str(side, "name"), str(boot, "run_id"));
			fprintf(f, "</p>\n<pre>");
			argv = json_object_get(boot, "argv");
			if (json_is_array(argv))
				command_line(f, "septbench", argv);
			else
				fprintf(f, "(not recorded)");
			fprintf(f, "</pre>\n");
		}
	fprintf(f, "<p>The comparison:</p>\n<pre>");
	snprintf(path, sizeof(path), "%s/command.json", pg->dir);
	cmd = json_load_file(path, 0, NULL);
	if (json_array_size(cmd))
		command_line(f, "septbench", cmd);
	else
		fprintf(f, "(not recorded)");
	json_decref(cmd);
	fprintf(f, "</pre>\n<p>Files: <a href=\"report.txt\">report.txt</a>, <a href=\"report.md\">report.md</a>, <a href=\"report.json\">report.json</a>%s.</p>\n</section>\n",
		pg->have_gp ? ", <a href=\"plots.gp\">plots.gp</a> (run <code>gnuplot plots.gp</code> here to re-plot)" : "");
}

static void missing_list(struct page *pg)
{
	size_t i, n = 0;

	if (!pg->have_gp) {
		fprintf(pg->f, "<p class=\"missing\">No plots: this folder has no plots.gp (compare ran with --no-plots).</p>\n");
		return;
	}
	for (i = 0; i < pg->nr_plots; i++) {
		if (!plot_missing(pg, i))
			continue;
		fprintf(pg->f, n++ ? ", " : "<p class=\"missing\">Missing plots: ");
		html_escf(pg->f, "%s.svg", pg->plots[i]);
	}
	if (n)
		fprintf(pg->f, " (plots.gp draws them; see gnuplot.log).</p>\n");
}

int html_report_write(const char *dir, char *err, size_t size)
{
	char path[PATH_MAX + 16];
	struct page pg = { .dir = dir };
	struct html_page hp;
	json_error_t jerr;
	const json_t *side;
	size_t i;
	int ret;

	snprintf(path, sizeof(path), "%s/report.json", dir);
	pg.doc = json_load_file(path, 0, &jerr);
	if (!pg.doc) {
		fail_msg(err, size, "%s: %s", path, jerr.text);
		return -EINVAL;
	}
	if (strcmp(str(pg.doc, "kind"), "septbench-compare")) {
		fail_msg(err, size, "%s: not a septbench compare report", path);
		json_decref(pg.doc);
		return -EINVAL;
	}
	ret = html_page_open(&hp);
	if (ret) {
		fail_msg(err, size, "out of memory");
		json_decref(pg.doc);
		return ret;
	}
	pg.f = hp.f;
	read_plots(&pg);
	fprintf(pg.f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<meta name=\"generator\" content=\"septbench report\" />\n<title>septbench compare: ");
	json_array_foreach(json_object_get(pg.doc, "runs"), i, side)
		html_escf(pg.f, "%s%s", i ? " vs " : "", str(side, "display_name"));
	fprintf(pg.f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", html_style);
	header(&pg);
	missing_list(&pg);
	verdicts(&pg);
	fprintf(pg.f, "<section id=\"regression\">\n<h2>Ratio per scenario</h2>\n");
	plot_named(&pg, "summary", "Ratio of medians new / base of the verdict metric per scenario, with its 95% bootstrap CI; worse and better verdicts written above their bars.");
	fprintf(pg.f, "</section>\n");
	scenarios(&pg);
	other_plots(&pg);
	env_table(&pg);
	commands(&pg);
	fprintf(pg.f, "</body>\n</html>\n");
	snprintf(path, sizeof(path), "%s/report.html", dir);
	ret = html_page_commit(&hp, path);
	if (ret)
		fail_msg(err, size, "cannot write %s: %s", path, strerror(-ret));
	for (i = 0; i < pg.nr_plots; i++) {
		free(pg.plots[i]);
		free(pg.data[i]);
	}
	json_decref(pg.doc);
	return ret;
}
