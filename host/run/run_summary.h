/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The end-of-run summary: per scenario, the timed phase's median ns/op and
 * ops/s with their spread, on the terminal and as summary.tsv.  Reads the
 * scenario JSON only (results/README.md); knows nothing of KVM.
 */
#ifndef SEPTBENCH_RUN_SUMMARY_H
#define SEPTBENCH_RUN_SUMMARY_H

#include <jansson.h>
#include <stdio.h>

/* Write <dir>/summary.tsv and print the table to @out; 0 or -errno. */
int run_summary_write(const char *dir, const json_t *const *scenarios, size_t n, FILE *out);

/*
 * The timed phase of repetition @rep (an element of "reps"), or NULL.
 * Shared with compare so both read results the same way.
 */
const json_t *timed_phase_of(const json_t *scenario, const json_t *rep);

/* ns/op of @rep's timed phase (0 when it has none or no ops), and the median over "reps". */
double timed_ns_per_op(const json_t *scenario, const json_t *rep);
double median_ns_per_op(const json_t *scenario);

/*
 * Scenarios whose params name a "reference" (prefault-4k: prefault-bare)
 * that ran in the same run: the ratio of the timed phase's median ns/op
 * to the reference's, with its 95% bootstrap CI, as meta.json's
 * "harness_overhead"; and the lines that print them.
 */
void run_summary_references(json_t *meta, const json_t *const *scenarios, size_t n);
void run_summary_print_references(const json_t *meta, FILE *out);

#endif
