// SPDX-License-Identifier: GPL-2.0
/*
 * septbench compare BASE NEW [NEW2 ...], --base RUN... --new RUN..., or
 * ABDIR: statistics, verdicts, report and plots.  Exit 0 without a
 * significant regression, 1 with one (for `git bisect run`), 2 on bad
 * input, before anything is written.
 */
#include "stats/lathist.h"
#include "compare/compare.h"
#include "cli/commands.h"
#include "report/report.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sides are named by letter, A to Z. */
#define MAX_SIDES 26

enum format { FMT_TEXT, FMT_MD, FMT_JSON };

static void compare_usage(FILE *out)
{
	fprintf(out,
		"usage: septbench compare BASE NEW [NEW2 ...] [options]\n"
		"       septbench compare --base RUN [RUN...] --new RUN [RUN...] [options]\n"
		"       septbench compare ABDIR [options]\n"
		"  Compare results folders (runs on different kernel builds): statistics per\n"
		"  scenario, phase and metric, a verdict per scenario, report.{txt,md,json}\n"
		"  and gnuplot plots in the output folder.  Each run is one boot: with several\n"
		"  runs a side (--base/--new, each list up to the next option), repetitions are\n"
		"  nested in boots (hierarchical bootstrap; Welch's t on per-boot means when\n"
		"  both sides have 2 or more runs).  ABDIR: a folder of scripts/ab, its\n"
		"  plan.json's done runs of A against those of B.\n"
		"  --out DIR            output folder (default: compare-<base>-vs-<new> beside BASE,\n"
		"                       ABDIR/compare for an A/B folder)\n"
		"  --threshold PCT      smallest change that counts (default 2)\n"
		"  --metric M[,M...]    verdict metric(s) of the timed phase: ns_per_op (default),\n"
		"                       ops_per_s, vm.<stat>, vcpu.<stat> (KVM stats per op),\n"
		"                       counter.<event> (perf counters per op, e.g. counter.instructions)\n"		"                       derived.<key> (the engine's own figures, e.g.\n"
		"                       derived.kvm_ns_per_op: timed minus control per op),\n"
		"                       p50, p90, p99, p99.9, max (per-op latency, ns) or vcpu_spread\n"
		"  --format F           stdout: text (default), md or json\n"
		"  --resamples N        bootstrap resamples (default 10000)\n"
		"  --seed N             bootstrap seed (default 1): same seed, same report\n"
		"  --allow-incomplete   compare the complete scenarios of interrupted runs (and an\n"
		"                       A/B folder's incomplete steps)\n"
		"  --no-plots           skip the plots\n"
		"  --force              replace an earlier compare output at the output folder\n"
		"                       (nothing else is ever replaced)\n"
		"Exit status: 0 no significant regression, 1 a significant regression on the\n"
		"verdict metric(s), 2 bad input (one line on stderr).\n");
}

static bool parse_threshold(const char *s, double *frac)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	if (errno || end == s || *end || !(v >= 0 && v < 100))
		return false;
	*frac = v / 100;
	return true;
}

static bool metric_name_ok(const char *m)
{
	size_t i;

	for (i = 0; i < LATHIST_NR_METRICS; i++)
		if (!strcmp(m, lathist_metric_names[i]))
			return true;
	return !strcmp(m, "ns_per_op") || !strcmp(m, "ops_per_s") ||
	       (!strncmp(m, "vm.", 3) && m[3]) || (!strncmp(m, "vcpu.", 5) && m[5]) ||
	       (!strncmp(m, "counter.", 8) && m[8]) || (!strncmp(m, "derived.", 8) && m[8]);
}

static bool add_metrics(struct cmp_opts *o, char *list)
{
	char *tok, *save;

	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!metric_name_ok(tok) || o->nr_metrics == ARRAY_SIZE(o->metrics))
			return false;
		o->metrics[o->nr_metrics++] = tok;
	}
	return true;
}

