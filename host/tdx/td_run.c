// SPDX-License-Identifier: GPL-2.0
/*
 * The TD runtime: vCPU threads, command INs, ucalls, MapGPA and fatal
 * errors.  See td_run.h.
 */
#include "tdx/td_run.h"
#include "tdx/td.h"

#include "guest/abi.h"

#include <errno.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef KVM_SYSTEM_EVENT_TDX_FATAL
#define KVM_SYSTEM_EVENT_TDX_FATAL	7
#endif
#ifndef KVM_MAP_GPA_RANGE_ENCRYPTED
#define KVM_MAP_GPA_RANGE_ENCRYPTED	(1 << 4)
#endif
/*
 * ReportFatalError: KVM dumps the 16 GPRs in encoding order into
 * system_event.data (tdx.c: tdx_report_fatal_error); the error code is R12.
 */
#define FATAL_DATA_R12		12
#define RT_KICK_SIGNAL		(SIGRTMIN + 3)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void td_rt_fail(struct td_rt_vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->fail, sizeof(v->fail), fmt, ap);
	va_end(ap);
}

int td_rt_init(struct td_rt *rt, struct kvm_io *io, unsigned int nr_vcpus, const int *fds,
	       struct kvm_run *const *runs)
{
	unsigned int i;

	memset(rt, 0, sizeof(*rt));
	rt->io = io;
	rt->nr_vcpus = nr_vcpus;
	rt->vcpus = calloc(nr_vcpus, sizeof(*rt->vcpus));
	if (!rt->vcpus)
		return -ENOMEM;
	pthread_mutex_init(&rt->lock, NULL);
	pthread_cond_init(&rt->cond, NULL);
	for (i = 0; i < nr_vcpus; i++) {
		rt->vcpus[i].rt = rt;
		rt->vcpus[i].idx = i;
		rt->vcpus[i].fd = fds ? fds[i] : -1;
		rt->vcpus[i].run = runs ? runs[i] : NULL;
	}
	return 0;
}

void td_rt_free(struct td_rt *rt)
{
	if (rt->vcpus) {
		pthread_mutex_destroy(&rt->lock);
		pthread_cond_destroy(&rt->cond);
	}
	free(rt->vcpus);
	rt->vcpus = NULL;
}

void td_rt_script(struct td_rt *rt, unsigned int vcpu, const uint32_t *w, unsigned int n)
{
	rt->vcpus[vcpu].script = w;
	rt->vcpus[vcpu].script_len = n;
	rt->vcpus[vcpu].script_pos = 0;
	rt->vcpus[vcpu].has_lat = false;
	td_lat_rx_reset(&rt->vcpus[vcpu].lat);
}

void td_rt_count_map_exit(struct td_rt *rt, uint64_t pages, bool to_private)
{
	__atomic_fetch_add(to_private ? &rt->map_exits_private : &rt->map_exits_shared, 1,
			   __ATOMIC_RELAXED);
	__atomic_fetch_add(&rt->map_pages, pages, __ATOMIC_RELAXED);
}

/* A LATHIST ucall: only in a run that asked for latency. */
static void lathist_ucall(struct td_rt_vcpu *v, uint32_t nr, const uint64_t *a, int n)
{
	char why[160];
	bool ok;

	v->nr_lathist++;
	if (!v->want_lat) {
		td_rt_fail(v, "LATHIST ucall in a run without latency");
		return;
	}
	ok = nr == TD_UCALL_LATHIST ? td_lat_rx_header(&v->lat, a, n, why, sizeof(why)) :
	     td_lat_rx_buckets(&v->lat, a, n, why, sizeof(why));
	if (!ok)
		td_rt_fail(v, "%s", why);
}

/* DONE: with latency, the histogram must be complete and count the pages. */
static void done_ucall(struct td_rt_vcpu *v, const uint64_t *a)
{
	char why[160];

	v->t_done = now_ns();
	v->nr_done++;
	memcpy(v->done, a, sizeof(v->done));
	v->has_lat = false;
	if (!v->want_lat)
		return;
	if (!td_lat_rx_finish(&v->lat, v->done[TD_DONE_PAGES], why, sizeof(why))) {
		td_rt_fail(v, "%s", why);
		return;
	}
	v->has_lat = true;
}

static void ucall(struct td_rt_vcpu *v, uint32_t nr)
{
	uint64_t a[TD_UCALL_MAX_ARGS];
	int n = td_ucall_take(&v->args, a);

	switch (nr) {
	case TD_UCALL_BOOTED:
		v->booted = true;
		memcpy(v->boot, a, sizeof(v->boot));
		break;
	case UCALL_START:
		v->t_start = now_ns();
		v->nr_start++;
		if (v->want_lat)
			td_lat_rx_reset(&v->lat);
		break;
	case UCALL_PROGRESS:
		v->nr_progress++;
		break;
	case UCALL_DONE:
		done_ucall(v, a);
		break;
	case TD_UCALL_LATHIST:
	case TD_UCALL_LATHIST_BUCKETS:
		lathist_ucall(v, nr, a, n);
		break;
	case TD_UCALL_CONVERTED:
		v->t_converted = now_ns();
		memcpy(v->last_converted, a, sizeof(v->last_converted));
		if (v->nr_converted < 4)
			memcpy(v->converted[v->nr_converted], a, sizeof(v->converted[0]));
		v->nr_converted++;
		break;
	case UCALL_EXIT:
		v->nr_exit++;
		break;
	case UCALL_ERROR:
	case UCALL_EXCEPTION:
		v->errored = true;
		v->error_nr = nr;
		memcpy(v->error, a, sizeof(v->error));
		break;
	default:
		td_rt_fail(v, "unknown ucall %u", nr);
	}
}

