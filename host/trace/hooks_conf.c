// SPDX-License-Identifier: GPL-2.0
#include "trace/hooks_conf.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_ident(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool parse_header(char *line, const char *path, unsigned int ln, struct hook_fn *cur,
			 char *err, size_t size)
{
	char *end = strchr(line, ']'), *sp;

	if (!end || str_trim(end + 1)[0])
		return fail_msg(err, size, "%s:%u: bad group header (want [group] or [group variant])",
				path, ln);
	*end = '\0';
	line = str_trim(line + 1);
	sp = strpbrk(line, " \t");
	cur->variant[0] = '\0';
	if (sp) {
		*sp = '\0';
		sp = str_trim(sp + 1);
		if (strcmp(sp, "before") && strcmp(sp, "after"))
			return fail_msg(err, size, "%s:%u: unknown hook variant '%s' (before or after)",
					path, ln, sp);
		snprintf(cur->variant, sizeof(cur->variant), "%s", sp);
	}
	if (!*line || strlen(line) >= sizeof(cur->group))
		return fail_msg(err, size, "%s:%u: bad group name", path, ln);
	snprintf(cur->group, sizeof(cur->group), "%s", line);
	return true;
}

bool hooks_conf_parse(const char *text, const char *path, struct hook_fn **fns, size_t *nr,
		      char *err, size_t size)
{
	char *copy = strdup(text), *line, *save = NULL, *p;
	struct hook_fn cur = { 0 }, *v = NULL, *tmp;
	size_t n = 0, cap = 0, i;
	unsigned int ln = 0;
	bool ok = true;

	if (!copy)
		return fail_msg(err, size, "out of memory");
	/* strtok_r skips empty lines, so count them by hand. */
	for (line = copy; ok && line; line = p) {
		p = strchr(line, '\n');
		if (p)
			*p++ = '\0';
		ln++;
		save = strchr(line, '#');
		if (save)
			*save = '\0';
		line = str_trim(line);
		if (!*line)
			continue;
		if (*line == '[') {
			ok = parse_header(line, path, ln, &cur, err, size);
			continue;
		}
		if (!cur.group[0]) {
			ok = fail_msg(err, size, "%s:%u: function '%s' before any [group]", path, ln, line);
			break;
		}
		if (!is_ident(line) || strlen(line) >= sizeof(cur.name)) {
			ok = fail_msg(err, size, "%s:%u: bad function name '%s'", path, ln, line);
			break;
		}
		for (i = 0; i < n; i++)
			if (!strcmp(v[i].name, line))
				break;
		if (i < n) {
			ok = fail_msg(err, size, "%s:%u: function '%s' listed twice", path, ln, line);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp) {
				ok = fail_msg(err, size, "out of memory");
				break;
			}
			v = tmp;
		}
		v[n] = cur;
		snprintf(v[n].name, sizeof(v[n].name), "%s", line);
		n++;
	}
	free(copy);
	if (ok && !n)
		ok = fail_msg(err, size, "%s: no functions listed", path);
	if (!ok) {
		free(v);
		return false;
	}
	*fns = v;
	*nr = n;
	return true;
}
