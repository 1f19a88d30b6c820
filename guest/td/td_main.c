// SPDX-License-Identifier: GPL-2.0
/*
 * The TD payload in 64-bit mode: map test memory (vCPU 0), report that
 * long mode is up, then obey the host's commands (td_abi.h): run the
 * accept-and-touch phase with the default payload's pattern engine,
 * convert ranges with MapGPA, exit.
 *
 * Nothing is read from or written to host-visible memory: arguments go
 * out and commands come in over port I/O, so the same code runs in a TD
 * and, with the shim TDCALL layer, in a default VM.
 */
#include "../abi.h"
#include "../idt.h"
#include "../lathist.h"
#include "../pattern.h"
#include "../tsc.h"
#include "../touch.h"
#include "tdcall.h"

#include <stddef.h>

#define PTE_P_RW	0x3ull
#define PTE_LEAF_2M	0x83ull
#define PTE_ADDR	0x000ffffffffff000ull
#define CHUNK_PAGES	(GUEST_HUGE_SIZE / GUEST_PAGE_SIZE)

/* run_phase keeps the histogram on the vCPU's stack: a small part of it. */
_Static_assert(sizeof(struct lathist) <= TD_STACK_SIZE / 8, "lathist too big for the stack");

void td_main(uint32_t index, uint32_t gpaw, uint32_t params_gpa);
void __attribute__((noreturn)) td_exception(const uint64_t *frame);

extern const char td_exception_stubs[];

static const volatile struct td_params *const params =
	(const volatile struct td_params *)TD_PARAMS_GPA;
static volatile struct td_state *const state = (volatile struct td_state *)TD_STATE_GPA;
static uint64_t *const accept_map = (uint64_t *)TD_ACCEPT_MAP_GPA;

/* The run parameters: a per-vCPU copy of td_params that TD_CMD_SET edits. */
struct td_run {
	uint32_t pattern, write_pct, passes, accept_level;
	uint64_t stride, seed, progress;
};

struct td_cpu {
	uint32_t index;
	uint32_t nr_vcpus;
	uint64_t shared_bit;
	uint64_t mem_gpa, mem_size;
	struct td_run run;
	uint64_t accepted, fallbacks;
};


static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

/* Arguments first (the host cannot read our memory), then the number. */
static void ucall(uint32_t nr, const uint64_t *args, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && i < TD_UCALL_MAX_ARGS; i++) {
		td_out32(TD_UCALL_ARG_PORT, (uint32_t)args[i]);
		td_out32(TD_UCALL_ARG_PORT, (uint32_t)(args[i] >> 32));
	}
	td_out32(GUEST_UCALL_PORT, nr);
}

static uint64_t cmd_in64(void)
{
	uint64_t lo = td_in32(TD_CMD_PORT);

	return lo | (uint64_t)td_in32(TD_CMD_PORT) << 32;
}

/* Say why on the ucall port, then ReportFatalError: the TD is done. */
static void __attribute__((noreturn)) fail(uint32_t err, uint64_t d0, uint64_t d1)
{
	uint64_t args[3] = { err, d0, d1 };

	ucall(UCALL_ERROR, args, 3);
	td_report_fatal(err);
}

void td_exception(const uint64_t *frame)
{
	uint64_t args[4], cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	args[0] = frame[0];		/* vector */
	args[1] = frame[1];		/* error code */
	args[2] = frame[2];		/* rip */
	args[3] = cr2;
	ucall(UCALL_EXCEPTION, args, 4);
	td_report_fatal(TD_ERR_EXCEPTION);
}

static void build_idt(void)
{
	int i;

	for (i = 0; i < 32; i++)
		idt_set(i, (uint64_t)td_exception_stubs + 16 * i, TD_SEL_CODE64);
}

