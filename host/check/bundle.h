/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report bundle a TDX owner sends back: one tar.gz, written whole
 * (a temporary name, then a rename that never replaces) or not at all.
 */
#ifndef SEPTBENCH_BUNDLE_H
#define SEPTBENCH_BUNDLE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* The folder inside the archive every member is under. */
#define BUNDLE_TOP "septbench-bundle"

/* Can a bundle be written at @path?  Not when something is there, or its folder is not writable. */
bool bundle_path_ok(const char *path, char *err, size_t size);

/* Is @dir one septbench run (meta.json of schema septbench/1 with a run id)? */
bool bundle_is_run(const char *dir, char *err, size_t size);

/* What goes in: @check_text may be NULL (no check ran), @run_dir NULL or "" (no run). */
struct bundle_src {
	const char *check_text;
	size_t check_len;
	const json_t *env;
	const char *run_dir;
};

/* One member in the making (bundle_collect.c fills, bundle.c writes). */
struct bundle_member {
	char name[PATH_MAX + 64];
	char *data;
	size_t len;
};

/* The host's side: config lines, dmesg lines, TDX sysfs, version, env; a count or -errno. */
int bundle_collect_host(const json_t *env, struct bundle_member *m, size_t max);
/* The run folder's files, as results/<run>/<file>; a count or -errno. */
int bundle_collect_run(const char *dir, struct bundle_member *m, size_t max);

/* Write the bundle; 0, or -errno with @err said (nothing is left at @path). */
int bundle_write(const char *path, const struct bundle_src *src, char *err, size_t size);

#endif
