// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario engine.  Every repetition builds a fresh VM, so each one
 * measures first-touch work; only the scenario's timed phase is "the"
 * figure, the others are recorded alongside.  The VM work itself is a
 * backend's (backend.h); which repetition runs when is the run's
 * (schedule.h).
 */
#include "trace/attribute.h"
#include "run/backend.h"
#include "trace/counters.h"
#include "env/env.h"
#include "lib/interrupt.h"
#include "run/knob.h"
#include "run/run_summary.h"
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
			snprintf(r->why, r->why_size, "the %s backend maps 4K only: no split", r->be->name);
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
			return r->be->teardown(r, "teardown", true);
		break;
	case KIND_CHURN:
		for (c = 0; !st && c < s->cycles; c++) {
			/* Host memory back in place, untimed: the fault figure holds KVM's faults only. */
			if (c && r->be->populate)
				st = r->be->populate(r);
			if (!st)
				st = r->be->guest_phase(r, "fault", s->pattern, s->write_pct);
			if (!st)
				st = r->be->zap(r, s->zap);
		}
		break;
	case KIND_CHURN_CONCURRENT:
		if (!r->be->fault_while_zapping) {
			snprintf(r->why, r->why_size, "churn-concurrent is not built for the %s backend",
				 r->be->name);
			st = ENGINE_UNSUPPORTED;
			break;
		}
		st = r->be->fault_while_zapping(r);
		break;
	default:
		snprintf(r->why, r->why_size, "kind %s is not implemented", kind_name(s->kind));
		st = ENGINE_UNSUPPORTED;
	}
	if (st)
		return st;
	return r->be->teardown(r, "destroy", false);
}

/*
 * For churn the timed figure is the sum over its fault and zap phases (on
 * a TD, also the conversions back to private: both directions churn).
 */
static void add_churn_total(struct rep *r)
{
	uint64_t ns = 0, ops = 0, fault_ns = 0, zap_ns = 0, zap_ops = 0;
	json_t *ph;
	size_t i;

	json_array_foreach(r->phases, i, ph) {
		const char *name = json_string_value(json_object_get(ph, "name"));
		uint64_t pns = json_integer_value(json_object_get(ph, "ns"));
		uint64_t pops = json_integer_value(json_object_get(ph, "ops"));

		if (strcmp(name, "fault") && strcmp(name, "zap") && strcmp(name, "to-private"))
			continue;
		ns += pns;
		if (!strcmp(name, "fault")) {
			ops += pops;
			fault_ns += pns;
		} else {
			zap_ns += pns;
			zap_ops += !strcmp(name, "zap") ? pops : 0;
		}
	}
	rep_add_phase(r, "churn", ns, ops, NULL);
	/* The parts apart: a change in one must not hide in the sum. */
	if (ops)
		rep_derive(r, "fault_ns_per_op", (double)fault_ns / ops);
	if (zap_ops)
		rep_derive(r, "zap_ns_per_op", (double)zap_ns / zap_ops);
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
	case KIND_CHURN_CONCURRENT: return "fault";
	default: return "?";
	}
}

static const char *unit_name(const struct scenario *s)
{
	if (s->kind == KIND_SPLIT)
		return "range";
	if (s->pattern == PATTERN_HUGE && s->kind != KIND_SPLIT)
		return "range";
	if (backing_page_size(s->backing) > 4096 && (s->kind == KIND_PREFAULT ||
						     s->kind == KIND_PREFAULT_BARE))
		return "range";
	return "page";
}

/*
 * Run one repetition.  Its record ({"phases", "warnings", "derived"}) is
 * returned in *recp also when it failed, for the passes that keep
 * whatever was done; NULL when nothing was.
 */
static enum engine_status run_rep(struct rep *r, json_t **recp)
{
	enum engine_status st;
	json_t *rec;

	*recp = NULL;
	r->be = backend_for(r->o);
	if (!r->be) {
		snprintf(r->why, r->why_size, "no backend runs VM type %s", r->o->vm_type_name);
		return ENGINE_UNSUPPORTED;
	}
	r->phases = json_array();
	if (rep_init(r)) {
		rep_fini(r);
		json_decref(r->phases);
		return rep_fail_errno(r, "repetition buffers");
	}
	st = run_kind(r);
	r->be->release(r);
	if (st == ENGINE_OK && r->s->kind == KIND_CHURN)
		add_churn_total(r);
	rec = json_pack("{s:o}", "phases", r->phases);
	if (r->warnings)
		json_object_set(rec, "warnings", r->warnings);
	if (r->derived)
		json_object_set(rec, "derived", r->derived);
	rep_fini(r);
	*recp = rec;
	return st;
}