/* The next command word into the pending IN; false when the script is used up. */
static bool answer_in(struct td_rt_vcpu *v)
{
	struct kvm_run *run = v->run;
	uint32_t *data = (uint32_t *)((uint8_t *)run + run->io.data_offset);

	if (v->script_pos >= v->script_len) {
		v->parked = true;
		return false;
	}
	v->parked = false;
	v->t_cmd = now_ns();
	*data = v->script[v->script_pos++];
	return true;
}

static bool handle_io(struct td_rt_vcpu *v)
{
	struct kvm_run *run = v->run;
	uint32_t *data = (uint32_t *)((uint8_t *)run + run->io.data_offset);
	bool out = run->io.direction == KVM_EXIT_IO_OUT;

	if (run->io.size != 4 || run->io.count != 1) {
		td_rt_fail(v, "port 0x%x: size %u count %u", run->io.port, run->io.size, run->io.count);
		return false;
	}
	switch (run->io.port) {
	case TD_UCALL_ARG_PORT:
		if (!out || !td_ucall_arg(&v->args, *data))
			break;
		return true;
	case GUEST_UCALL_PORT:
		if (!out)
			break;
		ucall(v, *data);
		return !v->fail[0];
	case TD_CMD_PORT:
		if (out)
			break;
		return answer_in(v);
	case TD_SHIM_PORT:
		if (!out || !v->rt->shim)
			break;
		return v->rt->shim(v->rt, v, *data);
	}
	td_rt_fail(v, "unexpected port %s 0x%x", out ? "out" : "in", run->io.port);
	return false;
}

static bool handle_hypercall(struct td_rt_vcpu *v)
{
	struct kvm_run *run = v->run;

	if (!v->rt->td || run->hypercall.nr != KVM_HC_MAP_GPA_RANGE) {
		td_rt_fail(v, "unexpected hypercall %llu", (unsigned long long)run->hypercall.nr);
		return false;
	}
	if (td_handle_map_gpa(v->rt->td, v->idx)) {
		td_rt_fail(v, "MapGPA exit not answered");
		return false;
	}
	if (!run->hypercall.ret)
		td_rt_count_map_exit(v->rt, run->hypercall.args[1],
				     run->hypercall.args[2] & KVM_MAP_GPA_RANGE_ENCRYPTED);
	return true;
}

/* An implicit conversion (td_handle_memory_fault), or the fault reported in full. */
static bool handle_memory_fault(struct td_rt_vcpu *v)
{
	struct kvm_run *run = v->run;
	char why[224];

	if (!v->rt->td) {
		td_rt_fail(v, "memory fault at GPA 0x%llx size 0x%llx flags 0x%llx",
			   (unsigned long long)run->memory_fault.gpa,
			   (unsigned long long)run->memory_fault.size,
			   (unsigned long long)run->memory_fault.flags);
		return false;
	}
	if (td_handle_memory_fault(v->rt->td, v->idx, why, sizeof(why))) {
		td_rt_fail(v, "%s", why);
		return false;
	}
	__atomic_add_fetch(&v->rt->implicit_conversions, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&v->rt->implicit_pages, run->memory_fault.size / 4096, __ATOMIC_RELAXED);
	return true;
}

bool td_rt_exit(struct td_rt_vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return handle_io(v);
	case KVM_EXIT_HYPERCALL:
		return handle_hypercall(v);
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_TDX_FATAL) {
			v->fatal = true;
			v->fatal_code = run->system_event.ndata > FATAL_DATA_R12 ?
					run->system_event.data[FATAL_DATA_R12] : 0;
			return false;
		}
		td_rt_fail(v, "system event %u", run->system_event.type);
		return false;
	case KVM_EXIT_MEMORY_FAULT:
		return handle_memory_fault(v);
	case KVM_EXIT_SHUTDOWN:
		td_rt_fail(v, "triple fault");
		return false;
	case KVM_EXIT_MMIO:
		td_rt_fail(v, "MMIO %s at 0x%llx: outside the TD layout",
		      run->mmio.is_write ? "write" : "read",
		      (unsigned long long)run->mmio.phys_addr);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		td_rt_fail(v, "VM entry failed, reason 0x%llx",
		      (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		td_rt_fail(v, "KVM internal error, suberror %u", run->internal.suberror);
		return false;
	default:
		td_rt_fail(v, "unexpected exit %u", run->exit_reason);
		return false;
	}
}

