/* SPDX-License-Identifier: GPL-2.0 */
/*
 * septbench check: one line per assumption, "ok", "FAILED" or "skipped"
 * with its evidence, printed and kept (the bundle carries the text).
 */
#ifndef SEPTBENCH_CHECK_H
#define SEPTBENCH_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

enum check_result { CHECK_OK, CHECK_FAILED, CHECK_SKIPPED };

struct check_out {
	FILE *mem;		/* everything printed, for the bundle */
	char *text;
	size_t len;
	FILE *tty;		/* where the lines go as they come (stdout) */
	unsigned int nr[3];	/* per result */
};

int check_out_init(struct check_out *c, FILE *tty);
/* "<result> <name>: <evidence>" */
void check_line(struct check_out *c, enum check_result r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A free line (heading, the run's own words). */
void check_note(struct check_out *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far (NUL-terminated, owned by @c). */
const char *check_out_text(struct check_out *c, size_t *len);
void check_out_fini(struct check_out *c);

/*
 * Host state a run must leave as it found it: tracefs (instances,
 * kprobe and synthetic events, tracing_on, current_tracer) and the knobs
 * (KVM module parameters, THP, hugetlb pools), one "key=value" a line.
 */
char *host_state_snapshot(const char *tracefs);
/* The lines of @after that differ from @before, "; "-joined; NULL if none. */
char *host_state_diff(const char *before, const char *after);

/* How the check's run went: its folder and exit status, its output. */
struct check_run {
	char dir[4096];		/* the results folder, "" when none was made */
	int status;		/* septbench run's exit status */
	char *log;		/* its stdout and stderr */
};

/*
 * septbench run of every tdx scenario once, small, with the attribution
 * pass, in a child (/proc/self/exe): the engine and backend as a run
 * uses them.  @out: results parent folder.
 */
int check_tdx_run(struct check_run *cr, const char *out, unsigned int vcpus);

/* The assumptions the figures rest on, from the run's results. */
void check_tdx_assume(struct check_out *c, const char *dir, bool simulated);

/*
 * The whole check: readiness (exit 4 naming the first step that fails),
 * the run, the assumptions, the host state.  Returns the exit status;
 * @cr says what ran (dir "" when nothing did).
 */
int check_tdx(struct check_out *c, const json_t *env, const char *out, struct check_run *cr);

#endif
