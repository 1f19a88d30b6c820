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

/*
 * The events of one thread are opened as up to three groups, one per
 * class: hardware (incl. cache and raw: PMU events), software and
 * tracepoints.  A group is scheduled on the PMU as a whole and read with
 * one read(), so its members count the same time slices: ratios such as
 * instructions per cycle stay consistent when the PMU multiplexes.
 * Software events and tracepoints are kept out of the hardware group: a
 * member is only counted while its group is on the PMU, so a multiplexed
 * hardware group would cut task-clock or page-faults down to its slices.
 * They form groups of their own anyway (they never multiplex): one
 * enable, one disable and one read per group instead of per event, which
 * narrows the window in which the events start and stop apart.
 *
 * An event that cannot join its group (the PMU lacks it, the group no
 * longer fits the PMU's counters, an exclusive event) is opened alone
 * (a group of one) if it can, else recorded unsupported with the errno
 * of that lone open: a missing event never costs the others.
 */
enum counter_class { CC_HARDWARE, CC_SOFTWARE, CC_TRACEPOINT, CC_NR };

static const char *const class_names[CC_NR] = { "hardware", "software", "tracepoint" };

struct counter_group {
	int fd;			/* the leader's; reads the whole group */
	const char *name;	/* a class name, or "alone" */
	int nr;
	int *ev;		/* event indices, leader first, in open order */
	bool read;
	uint64_t enabled, running;	/* ns, from the group read */
};

struct counter_thread {
	pid_t tid;
	const char *label;
	int *fd;		/* per event, -1 when not open */
	int *grp;		/* per event, its group in g[], -1 when not open */
	uint64_t *val;		/* per event, raw, once read */
	struct counter_group *g;
	int nr_groups;
};

struct counters {
	struct counter_events *ce;
	unsigned int nr;
	struct counter_thread *t;
};

static enum counter_class ev_class(const struct pevent *ev)
{
	switch (ev->kind) {
	case PEV_SOFTWARE:
		return CC_SOFTWARE;
	case PEV_TRACEPOINT:
		return CC_TRACEPOINT;
	default:
		return CC_HARDWARE;
	}
}

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

/*
 * A member is opened enabled under its disabled leader: the group then
 * starts and stops with the leader alone.  Members opened disabled and
 * enabled with PERF_IOC_FLAG_GROUP missed counts on 6.18 (page-faults 0,
 * cpu-clock a few ms short of task-clock, in test_counters).
 */
