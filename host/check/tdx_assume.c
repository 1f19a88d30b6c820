// SPDX-License-Identifier: GPL-2.0
/*
 * The assumptions the tdx figures rest on, each checked on the results
 * of the check's run (results/README.md): one line each, with the
 * figures that show it.  What needs a real TD (SEAMCALLs, private
 * memory, the TD's own TSC rate) is skipped in the simulation, saying so.
 */
#include "check/check.h"
#include "lib/util.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SZ_2M (2ull << 20)
#define SIM_WHY "SEPTBENCH_TDX_SIM=1"
#define NR_SCN 6

struct scn {
	const char *name;
	json_t *doc;
	int64_t pages;		/* test memory in 4K pages */
};

struct assume {
	struct check_out *c;
	bool sim;
	struct scn s[NR_SCN];
};

enum { FAULT, PREFAULT, CONVERT, PUNCH, TEARDOWN, CHURN };

static const char *const names[NR_SCN] = {
	"fault-4k", "prefault-4k", "zap-convert", "zap-punch", "teardown", "churn",
};

static json_t *rep0_phases(const struct scn *s)
{
	return json_object_get(json_array_get(json_object_get(s->doc, "reps"), 0), "phases");
}

/* The @nth phase called @name of repetition 0 (or of the attribution pass). */
static json_t *phase_in(json_t *phases, const char *name, size_t nth)
{
	json_t *ph;
	size_t i;

	json_array_foreach(phases, i, ph)
		if (!strcmp(json_string_value(json_object_get(ph, "name")) ?: "", name) && !nth--)
			return ph;
	return NULL;
}

static json_t *phase(const struct scn *s, const char *name, size_t nth)
{
	return phase_in(rep0_phases(s), name, nth);
}

static int64_t num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : INT64_MIN;
}

/* The pages_4k delta of a phase; INT64_MIN when KVM has no such stat. */
static int64_t pages_4k(const json_t *ph)
{
	return num(json_object_get(json_object_get(ph, "stats"), "vm"), "pages_4k");
}

/* Calls of @fn in phase @name of the attribution pass, or -1 with why. */
static int64_t hook_calls(const struct scn *s, const char *phase_name, const char *fn,
			  char *why, size_t size)
{
	json_t *a = json_object_get(s->doc, "attribution"), *m;
	const char *st = json_string_value(json_object_get(a, "status"));
	size_t i;

	if (!st || strcmp(st, "complete")) {
		snprintf(why, size, "attribution pass %s: %s", st ?: "absent",
			 json_string_value(json_object_get(a, "reason")) ?: "no reason given");
		return -1;
	}
	json_array_foreach(json_object_get(a, "missing"), i, m) {
		if (!strcmp(json_string_value(json_object_get(m, "name")) ?: "", fn)) {
			snprintf(why, size, "no kprobe on %s: %s", fn,
				 json_string_value(json_object_get(m, "reason")) ?: "?");
			return -1;
		}
	}
	m = json_object_get(json_object_get(phase_in(json_object_get(a, "phases"), phase_name, 0),
					    "hooks"), fn);
	if (!m) {
		snprintf(why, size, "%s not counted in phase %s", fn, phase_name);
		return -1;
	}
	return num(m, "calls");
}

static bool load(struct assume *a, const char *dir)
{
	char path[PATH_MAX + 64], missing[256] = "";
	json_error_t e;
	size_t i, n = 0;

	for (i = 0; i < NR_SCN; i++) {
		a->s[i].name = names[i];
		snprintf(path, sizeof(path), "%s/%s.json", dir, names[i]);
		a->s[i].doc = json_load_file(path, 0, &e);
		if (!a->s[i].doc) {
			n += snprintf(missing + n, sizeof(missing) - n, "%s%s", n ? ", " : "", names[i]);
			n = n < sizeof(missing) ? n : sizeof(missing) - 1;
			continue;
		}
		a->s[i].pages = num(json_object_get(a->s[i].doc, "params"), "mem_bytes") / 4096;
	}
	if (*missing)
		check_line(a->c, CHECK_FAILED, "results", "%s: no readable %s", dir, missing);
	return !*missing;
}

