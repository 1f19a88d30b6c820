/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host knobs a scenario changes for its duration (sysfs module parameters,
 * procfs).  Every change is undone by knob_restore_all(), which also runs
 * at exit, so an interrupted run leaves the host as it found it.
 */
#ifndef SEPTBENCH_KNOB_H
#define SEPTBENCH_KNOB_H

/* Write @value to @path, keeping the old value; 0 or -errno. */
int knob_set(const char *path, const char *value);

/* Put back every knob changed since the last restore, newest first. */
void knob_restore_all(void);

#endif
