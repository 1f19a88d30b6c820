/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between a host that runs the TD payload and the payload:
 * guest physical layout, the parameter block, the port protocol, the TDX
 * numbers the payload uses.  Included by the guest, by the host's TDX
 * backend and by the td-stub harness, so it needs nothing but <stdint.h>.
 *
 * A TD has no host-written state but what INIT_MEM_REGION adds before
 * FINALIZE, and after that the host can neither read nor write private
 * memory.  So everything the payload needs at boot is one region that the
 * host adds in whole (the system region), and everything at run time goes
 * over port I/O (TDG.VP.VMCALL<Instruction.IO>, which KVM turns into an
 * ordinary KVM_EXIT_IO).
 *
 * Layout, top down (GPAs; the TD runs identity mapped, VA == GPA):
 *
 *   0xFFFF0000 - 4 GiB   image (TD_IMAGE_SIZE): header first, code, data,
 *                        bss; the reset vector in the last 16 bytes
 *   0xFFFE0000           struct td_params (host-filled before INIT_MEM_REGION)
 *   0xFFFE1000           struct td_state (guest only; must be zero)
 *   0xFFFE2000           shim mailboxes, TD_SHIM_MBOX_SIZE per vCPU (the
 *                        td-shim-payload only; zero, unused by td-payload)
 *   0xFFFD0000           2M-accept bitmap, one bit per 2 MiB of test memory
 *   0xFFF50000           page-table pool (TD_PT_SIZE); the boot stub builds
 *                        the tables here
 *   below 0xFFF50000     stacks, TD_STACK_SIZE per vCPU, growing down:
 *                        vCPU i's stack is [TD_STACKS_TOP - (i + 1) *
 *                        TD_STACK_SIZE, TD_STACKS_TOP - i * TD_STACK_SIZE)
 *
 * The system region for n vCPUs is [td_sys_gpa(n), 4 GiB): the host adds
 * all of it with INIT_MEM_REGION (zeros except the params page and the
 * image; measuring is optional).  Test memory is private memory the host
 * does not add: at TD_MEM_GPA (default; td_params.mem_gpa), 2 MiB aligned,
 * above 4 GiB, below the shared bit.  The payload accepts it page by page.
 *
 * vCPU entry, as the TDX module sets it up (intel/tdx-module:
 * tdh_vp_init.c, init_vcpu_gprs_and_registers; td_vmcs_init.c): 32-bit
 * protected mode, CR0 = PE | NE, paging off, flat 4 GiB segments, EFER
 * with LME already set, RIP = 0xFFFFFFF0, and
 *   RBX = GPAW (48 or 52)     RSI = vCPU index (0 .. nr_vcpus - 1)
 *   RCX = R8 = TDH.VP.INIT's operand, which is KVM_TDX_INIT_VCPU's data
 *              (facts: tdx-abi.md): here TD_PARAMS_GPA, for every vCPU
 *   RDX = CPUID(1).EAX
 *
 * A session: each vCPU boots, reports TD_UCALL_BOOTED and asks for a
 * command (an IN from TD_CMD_PORT); the host answers TD_CMD_RUN |
 * TD_RUN_ACCEPT to fault and accept test memory, gets START and DONE
 * (with the TD_DONE_* results), TD_CMD_CONVERT for MapGPA (the host must
 * enable KVM_CAP_EXIT_HYPERCALL for KVM_HC_MAP_GPA_RANGE), TD_CMD_EXIT
 * at the end.  A guest error is a UCALL_ERROR (enum td_error and two
 * details) followed by TDG.VP.VMCALL<ReportFatalError> with the same code.
 */
#ifndef SEPTBENCH_GUEST_TD_ABI_H
#define SEPTBENCH_GUEST_TD_ABI_H

#ifdef __ASSEMBLER__
#define TD_U64(x)		x
#else
#include <stdint.h>
#define TD_U64(x)		x##ull
#endif

#define TD_ABI_MAGIC		0x44545053	/* "SPTD": td_params */
#define TD_ABI_VERSION		2	/* 2: TD_RUN_LATENCY and the LATHIST ucalls */
#define TD_IMAGE_MAGIC		0x49545053	/* "SPTI": image header */