static uint64_t *pt_next(uint64_t *table, unsigned int idx)
{
	uint64_t *e = &table[idx], *page;
	unsigned int i;

	if (!(*e & 1)) {
		if (state->pt_used + GUEST_PAGE_SIZE > TD_PT_SIZE)
			fail(TD_ERR_PT_FULL, state->pt_used, TD_PT_SIZE);
		page = (uint64_t *)(TD_PT_GPA + state->pt_used);
		state->pt_used += GUEST_PAGE_SIZE;
		for (i = 0; i < 512; i++)
			page[i] = 0;
		*e = (uint64_t)page | PTE_P_RW;
	}
	return (uint64_t *)(*e & PTE_ADDR);
}

/* vCPU 0 only, before anyone touches test memory: 2M identity leaves. */
static void map_test_memory(const struct td_cpu *c)
{
	uint64_t *pml4 = (uint64_t *)TD_PT_PML4, *pdpt, *pd, va;
	uint64_t end = c->mem_gpa + c->mem_size;

	for (va = c->mem_gpa; va < end; va += GUEST_HUGE_SIZE) {
		pdpt = pt_next(pml4, (va >> 39) & 511);
		pd = pt_next(pdpt, (va >> 30) & 511);
		pd[(va >> 21) & 511] = va | PTE_LEAF_2M;
	}
}

static void check_params(struct td_cpu *c, uint32_t gpaw, uint32_t params_gpa)
{
	uint64_t gpa = params->mem_gpa, size = params->mem_size;

	if (params_gpa != TD_PARAMS_GPA)
		fail(TD_ERR_PARAMS, 1, params_gpa);
	if (params->magic != TD_ABI_MAGIC || params->version != TD_ABI_VERSION)
		fail(TD_ERR_PARAMS, 2, params->magic);
	if (gpaw != 48 && gpaw != 52)
		fail(TD_ERR_PARAMS, 3, gpaw);
	c->nr_vcpus = params->nr_vcpus;
	if (!c->nr_vcpus || c->nr_vcpus > TD_MAX_VCPUS || c->index >= c->nr_vcpus)
		fail(TD_ERR_VCPU_INDEX, c->index, c->nr_vcpus);
	c->shared_bit = td_shared_bit(gpaw);
	if (gpa % GUEST_HUGE_SIZE || gpa < TD_4G || !size || size % GUEST_PAGE_SIZE ||
	    gpa + size > c->shared_bit || gpa + size < gpa)
		fail(TD_ERR_PARAMS, 4, gpa);
	c->mem_gpa = gpa;
	c->mem_size = size;
	c->run = (struct td_run) {
		.pattern = params->pattern,
		.write_pct = params->write_pct,
		.passes = params->passes,
		.accept_level = params->accept_level,
		.stride = params->stride,
		.seed = params->seed,
		.progress = params->progress_pages,
	};
}

static void check_run(const struct td_cpu *c)
{
	const struct td_run *r = &c->run;

	if (r->pattern > GUEST_PAT_HUGE || !r->passes || r->write_pct > 100)
		fail(TD_ERR_PARAMS, 5, r->pattern);
	if (r->accept_level > TD_ACCEPT_2M)
		fail(TD_ERR_PARAMS, 6, r->accept_level);
	if (r->accept_level == TD_ACCEPT_2M &&
	    (c->mem_size % GUEST_HUGE_SIZE ||
	     c->mem_size / GUEST_HUGE_SIZE > TD_ACCEPT_MAP_SIZE * 8))
		fail(TD_ERR_PARAMS, 7, c->mem_size);
}

/* Accept one page or chunk; retry while the TDX module says busy. */
static uint64_t accept(struct td_cpu *c, uint64_t gpa, unsigned int level)
{
	uint64_t st;

	do {
		st = td_accept(gpa, level);
	} while (TDX_STATUS(st) == TDX_STATUS(TDX_OPERAND_BUSY));
	if (!st)
		c->accepted++;
	return st;
}

