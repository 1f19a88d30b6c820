// SPDX-License-Identifier: GPL-2.0
/*
 * The TD life cycle, step by step in the order intel-tdx.rst gives, with
 * the ordering constraints arch/x86/kvm/vmx/tdx.c enforces:
 *   - INIT_VM before any vCPU, and vCPUs need a split irqchip;
 *   - KVM_SET_CPUID2 (with x2APIC) before INIT_VCPU, which sets x2APIC mode;
 *   - INIT_MEM_REGION only on private GPAs, before FINALIZE;
 *   - MapGPA reaches us only with KVM_CAP_EXIT_HYPERCALL for it.
 */
#include "tdx/td.h"

#include <errno.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>

#ifndef KVM_MAP_GPA_RANGE_ENCRYPTED
#define KVM_MAP_GPA_RANGE_ENCRYPTED (1 << 4)	/* asm/kvm_para.h */
#endif

/* The documented layouts (asm/kvm.h); a header that differs is not the ABI we wrote for. */
_Static_assert(sizeof(struct kvm_tdx_cmd) == 24, "kvm_tdx_cmd size");
_Static_assert(offsetof(struct kvm_tdx_cmd, data) == 8, "kvm_tdx_cmd.data");
_Static_assert(offsetof(struct kvm_tdx_cmd, hw_error) == 16, "kvm_tdx_cmd.hw_error");
_Static_assert(offsetof(struct kvm_tdx_capabilities, cpuid) == 2048, "caps.cpuid");
_Static_assert(offsetof(struct kvm_tdx_capabilities, user_tdvmcallinfo_1_r12) == 40, "caps");
_Static_assert(offsetof(struct kvm_tdx_init_vm, cpuid) == 256, "init_vm.cpuid");
_Static_assert(offsetof(struct kvm_tdx_init_vm, mrconfigid) == 16, "init_vm.mrconfigid");
_Static_assert(sizeof(struct kvm_tdx_init_mem_region) == 24, "init_mem_region size");
_Static_assert(sizeof(struct kvm_cpuid_entry2) == 40, "kvm_cpuid_entry2 size");
_Static_assert(KVM_X86_TDX_VM == 5, "KVM_X86_TDX_VM");

#define SPLIT_IRQCHIP_PINS	24
#define CPUID_1_ECX_X2APIC	(1u << 21)
#define MAX_CPUID_ENT		4096
/*
 * KVM returns -EAGAIN when the TDX module lacks entropy for the TD's keys
 * (TDX_RND_NO_ENTROPY); QEMU retries INIT_VM and INIT_MEM_REGION as often.
 */
#define TDX_EAGAIN_TRIES	10000

/* Retry @r once more?  Counts the retry; @tries is the call's own count. */
static bool retry_eagain(struct td *td, long r, unsigned int *tries)
{
	if (r != -EAGAIN || ++*tries >= TDX_EAGAIN_TRIES)
		return false;
	td->eagain_retries++;
	return true;
}

static __attribute__((format(printf, 3, 4)))
int step_fail(struct td *td, long err, const char *fmt, ...)
{
	char step[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(step, sizeof(step), fmt, ap);
	va_end(ap);
	n = snprintf(td->err, sizeof(td->err), "%s: %s", step, strerror((int)-err));
	if (td->hw_error && n > 0 && (size_t)n < sizeof(td->err))
		snprintf(td->err + n, sizeof(td->err) - n, " (TDX status 0x%016llx)",
			 (unsigned long long)td->hw_error);
	return (int)err;
}

static long tdx_op(struct td *td, int fd, uint32_t id, uint32_t flags, uint64_t data)
{
	struct kvm_tdx_cmd cmd = { .id = id, .flags = flags, .data = data };
	long r;

	r = td->io->ioctl(td->io, fd, KVM_MEMORY_ENCRYPT_OP, &cmd);
	td->hw_error = cmd.hw_error;
	return r;
}

static void *cpuid_alloc(uint32_t nent)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));

	if (c)
		c->nent = nent;
	return c;
}