#define TD_4G			TD_U64(0x100000000)
#define TD_RESET_VECTOR		TD_U64(0xFFFFFFF0)
#define TD_IMAGE_SIZE		TD_U64(0x10000)
#define TD_IMAGE_GPA		(TD_4G - TD_IMAGE_SIZE)
#define TD_PARAMS_GPA		TD_U64(0xFFFE0000)
#define TD_STATE_GPA		TD_U64(0xFFFE1000)
#define TD_SHIM_MBOX_GPA	TD_U64(0xFFFE2000)
#define TD_SHIM_MBOX_SIZE	128
#define TD_ACCEPT_MAP_GPA	TD_U64(0xFFFD0000)
#define TD_ACCEPT_MAP_SIZE	TD_U64(0x10000)	/* 512Ki chunks: 1 TiB */
#define TD_PT_GPA		TD_U64(0xFFF50000)
#define TD_PT_SIZE		TD_U64(0x80000)
#define TD_STACKS_TOP		TD_PT_GPA
#define TD_STACK_SIZE		TD_U64(0x4000)
#define TD_MAX_VCPUS		256

/* The boot stub's own tables, the first pages of the pool. */
#define TD_PT_PML4		TD_PT_GPA
#define TD_PT_PDPT0		(TD_PT_GPA + 0x1000)	/* VA 0 .. 512 GiB */
#define TD_PT_PD_LOW		(TD_PT_GPA + 0x2000)	/* 4 PDs: 2M leaves over 0 .. 4 GiB */
#define TD_PT_BOOT_PAGES	6

#define TD_MEM_GPA		TD_U64(0x100000000)

/* GDT selectors of the image's own GDT. */
#define TD_SEL_CODE64		0x08
#define TD_SEL_DATA		0x10

/*
 * Ports.  Ucall numbers go to GUEST_UCALL_PORT (guest/abi.h) as a 32-bit
 * OUT, as in the default payload; the arguments go first, as 32-bit OUTs
 * to TD_UCALL_ARG_PORT, low half then high half of each u64, because the
 * host cannot read the TD's memory.  Commands come back as 32-bit INs
 * from TD_CMD_PORT: the host answers when it wants the vCPU to go on.
 */
#define TD_UCALL_ARG_PORT	0x5eb4
#define TD_CMD_PORT		0x5eb8
#define TD_SHIM_PORT		0x5ebc	/* td-shim-payload: one TDCALL, leaf in the value */
#define TD_UCALL_MAX_ARGS	8

/* Ucalls beyond enum guest_ucall (guest/abi.h). */
#define TD_UCALL_BOOTED		0x40	/* args: CR0, CR4, EFER, GPAW << 32 | index */
#define TD_UCALL_CONVERTED	0x41	/* args: GPA, size, to_shared, MapGPA calls made */
#define TD_UCALL_LATHIST	0x42	/* args: enum td_lathist_arg */
#define TD_UCALL_LATHIST_BUCKETS 0x43	/* 1..TD_UCALL_MAX_ARGS args: TD_LATHIST_ENTRY() */

/*
 * Latency.  A TD_CMD_RUN with TD_RUN_LATENCY times every op (the accept
 * before a page's first touch, if any, and the touch) with two
 * rdtsc_ordered() into a struct lathist (guest/lathist.h) on the vCPU's
 * own stack: private memory, which the host cannot read.  After the
 * timed window (its closing TSC read) and before DONE, the vCPU sends
 * it: one TD_UCALL_LATHIST with the header, then its non-zero buckets in
 * ascending index order, TD_UCALL_MAX_ARGS per TD_UCALL_LATHIST_BUCKETS
 * (the last one holds the rest).  A histogram has LATHIST_NR_BUCKETS
 * (304) buckets, so a report is at most 1 + 38 ucalls; the host refuses
 * one whose entries do not arrive as announced, whose buckets do not add
 * up (lathist_valid) or whose count is not DONE's pages.  Without the
 * flag no histogram is kept and no LATHIST ucall is made.
 */