/* Every scenario complete: the rest reads their figures. */
static bool all_complete(struct assume *a)
{
	char bad[1536] = "";
	size_t i, n = 0;

	for (i = 0; i < NR_SCN; i++) {
		const char *st = json_string_value(json_object_get(a->s[i].doc, "status")) ?: "?";

		if (!strcmp(st, "complete"))
			continue;
		n += snprintf(bad + n, sizeof(bad) - n, "%s%s %s: %s", n ? "; " : "", names[i], st,
			      json_string_value(json_object_get(a->s[i].doc, "reason")) ?: "no reason");
		n = n < sizeof(bad) ? n : sizeof(bad) - 1;
	}
	if (*bad)
		check_line(a->c, CHECK_FAILED, "every tdx scenario ran", "%s", bad);
	else
		check_line(a->c, CHECK_OK, "every tdx scenario ran",
			   "%s, %s, %s, %s, %s, %s complete, %" PRId64 " pages (%" PRId64 " MiB) each",
			   names[0], names[1], names[2], names[3], names[4], names[5],
			   a->s[0].pages, a->s[0].pages >> 8);
	return !*bad;
}

static void td_created(struct assume *a)
{
	const json_t *setup;
	int64_t khz = INT64_MIN, pf;
	size_t i;

	if (a->sim) {
		check_line(a->c, CHECK_SKIPPED, "TD created and finalized",
			   SIM_WHY ": a default VM in the TD's entry state, no INIT_VM or FINALIZE_VM");
		return;
	}
	for (i = 0; i < NR_SCN; i++) {
		setup = phase(&a->s[i], "setup", 0);
		if (!setup) {
			check_line(a->c, CHECK_FAILED, "TD created and finalized",
				   "%s: no setup phase", names[i]);
			return;
		}
		if (num(setup, "tsc_khz") > 0)
			khz = num(setup, "tsc_khz");
	}
	/* KVM refuses KVM_PRE_FAULT_MEMORY on a TD until FINALIZE_VM. */
	pf = num(phase(&a->s[PREFAULT], "prefault", 0), "ops");
	check_line(a->c, pf == a->s[PREFAULT].pages ? CHECK_OK : CHECK_FAILED,
		   "TD created and finalized",
		   "%d TDs set up (INIT_VM .. FINALIZE_VM), TD TSC %" PRId64 " kHz; KVM_PRE_FAULT_MEMORY (refused before FINALIZE_VM) mapped %" PRId64 " of %" PRId64 " pages",
		   NR_SCN, khz == INT64_MIN ? 0 : khz, pf, a->s[PREFAULT].pages);
}

/* Every guest phase that accepts: each page exactly once. */
static void accepted_once(struct assume *a)
{
	char ev[1024] = "", bad[512] = "";
	size_t i, k, n = 0, nb = 0;
	const char *pn;
	json_t *ph;

	for (i = 0; i < NR_SCN; i++) {
		json_array_foreach(rep0_phases(&a->s[i]), k, ph) {
			int64_t acc = num(ph, "accepted"), ops = num(ph, "ops");

			if (acc == INT64_MIN)
				continue;
			pn = json_string_value(json_object_get(ph, "name"));
			if (acc == a->s[i].pages && ops == a->s[i].pages &&
			    !json_object_get(ph, "implicit_conversions")) {
				if (n < sizeof(ev))
					n += snprintf(ev + n, sizeof(ev) - n, "%s%s %s %" PRId64 "/%" PRId64,
						      n ? ", " : "", names[i], pn, acc, a->s[i].pages);
			} else if (nb < sizeof(bad)) {
				nb += snprintf(bad + nb, sizeof(bad) - nb,
					       "%s%s %s: %" PRId64 " accepted, %" PRId64 " touched of %" PRId64 " pages%s",
					       nb ? "; " : "", names[i], pn, acc, ops, a->s[i].pages,
					       json_object_get(ph, "implicit_conversions") ? ", implicit conversions" : "");
			}
		}
	}
	if (*bad)
		check_line(a->c, CHECK_FAILED, "every page accepted exactly once", "%s", bad);
	else
		check_line(a->c, n ? CHECK_OK : CHECK_FAILED, "every page accepted exactly once",
			   "%s", n ? ev : "no phase accepted anything");
}

static void one_aug_per_page(struct assume *a)
{
	const struct scn *s = &a->s[FAULT];
	char why[256];
	int64_t calls, d;

	if (a->sim) {
		check_line(a->c, CHECK_SKIPPED, "one AUG per page in the fault phase",
			   SIM_WHY ": no TDX module, no TDH.MEM.PAGE.AUG to count");
		return;
	}
	calls = hook_calls(s, "fault", "tdh_mem_page_aug", why, sizeof(why));
	if (calls >= 0) {
		check_line(a->c, calls == s->pages ? CHECK_OK : CHECK_FAILED,
			   "one AUG per page in the fault phase",
			   "fault-4k: tdh_mem_page_aug called %" PRId64 " times for %" PRId64 " pages (kprobe, attribution pass)",
			   calls, s->pages);
		return;
	}
	d = pages_4k(phase(s, "fault", 0));
	check_line(a->c, d == s->pages ? CHECK_OK : CHECK_FAILED, "one AUG per page in the fault phase",
		   "%s; KVM stats instead: pages_4k %+" PRId64 " for %" PRId64 " pages", why,
		   d == INT64_MIN ? 0 : d, s->pages);
}

