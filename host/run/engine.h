/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scenario engine: runs one scenario's repetitions on a VM backend and
 * fills the scenario's JSON (results/README.md, schema septbench/1).
 */
#ifndef SEPTBENCH_ENGINE_H
#define SEPTBENCH_ENGINE_H

#include "trace/counters.h"
#include "run/placement.h"
#include "run/scenario.h"
#include "run/sept_emu.h"

#include <jansson.h>
#include <stddef.h>

enum engine_status {
	ENGINE_OK,
	ENGINE_UNSUPPORTED,	/* the host cannot run it: why says so */
	ENGINE_INTERRUPTED,	/* Ctrl-C / SIGTERM */
	ENGINE_ERROR,		/* a real failure: why names the step */
};

struct run_opts {
	unsigned int vm_type;		/* resolved KVM_X86_*_VM */
	const char *vm_type_name;
	bool tdx_simulated;		/* tdx: the shim payload in a default VM (SEPTBENCH_TDX_SIM) */
	struct placement place;
	bool progress;			/* a progress line on stderr */
	unsigned int timeout_ms;	/* per guest phase; 0 = none */
	struct counter_events *events;	/* perf counters per phase; NULL: none */
	struct counter_events *tp_events; /* tracepoints, counted in a pass of their own */
	bool attribute;			/* the hook attribution pass, for every scenario */
	bool latency;			/* per-op latency histograms (off: --no-latency) */
	const char *tracefs;		/* mount point, "" when not mounted */
	const char *hooks_conf;		/* bench/hooks.conf */
	const char *hook_variant;	/* before, after, none, unknown */
	bool anywhere;			/* checks only: a host that has everything (list) */
	struct sept_emu_opts sept_emu;	/* sept-emu: knobs set for the run */
};

/*
 * Can this host run @s at all?  Answers before any VM is made, from the
 * env report (VM type caps, hugetlb pools, kernel maps private memory at
 * 4K only ...).  ENGINE_OK or ENGINE_UNSUPPORTED with the reason.
 */
enum engine_status engine_check(const struct scenario *s, const struct run_opts *o,
				const json_t *env, char *why, size_t why_size);

/*
 * The VM types @s runs on where the host offers them all, as "default,tdx"
 * in @buf (runs_on.c; `septbench list`).  Returns how many.
 */
size_t scenario_vm_types(const struct scenario *s, char *buf, size_t size);

/*
 * One scenario of a run.  The run schedules its repetitions (interleaved
 * with the other scenarios' by default, see schedule.h): begin once, one
 * engine_rep() per repetition, finish once.  @out is the scenario's JSON:
 * "timed_phase", "unit", "reps" (one object per repetition: "rep",
 * "phases", and where there are any "warnings" and "derived"), after
 * finish the extra passes ("tracepoint_pass", "attribution") and
 * "warnings", every distinct warning of its repetitions.
 */
struct engine_job {
	const struct scenario *s;
	json_t *out;
	enum engine_status st;		/* ENGINE_OK until a repetition fails */
	char why[512];
	unsigned int reps_done;
	json_t *warn_counts;		/* warning text -> repetitions it came up in */
};

void engine_begin(struct engine_job *j, const struct scenario *s, json_t *out);
/* Repetition @index of @j; a failure sets j->st and j->why. */
enum engine_status engine_rep(struct engine_job *j, const struct run_opts *o, unsigned int index);
/* The extra repetitions, then the warnings; frees what begin made. */
enum engine_status engine_finish(struct engine_job *j, const struct run_opts *o);

#endif
