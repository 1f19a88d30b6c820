// SPDX-License-Identifier: GPL-2.0
/*
 * td_sim: the TD payload's shim build in a default VM started in a TD's
 * entry state.  See td_sim.h.
 *
 * The entry state is the TDX module's (intel/tdx-module: tdh_vp_init.c,
 * init_vcpu_gprs_and_registers; td_vmcs_init.c): RIP 0xFFFFFFF0, RFLAGS
 * 2, CR0 0x21 (PE | NE), CR4 MCE (the TDX module also sets VMXE, which a
 * default VM cannot), EFER 0x901 (SCE | LME | NXE), flat 32-bit CS (AR
 * 0xC09B) and data segments (0xC093), busy TSS; RBX = GPAW, RCX = R8 =
 * INIT_VCPU data, RDX = CPUID(1).EAX, RSI = vCPU index.
 *
 * EFER.LME is the one difference unless td_sim_config.efer_lme asks for
 * it: QEMU's TCG (scripts/vmtest on machines without VMX/SVM) freezes the
 * whole test VM on a nested VMRUN with LME set and paging off, so the
 * boot stub sets LME itself when it finds it clear.
 */
#include "tdx/td_sim.h"

#include <asm/kvm_para.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

void *td_sim_hva(struct td_sim *s, uint64_t gpa, uint64_t len)
{
	if (gpa >= s->sys_gpa && gpa + len >= gpa && gpa + len - s->sys_gpa <= s->sys.size)
		return (uint8_t *)s->sys.hva + (gpa - s->sys_gpa);
	if (gpa >= s->mem_gpa && gpa + len >= gpa && gpa + len - s->mem_gpa <= s->mem.size)
		return (uint8_t *)s->mem.hva + (gpa - s->mem_gpa);
	return NULL;
}

static void log_event(struct td_sim *s, enum td_ev_type type, unsigned int vcpu,
		      uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct td_event *ev;

	pthread_mutex_lock(&s->lock);
	if (s->nr_ev == s->cap_ev) {
		size_t cap = s->cap_ev ? 2 * s->cap_ev : 4096;

		ev = realloc(s->ev, cap * sizeof(*ev));
		if (!ev) {
			pthread_mutex_unlock(&s->lock);
			return;
		}
		s->ev = ev;
		s->cap_ev = cap;
	}
	s->ev[s->nr_ev++] = (struct td_event) {
		.type = type, .vcpu = vcpu, .a = { a0, a1, a2, a3 },
	};
	pthread_mutex_unlock(&s->lock);
}

static int set_slot(struct td_sim *s, uint32_t slot, uint64_t gpa, struct guest_mem *m)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = m->size,
		.userspace_addr = (uintptr_t)m->hva,
	};

	if (ioctl(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		return kvm_fail_errno("KVM_SET_USER_MEMORY_REGION slot %u at 0x%llx", slot,
				      (unsigned long long)gpa);
	return 0;
}

static int get_cpuid(struct td_sim *s)
{
	s->cpuid = kvm_supported_cpuid(s->kvm_fd);
	return s->cpuid ? 0 : -EIO;
}

static uint32_t cpuid1_eax(const struct kvm_cpuid2 *c)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			return c->entries[i].eax;
	return 0;
}

static void seg32(struct kvm_segment *seg, bool code)
{
	memset(seg, 0, sizeof(*seg));
	seg->limit = 0xffffffff;
	seg->type = code ? 0xb : 0x3;
	seg->present = 1;
	seg->s = 1;
	seg->db = 1;
	seg->g = 1;
}

