/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resolve a kernel function name for a kprobe against the text of
 * /proc/kallsyms and tracefs available_filter_functions, saying why when
 * it cannot be probed.  Pure text processing: tests feed fixture text.
 */
#ifndef SEPTBENCH_KSYMS_H
#define SEPTBENCH_KSYMS_H

#include <stdbool.h>
#include <stddef.h>

struct ksym_res {
	bool ok;
	char symbol[128];	/* what to probe: the name, a clone, or mod:name */
	char module[64];	/* "" for vmlinux */
	bool traceable;		/* listed in available_filter_functions */
	char reason[400];	/* why not ok, or a note (compiler clone) */
};

/* @aff may be NULL (tracefs has no available_filter_functions). */
void ksym_resolve(const char *kallsyms, const char *aff, const char *name, struct ksym_res *res);

#endif
