/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TD created directly through KVM (Documentation/virt/kvm/x86/
 * intel-tdx.rst, "KVM TDX creation flow"): VM, capabilities, INIT_VM with
 * CPUID filtered to what the TDX module lets us configure, private memory
 * on guest_memfd, vCPUs, the measured boot image, FINALIZE.  Every KVM
 * call goes through struct kvm_io, so the sequence is tested without TDX.
 *
 * Not verified on TDX hardware: only against the documented ABI, through
 * the contract tests in tests/unit/test_tdx_contract.c.
 */
#ifndef SEPTBENCH_TDX_TD_H
#define SEPTBENCH_TDX_TD_H

#include "tdx/kvm_io.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvm_cpuid2;
struct kvm_run;
struct kvm_tdx_capabilities;

#define TD_MAX_REGIONS 4

/* A range of TD private memory; all regions share one guest_memfd. */
struct td_region {
	uint64_t gpa;
	uint64_t size;
};

struct td_config {
	unsigned int nr_vcpus;
	unsigned int gpaw;		/* 48 (shared bit 47) or 52 (bit 51) */
	uint64_t attributes;		/* TD attributes, within supported_attrs */
	uint64_t xfam;			/* within supported_xfam */
	struct td_region regions[TD_MAX_REGIONS];
	unsigned int nr_regions;
	const void *image;		/* boot image, added and measured */
	uint64_t image_size;		/* bytes, a multiple of 4K */
	uint64_t image_gpa;		/* inside a region */
	uint64_t vcpu_rcx;		/* INIT_VCPU data: each vCPU's initial RCX */
	/*
	 * Conversions free what they leave behind, as QEMU's
	 * kvm_convert_memory does: to shared punches the range out of
	 * guest_memfd, to private discards its shared backing.
	 */
	bool convert_free;
};

struct td {
	struct kvm_io *io;
	int kvm_fd, vm_fd, gmem_fd;
	uint64_t gmem_size;
	void *shared;			/* userspace_addr of the slots */
	struct td_region regions[TD_MAX_REGIONS];
	unsigned int nr_regions;
	unsigned int nr_vcpus;
	int *vcpu_fd;
	struct kvm_run **run;
	size_t run_size;
	uint64_t shared_bit;		/* GPA bit that marks shared memory */
	struct kvm_tdx_capabilities *caps;
	unsigned int max_vcpus;		/* KVM_CAP_MAX_VCPUS on the TD VM */
	unsigned int host_tsc_khz;	/* set on the VM before INIT_VM */
	unsigned int tsc_khz;		/* the TD's TSC rate (vCPU 0), for cycle counts */
	unsigned int eagain_retries;	/* INIT_VM / INIT_MEM_REGION retried on -EAGAIN */
	/* MapGPA exits answered (td_handle_map_gpa). */
	uint64_t map_gpa_exits, map_gpa_pages;
	bool convert_free;
	/* Pages freed by conversions: punched from guest_memfd, shared discarded. */
	uint64_t punched_pages, discarded_pages;
	/* KVM_EXIT_MEMORY_FAULTs converted implicitly (td_handle_memory_fault). */
	uint64_t implicit_conversions, implicit_pages;
	/* The failing step, errno and SEAMCALL status, as one line. */
	char err[384];
	uint64_t hw_error;
};

/*
 * What KVM_TDX_CAPABILITIES reports, from a TD VM created for the purpose
 * and closed again: 0 and *@caps (free() it), or -errno with @err set.
 */
int td_query_caps(struct kvm_io *io, struct kvm_tdx_capabilities **caps, char *err,
		  size_t err_size);

/* Build the TD up to FINALIZE; 0 or -errno with td->err set and nothing left open. */
int td_create(struct td *td, struct kvm_io *io, const struct td_config *cfg);
void td_destroy(struct td *td);

/*
 * Answer a KVM_EXIT_HYPERCALL(KVM_HC_MAP_GPA_RANGE) on vCPU @vcpu: set the
 * memory attributes of the range (then, with convert_free, free what the
 * conversion left behind) and write hypercall.ret (0, EAGAIN or EINVAL as
 * tdx.c expects).  Returns 0 when answered, -EINVAL when the
 * exit is not a MapGPA.
 */
int td_handle_map_gpa(struct td *td, unsigned int vcpu);

/*
 * Answer a KVM_EXIT_MEMORY_FAULT on vCPU @vcpu as QEMU does: an implicit
 * conversion of the range to what the access wanted (private or shared),
 * after which KVM_RUN is retried.  0 when converted (counted); -EINVAL
 * when the exit is not one, or its range is outside the TD's memory, or
 * the attributes could not be set (-errno): then @why says so with the
 * GPA, size and flags.
 */
int td_handle_memory_fault(struct td *td, unsigned int vcpu, char *why, size_t why_size);

/*
 * The CPUID for KVM_TDX_INIT_VM: one entry per configurable leaf in
 * @caps (KVM refuses any other), the host-supported value masked by the
 * configurable bits, TSX and WAITPKG cleared (KVM refuses them), leaf 1
 * EAX 0 (the TDX module's own family/model/stepping), and the
 * GPAW in 0x80000008 EAX[23:16].  @out has room for caps->nent entries.
 */
void td_cpuid_for_init(const struct kvm_cpuid2 *caps, const struct kvm_cpuid2 *supported,
		       unsigned int gpaw, struct kvm_cpuid2 *out);

#endif
