/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the host driver and the guest payload: guest
 * physical layout, the parameter block the host writes, the per-vCPU block
 * the guest reports through, and the ucall numbers.  Included by both
 * sides, so it depends on nothing but <stdint.h> (a freestanding header).
 *
 * The guest runs identity-mapped (VA == GPA), except on VMs with a shared
 * GPA bit (sept-emu): there the system slot's VAs map to GPA | that bit,
 * in every page-table entry and in CR3, and test memory stays at its
 * plain (private) GPA.  The guest never needs to know.  Layout of the
 * system slot:
 *
 *   0x1000    GDT              0x3000    TSS
 *   0x10000   struct guest_params (one page)
 *   0x20000   struct guest_vcpu[GUEST_MAX_VCPUS]
 *   0x40000   struct lathist[GUEST_MAX_VCPUS] (per-op latency, lathist.h)
 *   0x100000  payload image (code, data, bss), at most 1 MiB
 *   0x200000  page tables, then one stack per vCPU (host sizes both)
 *
 * Test memory lives in its own slot at guest_params.mem_gpa.
 */
#ifndef SEPTBENCH_GUEST_ABI_H
#define SEPTBENCH_GUEST_ABI_H

#ifdef __ASSEMBLER__
#define GUEST_U64(x)		x
#else
#include <stdint.h>
#define GUEST_U64(x)		x##ull
#endif

#define GUEST_ABI_MAGIC		0x54504553	/* "SEPT" */
#define GUEST_ABI_VERSION	2
#define GUEST_IMAGE_MAGIC	0x47504553	/* "SEPG": payload header */

#define GUEST_GDT_GPA		GUEST_U64(0x1000)
#define GUEST_TSS_GPA		GUEST_U64(0x3000)
#define GUEST_PARAMS_GPA	GUEST_U64(0x10000)
#define GUEST_VCPUS_GPA		GUEST_U64(0x20000)
#define GUEST_LATHIST_GPA	GUEST_U64(0x40000)
#define GUEST_LATHIST_SIZE	GUEST_U64(0xC0000)
#define GUEST_CODE_GPA		GUEST_U64(0x100000)
#define GUEST_CODE_MAX		GUEST_U64(0x100000)
#define GUEST_PT_GPA		GUEST_U64(0x200000)
#define GUEST_STACK_SIZE	GUEST_U64(0x4000)
#define GUEST_MAX_VCPUS		512

/* Default start of test memory: 4 GiB, 1 GiB aligned so any page size fits. */
#define GUEST_MEM_GPA		GUEST_U64(0x100000000)

/* GDT selectors the host installs (and the guest's IDT gates use). */
#define GUEST_SEL_CODE		0x08
#define GUEST_SEL_DATA		0x10
#define GUEST_SEL_TSS		0x18

#define GUEST_PAGE_SIZE		GUEST_U64(4096)
#define GUEST_HUGE_SIZE		(GUEST_U64(2) << 20)

/* Every ucall is a 32-bit OUT of the ucall number to this port. */
#define GUEST_UCALL_PORT	0x5eb0

#ifndef __ASSEMBLER__

enum guest_ucall {
	UCALL_NONE,
	UCALL_READY,		/* arrived at the start barrier */
	UCALL_START,		/* barrier released, timed work begins */
	UCALL_PROGRESS,		/* args[0] = pages touched so far */
	UCALL_DONE,		/* results are in struct guest_vcpu */
	UCALL_ERROR,		/* msg, args[] */
	UCALL_EXIT,		/* GUEST_CMD_EXIT acknowledged */
	UCALL_EXCEPTION,	/* args: vector, error code, rip, cr2 */
	/*
	 * GUEST_CMD_MAP_GPA_PORT: convert args[0] (GPA), args[1] (4K pages)
	 * to args[2] (GUEST_MAP_GPA_*); the host answers in args[3] (0, or
	 * an errno) before the guest resumes.
	 */
	UCALL_MAP_GPA,
};

enum guest_cmd {
	GUEST_CMD_TOUCH,
	GUEST_CMD_EXIT,
	/* KVM_HC_MAP_GPA_RANGE over the vCPU's slice, one call per 2 MiB. */
	GUEST_CMD_MAP_GPA,
	/*
	 * The same conversions asked for by port I/O (UCALL_MAP_GPA), for
	 * VMs whose only exits may be non-string port I/O (sept-emu: no
	 * hypercall, no CPUID, no HLT, no MMIO).
	 */
	GUEST_CMD_MAP_GPA_PORT,
};