/*
 * The TD's TSC rate is fixed at INIT_VM from the VM's: set it explicitly,
 * as QEMU does, to the host rate KVM reports (the TDX module keeps it in
 * 25 MHz units: tdx.c rounds down).
 */
static int set_tsc(struct td *td)
{
	long r = td->io->ioctl(td->io, td->vm_fd, KVM_GET_TSC_KHZ, NULL);

	if (r <= 0)
		return step_fail(td, r ? r : -EIO, "KVM_GET_TSC_KHZ on the TD VM");
	td->host_tsc_khz = r;
	r = td->io->ioctl(td->io, td->vm_fd, KVM_SET_TSC_KHZ, (void *)(uintptr_t)td->host_tsc_khz);
	return r < 0 ? step_fail(td, r, "KVM_SET_TSC_KHZ(%u) on the TD VM", td->host_tsc_khz) : 0;
}

static int enable_cap(struct td *td, uint32_t cap, uint64_t arg0, const char *what)
{
	struct kvm_enable_cap ec = { .cap = cap, .args = { arg0 } };
	long r = td->io->ioctl(td->io, td->vm_fd, KVM_ENABLE_CAP, &ec);

	return r < 0 ? step_fail(td, r, "KVM_ENABLE_CAP(%s)", what) : 0;
}

/* KVM_TDX_CAPABILITIES: -E2BIG until the CPUID array holds every configurable leaf. */
static int get_caps(struct td *td)
{
	uint32_t n = 64;
	long r;

	for (;;) {
		free(td->caps);
		td->caps = calloc(1, sizeof(*td->caps) + n * sizeof(td->caps->cpuid.entries[0]));
		if (!td->caps)
			return step_fail(td, -ENOMEM, "KVM_TDX_CAPABILITIES buffer");
		td->caps->cpuid.nent = n;
		r = tdx_op(td, td->vm_fd, KVM_TDX_CAPABILITIES, 0, (uintptr_t)td->caps);
		if (r != -E2BIG)
			break;
		if (n >= MAX_CPUID_ENT)
			return step_fail(td, r, "KVM_TDX_CAPABILITIES (more than %u CPUID leaves)", n);
		n *= 2;
	}
	return r < 0 ? step_fail(td, r, "KVM_TDX_CAPABILITIES") : 0;
}

static struct kvm_cpuid2 *supported_cpuid(struct td *td)
{
	struct kvm_cpuid2 *c;
	uint32_t n = 256;
	long r;

