// SPDX-License-Identifier: GPL-2.0
#include "env/env.h"

#include <stdarg.h>
#include <stdio.h>

json_t *check_new(bool ok, const char *reason_fmt, ...)
{
	json_t *c = json_object();
	char reason[512];
	va_list ap;

	json_object_set_new(c, "ok", json_boolean(ok));
	if (reason_fmt && *reason_fmt) {
		va_start(ap, reason_fmt);
		vsnprintf(reason, sizeof(reason), reason_fmt, ap);
		va_end(ap);
		json_object_set_new(c, "reason", json_string(reason));
	}
	return c;
}

bool check_ok(const json_t *check)
{
	return json_is_true(json_object_get(check, "ok"));
}
