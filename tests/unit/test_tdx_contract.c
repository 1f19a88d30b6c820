// SPDX-License-Identifier: GPL-2.0
/*
 * Contract tests of the TD life cycle against a scripted fake of the KVM
 * ioctl layer that checks what Documentation/virt/kvm/x86/intel-tdx.rst
 * and arch/x86/kvm/vmx/tdx.c require: the order of calls, the fields
 * passed, -E2BIG sizing, MapGPA answers, and that every failing step
 * leaves nothing open.  No TDX hardware was involved.
 */
#include "env/env.h"
#include "tdx/td.h"
#include "tdx/td_run.h"
#include "tap.h"

#include "guest/abi.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/mman.h>
#include <linux/kvm_para.h>
#include <pthread.h>
#include <stddef.h>

#define FAKE_FD0	100
#define MAX_FDS		64
#define CAPS_LEAVES	5
#define MAX_EXITS	32
#define FAKE_HOST_TSC_KHZ 2112000
#define FAKE_PLATFORM_FMS 0x806f6	/* this socket reports 0x806f8 */
#define RUN_DATA_OFF	2048	/* where the fake puts port I/O data in kvm_run */

/* One scripted KVM_RUN result for one vCPU. */
struct fake_exit {
	int vcpu;
	uint32_t reason;
	uint16_t port;
	uint8_t dir;		/* KVM_EXIT_IO_IN / _OUT */
	uint32_t value;		/* OUT data */
	uint64_t a[3];		/* hypercall nr, args[0..1] / fatal R12 */
	uint64_t a2;		/* hypercall args[2] / memory fault flags */
};

struct fake {
	struct kvm_io io;
	int calls, fail_at;
	long fail_err;
	uint64_t fail_hw;
	bool open[MAX_FDS];
	int next_fd, live_maps;
	char seq[2048];			/* step names in call order */
	int kvm_fd, vm_fd, gmem_fd;
	bool split_irqchip, init_vm_done, finalized;
	uint64_t hypercall_exits;
	int vcpus, cpuid_set[8], x2apic[8];
	uint64_t rcx[8];
	struct kvm_cpuid_entry2 init_cpuid[16];
	uint32_t init_nent;
	uint64_t attributes, xfam;
	uint64_t priv_lo[4], priv_hi[4];	/* private ranges set */
	int nr_priv;
	uint64_t measured_pages, image_gpa;
	bool eintr_once;
	int eagain_init_vm, eagain_mem;	/* -EAGAIN this many times (no entropy) */
	int init_vm_calls;
	unsigned int max_vcpus;		/* KVM_CAP_MAX_VCPUS on the TD VM */
	bool max_vcpus_asked;
	uint64_t tsc_set;		/* KVM_SET_TSC_KHZ on the VM, before INIT_VM */
	/* The last fallocate() and madvise() (conversions freeing memory). */
	int falloc_fd, falloc_mode, nr_falloc, nr_madv, madv_advice;
	uint64_t falloc_off, falloc_len, madv_len;
	void *madv_addr;
	int attr_calls;
	long attr_result;		/* forced result of SET_MEMORY_ATTRIBUTES */
	struct kvm_memory_attributes last_attr;
	unsigned int caps_need, getcpuid_need;
	bool e2big_caps, e2big_getcpuid;
	/* KVM_RUN: scripted exits, and what the host answered to them. */
	struct kvm_run **runs;
	struct fake_exit ex[MAX_EXITS];
	int nr_ex;
	bool ex_used[MAX_EXITS];
	uint32_t in_answers[2][8];
	int nr_in_answers[2];
	uint64_t hc_ret[2];
	int runs_done;
};

/* vCPU threads share the fake. */
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;

static long fake_run(struct fake *f, int v)
{
	struct kvm_run *run;
	int i;

	if (v < 0 || v >= f->vcpus || v >= 2 || !f->runs)
		return -EINVAL;
	run = f->runs[v];
	/* Collect the answer to the previous exit, as KVM would consume it. */
	if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_IN &&
	    f->nr_in_answers[v] < 8)
		f->in_answers[v][f->nr_in_answers[v]++] = *(uint32_t *)((uint8_t *)run + RUN_DATA_OFF);
	if (run->exit_reason == KVM_EXIT_HYPERCALL)
		f->hc_ret[v] = run->hypercall.ret;
	f->runs_done++;
	for (i = 0; i < f->nr_ex; i++) {
		const struct fake_exit *e = &f->ex[i];

		if (f->ex_used[i] || e->vcpu != v)
			continue;
		f->ex_used[i] = true;
		memset(run, 0, sizeof(*run));
		run->exit_reason = e->reason;
		switch (e->reason) {
		case KVM_EXIT_IO:
			run->io.direction = e->dir;
			run->io.size = 4;
			run->io.port = e->port;
			run->io.count = 1;
			run->io.data_offset = RUN_DATA_OFF;
			*(uint32_t *)((uint8_t *)run + RUN_DATA_OFF) = e->value;
			break;
		case KVM_EXIT_HYPERCALL:
			run->hypercall.nr = e->a[0];
			run->hypercall.args[0] = e->a[1];
			run->hypercall.args[1] = e->a[2];
			run->hypercall.args[2] = e->a2;
			run->hypercall.ret = 0xdead;
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			run->system_event.type = KVM_SYSTEM_EVENT_TDX_FATAL;
			run->system_event.ndata = 16;
			run->system_event.data[12] = e->a[0];	/* R12 */
			break;
		case KVM_EXIT_MEMORY_FAULT:
			/* KVM_RUN fails with -EFAULT and fills memory_fault. */
			run->memory_fault.gpa = e->a[1];
			run->memory_fault.size = e->a[2];
			run->memory_fault.flags = e->a2;
			return -EFAULT;
		}
		return 0;
	}
	return -EIO;	/* the script ran out: the runtime should have stopped */
}

static void note(struct fake *f, const char *what)
{
	strncat(f->seq, what, sizeof(f->seq) - strlen(f->seq) - 2);
	strcat(f->seq, " ");
}

static int new_fd(struct fake *f)
{
	int fd = FAKE_FD0 + f->next_fd++;

	f->open[fd - FAKE_FD0] = true;
	return fd;
}

static bool injected(struct fake *f)
{
	return ++f->calls == f->fail_at;
}

static int fake_open(struct kvm_io *io)
{
	struct fake *f = io->priv;

	note(f, "open");
	if (injected(f))
		return f->fail_err;
	return f->kvm_fd = new_fd(f);
}

