/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TD runtime: one thread per vCPU running KVM_RUN, answering the
 * payload's command INs from a per-vCPU script, decoding its ucalls, and
 * handling what a TD exits with: KVM_EXIT_HYPERCALL for MapGPA (answered
 * by td_handle_map_gpa) and KVM_EXIT_SYSTEM_EVENT for ReportFatalError.
 * In the simulation (td_sim.c) the shim payload's TDCALLs arrive on
 * TD_SHIM_PORT instead and go to a callback.
 *
 * A vCPU whose script is used up stays parked in its IN; the next
 * td_rt_run() answers that IN with the next script's first word, so a
 * session is a sequence of runs, one per phase.  Each run's threads are
 * created and wait at a gate first; on_release is called when all of them
 * wait there, then the gate opens (t_release) and the first command is
 * answered: thread creation is never in a phase's interval.
 *
 * KVM_RUN goes through struct kvm_io: the exit handling is contract-tested
 * against a fake (tests/unit/test_tdx_contract.c).  Not run on TDX hardware.
 */
#ifndef SEPTBENCH_TDX_TD_RUN_H
#define SEPTBENCH_TDX_TD_RUN_H

#include "tdx/kvm_io.h"
#include "tdx/td_lathist.h"
#include "tdx/td_ucall.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct kvm_run;
struct td;
struct td_rt;

struct td_rt_vcpu {
	struct td_rt *rt;
	unsigned int idx;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	pid_t tid;
	/* What the host answers to the guest's INs on TD_CMD_PORT. */
	const uint32_t *script;
	unsigned int script_len, script_pos;
	bool parked;			/* in an IN on TD_CMD_PORT, unanswered */
	/*
	 * The script's RUN asks for latency (TD_RUN_LATENCY): the owner sets
	 * it with the script.  Then every DONE must come after a complete,
	 * consistent LATHIST report counting its pages (has_lat, @lat.h),
	 * else the vCPU fails; without it a LATHIST ucall fails the vCPU.
	 */
	bool want_lat;
	struct td_ucall_args args;
	/* Results. */
	bool booted;
	uint64_t boot[4];		/* CR0, CR4, EFER, GPAW << 32 | index */
	unsigned int nr_start, nr_done, nr_converted, nr_exit, nr_progress, nr_lathist;
	uint64_t done[TD_DONE_NR];	/* the last DONE */
	bool has_lat;			/* the last DONE came with its histogram in @lat */
	struct td_lat_rx lat;
	uint64_t converted[4][4];	/* the CONVERTED ucalls, first four */
	uint64_t last_converted[4];	/* GPA, size, to_shared, MapGPA calls */
	uint64_t t_cmd, t_start, t_done, t_converted;	/* CLOCK_MONOTONIC_RAW ns */
	bool errored;
	uint64_t error[4];		/* UCALL_ERROR or UCALL_EXCEPTION arguments */
	uint32_t error_nr;
	bool fatal;
	uint64_t fatal_code;
	char fail[256];			/* a host-side failure: unexpected exit etc. */
};

struct td_rt {
	struct kvm_io *io;
	unsigned int nr_vcpus;
	struct td_rt_vcpu *vcpus;
	/* A real TD: MapGPA exits go to td_handle_map_gpa. */
	struct td *td;
	/* The simulation: one shim TDCALL; false ends the vCPU's run. */
	bool (*shim)(struct td_rt *rt, struct td_rt_vcpu *v, uint32_t leaf);
	void *shim_ctx;
	/* MapGPA exits seen, per direction (KVM_MAP_GPA_RANGE_{DE,EN}CRYPTED). */
	uint64_t map_exits_shared, map_exits_private, map_pages;
	/* KVM_EXIT_MEMORY_FAULTs answered by an implicit conversion, and their pages. */
	uint64_t implicit_conversions, implicit_pages;
	/* Asked while a run waits; true kicks the vCPUs out (-EINTR). */
	bool (*should_stop)(void);
	volatile int stop;
	/*
	 * Called on the thread running td_rt_run, if set, when every vCPU
	 * thread of the run exists (vcpus[i].tid valid for each started one)
	 * and waits at the gate, before any command is answered: per-thread
	 * instrumentation starts here, as vm->on_release does (kvm/vm.h).
	 */
	void (*on_release)(struct td_rt *rt);
	void *hook_ctx;
	uint64_t t_release;		/* the last run's gate opening, CLOCK_MONOTONIC_RAW ns */
	/* The gate (td_run.c). */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int nr_waiting;
	bool gate;
};

int td_rt_init(struct td_rt *rt, struct kvm_io *io, unsigned int nr_vcpus, const int *fds,
	       struct kvm_run *const *runs);
void td_rt_free(struct td_rt *rt);
/* Mark vCPU @v failed with a one-line reason (the runtime and the simulation). */
void td_rt_fail(struct td_rt_vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Give vCPU @vcpu its commands for the next run (@w must outlive it);
 * forgets the last histogram (set want_lat after this).
 */
void td_rt_script(struct td_rt *rt, unsigned int vcpu, const uint32_t *w, unsigned int n);
/*
 * Run every vCPU on its own thread until its script is used up (it then
 * parks in its next IN), it reports a fatal error or fails, @timeout_ms
 * passes (0: no limit) or should_stop says so.  0, -ETIMEDOUT, -EINTR or
 * -EAGAIN (a thread could not be created: the others stop at the gate,
 * on_release is not called).
 */
int td_rt_run(struct td_rt *rt, unsigned int timeout_ms);
/* Handle the exit in v->run; false when the vCPU stops.  For the contract tests. */
bool td_rt_exit(struct td_rt_vcpu *v);
/* The first vCPU failure as one line, or NULL when none failed. */
const char *td_rt_failure(struct td_rt *rt, char *buf, size_t size);
/* The MapGPA exit count, both directions; the simulation adds its own. */
void td_rt_count_map_exit(struct td_rt *rt, uint64_t pages, bool to_private);

#endif