	for (;;) {
		c = cpuid_alloc(n);
		if (!c) {
			step_fail(td, -ENOMEM, "KVM_GET_SUPPORTED_CPUID buffer");
			return NULL;
		}
		r = td->io->ioctl(td->io, td->kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (!r)
			return c;
		free(c);
		if (r != -E2BIG || n >= MAX_CPUID_ENT) {
			step_fail(td, r, "KVM_GET_SUPPORTED_CPUID");
			return NULL;
		}
		n *= 2;
	}
}

static int init_vm(struct td *td, const struct td_config *cfg)
{
	struct kvm_tdx_init_vm *iv;
	unsigned int tries = 0;
	struct kvm_cpuid2 *sup;
	long r;

	if (cfg->gpaw != 48 && cfg->gpaw != 52)
		return step_fail(td, -EINVAL, "GPAW %u (48 or 52)", cfg->gpaw);
	if (cfg->attributes & ~td->caps->supported_attrs)
		return step_fail(td, -EINVAL, "TD attributes 0x%llx beyond supported 0x%llx",
				 (unsigned long long)cfg->attributes,
				 (unsigned long long)td->caps->supported_attrs);
	if (cfg->xfam & ~td->caps->supported_xfam)
		return step_fail(td, -EINVAL, "XFAM 0x%llx beyond supported 0x%llx",
				 (unsigned long long)cfg->xfam,
				 (unsigned long long)td->caps->supported_xfam);
	sup = supported_cpuid(td);
	if (!sup)
		return -EIO;
	iv = calloc(1, sizeof(*iv) + td->caps->cpuid.nent * sizeof(iv->cpuid.entries[0]));
	if (!iv) {
		free(sup);
		return step_fail(td, -ENOMEM, "KVM_TDX_INIT_VM buffer");
	}
	iv->attributes = cfg->attributes;
	iv->xfam = cfg->xfam;
	td_cpuid_for_init(&td->caps->cpuid, sup, cfg->gpaw, &iv->cpuid);
	free(sup);
	do {
		r = tdx_op(td, td->vm_fd, KVM_TDX_INIT_VM, 0, (uintptr_t)iv);
	} while (retry_eagain(td, r, &tries));
	free(iv);
	if (r < 0)
		return step_fail(td, r, "KVM_TDX_INIT_VM");
	td->shared_bit = 1ull << (cfg->gpaw - 1);
	return 0;
}

static bool in_regions(const struct td *td, uint64_t gpa, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < td->nr_regions; i++)
		if (gpa >= td->regions[i].gpa && size <= td->regions[i].size &&
		    gpa - td->regions[i].gpa <= td->regions[i].size - size)
			return true;
	return false;
}

/* The guest_memfd offset of [gpa, gpa + size), inside one region. */
static bool gmem_offset(const struct td *td, uint64_t gpa, uint64_t size, uint64_t *off)
{
	uint64_t base = 0;
	unsigned int i;

	for (i = 0; i < td->nr_regions; base += td->regions[i++].size)
		if (gpa >= td->regions[i].gpa && size <= td->regions[i].size &&
		    gpa - td->regions[i].gpa <= td->regions[i].size - size) {
			*off = base + gpa - td->regions[i].gpa;
			return true;
		}
	return false;
}

/*
 * What QEMU's kvm_convert_memory does after the attributes: to shared,
 * the private pages leave guest_memfd; to private, the shared pages go.
 */
static int free_converted(struct td *td, uint64_t gpa, uint64_t size, bool private)
{
	uint64_t off;
	int r;

	if (!td->convert_free || !gmem_offset(td, gpa, size, &off))
		return 0;
	if (private) {
		r = td->io->madvise(td->io, (uint8_t *)td->shared + off, size, MADV_DONTNEED);
		if (!r)
			td->discarded_pages += size / 4096;
	} else {
		r = td->io->fallocate(td->io, td->gmem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				      off, size);
		if (!r)
			td->punched_pages += size / 4096;
	}
	return r;
}

static int set_attributes(struct td *td, uint64_t gpa, uint64_t size, bool private)
{
	struct kvm_memory_attributes ma = {
		.address = gpa,
		.size = size,
		.attributes = private ? KVM_MEMORY_ATTRIBUTE_PRIVATE : 0,
	};

	return (int)td->io->ioctl(td->io, td->vm_fd, KVM_SET_MEMORY_ATTRIBUTES, &ma);
}

