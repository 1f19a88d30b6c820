/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ctrl-C and SIGTERM: the run stops at the next safe point, releases its
 * VMs, memory and tracing state, and marks its results incomplete.
 */
#ifndef SEPTBENCH_INTERRUPT_H
#define SEPTBENCH_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

/* Install the handlers; the signal that arrived is kept for the exit status. */
void interrupt_install(void);

/* True once SIGINT or SIGTERM arrived. */
bool interrupted(void);

/* 128 + the signal number, for the exit status. */
int interrupt_exit_status(void);

#endif