static int setup_vcpu(struct td_sim *s, unsigned int idx, int fd, const struct td_sim_config *cfg)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(fd, KVM_SET_CPUID2, s->cpuid))
		return kvm_fail_errno("KVM_SET_CPUID2 (vCPU %u)", idx);
	if (ioctl(fd, KVM_GET_SREGS, &sregs))
		return kvm_fail_errno("KVM_GET_SREGS (vCPU %u)", idx);
	seg32(&sregs.cs, true);
	seg32(&sregs.ds, false);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.limit = 0xffff;
	sregs.tr.type = 0xb;
	sregs.tr.present = 1;
	memset(&sregs.ldt, 0, sizeof(sregs.ldt));
	sregs.ldt.limit = 0xffff;
	sregs.ldt.type = 0x2;
	sregs.ldt.present = 1;
	sregs.ldt.unusable = 1;
	sregs.gdt.base = 0;
	sregs.gdt.limit = 0xffff;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = 0x21;
	sregs.cr3 = 0;
	sregs.cr4 = 0x40;
	sregs.efer = cfg->efer_lme ? 0x901 : 0x801;
	if (ioctl(fd, KVM_SET_SREGS, &sregs))
		return kvm_fail_errno("KVM_SET_SREGS (vCPU %u, TD entry state)", idx);

	memset(&regs, 0, sizeof(regs));
	regs.rip = TD_RESET_VECTOR;
	regs.rflags = 0x2;
	regs.rbx = cfg->gpaw;
	regs.rcx = regs.r8 = cfg->rcx ? cfg->rcx : TD_PARAMS_GPA;
	regs.rdx = cpuid1_eax(s->cpuid);
	regs.rsi = idx;
	if (ioctl(fd, KVM_SET_REGS, &regs))
		return kvm_fail_errno("KVM_SET_REGS (vCPU %u)", idx);
	return 0;
}

static bool shim_call(struct td_rt *rt, struct td_rt_vcpu *v, uint32_t leaf);

int td_sim_create(struct td_sim *s, const struct td_sim_config *cfg)
{
	uint64_t mem_size = cfg->params.mem_size;
	struct kvm_run **runs;
	unsigned int i;
	int r = 0;

	memset(s, 0, sizeof(*s));
	s->kvm_fd = s->vm_fd = -1;
	s->sys.fd = s->mem.fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	if (!cfg->nr_vcpus || cfg->nr_vcpus > TD_MAX_VCPUS || cfg->image_size != TD_IMAGE_SIZE ||
	    !mem_size || mem_size % GUEST_PAGE_SIZE)
		return kvm_fail(EINVAL, "td_sim: bad config");
	s->nr_vcpus = cfg->nr_vcpus;
	s->shared_bit = td_shared_bit(cfg->gpaw);
	s->sys_gpa = td_sys_gpa(cfg->nr_vcpus);
	s->mem_gpa = cfg->params.mem_gpa;
	s->mem_size = mem_size;

	s->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (s->kvm_fd < 0)
		return kvm_fail_errno("open /dev/kvm");
	r = ioctl(s->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r <= 0)
		return kvm_fail_errno("KVM_GET_VCPU_MMAP_SIZE");
	s->run_size = r;
	r = get_cpuid(s);
	if (r)
		return r;
	s->vm_fd = ioctl(s->kvm_fd, KVM_CREATE_VM, KVM_X86_DEFAULT_VM);
	if (s->vm_fd < 0)
		return kvm_fail_errno("KVM_CREATE_VM");

	/* What a TD host adds with INIT_MEM_REGION: the params page, zeros, the image. */
	r = guest_mem_alloc(&s->sys, BACKING_ANON, TD_4G - s->sys_gpa, -1);
	if (r)
		return r;
	memcpy(td_sim_hva(s, TD_IMAGE_GPA, TD_IMAGE_SIZE), cfg->image, TD_IMAGE_SIZE);
	memcpy(td_sim_hva(s, TD_PARAMS_GPA, sizeof(cfg->params)), &cfg->params,
	       sizeof(cfg->params));
	r = set_slot(s, 0, s->sys_gpa, &s->sys);
	if (r)
		return r;
	r = guest_mem_alloc(&s->mem, cfg->mem_memfd ? BACKING_MEMFD : BACKING_ANON, mem_size, -1);
	if (r)
		return r;
	r = set_slot(s, 1, s->mem_gpa, &s->mem);
	if (r)
		return r;
	s->accepted = calloc(mem_size / GUEST_PAGE_SIZE, 1);
	s->vcpu_fd = calloc(s->nr_vcpus, sizeof(*s->vcpu_fd));
	runs = calloc(s->nr_vcpus, sizeof(*runs));
	if (!s->accepted || !s->vcpu_fd || !runs) {
		free(runs);
		return kvm_fail(ENOMEM, "td_sim state");
	}
	for (i = 0; i < s->nr_vcpus; i++)
		s->vcpu_fd[i] = -1;
	for (i = 0; i < s->nr_vcpus && !r; i++) {
		s->vcpu_fd[i] = ioctl(s->vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
		if (s->vcpu_fd[i] < 0) {
			r = kvm_fail_errno("KVM_CREATE_VCPU %u", i);
			break;
		}
		runs[i] = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			       s->vcpu_fd[i], 0);
		if (runs[i] == MAP_FAILED) {
			runs[i] = NULL;
			r = kvm_fail_errno("mmap kvm_run");
			break;
		}
		r = setup_vcpu(s, i, s->vcpu_fd[i], cfg);
	}
	if (!r && td_rt_init(&s->rt, &kvm_io_sys, s->nr_vcpus, s->vcpu_fd, runs))
		r = kvm_fail(ENOMEM, "td_sim runtime");
	if (!r) {
		s->vcpus = s->rt.vcpus;
		s->rt.shim = shim_call;
		s->rt.shim_ctx = s;
		free(runs);
		return 0;
	}
	/* Keep the maps where td_sim_destroy finds them. */
	for (i = 0; i < s->nr_vcpus; i++)
		if (runs[i])
			munmap(runs[i], s->run_size);
	free(runs);
	return r;
}

