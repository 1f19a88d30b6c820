/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small KVM VM library: create a VM with a system slot (payload, page
 * tables, stacks) and a test-memory slot with a chosen backing, run the
 * guest payload on one thread per vCPU in timed phases, read KVM's binary
 * stats around each phase.
 *
 * Errors: functions return 0 or -errno and leave a one-line reason that
 * names the failing step in kvm_error() (per thread).  -EOPNOTSUPP means
 * "this host cannot do that" (no hugetlb pages reserved, no mmap-able
 * guest_memfd, ...), so callers can report it as unsupported, not failed.
 */
#ifndef SEPTBENCH_KVM_VM_H
#define SEPTBENCH_KVM_VM_H

#include <pthread.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/abi.h"
#include "guest/lathist.h"
#include "kvm/backing.h"

struct kvm_run;
struct kvm_cpuid2;

/* ---- errors (vm.c) ---- */

const char *kvm_error(void);
/* Record "<step>: <strerror(err)>" and return -err. */
int kvm_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for an ioctl that just failed: reads errno. */
int kvm_fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- guest memory backing (memory.c) ---- */

struct guest_mem {
	enum backing backing;
	void *hva;		/* what the memslot points at */
	uint64_t size;		/* bytes mapped for the guest */
	uint64_t page_size;	/* host page size of the backing */
	void *map;		/* the whole mapping (may be larger: alignment) */
	size_t map_size;
	int fd;			/* memfd / guest_memfd, else -1 */
	bool private_mem;	/* guest_memfd without a mapping: hva is the shared side */
};

/*
 * Map @size bytes (a multiple of the backing's page size) of backing @b.
 * @vm_fd is needed for BACKING_GMEM only (guest_memfd belongs to a VM).
 */
int guest_mem_alloc(struct guest_mem *m, enum backing b, uint64_t size, int vm_fd);
/*
 * Private memory: a guest_memfd the host cannot map, for KVM_MEM_GUEST_MEMFD
 * slots whose pages are private; hva is anonymous memory for the shared side.
 */
int guest_mem_alloc_private(struct guest_mem *m, uint64_t size, int vm_fd);
/* Touch every host page with a write (private: fallocate), so the guest finds it allocated. */
int guest_mem_populate(struct guest_mem *m);
void guest_mem_free(struct guest_mem *m);

/* ---- KVM binary stats (stats.c) ---- */

struct kvm_stat_desc {
	char name[48];
	uint32_t flags;		/* KVM_STATS_TYPE_* | UNIT | BASE */
	uint32_t index;		/* into a snapshot, in u64 */
	uint32_t size;		/* values (> 1 for histograms) */
};

struct kvm_stats {
	int fd;
	uint32_t nr_desc;
	struct kvm_stat_desc *desc;
	uint64_t data_offset;
	size_t nr_vals;		/* u64 values in one snapshot */
};

/* KVM_GET_STATS_FD on a VM or vCPU fd; @what names it in errors. */
int kvm_stats_open(struct kvm_stats *s, int owner_fd, const char *what);
void kvm_stats_close(struct kvm_stats *s);
/* Descriptor index of @name, or -1 when this kernel has no such stat. */
int kvm_stats_find(const struct kvm_stats *s, const char *name);
/* Read every value with one pread into @vals (s->nr_vals entries). */
int kvm_stats_snapshot(const struct kvm_stats *s, uint64_t *vals);

static inline uint64_t kvm_stats_value(const struct kvm_stats *s, const uint64_t *vals, int idx)
{
	return vals[s->desc[idx].index];
}

/* One stat's change over a phase (vCPU stats summed over all vCPUs). */
struct stat_delta {
	char name[48];
	bool vcpu;		/* a per-vCPU stat, summed */
	uint32_t flags;
	uint64_t before, after;	/* as read (sums for vCPU stats) */
	int64_t delta;
};

/* ---- VM, vCPUs (vm.c, x86_longmode.c) ---- */

