/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the default backend: host-driven phases (host_phase.c), used by
 * its VM and guest phases (backend_default.c) and its zaps, controls and
 * teardown (backend_default_zap.c).
 */
#ifndef SEPTBENCH_BACKEND_DEFAULT_H
#define SEPTBENCH_BACKEND_DEFAULT_H

#include "run/backend.h"

/* Snapshot the stats, start counting, take the start time. */
enum engine_status dflt_host_begin(struct rep *r, uint64_t *t0);
/* Take the time, stop counting, fill @res with the stats deltas. */
enum engine_status dflt_host_stop(struct rep *r, uint64_t t0, uint64_t *ns,
				  struct vm_phase_result *res);
/* Record the phase, its counters and stats; frees @res. */
json_t *dflt_host_record(struct rep *r, const char *name, uint64_t ns, uint64_t ops,
			 struct vm_phase_result *res);

/* A guest phase of @r's scenario walking with @pattern and @write_pct. */
struct vm_phase dflt_guest_phase(const struct rep *r, enum pattern pattern, unsigned int write_pct);
/* The vCPUs wait at the guest barrier: count their threads from here on. */
void dflt_count_vcpus(struct rep *r, const struct vm *vm);

/* The VM; @private_mem: its test memory private guest_memfd (sw-protected). */
enum engine_status dflt_make_vm(struct rep *r, bool private_mem);
enum engine_status dflt_guest(struct rep *r, const char *name, enum pattern pattern,
			      unsigned int write_pct);
enum engine_status dflt_prefault(struct rep *r, bool bare);
enum engine_status dflt_populate(struct rep *r);
void dflt_release(struct rep *r);
enum engine_status dflt_zap(struct rep *r, enum zap_cause cause);
enum engine_status dflt_teardown(struct rep *r, const char *name, bool control);
enum engine_status dflt_fault_while_zapping(struct rep *r);

#endif
