// SPDX-License-Identifier: GPL-2.0
/*
 * Phases: one thread per vCPU runs KVM_RUN until the guest reports DONE or
 * fails.  Threads are created and parked at a gate first, so thread
 * creation is never timed; the guest then parks at its own barrier (READY)
 * and the clock starts when the host releases it.
 */
#include "kvm/vm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

enum vcpu_state {
	VCPU_IDLE,
	VCPU_RUNNING,
	VCPU_DONE,
	VCPU_FAILED,
};

/* Only interrupts KVM_RUN; the handler has nothing to do. */
#define VCPU_KICK_SIGNAL (SIGRTMIN + 2)

static pthread_once_t kick_once = PTHREAD_ONCE_INIT;

static void kick_handler(int sig)
{
}

static void install_kick(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
}

uint64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static __attribute__((format(printf, 3, 4)))
void vcpu_fail(struct vcpu *v, int err, const char *fmt, ...)
{
	va_list ap;

	v->state = VCPU_FAILED;
	v->err = err;
	va_start(ap, fmt);
	vsnprintf(v->errmsg, sizeof(v->errmsg), fmt, ap);
	va_end(ap);
}

static void unexpected_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu_fail(v, EPROTO, "unexpected port I/O: %s port 0x%x, size %u",
			  run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			  run->io.port, run->io.size);
		break;
	case KVM_EXIT_MMIO:
		vcpu_fail(v, EFAULT, "MMIO %s at 0x%llx (address outside the memslots?)",
			  run->mmio.is_write ? "write" : "read",
			  (unsigned long long)run->mmio.phys_addr);
		break;
	case KVM_EXIT_HLT:
		vcpu_fail(v, EPROTO, "guest halted");
		break;
	case KVM_EXIT_SHUTDOWN:
		vcpu_fail(v, EPROTO, "guest shut down (triple fault)");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_fail(v, EINVAL, "VM entry failed, hardware reason 0x%llx",
			  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_fail(v, EIO, "KVM internal error, suberror %u", run->internal.suberror);
		break;
	case KVM_EXIT_MEMORY_FAULT:
		vcpu_fail(v, EFAULT, "memory fault at 0x%llx (+0x%llx), flags 0x%llx (%s access)",
			  (unsigned long long)run->memory_fault.gpa,
			  (unsigned long long)run->memory_fault.size,
			  (unsigned long long)run->memory_fault.flags,
			  run->memory_fault.flags & KVM_MEMORY_EXIT_FLAG_PRIVATE ? "private" : "shared");
		break;
	default:
		vcpu_fail(v, EPROTO, "unexpected exit reason %u", run->exit_reason);
	}
}

/*
 * The guest's MapGPA on private memory, answered as a TD's is: the
 * range's private attribute set or cleared (KVM zaps what it leaves).
 */
static bool handle_map_gpa(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	int r;

	if (!v->vm->mem.private_mem || run->hypercall.nr != KVM_HC_MAP_GPA_RANGE) {
		vcpu_fail(v, EPROTO, "unexpected hypercall %llu", (unsigned long long)run->hypercall.nr);
		return false;
	}
	r = vm_set_private(v->vm, run->hypercall.args[0], run->hypercall.args[1] * 4096,
			   run->hypercall.args[2] & KVM_MAP_GPA_RANGE_ENCRYPTED);
	run->hypercall.ret = r == -EAGAIN || r == -EINTR ? EAGAIN : r ? EINVAL : 0;
	v->res.map_gpa_exits++;
	return true;
}

/*
 * sept-emu's MapGPA by port I/O (UCALL_MAP_GPA): answered like the
 * hypercall, the result in the guest block's args[3].
 */
static void handle_map_gpa_port(struct vcpu *v, const struct ucall *uc)
{
	int r = vm_convert(v, uc->args[0], uc->args[1] * 4096,
			   uc->args[2] & KVM_MAP_GPA_RANGE_ENCRYPTED);

	v->block->args[3] = r == -EAGAIN || r == -EINTR ? EAGAIN : r ? EINVAL : 0;
	v->res.map_gpa_exits++;
	if (!r)
		v->res.map_gpa_pages += uc->args[1];
}

/*
 * A KVM_EXIT_MEMORY_FAULT on a VM with a shared bit, answered as a TD's
 * is (QEMU's implicit conversion): the range to what the access wanted,
 * then KVM_RUN again.  false when it cannot be converted.
 */
static bool handle_memory_fault(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	bool private_mem = run->memory_fault.flags & KVM_MEMORY_EXIT_FLAG_PRIVATE;

	if (!v->vm->shared_gpa_bit ||
	    vm_set_private(v->vm, run->memory_fault.gpa, run->memory_fault.size, private_mem))
		return false;
	v->res.implicit_conversions++;
	v->res.implicit_pages += run->memory_fault.size / 4096;
	return true;
}