/* One guest_memfd for all regions, a slot per region, all private. */
static int add_memory(struct td *td, const struct td_config *cfg)
{
	struct kvm_create_guest_memfd gm = { 0 };
	uint64_t off = 0;
	unsigned int i;
	long r;

	if (!cfg->nr_regions || cfg->nr_regions > TD_MAX_REGIONS)
		return step_fail(td, -EINVAL, "%u memory regions (1..%d)", cfg->nr_regions,
				 TD_MAX_REGIONS);
	for (i = 0; i < cfg->nr_regions; i++) {
		const struct td_region *rg = &cfg->regions[i];

		if ((rg->gpa | rg->size) & 4095 || !rg->size || rg->gpa + rg->size > td->shared_bit)
			return step_fail(td, -EINVAL, "region %u at 0x%llx+0x%llx: 4K aligned, below the shared bit",
					 i, (unsigned long long)rg->gpa, (unsigned long long)rg->size);
		td->regions[i] = *rg;
		gm.size += rg->size;
	}
	td->nr_regions = cfg->nr_regions;
	r = td->io->ioctl(td->io, td->vm_fd, KVM_CREATE_GUEST_MEMFD, &gm);
	if (r < 0)
		return step_fail(td, r, "KVM_CREATE_GUEST_MEMFD (%llu MiB)",
				 (unsigned long long)gm.size >> 20);
	td->gmem_fd = r;
	td->gmem_size = gm.size;
	/* Shared accesses (after MapGPA) land in ordinary memory. */
	td->shared = td->io->mmap(td->io, gm.size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!td->shared)
		return step_fail(td, -errno, "mmap of %llu MiB shared backing",
				 (unsigned long long)gm.size >> 20);
	for (i = 0; i < td->nr_regions; i++) {
		struct kvm_userspace_memory_region2 mr = {
			.slot = i,
			.flags = KVM_MEM_GUEST_MEMFD,
			.guest_phys_addr = td->regions[i].gpa,
			.memory_size = td->regions[i].size,
			.userspace_addr = (uintptr_t)td->shared + off,
			.guest_memfd = td->gmem_fd,
			.guest_memfd_offset = off,
		};

		r = td->io->ioctl(td->io, td->vm_fd, KVM_SET_USER_MEMORY_REGION2, &mr);
		if (r < 0)
			return step_fail(td, r, "KVM_SET_USER_MEMORY_REGION2 (slot %u)", i);
		r = set_attributes(td, td->regions[i].gpa, td->regions[i].size, true);
		if (r < 0)
			return step_fail(td, r, "KVM_SET_MEMORY_ATTRIBUTES(private, slot %u)", i);
		off += td->regions[i].size;
	}
	return 0;
}

static int tdx_get_cpuid(struct td *td, int fd, struct kvm_cpuid2 **out)
{
	struct kvm_cpuid2 *c;
	uint32_t n = 64, want;
	long r;

	for (;;) {
		c = cpuid_alloc(n);
		if (!c)
			return step_fail(td, -ENOMEM, "KVM_TDX_GET_CPUID buffer");
		r = tdx_op(td, fd, KVM_TDX_GET_CPUID, 0, (uintptr_t)c);
		if (r != -E2BIG)
			break;
		/* KVM wrote the size it needs into nent. */
		want = c->nent;
		free(c);
		if (want <= n || want > MAX_CPUID_ENT)
			return step_fail(td, r, "KVM_TDX_GET_CPUID (asked for %u entries)", want);
		n = want;
	}
	if (r < 0) {
		free(c);
		return step_fail(td, r, "KVM_TDX_GET_CPUID");
	}
	*out = c;
	return 0;
}

static int add_vcpu(struct td *td, unsigned int i, uint64_t rcx)
{
	struct kvm_cpuid2 *cpuid = NULL;
	uint32_t e;
	long r;

	r = td->io->ioctl(td->io, td->vm_fd, KVM_CREATE_VCPU, (void *)(uintptr_t)i);
	if (r < 0)
		return step_fail(td, r, "KVM_CREATE_VCPU(%u)", i);
	td->vcpu_fd[i] = r;
	td->run[i] = td->io->mmap(td->io, td->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
				  td->vcpu_fd[i], 0);
	if (!td->run[i])
		return step_fail(td, -errno, "mmap of vCPU %u's kvm_run", i);
	r = tdx_get_cpuid(td, td->vcpu_fd[i], &cpuid);
	if (r)
		return r;
	/* INIT_VCPU switches the local APIC to x2APIC mode: CPUID must allow it. */
	for (e = 0; e < cpuid->nent; e++)
		if (cpuid->entries[e].function == 1)
			cpuid->entries[e].ecx |= CPUID_1_ECX_X2APIC;
	r = td->io->ioctl(td->io, td->vcpu_fd[i], KVM_SET_CPUID2, cpuid);
	free(cpuid);
	if (r < 0)
		return step_fail(td, r, "KVM_SET_CPUID2 (vCPU %u)", i);
	r = tdx_op(td, td->vcpu_fd[i], KVM_TDX_INIT_VCPU, 0, rcx);
	if (r < 0)
		return step_fail(td, r, "KVM_TDX_INIT_VCPU (vCPU %u)", i);
	if (i)
		return 0;
	/* The rate the TD's TSC runs at: what guest cycle counts convert with. */
	r = td->io->ioctl(td->io, td->vcpu_fd[0], KVM_GET_TSC_KHZ, NULL);
	if (r <= 0)
		return step_fail(td, r ? r : -EIO, "KVM_GET_TSC_KHZ (vCPU 0)");
	td->tsc_khz = r;
	return 0;
}

