// SPDX-License-Identifier: GPL-2.0
/* The check's lines: printed as they come and kept for the bundle. */
#include "check/check.h"

#include <stdarg.h>
#include <stdlib.h>

static const char *const result_word[] = {
	[CHECK_OK] = "ok",
	[CHECK_FAILED] = "FAILED",
	[CHECK_SKIPPED] = "skipped",
};

int check_out_init(struct check_out *c, FILE *tty)
{
	*c = (struct check_out){ .tty = tty };
	c->mem = open_memstream(&c->text, &c->len);
	return c->mem ? 0 : -1;
}

static void emit(struct check_out *c, const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	if (c->tty) {
		vfprintf(c->tty, fmt, ap);
		fputc('\n', c->tty);
		fflush(c->tty);
	}
	vfprintf(c->mem, fmt, aq);
	fputc('\n', c->mem);
	va_end(aq);
}

static void emitf(struct check_out *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(c, fmt, ap);
	va_end(ap);
}

void check_line(struct check_out *c, enum check_result r, const char *name, const char *fmt, ...)
{
	char evidence[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(evidence, sizeof(evidence), fmt, ap);
	va_end(ap);
	c->nr[r]++;
	emitf(c, "%-8s %s: %s", result_word[r], name, evidence);
}

void check_note(struct check_out *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(c, fmt, ap);
	va_end(ap);
}

const char *check_out_text(struct check_out *c, size_t *len)
{
	fflush(c->mem);
	*len = c->len;
	return c->text ? c->text : "";
}

void check_out_fini(struct check_out *c)
{
	if (c->mem)
		fclose(c->mem);
	free(c->text);
	c->mem = NULL;
	c->text = NULL;
}
