// SPDX-License-Identifier: GPL-2.0
/* HTML escaping, SVG inlining, pages written whole: see html.h. */
#include "report/html.h"
#include "lib/fileio.h"
#include "lib/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void html_escf(FILE *f, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n >= 0)
		html_esc(f, s);
	free(s);
}

/* Does @p start with @word? */
static bool at(const char *p, const char *word)
{
	return !strncmp(p, word, strlen(word));
}

int html_svg_inline(FILE *f, const char *path, const char *prefix)
{
	static const char *const refs[] = { "id='", "id=\"", "href='#", "href=\"#", "url(#" };
	size_t len, i;
	char *text = read_all(path, &len), *p, *end;

	if (!text)
		return -errno;
	p = strstr(text, "<svg");
	if (!p) {
		free(text);
		return -EINVAL;
	}
	end = text + len;
	while (p < end) {
		/* A plot needs no script: gnuplot's mouse code stays out. */
		if (at(p, "<script")) {
			char *close = strstr(p, "</script>");

			p = close ? close + strlen("</script>") : end;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(refs); i++)
			if (at(p, refs[i]))
				break;
		if (i < ARRAY_SIZE(refs)) {
			fputs(refs[i], f);
			fputs(prefix, f);
			p += strlen(refs[i]);
			continue;
		}
		fputc(*p++, f);
	}
	free(text);
	return 0;
}

int html_page_open(struct html_page *p)
{
	p->buf = NULL;
	p->len = 0;
	p->f = open_memstream(&p->buf, &p->len);
	return p->f ? 0 : -errno;
}

int html_page_commit(struct html_page *p, const char *path)
{
	int err = 0;

	if (fclose(p->f))
		err = -errno;
	if (!err && path)
		err = file_write_atomic(path, p->buf, p->len);
	free(p->buf);
	p->buf = NULL;
	return err;
}
