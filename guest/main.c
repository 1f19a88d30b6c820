// SPDX-License-Identifier: GPL-2.0
/*
 * The guest payload: wait at the start barrier, walk test memory in the
 * requested pattern, report cycles and counts.  Loops over phases: after
 * DONE the host keeps the vCPU out of the guest until it has written the
 * next phase, so the guest simply starts over.
 */
#include "abi.h"
#include "idt.h"
#include "pattern.h"
#include "tsc.h"
#include "touch.h"

#include <stdbool.h>
#include <stddef.h>

void guest_main(uint64_t index);
void guest_exception(const uint64_t *frame);

extern const uint64_t guest_exception_stubs[32];

static volatile struct guest_params *const params =
	(volatile struct guest_params *)GUEST_PARAMS_GPA;


static inline struct guest_vcpu *self(void)
{
	struct guest_vcpu *v;

	asm volatile("mov %%gs:0, %0" : "=r"(v));
	return v;
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static void ucall(struct guest_vcpu *v, uint32_t nr)
{
	v->ucall = nr;
	asm volatile("outl %0, %w1" :: "a"(nr), "Nd"(GUEST_UCALL_PORT) : "memory");
}

static void copy_msg(struct guest_vcpu *v, const char *msg)
{
	size_t i;

	for (i = 0; msg[i] && i < sizeof(v->msg) - 1; i++)
		v->msg[i] = msg[i];
	v->msg[i] = '\0';
}

static void __attribute__((noreturn)) fail(struct guest_vcpu *v, const char *msg,
					   uint64_t a0, uint64_t a1)
{
	copy_msg(v, msg);
	v->args[0] = a0;
	v->args[1] = a1;
	for (;;)
		ucall(v, UCALL_ERROR);
}

void guest_exception(const uint64_t *frame)
{
	struct guest_vcpu *v = self();
	uint64_t cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	v->args[0] = frame[0];		/* vector */
	v->args[1] = frame[1];		/* error code */
	v->args[2] = frame[2];		/* rip */
	v->args[3] = cr2;
	for (;;)
		ucall(v, UCALL_EXCEPTION);
}

static void setup_idt(void)
{
	int i;

	for (i = 0; i < 32; i++)
		idt_set(i, guest_exception_stubs[i], GUEST_SEL_CODE);
	idt_load();
}

/* Spin until the host (or the last vCPU in) releases this phase. */
static void barrier(struct guest_vcpu *v, uint64_t phase)
{
	uint64_t n = __atomic_add_fetch(&params->arrived, 1, __ATOMIC_SEQ_CST);

	if (params->guest_release && n == params->nr_vcpus)
		__atomic_store_n(&params->go, phase, __ATOMIC_RELEASE);
	ucall(v, UCALL_READY);
	while (__atomic_load_n(&params->go, __ATOMIC_ACQUIRE) != phase) {
		if (__atomic_load_n(&params->abort, __ATOMIC_RELAXED))
			fail(v, "aborted by the host at the start barrier", phase, 0);
		cpu_relax();
	}
}

static void progress_ucall(void *ctx, uint64_t touched)
{
	struct guest_vcpu *v = ctx;

	v->args[0] = touched;
	ucall(v, UCALL_PROGRESS);
}

static void touch(struct guest_vcpu *v)
{
	uint64_t pages = params->mem_size / GUEST_PAGE_SIZE, first = 0, count = pages;
	uint64_t seed = params->seed;
	struct touch_result res;
	struct touch_walk w;

	if (!params->shared)
		guest_partition(pages, params->nr_vcpus, v->index, &first, &count);
	else
		seed ^= pattern_mix(v->index);	/* shared walks: differ per vCPU */

	w = (struct touch_walk) {
		.mem_gpa = params->mem_gpa,
		.first = first,
		.count = count,
		.pattern = params->pattern,
		.write_pct = params->write_pct,
		.stride = params->stride,
		.seed = seed,
		.passes = params->passes,
		.stamp = ((uint64_t)v->index << 48) | 1,
		.progress = params->progress_pages,
	};
	if (params->latency) {
		struct lathist *lat = (struct lathist *)(GUEST_LATHIST_GPA +
							 v->index * sizeof(*lat));

		lathist_reset(lat);
		v->tsc_start = rdtsc_ordered();
		touch_walk(&w, &res, NULL, progress_ucall, v, lat);
	} else {
		v->tsc_start = rdtsc_ordered();
		touch_walk(&w, &res, NULL, progress_ucall, v, NULL);
	}
	v->tsc_end = rdtsc_ordered();
	v->pages = res.touched;
	v->writes = res.writes;
	v->sum = res.sum;
}

/* vmcall on Intel, vmmcall on AMD: KVM would patch the other one, in our code. */
static bool cpu_is_amd(void)
{
	uint32_t a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return b == 0x68747541;		/* "Auth"enticAMD */
}

static uint64_t hypercall3(bool amd, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t ret;

	if (amd)
		asm volatile("vmmcall" : "=a"(ret) : "a"(nr), "b"(a0), "c"(a1), "d"(a2) : "memory");
	else
		asm volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(a0), "c"(a1), "d"(a2) : "memory");
	return ret;
}

