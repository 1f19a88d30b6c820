/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hook attribution pass: call counts and log2 latency histograms of
 * the kernel functions in bench/hooks.conf, from kprobe/kretprobe events
 * paired by hist triggers into one synthetic latency event per function,
 * all triggers in a tracefs instance of our own (see tracefs.h for the
 * names).  Everything is removed again by attribution_teardown(), and at
 * exit as a safety net.
 */
#ifndef SEPTBENCH_ATTRIBUTE_H
#define SEPTBENCH_ATTRIBUTE_H

#include <jansson.h>
#include <stddef.h>

struct attribution;

/*
 * Resolve the functions of @hooks_conf on this kernel and install the
 * probes.  0; -EOPNOTSUPP when the kernel's tracing cannot do it (no
 * kprobe events, hist triggers, nothing resolvable); another -errno on
 * failure.  @variant: the running hook layout (before/after/...), used
 * to explain functions that belong to the other one.
 */
int attribution_setup(struct attribution **ap, const char *tracefs, const char *hooks_conf,
		      const char *variant, char *why, size_t size);
/* Snapshot the histograms: the start of a phase. */
void attribution_phase_begin(struct attribution *a);
/* Read them again; add "hooks" (per function, the phase's share) to @phase. */
void attribution_phase_end(struct attribution *a, json_t *phase);
/*
 * "instance", "clock", "pair_triggers" (where the entry and return triggers
 * are: "instance", or "top" before libtracefs 1.7), "functions" (resolved),
 * "missing" (with reasons).
 */
json_t *attribution_describe(const struct attribution *a);
/* Remove every probe, trigger, event and the instance; free. */
void attribution_teardown(struct attribution *a);

#endif