struct vm_config {
	unsigned int type;		/* KVM_X86_*_VM; 0 = default */
	unsigned int nr_vcpus;
	uint64_t mem_size;		/* test memory, bytes */
	uint64_t mem_gpa;		/* 0: GUEST_MEM_GPA */
	enum backing backing;
	enum populate populate;
	bool private_mem;		/* gmem test memory, private (KVM_MEMORY_ATTRIBUTE_PRIVATE) */
	/*
	 * A GPA bit that marks shared accesses (sept-emu; 0: none): the
	 * system slot is accessed at GPA | this, in CR3 and every guest
	 * PTE; the guest's conversions and exits are port I/O only, and a
	 * KVM_EXIT_MEMORY_FAULT is answered by an implicit conversion.
	 */
	uint64_t shared_gpa_bit;
	/* Conversions free what they leave, as QEMU's do (tdx's convert_free). */
	bool convert_free;
};

struct vcpu_result {
	uint64_t t_ready;		/* CLOCK_MONOTONIC_RAW ns */
	uint64_t t_start;		/* START ucall seen */
	uint64_t t_done;		/* DONE ucall seen */
	uint64_t ns;			/* t_done - t_start */
	uint64_t tsc_cycles;		/* guest rdtsc around its loop */
	uint64_t pages, writes;
	uint64_t sum;			/* the guest's sum of the values it read */
	uint64_t progress;		/* PROGRESS ucalls seen */
	uint64_t map_gpa_exits;		/* KVM_HC_MAP_GPA_RANGE exits answered */
	uint64_t map_gpa_pages;		/* pages those conversions covered */
	/* KVM_EXIT_MEMORY_FAULTs answered by an implicit conversion, and their pages. */
	uint64_t implicit_conversions, implicit_pages;
	/* convert_free: pages punched from guest_memfd, shared pages discarded. */
	uint64_t punched_pages, discarded_pages;
	bool has_lat;			/* @lat holds this phase's per-op latencies */
	struct lathist lat;		/* guest TSC cycles per op (vm_phase.latency) */
};

struct vm;

struct vcpu {
	struct vm *vm;
	unsigned int idx;
	int fd;
	struct kvm_run *run;
	struct guest_vcpu *block;	/* host view of its guest block */
	struct kvm_stats stats;
	pthread_t thread;
	pid_t tid;			/* the thread's id, set before it enters the guest */
	int cpu;			/* pin the thread here; -1: no pinning */
	bool started;
	/* Per phase, written by the vCPU thread. */
	struct vcpu_result res;
	int state;			/* enum vcpu_state (vcpu_thread.c) */
	int err;
	char errmsg[256];
};

struct vm {
	int kvm_fd;
	int fd;
	unsigned int type;
	unsigned int nr_vcpus;
	unsigned int tsc_khz;		/* vCPU 0's KVM_GET_TSC_KHZ; 0: not told */
	struct test_stall *stall;	/* SEPTBENCH_TEST_STALL (tests only) */
	size_t run_size;
	struct guest_mem sys;		/* slot 0 at GPA 0 */
	struct guest_mem mem;		/* slot 1: test memory */
	uint64_t mem_gpa;
	uint64_t shared_gpa_bit;	/* vm_config's; 0: none */
	bool convert_free;
	uint64_t pt_root;		/* GPA of the PML4 (CR3: with the shared bit) */
	uint64_t stacks_gpa;
	uint64_t entry;
	struct guest_params *params;	/* host views into the system slot */
	struct guest_vcpu *blocks;
	struct kvm_cpuid2 *cpuid;
	struct vcpu *vcpus;
	struct kvm_stats stats;
	/* Phase bookkeeping (vcpu_thread.c). */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool gate;			/* threads may enter the guest */
	unsigned int nr_ready, nr_finished;
	volatile int stop;
	/* Asked while a phase waits; true ends the phase with -EINTR. */
	bool (*should_stop)(void);
	bool (*should_stop_saved)(void);
	bool interrupted;
	/* Called from vCPU threads on PROGRESS ucalls, if set. */
	void (*on_progress)(struct vm *vm, unsigned int vcpu, uint64_t pages);
	/*
	 * Phase hooks for per-thread instrumentation, called on the thread
	 * running vm_run_phase, if set.  on_release: every vCPU waits at the
	 * guest barrier (vcpus[i].tid valid), just before the stats snapshot
	 * and the release; host release only.  on_finish: every vCPU thread
	 * has been joined, before the results are read; called whenever
	 * on_release was, also when the phase failed.
	 */
	void (*on_release)(struct vm *vm);
	void (*on_finish)(struct vm *vm);
	void *hook_ctx;
};

/* KVM_GET_SUPPORTED_CPUID, sized until it fits; NULL with kvm_error() set. */
struct kvm_cpuid2 *kvm_supported_cpuid(int kvm_fd);