/* Ask the host by port I/O; its answer is in args[3] when the OUT returns. */
static uint64_t map_gpa_port(struct guest_vcpu *v, uint64_t gpa, uint64_t n, uint64_t attrs)
{
	volatile struct guest_vcpu *vv = v;

	vv->args[0] = gpa;
	vv->args[1] = n;
	vv->args[2] = attrs;
	vv->args[3] = ~0ull;
	ucall(v, UCALL_MAP_GPA);
	return vv->args[3];
}

/*
 * The vCPU's slice to shared or private, one request per 2 MiB (as a
 * TD's MapGPA): a hypercall, or with @by_port a port I/O request.
 */
static void map_gpa(struct guest_vcpu *v, bool by_port)
{
	uint64_t pages = params->mem_size / GUEST_PAGE_SIZE, first = 0, count = pages, n, ret;
	uint64_t chunk = GUEST_HUGE_SIZE / GUEST_PAGE_SIZE, gpa, done = 0, calls = 0;
	uint64_t attrs = params->map_private ? GUEST_MAP_GPA_ENCRYPTED : GUEST_MAP_GPA_DECRYPTED;
	/* No CPUID by port: it is an exit that needs KVM's emulator. */
	bool amd = !by_port && cpu_is_amd();

	if (!params->shared)
		guest_partition(pages, params->nr_vcpus, v->index, &first, &count);
	v->tsc_start = rdtsc_ordered();
	while (done < count) {
		gpa = params->mem_gpa + (first + done) * GUEST_PAGE_SIZE;
		/* Up to the next 2 MiB boundary, so each call is one range. */
		n = chunk - ((gpa / GUEST_PAGE_SIZE) % chunk);
		if (n > count - done)
			n = count - done;
		ret = by_port ? map_gpa_port(v, gpa, n, attrs | GUEST_MAP_GPA_PAGE_SIZE_4K) :
		      hypercall3(amd, GUEST_HC_MAP_GPA_RANGE, gpa, n,
				 attrs | GUEST_MAP_GPA_PAGE_SIZE_4K);
		if (ret)
			fail(v, by_port ? "MapGPA by port I/O failed (gpa, ret)" :
			     "KVM_HC_MAP_GPA_RANGE failed (gpa, ret)", gpa, ret);
		done += n;
		calls++;
	}
	v->tsc_end = rdtsc_ordered();
	v->pages = done;
	v->writes = calls;
}

/*
 * Fault in the whole system slot (code, page tables, stacks) before the
 * first barrier, so no timed phase pays for the payload's own pages.
 * Page 0 is never used; skipping it keeps clear of NULL.
 */
static void prefault_system(struct guest_vcpu *v)
{
	uint64_t a, sum = 0;

	for (a = GUEST_PAGE_SIZE; a < params->sys_size; a += GUEST_PAGE_SIZE)
		sum += *(volatile uint8_t *)a;
	v->sum = sum;
}

void guest_main(uint64_t index)
{
	struct guest_vcpu *v = self();
	uint64_t phase;

	setup_idt();
	if (params->magic != GUEST_ABI_MAGIC || params->version != GUEST_ABI_VERSION)
		fail(v, "parameter block magic/version mismatch", params->magic, params->version);
	if (v->index != index)
		fail(v, "vCPU block index does not match RDI", v->index, index);
	prefault_system(v);

	for (;;) {
		phase = params->phase;
		if (params->cmd == GUEST_CMD_EXIT) {
			ucall(v, UCALL_EXIT);
			continue;
		}
		if (params->cmd != GUEST_CMD_TOUCH && params->cmd != GUEST_CMD_MAP_GPA &&
		    params->cmd != GUEST_CMD_MAP_GPA_PORT)
			fail(v, "unknown command", params->cmd, 0);
		if (params->pattern > GUEST_PAT_HUGE)
			fail(v, "unknown touch pattern", params->pattern, 0);
		if (params->passes < 1 || (params->mem_gpa | params->mem_size) % GUEST_PAGE_SIZE)
			fail(v, "bad passes or unaligned test memory", params->passes,
			     params->mem_size);
		barrier(v, phase);
		ucall(v, UCALL_START);
		if (params->cmd == GUEST_CMD_MAP_GPA || params->cmd == GUEST_CMD_MAP_GPA_PORT)
			map_gpa(v, params->cmd == GUEST_CMD_MAP_GPA_PORT);
		else
			touch(v);
		ucall(v, UCALL_DONE);
	}
}