/* pages_4k grows by the pages touched (a page or two more: the payload's own). */
static void pages_4k_moved(struct assume *a)
{
	const struct scn *f = &a->s[FAULT], *p = &a->s[PREFAULT];
	int64_t df = pages_4k(phase(f, "fault", 0)), dp = pages_4k(phase(p, "prefault", 0));
	int64_t tf = num(phase(f, "fault", 0), "ops"), slack = 2 + tf / 100;
	bool good = df >= tf && df <= tf + slack && dp == p->pages;

	if (df == INT64_MIN || dp == INT64_MIN) {
		check_line(a->c, CHECK_FAILED, "pages_4k moved by the pages touched",
			   "KVM reports no pages_4k stat here");
		return;
	}
	check_line(a->c, good ? CHECK_OK : CHECK_FAILED, "pages_4k moved by the pages touched",
		   "fault-4k fault: %+" PRId64 " for %" PRId64 " pages touched (at most %" PRId64 " more allowed); prefault-4k prefault: %+" PRId64 " for %" PRId64 " pages%s",
		   df, tf, slack, dp, p->pages,
		   a->sim ? " (" SIM_WHY ": a default VM's TDP MMU, not the S-EPT)" : "");
}

/* One exit per 2 MiB chunk, each in its phase's direction, in every conversion. */
static void map_gpa_exits(struct assume *a)
{
	static const int which[] = { CONVERT, CHURN };
	char bad[512] = "";
	size_t i, k, n = 0, phases = 0;
	int64_t chunks = 0;

	for (i = 0; i < ARRAY_SIZE(which); i++) {
		const struct scn *s = &a->s[which[i]];
		int64_t want = (s->pages * 4096 + SZ_2M - 1) / SZ_2M;
		json_t *ph;

		if (which[i] == CONVERT)
			chunks = want;
		json_array_foreach(rep0_phases(s), k, ph) {
			const char *pn = json_string_value(json_object_get(ph, "name"));
			json_t *m = json_object_get(ph, "map_gpa");
			bool shared = !strcmp(pn, "zap");

			if (!shared && strcmp(pn, "to-private"))
				continue;
			phases++;
			if (num(m, shared ? "exits_to_shared" : "exits_to_private") == want &&
			    num(m, shared ? "exits_to_private" : "exits_to_shared") == 0 &&
			    num(m, "pages") == s->pages)
				continue;
			if (n < sizeof(bad))
				n += snprintf(bad + n, sizeof(bad) - n,
					      "%s%s %s: %" PRId64 " to shared, %" PRId64 " to private, %" PRId64 " pages (want %" PRId64 " %s)",
					      n ? "; " : "", s->name, pn, num(m, "exits_to_shared"),
					      num(m, "exits_to_private"), num(m, "pages"), want,
					      shared ? "to shared" : "to private");
		}
	}
	if (*bad || !phases)
		check_line(a->c, CHECK_FAILED, "one MapGPA exit per 2 MiB each direction", "%s",
			   *bad ? bad : "no conversion phase");
	else
		check_line(a->c, CHECK_OK, "one MapGPA exit per 2 MiB each direction",
			   "zap-convert: %" PRId64 " exits to shared, then %" PRId64 " to private, for %" PRId64 " MiB; churn: %zu conversion phases alike",
			   chunks, chunks, a->s[CONVERT].pages >> 8, phases - 2);
}

static void punch_removed(struct assume *a)
{
	const struct scn *s = &a->s[PUNCH];
	int64_t d = pages_4k(phase(s, "zap", 0)), left = num(phase(s, "destroy", 0), "ops");

	check_line(a->c, d == -s->pages && left == 0 ? CHECK_OK : CHECK_FAILED,
		   "punch removed the mappings",
		   "zap-punch zap: pages_4k %+" PRId64 " for %" PRId64 " pages; %" PRId64 " left mapped at destruction",
		   d == INT64_MIN ? 0 : d, s->pages, left);
}

static void conversion_removed(struct assume *a)
{
	const struct scn *s = &a->s[CONVERT];
	int64_t d = pages_4k(phase(s, "zap", 0)), cd = pages_4k(phase(&a->s[CHURN], "zap", 0));

	if (a->sim) {
		check_line(a->c, CHECK_SKIPPED, "conversion removed the mappings",
			   SIM_WHY ": nothing is private, a conversion changes no mapping (pages_4k %+" PRId64 ")",
			   d == INT64_MIN ? 0 : d);
		return;
	}
	check_line(a->c, d == -s->pages && cd == -a->s[CHURN].pages ? CHECK_OK : CHECK_FAILED,
		   "conversion removed the mappings",
		   "zap-convert zap (to shared): pages_4k %+" PRId64 " for %" PRId64 " pages; churn's first: %+" PRId64 " for %" PRId64,
		   d == INT64_MIN ? 0 : d, s->pages, cd == INT64_MIN ? 0 : cd, a->s[CHURN].pages);
}