#define TD_LATHIST_ENTRY(idx, n) ((uint64_t)(idx) << 32 | (uint32_t)(n))
#define TD_LATHIST_ENTRY_IDX(e)	((uint32_t)((e) >> 32))
#define TD_LATHIST_ENTRY_COUNT(e) ((uint32_t)(e))

/*
 * A command word: bits 7:0 the command, the rest its flags.  Some
 * commands read u64 operands with two further INs (low half first).
 */
#define TD_CMD_MASK		0xff
#define TD_CMD_RUN		1	/* the phase: accept (if flagged) and touch; DONE */
#define TD_CMD_CONVERT		2	/* operands GPA, size: MapGPA; CONVERTED */
#define TD_CMD_SET		3	/* bits 15:8 field (enum td_field), operand value */
#define TD_CMD_EXIT		4	/* UCALL_EXIT, then wait for ever */
#define TD_RUN_ACCEPT		(1u << 8)	/* accept a page (chunk) before its first touch */
#define TD_RUN_LATENCY		(1u << 9)	/* time every op; LATHIST ucalls before DONE */
#define TD_CONVERT_SHARED	(1u << 8)	/* private -> shared; clear: shared -> private */

/* TDX numbers the payload uses (facts: /work/shared/facts/tdx-abi.md). */
#define TDG_VP_VMCALL		0
#define TDG_VP_INFO		1
#define TDG_MEM_PAGE_ACCEPT	6
#define TDVMCALL_IO		30	/* R11: exit reason "I/O instruction" */
#define TDVMCALL_MAP_GPA	0x10001
#define TDVMCALL_REPORT_FATAL	0x10003
#define TDVMCALL_GPR_MASK	0xfc00	/* RCX: R10..R15 go to the VMM */
#define TDVMCALL_SUCCESS	TD_U64(0)
#define TDVMCALL_RETRY		TD_U64(1)
#define TDVMCALL_INVALID_OPERAND TD_U64(0x8000000000000000)
#define TD_ACCEPT_4K		0
#define TD_ACCEPT_2M		1
/* TDX status: the class is in the upper 32 bits, operand details below. */
#define TDX_STATUS(x)		((x) >> 32)
#define TDX_SUCCESS		TD_U64(0)
#define TDX_OPERAND_BUSY	TD_U64(0x8000020000000000)
#define TDX_PAGE_ALREADY_ACCEPTED TD_U64(0x00000B0A00000000)
#define TDX_PAGE_SIZE_MISMATCH	TD_U64(0xC0000B0B00000000)

#ifndef __ASSEMBLER__

/* Fields a TD_CMD_SET changes in the vCPU's copy of the run parameters. */
enum td_field {
	TD_F_PATTERN,
	TD_F_WRITE_PCT,
	TD_F_STRIDE,
	TD_F_SEED,
	TD_F_PASSES,
	TD_F_ACCEPT_LEVEL,
	TD_F_PROGRESS,
	TD_F_NR,
};

/* DONE ucall arguments, in order. */
enum td_done_arg {
	TD_DONE_PAGES,		/* pages touched */
	TD_DONE_WRITES,
	TD_DONE_ACCEPTED,	/* successful accepts: pages at 4K plus chunks at 2M */
	TD_DONE_FALLBACKS,	/* 2M accepts retried as 512 x 4K */
	TD_DONE_CYCLES,		/* TSC around accept and touch */
	TD_DONE_SUM,
	TD_DONE_NR,
};

/* TD_UCALL_LATHIST arguments, in order: struct lathist's header. */
enum td_lathist_arg {
	TD_LH_COUNT,
	TD_LH_SUM,
	TD_LH_MIN,		/* UINT64_MAX when empty */
	TD_LH_MAX,
	TD_LH_OVERFLOW,
	TD_LH_ENTRIES,		/* non-zero buckets the BUCKETS ucalls bring */
	TD_LH_NR,
};