/* TDH.MEM.PAGE.ADD of the boot image, measured; resumed after a signal. */
static int add_image(struct td *td, const struct td_config *cfg)
{
	struct kvm_tdx_init_mem_region reg;
	unsigned int tries = 0;
	void *src;
	long r;

	if (!cfg->image_size || cfg->image_size & 4095 || !in_regions(td, cfg->image_gpa, cfg->image_size))
		return step_fail(td, -EINVAL, "boot image 0x%llx+0x%llx: 4K multiple inside a region",
				 (unsigned long long)cfg->image_gpa, (unsigned long long)cfg->image_size);
	/* The source must be page aligned. */
	src = td->io->mmap(td->io, cfg->image_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!src)
		return step_fail(td, -errno, "mmap of the boot image copy");
	memcpy(src, cfg->image, cfg->image_size);
	reg = (struct kvm_tdx_init_mem_region){
		.source_addr = (uintptr_t)src,
		.gpa = cfg->image_gpa,
		.nr_pages = cfg->image_size / 4096,
	};
	do {
		r = tdx_op(td, td->vcpu_fd[0], KVM_TDX_INIT_MEM_REGION,
			   KVM_TDX_MEASURE_MEMORY_REGION, (uintptr_t)&reg);
	} while ((r == -EINTR || retry_eagain(td, r, &tries)) && reg.nr_pages);
	td->io->munmap(td->io, src, cfg->image_size);
	return r < 0 ? step_fail(td, r, "KVM_TDX_INIT_MEM_REGION (gpa 0x%llx, %llu pages left)",
				 (unsigned long long)reg.gpa, (unsigned long long)reg.nr_pages) : 0;
}

