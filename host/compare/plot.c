// SPDX-License-Identifier: GPL-2.0
/*
 * Plots: TSV data beside a plots.gp driver that loads the templates of
 * scripts/plots (copied into the folder), so `gnuplot plots.gp` there
 * re-plots everything; one gnuplot process draws it all.
 */
#include "compare/compare.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const templates[] = {
	"common.gp", "finish.gp", "summary.gp", "throughput.gp", "reps.gp", "dist.gp", "scaling.gp",
	"hooks.gp", "vcpus.gp", "latency.gp",
};

static char plots_buf[PATH_MAX];

/* $SEPTBENCH_PLOTS_DIR, else beside the binary (build tree, installed). */
static const char *plots_dir(void)
{
	static const char *const rel[] = { "../scripts/plots", "../share/septbench/plots" };
	const char *env = getenv("SEPTBENCH_PLOTS_DIR");
	char exe[PATH_MAX], path[PATH_MAX + 64], *d;
	ssize_t n;
	size_t i;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	d = dirname(exe);
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		snprintf(plots_buf, sizeof(plots_buf), "%s/%s", d, rel[i]);
		snprintf(path, sizeof(path), "%s/summary.gp", plots_buf);
		if (!access(path, R_OK))
			return plots_buf;
	}
	return NULL;
}

static int copy_file(const char *from, const char *to)
{
	size_t len;
	char *text = read_all(from, &len);
	FILE *f;
	int err = 0;

	if (!text)
		return -errno;
	f = fopen(to, "w");
	if (!f) {
		err = -errno;
		free(text);
		return err;
	}
	if (fwrite(text, 1, len, f) != len)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	free(text);
	return err;
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[PATH_MAX + 256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "w");
}

static void run_label(char *buf, size_t size, const struct cmp_report *r, size_t i);

/* A TSV in @dir headed @first, then one column per side (its label). */
static FILE *open_tsv(const char *dir, const char *name, const char *first,
		      const struct cmp_report *r)
{
	char label[512];
	FILE *f = open_in(dir, name);
	size_t i;

	if (!f)
		return NULL;
	fprintf(f, "%s", first);
	for (i = 0; i < r->nr_sides; i++) {
		run_label(label, sizeof(label), r, i);
		fprintf(f, "\t%s", label);
	}
	fputc('\n', f);
	return f;
}

/* A gnuplot single-quoted string: quotes doubled, no newlines. */
static void gp_str(FILE *f, const char *var, const char *val)
{
	fprintf(f, "%s = '", var);
	for (; *val; val++) {
		if (*val == '\'')
			fputs("''", f);
		else
			fputc(*val == '\n' || *val == '\t' ? ' ' : *val, f);
	}
	fputs("'; ", f);
}

/*
 * A side's short name: its kernel release, unless another side has the
 * same one (two builds of one release): then its label, build or A/B
 * spec, where it has one.
 */
static const char *side_word(const struct cmp_report *r, size_t i)
{
	const struct cmp_side *side = &r->sides[i];
	size_t j;

	for (j = 0; j < r->nr_sides; j++)
		if (j != i && !strcmp(r->sides[j].kernel, side->kernel) &&
		    strcmp(side->name, side->runs[0].run_id))
			return side->name;
	return side->kernel;
}

static void run_label(char *buf, size_t size, const struct cmp_report *r, size_t i)
{
	snprintf(buf, size, "%s: %s (%s)", cmp_run_letter(i), side_word(r, i),
		 r->sides[i].variant);
}

/* xt = '("A: ..." 0, "B: ..." 1)': the dist plot's tics, one per side. */
static void xtics(FILE *gp, const struct cmp_report *r)
{
	char label[512], buf[4096];
	size_t i, len, k;

	len = snprintf(buf, sizeof(buf), "(");
	for (i = 0; i < r->nr_sides && len < sizeof(buf); i++) {
		run_label(label, sizeof(label), r, i);
		for (k = 0; label[k]; k++)
			if (label[k] == '"' || label[k] == '\\')
				label[k] = '_';
		len += snprintf(buf + len, sizeof(buf) - len, "%s\"%s\" %zu", i ? ", " : "", label, i);
	}
	if (len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, ")");
	gp_str(gp, "xt", buf);
}