/* Build the VM: memslots, payload, page tables, vCPUs in 64-bit mode. */
int vm_create(struct vm **vmp, const struct vm_config *cfg);
void vm_destroy(struct vm *vm);
/*
 * Destruction in steps, for timing KVM's part alone.  vm_drop_refs():
 * unmap kvm_run and close the stats fds, which hold references on the VM.
 * vm_close_kvm(): close the vCPU and VM fds; with no other reference
 * left (a guest_memfd holds one), KVM destroys the VM in the last close.
 * vm_destroy() then frees the memory.
 */
void vm_drop_refs(struct vm *vm);
void vm_close_kvm(struct vm *vm);
/* Re-register the test-memory slot with @flags (KVM_MEM_LOG_DIRTY_PAGES). */
int vm_set_mem_flags(struct vm *vm, uint32_t flags);
/* KVM_SET_MEMORY_ATTRIBUTES: [gpa, gpa + size) private or shared. */
int vm_set_private(struct vm *vm, uint64_t gpa, uint64_t size, bool private_mem);
/*
 * Is the page at @gpa of private test memory private now?  KVM has no
 * call to read attributes back: one KVM_PRE_FAULT_MEMORY on vCPU @vcpu
 * tells, by the path it takes (attr_probe.c).  The page is unmapped
 * before and after (its guest_memfd page punched, its shared side
 * dropped): its contents are lost.  Between phases only.
 */
int vm_probe_private(struct vm *vm, unsigned int vcpu, uint64_t gpa, bool *private_mem);
/* Delete the test-memory slot: KVM zaps every mapping in it. */
int vm_delete_mem_slot(struct vm *vm);
/* Host pointer for a GPA inside either slot, or NULL. */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);

/* ---- x86 long mode (x86_longmode.c) ---- */

/*
 * Identity page-table builder over a chunk of guest memory that the host
 * sees at @hva and the guest at @gpa.  Pages are handed out bottom-up.
 */
struct pt_builder {
	uint8_t *hva;
	uint64_t gpa;
	uint64_t size;
	uint64_t used;
	uint64_t root;			/* GPA of the PML4 */
	bool gbpages;			/* 1 GiB leaves allowed */
	/*
	 * ORed into every non-leaf entry (and the root's CR3): the GPA bit
	 * the tables are reached at (sept-emu's shared bit; 0: none).
	 */
	uint64_t table_bits;
};

#define PT_LEVEL_4K	1
#define PT_LEVEL_2M	2
#define PT_LEVEL_1G	3

/* Worst-case bytes of page tables to map @nr ranges totalling @bytes. */
uint64_t pt_bytes_needed(uint64_t bytes, unsigned int nr);
int pt_init(struct pt_builder *pt, void *hva, uint64_t gpa, uint64_t size, bool gbpages);
/*
 * Map [va, va + size) to [pa, ...) with the largest leaves that alignment
 * allows, up to @max_level.  Everything must be 4K aligned.
 */
int pt_map(struct pt_builder *pt, uint64_t va, uint64_t pa, uint64_t size,
	   unsigned int max_level);
/* Translate like the MMU; false when not mapped.  For tests and checks. */
bool pt_walk(const struct pt_builder *pt, uint64_t va, uint64_t *pa, unsigned int *level);

/* Write GDT and TSS into the system slot. */
void x86_write_gdt(struct vm *vm);
/* CPUID, sregs, regs for vCPU @v to enter guest_entry in 64-bit mode. */
int x86_setup_vcpu(struct vm *vm, struct vcpu *v);
/* Guest physical address bits from the supported CPUID; 36 if unknown. */
unsigned int x86_phys_bits(const struct kvm_cpuid2 *cpuid);
bool x86_has_gbpages(const struct kvm_cpuid2 *cpuid);

/* ---- ucall (ucall.c) ---- */

struct ucall {
	uint32_t nr;			/* enum guest_ucall */
	uint64_t args[4];
	char msg[sizeof(((struct guest_vcpu *)0)->msg)];
};

const char *ucall_name(uint32_t nr);
/*
 * Decode a KVM_EXIT_IO: true when it is a ucall (filled into @uc), false
 * for any other port access.
 */
bool ucall_decode(struct vcpu *v, struct ucall *uc);
/* "exception 14 (#PF) err 0x2 at rip 0x100123, cr2 0x..." etc. */
void ucall_describe(const struct ucall *uc, char *buf, size_t size);

