/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench/hooks.conf: the kernel functions the attribution pass probes,
 * grouped.  "[group]" or "[group variant]" opens a group (variant: the
 * hook layout it belongs to, before or after; none means any kernel);
 * then one function name per line; '#' starts a comment.
 */
#ifndef SEPTBENCH_HOOKS_CONF_H
#define SEPTBENCH_HOOKS_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct hook_fn {
	char name[64];
	char group[32];
	char variant[16];	/* "" for any */
};

/* Parse @text (@path names it in errors); *fns is malloc'ed. */
bool hooks_conf_parse(const char *text, const char *path, struct hook_fn **fns, size_t *nr,
		      char *err, size_t size);

#endif