static const char *unit_of(const struct cmp_scenario *s)
{
	return s->unit[0] ? s->unit : "op";
}

/* Verdict metric of the timed phase, or NULL. */
static const struct cmp_metric *timed_metric(const struct cmp_scenario *s, const char *name)
{
	return s && !strcmp(s->status, "complete") ?
	       cmp_metric_find(cmp_phase_find(s, s->timed_phase), name) : NULL;
}

static void plot_summary(FILE *gp, const struct cmp_report *r, const char *dir)
{
	const char *metric = r->opts.metrics[0];
	char label[512], names[4096] = "";
	size_t s, i, len = 0, rows = 0;
	FILE *f = open_in(dir, "summary.tsv");

	if (!f)
		return;
	fprintf(f, "idx\tscenario");
	for (i = 1; i < r->nr_sides; i++)
		fprintf(f, "\t%s ratio\tci_lo\tci_hi", cmp_run_letter(i));
	for (i = 1; i < r->nr_sides; i++)
		fprintf(f, "\t%s verdict", cmp_run_letter(i));
	fputc('\n', f);
	for (s = 0; s < r->nr_names; s++) {
		bool any = false;

		for (i = 1; i < r->nr_sides; i++)
			any |= cmp_pair_at(r, i, s)->state == CMP_COMPARED;
		if (!any)
			continue;
		fprintf(f, "%zu\t%s", rows++, r->names[s]);
		for (i = 1; i < r->nr_sides; i++) {
			const struct cmp_pair *pr = cmp_pair_at(r, i, s);
			const struct cmp_stat *st = NULL;
			size_t j;

			for (j = 0; pr->state == CMP_COMPARED && j < pr->nr_stats; j++)
				if (pr->stats[j].timed && !strcmp(pr->stats[j].metric, metric))
					st = &pr->stats[j];
			if (st && !isnan(st->ratio) && !isnan(st->ci_lo))
				fprintf(f, "\t%.6f\t%.6f\t%.6f", st->ratio, st->ci_lo, st->ci_hi);
			else
				fprintf(f, "\tNaN\tNaN\tNaN");
		}
		for (i = 1; i < r->nr_sides; i++) {
			const struct cmp_pair *pr = cmp_pair_at(r, i, s);

			fprintf(f, "\t%s", pr->state == CMP_COMPARED ?
				stats_verdict_name(pr->verdict) : "-");
		}
		fputc('\n', f);
	}
	fclose(f);
	if (!rows)
		return;
	for (i = 1; i < r->nr_sides && len < sizeof(names); i++) {
		/* word() splits on spaces: name sides by letter and one word only. */
		run_label(label, sizeof(label), r, i);
		len += snprintf(names + len, sizeof(names) - len, "%s%s:%s", i > 1 ? " " : "",
				cmp_run_letter(i), side_word(r, i));
	}
	run_label(label, sizeof(label), r, 0);
	fprintf(gp, "data = 'summary.tsv'; out = 'summary'; nnew = %zu; ", r->nr_sides - 1);
	gp_str(gp, "names", names);
	snprintf(label, sizeof(label), "%s, new/base ratio of medians with 95%% CI (base %s: %s, hooks %s)",
		 metric, cmp_run_letter(0), side_word(r, 0), r->sides[0].variant);
	gp_str(gp, "ttl", label);
	snprintf(label, sizeof(label), "new / base, ratio of medians of %s (1 = no change)", metric);
	gp_str(gp, "ylab", label);
	fprintf(gp, "\nload 'summary.gp'\n");
}