static const struct kvm_cpuid_entry2 caps_leaves[CAPS_LEAVES] = {
	{ .function = 1, .eax = ~0u, .ebx = ~0u, .ecx = 0x7ffefbff, .edx = ~0u },
	{ .function = 7, .index = 0, .ebx = ~0u, .ecx = ~0u, .edx = ~0u },
	{ .function = 0xd, .index = 1, .eax = ~0u },
	{ .function = 0x80000008, .eax = 0xff0000 },	/* only the GPAW is configurable */
	{ .function = 0x40000000 },			/* the host has no such leaf */
};

/* INIT_MEM_REGION works on private GPAs only (tdx.c). */
static bool is_private(const struct fake *f, uint64_t gpa, uint64_t size)
{
	int i;

	for (i = 0; i < f->nr_priv; i++)
		if (gpa >= f->priv_lo[i] && gpa + size <= f->priv_hi[i])
			return true;
	return false;
}

static long do_tdx(struct fake *f, int fd, struct kvm_tdx_cmd *cmd)
{
	switch (cmd->id) {
	case KVM_TDX_CAPABILITIES: {
		struct kvm_tdx_capabilities *c = (void *)(uintptr_t)cmd->data;

		note(f, "CAPABILITIES");
		if (fd != f->vm_fd || cmd->flags)
			return -EINVAL;
		if (c->cpuid.nent < f->caps_need) {
			f->e2big_caps = true;
			return -E2BIG;	/* nent is not updated: the caller must grow */
		}
		c->supported_attrs = 1ull << 28 | 1ull << 30;
		c->supported_xfam = 0x2e7;
		c->cpuid.nent = CAPS_LEAVES;
		memcpy(c->cpuid.entries, caps_leaves, sizeof(caps_leaves));
		return 0;
	}
	case KVM_TDX_INIT_VM: {
		struct kvm_tdx_init_vm *iv = (void *)(uintptr_t)cmd->data;
		static const uint64_t zero[12];
		uint32_t i;

		note(f, "INIT_VM");
		f->init_vm_calls++;
		if (fd != f->vm_fd || cmd->flags || f->vcpus || f->init_vm_done ||
		    memcmp(iv->reserved, zero, sizeof(zero)) || iv->cpuid.padding ||
		    iv->cpuid.nent > 16)
			return -EINVAL;
		if (f->eagain_init_vm) {
			f->eagain_init_vm--;	/* TDX_RND_NO_ENTROPY */
			return -EAGAIN;
		}
		/* The platform's FMS (lowest stepping across sockets) or 0, nothing else. */
		for (i = 0; i < iv->cpuid.nent; i++)
			if (iv->cpuid.entries[i].function == 1 && iv->cpuid.entries[i].eax &&
			    iv->cpuid.entries[i].eax != FAKE_PLATFORM_FMS)
				return -EINVAL;
		f->attributes = iv->attributes;
		f->xfam = iv->xfam;
		f->init_nent = iv->cpuid.nent;
		memcpy(f->init_cpuid, iv->cpuid.entries, iv->cpuid.nent * sizeof(iv->cpuid.entries[0]));
		f->init_vm_done = true;
		return 0;
	}
	case KVM_TDX_GET_CPUID: {
		struct kvm_cpuid2 *c = (void *)(uintptr_t)cmd->data;

		note(f, "GET_CPUID");
		if (c->nent < f->getcpuid_need) {
			c->nent = f->getcpuid_need;	/* KVM reports what it needs */
			f->e2big_getcpuid = true;
			return -E2BIG;
		}
		c->nent = 2;
		c->entries[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 0xd };
		c->entries[1] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = 0x1 };
		return 0;
	}
	case KVM_TDX_INIT_VCPU: {
		int v = fd - f->vm_fd - 2;

		note(f, "INIT_VCPU");
		if (v < 0 || v >= f->vcpus || cmd->flags)
			return -EINVAL;
		/* tdx.c sets x2APIC mode here: CPUID must have allowed it. */
		if (!f->cpuid_set[v] || !f->x2apic[v])
			return -EINVAL;
		f->rcx[v] = cmd->data;
		return 0;
	}
	case KVM_TDX_INIT_MEM_REGION: {
		struct kvm_tdx_init_mem_region *r = (void *)(uintptr_t)cmd->data;

		note(f, "INIT_MEM_REGION");
		if (f->finalized || !(cmd->flags & KVM_TDX_MEASURE_MEMORY_REGION) ||
		    r->source_addr & 4095 || r->gpa & 4095 || !r->nr_pages ||
		    !is_private(f, r->gpa, r->nr_pages * 4096))
			return -EINVAL;
		if (!f->image_gpa)
			f->image_gpa = r->gpa;
		if (f->eagain_mem) {
			f->eagain_mem--;
			return -EAGAIN;
		}
		if (f->eintr_once) {
			/* A signal after one page: the range is updated, -EINTR. */
			f->eintr_once = false;
			r->gpa += 4096;
			r->source_addr += 4096;
			r->nr_pages--;
			f->measured_pages++;
			return -EINTR;
		}
		f->measured_pages += r->nr_pages;
		r->gpa += r->nr_pages * 4096;
		r->nr_pages = 0;
		return 0;
	}
	case KVM_TDX_FINALIZE_VM:
		note(f, "FINALIZE");
		if (fd != f->vm_fd || cmd->data || !f->measured_pages)
			return -EINVAL;
		f->finalized = true;
		return 0;
	}
	return -EINVAL;
}

static long fake_ioctl_locked(struct kvm_io *io, int fd, unsigned long req, void *arg);

static long fake_ioctl(struct kvm_io *io, int fd, unsigned long req, void *arg)
{
	long r;

	pthread_mutex_lock(&fake_lock);
	r = fake_ioctl_locked(io, fd, req, arg);
	pthread_mutex_unlock(&fake_lock);
	return r;
}