void td_sim_destroy(struct td_sim *s)
{
	unsigned int i;

	for (i = 0; s->vcpus && i < s->nr_vcpus; i++)
		if (s->vcpus[i].run)
			munmap(s->vcpus[i].run, s->run_size);
	for (i = 0; s->vcpu_fd && i < s->nr_vcpus; i++)
		if (s->vcpu_fd[i] >= 0)
			close(s->vcpu_fd[i]);
	td_rt_free(&s->rt);
	free(s->vcpu_fd);
	if (s->vm_fd >= 0)
		close(s->vm_fd);
	guest_mem_free(&s->mem);
	guest_mem_free(&s->sys);
	if (s->kvm_fd >= 0)
		close(s->kvm_fd);
	free(s->cpuid);
	free(s->accepted);
	free(s->ev);
	pthread_mutex_destroy(&s->lock);
}

/* The TDX module's side of TDG.MEM.PAGE.ACCEPT, as far as the payload sees it. */
static uint64_t sim_accept(struct td_sim *s, struct td_rt_vcpu *v, uint64_t rcx)
{
	unsigned int level = rcx & 7;
	uint64_t gpa = rcx & ~0xfffull, size, first, i, st = 0;

	size = level == TD_ACCEPT_2M ? GUEST_HUGE_SIZE :
	       level == TD_ACCEPT_4K ? GUEST_PAGE_SIZE : 0;
	if (!size || gpa % size || gpa < s->mem_gpa || gpa + size > s->mem_gpa + s->mem_size)
		st = TD_SIM_OPERAND_INVALID;
	if (!st && s->accept_status)
		st = s->accept_status(s, v->idx, gpa, level);
	if (!st) {
		first = (gpa - s->mem_gpa) / GUEST_PAGE_SIZE;
		for (i = 0; i < size / GUEST_PAGE_SIZE; i++)
			if (s->accepted[first + i])
				st = TDX_PAGE_ALREADY_ACCEPTED;
		for (i = 0; !st && i < size / GUEST_PAGE_SIZE; i++)
			s->accepted[first + i] = 1;
	}
	if (s->log_accepts)
		log_event(s, TD_EV_ACCEPT, v->idx, gpa, level, st, 0);
	return st;
}

static void forget_accepts(struct td_sim *s, uint64_t gpa, uint64_t len)
{
	if (gpa < s->mem_gpa || gpa + len > s->mem_gpa + s->mem_size)
		return;
	memset(s->accepted + (gpa - s->mem_gpa) / GUEST_PAGE_SIZE, 0, len / GUEST_PAGE_SIZE);
}

uint64_t td_sim_accepted_pages(struct td_sim *s)
{
	uint64_t i, n = 0;

	for (i = 0; i < s->mem_size / GUEST_PAGE_SIZE; i++)
		n += s->accepted[i];
	return n;
}

/*
 * KVM's side of MapGPA (facts: tdx-abi.md, tdx.c __tdx_map_gpa and
 * tdx_complete_vmcall_map_gpa): one userspace exit per 2 MiB, GPA without
 * the shared bit; a failed exit ends the call, -EAGAIN as RETRY with the
 * GPA of the chunk that failed in R11.
 */
