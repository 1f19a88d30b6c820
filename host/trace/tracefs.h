/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracefs state of one septbench process, by name, so that it can be
 * built, removed, and found again after a crash:
 *
 *   instances/septbench-<pid>          our instance
 *   septbench_<pid>/e_<i>, r_<i>        kprobe / kretprobe events (global)
 *   synthetic/septbench_<pid>_<i>       the latency event of function i (global)
 *
 * Dynamic and synthetic events are global in the kernel (not per
 * instance), hence the pid in their names.  libtracefs creates and
 * removes all of it (attribute.c); this file names it, and removes by
 * name what a process left behind, through libtracefs too.
 *
 * The tfs_*_cmd and tfs_*_trigger functions give the kernel's command
 * forms of those objects as they read back from tracefs (libtracefs
 * writes the real ones; its variable names differ): the unit tests and
 * the killed-run simulation of tests/integration/vm/counters-checks.sh
 * use these forms.
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
/* Path of an event's file inside our instance ("trigger", "hist"). */
void tfs_event_file(char *buf, size_t size, const char *tracefs, pid_t pid, unsigned int i,
		    char kind, const char *file);

/* Names: "septbench-<pid>", "septbench_<pid>", "e_<i>"/"r_<i>", "septbench_<pid>_<i>". */
void tfs_instance_name(char *buf, size_t size, pid_t pid);
void tfs_group(char *buf, size_t size, pid_t pid);
void tfs_probe_name(char *buf, size_t size, unsigned int i, bool ret);
void tfs_synth_name(char *buf, size_t size, pid_t pid, unsigned int i);

/* Point libtracefs at @tracefs (a mount, or a test's directory); 0 or -errno. */
int tfs_use_dir(const char *tracefs);

/*
 * The pid in a name of ours ("septbench-123", "septbench_123/e_0",
 * "synthetic/septbench_123_4"), or 0.
 */
pid_t tfs_owner_pid(const char *name);

/*
 * Remove everything pid @pid created, in the order the kernel accepts:
 * triggers (synthetic, return, entry; in our instance and in the top
 * one), the instance, then the synthetic and the kprobe events.
 * Returns how many items were removed, or -errno of the first failure
 * while still trying the rest.
 */
int tfs_remove_pid(const char *tracefs, pid_t pid);

/*
 * Remove the state of septbench processes that no longer exist.  Calls
 * @report(pid) for each one found.  Returns the number of pids cleaned.
 */
int tfs_remove_stale(const char *tracefs, void (*report)(pid_t pid, int err));

#endif
