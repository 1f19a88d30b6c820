/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the engine: one repetition in the making, the VM backend
 * interface the scenario kinds run on, and the helpers every backend
 * records its phases with.  engine.c runs the flow; backend_default.c
 * (KVM_X86_DEFAULT_VM and friends, host/kvm) and backend_tdx.c (a TD,
 * host/tdx) implement it.
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

struct rep;

/*
 * A VM backend: what the scenario kinds need from a VM.  run_kind() is one
 * flow for all of them; a backend that cannot do something says so in
 * engine_check(), before any VM exists.
 */
struct backend_ops {
	enum engine_status (*create)(struct rep *r);
	/* The guest walks its memory: the first touch faults (a TD accepts first). */
	enum engine_status (*guest_phase)(struct rep *r, const char *name, enum pattern pattern,
					  unsigned int write_pct);
	enum engine_status (*prefault)(struct rep *r, bool bare);
	enum engine_status (*zap)(struct rep *r, enum zap_cause cause, uint64_t pages);
	/* 2M mappings in place, then split (NULL: the backend maps 4K only). */
	enum engine_status (*split)(struct rep *r);
	/* Timed destruction, recorded as phase @name. */
	enum engine_status (*teardown)(struct rep *r, const char *name, uint64_t ops);
	/* Untimed release of whatever is left (errors, Ctrl-C). */
	void (*release)(struct rep *r);
};

/* One repetition in the making. */
struct rep {
	const struct scenario *s;
	const struct run_opts *o;
	const struct backend_ops *be;
	struct vm *vm;			/* default backend */
	struct td_session *td;		/* tdx backend */
	struct vm *svm;			/* where KVM stats are read; NULL: none */
	json_t *phases;
	uint64_t *snap_before, *snap_after;
	char *why;
	size_t why_size;
	/* Instrumentation of the phase under way. */
	struct counters *ctr;
	struct attribution *attr;	/* the attribution repetition only */
	char (*labels)[16];		/* "driver", "vcpu0" ... */
	pid_t *tids;
};

extern const struct backend_ops default_backend;
extern const struct backend_ops tdx_backend;

/* What the tdx backend can run; ENGINE_UNSUPPORTED with the reason. */
enum engine_status tdx_check(const struct scenario *s, char *why, size_t why_size);

/* Failures: Ctrl-C wins, -EOPNOTSUPP is unsupported, the rest an error naming @step. */
enum engine_status rep_fail_kvm(struct rep *r, int err, const char *step);
enum engine_status rep_fail_errno(struct rep *r, const char *step);

/*
 * Instrumentation around a phase: begin (with @vm, its vCPU threads are
 * counted too), stop when the phase ends, record into its JSON, or abort.
 */
void rep_instr_begin(struct rep *r, const struct vm *vm);
void rep_instr_stop(struct rep *r);
void rep_instr_record(struct rep *r, json_t *ph);
void rep_instr_abort(struct rep *r);

/* Append a phase record; @res may be NULL for phases without stats. */
json_t *rep_add_phase(struct rep *r, const char *name, uint64_t ns, uint64_t ops,
		      const struct vm_phase_result *res);

enum guest_pattern rep_guest_pattern(enum pattern p);

#endif
