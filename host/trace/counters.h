/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf counters around one phase, in counting mode (perf_event_open, no
 * sampling, no ring buffer), on the driver thread and every vCPU thread.
 * An event the host cannot count is recorded as unsupported with its
 * errno, never as zero, and never fails the run.
 */
#ifndef SEPTBENCH_COUNTERS_H
#define SEPTBENCH_COUNTERS_H

#include "trace/pevent.h"

#include <jansson.h>
#include <sys/types.h>

/* The events of a run, resolved once. */
struct counter_events {
	struct pevent *ev;
	int *err;		/* 0, or -errno once known not countable here */
	int nr;
};

/*
 * The default set (unless !defaults) followed by @extra, of one class:
 * with @tracepoints the tracepoints only (the KVM ones by default), else
 * everything else (hardware with host/guest splits, software).  They are
 * counted apart: a tracepoint hit costs about a microsecond under TCG,
 * far more than 1% of a fault, while a hardware or software counter
 * costs next to nothing.  Tracepoints are looked up under @tracefs; a
 * missing one stays in the set, unsupported.
 */
int counter_events_init(struct counter_events *ce, bool defaults, bool tracepoints,
			const struct pevent *extra, int nr_extra, const char *tracefs);
void counter_events_free(struct counter_events *ce);

struct counters;

/*
 * Open every event, disabled, on each of @nr threads (@labels name them):
 * per thread one group per class (hardware, software, tracepoints), an
 * event that cannot join its group alone; see counters.c.
 */
struct counters *counters_open(struct counter_events *ce, const pid_t *tids,
			       const char *const *labels, unsigned int nr);
void counters_enable(struct counters *c);
void counters_disable(struct counters *c);
/*
 * Read (one read() per group) and close.  Adds "counters" (hardware,
 * software, raw) and "tracepoints" objects to @phase: per event the raw
 * sum over threads and the per-thread values, "source" (the encoder),
 * "grouped", and when multiplexed "multiplexed", "running_fraction",
 * "value_scaled"; or {"unsupported": true, "errno", "error", "source"}.
 * And "counter_groups": per thread the groups opened, their events, time
 * enabled and running (ns), whether multiplexed.
 */
void counters_finish(struct counters *c, json_t *phase);
/* Close without recording (the phase failed). */
void counters_close(struct counters *c);

#endif
