// SPDX-License-Identifier: GPL-2.0
/*
 * septbench check tdx: can this host create TDs (the readiness steps of
 * septbench env), does a small run of every tdx scenario hold what the
 * figures assume, and did it leave tracefs and the knobs as it found them.
 */
#include "check/check.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The readiness steps: every one a line; false with the exit 4 reason said. */
static bool readiness(struct check_out *c, const json_t *env, bool sim)
{
	const json_t *tdx = json_object_get(env, "tdx"), *first, *kvm;
	const char *step, *reason;

	first = json_object_get(tdx, "first_missing");
	step = json_string_value(json_object_get(first, "step"));
	reason = json_string_value(json_object_get(first, "reason"));
	if (json_is_true(json_object_get(tdx, "ready"))) {
		check_line(c, CHECK_OK, "TDX readiness",
			   "every step of septbench env holds (cpu, kvm_intel, kvm_intel.tdx, vm_type); TDX module %s",
			   json_string_value(json_object_get(tdx, "module_version")) ?: "version not exposed");
		return true;
	}
	if (sim) {
		kvm = json_object_get(json_object_get(env, "kvm"), "usable");
		if (!json_is_true(json_object_get(kvm, "ok"))) {
			check_line(c, CHECK_FAILED, "KVM", "%s",
				   json_string_value(json_object_get(kvm, "reason")) ?: "not usable");
			err_msg("check: KVM is not usable here: %s",
				json_string_value(json_object_get(kvm, "reason")) ?: "?");
			return false;
		}
		check_line(c, CHECK_SKIPPED, "TDX readiness",
			   "SEPTBENCH_TDX_SIM=1: the simulation needs no TDX (here step %s fails: %s)",
			   step ?: "?", reason ?: "?");
		return true;
	}
	check_line(c, CHECK_FAILED, "TDX readiness", "step %s: %s", step ?: "?", reason ?: "?");
	err_msg("check: TDX is not available here: step %s: %s", step ?: "?", reason ?: "?");
	return false;
}

/* A TD takes at most as many vCPUs as the host has CPUs: two where there are two. */
static unsigned int check_vcpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n >= 2 ? 2 : 1;
}

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* The run's own words, when it did not exit 0. */
static void run_said(struct check_out *c, const struct check_run *cr)
{
	const char *p, *nl;

	check_note(c, "septbench run exited %d; it said:", cr->status);
	for (p = cr->log; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		check_note(c, "  | %.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
	}
}

int check_tdx(struct check_out *c, const json_t *env, const char *out, struct check_run *cr)
{
	const char *tracefs = json_string_value(json_object_get(json_object_get(env, "tracing"),
								"mount")) ?: "";
	bool sim = tdx_simulation();
	char *before, *after, *diff;
	int r;

	memset(cr, 0, sizeof(*cr));
	check_note(c, "septbench check tdx%s", sim ? " (SEPTBENCH_TDX_SIM=1: simulated TD, not TDX)" : "");
	if (!readiness(c, env, sim))
		return EXIT_UNSUPPORTED;

	before = host_state_snapshot(tracefs);
	r = check_tdx_run(cr, out, check_vcpus());
	after = host_state_snapshot(tracefs);
	if (r) {
		check_line(c, CHECK_FAILED, "run", "cannot start septbench run: %s", strerror(-r));
	} else {
		if (cr->status)
			run_said(c, cr);
		if (cr->dir[0])
			check_tdx_assume(c, cr->dir, sim);
		else
			check_line(c, CHECK_FAILED, "run", "septbench run exited %d and made no results folder",
				   cr->status);
	}
	if (!before || !after) {
		check_line(c, CHECK_FAILED, "tracefs and knobs left as found", "out of memory");
	} else {
		diff = host_state_diff(before, after);
		if (diff)
			check_line(c, CHECK_FAILED, "tracefs and knobs left as found", "%s", diff);
		else
			check_line(c, CHECK_OK, "tracefs and knobs left as found",
				   "%zu lines (KVM parameters, THP, hugetlb pools, %s) alike before and after",
				   count_lines(before),
				   *tracefs ? "tracefs" : "no tracefs mounted");
		free(diff);
	}
	free(before);
	free(after);
	if (cr->dir[0])
		check_note(c, "results: %s", cr->dir);
	check_note(c, "%u ok, %u FAILED, %u skipped", c->nr[CHECK_OK], c->nr[CHECK_FAILED],
		   c->nr[CHECK_SKIPPED]);
	if (cr->status >= 128)
		return cr->status;
	return c->nr[CHECK_FAILED] ? EXIT_FAIL : EXIT_OK;
}
