/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf event names as perf(1) spells them ("cycles", "cycles:G",
 * "dTLB-load-misses", "task-clock", "kvm:kvm_exit", "r01c2") and, for the
 * names perf's own syntax does not know, libpfm4's ("INST_RETIRED.ANY_P",
 * "perf::PERF_COUNT_SW_CPU_CLOCK", "ix86arch::INSTRUCTIONS:u") turned into
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

/* Which encoder turned the name into an attr. */
enum pevent_source {
	PEV_SRC_PERF,		/* perf's own names, tables here */
	PEV_SRC_LIBPFM4,	/* pfm_get_os_event_encoding(PFM_OS_PERF_EVENT_EXT) */
};

struct pevent {
	char name[96];		/* canonical: "cycles:G", "kvm:kvm_exit" */
	enum pevent_kind kind;
	__u32 type;
	__u64 config;
	bool exclude_user, exclude_kernel, exclude_hv;
	bool exclude_guest, exclude_host;
	char tp_system[48], tp_event[64];
	enum pevent_source source;
	/* libpfm4 only: what its encoding sets beyond the above */
	__u64 config1, config2;
	bool exclusive;		/* ":excl=1"; such an event cannot join a group */
	char pfm_fstr[224];	/* libpfm4's fully qualified name, "" if none */
};

/*
 * Parse one name.  perf's syntax first: a hardware, cache or raw event
 * may carry perf's modifiers after ':' (u k h G H); "system:event" is a
 * tracepoint.  A name perf's syntax does not know (or a malformed
 * tracepoint or raw name) is then looked up in libpfm4 (with libpfm4's
 * modifiers, ":u", ":k", ":mg=1" ...; libpfm4 counts host time only
 * unless told ":mg=1").  A libpfm4 name for a PMU this host lacks is
 * unknown.  False with a one-line reason naming the event in @err.
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

/* "perf" or "libpfm4". */
const char *pevent_source_name(enum pevent_source src);

/* Fill @attr for counting @ev on one thread, disabled. */
void pevent_attr(const struct pevent *ev, struct perf_event_attr *attr);

#endif
