// SPDX-License-Identifier: GPL-2.0
#include "run/bench_dir.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir_buf[PATH_MAX];

static bool is_dir_with_suite(const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/default.suite", dir);
	return !access(path, R_OK);
}

const char *bench_dir(void)
{
	const char *env = getenv("SEPTBENCH_BENCH_DIR");
	char exe[PATH_MAX], *d;
	ssize_t n;

	if (env && *env)
		return env;
	if (dir_buf[0])
		return dir_buf;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		d = dirname(exe);
		snprintf(dir_buf, sizeof(dir_buf), "%s/../bench", d);
		if (is_dir_with_suite(dir_buf))
			return dir_buf;
		snprintf(dir_buf, sizeof(dir_buf), "%s/../share/septbench/bench", d);
		if (is_dir_with_suite(dir_buf))
			return dir_buf;
	}
	snprintf(dir_buf, sizeof(dir_buf), "bench");
	return dir_buf;
}

static bool name_ok(const char *name)
{
	return *name && strlen(name) < 64 && !strpbrk(name, "/ \t.");
}

bool scenario_by_name(struct scenario *s, const char *name, char *err, size_t err_size)
{
	char path[PATH_MAX + 80];

	/* bench/hooks.conf lists the functions to probe, not a scenario. */
	if (!name_ok(name) || !strcmp(name, "hooks")) {
		snprintf(err, err_size, "bad scenario name '%s'", name);
		return false;
	}
	snprintf(path, sizeof(path), "%s/%s.conf", bench_dir(), name);
	if (access(path, R_OK)) {
		snprintf(err, err_size, "unknown scenario '%s' (see septbench list)", name);
		return false;
	}
	scenario_defaults(s);
	snprintf(s->name, sizeof(s->name), "%s", name);
	return scenario_load(s, path, err, err_size);
}

bool suite_load(const char *path, struct suite_entry **entries, size_t *nr,
		char *err, size_t err_size)
{
	struct suite_entry *list = NULL, *e, *tmp;
	char line[1024], *tok, *save;
	unsigned int lineno = 0;
	size_t n = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		snprintf(err, err_size, "cannot read suite %s: %s", path, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		tok = strtok_r(line, " \t\r\n", &save);
		if (!tok || *tok == '#')
			continue;
		tmp = realloc(list, (n + 1) * sizeof(*list));
		if (!tmp)
			goto fail_msg;
		list = tmp;
		e = &list[n++];
		memset(e, 0, sizeof(*e));
		if (!name_ok(tok)) {
			snprintf(err, err_size, "%s:%u: bad scenario name '%s'", path, lineno, tok);
			goto fail;
		}
		snprintf(e->name, sizeof(e->name), "%s", tok);
		e->lineno = lineno;
		while ((tok = strtok_r(NULL, " \t\r\n", &save)) && *tok != '#') {
			if (!strchr(tok, '=') || e->nr_overrides == ARRAY_SIZE(e->overrides) ||
			    strlen(tok) >= sizeof(e->overrides[0])) {
				snprintf(err, err_size, "%s:%u: bad override '%s' (key=value, at most %zu)",
					 path, lineno, tok, ARRAY_SIZE(e->overrides));
				goto fail;
			}
			snprintf(e->overrides[e->nr_overrides++], sizeof(e->overrides[0]), "%s", tok);
		}
	}
	fclose(f);
	if (!n) {
		snprintf(err, err_size, "suite %s lists no scenario", path);
		free(list);
		return false;
	}
	*entries = list;
	*nr = n;
	return true;
fail_msg:
	snprintf(err, err_size, "out of memory reading %s", path);
fail:
	fclose(f);
	free(list);
	return false;
}

static bool is_blank(const char *s)
{
	return !s[strspn(s, " \t\r\n")];
}

/* "## name" with nothing but white space after it. */
static bool is_heading_of(const char *line, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(line, "## ", 3) && !strncmp(line + 3, name, n) && is_blank(line + 3 + n);
}

char *bench_readme_section(const char *name)
{
	char path[PATH_MAX + 16], *line = NULL, *text = NULL, *tmp;
	size_t cap = 0, len = 0, keep = 0, n;
	bool in = false;
	ssize_t got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/README.md", bench_dir());
	f = fopen(path, "r");
	if (!f)
		return NULL;
	while ((got = getline(&line, &cap, f)) > 0) {
		if (!in) {
			in = is_heading_of(line, name);
			continue;
		}
		if (!strncmp(line, "## ", 3) || !strncmp(line, "# ", 2))
			break;
		/* Blank lines before the text are dropped, after it cut at the end. */
		if (!len && is_blank(line))
			continue;
		n = strlen(line);
		tmp = realloc(text, len + n + 1);
		if (!tmp) {
			free(text);
			text = NULL;
			errno = ENOMEM;
			goto out;
		}
		text = tmp;
		memcpy(text + len, line, n + 1);
		len += n;
		if (!is_blank(line))
			keep = len;
	}
	if (text)
		text[keep] = '\0';
	else
		errno = ENOENT;
out:
	free(line);
	fclose(f);
	return text;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int scenario_foreach(void (*fn)(const struct scenario *s, void *data), void *data)
{
	char *names[256], err[512];
	struct scenario s;
	struct dirent *de;
	size_t n = 0, i, len;
	DIR *d;

	d = opendir(bench_dir());
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
		len = strlen(de->d_name);
		if (len > 5 && !strcmp(de->d_name + len - 5, ".conf") &&
		    strcmp(de->d_name, "hooks.conf"))
			names[n++] = strndup(de->d_name, len - 5);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (scenario_by_name(&s, names[i], err, sizeof(err)))
			fn(&s, data);
		else
			err_msg("%s", err);
		free(names[i]);
	}
	return n;
}