static void accept_chunk(struct td_cpu *c, uint64_t gpa)
{
	uint64_t st = accept(c, gpa, TD_ACCEPT_2M), i;

	if (!st)
		return;
	/* Mapped at 4K on the host side: accept the pages one by one. */
	if (TDX_STATUS(st) != TDX_STATUS(TDX_PAGE_SIZE_MISMATCH))
		fail(TD_ERR_ACCEPT, gpa | TD_ACCEPT_2M, st);
	c->fallbacks++;
	for (i = 0; i < CHUNK_PAGES; i++) {
		st = accept(c, gpa + i * GUEST_PAGE_SIZE, TD_ACCEPT_4K);
		if (st)
			fail(TD_ERR_ACCEPT, gpa + i * GUEST_PAGE_SIZE, st);
	}
}

/*
 * The range went (or may have gone) back to pending: forget its chunks'
 * 2M accepts, else the next 2M pass skips the accept and touches a
 * pending page, which makes KVM kill the TD.  A chunk only partly in the
 * range is forgotten too: it cannot be accepted at 2M any more.
 */
static void forget_accepts(const struct td_cpu *c, uint64_t gpa, uint64_t size)
{
	uint64_t lo, hi, ch;

	if (gpa + size <= c->mem_gpa || gpa >= c->mem_gpa + c->mem_size)
		return;
	lo = gpa > c->mem_gpa ? (gpa - c->mem_gpa) / GUEST_HUGE_SIZE : 0;
	hi = (gpa + size < c->mem_gpa + c->mem_size ? gpa + size : c->mem_gpa + c->mem_size) -
	     c->mem_gpa;
	hi = (hi + GUEST_HUGE_SIZE - 1) / GUEST_HUGE_SIZE;
	for (ch = lo; ch < hi; ch++)
		__atomic_fetch_and(&accept_map[ch / 64], ~(1ull << (ch % 64)), __ATOMIC_RELAXED);
}

/* Before the first touch of a page (first pass only): accept it or its chunk. */
static void accept_before(void *ctx, uint64_t gpa, uint32_t pass)
{
	struct td_cpu *c = ctx;
	uint64_t chunk, bit, st;

	if (pass)
		return;
	if (c->run.accept_level == TD_ACCEPT_4K) {
		st = accept(c, gpa, TD_ACCEPT_4K);
		if (st)
			fail(TD_ERR_ACCEPT, gpa, st);
		return;
	}
	chunk = (gpa - c->mem_gpa) / GUEST_HUGE_SIZE;
	bit = 1ull << (chunk % 64);
	if (__atomic_fetch_or(&accept_map[chunk / 64], bit, __ATOMIC_RELAXED) & bit)
		return;
	accept_chunk(c, gpa & ~(GUEST_HUGE_SIZE - 1));
}

static void progress_ucall(void *ctx, uint64_t touched)
{
	ucall(UCALL_PROGRESS, &touched, 1);
}

/*
 * After the window: the histogram's header, then its non-zero buckets,
 * TD_UCALL_MAX_ARGS per ucall (td_abi.h, "Latency").
 */
static void report_lathist(const struct lathist *h)
{
	uint64_t hdr[TD_LH_NR], e[TD_UCALL_MAX_ARGS];
	unsigned int n = 0;
	uint32_t b;

	hdr[TD_LH_COUNT] = h->count;
	hdr[TD_LH_SUM] = h->sum;
	hdr[TD_LH_MIN] = h->min;
	hdr[TD_LH_MAX] = h->max;
	hdr[TD_LH_OVERFLOW] = h->overflow;
	hdr[TD_LH_ENTRIES] = 0;
	for (b = 0; b < LATHIST_NR_BUCKETS; b++)
		hdr[TD_LH_ENTRIES] += !!h->buckets[b];
	ucall(TD_UCALL_LATHIST, hdr, TD_LH_NR);
	for (b = 0; b < LATHIST_NR_BUCKETS; b++) {
		if (!h->buckets[b])
			continue;
		e[n++] = TD_LATHIST_ENTRY(b, h->buckets[b]);
		if (n == TD_UCALL_MAX_ARGS) {
			ucall(TD_UCALL_LATHIST_BUCKETS, e, n);
			n = 0;
		}
	}
	if (n)
		ucall(TD_UCALL_LATHIST_BUCKETS, e, n);
}

