/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the engine: one repetition in the making, the VM backend
 * interface the scenario kinds run on, and the helpers every backend
 * records its phases with (rep.c).  engine.c runs the flow and names no
 * backend: backends.c lists them, each brings its name and its check.
 */
#ifndef SEPTBENCH_BACKEND_H
#define SEPTBENCH_BACKEND_H

#include "run/engine.h"
#include "kvm/vm.h"
#include "lib/util.h"

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

struct attribution;
struct counters;
struct td_session;

#define EAGER_SPLIT_PARAM "/sys/module/kvm/parameters/eager_page_split"
#define REP_MAX_VCPUS 1024

struct rep;

/*
 * A VM backend: what the scenario kinds need from a VM.  run_kind() is one
 * flow for all of them; a backend that cannot do something says so in
 * check(), before any VM exists.  Every phase records its own op count
 * from what was done (guest touches, ioctls, KVM stat deltas).
 */
struct backend_ops {
	const char *name;
	/* Does this backend run VMs of the type @o asks for? */
	bool (*serves)(const struct run_opts *o);
	/* Can this host run @s on it?  ENGINE_OK or ENGINE_UNSUPPORTED with why. */
	enum engine_status (*check)(const struct scenario *s, const struct run_opts *o,
				    const json_t *env, char *why, size_t why_size);
	enum engine_status (*create)(struct rep *r);
	/* The guest walks its memory: the first touch faults (a TD accepts first). */
	enum engine_status (*guest_phase)(struct rep *r, const char *name, enum pattern pattern,
					  unsigned int write_pct);
	enum engine_status (*prefault)(struct rep *r, bool bare);
	enum engine_status (*zap)(struct rep *r, enum zap_cause cause);
	/* 2M mappings in place, then split (NULL: the backend maps 4K only). */
	enum engine_status (*split)(struct rep *r);
	/*
	 * Timed destruction of the VM alone, recorded as phase @name; with
	 * @control, the memory's unmap and a control unmap are recorded too.
	 */
	enum engine_status (*teardown)(struct rep *r, const char *name, bool control);
	/* Untimed host re-population before another fault cycle (NULL: none needed). */
	enum engine_status (*populate)(struct rep *r);
	/* The guest faults while a host thread zaps (NULL: not built here). */
	enum engine_status (*fault_while_zapping)(struct rep *r);
	/* Untimed release of whatever is left (errors, Ctrl-C). */
	void (*release)(struct rep *r);
};

/* The backend for the VM type @o asks for; NULL when none serves it. */
const struct backend_ops *backend_for(const struct run_opts *o);

/* One repetition in the making. */
struct rep {
	const struct scenario *s;
	const struct run_opts *o;
	const struct backend_ops *be;
	unsigned int index;		/* repetition number, from 0 */
	struct vm *vm;			/* default backend */
	struct td_session *td;		/* tdx backend */
	struct vm *stats_vm;		/* the VM whose KVM stats are read; NULL: none */
	json_t *phases;
	json_t *warnings;		/* strings: what KVM did differs from what was meant */
	json_t *derived;		/* figures computed from several phases */
	int64_t mapped;			/* leaf mappings the last mapping phase created */
	uint64_t *snap_before, *snap_after;
	char *why;
	size_t why_size;
	/* Instrumentation of the phase under way. */
	struct counters *ctr;
	struct attribution *attr;	/* the attribution repetition only */
	char (*labels)[16];		/* "driver", "vcpu0" ... */
	pid_t *tids;
	unsigned int nr_labels;
	void *hook_data;		/* a backend's, for the VM's phase hooks */
	/* Host-driven phase: each call's time (one per phase unless timed per call). */
	struct lathist host_lat;
	bool host_lat_per_call;
};

/* Labels and buffers every repetition has; rep_fini() frees them. */
int rep_init(struct rep *r);
void rep_fini(struct rep *r);

/* Failures: Ctrl-C wins, -EOPNOTSUPP is unsupported, the rest an error naming @step. */
enum engine_status rep_fail_kvm(struct rep *r, int err, const char *step);
enum engine_status rep_fail_errno(struct rep *r, const char *step);

/*
 * Instrumentation around a phase: begin (with the tids of the vCPU
 * threads, they are counted too; NULL: the driver only), stop when the
 * phase ends, record into its JSON, or abort.
 */
void rep_instr_begin(struct rep *r, const pid_t *vcpu_tids, unsigned int nr_vcpus);
void rep_instr_stop(struct rep *r);
void rep_instr_record(struct rep *r, json_t *ph);
void rep_instr_abort(struct rep *r);

/*
 * Host op latency: rep_host_lat_begin() before a host phase,
 * rep_host_op() after each call of a phase that makes many (@t0:
 * vm_now_ns() before it), rep_host_lat_end() with the phase's record:
 * a phase without per-call values gets its window (@window_ns) as its
 * one call, and r->host_lat goes into @ph as "latency" (unless
 * --no-latency).
 */
void rep_host_lat_begin(struct rep *r);
void rep_host_op(struct rep *r, uint64_t t0);
void rep_host_lat_end(struct rep *r, json_t *ph, uint64_t window_ns);
/* Is this repetition's latency recorded?  Else no clock reads per call. */
bool rep_latency_on(const struct rep *r);

/* Append a phase record; @res may be NULL for phases without stats. */
json_t *rep_add_phase(struct rep *r, const char *name, uint64_t ns, uint64_t ops,
		      const struct vm_phase_result *res);

/* Note that what KVM did differs from what the scenario meant. */
void rep_warn(struct rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Leaf mappings KVM created (sign +1) or removed (-1) in a phase, from
 * the pages_4k/2m/1g deltas; -1 when the kernel reports none of them.
 * @huge: how many of them were 2M or 1G.
 */
int64_t rep_mappings(const struct vm_phase_result *res, int sign, int64_t *huge);

/*
 * The op count of a phase that maps: the leaf mappings KVM created, with
 * warnings where they disagree with the @touches the guest made or with
 * the scenario's mapping size @page_size.  Falls back to @touches (with a
 * warning) when the kernel has no page stats or mapped nothing.
 */
uint64_t rep_count_mapped(struct rep *r, const char *phase, const struct vm_phase_result *res,
			  uint64_t touches, uint64_t page_size);
/* The op count of a zap: the leaf mappings KVM removed, checked against r->mapped. */
uint64_t rep_count_removed(struct rep *r, const char *phase, const struct vm_phase_result *res);

/* Set a derived figure of this repetition. */
void rep_derive(struct rep *r, const char *key, double value);

enum guest_pattern rep_guest_pattern(enum pattern p);

/*
 * What a backend whose test memory is private (no userspace mapping)
 * cannot run: true with the reason in @why, naming backend @name.
 */
bool private_mem_lacks(const struct scenario *s, const char *name, char *why, size_t why_size);

#endif