static void sim_map_gpa(struct td_sim *s, struct td_rt_vcpu *v, volatile struct td_shim_mbox *m)
{
	uint64_t gpa = m->r12, size = m->r13, end = gpa + size, next, len, attrs;
	uint64_t r10 = TDVMCALL_SUCCESS, r11 = 0;
	int64_t ret;

	if ((gpa | size) % GUEST_PAGE_SIZE || !size || end < gpa) {
		r10 = TD_SIM_ALIGN_ERROR;
		goto out;
	}
	if ((gpa & s->shared_bit) != ((end - 1) & s->shared_bit)) {
		r10 = TDVMCALL_INVALID_OPERAND;
		goto out;
	}
	attrs = gpa & s->shared_bit ? KVM_MAP_GPA_RANGE_DECRYPTED : KVM_MAP_GPA_RANGE_ENCRYPTED;
	for (next = gpa; next < end; next += len) {
		len = end - next < TD_SIM_MAP_GPA_MAX ? end - next : TD_SIM_MAP_GPA_MAX;
		ret = s->map_gpa_ret ? s->map_gpa_ret(s, v->idx, next & ~s->shared_bit,
						      len / GUEST_PAGE_SIZE, attrs) : 0;
		log_event(s, TD_EV_MAP_EXIT, v->idx, next & ~s->shared_bit, len / GUEST_PAGE_SIZE,
			  attrs, ret);
		if (ret == -EAGAIN) {
			r10 = TDVMCALL_RETRY;
			r11 = next;
			break;
		}
		if (ret) {
			r10 = TDVMCALL_INVALID_OPERAND;
			break;
		}
		td_rt_count_map_exit(&s->rt, len / GUEST_PAGE_SIZE,
				     attrs == KVM_MAP_GPA_RANGE_ENCRYPTED);
		/* Shared pages are no longer the TD's: KVM removed them (REMOVE). */
		if (attrs == KVM_MAP_GPA_RANGE_DECRYPTED)
			forget_accepts(s, next & ~s->shared_bit, len);
	}
out:
	log_event(s, TD_EV_MAP_GPA, v->idx, gpa, size, r10, r11);
	m->r10 = r10;
	m->r11 = r11;
}

/* One shim TDCALL; false when the vCPU is done (ReportFatalError). */
static bool shim_call(struct td_rt *rt, struct td_rt_vcpu *v, uint32_t leaf)
{
	struct td_sim *s = rt->shim_ctx;
	volatile struct td_shim_mbox *m = td_sim_hva(s, TD_SHIM_MBOX_GPA +
						     v->idx * TD_SHIM_MBOX_SIZE, sizeof(*m));

	if (leaf != m->rax) {
		td_rt_fail(v, "shim: leaf %u on the port, %llu in the mailbox", leaf,
		      (unsigned long long)m->rax);
		return false;
	}
	switch (leaf) {
	case TDG_MEM_PAGE_ACCEPT:
		m->rax = sim_accept(s, v, m->rcx);
		return true;
	case TDG_VP_VMCALL:
		m->rax = TDX_SUCCESS;
		if (m->rcx != TDVMCALL_GPR_MASK || m->r10) {
			td_rt_fail(v, "TDVMCALL with RCX 0x%llx, R10 0x%llx",
			      (unsigned long long)m->rcx, (unsigned long long)m->r10);
			return false;
		}
		switch (m->r11) {
		case TDVMCALL_MAP_GPA:
			sim_map_gpa(s, v, m);
			return true;
		case TDVMCALL_REPORT_FATAL:
			log_event(s, TD_EV_FATAL, v->idx, m->r12, 0, 0, 0);
			v->fatal = true;
			v->fatal_code = m->r12;
			return false;
		default:
			m->r10 = TD_SIM_SUBFUNC_UNSUPPORTED;
			return true;
		}
	default:
		m->rax = TD_SIM_OPERAND_INVALID;
		return true;
	}
}

int td_sim_run(struct td_sim *s, unsigned int timeout_ms)
{
	int r = td_rt_run(&s->rt, timeout_ms);

	return r ? kvm_fail(-r, "td_sim_run") : 0;
}
