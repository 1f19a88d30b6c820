/* SPDX-License-Identifier: GPL-2.0 */
/* Figures for tables (text, Markdown, HTML): one format everywhere. */
#ifndef SEPTBENCH_NUMFMT_H
#define SEPTBENCH_NUMFMT_H

#include <stddef.h>

/* @v with 4-5 significant digits ("-" for NaN); returns @buf. */
const char *fmt_num(char *buf, size_t size, double v);
/* A p value: 4 decimals, or 1.2e-05 below 0.0001; "-" for NaN. */
const char *fmt_p(char *buf, size_t size, double p);

#endif