static long fake_ioctl_locked(struct kvm_io *io, int fd, unsigned long req, void *arg)
{
	struct fake *f = io->priv;
	long r = 0;

	if (fd < FAKE_FD0 || fd >= FAKE_FD0 + MAX_FDS || !f->open[fd - FAKE_FD0])
		return -EBADF;
	if (req == KVM_MEMORY_ENCRYPT_OP && injected(f)) {
		struct kvm_tdx_cmd *cmd = arg;

		note(f, "(fail)");
		cmd->hw_error = f->fail_hw;
		return f->fail_err;
	}
	if (req != KVM_MEMORY_ENCRYPT_OP && injected(f)) {
		note(f, "(fail)");
		return f->fail_err;
	}
	switch (req) {
	case KVM_CHECK_EXTENSION:
		note(f, "CHECK_EXTENSION");
		if ((uintptr_t)arg == KVM_CAP_MAX_VCPUS && fd == f->vm_fd) {
			f->max_vcpus_asked = true;
			return f->max_vcpus;
		}
		return (uintptr_t)arg == KVM_CAP_VM_TYPES ? (1 << 0 | 1 << KVM_X86_TDX_VM) : 0;
	case KVM_GET_TSC_KHZ:
		note(f, "GET_TSC_KHZ");
		if (fd == f->vm_fd)
			return FAKE_HOST_TSC_KHZ;
		/* A TD vCPU runs at the VM's rate in 25 MHz units (tdx.c). */
		return f->init_vm_done && f->tsc_set ? (long)(f->tsc_set / 25000 * 25000) : -EINVAL;
	case KVM_SET_TSC_KHZ:
		note(f, "SET_TSC_KHZ");
		if (fd != f->vm_fd || f->init_vm_done || f->vcpus)
			return -EINVAL;
		f->tsc_set = (uintptr_t)arg;
		return 0;
	case KVM_GET_VCPU_MMAP_SIZE:
		note(f, "VCPU_MMAP_SIZE");
		return 3 * 4096;
	case KVM_CREATE_VM:
		note(f, "CREATE_VM");
		if ((uintptr_t)arg != KVM_X86_TDX_VM || fd != f->kvm_fd)
			return -EINVAL;
		return f->vm_fd = new_fd(f);
	case KVM_ENABLE_CAP: {
		struct kvm_enable_cap *c = arg;

		note(f, "ENABLE_CAP");
		if (c->cap == KVM_CAP_SPLIT_IRQCHIP && c->args[0] == 24 && !f->vcpus)
			f->split_irqchip = true;
		else if (c->cap == KVM_CAP_EXIT_HYPERCALL)
			f->hypercall_exits = c->args[0];
		else
			return -EINVAL;
		return 0;
	}
	case KVM_GET_SUPPORTED_CPUID: {
		struct kvm_cpuid2 *c = arg;

		note(f, "SUPPORTED_CPUID");
		if (fd != f->kvm_fd)
			return -EINVAL;
		c->nent = 4;
		c->entries[0] = (struct kvm_cpuid_entry2){ .function = 1, .eax = 0x806f8,
			.ecx = 0xfffaf3ff, .edx = 0xbfebfbff };
		c->entries[1] = (struct kvm_cpuid_entry2){ .function = 7, .index = 0,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
			.ebx = 0xf3bfa7eb | 1u << 4 | 1u << 11, .ecx = 0x1bc05fee | 1u << 5 };
		c->entries[2] = (struct kvm_cpuid_entry2){ .function = 0xd, .index = 1,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 0x1f };
		c->entries[3] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 0x3934 };
		return 0;
	}
	case KVM_CREATE_GUEST_MEMFD: {
		struct kvm_create_guest_memfd *g = arg;

		note(f, "CREATE_GUEST_MEMFD");
		if (!f->init_vm_done || !g->size || g->flags)
			return -EINVAL;
		return f->gmem_fd = new_fd(f);
	}
	case KVM_SET_USER_MEMORY_REGION2: {
		struct kvm_userspace_memory_region2 *m = arg;

		note(f, "SET_USER_MEMORY_REGION2");
		if (!(m->flags & KVM_MEM_GUEST_MEMFD) || (int)m->guest_memfd != f->gmem_fd ||
		    !m->userspace_addr)
			return -EINVAL;
		return 0;
	}
	case KVM_SET_MEMORY_ATTRIBUTES: {
		struct kvm_memory_attributes *a = arg;

		note(f, "SET_MEMORY_ATTRIBUTES");
		f->attr_calls++;
		f->last_attr = *a;
		if (f->attr_result)
			return f->attr_result;
		if (a->attributes == KVM_MEMORY_ATTRIBUTE_PRIVATE && f->nr_priv < 4 && !f->vcpus) {
			f->priv_lo[f->nr_priv] = a->address;
			f->priv_hi[f->nr_priv++] = a->address + a->size;
		}
		return 0;
	}
	case KVM_CREATE_VCPU:
		note(f, "CREATE_VCPU");
		/* tdx_vcpu_create(): after INIT_VM, with a split irqchip. */
		if (!f->init_vm_done || !f->split_irqchip || (uintptr_t)arg != (uintptr_t)f->vcpus)
			return -EINVAL;
		f->vcpus++;
		r = new_fd(f);
		return r;
	case KVM_SET_CPUID2: {
		struct kvm_cpuid2 *c = arg;
		int v = fd - f->vm_fd - 2;
		uint32_t i;

		note(f, "SET_CPUID2");
		if (v < 0 || v >= f->vcpus)
			return -EINVAL;
		f->cpuid_set[v] = 1;
		for (i = 0; i < c->nent; i++)
			if (c->entries[i].function == 1)
				f->x2apic[v] = !!(c->entries[i].ecx & (1u << 21));
		return 0;
	}
	case KVM_MEMORY_ENCRYPT_OP:
		return do_tdx(f, fd, arg);
	case KVM_RUN:
		return fake_run(f, fd - f->vm_fd - 2);
	}
	return -ENOTTY;
}

static void *fake_mmap(struct kvm_io *io, size_t len, int prot, int flags, int fd, off_t off)
{
	struct fake *f = io->priv;
	void *p;

	if (injected(f)) {
		errno = -f->fail_err;
		return NULL;
	}
	p = aligned_alloc(4096, (len + 4095) & ~4095ul);
	if (p) {
		memset(p, 0, len);
		f->live_maps++;
	}
	return p;
}

static int fake_munmap(struct kvm_io *io, void *addr, size_t len)
{
	struct fake *f = io->priv;

	free(addr);
	f->live_maps--;
	return 0;
}

static int fake_close(struct kvm_io *io, int fd)
{
	struct fake *f = io->priv;

	if (fd < FAKE_FD0 || fd >= FAKE_FD0 + MAX_FDS || !f->open[fd - FAKE_FD0])
		return -EBADF;
	f->open[fd - FAKE_FD0] = false;
	return 0;
}

static int fake_fallocate(struct kvm_io *io, int fd, int mode, off_t off, off_t len)
{
	struct fake *f = io->priv;

	note(f, "FALLOCATE");
	f->nr_falloc++;
	f->falloc_fd = fd;
	f->falloc_mode = mode;
	f->falloc_off = off;
	f->falloc_len = len;
	return fd == f->gmem_fd ? 0 : -EBADF;
}

