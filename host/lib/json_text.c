// SPDX-License-Identifier: GPL-2.0
#include "lib/json_text.h"

#include <stdbool.h>
#include <string.h>

static void print_scalar(FILE *out, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		fputs(json_string_value(v), out);
		break;
	case JSON_INTEGER:
		fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		fprintf(out, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("yes", out);
		break;
	case JSON_FALSE:
		fputs("no", out);
		break;
	case JSON_NULL:
		fputs("-", out);
		break;
	default:
		break;
	}
}

static bool is_check(const json_t *v)
{
	return json_is_object(v) && json_is_boolean(json_object_get(v, "ok"));
}

static bool all_scalars(const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_object(v) || json_is_array(v))
			return false;
	return true;
}

static void print_tree(FILE *out, const json_t *obj, int depth);

static void print_member(FILE *out, const char *key, const json_t *v, int depth)
{
	const json_t *reason;
	size_t i;
	json_t *e;

	fprintf(out, "%*s%s:", depth * 2, "", key);
	if (is_check(v)) {
		fprintf(out, " %s", json_is_true(json_object_get(v, "ok")) ? "yes" : "no");
		reason = json_object_get(v, "reason");
		if (json_is_string(reason))
			fprintf(out, " (%s)", json_string_value(reason));
		fputc('\n', out);
		/* Details beside "ok" and "reason", one level down. */
		if (json_object_size(v) > (reason ? 2u : 1u))
			print_tree(out, v, depth + 1);
		return;
	}
	if (json_is_object(v)) {
		fputc('\n', out);
		print_tree(out, v, depth + 1);
		return;
	}
	if (json_is_array(v) && !json_array_size(v)) {
		fputs(" -\n", out);
		return;
	}
	if (json_is_array(v) && all_scalars(v)) {
		json_array_foreach(v, i, e) {
			fputs(i ? ", " : " ", out);
			print_scalar(out, e);
		}
		fputc('\n', out);
		return;
	}
	if (json_is_array(v)) {
		fputc('\n', out);
		json_array_foreach(v, i, e) {
			char idx[32];

			/* Array elements that are checks name themselves by "step". */
			if (json_is_string(json_object_get(e, "step")))
				snprintf(idx, sizeof(idx), "%s", json_string_value(json_object_get(e, "step")));
			else
				snprintf(idx, sizeof(idx), "[%zu]", i);
			print_member(out, idx, e, depth + 1);
		}
		return;
	}
	fputc(' ', out);
	print_scalar(out, v);
	fputc('\n', out);
}

static void print_tree(FILE *out, const json_t *obj, int depth)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		if (is_check(obj) && (!strcmp(key, "ok") || !strcmp(key, "reason") ||
				      !strcmp(key, "step")))
			continue;
		print_member(out, key, v, depth);
	}
}

void json_text_print(FILE *out, const json_t *obj)
{
	print_tree(out, obj, 0);
}