static void plot_scenario(FILE *gp, const struct cmp_report *r, const char *dir, size_t s)
{
	const char *metric = r->opts.metrics[0], *name = r->names[s];
	const struct cmp_scenario *sc[32], *first = NULL;
	const struct cmp_metric *m;
	char file[512], label[512], ylab[256];
	size_t i, rep, max_reps = 0;
	struct stats_boot_sample sample;
	double lo, hi;
	struct stats_desc d;
	FILE *f;

	for (i = 0; i < r->nr_sides; i++) {
		sc[i] = cmp_side_find(&r->sides[i], name);
		if (!timed_metric(sc[i], metric))
			sc[i] = NULL;
		if (sc[i] && !first)
			first = sc[i];
		if (sc[i] && sc[i]->nr_reps > max_reps)
			max_reps = sc[i]->nr_reps;
	}
	if (!first || !sc[0])
		return;

	/* Throughput: median ops/s per run, CI of each median. */
	snprintf(file, sizeof(file), "%s-throughput.tsv", name);
	f = open_in(dir, file);
	if (!f)
		return;
	fprintf(f, "idx\trun\tmedian_ops_per_s\tci_lo\tci_hi\n");
	for (i = 0; i < r->nr_sides; i++) {
		m = timed_metric(sc[i], "ops_per_s");
		if (!m)
			continue;
		sample = (struct stats_boot_sample){ .n = sc[i]->nr_reps, .x = m->x,
						     .nr_boots = sc[i]->nr_boots,
						     .boot_end = sc[i]->boot_end };
		if (stats_describe(m->x, sc[i]->nr_reps, true, &d) ||
		    stats_bootstrap_median_sample(&sample, r->opts.resamples, 0.95,
						  stats_hash(name, r->opts.seed + i), &lo, &hi))
			continue;
		run_label(label, sizeof(label), r, i);
		fprintf(f, "%zu\t%s\t%.6g\t%.6g\t%.6g\n", i, label, d.median, lo, hi);
	}
	fclose(f);
	fprintf(gp, "data = '%s'; out = '%s-throughput'; ", file, name);
	snprintf(label, sizeof(label), "%s: throughput of the %s phase, median with 95%% CI",
		 name, first->timed_phase);
	gp_str(gp, "ttl", label);
	snprintf(ylab, sizeof(ylab), "%ss per second", unit_of(first));
	gp_str(gp, "ylab", ylab);
	fprintf(gp, "\nload 'throughput.gp'\n");

	/* Every repetition of the verdict metric: drift and warm-up. */
	snprintf(file, sizeof(file), "%s-reps.tsv", name);
	f = open_tsv(dir, file, "rep", r);
	if (!f)
		return;
	for (rep = 0; rep < max_reps; rep++) {
		fprintf(f, "%zu", rep);
		for (i = 0; i < r->nr_sides; i++) {
			m = timed_metric(sc[i], metric);
			if (m && rep < sc[i]->nr_reps)
				fprintf(f, "\t%.6g", m->x[rep]);
			else
				fprintf(f, "\tNaN");
		}
		fputc('\n', f);
	}
	fclose(f);
	fprintf(gp, "data = '%s'; out = '%s-reps'; nruns = %zu; nreps = %zu; ", file, name,
		r->nr_sides, max_reps);
	snprintf(label, sizeof(label), "%s: %s of the %s phase per repetition", name, metric,
		 first->timed_phase);
	gp_str(gp, "ttl", label);
	if (!strcmp(metric, "ns_per_op"))
		snprintf(ylab, sizeof(ylab), "ns per %s", unit_of(first));
	else if (!strcmp(metric, "ops_per_s"))
		snprintf(ylab, sizeof(ylab), "%ss per second", unit_of(first));
	else
		snprintf(ylab, sizeof(ylab), "%s per %s", metric, unit_of(first));
	gp_str(gp, "ylab", ylab);
	fprintf(gp, "\nload 'reps.gp'\n");

	/* The same repetitions as a distribution per run: box and every point. */
	fprintf(gp, "data = '%s'; out = '%s-dist'; nruns = %zu; ", file, name, r->nr_sides);
	snprintf(label, sizeof(label), "%s: %s of the %s phase, distribution of the repetitions",
		 name, metric, first->timed_phase);
	gp_str(gp, "ttl", label);
	gp_str(gp, "ylab", ylab);
	xtics(gp, r);
	fprintf(gp, "meds = '");
	for (i = 0; i < r->nr_sides; i++) {
		m = timed_metric(sc[i], metric);
		if (m && !stats_describe(m->x, sc[i]->nr_reps, m->nonneg, &d))
			fprintf(gp, "%s%.6g", i ? " " : "", d.median);
		else
			fprintf(gp, "%sNaN", i ? " " : "");
	}
	fprintf(gp, "'; ");
	fprintf(gp, "\nload 'dist.gp'\n");
}

