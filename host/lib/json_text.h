/* SPDX-License-Identifier: GPL-2.0 */
/* Render a JSON report as indented "key: value" text for a terminal. */
#ifndef SEPTBENCH_JSON_TEXT_H
#define SEPTBENCH_JSON_TEXT_H

#include <jansson.h>
#include <stdio.h>

/*
 * Objects become indented blocks; a check object {"ok", "reason", ...}
 * becomes one "key: yes" or "key: no (reason)" line.
 */
void json_text_print(FILE *out, const json_t *obj);

#endif
