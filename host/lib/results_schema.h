/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The results format's constants, shared by the writer (run/) and the
 * readers (compare/).  The format itself: results/schema.json (JSON
 * Schema) and results/README.md.
 */
#ifndef SEPTBENCH_RESULTS_SCHEMA_H
#define SEPTBENCH_RESULTS_SCHEMA_H

#define RESULTS_SCHEMA "septbench/1"

#endif
