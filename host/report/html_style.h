/* SPDX-License-Identifier: GPL-2.0 */
/* The one style sheet of septbench's HTML pages, inlined in each. */
#ifndef SEPTBENCH_HTML_STYLE_H
#define SEPTBENCH_HTML_STYLE_H

extern const char html_style[];

#endif