/*
 * The guest's per-op histogram, copied out and checked: a histogram whose
 * count is not the pages the guest says it touched is a broken figure.
 */
static bool copy_latency(struct vcpu *v)
{
	const struct lathist *h = vm_gpa_to_hva(v->vm, GUEST_LATHIST_GPA +
						v->idx * sizeof(*h), sizeof(*h));

	v->res.lat = *h;
	if (!lathist_valid(&v->res.lat) || v->res.lat.count != v->res.pages) {
		vcpu_fail(v, EPROTO, "latency histogram of vCPU %u inconsistent (%llu ops, %llu pages)",
			  v->idx, (unsigned long long)v->res.lat.count,
			  (unsigned long long)v->res.pages);
		return false;
	}
	v->res.has_lat = true;
	return true;
}

/* Handle one ucall; true when the vCPU's phase is over. */
static bool handle_ucall(struct vcpu *v, const struct ucall *uc, uint64_t now)
{
	struct vm *vm = v->vm;
	char msg[256];

	switch (uc->nr) {
	case UCALL_READY:
		pthread_mutex_lock(&vm->lock);
		v->res.t_ready = now;
		vm->nr_ready++;
		pthread_cond_broadcast(&vm->cond);
		pthread_mutex_unlock(&vm->lock);
		return false;
	case UCALL_START:
		v->res.t_start = now;
		return false;
	case UCALL_PROGRESS:
		v->res.progress++;
		if (vm->on_progress)
			vm->on_progress(vm, v->idx, uc->args[0]);
		return false;
	case UCALL_DONE:
		v->res.t_done = now;
		v->res.ns = now - v->res.t_start;
		v->res.tsc_cycles = v->block->tsc_end - v->block->tsc_start;
		v->res.pages = v->block->pages;
		v->res.writes = v->block->writes;
		v->res.sum = v->block->sum;
		if (vm->params->latency && !copy_latency(v))
			return true;
		v->state = VCPU_DONE;
		return true;
	case UCALL_EXIT:
		v->state = VCPU_DONE;
		return true;
	case UCALL_MAP_GPA:
		handle_map_gpa_port(v, uc);
		return false;
	default:
		ucall_describe(uc, msg, sizeof(msg));
		vcpu_fail(v, EPROTO, "%s", msg);
		return true;
	}
}

static void *vcpu_main(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	struct ucall uc;
	uint64_t now;
	int r;

	v->tid = gettid();
	if (v->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(v->cpu, &set);
		r = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (r)
			vcpu_fail(v, r, "pin to CPU %d: %s", v->cpu, strerror(r));
	}
	pthread_mutex_lock(&vm->lock);
	while (!vm->gate)
		pthread_cond_wait(&vm->cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);

	while (v->state == VCPU_RUNNING) {
		if (vm->stop) {
			vcpu_fail(v, ETIMEDOUT, "stopped by the host (timeout or another vCPU failed)");
			break;
		}
		r = ioctl(v->fd, KVM_RUN, NULL);
		now = vm_now_ns();
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/* -EFAULT with the fault's GPA, size and flags in kvm_run. */
			if (errno == EFAULT && v->run->exit_reason == KVM_EXIT_MEMORY_FAULT) {
				if (handle_memory_fault(v))
					continue;
				unexpected_exit(v);
				break;
			}
			vcpu_fail(v, errno, "KVM_RUN: %s", strerror(errno));
			break;
		}
		if (v->run->exit_reason == KVM_EXIT_HYPERCALL) {
			if (!handle_map_gpa(v))
				break;
			continue;
		}
		if (ucall_decode(v, &uc)) {
			if (handle_ucall(v, &uc, now))
				break;
			continue;
		}
		unexpected_exit(v);
	}

	pthread_mutex_lock(&vm->lock);
	vm->nr_finished++;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	return NULL;
}

/*
 * Wait until @pred holds or @deadline (0 = never) passes; lock held.  Wakes
 * every 100 ms to ask vm->should_stop, so Ctrl-C ends a long phase.
 */
static bool wait_until(struct vm *vm, bool (*pred)(struct vm *), uint64_t deadline)
{
	struct timespec ts;
	uint64_t now, until;

	while (!pred(vm)) {
		if (vm->should_stop && vm->should_stop()) {
			vm->interrupted = true;
			return false;
		}
		now = vm_now_ns();
		if (deadline && now >= deadline)
			return false;
		until = now + 100000000ull;
		if (deadline && deadline < until)
			until = deadline;
		/* The condvar uses CLOCK_REALTIME: convert the remaining time. */
		clock_gettime(CLOCK_REALTIME, &ts);
		until = until - now + ts.tv_nsec;
		ts.tv_sec += until / 1000000000ull;
		ts.tv_nsec = until % 1000000000ull;
		pthread_cond_timedwait(&vm->cond, &vm->lock, &ts);
	}
	return true;
}

