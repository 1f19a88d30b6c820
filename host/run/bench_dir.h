/* SPDX-License-Identifier: GPL-2.0 */
/* Finding scenario and suite definitions (bench/) and reading suites. */
#ifndef SEPTBENCH_BENCH_DIR_H
#define SEPTBENCH_BENCH_DIR_H

#include "run/scenario.h"

#include <stddef.h>

/* One suite entry: a scenario name and its "key=value" overrides. */
struct suite_entry {
	char name[64];
	char overrides[8][96];
	unsigned int nr_overrides;
	unsigned int lineno;		/* in the suite file */
};

/*
 * The bench/ folder: $SEPTBENCH_BENCH_DIR, else ../bench beside the
 * binary (build tree), else ../share/septbench/bench (installed).
 */
const char *bench_dir(void);

/* Load bench/<name>.conf with its name set; errors in err. */
bool scenario_by_name(struct scenario *s, const char *name, char *err, size_t err_size);

/* Parse a suite file; *entries is malloc'ed.  Errors name file and line. */
bool suite_load(const char *path, struct suite_entry **entries, size_t *nr,
		char *err, size_t err_size);

/*
 * The text of bench/README.md's section "## <name>", without its heading
 * and the blank lines around it; malloc'ed, or NULL when there is none
 * (errno: ENOENT no such section or file, ENOMEM).
 */
char *bench_readme_section(const char *name);

/* Call fn for each bench/<name>.conf in name order; returns how many. */
int scenario_foreach(void (*fn)(const struct scenario *s, void *data), void *data);

#endif
