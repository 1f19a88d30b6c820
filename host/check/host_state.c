// SPDX-License-Identifier: GPL-2.0
/*
 * What a run may touch and must put back: tracefs state and host knobs,
 * as "key=value" lines, compared before and after.
 */
#include "check/check.h"
#include "lib/util.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const knob_dirs[] = {
	"/sys/module/kvm/parameters",
	"/sys/module/kvm_intel/parameters",
	"/sys/module/kvm_amd/parameters",
};

static const char *const knob_files[] = {
	"/sys/kernel/mm/transparent_hugepage/enabled",
	"/sys/kernel/mm/transparent_hugepage/defrag",
	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
	"/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages",
};

static const char *const tracefs_files[] = {
	"kprobe_events", "synthetic_events", "tracing_on", "current_tracer",
};

/* One line: the file's text with newlines as "\n", or why not. */
static void add_file(FILE *f, const char *key, const char *path)
{
	char *text = read_all(path, NULL), *p;

	fprintf(f, "%s=", key);
	if (!text) {
		fprintf(f, "(unreadable)\n");
		return;
	}
	for (p = text; *p; p++) {
		if (*p == '\n')
			fputs(p[1] ? "\\n" : "", f);
		else
			fputc(*p, f);
	}
	fputc('\n', f);
	free(text);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of @dir, sorted; each one calls @fn. */
static void each_entry(const char *dir, void (*fn)(FILE *, const char *, const char *), FILE *f)
{
	char *names[512], path[PATH_MAX];
	struct dirent *e;
	size_t n = 0, i;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) && n < ARRAY_SIZE(names))
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (names[i]) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			fn(f, path, names[i]);
		}
		free(names[i]);
	}
}

static void add_knob(FILE *f, const char *path, const char *name)
{
	add_file(f, path, path);
}

static void add_instance(FILE *f, const char *path, const char *name)
{
	fprintf(f, "tracefs instance %s\n", name);
}

char *host_state_snapshot(const char *tracefs)
{
	char path[PATH_MAX], key[64], *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(knob_dirs); i++)
		each_entry(knob_dirs[i], add_knob, f);
	for (i = 0; i < ARRAY_SIZE(knob_files); i++)
		if (!access(knob_files[i], F_OK))
			add_file(f, knob_files[i], knob_files[i]);
	if (tracefs && *tracefs) {
		for (i = 0; i < ARRAY_SIZE(tracefs_files); i++) {
			snprintf(path, sizeof(path), "%s/%s", tracefs, tracefs_files[i]);
			snprintf(key, sizeof(key), "tracefs %s", tracefs_files[i]);
			add_file(f, key, path);
		}
		snprintf(path, sizeof(path), "%s/instances", tracefs);
		each_entry(path, add_instance, f);
	}
	fclose(f);
	return text;
}

/* Is @line (up to its newline) one of the lines of @text? */
static bool has_line(const char *text, const char *line, size_t n)
{
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* Lines of @a not in @b, each prefixed with @tag, into @f. */
static void missing_lines(FILE *f, const char *a, const char *b, const char *tag, bool *first)
{
	const char *p, *nl;
	size_t n;

	for (p = a; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (!n || has_line(b, p, n))
			continue;
		fprintf(f, "%s%s%.*s", *first ? "" : "; ", tag, (int)(n > 200 ? 200 : n), p);
		*first = false;
	}
}

char *host_state_diff(const char *before, const char *after)
{
	char *text = NULL;
	size_t len = 0;
	bool first = true;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	missing_lines(f, before, after, "was ", &first);
	missing_lines(f, after, before, "now ", &first);
	fclose(f);
	if (first) {
		free(text);
		return NULL;
	}
	return text;
}