static int fake_madvise(struct kvm_io *io, void *addr, size_t len, int advice)
{
	struct fake *f = io->priv;

	note(f, "MADVISE");
	f->nr_madv++;
	f->madv_addr = addr;
	f->madv_len = len;
	f->madv_advice = advice;
	return 0;
}

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->io = (struct kvm_io){ .open_kvm = fake_open, .ioctl = fake_ioctl, .mmap = fake_mmap,
				 .munmap = fake_munmap, .close = fake_close,
				 .fallocate = fake_fallocate, .madvise = fake_madvise, .priv = f };
	f->kvm_fd = f->vm_fd = f->gmem_fd = -1;
	f->fail_at = -1;
	f->caps_need = 100;	/* more than the first buffer: -E2BIG first */
	f->getcpuid_need = 80;
	f->max_vcpus = 8;
}

static int open_fds(const struct fake *f)
{
	int i, n = 0;

	for (i = 0; i < MAX_FDS; i++)
		n += f->open[i];
	return n;
}

static uint8_t image[3 * 4096];

static const struct td_config base_cfg = {
	.nr_vcpus = 2,
	.gpaw = 48,
	.attributes = 1ull << 28,
	.xfam = 0x3,
	.regions = { { 0x0, 64ull << 20 }, { 0x100000000ull - (1 << 20), 1 << 20 } },
	.nr_regions = 2,
	.image = image,
	.image_size = sizeof(image),
	.image_gpa = 0x100000000ull - sizeof(image),
	.vcpu_rcx = 0x10000,
};

static const struct kvm_cpuid_entry2 *init_leaf(const struct fake *f, uint32_t fn)
{
	uint32_t i;

	for (i = 0; i < f->init_nent; i++)
		if (f->init_cpuid[i].function == fn)
			return &f->init_cpuid[i];
	return NULL;
}

static int add_exit(struct fake *f, struct fake_exit e)
{
	f->ex[f->nr_ex] = e;
	return f->nr_ex++;
}

static void add_out(struct fake *f, int v, uint16_t port, uint32_t value)
{
	add_exit(f, (struct fake_exit){ .vcpu = v, .reason = KVM_EXIT_IO, .port = port,
					.dir = KVM_EXIT_IO_OUT, .value = value });
}

static void add_in(struct fake *f, int v)
{
	add_exit(f, (struct fake_exit){ .vcpu = v, .reason = KVM_EXIT_IO, .port = TD_CMD_PORT,
					.dir = KVM_EXIT_IO_IN });
}

static void reset_exits(struct fake *f)
{
	memset(f->ex_used, 0, sizeof(f->ex_used));
	memset(f->nr_in_answers, 0, sizeof(f->nr_in_answers));
	f->nr_ex = 0;
	f->runs_done = 0;
}

/* What on_release saw: every thread at the gate, none in KVM_RUN yet. */
static struct {
	struct fake *f;
	int calls, bad;
} gate;

static void gate_hook(struct td_rt *rt)
{
	pid_t self = gettid();
	unsigned int i, n = 0;

	gate.calls++;
	pthread_mutex_lock(&fake_lock);
	if (gate.f->runs_done)
		gate.bad++;
	pthread_mutex_unlock(&fake_lock);
	for (i = 0; i < rt->nr_vcpus; i++) {
		if (!rt->vcpus[i].started)
			continue;
		n++;
		if (rt->vcpus[i].tid <= 0 || rt->vcpus[i].tid == self)
			gate.bad++;
	}
	if (n != rt->nr_vcpus)
		gate.bad++;
}

/*
 * The TD runtime (td_run.c) on the fake's vCPUs: ucalls over port I/O,
 * command INs answered from the script and across runs, MapGPA exits
 * answered through td_handle_map_gpa, ReportFatalError with its code,
 * and an exit it does not know named.
 */
