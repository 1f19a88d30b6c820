/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTML pages over what compare and run wrote: report.html of a compare
 * folder, from its report.json, plots.gp and SVG plots only (so it can be
 * rebuilt byte for byte without the statistics), and index.html of a
 * results folder, from the meta.json and report.json files in it.  Both
 * are self-contained: CSS and SVG inline, no script, no network.
 */
#ifndef SEPTBENCH_REPORT_H
#define SEPTBENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Has @dir a report.json of kind "septbench-compare"? */
bool html_is_compare_dir(const char *dir);

/* @dir/report.html; 0, or -errno with one line in err. */
int html_report_write(const char *dir, char *err, size_t size);

/* @results/index.html over every run, A/B folder and compare in it; 0 or -errno. */
int html_index_write(const char *results, char *err, size_t size);

/*
 * After a run or compare wrote @folder: rewrite the index of the results
 * folder it is in (its parent, or its grandparent for an A/B folder's
 * runs and compare) when that folder is called "results" or already has
 * an index.html written by septbench.  Failures are reported on stderr,
 * never fatal.  Whether such a folder was found.
 */
bool html_index_update(const char *folder);

#endif
