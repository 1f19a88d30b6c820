// SPDX-License-Identifier: GPL-2.0
/*
 * check tdx's assumptions on synthetic results of a real TD run: a run
 * that holds every assumption gives nine ok lines; each broken figure
 * (an accept missing, an AUG too many, a conversion that left pages
 * mapped, a TSC off by 3%, one MapGPA exit short) turns its own line
 * FAILED; the simulation skips the five lines that need a real TD.  And
 * the host state diff names what changed.
 */
#include "check/check.h"
#include "tap.h"

#include <limits.h>
#include <sys/stat.h>

#define PAGES 2048
#define KHZ 2100000

static char dir[64];

static json_t *ph(const char *name, json_int_t ops)
{
	return json_pack("{s:s, s:I, s:I}", "name", name, "ns", (json_int_t)1000000, "ops", ops);
}

static json_t *stat4k(json_t *p, json_int_t d)
{
	json_object_set_new(p, "stats", json_pack("{s:{s:I}}", "vm", "pages_4k", d));
	return p;
}

/* A guest phase: every page accepted by one vCPU whose cycles match its time (@skew: off by). */
static json_t *guest(const char *name, json_int_t accepted, json_int_t d4k, double skew)
{
	json_t *p = stat4k(ph(name, PAGES), d4k);

	json_object_set_new(p, "accepted", json_integer(accepted));
	json_object_set_new(p, "vcpus", json_pack("[{s:I, s:I}]", "ns", (json_int_t)10000000,
						  "tsc_cycles", (json_int_t)(KHZ * 10 * skew)));
	return p;
}

static json_t *conv(const char *name, json_int_t d4k, json_int_t sh, json_int_t pv)
{
	json_t *p = stat4k(ph(name, PAGES), d4k);

	json_object_set_new(p, "map_gpa", json_pack("{s:I, s:I, s:I, s:I}", "calls", (json_int_t)1,
						    "exits_to_shared", sh, "exits_to_private", pv,
						    "pages", (json_int_t)PAGES));
	return p;
}

struct knobs {
	json_int_t accepted, aug, conv_d4k, exits;
	double skew;
};

static void write_scn(const char *name, json_t *phases, const struct knobs *k)
{
	char path[128];
	json_t *setup = ph("setup", 1), *doc;

	json_object_set_new(setup, "tsc_khz", json_integer(KHZ));
	json_array_insert_new(phases, 0, setup);
	doc = json_pack("{s:s, s:s, s:{s:I}, s:[{s:i, s:o}]}", "scenario", name, "status", "complete",
			"params", "mem_bytes", (json_int_t)PAGES * 4096, "reps", "rep", 0, "phases", phases);
	json_object_set_new(doc, "attribution", json_pack(
		"{s:s, s:[], s:[{s:s, s:{s:{s:I}}}, {s:s, s:{s:{s:I}, s:{s:I}}}]}",
		"status", "complete", "missing", "phases",
		"name", "fault", "hooks", "tdh_mem_page_aug", "calls", k->aug,
		"name", "teardown", "hooks", "tdh_mem_page_remove", "calls", (json_int_t)PAGES,
		"tdh_phymem_page_reclaim", "calls", (json_int_t)9));
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	json_dump_file(doc, path, 0);
	json_decref(doc);
}

static void write_run(const struct knobs *k)
{
	write_scn("fault-4k", json_pack("[o, o]", guest("fault", k->accepted, PAGES, k->skew),
					ph("destroy", PAGES)), k);
	write_scn("prefault-4k", json_pack("[o, o, o]", stat4k(ph("prefault", PAGES), PAGES),
					   guest("accept", PAGES, 0, 1), ph("destroy", PAGES)), k);
	write_scn("zap-convert", json_pack("[o, o, o, o]", guest("fault", PAGES, PAGES, 1),
					   conv("zap", k->conv_d4k, k->exits, 0), conv("to-private", 0, 0, 4),
					   ph("destroy", 0)), k);
	write_scn("zap-punch", json_pack("[o, o, o]", guest("fault", PAGES, PAGES, 1),
					 stat4k(ph("zap", PAGES), -PAGES), ph("destroy", 0)), k);
	write_scn("teardown", json_pack("[o, o]", guest("fault", PAGES, PAGES, 1),
					ph("teardown", PAGES)), k);
	write_scn("churn", json_pack("[o, o, o, o, o, o, o]", guest("fault", PAGES, PAGES, 1),
				     conv("zap", -PAGES, 4, 0), conv("to-private", 0, 0, 4),
				     guest("fault", PAGES, PAGES, 1), conv("zap", -PAGES, 4, 0),
				     conv("to-private", 0, 0, 4), ph("destroy", 0)), k);
}