static void runtime(struct fake *f, struct td *td)
{
	static const uint32_t cmd_convert[] = { TD_CMD_CONVERT | TD_CONVERT_SHARED };
	static const uint32_t cmd_exit[] = { TD_CMD_EXIT };
	struct td_rt rt;
	char buf[320];
	int i, n;

	f->runs = td->run;
	reset_exits(f);
	/* vCPU 0: BOOTED (4 args: 8 words), IN, MapGPA, CONVERTED, fatal error. */
	for (i = 0; i < 8; i++)
		add_out(f, 0, TD_UCALL_ARG_PORT, i == 6 ? 48 : i == 7 ? 0 : 0x11 * (i + 1));
	add_out(f, 0, GUEST_UCALL_PORT, TD_UCALL_BOOTED);
	add_in(f, 0);
	add_exit(f, (struct fake_exit){ .vcpu = 0, .reason = KVM_EXIT_HYPERCALL,
					.a = { KVM_HC_MAP_GPA_RANGE, 0x400000, 512 }, .a2 = 1 << 5 });
	add_out(f, 0, GUEST_UCALL_PORT, TD_UCALL_CONVERTED);
	add_exit(f, (struct fake_exit){ .vcpu = 0, .reason = KVM_EXIT_SYSTEM_EVENT,
					.a = { TD_ERR_MAP_GPA } });
	/* vCPU 1: parks in its first IN. */
	add_in(f, 1);
	n = f->attr_calls;
	tap_ok(!td_rt_init(&rt, &f->io, 2, td->vcpu_fd, td->run),
	       "runtime: set up on the TD's vCPUs");
	rt.td = td;
	rt.on_release = gate_hook;
	gate.f = f;
	td_rt_script(&rt, 0, cmd_convert, 1);
	tap_ok(!td_rt_run(&rt, 5000), "runtime: both vCPUs run until they stop (no timeout)");
	tap_ok(gate.calls == 1 && !gate.bad && rt.t_release && rt.t_release <= rt.vcpus[0].t_cmd,
	       "runtime: on_release once, every vCPU thread (own tid) at the gate and none in KVM_RUN, before the first command (%d calls, %d bad)",
	       gate.calls, gate.bad);
	tap_ok(rt.vcpus[0].booted && rt.vcpus[0].boot[0] == (0x22ull << 32 | 0x11) &&
	       rt.vcpus[0].boot[3] == 48, "runtime: ucall arguments gathered as u64 pairs (BOOTED)");
	tap_ok(f->nr_in_answers[0] >= 1 && f->in_answers[0][0] == cmd_convert[0],
	       "runtime: the command IN answered with the script's word");
	tap_ok(f->hc_ret[0] == 0 && f->attr_calls == n + 1 && !f->last_attr.attributes &&
	       f->last_attr.address == 0x400000 && rt.map_exits_shared == 1 && rt.map_pages == 512,
	       "runtime: a MapGPA exit answered (ret 0, attributes shared) and counted to shared");
	tap_ok(rt.vcpus[0].nr_converted == 1 && rt.vcpus[0].fatal &&
	       rt.vcpus[0].fatal_code == TD_ERR_MAP_GPA &&
	       strstr(td_rt_failure(&rt, buf, sizeof(buf)) ?: "", "ReportFatalError 0x5"),
	       "runtime: ReportFatalError (KVM_SYSTEM_EVENT_TDX_FATAL) stops the vCPU with R12 (%s)",
	       buf);
	tap_ok(rt.vcpus[1].parked && !f->nr_in_answers[1], "runtime: a vCPU without commands parks in its IN");

	/* The next run answers the parked IN first; an unknown exit is named. */
	reset_exits(f);
	add_out(f, 1, GUEST_UCALL_PORT, UCALL_EXIT);
	add_exit(f, (struct fake_exit){ .vcpu = 1, .reason = 0x99 });
	rt.vcpus[0].fatal = false;
	rt.vcpus[0].fail[0] = '\0';
	add_exit(f, (struct fake_exit){ .vcpu = 0, .reason = KVM_EXIT_MEMORY_FAULT,
					.a = { 0, 0x600000, 0x200000 },
					.a2 = KVM_MEMORY_EXIT_FLAG_PRIVATE });
	add_exit(f, (struct fake_exit){ .vcpu = 0, .reason = KVM_EXIT_HYPERCALL,
					.a = { KVM_HC_MAP_GPA_RANGE + 1, 0, 0 } });
	n = f->attr_calls;
	td_rt_script(&rt, 1, cmd_exit, 1);
	td_rt_run(&rt, 5000);
	tap_ok(f->nr_in_answers[1] == 1 && f->in_answers[1][0] == TD_CMD_EXIT &&
	       rt.vcpus[1].nr_exit == 1, "runtime: a parked IN is answered by the next run's first word");
	tap_ok(gate.calls == 2 && !gate.bad && rt.t_release <= rt.vcpus[1].t_cmd,
	       "runtime: ... after the gate opens; on_release again, every thread at the gate (%d bad)",
	       gate.bad);
	tap_ok(strstr(rt.vcpus[1].fail, "unexpected exit 153") != NULL,
	       "runtime: an unknown exit is named (%s)", rt.vcpus[1].fail);
	tap_ok(strstr(rt.vcpus[0].fail, "unexpected hypercall 13") != NULL,
	       "runtime: a hypercall other than MapGPA is named (%s)", rt.vcpus[0].fail);
	tap_ok(f->attr_calls == n + 1 && f->last_attr.address == 0x600000 &&
	       f->last_attr.size == 0x200000 &&
	       f->last_attr.attributes == KVM_MEMORY_ATTRIBUTE_PRIVATE &&
	       rt.implicit_conversions == 1 && rt.implicit_pages == 512 &&
	       td->implicit_conversions == 1,
	       "runtime: KVM_EXIT_MEMORY_FAULT (-EFAULT) is an implicit conversion to private, counted, and KVM_RUN goes on");
	/* Outside the TD's memory: reported with GPA, size and flags. */
	rt.vcpus[0].fail[0] = '\0';
	td->run[0]->exit_reason = KVM_EXIT_MEMORY_FAULT;
	td->run[0]->memory_fault.gpa = 0x40000000;
	td->run[0]->memory_fault.size = 0x1000;
	td->run[0]->memory_fault.flags = 0;
	tap_ok(!td_rt_exit(&rt.vcpus[0]) && strstr(rt.vcpus[0].fail, "GPA 0x40000000 size 0x1000 flags 0x0"),
	       "runtime: a memory fault it cannot convert stops the vCPU with GPA, size, flags (%s)",
	       rt.vcpus[0].fail);
	td_rt_free(&rt);
	f->runs = NULL;
}

/* One OUT as KVM reports it, handled by the runtime. */
static bool feed_out(struct td_rt_vcpu *v, uint16_t port, uint32_t value)
{
	struct kvm_run *run = v->run;

	memset(run, 0, sizeof(*run));
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.size = 4;
	run->io.count = 1;
	run->io.port = port;
	run->io.data_offset = RUN_DATA_OFF;
	*(uint32_t *)((uint8_t *)run + RUN_DATA_OFF) = value;
	return td_rt_exit(v);
}

/* A ucall as the TD payload makes it: arguments in halves, then the number. */
static bool send_ucall(struct td_rt_vcpu *v, uint32_t nr, const uint64_t *a, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!feed_out(v, TD_UCALL_ARG_PORT, (uint32_t)a[i]) ||
		    !feed_out(v, TD_UCALL_ARG_PORT, a[i] >> 32))
			return false;
	return feed_out(v, GUEST_UCALL_PORT, nr);
}

/* How a report goes wrong (lathist_report). */
enum lat_fault {
	LAT_OK,
	LAT_DROP_LAST,		/* the last BUCKETS ucall never comes */
	LAT_SHORT_FIRST,	/* a BUCKETS ucall short before the last */
	LAT_COUNT_OFF,		/* the header's count one more than the buckets */
	LAT_NO_REPORT,		/* DONE without any LATHIST */
	LAT_SHORT_HEADER,	/* a header of 5 arguments */
	LAT_BAD_INDEX,		/* an entry beyond the last bucket */
};

/*
 * START, a LATHIST report of @h (as guest/td/td_main.c sends it, unless
 * @fault), DONE with @pages: true when the runtime took all of it.
 */
static bool lathist_report(struct td_rt_vcpu *v, const struct lathist *h, uint64_t pages,
			   enum lat_fault fault)
{
	uint64_t hdr[TD_LH_NR] = { h->count, h->sum, h->min, h->max, h->overflow, 0 };
	uint64_t e[LATHIST_NR_BUCKETS], done[TD_DONE_NR] = { [TD_DONE_PAGES] = pages };
	unsigned int n = 0, i, k;
	uint32_t b;

	for (b = 0; b < LATHIST_NR_BUCKETS; b++)
		if (h->buckets[b])
			e[n++] = TD_LATHIST_ENTRY(b, h->buckets[b]);
	if (fault == LAT_BAD_INDEX)
		e[n - 1] = TD_LATHIST_ENTRY(LATHIST_NR_BUCKETS, 1);
	hdr[TD_LH_ENTRIES] = n;
	if (fault == LAT_COUNT_OFF)
		hdr[TD_LH_COUNT]++;
	if (!send_ucall(v, UCALL_START, NULL, 0))
		return false;
	if (fault != LAT_NO_REPORT &&
	    !send_ucall(v, TD_UCALL_LATHIST, hdr, fault == LAT_SHORT_HEADER ? 5 : TD_LH_NR))
		return false;
	for (i = 0; fault != LAT_NO_REPORT && i < n; i += k) {
		k = n - i < TD_UCALL_MAX_ARGS ? n - i : TD_UCALL_MAX_ARGS;
		if (fault == LAT_SHORT_FIRST && !i)
			k = 4;
		if (fault == LAT_DROP_LAST && i + k == n)
			break;
		if (!send_ucall(v, TD_UCALL_LATHIST_BUCKETS, &e[i], k))
			return false;
	}
	return send_ucall(v, UCALL_DONE, done, TD_DONE_NR);
}

