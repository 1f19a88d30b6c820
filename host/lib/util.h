/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the host driver: file reads, numbers, errors. */
#ifndef SEPTBENCH_UTIL_H
#define SEPTBENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SZ_4K (4096ull)
#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)

/* Exit statuses shared by every subcommand. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,		/* bad input: one line on stderr */
	EXIT_UNSUPPORTED = 4,	/* the host cannot run what was asked */
};

extern const char *prog_name;

/* Print "septbench: <msg>" on stderr. */
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Format a one-line error into err; returns false, for "return fail(...)". */
bool fail_msg(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Read a small text file (sysfs, procfs) into buf, strip the trailing
 * newline.  Returns the length, or -errno.
 */
int read_text(const char *path, char *buf, size_t size);

/* Read a whole file into a malloc'ed NUL-terminated buffer; NULL + errno. */
char *read_all(const char *path, size_t *len);

/* The word in [brackets] of a sysfs choice file ("always [madvise] never"). */
int read_choice(const char *path, char *buf, size_t size);

/* Read a sysfs/procfs integer; false when absent or malformed. */
bool read_u64(const char *path, uint64_t *val);

/*
 * Parse a size such as "4096", "64M", "2G" (binary units) into bytes.
 * Returns false on anything malformed or overflowing.
 */
bool parse_size(const char *s, uint64_t *bytes);

/* Parse a whole non-negative decimal number; false on trailing junk. */
bool parse_uint(const char *s, uint64_t max, uint64_t *val);

/*
 * SEPTBENCH_TDX_SIM=1: --vm-type tdx (run, check tdx) runs the simulated
 * TD (host/tdx/td_sim.c) in a default VM.
 */
bool tdx_simulation(void);

/* Strip leading and trailing white space in place; returns the start. */
char *str_trim(char *s);

#endif