static bool all_ready(struct vm *vm)
{
	return vm->nr_ready == vm->nr_vcpus || vm->nr_finished;
}

static bool all_finished(struct vm *vm)
{
	return vm->nr_finished == vm->nr_vcpus;
}

static void kick_all(struct vm *vm)
{
	unsigned int i;

	vm->stop = 1;
	__atomic_store_n(&vm->params->abort, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->started)
			continue;
		v->run->immediate_exit = 1;
		pthread_kill(v->thread, VCPU_KICK_SIGNAL);
	}
}

size_t vm_stats_nr_vals(const struct vm *vm)
{
	size_t n = vm->stats.nr_vals;
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		n += vm->vcpus[i].stats.nr_vals;
	return n;
}

/* Snapshot VM stats and every vCPU's stats into one array. */
int vm_stats_snapshot(struct vm *vm, uint64_t *buf)
{
	unsigned int i;
	int r;

	r = kvm_stats_snapshot(&vm->stats, buf);
	buf += vm->stats.nr_vals;
	for (i = 0; !r && i < vm->nr_vcpus; i++) {
		r = kvm_stats_snapshot(&vm->vcpus[i].stats, buf);
		buf += vm->vcpus[i].stats.nr_vals;
	}
	return r;
}

int vm_stats_fill(struct vm *vm, const uint64_t *before, const uint64_t *after,
		  struct vm_phase_result *res)
{
	const struct kvm_stats *vs = &vm->stats, *cs = &vm->vcpus[0].stats;
	size_t off, nr = 0;
	struct stat_delta *d;
	unsigned int i, c;

	res->stats = calloc(vs->nr_desc + cs->nr_desc, sizeof(*res->stats));
	if (!res->stats)
		return kvm_fail(ENOMEM, "stats deltas");
	for (i = 0; i < vs->nr_desc; i++) {
		if (vs->desc[i].size != 1)
			continue;	/* histograms: not a delta */
		d = &res->stats[nr++];
		snprintf(d->name, sizeof(d->name), "%s", vs->desc[i].name);
		d->flags = vs->desc[i].flags;
		d->before = kvm_stats_value(vs, before, i);
		d->after = kvm_stats_value(vs, after, i);
		d->delta = (int64_t)(d->after - d->before);
	}
	/* Every vCPU has the same table: sum each stat over them. */
	for (i = 0; i < cs->nr_desc; i++) {
		if (cs->desc[i].size != 1)
			continue;
		d = &res->stats[nr++];
		snprintf(d->name, sizeof(d->name), "%s", cs->desc[i].name);
		d->flags = cs->desc[i].flags;
		d->vcpu = true;
		off = vs->nr_vals;
		for (c = 0; c < vm->nr_vcpus; c++) {
			d->before += before[off + cs->desc[i].index];
			d->after += after[off + cs->desc[i].index];
			off += vm->vcpus[c].stats.nr_vals;
		}
		d->delta = (int64_t)(d->after - d->before);
	}
	res->nr_stats = nr;
	return 0;
}

static void write_phase(struct vm *vm, const struct vm_phase *ph)
{
	struct guest_params *p = vm->params;

	p->cmd = ph->cmd == VM_PHASE_TOUCH ? GUEST_CMD_TOUCH :
		 vm->shared_gpa_bit ? GUEST_CMD_MAP_GPA_PORT : GUEST_CMD_MAP_GPA;
	p->map_private = ph->cmd == VM_PHASE_TO_PRIVATE;
	p->pattern = ph->pattern;
	p->stride = ph->stride;
	p->write_pct = ph->write_pct > 100 ? 100 : ph->write_pct;
	p->shared = ph->shared;
	p->guest_release = ph->guest_release;
	p->passes = ph->passes ? ph->passes : 1;
	p->seed = ph->seed;
	p->progress_pages = ph->progress_pages;
	p->latency = ph->latency && ph->cmd == VM_PHASE_TOUCH;
	p->arrived = 0;
	p->abort = 0;
	/* Publish the new phase number last; go still holds the old one. */
	__atomic_store_n(&p->phase, p->phase + 1, __ATOMIC_SEQ_CST);
}