/*
 * The runtime rebuilds a TD vCPU's histogram from its LATHIST ucalls and
 * refuses a report that is truncated, out of shape or inconsistent, and
 * one nobody asked for.
 */
static void lathist_reports(struct fake *f, struct td *td)
{
	static const struct {
		enum lat_fault fault;
		uint64_t pages;
		const char *what, *why;
	} bad[] = {
		{ LAT_DROP_LAST, 21, "the last BUCKETS ucall missing", "truncated: 16 of 20" },
		{ LAT_SHORT_FIRST, 21, "a BUCKETS ucall short before the last", "short before the last" },
		{ LAT_COUNT_OFF, 22, "a count the buckets do not add up to", "inconsistent (22 ops" },
		{ LAT_OK, 20, "a count that is not DONE's pages", "inconsistent (21 ops, 20 pages)" },
		{ LAT_NO_REPORT, 21, "DONE without a report", "no LATHIST before DONE" },
		{ LAT_SHORT_HEADER, 21, "a header of 5 arguments", "5 arguments, not 6" },
		{ LAT_BAD_INDEX, 21, "a bucket index beyond the histogram", "out of order, out of range" },
	};
	struct td_rt_vcpu *v;
	struct lathist h;
	struct td_rt rt;
	unsigned int i, done;
	bool ok;

	if (td_rt_init(&rt, &f->io, 1, td->vcpu_fd, td->run))
		return;
	v = &rt.vcpus[0];
	memset(&h, 0, sizeof(h));	/* reserved too: compared whole below */
	lathist_reset(&h);
	/* 21 values: 20 buckets (3 BUCKETS ucalls: 8, 8, 4) and one overflow. */
	for (i = 0; i < 20; i++)
		lathist_add(&h, 100ull << i);
	lathist_add(&h, 1ull << 40);
	td_rt_script(&rt, 0, NULL, 0);
	v->want_lat = true;
	ok = lathist_report(v, &h, 21, LAT_OK);
	tap_ok(ok && !v->fail[0] && v->has_lat && v->nr_lathist == 4 &&
	       !memcmp(&v->lat.h, &h, sizeof(h)),
	       "LATHIST: header and 3 BUCKETS ucalls rebuild the guest's histogram exactly (%s, %u ucalls)",
	       v->fail[0] ? v->fail : "ok", v->nr_lathist);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v->fail[0] = '\0';
		td_rt_script(&rt, 0, NULL, 0);
		v->want_lat = true;
		ok = lathist_report(v, &h, bad[i].pages, bad[i].fault);
		tap_ok(!ok && !v->has_lat && strstr(v->fail, bad[i].why),
		       "LATHIST refused: %s (%s)", bad[i].what, v->fail);
	}
	v->fail[0] = '\0';
	td_rt_script(&rt, 0, NULL, 0);
	v->want_lat = false;
	ok = lathist_report(v, &h, 21, LAT_OK);
	tap_ok(!ok && !v->has_lat && strstr(v->fail, "without latency"),
	       "LATHIST refused in a run that did not ask for latency (%s)", v->fail);
	v->fail[0] = '\0';
	done = v->nr_done;
	ok = lathist_report(v, &h, 21, LAT_NO_REPORT);
	tap_ok(ok && !v->fail[0] && !v->has_lat && v->nr_done == done + 1,
	       "without latency a DONE alone is a complete phase, no histogram (%s)",
	       v->fail[0] ? v->fail : "ok");
	td_rt_free(&rt);
}

