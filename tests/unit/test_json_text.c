// SPDX-License-Identifier: GPL-2.0
/* The terminal rendering of env-style reports. */
#include "env/env.h"
#include "lib/json_text.h"
#include "tap.h"

static char *render(json_t *obj)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	json_text_print(f, obj);
	fclose(f);
	json_decref(obj);
	return buf;
}

int main(void)
{
	json_t *o, *steps, *c;
	char *out;

	tap_plan(6);

	o = json_object();
	json_object_set_new(o, "usable", check_new(false, "cannot open %s: %s", "/dev/kvm", "gone"));
	out = render(o);
	tap_is_str(out, "usable: no (cannot open /dev/kvm: gone)\n", "a failed check is one line with its reason");
	free(out);

	o = json_object();
	c = check_new(true, NULL);
	json_object_set_new(c, "caps", json_pack("{s:i}", "slots", 32));
	json_object_set_new(o, "default", c);
	out = render(o);
	tap_is_str(out, "default: yes\n  caps:\n    slots: 32\n", "check details are indented below it");
	free(out);

	o = json_pack("{s:[s,s], s:[]}", "types", "default", "tdx", "ops");
	out = render(o);
	tap_is_str(out, "types: default, tdx\nops: -\n", "scalar arrays are one line, empty ones a dash");
	free(out);

	o = json_object();
	steps = json_array();
	c = check_new(false, "off");
	json_object_set_new(c, "step", json_string("kvm_intel.tdx"));
	json_array_append_new(steps, c);
	json_object_set_new(o, "steps", steps);
	out = render(o);
	tap_is_str(out, "steps:\n  kvm_intel.tdx: no (off)\n", "array checks are named by their step");
	free(out);

	o = json_pack("{s:b, s:n, s:f}", "flag", 0, "none", "ratio", 0.5);
	out = render(o);
	tap_is_str(out, "flag: no\nnone: -\nratio: 0.5\n", "booleans, null and reals");
	free(out);

	tap_ok(check_ok(c = check_new(true, NULL)) && !json_object_get(c, "reason"),
	       "a passing check has no reason");
	json_decref(c);
	return tap_done();
}