/* A repetition record's phases, a new reference (an empty array for none). */
static json_t *rec_phases(json_t *rec)
{
	json_t *ph = json_object_get(rec, "phases");

	return ph ? json_incref(ph) : json_array();
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
	json_t *aj, *rec;
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
	st = run_rep(&r, &rec);
	aj = attribution_describe(r.attr);
	attribution_teardown(r.attr);
	json_object_set_new(aj, "status", json_string(st == ENGINE_OK ? "complete" :
				st == ENGINE_INTERRUPTED ? "incomplete" : "error"));
	if (st != ENGINE_OK && why[0])
		json_object_set_new(aj, "reason", json_string(why));
	json_object_set_new(aj, "phases", rec_phases(rec));
	base = median_ns_per_op(out);
	got = rec ? timed_ns_per_op(out, rec) : 0;
	json_decref(rec);
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
	json_t *tj, *rec;

	if (o->progress)
		fprintf(stderr, "\r  %s: tracepoint pass ", s->name);
	tp_opts.events = o->tp_events;
	st = run_rep(&r, &rec);
	tj = json_pack("{s:s, s:o}", "status", st == ENGINE_OK ? "complete" :
		       st == ENGINE_INTERRUPTED ? "incomplete" : "error", "phases", rec_phases(rec));
	json_decref(rec);
	if (st != ENGINE_OK && why[0])
		json_object_set_new(tj, "reason", json_string(why));
	json_object_set_new(out, "tracepoint_pass", tj);
	return st;
}

void engine_begin(struct engine_job *j, const struct scenario *s, json_t *out)
{
	j->s = s;
	j->out = out;
	j->st = ENGINE_OK;
	j->why[0] = '\0';
	j->reps_done = 0;
	j->warn_counts = json_object();
	json_object_set_new(out, "timed_phase", json_string(timed_phase_name(s)));
	json_object_set_new(out, "unit", json_string(unit_name(s)));
}

enum engine_status engine_rep(struct engine_job *j, const struct run_opts *o, unsigned int index)
{
	struct rep r = {
		.s = j->s, .o = o, .index = index, .why = j->why, .why_size = sizeof(j->why),
	};
	const json_t *w;
	json_t *rec;
	size_t i;

	if (j->st != ENGINE_OK)
		return j->st;
	if (interrupted())
		return j->st = ENGINE_INTERRUPTED;
	j->st = run_rep(&r, &rec);
	knob_restore_all();
	if (j->st != ENGINE_OK) {
		json_decref(rec);
		return j->st;
	}
	json_array_foreach(json_object_get(rec, "warnings"), i, w) {
		const char *text = json_string_value(w);
		json_int_t seen = json_integer_value(json_object_get(j->warn_counts, text));

		json_object_set_new(j->warn_counts, text, json_integer(seen + 1));
	}
	json_object_set_new(rec, "rep", json_integer(index));
	json_array_append_new(json_object_get(j->out, "reps"), rec);
	j->reps_done++;
	return ENGINE_OK;
}

/* Every distinct warning once, with how many repetitions it came up in. */
static void fold_warnings(struct engine_job *j)
{
	json_t *list = json_array(), *n;
	const char *text;
	char buf[384];

	json_object_foreach(j->warn_counts, text, n) {
		snprintf(buf, sizeof(buf), "%s (%lld of %u repetitions)", text,
			 (long long)json_integer_value(n), j->reps_done);
		json_array_append_new(list, json_string(buf));
	}
	if (json_array_size(list))
		json_object_set_new(j->out, "warnings", list);
	else
		json_decref(list);
}

enum engine_status engine_finish(struct engine_job *j, const struct run_opts *o)
{
	enum engine_status st = j->st;

	fold_warnings(j);
	json_decref(j->warn_counts);
	j->warn_counts = NULL;
	if (st == ENGINE_OK && o->tp_events && o->tp_events->nr && !interrupted()) {
		st = tracepoint_pass(j->s, o, j->out, j->why, sizeof(j->why));
		knob_restore_all();
	}
	if (st == ENGINE_OK && (o->attribute || j->s->attribute) && !interrupted()) {
		st = attribution_pass(j->s, o, j->out, j->why, sizeof(j->why));
		knob_restore_all();
	}
	if (st == ENGINE_OK && interrupted())
		st = ENGINE_INTERRUPTED;
	return j->st = st;
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
