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
/* The VM @r's scenario asks for, with @cfg's VM-type-specific fields as given. */
struct vm_config dflt_vm_config(const struct rep *r, bool private_mem);
enum engine_status dflt_make_vm_from(struct rep *r, const struct vm_config *cfg);
/* Leaf mappings the VM has now (pages_4k/2m/1g), warned about when unknown. */
uint64_t dflt_mappings_now(struct rep *r);
enum engine_status dflt_guest(struct rep *r, const char *name, enum pattern pattern,
			      unsigned int write_pct);
enum engine_status dflt_prefault(struct rep *r, bool bare);
enum engine_status dflt_populate(struct rep *r);
void dflt_release(struct rep *r);
enum engine_status dflt_zap(struct rep *r, enum zap_cause cause);
enum engine_status dflt_teardown(struct rep *r, const char *name, bool control);
enum engine_status dflt_fault_while_zapping(struct rep *r);

/*
 * Private memory converted by the guest, one request per 2 MiB of each
 * vCPU's slice (convert_phase.c): @cmd VM_PHASE_TO_SHARED is a zap (op: a
 * mapping removed), VM_PHASE_TO_PRIVATE the way back (op: a page).
 */
enum engine_status dflt_convert(struct rep *r, const char *name, enum vm_phase_cmd cmd);
/* "implicit_conversions" of a guest phase, when KVM_EXIT_MEMORY_FAULTs were answered. */
void dflt_record_implicit(json_t *j, const struct vm_phase_result *res);

#endif
