// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario engine.  Every repetition builds a fresh VM, so each one
 * measures first-touch work; only the scenario's timed phase is "the"
 * figure, the others are recorded alongside.  The VM work itself is a
 * backend's (backend.h).
 */
#include "trace/attribute.h"
#include "run/backend.h"
#include "trace/counters.h"
#include "env/env.h"
#include "lib/interrupt.h"
#include "run/knob.h"
#include "stats/stats.h"
#include "lib/util.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static enum engine_status run_kind(struct rep *r)
{
	const struct scenario *s = r->s;
	enum engine_status st;
	unsigned int c;

	st = r->be->create(r);
	if (st)
		return st;
	switch (s->kind) {
	case KIND_FAULT:
		st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
		break;
	case KIND_PREFAULT:
	case KIND_PREFAULT_BARE:
		st = r->be->prefault(r, s->kind == KIND_PREFAULT_BARE);
		break;
	case KIND_SPLIT:
		if (!r->be->split) {
			snprintf(r->why, r->why_size, "this backend maps 4K only: no split");
			st = ENGINE_UNSUPPORTED;
			break;
		}
		st = r->be->split(r);
		knob_restore_all();
		break;
	case KIND_ZAP:
		st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
		if (!st)
			st = r->be->zap(r, s->zap);
		break;
	case KIND_TEARDOWN:
		st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
		if (!st)
			return r->be->teardown(r, "teardown");
		break;
	case KIND_CHURN:
		for (c = 0; !st && c < s->cycles; c++) {
			st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
			if (!st)
				st = r->be->zap(r, s->zap);
		}
		break;
	default:
		snprintf(r->why, r->why_size, "kind %s is not implemented", kind_name(s->kind));
		st = ENGINE_UNSUPPORTED;
	}
	if (st)
		return st;
	return r->be->teardown(r, "destroy");
}

/*
 * For churn the timed figure is the sum over its fault and zap phases (on
 * a TD, also the conversions back to private: both directions churn).
 */
static void add_churn_total(struct rep *r)
{
	uint64_t ns = 0, ops = 0;
	json_t *ph;
	size_t i;

	json_array_foreach(r->phases, i, ph) {
		const char *name = json_string_value(json_object_get(ph, "name"));

		if (strcmp(name, "fault") && strcmp(name, "zap") && strcmp(name, "to-private"))
			continue;
		ns += json_integer_value(json_object_get(ph, "ns"));
		if (!strcmp(name, "fault"))
			ops += json_integer_value(json_object_get(ph, "ops"));
	}
	rep_add_phase(r, "churn", ns, ops, NULL);
}

static const char *timed_phase_name(const struct scenario *s)
{
	switch (s->kind) {
	case KIND_FAULT: return "fault";
	case KIND_PREFAULT: case KIND_PREFAULT_BARE: return "prefault";
	case KIND_SPLIT: return "split";
	case KIND_ZAP: return "zap";
	case KIND_TEARDOWN: return "teardown";
	case KIND_CHURN: return "churn";
	default: return "?";
	}
}

static const char *unit_name(const struct scenario *s)
{
	if (s->kind == KIND_SPLIT && s->split != SPLIT_LAZY)
		return "range";
	if (s->pattern == PATTERN_HUGE && s->kind != KIND_SPLIT)
		return "range";
	if (backing_page_size(s->backing) > 4096 && (s->kind == KIND_PREFAULT ||
						     s->kind == KIND_PREFAULT_BARE))
		return "range";
	return "page";
}

/* Run one repetition; the phases land in r->phases. */
static enum engine_status run_rep(struct rep *r)
{
	enum engine_status st;

	r->be = backend_for(r->o);
	if (!r->be) {
		snprintf(r->why, r->why_size, "no backend runs VM type %s", r->o->vm_type_name);
		return ENGINE_UNSUPPORTED;
	}
	if (rep_init(r)) {
		rep_fini(r);
		return rep_fail_errno(r, "repetition buffers");
	}
	st = run_kind(r);
	r->be->release(r);
	rep_fini(r);
	if (st == ENGINE_OK && r->s->kind == KIND_CHURN)
		add_churn_total(r);
	return st;
}

static double timed_ns_per_op(const json_t *phases, const char *timed)
{
	const json_t *ph;
	size_t i;

	json_array_foreach(phases, i, ph) {
		json_int_t ops = json_integer_value(json_object_get(ph, "ops"));

		if (!strcmp(json_string_value(json_object_get(ph, "name")) ?: "", timed) && ops > 0)
			return (double)json_integer_value(json_object_get(ph, "ns")) / ops;
	}
	return 0;
}

/* The median ns/op of the timed phase over the throughput repetitions. */
static double median_ns_per_op(const json_t *reps, const char *timed)
{
	struct stats_desc d;
	size_t n = 0, i;
	const json_t *rep;
	double *v, med = 0;

	v = calloc(json_array_size(reps) + 1, sizeof(*v));
	if (!v)
		return 0;
	json_array_foreach(reps, i, rep) {
		double x = timed_ns_per_op(json_object_get(rep, "phases"), timed);

		if (x > 0)
			v[n++] = x;
	}
	if (n && !stats_describe(v, n, true, &d))
		med = d.median;
	free(v);
	return med;
}