static void *vcpu_thread(void *arg)
{
	struct td_rt_vcpu *v = arg;
	struct td_rt *rt = v->rt;
	long r;

	v->tid = syscall(SYS_gettid);
	pthread_mutex_lock(&rt->lock);
	rt->nr_waiting++;
	pthread_cond_broadcast(&rt->cond);
	while (!rt->gate)
		pthread_cond_wait(&rt->cond, &rt->lock);
	pthread_mutex_unlock(&rt->lock);
	if (rt->stop)
		return NULL;
	/* Parked in an IN: this run's first command completes it. */
	if (v->parked && !answer_in(v))
		return NULL;
	while (!rt->stop) {
		r = rt->io->ioctl(rt->io, v->fd, KVM_RUN, NULL);
		if (r == -EINTR)
			continue;
		/* KVM_RUN fails with -EFAULT when it exits for a memory fault. */
		if (r < 0 && !(r == -EFAULT && v->run->exit_reason == KVM_EXIT_MEMORY_FAULT)) {
			td_rt_fail(v, "KVM_RUN: %s", strerror((int)-r));
			break;
		}
		if (!td_rt_exit(v))
			break;
	}
	return NULL;
}

static void kick_handler(int sig)
{
}

static void add_ms(struct timespec *t, unsigned int ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000l;
	if (t->tv_nsec >= 1000000000l) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000l;
	}
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Join vCPU @v, looking at the clock and at should_stop every 100 ms. */
static int join(struct td_rt *rt, struct td_rt_vcpu *v, const struct timespec *end)
{
	struct timespec now, step;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &now);
		step = now;
		add_ms(&step, 100);
		if (end && before(end, &step))
			step = *end;
		if (!pthread_timedjoin_np(v->thread, NULL, &step)) {
			v->started = false;
			return 0;
		}
		if (rt->should_stop && rt->should_stop())
			return -EINTR;
		clock_gettime(CLOCK_REALTIME, &now);
		if (end && !before(&now, end))
			return -ETIMEDOUT;
	}
}

int td_rt_run(struct td_rt *rt, unsigned int timeout_ms)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	unsigned int i, started = 0;
	struct timespec end;
	int r = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(RT_KICK_SIGNAL, &sa, NULL);
	rt->stop = 0;
	rt->gate = false;
	rt->nr_waiting = 0;
	for (i = 0; i < rt->nr_vcpus; i++) {
		if (rt->vcpus[i].fail[0] || rt->vcpus[i].fatal)
			continue;
		if (pthread_create(&rt->vcpus[i].thread, NULL, vcpu_thread, &rt->vcpus[i])) {
			r = -EAGAIN;
			break;
		}
		rt->vcpus[i].started = true;
		started++;
	}
	/* Every thread at the gate: the hook, then the release. */
	pthread_mutex_lock(&rt->lock);
	while (rt->nr_waiting < started)
		pthread_cond_wait(&rt->cond, &rt->lock);
	pthread_mutex_unlock(&rt->lock);
	if (r)
		rt->stop = 1;
	else if (rt->on_release)
		rt->on_release(rt);
	pthread_mutex_lock(&rt->lock);
	rt->t_release = now_ns();
	rt->gate = true;
	pthread_cond_broadcast(&rt->cond);
	pthread_mutex_unlock(&rt->lock);
	clock_gettime(CLOCK_REALTIME, &end);
	add_ms(&end, timeout_ms);
	for (i = 0; !r && i < rt->nr_vcpus; i++)
		if (rt->vcpus[i].started)
			r = join(rt, &rt->vcpus[i], timeout_ms ? &end : NULL);
	if (!r)
		return 0;
	/* Stuck guests (a spin, a lost ucall), or Ctrl-C: kick them out of KVM_RUN. */
	rt->stop = 1;
	for (i = 0; i < rt->nr_vcpus; i++) {
		struct td_rt_vcpu *v = &rt->vcpus[i];

		if (!v->started)
			continue;
		if (v->run)
			v->run->immediate_exit = 1;
		pthread_kill(v->thread, RT_KICK_SIGNAL);
		pthread_join(v->thread, NULL);
		if (v->run)
			v->run->immediate_exit = 0;
		v->started = false;
		if (!v->fail[0] && r == -ETIMEDOUT)
			td_rt_fail(v, "timed out after %u ms", timeout_ms);
	}
	return r;
}

const char *td_rt_failure(struct td_rt *rt, char *buf, size_t size)
{
	unsigned int i;

	for (i = 0; i < rt->nr_vcpus; i++) {
		const struct td_rt_vcpu *v = &rt->vcpus[i];

		if (v->fail[0])
			snprintf(buf, size, "vCPU %u: %s", i, v->fail);
		else if (v->errored)
			snprintf(buf, size, "vCPU %u: guest %s %llu (0x%llx, 0x%llx)", i,
				 v->error_nr == UCALL_ERROR ? "error" : "exception",
				 (unsigned long long)v->error[0], (unsigned long long)v->error[1],
				 (unsigned long long)v->error[2]);
		else if (v->fatal)
			snprintf(buf, size, "vCPU %u: ReportFatalError 0x%llx", i,
				 (unsigned long long)v->fatal_code);
		else
			continue;
		return buf;
	}
	return NULL;
}