/* KVM_HC_MAP_GPA_RANGE (linux/kvm_para.h) and its attributes (asm/kvm_para.h). */
#define GUEST_HC_MAP_GPA_RANGE		12
#define GUEST_MAP_GPA_DECRYPTED		(1u << 5)
#define GUEST_MAP_GPA_ENCRYPTED		(1u << 4)
#define GUEST_MAP_GPA_PAGE_SIZE_4K	0

enum guest_pattern {
	GUEST_PAT_SEQ,		/* every page, ascending */
	GUEST_PAT_RAND,		/* every page once, in a seeded permutation */
	GUEST_PAT_STRIDE,	/* pages 0, N, 2N, ... of the range */
	GUEST_PAT_HUGE,		/* first page of every 2 MiB of the range */
};

/*
 * Written by the host before each phase.  The sync words are 64-bit and
 * accessed atomically on both sides; everything else is read-only to the
 * guest while a phase runs.
 */
struct guest_params {
	uint32_t magic;
	uint32_t version;
	uint32_t nr_vcpus;
	uint32_t cmd;			/* enum guest_cmd */

	uint64_t phase;			/* phase number, never 0 */
	uint64_t go;			/* == phase: barrier released */
	uint64_t arrived;		/* vCPUs at the barrier this phase */
	uint64_t abort;			/* host gave up: leave the barrier */

	uint64_t mem_gpa;		/* test memory, page aligned */
	uint64_t mem_size;
	uint32_t pattern;		/* enum guest_pattern */
	uint32_t write_pct;		/* 0 = read only, 100 = write only */
	uint64_t stride;		/* pages, for GUEST_PAT_STRIDE */
	uint64_t seed;
	uint32_t shared;		/* 1: all vCPUs walk the whole range */
	uint32_t guest_release;		/* 1: the last vCPU to arrive releases */
	uint32_t passes;		/* walks of the pattern, >= 1 */
	uint32_t map_private;		/* GUEST_CMD_MAP_GPA: 1 to private, 0 to shared */
	uint64_t progress_pages;	/* PROGRESS every so many pages; 0 = never */
	uint64_t sys_size;		/* system slot bytes, read once at boot */
	uint32_t latency;		/* 1: time every op into the vCPU's lathist */
	uint32_t reserved;
};

/* One per vCPU; the host points GS.base at it. */
struct guest_vcpu {
	uint64_t self;			/* its own GPA, for %gs:0 */
	uint32_t index;
	uint32_t ucall;			/* enum guest_ucall being reported */
	uint64_t args[4];
	uint64_t tsc_start;
	uint64_t tsc_end;
	uint64_t pages;			/* pages touched (reads + writes) */
	uint64_t writes;
	uint64_t sum;			/* of values read, keeps reads alive */
	char msg[168];
};

/* The first bytes of the payload image, placed by guest/guest.lds. */
struct guest_image_header {
	uint32_t magic;
	uint32_t header_size;
	uint64_t entry;			/* GPA of guest_entry */
	uint64_t load_gpa;		/* GUEST_CODE_GPA */
	uint64_t end_gpa;		/* end of bss: the image's footprint */
};

_Static_assert(sizeof(struct guest_params) == 128, "guest_params layout");
_Static_assert(sizeof(struct guest_vcpu) == 256, "guest_vcpu layout");
_Static_assert(sizeof(struct guest_image_header) == 32, "image header layout");
_Static_assert(GUEST_VCPUS_GPA + GUEST_MAX_VCPUS * 256 <= GUEST_CODE_GPA,
	       "vCPU blocks overlap the payload");
_Static_assert(GUEST_VCPUS_GPA + GUEST_MAX_VCPUS * 256 <= GUEST_LATHIST_GPA,
	       "vCPU blocks overlap the latency histograms");
/* 1280: sizeof(struct lathist), checked where lathist.h is included. */
_Static_assert(GUEST_LATHIST_GPA + GUEST_MAX_VCPUS * GUEST_U64(1280) <=
	       GUEST_LATHIST_GPA + GUEST_LATHIST_SIZE &&
	       GUEST_LATHIST_GPA + GUEST_LATHIST_SIZE <= GUEST_CODE_GPA,
	       "latency histograms overlap the payload");

/*
 * The slice of @pages that vCPU @idx of @nr walks when ranges are
 * partitioned: contiguous, sizes differ by at most one page.
 */
static inline void guest_partition(uint64_t pages, uint32_t nr, uint32_t idx,
				   uint64_t *first, uint64_t *count)
{
	uint64_t base = pages / nr, extra = pages % nr;

	*first = idx * base + (idx < extra ? idx : extra);
	*count = base + (idx < extra ? 1 : 0);
}

#endif /* __ASSEMBLER__ */

#endif
