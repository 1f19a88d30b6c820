/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracefs state of one septbench process, by name, so that it can be
 * built, removed, and found again after a crash:
 *
 *   instances/septbench-<pid>          our instance: every trigger lives here
 *   septbench_<pid>/e_<i>, r_<i>        kprobe / kretprobe events (global)
 *   synthetic/septbench_<pid>_<i>       the latency event of function i (global)
 *
 * Dynamic and synthetic events are global in the kernel (not per
 * instance), hence the pid in their names.  The command strings are
 * built here, by pure functions the unit tests check.
 */
#ifndef SEPTBENCH_TRACEFS_H
#define SEPTBENCH_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

void tfs_kprobe_cmd(char *buf, size_t size, pid_t pid, unsigned int i, const char *symbol,
		    bool ret);
void tfs_synth_cmd(char *buf, size_t size, pid_t pid, unsigned int i);
/* Entry: remember the timestamp per thread. */
void tfs_entry_trigger(char *buf, size_t size);
/* Return: latency since the entry of the same thread, fed to the synthetic event. */
void tfs_return_trigger(char *buf, size_t size, pid_t pid, unsigned int i);
/* The synthetic event: its log2 histogram. */
void tfs_synth_trigger(char *buf, size_t size);
/* "<tracefs>/instances/septbench-<pid>" */
void tfs_instance_dir(char *buf, size_t size, const char *tracefs, pid_t pid);
/* Path of an event's file inside our instance ("trigger", "hist"). */
void tfs_event_file(char *buf, size_t size, const char *tracefs, pid_t pid, unsigned int i,
		    char kind, const char *file);

/* Append @text to @path (one write); 0 or -errno. */
int tfs_write(const char *path, const char *text);

/*
 * The pid in a name of ours ("septbench-123", "septbench_123/e_0",
 * "synthetic/septbench_123_4"), or 0.
 */
pid_t tfs_owner_pid(const char *name);

/*
 * Remove everything pid @pid created, in the order the kernel accepts:
 * triggers (synthetic, return, entry), the instance, then the dynamic
 * events.  Returns how many items were removed, or -errno of the first
 * failure while still trying the rest.
 */
int tfs_remove_pid(const char *tracefs, pid_t pid);

/*
 * Remove the state of septbench processes that no longer exist.  Calls
 * @report(pid) for each one found.  Returns the number of pids cleaned.
 */
int tfs_remove_stale(const char *tracefs, void (*report)(pid_t pid, int err));

#endif
