// SPDX-License-Identifier: GPL-2.0
#include "trace/attribute.h"
#include "trace/hist.h"
#include "trace/hooks_conf.h"
#include "lib/ksyms.h"
#include "trace/tracefs.h"
#include "lib/util.h"

#include <tracefs.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct probe {
	const struct hook_fn *fn;
	struct ksym_res sym;
	bool active;			/* probes and triggers installed */
	char entry[16], ret[16], synth[48];
	struct tracefs_dynevent *kp, *krp;
	struct tracefs_synth *pair;	/* the synthetic event, entry and return triggers */
	struct tracefs_hist *lat;	/* the synthetic event's log2 histogram */
	struct log2_hist lat0, entry0;	/* at the start of the phase */
};

struct attribution {
	char tracefs[256];
	pid_t pid;
	char group[32];
	struct hook_fn *fns;
	size_t nr;
	struct probe *p;
	json_t *missing;
	struct tracefs_instance *inst;
	/*
	 * Where the entry and return triggers live: our instance where
	 * libtracefs can put a synthetic event's triggers there
	 * (tracefs_synth_set_instance, 1.7 on); before that (Debian 12's
	 * 1.6) tracefs_synth_create() puts them in the top instance, on our
	 * own pid-named kprobe events.
	 */
	struct tracefs_instance *pair_inst;
	struct tep_handle *tep;
};

/* The safety net: an exit on any path removes what this process made. */
static char installed_tracefs[256];

static void remove_at_exit(void)
{
	if (installed_tracefs[0])
		tfs_remove_pid(installed_tracefs, getpid());
	installed_tracefs[0] = '\0';
}

