/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A phase's per-op latency as results record it (results/README.md,
 * "latency"): the histogram merged over vCPUs and per vCPU, its
 * percentiles in ns, per-vCPU rates and their spread.
 */
#ifndef SEPTBENCH_RUN_LATENCY_JSON_H
#define SEPTBENCH_RUN_LATENCY_JSON_H

#include "kvm/vm.h"

#include <jansson.h>

/* NULL when no vCPU of @res recorded latencies. */
json_t *latency_json(const struct vm_phase_result *res);

/*
 * One histogram's record, values in cycles of a @tsc_khz clock (0: the
 * values stay in their own unit, @unit).
 */
json_t *latency_hist_json(const struct lathist *h, unsigned int tsc_khz, const char *unit);

#endif