/* A metric no compared scenario has is a typo, not "no change". */
static const char *unknown_metric(const struct cmp_report *r)
{
	size_t k, i, j;
	bool compared = false;

	for (k = 0; k < r->opts.nr_metrics; k++) {
		bool found = false;

		for (i = 0; i < (r->nr_sides - 1) * r->nr_names && !found; i++) {
			const struct cmp_pair *pr = &r->pairs[i];

			compared |= pr->state == CMP_COMPARED;
			for (j = 0; pr->state == CMP_COMPARED && j < pr->nr_stats; j++)
				found |= pr->stats[j].chosen &&
					 !strcmp(pr->stats[j].metric, r->opts.metrics[k]);
		}
		if (compared && !found)
			return r->opts.metrics[k];
	}
	return NULL;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int rm_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool default_out(char *buf, size_t size, const struct cmp_report *r)
{
	char base[PATH_MAX];
	size_t len, i;

	snprintf(base, sizeof(base), "%s", r->sides[0].dir);
	len = snprintf(buf, size, "%s/compare-%s", dirname(base), r->sides[0].id);
	for (i = 1; i < r->nr_sides && len < size; i++)
		len += snprintf(buf + len, size - len, "-vs-%s", r->sides[i].id);
	return len < size && strlen(strrchr(buf, '/') + 1) < NAME_MAX - 16;
}

static int write_text(const char *dir, const char *name, const struct cmp_report *r,
		      enum format f, bool plots)
{
	char path[PATH_MAX + 64];
	FILE *out;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = fopen(path, "w");
	if (!out)
		return -errno;
	if (f == FMT_MD)
		cmp_print_md(out, r, plots);
	else
		cmp_print_text(out, r);
	if (ferror(out))
		err = -EIO;
	if (fclose(out) && !err)
		err = -errno;
	return err;
}

/* Only a folder whose report.json carries our marker is a compare output. */
static bool is_compare_output(const char *dir)
{
	char path[PATH_MAX + 16];
	const char *kind;
	json_t *doc;
	bool ret;

	snprintf(path, sizeof(path), "%s/report.json", dir);
	doc = json_load_file(path, 0, NULL);
	kind = json_string_value(json_object_get(doc, "kind"));
	ret = kind && !strcmp(kind, CMP_REPORT_KIND);
	json_decref(doc);
	return ret;
}

/*
 * May @out be written?  It may not exist yet (its parent must), or be an
 * earlier compare output, replaced only with --force (*replace).  Anything
 * else is somebody's data: refused, untouched.
 */
static bool out_ok(const char *out, bool force, bool *replace, char *err, size_t size)
{
	char parent[PATH_MAX];
	const char *pdir;
	struct stat st;

	*replace = false;
	if (!*out)
		return fail_msg(err, size, "--out names no folder");
	if (lstat(out, &st)) {
		if (errno != ENOENT)
			return fail_msg(err, size, "%s: %s", out, strerror(errno));
		snprintf(parent, sizeof(parent), "%s", out);
		/* dirname() may return "." without touching parent: use what it returns. */
		pdir = dirname(parent);
		if (stat(pdir, &st) || !S_ISDIR(st.st_mode))
			return fail_msg(err, size, "%s: the folder it would be in does not exist", out);
		if (access(pdir, W_OK | X_OK))
			return fail_msg(err, size, "%s: cannot create it: %s", out, strerror(errno));
		return true;
	}
	if (S_ISLNK(st.st_mode))
		return fail_msg(err, size, "%s: is a symbolic link, not touched; name a new folder", out);
	if (!S_ISDIR(st.st_mode))
		return fail_msg(err, size, "%s: exists and is not a folder, not touched; name a new folder",
				out);
	if (!is_compare_output(out))
		return fail_msg(err, size,
				"%s: exists and is not a septbench compare output, not touched; name a new folder",
				out);
	if (!force)
		return fail_msg(err, size,
				"%s: holds an earlier compare output; add --force to replace it", out);
	*replace = true;
	return true;
}

/*
 * tmp into place as @out.  Replacing swaps the two (tmp then holds the
 * earlier output, for the caller to remove); a file system without
 * renameat2 gets the same end state in three renames.
 */
static int put_in_place(const char *tmp, const char *out, bool replace)
{
	char old[PATH_MAX + 32];
	int err;

	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, out, replace ? RENAME_EXCHANGE : RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (!replace)
		return rename(tmp, out) ? -errno : 0;	/* never over a non-empty folder */
	snprintf(old, sizeof(old), "%s.old.XXXXXX", out);
	if (!mkdtemp(old))
		return -errno;
	if (rename(out, old)) {
		err = -errno;
		rmdir(old);
		return err;
	}
	if (rename(tmp, out)) {
		err = -errno;
		rename(old, out);
		return err;
	}
	return rename(old, tmp) ? -errno : 0;
}

static int write_command(const char *path, const struct cmp_report *r)
{
	json_t *a = json_array();
	int i, err;

	for (i = 0; a && i < r->argc; i++)
		json_array_append_new(a, json_string(r->argv[i]));
	err = a ? json_dump_file(a, path, JSON_INDENT(1)) : -1;
	json_decref(a);
	return err;
}

/*
 * Everything goes to a temporary folder put into place at the end: an
 * interrupted compare leaves no half-written report that looks whole.
 */
static int write_out(const char *out, bool force, struct cmp_report *r, json_t **doc,
		     bool plots, char *msg, size_t msg_size)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 64];
	bool replace;
	int err;

	snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", out);
	if (!mkdtemp(tmp))
		return -errno;
	/* Plots first: their warnings belong in the reports. */
	err = plots ? cmp_plots(r, tmp) : 0;
	*doc = cmp_report_json(r);
	if (!err && !*doc)
		err = -ENOMEM;
	if (!err)
		err = write_text(tmp, "report.txt", r, FMT_TEXT, plots);
	if (!err)
		err = write_text(tmp, "report.md", r, FMT_MD, plots);
	snprintf(path, sizeof(path), "%s/report.json", tmp);
	/* Buffered: the folder as a whole is renamed into place anyway. */
	if (!err && json_dump_file(*doc, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER))
		err = -EIO;
	/*
	 * The command line beside it, not in it: the same runs give the same
	 * report.json however they were named.
	 */
	snprintf(path, sizeof(path), "%s/command.json", tmp);
	if (!err && write_command(path, r))
		err = -EIO;
	/* From what was just written, as `septbench report` rebuilds it. */
	if (!err && html_report_write(tmp, msg, msg_size))
		err = -EIO;
	/* Again: the folder may have changed while the statistics ran. */
	if (!err && !out_ok(out, force, &replace, msg, msg_size))
		err = -EEXIST;
	if (!err)
		err = put_in_place(tmp, out, replace);
	rm_tree(tmp);
	if (!err)
		html_index_update(out);
	return err;
}