static void add_missing(struct attribution *a, const struct hook_fn *fn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_missing(struct attribution *a, const struct hook_fn *fn, const char *fmt, ...)
{
	char reason[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	json_array_append_new(a->missing, json_pack("{s:s, s:s, s:s}", "name", fn->name,
						     "group", fn->group, "reason", reason));
}

/* libtracefs returns -1 and leaves errno set, mostly. */
static int lib_err(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* Undo what install() made of probe @p, newest first; errors go to the final sweep. */
static void uninstall(struct attribution *a, struct probe *p)
{
	if (p->lat) {
		tracefs_hist_destroy(a->inst, p->lat);
		tracefs_hist_free(p->lat);
	}
	if (p->pair) {
		tracefs_synth_destroy(p->pair);
		tracefs_synth_free(p->pair);
	}
	if (p->krp) {
		tracefs_dynevent_destroy(p->krp, false);
		tracefs_dynevent_free(p->krp);
	}
	if (p->kp) {
		tracefs_dynevent_destroy(p->kp, false);
		tracefs_dynevent_free(p->kp);
	}
	p->lat = NULL;
	p->pair = NULL;
	p->kp = p->krp = NULL;
}

/* A kprobe or kretprobe on @symbol, created, its format loaded into a->tep. */
static int make_probe(struct attribution *a, struct tracefs_dynevent **dp, const char *event,
		      const char *symbol, bool ret)
{
	*dp = ret ? tracefs_kretprobe_alloc(a->group, event, symbol, NULL, 0) :
		    tracefs_kprobe_alloc(a->group, event, symbol, NULL);
	if (!*dp)
		return lib_err();
	if (tracefs_dynevent_create(*dp)) {
		int r = lib_err();

		tracefs_dynevent_free(*dp);
		*dp = NULL;
		return r;
	}
	return tracefs_dynevent_get_event(a->tep, *dp) ? 0 : -ENOENT;
}

/*
 * The synthetic event septbench_<pid>_<i> with one field, lat: the
 * return's common_timestamp minus the entry's, matched on common_pid
 * (the variable is consumed by the first return that reads it, so a
 * recursive call yields one sample, for the innermost call).
 * common_timestamp is in ns with the hist's default clock (global).
 */
static int make_pair(struct attribution *a, struct probe *p)
{
	int r;

	p->pair = tracefs_synth_alloc(a->tep, p->synth, a->group, p->entry, a->group, p->ret,
				      "common_pid", "common_pid", NULL);
	if (!p->pair)
		return lib_err();
	if (!tracefs_synth_add_compare_field(p->pair, TRACEFS_TIMESTAMP, TRACEFS_TIMESTAMP,
					     TRACEFS_SYNTH_DELTA_END, "lat") &&
#ifdef SEPTBENCH_TRACEFS_SYNTH_INSTANCE
	    !tracefs_synth_set_instance(p->pair, a->inst) &&
#endif
	    !tracefs_synth_create(p->pair))
		return 0;
	r = lib_err();
	tracefs_synth_free(p->pair);
	p->pair = NULL;
	return r;
}

/* The log2 histogram of the synthetic event's lat, in our instance. */
static int make_lat_hist(struct attribution *a, struct probe *p)
{
	if (!tracefs_synth_get_event(a->tep, p->pair))
		return -ENOENT;
	p->lat = tracefs_hist_alloc(a->tep, "synthetic", p->synth, "lat", TRACEFS_HIST_KEY_LOG);
	if (!p->lat)
		return lib_err();
	if (tracefs_hist_start(a->inst, p->lat)) {
		int r = lib_err();

		tracefs_hist_free(p->lat);
		p->lat = NULL;
		return r;
	}
	return 0;
}

/* kprobe, kretprobe, synthetic event and the three triggers of probe @i. */
static int install(struct attribution *a, unsigned int i, const char **step)
{
	struct probe *p = &a->p[i];
	int r;

	tfs_probe_name(p->entry, sizeof(p->entry), i, false);
	tfs_probe_name(p->ret, sizeof(p->ret), i, true);
	tfs_synth_name(p->synth, sizeof(p->synth), a->pid, i);
	errno = 0;
	*step = "kprobe";
	if ((r = make_probe(a, &p->kp, p->entry, p->sym.symbol, false)))
		return r;
	*step = "kretprobe";
	if ((r = make_probe(a, &p->krp, p->ret, p->sym.symbol, true)))
		return r;
	*step = "synthetic event with its entry and return hist triggers";
	if ((r = make_pair(a, p)))
		return r;
	*step = "latency hist trigger";
	return make_lat_hist(a, p);
}

static int check_tracing(const char *tracefs, char *why, size_t size)
{
	char path[512], *readme;
	bool hist;

	if (!tracefs || !*tracefs)
		return fail_msg(why, size, "tracefs is not mounted"), -EOPNOTSUPP;
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	if (access(path, W_OK))
		return fail_msg(why, size, "%s: %s (CONFIG_KPROBE_EVENTS, root)", path,
				strerror(errno)), -EOPNOTSUPP;
	snprintf(path, sizeof(path), "%s/synthetic_events", tracefs);
	if (access(path, W_OK))
		return fail_msg(why, size, "%s: %s (CONFIG_SYNTH_EVENTS)", path, strerror(errno)),
			-EOPNOTSUPP;
	snprintf(path, sizeof(path), "%s/README", tracefs);
	readme = read_all(path, NULL);
	hist = readme && strstr(readme, "hist:");
	free(readme);
	if (!hist)
		return fail_msg(why, size, "no hist triggers in this kernel (CONFIG_HIST_TRIGGERS)"),
			-EOPNOTSUPP;
	return 0;
}

static void resolve_all(struct attribution *a, const char *variant)
{
	char *kallsyms = read_all("/proc/kallsyms", NULL), path[512], *aff;
	size_t i;

	snprintf(path, sizeof(path), "%s/available_filter_functions", a->tracefs);
	aff = read_all(path, NULL);
	for (i = 0; i < a->nr; i++) {
		struct probe *p = &a->p[i];

		p->fn = &a->fns[i];
		ksym_resolve(kallsyms, aff, p->fn->name, &p->sym);
		if (p->sym.ok)
			continue;
		if (p->fn->variant[0] && variant && strcmp(p->fn->variant, variant))
			add_missing(a, p->fn, "%s; a hook of the '%s' layout, this kernel's is '%s'",
				    p->sym.reason, p->fn->variant, variant);
		else
			add_missing(a, p->fn, "%s", p->sym.reason);
	}
	free(kallsyms);
	free(aff);
}

int attribution_setup(struct attribution **ap, const char *tracefs, const char *hooks_conf,
		      const char *variant, char *why, size_t size)
{
	struct attribution *a;
	char inst[32], err[512], *text;
	unsigned int nr_active = 0;
	const char *step;
	static bool registered;
	size_t i;
	int r;

	*ap = NULL;
	r = check_tracing(tracefs, why, size);
	if (r)
		return r;
	text = read_all(hooks_conf, NULL);
	if (!text)
		return fail_msg(why, size, "%s: %s", hooks_conf, strerror(errno)), -ENOENT;
	a = calloc(1, sizeof(*a));
	if (!a || !hooks_conf_parse(text, hooks_conf, &a->fns, &a->nr, err, sizeof(err))) {
		free(text);
		free(a);
		return fail_msg(why, size, "%s", a ? err : "out of memory"), -EINVAL;
	}
	free(text);
	snprintf(a->tracefs, sizeof(a->tracefs), "%s", tracefs);
	a->pid = getpid();
	tfs_group(a->group, sizeof(a->group), a->pid);
	a->missing = json_array();
	a->p = calloc(a->nr, sizeof(*a->p));
	if (!a->p) {
		attribution_teardown(a);
		return fail_msg(why, size, "out of memory"), -ENOMEM;
	}
	resolve_all(a, variant);

	r = tfs_use_dir(tracefs);
	a->tep = tep_alloc();
	tfs_instance_name(inst, sizeof(inst), a->pid);
	errno = 0;
	a->inst = r || !a->tep ? NULL : tracefs_instance_create(inst);
	if (!a->inst || !tracefs_instance_is_new(a->inst)) {
		r = r ?: !a->inst ? lib_err() : -EEXIST;
		fail_msg(why, size, "creating instances/%s: %s", inst, strerror(-r));
		tracefs_instance_free(a->inst);
		a->inst = NULL;
		attribution_teardown(a);
		return r;
	}
#ifdef SEPTBENCH_TRACEFS_SYNTH_INSTANCE
	a->pair_inst = a->inst;
#endif
	snprintf(installed_tracefs, sizeof(installed_tracefs), "%s", tracefs);
	if (!registered) {
		atexit(remove_at_exit);
		registered = true;
	}
	for (i = 0; i < a->nr; i++) {
		if (!a->p[i].sym.ok)
			continue;
		r = install(a, i, &step);
		if (r) {
			uninstall(a, &a->p[i]);
			add_missing(a, a->p[i].fn, "%s for %s refused: %s", step, a->p[i].sym.symbol,
				    strerror(-r));
			continue;
		}
		a->p[i].active = true;
		nr_active++;
	}
	if (!nr_active) {
		fail_msg(why, size, "none of the %zu functions of %s can be probed here", a->nr,
			 hooks_conf);
		attribution_teardown(a);
		return -EOPNOTSUPP;
	}
	*ap = a;
	return 0;
}

static bool read_hist(struct attribution *a, unsigned int i, char kind, struct log2_hist *h)
{
	const struct probe *p = &a->p[i];
	char *text;
	bool ok;

	text = kind == 's' ? tracefs_event_file_read(a->inst, "synthetic", p->synth, "hist", NULL) :
			     tracefs_event_file_read(a->pair_inst, a->group, p->entry, "hist", NULL);
	ok = text && hist_parse(text, "lat", h);
	free(text);
	if (!ok)
		memset(h, 0, sizeof(*h));
	return ok;
}

void attribution_phase_begin(struct attribution *a)
{
	size_t i;

	for (i = 0; a && i < a->nr; i++) {
		if (!a->p[i].active)
			continue;
		read_hist(a, i, 'e', &a->p[i].entry0);
		read_hist(a, i, 's', &a->p[i].lat0);
	}
}

static json_t *hist_json(const struct log2_hist *lat, uint64_t calls)
{
	json_t *buckets = json_array();
	uint64_t lo, hi;
	unsigned int k;

	for (k = 0; k < HIST_BUCKETS; k++) {
		if (!lat->count[k])
			continue;
		hist_bucket_bounds(k, &lo, &hi);
		json_array_append_new(buckets, json_pack("{s:I, s:I, s:I}", "gt_ns", (json_int_t)lo,
							 "le_ns", (json_int_t)hi, "count",
							 (json_int_t)lat->count[k]));
	}
	return json_pack("{s:I, s:I, s:o, s:f, s:f, s:f}", "calls", (json_int_t)calls,
			 "samples", (json_int_t)hist_total(lat), "buckets", buckets,
			 "p50_ns", hist_percentile(lat, 0.50), "p90_ns", hist_percentile(lat, 0.90),
			 "p99_ns", hist_percentile(lat, 0.99));
}

void attribution_phase_end(struct attribution *a, json_t *phase)
{
	struct log2_hist lat, entry, d_lat, d_entry;
	json_t *hooks;
	size_t i;

	if (!a)
		return;
	hooks = json_object();
	for (i = 0; i < a->nr; i++) {
		if (!a->p[i].active)
			continue;
		read_hist(a, i, 'e', &entry);
		read_hist(a, i, 's', &lat);
		hist_sub(&d_entry, &entry, &a->p[i].entry0);
		hist_sub(&d_lat, &lat, &a->p[i].lat0);
		json_object_set_new(hooks, a->p[i].fn->name, hist_json(&d_lat, d_entry.hits));
	}
	json_object_set_new(phase, "hooks", hooks);
}

json_t *attribution_describe(const struct attribution *a)
{
	json_t *fns = json_array(), *o;
	char inst[32];
	size_t i;

	for (i = 0; i < a->nr; i++) {
		const struct probe *p = &a->p[i];

		if (!p->active)
			continue;
		o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", p->fn->name, "group", p->fn->group,
			      "symbol", p->sym.symbol, "module", p->sym.module[0] ? p->sym.module : "vmlinux",
			      "ftrace", p->sym.traceable);
		if (p->sym.reason[0])
			json_object_set_new(o, "note", json_string(p->sym.reason));
		json_array_append_new(fns, o);
	}
	snprintf(inst, sizeof(inst), "septbench-%d", (int)a->pid);
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:O}", "instance", inst, "clock", "global",
			 "method", "kprobe+kretprobe, hist triggers, synthetic latency event",
			 "pair_triggers", a->pair_inst ? "instance" : "top",
			 "functions", fns, "missing", a->missing);
}

void attribution_teardown(struct attribution *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; a->p && i < a->nr; i++)
		uninstall(a, &a->p[i]);
	if (a->inst) {
		tracefs_instance_destroy(a->inst);
		tracefs_instance_free(a->inst);
	}
	if (a->tep)
		tep_free(a->tep);
	/* The sweep by name: whatever the objects' removal left. */
	if (installed_tracefs[0]) {
		int r = tfs_remove_pid(a->tracefs, a->pid);

		if (r < 0)
			err_msg("removing tracing state of pid %d: %s", (int)a->pid, strerror(-r));
		installed_tracefs[0] = '\0';
	}
	json_decref(a->missing);
	free(a->p);
	free(a->fns);
	free(a);
}