/* The first phase @phase of repetition @rep of @doc (a scenario document), or NULL. */
static const json_t *rep_phase(const json_t *doc, size_t rep, const char *phase)
{
	const json_t *ph;
	size_t i;

	json_array_foreach(json_object_get(json_array_get(json_object_get(doc, "reps"), rep),
					   "phases"), i, ph)
		if (!strcmp(json_string_value(json_object_get(ph, "name")) ?: "", phase))
			return ph;
	return NULL;
}

/* The vCPUs of @phase in repetition @rep of @doc, or NULL. */
static const json_t *rep_vcpus(const json_t *doc, size_t rep, const char *phase)
{
	return json_object_get(rep_phase(doc, rep, phase), "vcpus");
}

/* Latency buckets pooled over a side's repetitions: each bucket's end in ns, its count. */
struct lat_pool {
	double *end, *count;
	size_t len, cap;
	double total;
};

static bool lat_push(struct lat_pool *p, double end, double count)
{
	if (p->len == p->cap) {
		size_t cap = p->cap * 2 + 64;
		double *e = realloc(p->end, cap * sizeof(*e)), *c;

		if (!e)
			return false;
		p->end = e;
		c = realloc(p->count, cap * sizeof(*c));
		if (!c)
			return false;
		p->count = c;
		p->cap = cap;
	}
	p->end[p->len] = end;
	p->count[p->len++] = count;
	p->total += count;
	return true;
}

/*
 * Every repetition's per-op latency histogram of the timed phase, over
 * every complete run of @side: guest cycles converted at the rate that
 * run's guest reported, host ones already in ns.
 */
static void lat_gather(const struct cmp_side *side, const char *name, struct lat_pool *p)
{
	const struct cmp_scenario *s;
	const json_t *lat, *b;
	size_t run, rep, i;
	double scale;

	for (run = 0; run < side->nr_runs; run++) {
		s = cmp_run_find(&side->runs[run], name);
		if (!s || strcmp(s->status, "complete"))
			continue;
		for (rep = 0; rep < json_array_size(json_object_get(s->doc, "reps")); rep++) {
			lat = json_object_get(rep_phase(s->doc, rep, s->timed_phase), "latency");
			scale = 1;
			if (!strcmp(json_string_value(json_object_get(lat, "bucket_unit")) ?: "", "cycles")) {
				double khz = json_number_value(json_object_get(lat, "tsc_khz"));

				if (!(khz > 0))
					continue;
				scale = 1e6 / khz;
			}
			json_array_foreach(json_object_get(lat, "buckets"), i, b)
				if (!lat_push(p, json_number_value(json_array_get(b, 1)) * scale,
					      json_number_value(json_array_get(b, 2))))
					return;
		}
	}
}

/* Fraction of the pooled ops whose bucket ends at or below @x ns. */
static double lat_cdf(const struct lat_pool *p, double x)
{
	double below = 0;
	size_t i;

	for (i = 0; i < p->len; i++)
		if (p->end[i] <= x)
			below += p->count[i];
	return p->total > 0 ? below / p->total : NAN;
}