/* ---- phases on vCPU threads (vcpu_thread.c) ---- */

/* What a phase's guest does: touch memory, or convert it with MapGPA. */
enum vm_phase_cmd {
	VM_PHASE_TOUCH,
	VM_PHASE_TO_SHARED,		/* KVM_HC_MAP_GPA_RANGE, one per 2 MiB */
	VM_PHASE_TO_PRIVATE,
};

/*
 * Answer a conversion of [gpa, gpa + size) to private or shared as a
 * TD's MapGPA is answered: the attributes, then with convert_free what
 * QEMU frees (to shared: punch guest_memfd; to private: discard the
 * shared backing).  0 or -errno; counted on @v.
 */
int vm_convert(struct vcpu *v, uint64_t gpa, uint64_t size, bool private_mem);

struct vm_phase {
	enum vm_phase_cmd cmd;
	enum guest_pattern pattern;
	uint64_t stride;		/* pages, GUEST_PAT_STRIDE */
	uint32_t write_pct;		/* 0 read .. 100 write */
	bool shared;			/* every vCPU walks the whole range */
	bool guest_release;		/* last vCPU in releases the barrier (tests only) */
	uint32_t passes;		/* 0 means 1 */
	uint64_t seed;
	uint64_t progress_pages;	/* 0: no PROGRESS ucalls */
	const int *cpus;		/* pin vCPU i to cpus[i] (-1: none); NULL: none */
	unsigned int timeout_ms;	/* 0: wait forever */
	bool latency;			/* touch phases: every op timed into a lathist */
};

/*
 * A guest phase's interval, one definition for every backend (the tdx
 * one's TD phases too, host/tdx/td_session.c): from the release of the
 * barrier that every vCPU thread waits at to the last vCPU's DONE.
 * Thread creation and the wait are outside it, every vCPU's own START to
 * DONE inside.  Only vm_phase.guest_release, which the engine never sets
 * (tests/kvm/kvm_phases.c does), has no host-side release: there it
 * starts at the first START.
 */
struct vm_phase_result {
	uint64_t wall_ns;		/* barrier release to last DONE (above) */
	uint64_t pages;			/* sum over vCPUs */
	unsigned int nr_vcpus;
	struct vcpu_result *vcpu;	/* nr_vcpus entries */
	unsigned int tsc_khz;		/* the guest's TSC rate (KVM_GET_TSC_KHZ); 0: unknown */
	unsigned int nr_stats;
	struct stat_delta *stats;	/* VM stats, then summed vCPU stats */
};

/*
 * Run one phase: write @ph into the guest, start one thread per vCPU
 * (thread start-up happens before a barrier and is not timed), wait for
 * every vCPU at the guest barrier, snapshot stats, release, wait for all
 * DONE, snapshot again.
 */
int vm_run_phase(struct vm *vm, const struct vm_phase *ph, struct vm_phase_result *res);
void vm_phase_result_free(struct vm_phase_result *res);
/*
 * Stats around a host-driven phase (pre-fault, split, zap): snapshots of
 * the VM's and every vCPU's stats into buffers of vm_stats_nr_vals()
 * values, and the deltas between two of them into @res.
 */
size_t vm_stats_nr_vals(const struct vm *vm);
int vm_stats_snapshot(struct vm *vm, uint64_t *buf);
int vm_stats_fill(struct vm *vm, const uint64_t *before, const uint64_t *after,
		  struct vm_phase_result *res);
/* Delta of stat @name; false when the kernel does not have it. */
bool vm_phase_stat(const struct vm_phase_result *res, const char *name, int64_t *delta);

uint64_t vm_now_ns(void);	/* CLOCK_MONOTONIC_RAW */

/* ---- the end-to-end fault smoke test (smoke.c) ---- */

struct vm_smoke_opts {
	uint64_t mem_size;
	unsigned int nr_vcpus;
	enum backing backing;
	enum populate populate;
	enum guest_pattern pattern;	/* GUEST_PAT_SEQ: every page once */
	uint32_t write_pct;		/* 100 */
	const int *cpus;
	unsigned int timeout_ms;
};

/* Create a default VM, fault every page of test memory once, tear down. */
int vm_fault_smoke(const struct vm_smoke_opts *o, struct vm_phase_result *res);

#endif