/* Run the assumptions on @k; the line called @name, and the counts. */
static void assume(const struct knobs *k, bool sim, const char *name, char *line, size_t size,
		   unsigned int nr[3])
{
	struct check_out c;
	const char *text, *p;
	size_t len;

	write_run(k);
	check_out_init(&c, NULL);
	check_tdx_assume(&c, dir, sim);
	text = check_out_text(&c, &len);
	memcpy(nr, c.nr, sizeof(c.nr));
	line[0] = '\0';
	for (p = text; name && p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = p + strcspn(p, " ");

		q += strspn(q, " ");
		if (!strncmp(q, name, strlen(name))) {
			snprintf(line, size, "%.*s", (int)strcspn(p, "\n"), p);
			break;
		}
	}
	check_out_fini(&c);
}

static const struct knobs good = { PAGES, PAGES, -PAGES, 4, 1.0 };

static void broken(struct knobs k, const char *name)
{
	char line[1024];
	unsigned int nr[3];

	assume(&k, false, name, line, sizeof(line), nr);
	tap_ok(!strncmp(line, "FAILED", 6) && nr[CHECK_FAILED] == 1, "%s: FAILED, the only one", name);
	if (strncmp(line, "FAILED", 6) || nr[CHECK_FAILED] != 1)
		printf("#   %s (%u FAILED)\n", line, nr[CHECK_FAILED]);
}

int main(void)
{
	char line[1024], *d;
	unsigned int nr[3];
	struct knobs k;

	tap_plan(13);
	snprintf(dir, sizeof(dir), "/tmp/septbench-assume-%d", (int)getpid());
	mkdir(dir, 0755);

	assume(&good, false, "one AUG per page", line, sizeof(line), nr);
	tap_is_int(nr[CHECK_OK] * 100 + nr[CHECK_FAILED] * 10 + nr[CHECK_SKIPPED], 1000,
		   "a real TD run holding everything: 10 ok, none FAILED or skipped");
	tap_ok(strstr(line, "tdh_mem_page_aug called 2048 times for 2048 pages") != NULL,
	       "the AUG line gives the kprobe's count: %s", line);
	assume(&good, false, "cycle counts", line, sizeof(line), nr);
	tap_ok(strstr(line, "worst 0.00%") != NULL, "the cycle line gives the worst deviation: %s", line);

	k = good;
	k.accepted = PAGES - 1;
	broken(k, "every page accepted exactly once");
	k = good;
	k.aug = PAGES + 1;
	broken(k, "one AUG per page in the fault phase");
	k = good;
	k.conv_d4k = -PAGES + 3;
	broken(k, "conversion removed the mappings");
	k = good;
	k.skew = 1.03;
	broken(k, "cycle counts agree with the wall clock within 2%");
	k = good;
	k.exits = 3;
	broken(k, "one MapGPA exit per 2 MiB each direction");

	assume(&good, true, "teardown reclaimed", line, sizeof(line), nr);
	tap_is_int(nr[CHECK_OK] * 100 + nr[CHECK_FAILED] * 10 + nr[CHECK_SKIPPED], 505,
		   "simulated: 5 ok, 5 skipped");
	tap_ok(!strncmp(line, "skipped  teardown reclaimed every page: SEPTBENCH_TDX_SIM=1: ", 61),
	       "a skipped line says why: %s", line);

	d = host_state_diff("a=1\nb=2\n", "a=1\nb=2\n");
	tap_ok(!d, "host state alike: no difference");
	free(d);
	d = host_state_diff("a=1\nb=N\ntracefs instance x\n", "a=1\nb=Y\n");
	tap_is_str(d, "was b=N; was tracefs instance x; now b=Y", "a knob changed and an instance gone: named");
	free(d);
	d = host_state_diff("a=1\n", "a=1\ntracefs instance septbench-7\n");
	tap_is_str(d, "now tracefs instance septbench-7", "an instance left behind: named");
	free(d);

	if (system(NULL)) {
		snprintf(line, sizeof(line), "rm -rf %s", dir);
		if (system(line))
			printf("# cannot remove %s\n", dir);
	}
	return tap_done();
}