int main(void)
{
	struct td_config cfg = base_cfg;
	const struct kvm_cpuid_entry2 *e;
	struct fake f;
	struct td td;
	int r, n, calls, bad_leaks = 0, bad_msgs = 0;

	tap_plan(65);

	/* The whole life cycle. */
	fake_init(&f);
	f.eintr_once = true;
	r = td_create(&td, &f.io, &cfg);
	if (!tap_ok(r == 0, "a TD is created up to FINALIZE (%s)", r ? td.err : "ok")) {
		printf("Bail out! the life cycle itself fails\n");
		return 1;
	}
	calls = f.calls;	/* what td_create alone made */
	tap_ok(strstr(f.seq, "open CHECK_EXTENSION VCPU_MMAP_SIZE CREATE_VM CHECK_EXTENSION GET_TSC_KHZ "
			     "SET_TSC_KHZ ENABLE_CAP ENABLE_CAP CAPABILITIES CAPABILITIES SUPPORTED_CPUID INIT_VM ") == f.seq &&
	       f.max_vcpus_asked && td.max_vcpus == 8,
	       "VM, its vCPU limit, split irqchip and hypercall exits, capabilities (-E2BIG then again), INIT_VM: in order");
	tap_ok(strstr(f.seq, "INIT_VM CREATE_GUEST_MEMFD SET_USER_MEMORY_REGION2 SET_MEMORY_ATTRIBUTES "
			     "SET_USER_MEMORY_REGION2 SET_MEMORY_ATTRIBUTES CREATE_VCPU") != NULL,
	       "private memory on one guest_memfd, a slot per region, before the vCPUs");
	tap_ok(strstr(f.seq, "CREATE_VCPU GET_CPUID GET_CPUID SET_CPUID2 INIT_VCPU GET_TSC_KHZ CREATE_VCPU "
			     "GET_CPUID GET_CPUID SET_CPUID2 INIT_VCPU INIT_MEM_REGION INIT_MEM_REGION "
			     "FINALIZE ") != NULL,
	       "per vCPU: GET_CPUID (-E2BIG then again), SET_CPUID2, INIT_VCPU; then the image, FINALIZE");
	tap_ok(f.e2big_caps && f.e2big_getcpuid, "both -E2BIG paths were taken and recovered from");
	tap_ok(f.split_irqchip, "KVM_CAP_SPLIT_IRQCHIP with 24 pins before any vCPU");
	tap_is_int(f.hypercall_exits, 1ull << 12, "KVM_CAP_EXIT_HYPERCALL asks for KVM_HC_MAP_GPA_RANGE only");
	tap_ok(f.x2apic[0] && f.x2apic[1], "SET_CPUID2 allows x2APIC before INIT_VCPU on every vCPU");
	tap_ok(f.rcx[0] == 0x10000 && f.rcx[1] == 0x10000, "INIT_VCPU passes the configured initial RCX");
	tap_is_int(f.measured_pages, 3, "the 3-page image is added and measured once, resumed after -EINTR");
	tap_is_int(f.image_gpa, 0x100000000ull - sizeof(image), "...at the image GPA, below 4 GiB");
	tap_ok(f.attributes == 1ull << 28 && f.xfam == 0x3, "attributes and XFAM are passed as asked");
	tap_ok(f.tsc_set == FAKE_HOST_TSC_KHZ && td.host_tsc_khz == FAKE_HOST_TSC_KHZ &&
	       td.tsc_khz == 2100000,
	       "KVM_SET_TSC_KHZ on the VM to the host rate before INIT_VM; the TD's rate read back (%u kHz)",
	       td.tsc_khz);

	/* CPUID: only the configurable leaves, masked, with the GPAW. */
	tap_is_int(f.init_nent, 4, "INIT_VM CPUID: the 4 configurable leaves the host has (0x40000000 dropped)");
	e = init_leaf(&f, 7);
	tap_ok(e && !(e->ebx & (1u << 4 | 1u << 11)) && !(e->ecx & (1u << 5)) && e->flags,
	       "leaf 7: TSX (HLE, RTM) and WAITPKG cleared, index kept significant");
	e = init_leaf(&f, 1);
	tap_ok(e && e->ecx == (0xfffaf3ffu & 0x7ffefbffu), "leaf 1: host value masked by the configurable bits");
	tap_ok(e && e->eax == 0,
	       "leaf 1 EAX 0 (the TDX module's platform FMS), not this socket's 0x806f8 (got 0x%x)",
	       e ? e->eax : 0);
	e = init_leaf(&f, 0x80000008);
	tap_ok(e && ((e->eax >> 16) & 0xff) == 48 && !(e->eax & 0xffff),
	       "0x80000008: GPAW 48 in EAX[23:16], other bits masked");
	tap_ok(td.shared_bit == 1ull << 47, "GPAW 48 puts the shared bit at 47");

	/* MapGPA exits. */
	td.run[1]->exit_reason = KVM_EXIT_HYPERCALL;
	td.run[1]->hypercall.nr = KVM_HC_MAP_GPA_RANGE;
	td.run[1]->hypercall.args[0] = 0x200000;
	td.run[1]->hypercall.args[1] = 512;
	td.run[1]->hypercall.args[2] = 0;		/* to shared */
	td.run[1]->hypercall.ret = 12345;
	n = f.attr_calls;
	tap_ok(!td_handle_map_gpa(&td, 1) && td.run[1]->hypercall.ret == 0 && f.attr_calls == n + 1 &&
	       f.last_attr.address == 0x200000 && f.last_attr.size == 2 << 20 && !f.last_attr.attributes,
	       "MapGPA to shared: attributes cleared on the 2 MiB, hypercall.ret 0");
	td.run[1]->hypercall.args[2] = 1 << 4;		/* back to private */
	tap_ok(!td_handle_map_gpa(&td, 1) && td.run[1]->hypercall.ret == 0 &&
	       f.last_attr.attributes == KVM_MEMORY_ATTRIBUTE_PRIVATE,
	       "MapGPA to private: the private attribute set again");
	f.attr_result = -EAGAIN;
	tap_ok(!td_handle_map_gpa(&td, 1) && td.run[1]->hypercall.ret == EAGAIN,
	       "an -EAGAIN from the attributes becomes hypercall.ret EAGAIN (the guest retries)");
	f.attr_result = 0;
	n = f.attr_calls;
	td.run[1]->hypercall.args[0] = 0x40000000;	/* outside every region */
	tap_ok(!td_handle_map_gpa(&td, 1) && td.run[1]->hypercall.ret == EINVAL && f.attr_calls == n,
	       "a range outside the TD's memory: EINVAL, no attributes touched");
	tap_ok(!f.nr_falloc && !f.nr_madv, "convert_free off: conversions free nothing");
	td.run[1]->exit_reason = KVM_EXIT_IO;
	tap_ok(td_handle_map_gpa(&td, 1) == -EINVAL, "other exits are not MapGPA");

	runtime(&f, &td);
	lathist_reports(&f, &td);

	td_destroy(&td);
	tap_ok(!open_fds(&f) && !f.live_maps, "destroy closes every fd and unmaps everything");

	/* Every step failing in turn: one line naming it, nothing left open. */
	for (n = 1; n <= calls; n++) {
		fake_init(&f);
		f.eintr_once = true;	/* the same calls as the run counted above */
		f.fail_at = n;
		f.fail_err = -EIO;
		r = td_create(&td, &f.io, &cfg);
		if (open_fds(&f) || f.live_maps)
			bad_leaks++;
		if (!r || !td.err[0] || strchr(td.err, '\n')) {
			printf("# call %d failing: r %d, '%s'\n", n, r, td.err);
			bad_msgs++;
		}
		if (!r)
			td_destroy(&td);
	}
	tap_ok(!bad_leaks, "each of the %d calls failing leaves no fd or mapping behind (%d did)", calls, bad_leaks);
	tap_ok(!bad_msgs, "each failure returns an error and one line naming the step (%d did not)", bad_msgs);

	/* A SEAMCALL error comes back in hw_error and is reported. */
	fake_init(&f);
	f.fail_at = 13;		/* INIT_VM: open, 4 checks/creates, 2 TSC, 2 caps, 2 capability calls, cpuid */
	f.fail_err = -EIO;
	f.fail_hw = 0xC0000B0000000000ull;
	r = td_create(&td, &f.io, &cfg);
	tap_ok(r == -EIO && strstr(td.err, "KVM_TDX_INIT_VM") && strstr(td.err, "0xc0000b0000000000"),
	       "INIT_VM failing with TDX_EPT_WALK_FAILED names the step and the status (%s)", td.err);

	/* Configuration the TDX module would refuse is refused before INIT_VM. */
	fake_init(&f);
	cfg = base_cfg;
	cfg.attributes = 1ull << 2;
	r = td_create(&td, &f.io, &cfg);
	tap_ok(r == -EINVAL && strstr(td.err, "attributes") && !strstr(f.seq, "INIT_VM") && !open_fds(&f),
	       "unsupported TD attributes: refused before INIT_VM, nothing open");
	fake_init(&f);
	cfg = base_cfg;
	cfg.gpaw = 52;
	r = td_create(&td, &f.io, &cfg);
	e = init_leaf(&f, 0x80000008);
	tap_ok(!r && e && ((e->eax >> 16) & 0xff) == 52 && td.shared_bit == 1ull << 51,
	       "GPAW 52 is passed and puts the shared bit at 51");
	td_destroy(&td);
	fake_init(&f);
	cfg = base_cfg;
	cfg.gpaw = 50;
	tap_ok(td_create(&td, &f.io, &cfg) == -EINVAL && !open_fds(&f), "GPAW 50 is refused");
	fake_init(&f);
	cfg = base_cfg;
	cfg.image_gpa = 0x200000000ull;
	tap_ok(td_create(&td, &f.io, &cfg) == -EINVAL && strstr(td.err, "boot image") && !open_fds(&f) &&
	       !f.live_maps, "an image outside the private regions is refused, nothing left");

	/* Fix 1: convert_free, as QEMU's kvm_convert_memory. */
	fake_init(&f);
	cfg = base_cfg;
	cfg.convert_free = true;
	r = td_create(&td, &f.io, &cfg);
	if (!r) {
		td.run[0]->exit_reason = KVM_EXIT_HYPERCALL;
		td.run[0]->hypercall.nr = KVM_HC_MAP_GPA_RANGE;
		td.run[0]->hypercall.args[0] = 0x100000000ull - (1 << 20);	/* region 1 */
		td.run[0]->hypercall.args[1] = 256;
		td.run[0]->hypercall.args[2] = 0;				/* to shared */
		n = !td_handle_map_gpa(&td, 0) && !td.run[0]->hypercall.ret;
		tap_ok(n && f.nr_falloc == 1 && f.falloc_fd == f.gmem_fd &&
		       f.falloc_mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) &&
		       f.falloc_off == 64ull << 20 && f.falloc_len == 1 << 20 && !f.nr_madv &&
		       strstr(f.seq, "SET_MEMORY_ATTRIBUTES FALLOCATE") && td.punched_pages == 256,
		       "convert_free: to shared punches the range out of guest_memfd (offset 0x%llx, after the attributes)",
		       (unsigned long long)f.falloc_off);
		td.run[0]->hypercall.args[2] = 1 << 4;				/* to private */
		n = !td_handle_map_gpa(&td, 0) && !td.run[0]->hypercall.ret;
		tap_ok(n && f.nr_madv == 1 && f.madv_advice == MADV_DONTNEED &&
		       f.madv_addr == (uint8_t *)td.shared + (64 << 20) && f.madv_len == 1 << 20 &&
		       f.nr_falloc == 1 && td.discarded_pages == 256,
		       "convert_free: to private discards the shared backing (MADV_DONTNEED)");
		td_destroy(&td);
	} else {
		tap_ok(0, "convert_free: TD created (%s)", td.err);
		tap_ok(0, "convert_free: to private");
	}

	/* Fix 2: no entropy, -EAGAIN three times: INIT_VM and INIT_MEM_REGION retried. */
	fake_init(&f);
	cfg = base_cfg;
	f.eagain_init_vm = 3;
	f.eagain_mem = 3;
	r = td_create(&td, &f.io, &cfg);
	tap_ok(!r && f.init_vm_calls == 4 && f.measured_pages == 3 && td.eagain_retries == 6 && f.finalized,
	       "-EAGAIN 3 times from INIT_VM and INIT_MEM_REGION: both retried, the TD finalized (%s, %d INIT_VM calls)",
	       r ? td.err : "ok", f.init_vm_calls);
	if (!r)
		td_destroy(&td);

	/* Fix 3: more vCPUs than the TD allows: refused before anything is built. */
	fake_init(&f);
	cfg = base_cfg;
	cfg.nr_vcpus = 3;
	f.max_vcpus = 2;
	r = td_create(&td, &f.io, &cfg);
	tap_ok(r == -EOPNOTSUPP && strstr(td.err, "at most 2") && !strstr(f.seq, "INIT_VM") &&
	       !strstr(f.seq, "CREATE_VCPU") && !strstr(f.seq, "ENABLE_CAP") && !open_fds(&f),
	       "3 vCPUs on a TD limited to 2: -EOPNOTSUPP (exit 4) before INIT_VM or any vCPU, nothing open (%s)",
	       td.err);

	/* The TDX module's identity for meta.json: KVM_TDX_CAPABILITIES from a throwaway TD VM. */
	{
		struct kvm_tdx_capabilities *c;
		char err2[384], *text;
		json_t *j;

		fake_init(&f);
		r = td_query_caps(&f.io, &c, err2, sizeof(err2));
		tap_ok(!r && c && c->cpuid.nent == CAPS_LEAVES && c->supported_xfam == 0x2e7 &&
		       strstr(f.seq, "open CREATE_VM CAPABILITIES CAPABILITIES") == f.seq &&
		       !strstr(f.seq, "INIT_VM") && !open_fds(&f),
		       "capabilities: a TD VM for KVM_TDX_CAPABILITIES (-E2BIG, again), nothing built, nothing left open");
		j = c ? tdx_caps_summary(c) : NULL;
		text = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
		tap_is_str(text ?: "(none)",
			   "{\"configurable_leaves\":[\"0x1\",\"0x7\",\"0xd.1\",\"0x80000008\",\"0x40000000\"],"
			   "\"cpuid_leaves\":5,\"supported_attrs\":\"0x50000000\",\"supported_xfam\":\"0x2e7\"}",
			   "capabilities summary: attributes, XFAM, the configurable leaves");
		free(text);
		json_decref(j);
		free(c);
		fake_init(&f);
		f.fail_at = 2;	/* KVM_CREATE_VM */
		f.fail_err = -EINVAL;
		r = td_query_caps(&f.io, &c, err2, sizeof(err2));
		tap_ok(r == -EINVAL && !c && strstr(err2, "KVM_CREATE_VM") && !open_fds(&f),
		       "capabilities: a failing step is named, nothing left open (%s)", err2);
	}

	/* Fix 6: 7.2 brings TDX up without kvm.enable_virt_at_load. */
	{
		json_t *kvm = json_pack("{s:{}}", "vm_types"), *t = probe_tdx(kvm), *st;
		char names[256] = "";
		size_t i;

		json_array_foreach(json_object_get(t, "steps"), i, st) {
			strncat(names, json_string_value(json_object_get(st, "step")) ?: "?",
				sizeof(names) - strlen(names) - 2);
			strcat(names, " ");
		}
		tap_is_str(names, "cpu kvm_intel kvm_intel.tdx vm_type ",
			   "readiness steps are 7.2's: no kvm.enable_virt_at_load");
		json_decref(t);
		json_decref(kvm);
	}
	return tap_done();
}
