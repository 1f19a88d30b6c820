/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TD session for the scenario engine: the TD payload booted on every
 * vCPU, then phases driven by commands (accept and touch, convert,
 * pre-fault, punch), each returning its timings.  Two platforms behind
 * one interface:
 *   - a real TD (td.c + td_run.c + the td-payload image); not run on TDX
 *     hardware so far, only contract-tested against a fake KVM;
 *   - the simulation (SEPTBENCH_TDX_SIM=1): td-shim-payload in a default
 *     VM started in the TD's entry state (td_sim.c).  It runs the same
 *     runtime and commands, but nothing is private and no S-EPT exists:
 *     its figures test the tool, never TDX.
 */
#ifndef SEPTBENCH_TDX_TD_SESSION_H
#define SEPTBENCH_TDX_TD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct lathist;
struct vm;
struct vcpu_result;

struct td_session_config {
	unsigned int nr_vcpus;
	uint64_t mem_size;		/* test memory, a multiple of 4K */
	bool simulated;
	bool punchable;			/* simulation: test memory on a memfd */
	bool convert_free;		/* real TD: conversions free memory (td_config) */
	uint32_t pattern;		/* enum guest_pattern */
	uint32_t write_pct;
	uint64_t stride, seed;
	bool latency;			/* accept-and-touch phases: per-op histograms */
	unsigned int timeout_ms;	/* per phase; 0 = none */
	bool (*should_stop)(void);	/* Ctrl-C: a phase ends with -EINTR */
	/*
	 * Guest phases (run, convert), if set: every vCPU thread exists and
	 * waits at the host's barrier, just before the release that starts
	 * the phase's interval; @tids are their thread ids.  Per-thread
	 * instrumentation starts here.  Not called while booting, nor for
	 * the host-driven phases (prefault, punch).  The barrier is on the
	 * host (a TD's memory is not the host's to spin on), so the interval
	 * holds each vCPU's entry for its first command, which a default
	 * VM's guest-side barrier does not.
	 */
	void (*on_release)(void *ctx, const pid_t *tids, unsigned int nr);
	void *hook_ctx;
};

/* One phase's figures. */
struct td_phase {
	uint64_t wall_ns;		/* barrier release to last DONE/CONVERTED (guest phases) */
	uint64_t ops;			/* pages touched, or pages converted */
	uint64_t accepted;		/* successful accepts reported by the guest */
	uint64_t map_calls;		/* MapGPA calls the guest made */
	uint64_t exits_shared, exits_private, exit_pages;	/* MapGPA exits seen */
	uint64_t implicit_conversions, implicit_pages;	/* KVM_EXIT_MEMORY_FAULTs converted */
	unsigned int nr_vcpus;
	struct vcpu_result *vcpu;	/* per vCPU (guest phases), else NULL; lat with latency */
	unsigned int tsc_khz;		/* the guest TSC rate the histograms convert with; 0: unknown */
};

struct td_session;

/* Build and boot; 0 or -errno with @err set and nothing left open. */
int td_session_create(struct td_session **sp, const struct td_session_config *cfg, char *err,
		      size_t err_size);
/*
 * Every vCPU accepts (if @accept) and touches its slice; with the
 * config's latency each vCPU's result has its histogram (has_lat), sent
 * after the window, checked to count the pages it touched.
 */
int td_session_run(struct td_session *s, bool accept, struct td_phase *ph);
/* Every vCPU MapGPAs its slice (2 MiB units) to shared or back to private. */
int td_session_convert(struct td_session *s, bool to_shared, struct td_phase *ph);
/*
 * KVM_PRE_FAULT_MEMORY over the test memory, 4K per call; each call
 * (retries too) timed into @lat unless it is NULL.
 */
int td_session_prefault(struct td_session *s, struct td_phase *ph, struct lathist *lat);
/* FALLOC_FL_PUNCH_HOLE over the test memory's guest_memfd range. */
int td_session_punch(struct td_session *s, struct td_phase *ph);
/*
 * Test-memory pages the TD has mapped as far as the session's phases
 * went: accepted or pre-faulted, less what conversions to shared and
 * punches removed (each phase covers the whole range).
 */
uint64_t td_session_mapped_pages(const struct td_session *s);
/* The TD's TSC rate in kHz (KVM_GET_TSC_KHZ after INIT_VM); 0 in the simulation. */
unsigned int td_session_tsc_khz(const struct td_session *s);
/* A VM view for the KVM stats helpers (vm_stats_*): fd, vCPUs and their stats only. */
struct vm *td_session_stats_vm(struct td_session *s);
/* The last failure, as one line. */
const char *td_session_error(const struct td_session *s);
void td_session_phase_free(struct td_phase *ph);
void td_session_destroy(struct td_session *s);

#endif