/*
 * Where the timed phase recorded per-op latency: its CDF per side, all
 * repetitions pooled, on a log axis with 8 points per power of two (the
 * histograms' own resolution).
 */
static void plot_latency(FILE *gp, const struct cmp_report *r, const char *dir, size_t s)
{
	const char *name = r->names[s], *phase = NULL;
	struct lat_pool *pool = calloc(r->nr_sides, sizeof(*pool));
	const struct cmp_scenario *sc;
	double lo = INFINITY, hi = 0;
	char file[512], label[512];
	size_t i, n = pool ? r->nr_sides : 0, j;
	long k, k0, k1;
	FILE *f;

	for (i = 0; i < n; i++) {
		sc = cmp_side_find(&r->sides[i], name);
		if (sc && !phase)
			phase = sc->timed_phase;
		lat_gather(&r->sides[i], name, &pool[i]);
		for (j = 0; j < pool[i].len; j++) {
			lo = pool[i].end[j] < lo ? pool[i].end[j] : lo;
			hi = pool[i].end[j] > hi ? pool[i].end[j] : hi;
		}
	}
	if (!(hi > 0) || !phase)
		goto out;
	/* From a bucket below the fastest op, where every CDF is still 0. */
	k0 = (long)floor(log2(lo) * 8) - 2;
	k1 = (long)ceil(log2(hi) * 8) + 1;
	snprintf(file, sizeof(file), "%s-latency.tsv", name);
	f = open_tsv(dir, file, "latency_ns", r);
	if (!f)
		goto out;
	for (k = k0; k <= k1; k++) {
		double x = exp2((double)k / 8);

		fprintf(f, "%.6g", x);
		for (i = 0; i < r->nr_sides; i++)
			fprintf(f, "\t%.6g", pool[i].total > 0 ? lat_cdf(&pool[i], x) : NAN);
		fputc('\n', f);
	}
	fclose(f);
	fprintf(gp, "data = '%s'; out = '%s-latency'; nruns = %zu; ", file, name, r->nr_sides);
	snprintf(label, sizeof(label), "%s: per-op latency in the %s phase, every repetition pooled",
		 name, phase);
	gp_str(gp, "ttl", label);
	fprintf(gp, "\nload 'latency.gp'\n");
out:
	for (i = 0; i < n; i++) {
		free(pool[i].end);
		free(pool[i].count);
	}
	free(pool);
}

/*
 * Median of vCPU @v's ns per op in the timed phase over every repetition
 * of every run of @side; NaN when it has none.
 */
static double vcpu_median(const struct cmp_side *side, const char *name, size_t v, double **buf,
			  size_t *cap)
{
	const struct cmp_scenario *s;
	const json_t *vc, *reps;
	struct stats_desc d;
	size_t b, rep, n = 0;
	double ns, ops;

	for (b = 0; b < side->nr_runs; b++) {
		s = cmp_run_find(&side->runs[b], name);
		if (!s || strcmp(s->status, "complete"))
			continue;
		reps = json_object_get(s->doc, "reps");
		for (rep = 0; rep < json_array_size(reps); rep++) {
			vc = json_array_get(rep_vcpus(s->doc, rep, s->timed_phase), v);
			ns = json_number_value(json_object_get(vc, "ns"));
			ops = json_number_value(json_object_get(vc, "ops"));
			if (!vc || !(ops > 0) || !(ns > 0))
				continue;
			if (n == *cap) {
				double *p = realloc(*buf, (*cap * 2 + 16) * sizeof(*p));

				if (!p)
					return NAN;
				*buf = p;
				*cap = *cap * 2 + 16;
			}
			(*buf)[n++] = ns / ops;
		}
	}
	return n && !stats_describe(*buf, n, true, &d) ? d.median : NAN;
}