static int open_one(const struct pevent *ev, pid_t tid, int group_fd)
{
	struct perf_event_attr attr;
	int fd;

	pevent_attr(ev, &attr);
	attr.read_format |= PERF_FORMAT_GROUP;
	if (group_fd >= 0)
		attr.disabled = 0;
	fd = syscall(SYS_perf_event_open, &attr, tid, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static struct counter_group *new_group(struct counter_thread *t, int nr_events, const char *name,
				       int e, int fd)
{
	struct counter_group *g = &t->g[t->nr_groups];

	g->ev = malloc(nr_events * sizeof(int));
	if (!g->ev)
		return NULL;
	t->nr_groups++;
	g->fd = fd;
	g->name = name;
	g->nr = 1;
	g->ev[0] = e;
	t->fd[e] = fd;
	t->grp[e] = g - t->g;
	return g;
}

static void open_thread(struct counters *c, struct counter_thread *t, bool first)
{
	struct counter_events *ce = c->ce;
	struct counter_group *g;
	int cls, e, fd, leader;

	for (cls = 0; cls < CC_NR; cls++) {
		leader = -1;
		for (e = 0; e < ce->nr; e++) {
			if (ce->err[e] || (int)ev_class(&ce->ev[e]) != cls)
				continue;
			if (leader >= 0) {
				g = &t->g[leader];
				fd = open_one(&ce->ev[e], t->tid, g->fd);
				if (fd >= 0) {
					g->ev[g->nr++] = e;
					t->fd[e] = fd;
					t->grp[e] = leader;
					continue;
				}
			}
			fd = open_one(&ce->ev[e], t->tid, -1);
			if (fd < 0) {
				/*
				 * Failing alone on the first thread: not
				 * countable on this host; remember, do not
				 * retry it every phase.  Later failures (a
				 * thread gone) are per phase.
				 */
				if (first)
					ce->err[e] = fd;
				continue;
			}
			g = new_group(t, ce->nr, leader < 0 ? class_names[cls] : "alone", e, fd);
			if (!g) {
				close(fd);
				continue;
			}
			if (leader < 0)
				leader = g - t->g;
		}
	}
}

struct counters *counters_open(struct counter_events *ce, const pid_t *tids,
			       const char *const *labels, unsigned int nr)
{
	struct counters *c = calloc(1, sizeof(*c));
	unsigned int i;
	int e;

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
		struct counter_thread *t = &c->t[i];

		t->tid = tids[i];
		t->label = labels[i];
		t->fd = malloc((ce->nr + 1) * sizeof(*t->fd));
		t->grp = malloc((ce->nr + 1) * sizeof(*t->grp));
		t->val = calloc(ce->nr + 1, sizeof(*t->val));
		t->g = calloc(ce->nr + 1, sizeof(*t->g));
		if (!t->fd || !t->grp || !t->val || !t->g) {
			/* this thread goes uncounted */
			free(t->fd);
			free(t->grp);
			free(t->val);
			free(t->g);
			t->fd = t->grp = NULL;
			t->val = NULL;
			t->g = NULL;
			continue;
		}
		for (e = 0; e < ce->nr; e++)
			t->fd[e] = t->grp[e] = -1;
		open_thread(c, t, i == 0);
	}
	return c;
}

/* One ioctl per group, on its leader. */
static void ioctl_all(struct counters *c, unsigned long req, unsigned long arg)
{
	unsigned int i;
	int k;

	for (i = 0; c && i < c->nr; i++)
		for (k = 0; k < c->t[i].nr_groups; k++)
			ioctl(c->t[i].g[k].fd, req, arg);
}

void counters_enable(struct counters *c)
{
	ioctl_all(c, PERF_EVENT_IOC_ENABLE, 0);
}

void counters_disable(struct counters *c)
{
	ioctl_all(c, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
}

/* One read() per group: nr, time enabled, time running, a value per member. */
static void read_group(struct counter_thread *t, struct counter_group *g)
{
	ssize_t want = (3 + g->nr) * sizeof(uint64_t);
	uint64_t *buf = malloc(want);
	int k;

	if (buf && read(g->fd, buf, want) == want && buf[0] == (uint64_t)g->nr) {
		g->enabled = buf[1];
		g->running = buf[2];
		for (k = 0; k < g->nr; k++)
			t->val[g->ev[k]] = buf[3 + k];
		g->read = true;
	}
	free(buf);
}

static bool multiplexed(const struct counter_group *g)
{
	return g->running < g->enabled;
}

static json_t *unsupported(const struct pevent *ev, int err)
{
	return json_pack("{s:b, s:i, s:s, s:s}", "unsupported", 1, "errno", -err, "error",
			 strerror(-err), "source", pevent_source_name(ev->source));
}

/*
 * The raw values, never scaled: a multiplexed event says so
 * ("multiplexed", the least "running_fraction" of its threads) and gives
 * the usual estimate apart ("value_scaled", value * enabled / running per
 * thread) when every thread ran at all.
 */
static json_t *event_json(struct counters *c, int e)
{
	const struct pevent *ev = &c->ce->ev[e];
	json_t *threads = json_object();
	bool grouped = true, mux = false, scalable = true;
	double frac, min_frac = 1.0, scaled = 0;
	unsigned int i, nread = 0;
	uint64_t sum = 0, v;
	json_t *o;

	for (i = 0; i < c->nr; i++) {
		struct counter_thread *t = &c->t[i];
		struct counter_group *g;

		if (!t->grp || t->grp[e] < 0 || !t->g[t->grp[e]].read)
			continue;
		g = &t->g[t->grp[e]];
		v = t->val[e];
		json_object_set_new(threads, t->label, json_integer((json_int_t)v));
		sum += v;
		nread++;
		if (g->nr < 2)
			grouped = false;
		if (multiplexed(g)) {
			mux = true;
			frac = (double)g->running / g->enabled;
			if (frac < min_frac)
				min_frac = frac;
		}
		if (!g->running && g->enabled)
			scalable = false;
		else
			scaled += multiplexed(g) ? (double)v * g->enabled / g->running : (double)v;
	}
	if (!nread) {
		json_decref(threads);
		return unsupported(ev, c->ce->err[e] ? c->ce->err[e] : -ENODATA);
	}
	o = json_pack("{s:I, s:o, s:s, s:b}", "value", (json_int_t)sum, "threads", threads,
		      "source", pevent_source_name(ev->source), "grouped", grouped);
	if (ev->pfm_fstr[0])
		json_object_set_new(o, "libpfm4", json_string(ev->pfm_fstr));
	if (mux) {
		json_object_set_new(o, "multiplexed", json_true());
		json_object_set_new(o, "running_fraction", json_real(min_frac));
		if (scalable)
			json_object_set_new(o, "value_scaled", json_integer((json_int_t)(scaled + 0.5)));
	}
	return o;
}

/* Per thread, what was opened together and how long it ran. */
static json_t *groups_json(struct counters *c)
{
	json_t *all = json_object(), *arr, *names;
	unsigned int i;
	int k, m;

	for (i = 0; i < c->nr; i++) {
		struct counter_thread *t = &c->t[i];

		arr = json_array();
		for (k = 0; k < t->nr_groups; k++) {
			struct counter_group *g = &t->g[k];

			if (!g->read)
				continue;
			names = json_array();
			for (m = 0; m < g->nr; m++)
				json_array_append_new(names, json_string(c->ce->ev[g->ev[m]].name));
			json_array_append_new(arr, json_pack("{s:s, s:o, s:I, s:I, s:b}", "group", g->name,
							     "events", names,
							     "time_enabled", (json_int_t)g->enabled,
							     "time_running", (json_int_t)g->running,
							     "multiplexed", multiplexed(g)));
		}
		if (json_array_size(arr))
			json_object_set_new(all, t->label, arr);
		else
			json_decref(arr);
	}
	return all;
}

void counters_finish(struct counters *c, json_t *phase)
{
	json_t *hw = json_object(), *tp = json_object(), *groups;
	unsigned int i;
	int e, k;

	if (!c)
		return;
	for (i = 0; i < c->nr; i++)
		for (k = 0; k < c->t[i].nr_groups; k++)
			read_group(&c->t[i], &c->t[i].g[k]);
	for (e = 0; e < c->ce->nr; e++) {
		const struct pevent *ev = &c->ce->ev[e];
		json_t *o = c->ce->err[e] ? unsupported(ev, c->ce->err[e]) : event_json(c, e);

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
	groups = groups_json(c);
	if (json_object_size(groups))
		json_object_set_new(phase, "counter_groups", groups);
	else
		json_decref(groups);
	counters_close(c);
}

void counters_close(struct counters *c)
{
	unsigned int i;
	int e, k;

	if (!c)
		return;
	for (i = 0; i < c->nr; i++) {
		struct counter_thread *t = &c->t[i];

		for (e = 0; t->fd && e < c->ce->nr; e++)
			if (t->fd[e] >= 0)
				close(t->fd[e]);
		for (k = 0; t->g && k < t->nr_groups; k++)
			free(t->g[k].ev);
		free(t->fd);
		free(t->grp);
		free(t->val);
		free(t->g);
	}
	free(c->t);
	free(c);
}
