/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf event names as perf(1) spells them ("cycles", "cycles:G",
 * "dTLB-load-misses", "task-clock", "kvm:kvm_exit", "r01c2") turned into
 * perf_event_attr fields.  Parsing only: opening and reading is counters.c.
 */
#ifndef SEPTBENCH_PEVENT_H
#define SEPTBENCH_PEVENT_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>

enum pevent_kind {
	PEV_HARDWARE,		/* incl. the generic cache events */
	PEV_SOFTWARE,
	PEV_TRACEPOINT,		/* config is the tracefs id, read at open */
	PEV_RAW,
};

struct pevent {
	char name[96];		/* canonical: "cycles:G", "kvm:kvm_exit" */
	enum pevent_kind kind;
	__u32 type;
	__u64 config;
	bool exclude_user, exclude_kernel, exclude_hv;
	bool exclude_guest, exclude_host;
	char tp_system[48], tp_event[64];
};

/*
 * Parse one name.  A hardware, cache or raw event may carry perf's
 * modifiers after ':' (u k h G H); anything else with a ':' is a
 * tracepoint "system:event".  False with a one-line reason in @err.
 */
bool pevent_parse(const char *name, struct pevent *ev, char *err, size_t size);

/*
 * Split a comma-separated list and parse each name into @evs (at most
 * @max).  Returns the count, or -1 with the reason in @err.
 */
int pevent_parse_list(const char *list, struct pevent *evs, int max, char *err, size_t size);

/*
 * Does tracepoint @ev exist under tracefs mount @tracefs?  Reads its id
 * into ev->config; 0 or -errno (-ENOENT: no such event here).
 */
int pevent_tp_resolve(struct pevent *ev, const char *tracefs);

/* Fill @attr for counting @ev on one thread, disabled. */
void pevent_attr(const struct pevent *ev, struct perf_event_attr *attr);

#endif
