// SPDX-License-Identifier: GPL-2.0
#include "trace/counters.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * cycles and instructions are counted whole and split into host (:H,
 * exclude_guest) and guest (:G, exclude_host) time: on a TDX or nested
 * host the split shows how much of a phase ran in the guest.
 */
static const char *const default_events[] = {
	"cycles", "instructions", "ref-cycles", "cache-misses", "branch-misses",
	"dTLB-load-misses", "cycles:H", "cycles:G", "instructions:H", "instructions:G",
	"task-clock", "page-faults", "context-switches", "cpu-migrations",
	"kvm:kvm_page_fault", "kvm:kvm_exit",
	"kvmmmu:kvm_mmu_spte_requested", "kvmmmu:kvm_tdp_mmu_spte_changed",
	"kvmmmu:kvm_mmu_split_huge_page", "kvmmmu:kvm_mmu_prepare_zap_page",
	"kvmmmu:kvm_mmu_set_spte",
};

struct counter_thread {
	pid_t tid;
	const char *label;
	int *fd;		/* per event, -1 when not open */
};

struct counters {
	struct counter_events *ce;
	unsigned int nr;
	struct counter_thread *t;
};

int counter_events_init(struct counter_events *ce, bool defaults, bool tracepoints,
			const struct pevent *extra, int nr_extra, const char *tracefs)
{
	int n = (defaults ? (int)(sizeof(default_events) / sizeof(default_events[0])) : 0) + nr_extra;
	char err[160];
	int i, k = 0;

	memset(ce, 0, sizeof(*ce));
	ce->ev = calloc(n ? n : 1, sizeof(*ce->ev));
	ce->err = calloc(n ? n : 1, sizeof(*ce->err));
	if (!ce->ev || !ce->err)
		return -ENOMEM;
	for (i = 0; defaults && i < (int)(sizeof(default_events) / sizeof(default_events[0])); i++)
		if (pevent_parse(default_events[i], &ce->ev[k], err, sizeof(err)) &&
		    (ce->ev[k].kind == PEV_TRACEPOINT) == tracepoints)
			k++;
	for (i = 0; i < nr_extra; i++)
		if ((extra[i].kind == PEV_TRACEPOINT) == tracepoints)
			ce->ev[k++] = extra[i];
	ce->nr = k;
	for (i = 0; i < ce->nr; i++)
		if (ce->ev[i].kind == PEV_TRACEPOINT)
			ce->err[i] = pevent_tp_resolve(&ce->ev[i], tracefs);
	return 0;
}

void counter_events_free(struct counter_events *ce)
{
	free(ce->ev);
	free(ce->err);
	memset(ce, 0, sizeof(*ce));
}

static int open_one(const struct pevent *ev, pid_t tid)
{
	struct perf_event_attr attr;
	int fd;

	pevent_attr(ev, &attr);
	fd = syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

struct counters *counters_open(struct counter_events *ce, const pid_t *tids,
			       const char *const *labels, unsigned int nr)
{
	struct counters *c = calloc(1, sizeof(*c));
	unsigned int i;
	int e, fd;

	if (!c)
		return NULL;
	c->ce = ce;
	c->t = calloc(nr, sizeof(*c->t));
	if (!c->t) {
		free(c);
		return NULL;
	}
	c->nr = nr;
	for (i = 0; i < nr; i++) {
		c->t[i].tid = tids[i];
		c->t[i].label = labels[i];
		c->t[i].fd = malloc(ce->nr * sizeof(int));
		for (e = 0; e < ce->nr; e++) {
			if (!c->t[i].fd)
				break;
			c->t[i].fd[e] = -1;
			if (ce->err[e])
				continue;
			fd = open_one(&ce->ev[e], tids[i]);
			/*
			 * An event that fails on the first thread is not
			 * countable on this host: remember, do not retry it
			 * every phase.  Later failures (a thread gone) are
			 * per phase.
			 */
			if (fd < 0 && i == 0)
				ce->err[e] = fd;
			else if (fd >= 0)
				c->t[i].fd[e] = fd;
		}
	}
	return c;
}

static void ioctl_all(struct counters *c, unsigned long req)
{
	unsigned int i;
	int e;

	for (i = 0; c && i < c->nr; i++)
		for (e = 0; c->t[i].fd && e < c->ce->nr; e++)
			if (c->t[i].fd[e] >= 0)
				ioctl(c->t[i].fd[e], req, 0);
}

void counters_enable(struct counters *c)
{
	ioctl_all(c, PERF_EVENT_IOC_ENABLE);
}

void counters_disable(struct counters *c)
{
	ioctl_all(c, PERF_EVENT_IOC_DISABLE);
}

/* value, time enabled, time running; scaled when multiplexed. */
static bool read_scaled(int fd, uint64_t *val, double *frac)
{
	uint64_t buf[3];

	if (read(fd, buf, sizeof(buf)) != sizeof(buf))
		return false;
	*frac = buf[1] ? (double)buf[2] / buf[1] : 1.0;
	*val = buf[2] && buf[2] < buf[1] ? (uint64_t)((double)buf[0] * buf[1] / buf[2]) : buf[0];
	return true;
}

static json_t *unsupported(int err)
{
	return json_pack("{s:b, s:i, s:s}", "unsupported", 1, "errno", -err, "error",
			 strerror(-err));
}

static json_t *event_json(struct counters *c, int e)
{
	json_t *threads = json_object();
	uint64_t sum = 0, v;
	double frac, min_frac = 1.0;
	unsigned int i, nread = 0;
	json_t *o;

	for (i = 0; i < c->nr; i++) {
		int fd = c->t[i].fd ? c->t[i].fd[e] : -1;

		if (fd < 0 || !read_scaled(fd, &v, &frac))
			continue;
		json_object_set_new(threads, c->t[i].label, json_integer((json_int_t)v));
		sum += v;
		nread++;
		if (frac < min_frac)
			min_frac = frac;
	}
	if (!nread) {
		json_decref(threads);
		return unsupported(c->ce->err[e] ? c->ce->err[e] : -ENODATA);
	}
	o = json_pack("{s:I, s:o}", "value", (json_int_t)sum, "threads", threads);
	/* Multiplexed: the values are scaled up from this share of the time. */
	if (min_frac < 1.0)
		json_object_set_new(o, "running_fraction", json_real(min_frac));
	return o;
}

void counters_finish(struct counters *c, json_t *phase)
{
	json_t *hw = json_object(), *tp = json_object();
	int e;

	if (!c)
		return;
	for (e = 0; e < c->ce->nr; e++) {
		const struct pevent *ev = &c->ce->ev[e];
		json_t *o = c->ce->err[e] ? unsupported(c->ce->err[e]) : event_json(c, e);

		json_object_set_new(ev->kind == PEV_TRACEPOINT ? tp : hw, ev->name, o);
	}
	if (json_object_size(hw))
		json_object_set_new(phase, "counters", hw);
	else
		json_decref(hw);
	if (json_object_size(tp))
		json_object_set_new(phase, "tracepoints", tp);
	else
		json_decref(tp);
	counters_close(c);
}

void counters_close(struct counters *c)
{
	unsigned int i;
	int e;

	if (!c)
		return;
	for (i = 0; i < c->nr; i++) {
		for (e = 0; c->t[i].fd && e < c->ce->nr; e++)
			if (c->t[i].fd[e] >= 0)
				close(c->t[i].fd[e]);
		free(c->t[i].fd);
	}
	free(c->t);
	free(c);
}
