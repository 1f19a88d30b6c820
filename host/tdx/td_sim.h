/* SPDX-License-Identifier: GPL-2.0 */
/*
 * td_sim: run the TD payload's shim build (td-shim-payload) in a default
 * KVM VM that starts where a TD starts (32-bit protected mode, paging
 * off, RIP at the reset vector, the TDX module's entry registers), with
 * the TD's memory layout (guest/td/td_abi.h).  The host answers the
 * shim's TDCALLs the way the TDX module and KVM would, and logs them.
 * The vCPUs run on the TD runtime (td_run.c), as a real TD's would.
 *
 * Not a TDX backend: no S-EPT, nothing private.  It checks the payload's
 * boot code and its accept/convert control flow (tests/kvm/td_stub.c),
 * and it runs the engine's tdx path end to end with SEPTBENCH_TDX_SIM=1.
 */
#ifndef SEPTBENCH_TD_SIM_H
#define SEPTBENCH_TD_SIM_H

#include "guest/abi.h"
#include "guest/td/td_abi.h"
#include "kvm/vm.h"
#include "tdx/td_run.h"

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


struct td_sim_config {
	unsigned int nr_vcpus;
	unsigned int gpaw;		/* RBX at entry */
	uint64_t rcx;			/* INIT_VCPU data; 0: TD_PARAMS_GPA */
	const void *image;		/* TD_IMAGE_SIZE bytes */
	uint64_t image_size;
	struct td_params params;	/* copied to TD_PARAMS_GPA */
	bool efer_lme;			/* enter with EFER.LME set, as a TD (not under TCG) */
	bool mem_memfd;			/* test memory on a memfd (punchable), else anon */
};

struct td_sim {
	int kvm_fd, vm_fd;
	size_t run_size;
	struct kvm_cpuid2 *cpuid;
	struct guest_mem sys, mem;	/* [td_sys_gpa(n), 4 GiB) and test memory */
	uint64_t sys_gpa, mem_gpa, mem_size;
	uint64_t shared_bit;
	unsigned int nr_vcpus;
	struct td_rt rt;
	struct td_rt_vcpu *vcpus;	/* rt.vcpus */
	int *vcpu_fd;
	uint8_t *accepted;		/* per 4K page of test memory, as the TDX module tracks */

	/* Policies; NULL answers success. */
	uint64_t (*accept_status)(struct td_sim *s, unsigned int vcpu, uint64_t gpa,
				  unsigned int level);
	/* KVM_EXIT_HYPERCALL's ret for one MapGPA chunk: 0, -EAGAIN or -EINVAL. */
	int64_t (*map_gpa_ret)(struct td_sim *s, unsigned int vcpu, uint64_t gpa,
			       uint64_t pages, uint64_t attrs);
	void *ctx;

	bool log_accepts;		/* log every accept (td_stub); MapGPA is always logged */

	pthread_mutex_t lock;
	struct td_event *ev;
	size_t nr_ev, cap_ev;
};

/* Create the VM, load the image and params, set up vCPUs in the TD entry state. */
int td_sim_create(struct td_sim *s, const struct td_sim_config *cfg);
void td_sim_destroy(struct td_sim *s);
/* td_rt_run() on the simulated vCPUs: 0, or -ETIMEDOUT with kvm_error() set. */
int td_sim_run(struct td_sim *s, unsigned int timeout_ms);
/* Accepted 4K pages of test memory, as the simulated TDX module counts them. */
uint64_t td_sim_accepted_pages(struct td_sim *s);
/* Host view of a GPA in either slot, or NULL. */
void *td_sim_hva(struct td_sim *s, uint64_t gpa, uint64_t len);

#endif
