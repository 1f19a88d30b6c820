/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Results folders and files.  Every file is written to a temporary name
 * and renamed, so an interrupted run never leaves a half-written file that
 * looks whole.  Knows JSON and files, nothing of KVM.
 */
#ifndef SEPTBENCH_RESULTS_H
#define SEPTBENCH_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define RESULTS_SCHEMA "septbench/1"

/* Write @obj as JSON to @path atomically; 0 or -errno. */
int json_write_atomic(const char *path, const json_t *obj);

/*
 * "<kernel release>-<UTC yyyymmddThhmmssZ>[-<label>]".  Labels are limited
 * to [A-Za-z0-9._+-] so a run id is always a plain file name.
 */
bool run_id_make(char *buf, size_t size, const char *release, const char *label);
bool label_valid(const char *label);

/* Current UTC time as ISO 8601 ("2026-11-27T08:04:34Z"). */
void utc_now(char *buf, size_t size);

#endif