static int build(struct td *td, const struct td_config *cfg)
{
	unsigned int i;
	long r;

	r = td->io->open_kvm(td->io);
	if (r < 0)
		return step_fail(td, r, "open /dev/kvm");
	td->kvm_fd = r;
	r = td->io->ioctl(td->io, td->kvm_fd, KVM_CHECK_EXTENSION, (void *)(uintptr_t)KVM_CAP_VM_TYPES);
	if (r < 0 || !(r & (1 << KVM_X86_TDX_VM)))
		return step_fail(td, -EOPNOTSUPP, "KVM_CAP_VM_TYPES lacks KVM_X86_TDX_VM");
	r = td->io->ioctl(td->io, td->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (r <= 0)
		return step_fail(td, r ? r : -EIO, "KVM_GET_VCPU_MMAP_SIZE");
	td->run_size = r;
	r = td->io->ioctl(td->io, td->kvm_fd, KVM_CREATE_VM, (void *)(uintptr_t)KVM_X86_TDX_VM);
	if (r < 0)
		return step_fail(td, r, "KVM_CREATE_VM(KVM_X86_TDX_VM)");
	td->vm_fd = r;
	/* A TD's limit (host CPUs, the TDX module's maximum): before anything is built. */
	r = td->io->ioctl(td->io, td->vm_fd, KVM_CHECK_EXTENSION, (void *)(uintptr_t)KVM_CAP_MAX_VCPUS);
	if (r <= 0)
		return step_fail(td, r ? r : -EIO, "KVM_CHECK_EXTENSION(KVM_CAP_MAX_VCPUS) on the TD");
	td->max_vcpus = r;
	if (td->nr_vcpus > td->max_vcpus)
		return step_fail(td, -EOPNOTSUPP, "%u vCPUs: this host's TDs take at most %u (KVM_CAP_MAX_VCPUS)",
				 td->nr_vcpus, td->max_vcpus);
	r = set_tsc(td);
	if (!r)
		r = enable_cap(td, KVM_CAP_SPLIT_IRQCHIP, SPLIT_IRQCHIP_PINS, "SPLIT_IRQCHIP");
	if (!r)
		r = enable_cap(td, KVM_CAP_EXIT_HYPERCALL, 1ull << KVM_HC_MAP_GPA_RANGE,
			       "EXIT_HYPERCALL, MAP_GPA_RANGE");
	if (!r)
		r = get_caps(td);
	if (!r)
		r = init_vm(td, cfg);
	if (!r)
		r = add_memory(td, cfg);
	for (i = 0; !r && i < td->nr_vcpus; i++)
		r = add_vcpu(td, i, cfg->vcpu_rcx);
	if (!r)
		r = add_image(td, cfg);
	if (r)
		return r;
	r = tdx_op(td, td->vm_fd, KVM_TDX_FINALIZE_VM, 0, 0);
	return r < 0 ? step_fail(td, r, "KVM_TDX_FINALIZE_VM") : 0;
}

int td_create(struct td *td, struct kvm_io *io, const struct td_config *cfg)
{
	unsigned int i;
	int r;

	memset(td, 0, sizeof(*td));
	td->io = io;
	td->convert_free = cfg->convert_free;
	td->kvm_fd = td->vm_fd = td->gmem_fd = -1;
	if (!cfg->nr_vcpus)
		return step_fail(td, -EINVAL, "0 vCPUs");
	td->nr_vcpus = cfg->nr_vcpus;
	td->vcpu_fd = malloc(cfg->nr_vcpus * sizeof(*td->vcpu_fd));
	td->run = calloc(cfg->nr_vcpus, sizeof(*td->run));
	if (!td->vcpu_fd || !td->run) {
		td_destroy(td);
		return step_fail(td, -ENOMEM, "vCPU arrays");
	}
	for (i = 0; i < cfg->nr_vcpus; i++)
		td->vcpu_fd[i] = -1;
	r = build(td, cfg);
	if (r) {
		/* Keep the message: destroy only releases. */
		char err[sizeof(td->err)];

		memcpy(err, td->err, sizeof(err));
		td_destroy(td);
		memcpy(td->err, err, sizeof(err));
	}
	return r;
}

void td_destroy(struct td *td)
{
	unsigned int i;

	/* vCPUs before the VM, the VM before /dev/kvm: KVM frees the TD last. */
	for (i = 0; td->vcpu_fd && i < td->nr_vcpus; i++) {
		if (td->run && td->run[i])
			td->io->munmap(td->io, td->run[i], td->run_size);
		if (td->vcpu_fd[i] >= 0)
			td->io->close(td->io, td->vcpu_fd[i]);
	}
	if (td->gmem_fd >= 0)
		td->io->close(td->io, td->gmem_fd);
	if (td->shared)
		td->io->munmap(td->io, td->shared, td->gmem_size);
	if (td->vm_fd >= 0)
		td->io->close(td->io, td->vm_fd);
	if (td->kvm_fd >= 0)
		td->io->close(td->io, td->kvm_fd);
	free(td->vcpu_fd);
	free(td->run);
	free(td->caps);
	td->vcpu_fd = NULL;
	td->run = NULL;
	td->caps = NULL;
	td->shared = NULL;
	td->kvm_fd = td->vm_fd = td->gmem_fd = -1;
}

int td_handle_map_gpa(struct td *td, unsigned int vcpu)
{
	struct kvm_run *run = td->run[vcpu];
	uint64_t gpa, size;
	bool private;
	int r;

	if (run->exit_reason != KVM_EXIT_HYPERCALL || run->hypercall.nr != KVM_HC_MAP_GPA_RANGE)
		return -EINVAL;
	/* KVM strips the shared bit: args[0] is the GPA, args[2] the direction. */
	gpa = run->hypercall.args[0];
	size = run->hypercall.args[1] * 4096;
	private = run->hypercall.args[2] & KVM_MAP_GPA_RANGE_ENCRYPTED;
	if (!size || gpa & 4095 || !in_regions(td, gpa, size)) {
		run->hypercall.ret = EINVAL;
		return 0;
	}
	r = set_attributes(td, gpa, size, private);
	if (!r)
		r = free_converted(td, gpa, size, private) ? -EIO : 0;
	if (r == -EAGAIN || r == -EINTR)
		run->hypercall.ret = EAGAIN;
	else if (r < 0)
		run->hypercall.ret = EINVAL;
	else
		run->hypercall.ret = 0;
	td->map_gpa_exits++;
	if (!r)
		td->map_gpa_pages += size / 4096;
	return 0;
}

int td_handle_memory_fault(struct td *td, unsigned int vcpu, char *why, size_t why_size)
{
	struct kvm_run *run = td->run[vcpu];
	uint64_t gpa, size, flags;
	bool private;
	int r;

	if (run->exit_reason != KVM_EXIT_MEMORY_FAULT) {
		snprintf(why, why_size, "exit %u is not a memory fault", run->exit_reason);
		return -EINVAL;
	}
	gpa = run->memory_fault.gpa;
	size = run->memory_fault.size;
	flags = run->memory_fault.flags;
	private = flags & KVM_MEMORY_EXIT_FLAG_PRIVATE;
	r = (!size || (gpa | size) & 4095 || !in_regions(td, gpa, size)) ? -EINVAL :
	    set_attributes(td, gpa, size, private);
	if (r < 0) {
		snprintf(why, why_size, "memory fault at GPA 0x%llx size 0x%llx flags 0x%llx: implicit conversion to %s failed: %s",
			 (unsigned long long)gpa, (unsigned long long)size,
			 (unsigned long long)flags, private ? "private" : "shared", strerror(-r));
		return r;
	}
	td->implicit_conversions++;
	td->implicit_pages += size / 4096;
	return 0;
}

int td_query_caps(struct kvm_io *io, struct kvm_tdx_capabilities **caps, char *err,
		  size_t err_size)
{
	struct td td = { .io = io, .kvm_fd = -1, .vm_fd = -1, .gmem_fd = -1 };
	long r;

	*caps = NULL;
	r = io->open_kvm(io);
	if (r < 0)
		r = step_fail(&td, r, "open /dev/kvm");
	else
		td.kvm_fd = r;
	if (td.kvm_fd >= 0) {
		r = io->ioctl(io, td.kvm_fd, KVM_CREATE_VM, (void *)(uintptr_t)KVM_X86_TDX_VM);
		if (r < 0)
			r = step_fail(&td, r, "KVM_CREATE_VM(KVM_X86_TDX_VM)");
		else
			td.vm_fd = r;
	}
	if (td.vm_fd >= 0)
		r = get_caps(&td);
	if (td.vm_fd >= 0)
		io->close(io, td.vm_fd);
	if (td.kvm_fd >= 0)
		io->close(io, td.kvm_fd);
	if (r < 0) {
		free(td.caps);
		snprintf(err, err_size, "%s", td.err);
		return (int)r;
	}
	*caps = td.caps;
	return 0;
}