/* UCALL_ERROR arguments: the error, then two details. */
enum td_error {
	TD_ERR_PARAMS = 1,	/* bad magic/version/sizes; details: what, value */
	TD_ERR_VCPU_INDEX,	/* RSI beyond nr_vcpus or TD_MAX_VCPUS */
	TD_ERR_PT_FULL,		/* test memory needs more than TD_PT_SIZE of tables */
	TD_ERR_ACCEPT,		/* details: GPA | level, TDX status */
	TD_ERR_MAP_GPA,		/* details: GPA, TDVMCALL status */
	TD_ERR_COMMAND,		/* details: command word */
	TD_ERR_EXCEPTION,	/* before the IDT was up */
};

/* Filled by the host into the image of the params page before INIT_MEM_REGION. */
struct td_params {
	uint32_t magic;			/* TD_ABI_MAGIC */
	uint32_t version;		/* TD_ABI_VERSION */
	uint32_t nr_vcpus;
	uint32_t accept_level;		/* TD_ACCEPT_4K or TD_ACCEPT_2M */
	uint64_t mem_gpa;		/* private test memory, 2 MiB aligned, >= 4 GiB */
	uint64_t mem_size;		/* a multiple of 4K (of 2M for 2M accepts) */
	uint32_t pattern;		/* enum guest_pattern */
	uint32_t write_pct;
	uint64_t stride;
	uint64_t seed;
	uint32_t passes;		/* >= 1 */
	uint32_t pad;
	uint64_t progress_pages;	/* PROGRESS every so many pages; 0 = never */
};

/* Guest-private bookkeeping shared by the vCPUs. */
struct td_state {
	uint32_t pt_ready;		/* vCPU 0 built the boot tables */
	uint32_t mem_mapped;		/* vCPU 0 mapped test memory */
	uint64_t pt_used;		/* bytes of the pool handed out */
};

/*
 * td-shim-payload: the vCPU's registers around one TDCALL.  The guest
 * fills the inputs, OUTs the leaf to TD_SHIM_PORT, the host writes the
 * outputs back into the same fields.
 */
struct td_shim_mbox {
	uint64_t rax, rcx, rdx, r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t seq;			/* TDCALLs made by this vCPU, for the log */
};

/* The first bytes of the image. */
struct td_image_header {
	uint32_t magic;			/* TD_IMAGE_MAGIC */
	uint32_t header_size;
	uint64_t image_gpa;		/* TD_IMAGE_GPA */
	uint64_t image_size;		/* TD_IMAGE_SIZE */
	uint64_t entry32;		/* GPA of the 32-bit stub the reset vector jumps to */
	uint64_t end_gpa;		/* end of code, data and bss */
	uint32_t shim;			/* 1: TDCALLs go to TD_SHIM_PORT */
	uint32_t abi_version;		/* TD_ABI_VERSION */
};

_Static_assert(sizeof(struct td_params) == 72, "td_params layout");
_Static_assert(sizeof(struct td_shim_mbox) <= TD_SHIM_MBOX_SIZE, "mailbox size");
_Static_assert(sizeof(struct td_image_header) == 48, "td_image_header layout");
_Static_assert(TD_SHIM_MBOX_GPA + TD_MAX_VCPUS * TD_SHIM_MBOX_SIZE <= TD_IMAGE_GPA,
	       "mailboxes overlap the image");
_Static_assert(TD_ACCEPT_MAP_GPA + TD_ACCEPT_MAP_SIZE <= TD_PARAMS_GPA,
	       "accept bitmap overlaps the params page");
_Static_assert(TD_PT_GPA + TD_PT_SIZE <= TD_ACCEPT_MAP_GPA, "page tables overlap the bitmap");
_Static_assert(TD_STACKS_TOP % TD_STACK_SIZE == 0, "stacks must be aligned to their size");

/* Lowest GPA of the system region for @nr_vcpus: add [this, 4 GiB). */
static inline uint64_t td_sys_gpa(unsigned int nr_vcpus)
{
	return TD_STACKS_TOP - (uint64_t)nr_vcpus * TD_STACK_SIZE;
}

/* The shared bit for a GPAW: 47 for 48, 51 for 52 (facts: tdx-abi.md). */
static inline uint64_t td_shared_bit(unsigned int gpaw)
{
	return 1ull << (gpaw - 1);
}

#endif /* __ASSEMBLER__ */

#endif
