/* SPDX-License-Identifier: GPL-2.0 */
/*
 * td_sim: run the TD payload's shim build (td-shim-payload) in a default
 * KVM VM that starts where a TD starts (32-bit protected mode, paging
 * off, RIP at the reset vector, the TDX module's entry registers), with
 * the TD's memory layout (guest/td/td_abi.h).  The host answers the
 * shim's TDCALLs the way the TDX module and KVM would, and logs them.
 *
 * Not a TDX backend: no S-EPT, nothing private.  It checks the payload's
 * boot code and its accept/convert control flow.
 */
#ifndef SEPTBENCH_TD_SIM_H
#define SEPTBENCH_TD_SIM_H

#include "../../guest/abi.h"
#include "../../guest/td/td_abi.h"
#include "../../host/kvm/vm.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define TD_SIM_OPERAND_INVALID	0xC000010000000000ull	/* TDX_OPERAND_INVALID */
#define TD_SIM_ALIGN_ERROR	0x8000000000000002ull	/* TDVMCALL ALIGN_ERROR */
#define TD_SIM_SUBFUNC_UNSUPPORTED 0x8000000000000003ull
#define TD_SIM_MAP_GPA_MAX	(2ull << 20)		/* KVM: one exit per 2 MiB */

enum td_ev_type {
	TD_EV_ACCEPT,		/* a: GPA, level, status answered */
	TD_EV_MAP_GPA,		/* the guest's call. a: R12, R13, R10 answered, R11 answered */
	TD_EV_MAP_EXIT,		/* what KVM would exit with. a: GPA (no shared bit), pages,
				 * KVM_MAP_GPA_RANGE_{EN,DE}CRYPTED, ret */
	TD_EV_FATAL,		/* ReportFatalError. a: R12 */
};

struct td_event {
	enum td_ev_type type;
	unsigned int vcpu;
	uint64_t a[4];
};

struct td_sim_vcpu {
	struct td_sim *sim;
	unsigned int idx;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	/* What the host answers to the guest's INs on TD_CMD_PORT. */
	const uint32_t *script;
	unsigned int script_len, script_pos;
	/* TD ucall arguments gathered from TD_UCALL_ARG_PORT. */
	uint32_t argw[2 * TD_UCALL_MAX_ARGS];
	unsigned int nr_argw;
	/* Results. */
	bool booted;
	uint64_t boot[4];		/* CR0, CR4, EFER, GPAW << 32 | index */
	unsigned int nr_start, nr_done, nr_converted, nr_exit, nr_progress;
	uint64_t done[TD_DONE_NR];	/* the last DONE */
	uint64_t converted[4][4];	/* the CONVERTED ucalls, first four */
	bool errored;
	uint64_t error[4];		/* UCALL_ERROR or UCALL_EXCEPTION arguments */
	uint32_t error_nr;
	bool fatal;
	uint64_t fatal_code;
	char fail[256];			/* a host-side failure: unexpected exit etc. */
};

struct td_sim_config {
	unsigned int nr_vcpus;
	unsigned int gpaw;		/* RBX at entry */
	uint64_t rcx;			/* INIT_VCPU data; 0: TD_PARAMS_GPA */
	const void *image;		/* TD_IMAGE_SIZE bytes */
	uint64_t image_size;
	struct td_params params;	/* copied to TD_PARAMS_GPA */
	bool efer_lme;			/* enter with EFER.LME set, as a TD (not under TCG) */
};

struct td_sim {
	int kvm_fd, vm_fd;
	size_t run_size;
	struct kvm_cpuid2 *cpuid;
	struct guest_mem sys, mem;	/* [td_sys_gpa(n), 4 GiB) and test memory */
	uint64_t sys_gpa, mem_gpa, mem_size;
	uint64_t shared_bit;
	unsigned int nr_vcpus;
	struct td_sim_vcpu *vcpus;
	uint8_t *accepted;		/* per 4K page of test memory, as the TDX module tracks */

	/* Policies; NULL answers success. */
	uint64_t (*accept_status)(struct td_sim *s, unsigned int vcpu, uint64_t gpa,
				  unsigned int level);
	/* KVM_EXIT_HYPERCALL's ret for one MapGPA chunk: 0, -EAGAIN or -EINVAL. */
	int64_t (*map_gpa_ret)(struct td_sim *s, unsigned int vcpu, uint64_t gpa,
			       uint64_t pages, uint64_t attrs);
	void *ctx;

	pthread_mutex_t lock;
	struct td_event *ev;
	size_t nr_ev, cap_ev;
	volatile int stop;
};

/* Create the VM, load the image and params, set up vCPUs in the TD entry state. */
int td_sim_create(struct td_sim *s, const struct td_sim_config *cfg);
void td_sim_destroy(struct td_sim *s);
/*
 * Run every vCPU on its own thread until its script is used up (it then
 * sits in its next IN), it reports a fatal error, or @timeout_ms passes.
 * 0, or -ETIMEDOUT.
 */
int td_sim_run(struct td_sim *s, unsigned int timeout_ms);
/* Host view of a GPA in either slot, or NULL. */
void *td_sim_hva(struct td_sim *s, uint64_t gpa, uint64_t len);

#endif
