/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run ids and time stamps of results folders.  Knows nothing of KVM.
 */
#ifndef SEPTBENCH_RESULTS_H
#define SEPTBENCH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * "<kernel release>-<build id>-<UTC yyyymmddThhmmssZ>[-<label>]", the
 * build id cut to its first RUN_ID_BUILD_ID_LEN hex digits so two builds
 * of one release never share an id; without a build id (NULL) the old
 * "<release>-<stamp>[-<label>]".  Labels are limited to [A-Za-z0-9._+-]
 * so a run id is always a plain file name.  False on a bad label or
 * build id (not lower-case hex) or a short buffer.
 */
#define RUN_ID_BUILD_ID_LEN 8
bool run_id_make(char *buf, size_t size, const char *release, const char *build_id,
		 const char *label);
bool label_valid(const char *label);

/* Current UTC time as ISO 8601 ("2026-11-27T08:04:34Z"). */
void utc_now(char *buf, size_t size);

#endif