/*
 * The phase.  With 2M accepts the slices are whole chunks, so no chunk
 * is shared between two vCPUs.  With TD_RUN_LATENCY each op (accept and
 * touch) is timed into @lat, which goes to the host after the window.
 */
static void run_phase(struct td_cpu *c, uint32_t cmd)
{
	uint64_t pages = c->mem_size / GUEST_PAGE_SIZE, first, count, t0, t1;
	uint64_t done[TD_DONE_NR];
	struct touch_result res;
	struct touch_walk w;
	struct lathist lat;

	check_run(c);
	if (c->run.accept_level == TD_ACCEPT_2M) {
		guest_partition(pages / CHUNK_PAGES, c->nr_vcpus, c->index, &first, &count);
		first *= CHUNK_PAGES;
		count *= CHUNK_PAGES;
	} else {
		guest_partition(pages, c->nr_vcpus, c->index, &first, &count);
	}
	w = (struct touch_walk) {
		.mem_gpa = c->mem_gpa,
		.first = first,
		.count = count,
		.pattern = c->run.pattern,
		.write_pct = c->run.write_pct,
		.stride = c->run.stride,
		.seed = c->run.seed,
		.passes = c->run.passes,
		.stamp = ((uint64_t)c->index << 48) | 1,
		.progress = c->run.progress,
	};
	/*
	 * An accepting phase runs on pending memory (a 4K accept of an
	 * accepted page fails as well): the host may have punched the range
	 * since the last one, which the guest does not see.
	 */
	if (cmd & TD_RUN_ACCEPT && c->run.accept_level == TD_ACCEPT_2M)
		forget_accepts(c, c->mem_gpa + first * GUEST_PAGE_SIZE, count * GUEST_PAGE_SIZE);
	c->accepted = c->fallbacks = 0;
	if (cmd & TD_RUN_LATENCY)
		lathist_reset(&lat);
	ucall(UCALL_START, NULL, 0);
	/* Constant hooks and histogram per call: the untimed loop stays as it was. */
	t0 = rdtsc_ordered();
	if (cmd & TD_RUN_LATENCY) {
		if (cmd & TD_RUN_ACCEPT)
			touch_walk(&w, &res, accept_before, progress_ucall, c, &lat);
		else
			touch_walk(&w, &res, NULL, progress_ucall, c, &lat);
	} else if (cmd & TD_RUN_ACCEPT) {
		touch_walk(&w, &res, accept_before, progress_ucall, c, NULL);
	} else {
		touch_walk(&w, &res, NULL, progress_ucall, c, NULL);
	}
	t1 = rdtsc_ordered();
	if (cmd & TD_RUN_LATENCY)
		report_lathist(&lat);
	done[TD_DONE_PAGES] = res.touched;
	done[TD_DONE_WRITES] = res.writes;
	done[TD_DONE_ACCEPTED] = c->accepted;
	done[TD_DONE_FALLBACKS] = c->fallbacks;
	done[TD_DONE_CYCLES] = t1 - t0;
	done[TD_DONE_SUM] = res.sum;
	ucall(UCALL_DONE, done, TD_DONE_NR);
}

/*
 * MapGPA one range.  The VMM may stop part way with RETRY and the GPA to
 * go on from in R11 (KVM does so when an interrupt is pending, or when
 * userspace answered a chunk with EAGAIN: then R11 is that chunk).
 */