int vm_run_phase(struct vm *vm, const struct vm_phase *ph, struct vm_phase_result *res)
{
	size_t nvals = vm_stats_nr_vals(vm);
	uint64_t *before = NULL, *after = NULL, deadline = 0, t0 = 0, last = 0;
	unsigned int i, started = 0;
	struct vcpu *failed = NULL;
	bool timed_out = false, released = false;
	int r;

	memset(res, 0, sizeof(*res));
	pthread_once(&kick_once, install_kick);
	before = calloc(nvals, sizeof(*before));
	after = calloc(nvals, sizeof(*after));
	res->vcpu = calloc(vm->nr_vcpus, sizeof(*res->vcpu));
	if (!before || !after || !res->vcpu) {
		r = kvm_fail(ENOMEM, "phase buffers");
		goto out;
	}
	res->nr_vcpus = vm->nr_vcpus;
	res->tsc_khz = vm->tsc_khz;

	write_phase(vm, ph);
	vm->nr_ready = vm->nr_finished = 0;
	vm->stop = 0;
	vm->interrupted = false;
	vm->gate = false;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		memset(&v->res, 0, sizeof(v->res));
		v->state = VCPU_RUNNING;
		v->err = 0;
		v->errmsg[0] = '\0';
		v->cpu = ph->cpus ? ph->cpus[i] : -1;
		v->run->immediate_exit = 0;
		v->started = false;
		v->tid = 0;
	}
	/* With a guest-side release the host cannot stop the guest in between. */
	if (ph->guest_release) {
		r = vm_stats_snapshot(vm, before);
		if (r)
			goto out;
	}

	r = 0;
	for (i = 0; i < vm->nr_vcpus; i++) {
		r = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_main, &vm->vcpus[i]);
		if (r) {
			r = kvm_fail(r, "pthread_create for vCPU %u", i);
			break;
		}
		vm->vcpus[i].started = true;
		started++;
	}
	if (ph->timeout_ms)
		deadline = vm_now_ns() + ph->timeout_ms * 1000000ull;

	pthread_mutex_lock(&vm->lock);
	if (r) {
		/* Threads never created count as finished; the others bail out. */
		vm->stop = 1;
		vm->nr_finished += vm->nr_vcpus - started;
	}
	vm->gate = true;
	pthread_cond_broadcast(&vm->cond);
	if (!r && !ph->guest_release) {
		if (wait_until(vm, all_ready, deadline) && vm->nr_ready == vm->nr_vcpus) {
			pthread_mutex_unlock(&vm->lock);
			if (vm->on_release)
				vm->on_release(vm);
			released = true;
			r = vm_stats_snapshot(vm, before);
			pthread_mutex_lock(&vm->lock);
			t0 = vm_now_ns();
			__atomic_store_n(&vm->params->go, vm->params->phase, __ATOMIC_SEQ_CST);
		} else {
			/* Timeout, or a vCPU failed before the barrier. */
			timed_out = vm->nr_ready < vm->nr_vcpus && !vm->nr_finished;
			kick_all(vm);
		}
	}
	if (!wait_until(vm, all_finished, deadline)) {
		timed_out = !vm->interrupted;
		kick_all(vm);
		/* The kicked threads finish promptly; do not ask again. */
		vm->should_stop_saved = vm->should_stop;
		vm->should_stop = NULL;
		wait_until(vm, all_finished, 0);
		vm->should_stop = vm->should_stop_saved;
	}
	pthread_mutex_unlock(&vm->lock);

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
	if (released && vm->on_finish)
		vm->on_finish(vm);
	if (r)
		goto out;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->state != VCPU_DONE && (!failed || failed->err == ETIMEDOUT))
			failed = v;
		res->vcpu[i] = v->res;
		res->pages += v->res.pages;
		if (v->res.t_done > last)
			last = v->res.t_done;
		/* The guest released itself: no release time, the first START instead. */
		if (ph->guest_release && (!t0 || v->res.t_start < t0))
			t0 = v->res.t_start;
	}
	if (vm->interrupted) {
		r = kvm_fail(EINTR, "phase interrupted");
		goto out;
	}
	if (failed) {
		r = kvm_fail(failed->err ? failed->err : EIO, "vCPU %u%s: %s", failed->idx,
			     timed_out ? " (phase timed out)" : "", failed->errmsg);
		goto out;
	}
	res->wall_ns = last - t0;
	r = vm_stats_snapshot(vm, after);
	if (!r)
		r = vm_stats_fill(vm, before, after, res);
out:
	free(before);
	free(after);
	if (r)
		vm_phase_result_free(res);
	return r;
}

void vm_phase_result_free(struct vm_phase_result *res)
{
	free(res->vcpu);
	free(res->stats);
	res->vcpu = NULL;
	res->stats = NULL;
	res->nr_stats = 0;
}

bool vm_phase_stat(const struct vm_phase_result *res, const char *name, int64_t *delta)
{
	unsigned int i;

	for (i = 0; i < res->nr_stats; i++) {
		if (!strcmp(res->stats[i].name, name)) {
			*delta = res->stats[i].delta;
			return true;
		}
	}
	return false;
}
