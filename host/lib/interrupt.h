/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ctrl-C, SIGTERM and SIGHUP (a closed terminal or ssh session): the run
 * stops at the next safe point, releases its VMs, memory and tracing
 * state, restores the knobs it changed, and marks its results incomplete.
 */
#ifndef SEPTBENCH_INTERRUPT_H
#define SEPTBENCH_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

/*
 * Install the handlers; the signal that arrived is kept for the exit
 * status.  A SIGHUP ignored on entry (nohup) is left ignored.
 */
void interrupt_install(void);

/* True once SIGINT, SIGTERM or SIGHUP arrived. */
bool interrupted(void);

/* 128 + the signal number, for the exit status. */
int interrupt_exit_status(void);

#endif
