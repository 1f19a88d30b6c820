/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing HTML: escaping and inlining SVG, and nothing else.  Every text
 * that comes from a file goes through html_esc(); what is written
 * unescaped is the caller's own markup.
 */
#ifndef SEPTBENCH_HTML_H
#define SEPTBENCH_HTML_H

#include <stdio.h>

/* @s escaped for element text and quoted attribute values. */
void html_esc(FILE *f, const char *s);
/* printf, then escaped as html_esc() does. */
void html_escf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * The SVG file @path inline: its <svg> element and what it holds (no XML
 * declaration or DOCTYPE), every id and in-document reference prefixed
 * with @prefix so that several plots in one page keep their ids apart,
 * and no scripts.  0, or -errno when it cannot be read or holds no <svg.
 */
int html_svg_inline(FILE *f, const char *path, const char *prefix);

/* An open_memstream() page, written to @path in one piece (temp, rename). */
struct html_page {
	FILE *f;
	char *buf;
	size_t len;
};

int html_page_open(struct html_page *p);
/* Close and write to @path atomically (even when @path is NULL: only freed); 0 or -errno. */
int html_page_commit(struct html_page *p, const char *path);

#endif