static void convert(struct td_cpu *c, uint32_t cmd)
{
	uint64_t gpa = cmd_in64(), size = cmd_in64(), shared = cmd & TD_CONVERT_SHARED;
	uint64_t req, end, resume, st, calls = 0, stalled = 0, args[4];

	if ((gpa | size) % GUEST_PAGE_SIZE || !size || gpa & c->shared_bit ||
	    gpa + size > c->shared_bit)
		fail(TD_ERR_MAP_GPA, gpa, size);
	req = gpa | (shared ? c->shared_bit : 0);
	end = req + size;
	for (;;) {
		st = td_map_gpa(req, end - req, &resume);
		calls++;
		if (st == TDVMCALL_SUCCESS)
			break;
		/* RETRY may also come back without progress: bounded. */
		if (st != TDVMCALL_RETRY || resume < req || resume >= end ||
		    (resume == req && ++stalled > 1000))
			fail(TD_ERR_MAP_GPA, req, st);
		if (resume > req)
			stalled = 0;
		req = resume;
	}
	/* Shared now, or private and pending: either way not accepted. */
	forget_accepts(c, gpa, size);
	args[0] = gpa;
	args[1] = size;
	args[2] = !!shared;
	args[3] = calls;
	ucall(TD_UCALL_CONVERTED, args, 4);
}

static void set_field(struct td_cpu *c, uint32_t cmd)
{
	uint32_t field = (cmd >> 8) & 0xff;
	uint64_t v = cmd_in64();

	switch (field) {
	case TD_F_PATTERN:
		c->run.pattern = v;
		break;
	case TD_F_WRITE_PCT:
		c->run.write_pct = v;
		break;
	case TD_F_STRIDE:
		c->run.stride = v;
		break;
	case TD_F_SEED:
		c->run.seed = v;
		break;
	case TD_F_PASSES:
		c->run.passes = v;
		break;
	case TD_F_ACCEPT_LEVEL:
		c->run.accept_level = v;
		break;
	case TD_F_PROGRESS:
		c->run.progress = v;
		break;
	default:
		fail(TD_ERR_COMMAND, cmd, v);
	}
}

static void report_booted(const struct td_cpu *c, uint32_t gpaw)
{
	uint64_t args[4], cr0, cr4, efer = 0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
#ifdef TD_SHIM
	{
		uint32_t lo, hi;

		/* Only in the default VM: in a TD, EFER is the TDX module's. */
		asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
		efer = ((uint64_t)hi << 32) | lo;
	}
#endif
	args[0] = cr0;
	args[1] = cr4;
	args[2] = efer;
	args[3] = (uint64_t)gpaw << 32 | c->index;
	ucall(TD_UCALL_BOOTED, args, 4);
}

void td_main(uint32_t index, uint32_t gpaw, uint32_t params_gpa)
{
	struct td_cpu c = { .index = index };
	uint32_t cmd;

	if (!index) {
		build_idt();
		idt_load();
		check_params(&c, gpaw, params_gpa);
		map_test_memory(&c);
		__atomic_store_n(&state->mem_mapped, 1, __ATOMIC_RELEASE);
	} else {
		while (!__atomic_load_n(&state->mem_mapped, __ATOMIC_ACQUIRE))
			cpu_relax();
		idt_load();
		check_params(&c, gpaw, params_gpa);
	}
	report_booted(&c, gpaw);

	for (;;) {
		cmd = td_in32(TD_CMD_PORT);
		switch (cmd & TD_CMD_MASK) {
		case TD_CMD_RUN:
			run_phase(&c, cmd);
			break;
		case TD_CMD_CONVERT:
			convert(&c, cmd);
			break;
		case TD_CMD_SET:
			set_field(&c, cmd);
			break;
		case TD_CMD_EXIT:
			ucall(UCALL_EXIT, NULL, 0);
			break;
		default:
			fail(TD_ERR_COMMAND, cmd, 0);
		}
	}
}