/* Where the timed phase has 2 or more vCPUs: each one's ns per op, per run. */
static void plot_vcpus(FILE *gp, const struct cmp_report *r, const char *dir, size_t s)
{
	const char *name = r->names[s];
	const struct cmp_scenario *sc, *first = NULL;
	size_t i, v, nv = 0, cap = 0;
	char file[512], label[512];
	double *buf = NULL;
	FILE *f;

	for (i = 0; i < r->nr_sides; i++) {
		sc = cmp_side_find(&r->sides[i], name);
		if (!sc || strcmp(sc->status, "complete"))
			continue;
		first = first ?: sc;
		v = json_array_size(rep_vcpus(sc->doc, 0, sc->timed_phase));
		nv = v > nv ? v : nv;
	}
	if (!first || nv < 2)
		return;
	snprintf(file, sizeof(file), "%s-vcpus.tsv", name);
	f = open_tsv(dir, file, "vcpu", r);
	if (!f)
		return;
	for (v = 0; v < nv; v++) {
		fprintf(f, "%zu", v);
		for (i = 0; i < r->nr_sides; i++)
			fprintf(f, "\t%.6g", vcpu_median(&r->sides[i], name, v, &buf, &cap));
		fputc('\n', f);
	}
	free(buf);
	fclose(f);
	fprintf(gp, "data = '%s'; out = '%s-vcpus'; nruns = %zu; nvcpus = %zu; ", file, name,
		r->nr_sides, nv);
	snprintf(label, sizeof(label), "%s: per vCPU, median of its host time per op in the %s phase",
		 name, first->timed_phase);
	gp_str(gp, "ttl", label);
	snprintf(label, sizeof(label), "ns per %s (the vCPU's own time / its ops)", unit_of(first));
	gp_str(gp, "ylab", label);
	fprintf(gp, "\nload 'vcpus.gp'\n");
}

/* The hooks of the attribution pass's @phase, or NULL. */
static const json_t *attributed_hooks(const struct cmp_scenario *s, const char *phase)
{
	const json_t *att = s ? json_object_get(s->doc, "attribution") : NULL, *ph;
	size_t i;

	if (!att || strcmp(json_string_value(json_object_get(att, "status")) ?: "", "complete"))
		return NULL;
	json_array_foreach(json_object_get(att, "phases"), i, ph)
		if (!strcmp(json_string_value(json_object_get(ph, "name")) ?: "", phase))
			return json_object_get(ph, "hooks");
	return NULL;
}

/* Fraction of @fn's calls at or below @edge ns, from its log2 buckets; NaN if absent. */
static double cdf_at(const json_t *fn, double edge)
{
	double below = 0, total = 0;
	const json_t *b;
	size_t i;

	json_array_foreach(json_object_get(fn, "buckets"), i, b) {
		double n = json_integer_value(json_object_get(b, "count"));

		total += n;
		if (json_number_value(json_object_get(b, "le_ns")) <= edge)
			below += n;
	}
	return total > 0 ? below / total : NAN;
}

/*
 * Where attribution data exists: per probed function called in the timed
 * phase, the CDF of its latency in every run that has it.
 */