/*
 * 7.2 removes every private page (TDH.MEM.PAGE.REMOVE) before the HKID
 * goes (arch/x86/kvm/vmx/tdx.c, tdx_sept_remove_leaf_spte), then
 * reclaims the S-EPT and control pages (TDH.PHYMEM.PAGE.RECLAIM).
 */
static void teardown_reclaimed(struct assume *a)
{
	const struct scn *s = &a->s[TEARDOWN];
	int64_t own = num(phase(s, "teardown", 0), "ops"), removed, reclaimed;
	char why[256], why2[256];

	if (a->sim) {
		check_line(a->c, CHECK_SKIPPED, "teardown reclaimed every page",
			   SIM_WHY ": no private pages to reclaim (septbench's own count: %" PRId64 " of %" PRId64 " mapped at teardown)",
			   own, s->pages);
		return;
	}
	removed = hook_calls(s, "teardown", "tdh_mem_page_remove", why, sizeof(why));
	reclaimed = hook_calls(s, "teardown", "tdh_phymem_page_reclaim", why2, sizeof(why2));
	if (removed < 0) {
		check_line(a->c, CHECK_SKIPPED, "teardown reclaimed every page",
			   "%s; septbench's own count: %" PRId64 " of %" PRId64 " mapped at teardown",
			   why, own, s->pages);
		return;
	}
	check_line(a->c, removed == s->pages && own == s->pages ? CHECK_OK : CHECK_FAILED,
		   "teardown reclaimed every page",
		   "teardown: tdh_mem_page_remove %" PRId64 " calls for %" PRId64 " pages mapped (kprobe), tdh_phymem_page_reclaim %" PRId64 " (S-EPT and control pages)",
		   removed, own, reclaimed < 0 ? 0 : reclaimed);
}

/* Guest TSC cycles at the TD's rate against the host's time of each vCPU. */
static void cycles_vs_wall(struct assume *a)
{
	double worst = 0, dev;
	char at[128] = "";
	size_t i, k, v, n = 0;
	json_t *ph, *vc;

	if (a->sim) {
		check_line(a->c, CHECK_SKIPPED, "cycle counts agree with the wall clock within 2%",
			   SIM_WHY ": no TD TSC rate (KVM_GET_TSC_KHZ on a TD vCPU) to convert with");
		return;
	}
	for (i = 0; i < NR_SCN; i++) {
		int64_t khz = num(phase(&a->s[i], "setup", 0), "tsc_khz");

		if (khz <= 0)
			continue;
		json_array_foreach(rep0_phases(&a->s[i]), k, ph) {
			json_array_foreach(json_object_get(ph, "vcpus"), v, vc) {
				int64_t ns = num(vc, "ns"), cyc = num(vc, "tsc_cycles");

				if (ns <= 0 || cyc < 0)
					continue;
				dev = fabs((double)cyc * 1e6 / (double)khz / (double)ns - 1);
				n++;
				if (dev >= worst) {
					worst = dev;
					snprintf(at, sizeof(at), "%s %s vcpu%zu", names[i],
						 json_string_value(json_object_get(ph, "name")), v);
				}
			}
		}
	}
	if (!n) {
		check_line(a->c, CHECK_FAILED, "cycle counts agree with the wall clock within 2%",
			   "no vCPU phase with a TD TSC rate recorded");
		return;
	}
	check_line(a->c, worst <= 0.02 ? CHECK_OK : CHECK_FAILED,
		   "cycle counts agree with the wall clock within 2%",
		   "%zu vCPU phases, worst %.2f%% (%s)", n, worst * 100, at);
}

void check_tdx_assume(struct check_out *c, const char *dir, bool simulated)
{
	struct assume a = { .c = c, .sim = simulated };
	size_t i;

	if (load(&a, dir) && all_complete(&a)) {
		td_created(&a);
		accepted_once(&a);
		one_aug_per_page(&a);
		pages_4k_moved(&a);
		map_gpa_exits(&a);
		punch_removed(&a);
		conversion_removed(&a);
		teardown_reclaimed(&a);
		cycles_vs_wall(&a);
	}
	for (i = 0; i < NR_SCN; i++)
		json_decref(a.s[i].doc);
}
