/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP producer for unit tests run by prove.  Every check prints
 * one "ok"/"not ok" line; tap_done() turns the tally into the exit status.
 */
#ifndef SEPTBENCH_TAP_H
#define SEPTBENCH_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_count, tap_failed;

static inline void tap_plan(int n)
{
	/* Unbuffered: a crash must not swallow the lines before it. */
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("1..%d\n", n);
}

static inline __attribute__((format(printf, 2, 3)))
bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

#define tap_is_int(got, want, ...) ({					\
	long long g_ = (got), w_ = (want);				\
	bool r_ = tap_ok(g_ == w_, __VA_ARGS__);			\
	if (!r_)							\
		printf("#   got %lld, want %lld\n", g_, w_);		\
	r_;								\
})

#define tap_is_str(got, want, ...) ({					\
	const char *g_ = (got), *w_ = (want);				\
	bool r_ = tap_ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__);	\
	if (!r_)							\
		printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)",	\
		       w_ ? w_ : "(null)");				\
	r_;								\
})

/*
 * Write @text to /tmp/septbench-<tag>-<pid> (fixture files for readers of
 * sysfs, procfs and configs); returns the path, valid until the next call.
 */
static inline const char *tap_write_tmp(const char *tag, const char *text)
{
	static char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/septbench-%s-%d", tag, (int)getpid());
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	return path;
}

static inline int tap_done(void)
{
	if (tap_failed)
		printf("# %d of %d checks failed\n", tap_failed, tap_count);
	return tap_failed ? 1 : 0;
}

#endif