static void plot_hooks(FILE *gp, const struct cmp_report *r, const char *dir, size_t s)
{
	const char *name = r->names[s], *fname, *phase = NULL;
	const json_t *hooks[32] = { 0 }, *fn;
	const struct cmp_scenario *sc;
	char file[512], label[512];
	size_t i, k;
	int e, lo = 63, hi = 0;
	FILE *f;

	for (i = 0; i < r->nr_sides && i < ARRAY_SIZE(hooks); i++) {
		sc = cmp_side_find(&r->sides[i], name);
		if (sc && !phase)
			phase = sc->timed_phase;
		hooks[i] = sc ? attributed_hooks(sc, sc->timed_phase) : NULL;
	}
	for (i = 0; i < r->nr_sides && i < ARRAY_SIZE(hooks); i++) {
		json_object_foreach((json_t *)hooks[i], fname, fn) {
			const json_t *b;

			json_array_foreach(json_object_get(fn, "buckets"), k, b) {
				double le = json_number_value(json_object_get(b, "le_ns"));

				e = le > 1 ? (int)ceil(log2(le)) : 0;
				lo = e < lo ? e : lo;
				hi = e > hi ? e : hi;
			}
		}
	}
	if (lo > hi)
		return;
	/* Start one bucket below the fastest call, where the CDF is still 0. */
	lo = lo > 0 ? lo - 1 : 0;
	/* One plot per function, over the union of the runs' functions. */
	for (i = 0; i < r->nr_sides && i < ARRAY_SIZE(hooks); i++) {
		json_object_foreach((json_t *)hooks[i], fname, fn) {
			size_t j, seen = 0;

			for (j = 0; j < i; j++)
				seen |= json_object_get(hooks[j], fname) != NULL;
			if (seen || json_integer_value(json_object_get(fn, "calls")) <= 0)
				continue;
			snprintf(file, sizeof(file), "%s-hook-%s.tsv", name, fname);
			f = open_tsv(dir, file, "le_ns", r);
			if (!f)
				return;
			for (e = lo; e <= hi; e++) {
				fprintf(f, "%.0f", ldexp(1, e));
				for (j = 0; j < r->nr_sides; j++) {
					const json_t *g = j < ARRAY_SIZE(hooks) ? json_object_get(hooks[j], fname) : NULL;

					fprintf(f, "\t%.6g", g ? cdf_at(g, ldexp(1, e)) : NAN);
				}
				fputc('\n', f);
			}
			fclose(f);
			fprintf(gp, "data = '%s'; out = '%s-hook-%s'; nruns = %zu; ", file, name, fname,
				r->nr_sides);
			snprintf(label, sizeof(label), "%s: %s latency in the %s phase (attribution pass)",
				 name, fname, phase);
			gp_str(gp, "ttl", label);
			fprintf(gp, "\nload 'hooks.gp'\n");
		}
	}
}