/* Length of @path without its trailing slashes (but "/" stays). */
static size_t strip_len(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

/* The runs of one side, as named on the command line or in a plan. */
struct side_arg {
	bool given;
	size_t n;
	const char **dirs;
};

/*
 * Take --base and --new with their lists out of argv (getopt_long knows
 * no options with several values): each takes the arguments up to the
 * next one starting with '-'.  The rest goes to rest[].  False with a
 * line said.
 */
static bool take_lists(int argc, char **argv, char **rest, int *nr_rest, struct side_arg *lists)
{
	static const char *const names[2] = { "--base", "--new" };
	const char *arg, *eq;
	int i, which;
	size_t len;

	*nr_rest = 0;
	for (i = 0; i < argc; i++) {
		arg = argv[i];
		if (i && !strcmp(arg, "--")) {
			while (i < argc)
				rest[(*nr_rest)++] = argv[i++];
			break;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		for (which = 0; i && which < 2; which++)
			if (len == strlen(names[which]) && !strncmp(arg, names[which], len))
				break;
		if (!i || which == 2) {
			rest[(*nr_rest)++] = argv[i];
			continue;
		}
		if (lists[which].given) {
			err_msg("compare: %s given twice", names[which]);
			return false;
		}
		lists[which].given = true;
		lists[which].dirs = calloc(argc, sizeof(*lists[which].dirs));
		if (!lists[which].dirs) {
			err_msg("compare: out of memory");
			return false;
		}
		if (eq)
			lists[which].dirs[lists[which].n++] = eq + 1;
		while (i + 1 < argc && argv[i + 1][0] != '-')
			lists[which].dirs[lists[which].n++] = argv[++i];
		if (!lists[which].n || (eq && !eq[1])) {
			err_msg("compare: %s names no results folder (%s RUN [RUN...])", names[which],
				names[which]);
			return false;
		}
	}
	rest[*nr_rest] = NULL;
	return true;
}

/* The sides' runs from the command line, into lists[]; how many sides, 0 on bad input. */
static size_t side_args(struct side_arg *lists, char **pos, int nr_pos, bool allow_incomplete,
			struct cmp_ab_plan *plan, bool *ab)
{
	char err[PATH_MAX + 512];
	int i;

	*ab = false;
	if (lists[0].given || lists[1].given) {
		if (!lists[0].given || !lists[1].given) {
			err_msg("compare: %s without %s: name the runs of both sides (--base RUN... --new RUN...)",
				lists[0].given ? "--base" : "--new", lists[0].given ? "--new" : "--base");
			return 0;
		}
		if (nr_pos) {
			err_msg("compare: '%s': with --base and --new, every results folder goes in their lists",
				pos[0]);
			return 0;
		}
		return 2;
	}
	if (nr_pos == 1 && cmp_ab_is_plan_dir(pos[0])) {
		if (!cmp_ab_load(plan, pos[0], allow_incomplete, err, sizeof(err))) {
			err_msg("compare: %s", err);
			return 0;
		}
		for (i = 0; i < 2; i++) {
			lists[i].n = plan->nr_runs[i];
			lists[i].dirs = (const char **)plan->runs[i];
		}
		*ab = true;
		return 2;
	}
	if (nr_pos < 2) {
		err_msg("compare: needs a BASE and at least one NEW results folder (or --base/--new lists, or an A/B folder with plan.json)");
		return 0;
	}
	if (nr_pos > MAX_SIDES) {
		err_msg("compare: at most %d results folders", MAX_SIDES);
		return 0;
	}
	for (i = 0; i < nr_pos; i++) {
		lists[i].n = 1;
		lists[i].dirs = (const char **)&pos[i];
	}
	return nr_pos;
}

/* Every run of every side, loaded and merged. */
static bool load_sides(struct cmp_report *r, struct side_arg *lists, size_t nr,
		       const struct cmp_ab_plan *plan, bool allow_incomplete)
{
	char err[PATH_MAX + 512];
	struct cmp_side *side;
	size_t i, b;
	int e;

	r->sides = calloc(nr, sizeof(*r->sides));
	if (!r->sides) {
		err_msg("compare: out of memory");
		return false;
	}
	for (i = 0; i < nr; i++) {
		side = &r->sides[r->nr_sides++];
		side->runs = calloc(lists[i].n, sizeof(*side->runs));
		if (!side->runs) {
			err_msg("compare: out of memory");
			return false;
		}
		if (plan)
			snprintf(side->spec, sizeof(side->spec), "%s", plan->spec[i]);
		for (b = 0; b < lists[i].n; b++) {
			side->nr_runs++;
			if (!cmp_run_load(&side->runs[b], lists[i].dirs[b], allow_incomplete, err,
					  sizeof(err))) {
				err_msg("compare: %s", err);
				return false;
			}
		}
		e = cmp_side_build(side, cmp_run_letter(i));
		if (e) {
			err_msg("compare: %s", strerror(-e));
			return false;
		}
	}
	return true;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "threshold", required_argument, NULL, 't' },
		{ "metric", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "resamples", required_argument, NULL, 'R' },
		{ "seed", required_argument, NULL, 'S' },
		{ "allow-incomplete", no_argument, NULL, 'I' },
		{ "no-plots", no_argument, NULL, 'P' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmp_report r = {
		.opts = { .threshold = 0.02, .alpha = 0.05, .resamples = 10000, .seed = 1 },
	};
	bool allow_incomplete = false, plots = true, force = false, replace, ab = false;
	struct side_arg lists[MAX_SIDES] = { 0 };
	struct cmp_ab_plan plan = { 0 };
	enum format fmt = FMT_TEXT;
	const char *out_arg = NULL, *bad;
	char out[PATH_MAX], err[PATH_MAX + 512], **args;
	uint64_t v;
	json_t *doc;
	int c, ret = EXIT_USAGE, e, nargs;
	size_t i, nr_sides;

	r.argc = argc;
	r.argv = argv;
	args = calloc(argc + 1, sizeof(*args));
	if (!args) {
		err_msg("compare: out of memory");
		return EXIT_USAGE;
	}
	if (!take_lists(argc, argv, args, &nargs, lists))
		goto out;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(nargs, args, "o:t:m:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_arg = optarg;
			break;
		case 't':
			if (!parse_threshold(optarg, &r.opts.threshold)) {
				err_msg("compare: bad --threshold '%s' (a percentage, 0 to 100)", optarg);
				goto out;
			}
			break;
		case 'm':
			if (!add_metrics(&r.opts, optarg)) {
				err_msg("compare: bad --metric '%s' (ns_per_op, ops_per_s, p50 .. p99.9, max, vcpu_spread, vm.<stat>, vcpu.<stat>, counter.<event>, derived.<key>)",
					optarg);
				goto out;
			}
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "md"))
				fmt = FMT_MD;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else {
				err_msg("compare: bad --format '%s' (text, md or json)", optarg);
				goto out;
			}
			break;
		case 'R':
			if (!parse_uint(optarg, 10000000, &v) || v < 100) {
				err_msg("compare: bad --resamples '%s' (100 to 10000000)", optarg);
				goto out;
			}
			r.opts.resamples = v;
			break;
		case 'S':
			if (!parse_uint(optarg, UINT64_MAX, &v)) {
				err_msg("compare: bad --seed '%s'", optarg);
				goto out;
			}
			r.opts.seed = v;
			break;
		case 'I':
			allow_incomplete = true;
			break;
		case 'P':
			plots = false;
			break;
		case 'F':
			force = true;
			break;
		case 'h':
			compare_usage(stdout);
			ret = EXIT_OK;
			goto out;
		default:
			err_msg("compare: unknown option '%s' (see septbench compare --help)",
				args[optind - 1]);
			goto out;
		}
	}
	nr_sides = side_args(lists, args + optind, nargs - optind, allow_incomplete, &plan, &ab);
	if (!nr_sides)
		goto out;
	if (!r.opts.nr_metrics)
		r.opts.metrics[r.opts.nr_metrics++] = "ns_per_op";
	if (!load_sides(&r, lists, nr_sides, ab ? &plan : NULL, allow_incomplete))
		goto out;
	/* Before any statistics: where the report goes, and that it may. */
	if (out_arg) {
		snprintf(out, sizeof(out), "%s", out_arg);
	} else if (ab) {
		snprintf(out, sizeof(out), "%.*s/compare", (int)strip_len(args[optind]), args[optind]);
	} else if (!default_out(out, sizeof(out), &r)) {
		err_msg("compare: run ids too long for an output folder name; use --out");
		goto out;
	}
	for (i = strlen(out); i > 1 && out[i - 1] == '/'; i--)
		out[i - 1] = '\0';
	if (!out_ok(out, force, &replace, err, sizeof(err))) {
		err_msg("compare: %s", err);
		goto out;
	}

	e = cmp_analyse(&r);
	if (!e)
		e = cmp_env_diff(&r);
	if (e) {
		err_msg("compare: %s", strerror(-e));
		goto out;
	}
	bad = unknown_metric(&r);
	if (bad) {
		err_msg("compare: no compared scenario has metric '%s' in its timed phase", bad);
		goto out;
	}

	doc = NULL;
	err[0] = '\0';
	e = write_out(out, force, &r, &doc, plots, err, sizeof(err));
	if (e) {
		if (err[0])
			err_msg("compare: %s", err);
		else
			err_msg("compare: cannot write %s: %s", out, strerror(-e));
		json_decref(doc);
		goto out;
	}
	switch (fmt) {
	case FMT_JSON:
		json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		break;
	case FMT_MD:
		cmp_print_md(stdout, &r, plots);
		break;
	default:
		cmp_print_text(stdout, &r);
		printf("\nreport: %s/\n", out);
		break;
	}
	json_decref(doc);
	for (i = 0; i < r.nr_warnings; i++)
		if (r.warnings[i].loud)
			err_msg("compare: WARNING: %s", r.warnings[i].text);
	ret = r.regression ? EXIT_FAIL : EXIT_OK;
	if (fflush(stdout))
		ret = EXIT_USAGE;
out:
	cmp_report_free(&r);
	free(r.sides);
	/* Positional and A/B lists point into args and the plan. */
	for (i = 0; i < 2; i++)
		if (lists[i].given)
			free(lists[i].dirs);
	cmp_ab_free(&plan);
	free(args);
	return ret;
}