/*
 * The attribution pass: one more repetition with the probes in place.
 * A host whose tracing cannot do it records why and runs on; a failure
 * or Ctrl-C in the repetition is the scenario's, as in any other one.
 */
static enum engine_status attribution_pass(const struct scenario *s, const struct run_opts *o,
					   json_t *out, char *why, size_t why_size)
{
	struct rep r = { .s = s, .o = o, .why = why, .why_size = why_size };
	const char *timed = timed_phase_name(s);
	enum engine_status st;
	char msg[512];
	double base, got;
	json_t *aj;
	int err;

	if (o->progress)
		fprintf(stderr, "\r  %s: attribution pass ", s->name);
	err = attribution_setup(&r.attr, o->tracefs, o->hooks_conf, o->hook_variant, msg,
				sizeof(msg));
	if (err) {
		json_object_set_new(out, "attribution", json_pack("{s:s, s:s}", "status",
			err == -EOPNOTSUPP ? "unsupported" : "error", "reason", msg));
		if (o->progress)
			fprintf(stderr, "\r%*s\r", 40, "");
		fprintf(stderr, "septbench: %s: no attribution: %s\n", s->name, msg);
		return ENGINE_OK;
	}
	r.phases = json_array();
	st = run_rep(&r);
	aj = attribution_describe(r.attr);
	attribution_teardown(r.attr);
	json_object_set_new(aj, "status", json_string(st == ENGINE_OK ? "complete" :
				st == ENGINE_INTERRUPTED ? "incomplete" : "error"));
	if (st != ENGINE_OK && why[0])
		json_object_set_new(aj, "reason", json_string(why));
	json_object_set_new(aj, "phases", r.phases);
	base = median_ns_per_op(json_object_get(out, "reps"), timed);
	got = timed_ns_per_op(r.phases, timed);
	if (st == ENGINE_OK && base > 0 && got > 0)
		json_object_set_new(aj, "overhead", json_pack("{s:s, s:f, s:f, s:f}", "phase", timed,
				    "ns_per_op", got, "baseline_ns_per_op", base, "ratio", got / base));
	json_object_set_new(out, "attribution", aj);
	return st;
}

/*
 * The tracepoint counts: one more repetition, so that their cost (a
 * microsecond or so per hit under TCG) stays out of the throughput
 * figures.  Counts do not depend on speed.
 */
static enum engine_status tracepoint_pass(const struct scenario *s, const struct run_opts *o,
					  json_t *out, char *why, size_t why_size)
{
	struct run_opts tp_opts = *o;
	struct rep r = { .s = s, .o = &tp_opts, .why = why, .why_size = why_size };
	enum engine_status st;
	json_t *tj;

	if (o->progress)
		fprintf(stderr, "\r  %s: tracepoint pass ", s->name);
	tp_opts.events = o->tp_events;
	r.phases = json_array();
	st = run_rep(&r);
	tj = json_pack("{s:s, s:o}", "status", st == ENGINE_OK ? "complete" :
		       st == ENGINE_INTERRUPTED ? "incomplete" : "error", "phases", r.phases);
	if (st != ENGINE_OK && why[0])
		json_object_set_new(tj, "reason", json_string(why));
	json_object_set_new(out, "tracepoint_pass", tj);
	return st;
}

enum engine_status engine_run(const struct scenario *s, const struct run_opts *o,
			      json_t *out, char *why, size_t why_size)
{
	json_t *reps = json_object_get(out, "reps");
	enum engine_status st = ENGINE_OK;
	unsigned int i;

	json_object_set_new(out, "timed_phase", json_string(timed_phase_name(s)));
	json_object_set_new(out, "unit", json_string(unit_name(s)));
	for (i = 0; i < s->reps && st == ENGINE_OK; i++) {
		struct rep r = {
			.s = s, .o = o, .phases = json_array(), .why = why, .why_size = why_size,
		};

		if (interrupted()) {
			json_decref(r.phases);
			return ENGINE_INTERRUPTED;
		}
		if (o->progress)
			fprintf(stderr, "\r  %s: rep %u/%u ", s->name, i + 1, s->reps);
		st = run_rep(&r);
		if (st == ENGINE_OK)
			json_array_append_new(reps, json_pack("{s:i, s:o}", "rep", i, "phases", r.phases));
		else
			json_decref(r.phases);
	}
	knob_restore_all();
	if (st == ENGINE_OK && o->tp_events && o->tp_events->nr && !interrupted()) {
		st = tracepoint_pass(s, o, out, why, why_size);
		knob_restore_all();
	}
	if (st == ENGINE_OK && (o->attribute || s->attribute) && !interrupted()) {
		st = attribution_pass(s, o, out, why, why_size);
		knob_restore_all();
	}
	if (st == ENGINE_OK && interrupted())
		st = ENGINE_INTERRUPTED;
	if (o->progress)
		fprintf(stderr, "\r%*s\r", 40, "");
	return st;
}

enum engine_status engine_check(const struct scenario *s, const struct run_opts *o,
				const json_t *env, char *why, size_t why_size)
{
	const struct backend_ops *be = backend_for(o);

	if (!be) {
		snprintf(why, why_size, "no backend runs VM type %s", o->vm_type_name);
		return ENGINE_UNSUPPORTED;
	}
	return be->check(s, o, env, why, why_size);
}