/* params without @key, as text: scenarios equal but for @key match. */
static char *params_without(const struct cmp_scenario *s, const char *key)
{
	json_t *p = json_deep_copy(s->params);
	char *text;

	if (!p)
		return NULL;
	json_object_del(p, key);
	json_object_set_new(p, "kind", json_string(s->kind));
	json_object_set_new(p, "timed_phase", json_string(s->timed_phase));
	text = json_dumps(p, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(p);
	return text;
}

static int cmp_param(const void *a, const void *b, void *key)
{
	double x = json_number_value(json_object_get((*(const struct cmp_scenario *const *)a)->params,
						     key));
	double y = json_number_value(json_object_get((*(const struct cmp_scenario *const *)b)->params,
						     key));

	return (x > y) - (x < y);
}

/* Scaling curves: base scenarios that differ only in @key (a number). */
static void plot_scaling(FILE *gp, const struct cmp_report *r, const char *dir, const char *key,
			 const char *xlab)
{
	const struct cmp_side *base = &r->sides[0];
	const struct cmp_scenario **group;
	bool *done = calloc(base->nr_scen + 1, sizeof(*done));
	char file[512], label[512], *ki, *kj;
	size_t i, j, n, k, run;
	struct stats_desc d;
	FILE *f;

	group = calloc(base->nr_scen + 1, sizeof(*group));
	if (!done || !group)
		goto out;
	for (i = 0; i < base->nr_scen; i++) {
		const struct cmp_scenario *s = &base->scen[i];

		if (done[i] || !timed_metric(s, "ops_per_s") ||
		    !json_is_number(json_object_get(s->params, key)))
			continue;
		ki = params_without(s, key);
		n = 0;
		group[n++] = s;
		for (j = i + 1; j < base->nr_scen && ki; j++) {
			const struct cmp_scenario *t = &base->scen[j];

			if (done[j] || !timed_metric(t, "ops_per_s") ||
			    !json_is_number(json_object_get(t->params, key)))
				continue;
			kj = params_without(t, key);
			if (kj && !strcmp(ki, kj)) {
				group[n++] = t;
				done[j] = true;
			}
			free(kj);
		}
		free(ki);
		if (n < 2)
			continue;
		qsort_r(group, n, sizeof(*group), cmp_param, (void *)key);
		/* A curve needs two different values of the parameter. */
		if (!cmp_param(&group[0], &group[n - 1], (void *)key))
			continue;
		snprintf(file, sizeof(file), "scaling-%s-%s.tsv", key, s->name);
		f = open_tsv(dir, file, key, r);
		if (!f)
			continue;
		for (k = 0; k < n; k++) {
			fprintf(f, "%.6g", json_number_value(json_object_get(group[k]->params, key)) /
				(strcmp(key, "mem_bytes") ? 1 : 1048576.0));
			for (run = 0; run < r->nr_sides; run++) {
				const struct cmp_scenario *t = cmp_side_find(&r->sides[run], group[k]->name);
				const struct cmp_metric *m = timed_metric(t, "ops_per_s");

				if (m && !stats_describe(m->x, t->nr_reps, true, &d))
					fprintf(f, "\t%.6g", d.median);
				else
					fprintf(f, "\tNaN");
			}
			fputc('\n', f);
		}
		fclose(f);
		fprintf(gp, "data = '%s'; out = 'scaling-%s-%s'; nruns = %zu; logx = 1; ", file, key,
			s->name, r->nr_sides);
		snprintf(label, sizeof(label), "%s ... %s: median throughput against %s", s->name,
			 group[n - 1]->name, xlab);
		gp_str(gp, "ttl", label);
		snprintf(label, sizeof(label), "%ss per second", unit_of(s));
		gp_str(gp, "ylab", label);
		gp_str(gp, "xlab", xlab);
		fprintf(gp, "\nload 'scaling.gp'\n");
	}
out:
	free(done);
	free(group);
}

int cmp_plots_draw(const char *dir)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		if (chdir(dir))
			_exit(126);
		fd = open("gnuplot.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("gnuplot", "gnuplot", "plots.gp", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int cmp_plots(struct cmp_report *r, const char *dir)
{
	char from[PATH_MAX + 64], to[PATH_MAX + 64];
	const char *tdir = plots_dir();
	size_t i;
	FILE *gp;
	int ret;

	if (!tdir) {
		cmp_warn(r, "plots: templates not found (scripts/plots; set SEPTBENCH_PLOTS_DIR): no plots");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(templates); i++) {
		snprintf(from, sizeof(from), "%s/%s", tdir, templates[i]);
		snprintf(to, sizeof(to), "%s/%s", dir, templates[i]);
		if (copy_file(from, to)) {
			cmp_warn(r, "plots: cannot read %s: no plots", from);
			return 0;
		}
	}
	gp = open_in(dir, "plots.gp");
	if (!gp)
		return -errno;
	fprintf(gp, "# septbench compare plots: run `gnuplot plots.gp` in this folder to re-plot.\n");
	plot_summary(gp, r, dir);
	for (i = 0; i < r->nr_names; i++) {
		plot_scenario(gp, r, dir, i);
		plot_vcpus(gp, r, dir, i);
		plot_latency(gp, r, dir, i);
		plot_hooks(gp, r, dir, i);
	}
	plot_scaling(gp, r, dir, "vcpus", "vCPUs");
	plot_scaling(gp, r, dir, "mem_bytes", "guest memory (MiB)");
	if (fclose(gp))
		return -errno;
	ret = cmp_plots_draw(dir);
	if (ret == 127)
		cmp_warn(r, "plots: gnuplot not found (install gnuplot-nox): TSV data and plots.gp written, no images");
	else if (ret)
		cmp_warn(r, "plots: gnuplot failed (exit %d), see gnuplot.log in the report folder", ret);
	return 0;
}
