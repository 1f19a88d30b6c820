// SPDX-License-Identifier: GPL-2.0
/*
 * septbench run: resolve and check every scenario first (bad input exits 2
 * before anything exists), then create the results folder and run them.
 */
#include "kvm/test_stall.h"
#include "run/bench_dir.h"
#include "cli/commands.h"
#include "trace/counters.h"
#include "run/engine.h"
#include "env/env.h"
#include "lib/interrupt.h"
#include "kvm/vm_types.h"
#include "lib/fileio.h"
#include "lib/results_schema.h"
#include "run/results.h"
#include "run/run_summary.h"
#include "run/schedule.h"
#include "report/report.h"
#include "trace/tracefs.h"
#include "lib/util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SCENARIOS 64
#define MAX_OVERRIDES 32
#define MAX_EVENTS 64

struct run_cmd {
	struct scenario scn[MAX_SCENARIOS];
	json_t *scn_json[MAX_SCENARIOS];
	bool supported[MAX_SCENARIOS];
	char why[MAX_SCENARIOS][256];
	const struct vm_type_desc *vmt[MAX_SCENARIOS];	/* each one's VM type */
	bool vm_sim[MAX_SCENARIOS];		/* ... a simulated TD (SEPTBENCH_TDX_SIM) */
	char vm_why[MAX_SCENARIOS][256];	/* ... that this host lacks: why */
	struct run_opts sopts[MAX_SCENARIOS];	/* the run's options with its VM type */
	unsigned int lineno[MAX_SCENARIOS];	/* the suite line of each, or 0 */
	size_t nr;
	const char *names[MAX_SCENARIOS];
	size_t nr_names;
	const char *suite;
	const char *overrides[MAX_OVERRIDES][2];	/* key, value */
	size_t nr_overrides;
	const char *cpus, *node, *out, *label, *vm_type;
	unsigned int timeout_s;
	bool quiet, no_counters, no_latency;
	const char *events;
	struct pevent extra[MAX_EVENTS];
	int nr_extra;
	struct counter_events cevents, tpevents;
	char hooks_conf[PATH_MAX];
	struct run_opts opts;
	enum run_order order;
	uint64_t seed;
	bool seed_given;
	struct engine_job jobs[MAX_SCENARIOS];
	json_t *env, *meta;
	char dir[PATH_MAX];
};

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: septbench run (--scenario NAME ... | --suite FILE) [options]\n"
		"  --scenario NAME     run bench/NAME.conf (repeatable; see septbench list)\n"
		"  --suite FILE        run every scenario a suite file lists\n"
		"  --mem SIZE          guest memory per scenario (e.g. 256M, 4G)\n"
		"  --vcpus N           vCPUs\n"
		"  --reps N            repetitions\n"
		"  --vm-type T         auto (default), default, sw-protected, tdx or sept-emu\n"
		"  --backing B         anon, thp, hugetlb2m, hugetlb1g, memfd or gmem\n"
		"  --pattern P         seq, rand, stride:N or huge\n"
		"  --access A          read, write or a write percentage (30%%)\n"
		"  --populate P        host (default) or none\n"
		"  --set KEY=VALUE     any other scenario setting\n"
		"  --cpus LIST|auto    pin the driver and vCPU threads (auto: a core each)\n"
		"  --node N            bind guest memory to NUMA node N\n"
		"  --out DIR           results parent folder (default results)\n"
		"  --label L           appended to the run id\n"
		"  --timeout S         give up on a guest phase after S seconds (default 600)\n"
		"  --events LIST       count these perf events too (perf names, system:tracepoint, rNNNN)\n"
		"  --no-counters       no perf counters or tracepoint counts\n"
		"  --attribute         add the hook attribution pass (bench/hooks.conf)\n"
		"  --no-latency        no per-op latency histograms (every guest op is timed by default)\n"
		"  --order O           interleaved (default: round r runs repetition r of every\n"
		"                      scenario, shuffled each round) or blocks (suite order)\n"
		"  --seed N            the shuffle's seed (default: from the clock; recorded)\n"
		"  --sept-delay OP=NS  sept-emu: busy-wait NS per emulated SEAMCALL OP (add, aug,\n"
		"                      block, track, remove, reclaim), for the run (repeatable)\n"
		"  --sept-busy-every N sept-emu: every Nth ADD/AUG returns -EBUSY (0: off)\n"
		"  --quiet             no progress line\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	err_msg("run: %s", msg);
	return EXIT_USAGE;
}

static int add_override(struct run_cmd *rc, const char *key, const char *value)
{
	if (rc->nr_overrides == MAX_OVERRIDES)
		return usage_error("too many settings (at most %s)", "32");
	rc->overrides[rc->nr_overrides][0] = key;
	rc->overrides[rc->nr_overrides][1] = value;
	rc->nr_overrides++;
	return 0;
}

static int parse_args(struct run_cmd *rc, int argc, char **argv)
{
	enum { O_MEM = 256, O_VCPUS, O_REPS, O_VMTYPE, O_BACKING, O_PATTERN, O_ACCESS,
	       O_POPULATE, O_SET, O_CPUS, O_NODE, O_OUT, O_LABEL, O_TIMEOUT, O_QUIET,
	       O_EVENTS, O_NO_COUNTERS, O_ATTRIBUTE, O_ORDER, O_SEED, O_SEPT_DELAY,
	       O_SEPT_BUSY, O_NO_LATENCY };
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "suite", required_argument, NULL, 'S' },
		{ "mem", required_argument, NULL, O_MEM },
		{ "vcpus", required_argument, NULL, O_VCPUS },
		{ "reps", required_argument, NULL, O_REPS },
		{ "vm-type", required_argument, NULL, O_VMTYPE },
		{ "backing", required_argument, NULL, O_BACKING },
		{ "pattern", required_argument, NULL, O_PATTERN },
		{ "access", required_argument, NULL, O_ACCESS },
		{ "populate", required_argument, NULL, O_POPULATE },
		{ "set", required_argument, NULL, O_SET },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "node", required_argument, NULL, O_NODE },
		{ "out", required_argument, NULL, O_OUT },
		{ "label", required_argument, NULL, O_LABEL },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "events", required_argument, NULL, O_EVENTS },
		{ "no-counters", no_argument, NULL, O_NO_COUNTERS },
		{ "attribute", no_argument, NULL, O_ATTRIBUTE },
		{ "no-latency", no_argument, NULL, O_NO_LATENCY },
		{ "order", required_argument, NULL, O_ORDER },
		{ "seed", required_argument, NULL, O_SEED },
		{ "sept-delay", required_argument, NULL, O_SEPT_DELAY },
		{ "sept-busy-every", required_argument, NULL, O_SEPT_BUSY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *eq, msg[256];
	uint64_t v;
	int c, r = 0;

	opterr = 0;
	while (!r && (c = getopt_long(argc, argv, "+s:S:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (rc->nr_names == MAX_SCENARIOS)
				return usage_error("too many scenarios (at most %s)", "64");
			rc->names[rc->nr_names++] = optarg;
			break;
		case 'S':
			rc->suite = optarg;
			break;
		case O_MEM: r = add_override(rc, "mem", optarg); break;
		case O_VCPUS: r = add_override(rc, "vcpus", optarg); break;
		case O_REPS: r = add_override(rc, "reps", optarg); break;
		case O_BACKING: r = add_override(rc, "backing", optarg); break;
		case O_PATTERN: r = add_override(rc, "pattern", optarg); break;
		case O_ACCESS: r = add_override(rc, "access", optarg); break;
		case O_POPULATE: r = add_override(rc, "populate", optarg); break;
		case O_VMTYPE:
			rc->vm_type = optarg;
			break;
		case O_SET:
			eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				return usage_error("--set needs KEY=VALUE, not '%s'", optarg);
			*eq = '\0';
			r = add_override(rc, optarg, eq + 1);
			break;
		case O_CPUS: rc->cpus = optarg; break;
		case O_NODE: rc->node = optarg; break;
		case O_OUT: rc->out = optarg; break;
		case O_LABEL:
			if (!label_valid(optarg))
				return usage_error("bad label '%s' (letters, digits and ._+- only)", optarg);
			rc->label = optarg;
			break;
		case O_TIMEOUT:
			if (!parse_uint(optarg, 86400, &v) || !v)
				return usage_error("bad timeout '%s' (seconds, 1 to 86400)", optarg);
			rc->timeout_s = v;
			break;
		case O_QUIET:
			rc->quiet = true;
			break;
		case O_EVENTS:
			rc->events = optarg;
			break;
		case O_NO_COUNTERS:
			rc->no_counters = true;
			break;
		case O_ATTRIBUTE:
			rc->opts.attribute = true;
			break;
		case O_NO_LATENCY:
			rc->no_latency = true;
			break;
		case O_ORDER:
			if (!schedule_parse_order(optarg, &rc->order))
				return usage_error("bad order '%s' (interleaved or blocks)", optarg);
			break;
		case O_SEED:
			/* 2^53: exact in every JSON reader. */
			if (!parse_uint(optarg, (1ull << 53) - 1, &rc->seed))
				return usage_error("bad seed '%s' (0 to 2^53-1)", optarg);
			rc->seed_given = true;
			break;
		case O_SEPT_DELAY:
			if (!sept_emu_parse_delay(&rc->opts.sept_emu, optarg, msg, sizeof(msg)))
				return usage_error("%s", msg);
			break;
		case O_SEPT_BUSY:
			if (!sept_emu_parse_busy(&rc->opts.sept_emu, optarg, msg, sizeof(msg)))
				return usage_error("%s", msg);
			break;
		case 'h':
			run_usage(stdout);
			return -1;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s' (see septbench run --help)",
					   argv[optind - 1]);
		}
	}
	if (r)
		return r;
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!rc->nr_names && !rc->suite)
		return usage_error("%s", "nothing to run: give --scenario NAME or --suite FILE");
	if (rc->nr_names && rc->suite)
		return usage_error("%s", "give --scenario or --suite, not both");
	if (rc->events && rc->no_counters)
		return usage_error("%s", "give --events or --no-counters, not both");
	if (sept_emu_opts_any(&rc->opts.sept_emu) && rc->vm_type && strcmp(rc->vm_type, "sept-emu"))
		return usage_error("--sept-delay and --sept-busy-every need --vm-type sept-emu, not %s",
				   rc->vm_type);
	return 0;
}

static const char *tracefs_mount(const struct run_cmd *rc)
{
	return json_string_value(json_object_get(json_object_get(rc->env, "tracing"), "mount")) ?: "";
}

/*
 * --events: every name must parse, and a tracepoint must exist on this
 * kernel; else bad input, before any VM exists.  Hardware events are not
 * tried here: one the PMU lacks is recorded as unsupported.
 */
static int setup_events(struct run_cmd *rc)
{
	char err[256];
	json_t *names, *tps;
	int i;

	if (rc->no_counters) {
		json_object_set_new(rc->meta, "counters", json_pack("{s:b}", "enabled", 0));
		return 0;
	}
	if (rc->events) {
		rc->nr_extra = pevent_parse_list(rc->events, rc->extra, MAX_EVENTS, err, sizeof(err));
		if (rc->nr_extra < 0)
			return usage_error("--events: %s", err);
		for (i = 0; i < rc->nr_extra; i++) {
			if (rc->extra[i].kind == PEV_TRACEPOINT &&
			    pevent_tp_resolve(&rc->extra[i], tracefs_mount(rc)))
				return usage_error("--events: no tracepoint '%s' on this kernel", rc->extra[i].name);
		}
	}
	if (counter_events_init(&rc->cevents, true, false, rc->extra, rc->nr_extra, tracefs_mount(rc)) ||
	    counter_events_init(&rc->tpevents, true, true, rc->extra, rc->nr_extra, tracefs_mount(rc))) {
		err_msg("run: out of memory");
		return EXIT_FAIL;
	}
	rc->opts.events = &rc->cevents;
	rc->opts.tp_events = &rc->tpevents;
	names = json_array();
	for (i = 0; i < rc->cevents.nr; i++)
		json_array_append_new(names, json_string(rc->cevents.ev[i].name));
	tps = json_array();
	for (i = 0; i < rc->tpevents.nr; i++)
		json_array_append_new(tps, json_string(rc->tpevents.ev[i].name));
	json_object_set_new(rc->meta, "counters", json_pack("{s:b, s:o, s:o}", "enabled", 1, "events",
							    names, "tracepoints", tps));
	return 0;
}

static void report_stale(pid_t pid, int err)
{
	if (err)
		err_msg("run: cannot remove the tracing state left by septbench pid %d: %s", (int)pid,
			strerror(-err));
	else
		err_msg("run: removed the tracing state left by septbench pid %d (no longer running)",
			(int)pid);
}

/* Tracing: stale state of killed runs goes first; where hooks.conf is. */
static void setup_tracing(struct run_cmd *rc)
{
	const char *mount = tracefs_mount(rc);
	char path[PATH_MAX];

	rc->opts.tracefs = mount;
	snprintf(rc->hooks_conf, sizeof(rc->hooks_conf), "%s/hooks.conf", bench_dir());
	rc->opts.hooks_conf = rc->hooks_conf;
	rc->opts.hook_variant = json_string_value(json_object_get(json_object_get(rc->env, "hooks"),
								  "variant")) ?: "unknown";
	snprintf(path, sizeof(path), "%s/instances", mount);
	if (*mount && !access(path, W_OK))
		tfs_remove_stale(mount, report_stale);
}

/*
 * Each scenario once a run: its results are <name>.json, so a second one
 * of the same name would overwrite the first (and compare rejects the
 * run).  The name is the resolved one: a suite line may rename with
 * name=.  "meta" would be meta.json.
 */
static int check_unique(struct run_cmd *rc, const struct scenario *s, const struct suite_entry *e)
{
	char msg[PATH_MAX + 256];
	size_t i;

	if (!strcmp(s->name, "meta")) {
		if (e)
			snprintf(msg, sizeof(msg), "%s:%u: a scenario cannot be named meta (meta.json is the run's)",
				 rc->suite, e->lineno);
		else
			snprintf(msg, sizeof(msg), "a scenario cannot be named meta (meta.json is the run's)");
		err_msg("run: %s", msg);
		return EXIT_USAGE;
	}
	for (i = 0; i < rc->nr; i++) {
		if (strcmp(rc->scn[i].name, s->name))
			continue;
		if (e)
			snprintf(msg, sizeof(msg), "%s:%u: %s is already on line %u: a scenario runs once a run (rename one with name=NEW)",
				 rc->suite, e->lineno, s->name, rc->lineno[i]);
		else
			snprintf(msg, sizeof(msg), "--scenario %s given twice: a scenario runs once a run",
				 s->name);
		err_msg("run: %s", msg);
		return EXIT_USAGE;
	}
	return 0;
}

/* Resolve one scenario: its file, the suite's overrides, then ours. */
static int resolve(struct run_cmd *rc, const char *name, const struct suite_entry *e)
{
	struct scenario *s = &rc->scn[rc->nr];
	char err[512], key[96], *eq;
	size_t i;

	if (rc->nr == MAX_SCENARIOS)
		return usage_error("too many scenarios (at most %s)", "64");
	if (!scenario_by_name(s, name, err, sizeof(err)))
		return usage_error("%s", err);
	for (i = 0; e && i < e->nr_overrides; i++) {
		snprintf(key, sizeof(key), "%s", e->overrides[i]);
		eq = strchr(key, '=');
		*eq = '\0';
		if (!scenario_set(s, key, eq + 1, err, sizeof(err)))
			return usage_error("%s", err);
	}
	for (i = 0; i < rc->nr_overrides; i++)
		if (!scenario_set(s, rc->overrides[i][0], rc->overrides[i][1], err, sizeof(err)))
			return usage_error("%s", err);
	if (rc->vm_type && !scenario_set(s, "vm-type", rc->vm_type, err, sizeof(err)))
		return usage_error("%s", err);
	if (!scenario_validate(s, err, sizeof(err)))
		return usage_error("%s", err);
	if (check_unique(rc, s, e))
		return EXIT_USAGE;
	rc->lineno[rc->nr] = e ? e->lineno : 0;
	rc->nr++;
	return 0;
}

static int resolve_all(struct run_cmd *rc)
{
	struct suite_entry *entries = NULL;
	char err[512];
	size_t i, n = 0;
	int r = 0;

	if (!rc->suite) {
		for (i = 0; !r && i < rc->nr_names; i++)
			r = resolve(rc, rc->names[i], NULL);
		return r;
	}
	if (!suite_load(rc->suite, &entries, &n, err, sizeof(err)))
		return usage_error("%s", err);
	for (i = 0; !r && i < n; i++)
		r = resolve(rc, entries[i].name, &entries[i]);
	free(entries);
	return r;
}

/* Guest memory beyond what the host has available is bad input. */
static int check_host_memory(struct run_cmd *rc)
{
	json_t *avail = json_object_get(json_object_get(rc->env, "memory"), "available_bytes");
	size_t i;

	if (!json_is_integer(avail) || json_integer_value(avail) <= 0)
		return 0;
	for (i = 0; i < rc->nr; i++) {
		if (backing_page_size(rc->scn[i].backing) > 4096)
			continue;	/* hugetlb pools are checked as support */
		if (rc->scn[i].mem_bytes > (uint64_t)json_integer_value(avail)) {
			err_msg("run: %s needs %llu MiB of guest memory, the host has %llu MiB available",
				rc->scn[i].name, (unsigned long long)(rc->scn[i].mem_bytes >> 20),
				(unsigned long long)(json_integer_value(avail) >> 20));
			return EXIT_USAGE;
		}
	}
	return 0;
}

/*
 * One VM type asked for: auto is tdx where the host can create a TD, else
 * default, and @note says why.  A type the host lacks: EXIT_UNSUPPORTED
 * with the reason in @why.
 */
static int resolve_choice(struct run_cmd *rc, enum vm_type_choice want, const char **name,
			  bool *simulated, char *note, size_t note_size, char *why, size_t why_size)
{
	const json_t *types = json_object_get(json_object_get(rc->env, "kvm"), "vm_types");
	const char *reason;

	*simulated = false;
	if (want == VMT_AUTO) {
		if (check_ok(json_object_get(types, "tdx"))) {
			*name = "tdx";
			snprintf(note, note_size, "auto: this host can create TDs");
		} else {
			*name = "default";
			reason = json_string_value(json_object_get(json_object_get(types, "tdx"), "reason"));
			snprintf(note, note_size, "auto: no TDX here (%s)", reason ? reason : "?");
		}
		return 0;
	}
	*name = vm_type_choice_name(want);
	if (want == VMT_TDX && tdx_simulation()) {
		/* Never silently: the figures of a simulated TD say nothing about TDX. */
		*simulated = true;
		snprintf(note, note_size, "SEPTBENCH_TDX_SIM=1: simulated TD, not TDX");
		fprintf(stderr, "septbench: SEPTBENCH_TDX_SIM=1: --vm-type tdx runs the TD payload's shim build in a default VM started in the TD's entry state; no TDX, no S-EPT: the figures test the tool only\n");
		return 0;
	}
	if (!check_ok(json_object_get(types, *name))) {
		reason = json_string_value(json_object_get(json_object_get(types, *name), "reason"));
		/* For a TD, the first readiness step that fails says what to do. */
		if (want == VMT_TDX)
			reason = json_string_value(json_object_get(json_object_get(
				json_object_get(rc->env, "tdx"), "first_missing"), "reason")) ?: reason;
		snprintf(why, why_size, "VM type %s is not available: %s", *name,
			 reason ? reason : "unknown");
		snprintf(note, note_size, "asked for, not available here");
		return EXIT_UNSUPPORTED;
	}
	snprintf(note, note_size, "asked for");
	return 0;
}

/*
 * Each scenario's VM type (a suite line may name one).  A type the host
 * lacks is unsupported: exit 4, or in a suite (bench/private.suite on a
 * kernel without sw-protected) its scenarios recorded unsupported with
 * the reason while the others run, as a suite does with any scenario the
 * host cannot run.  meta.json's vm_type is the run's one type, or
 * "mixed" (each scenario's params say its own).
 */
static int resolve_vm_type(struct run_cmd *rc)
{
	const json_t *kvm = json_object_get(rc->env, "kvm");
	enum vm_type_choice want = rc->scn[0].vm_type;
	char note[256] = "", first_note[256] = "";
	const char *name, *reason;
	bool mixed = false, any_sim = false;
	size_t i, j;
	int r;

	if (!check_ok(json_object_get(kvm, "usable"))) {
		/* Asked for a TD: the readiness steps say what to do first. */
		reason = json_string_value(json_object_get(json_object_get(
			json_object_get(rc->env, "tdx"), "first_missing"), "reason"));
		if (want == VMT_TDX && !tdx_simulation() && reason) {
			err_msg("run: VM type tdx is not available: %s", reason);
			return EXIT_UNSUPPORTED;
		}
		err_msg("run: KVM is not usable here: %s (see septbench env)",
			json_string_value(json_object_get(json_object_get(kvm, "usable"), "reason")));
		return EXIT_UNSUPPORTED;
	}
	for (i = 0; i < rc->nr; i++) {
		for (j = 0; j < i && rc->scn[j].vm_type != rc->scn[i].vm_type; j++)
			;
		if (j < i) {	/* the same choice as an earlier scenario's */
			rc->vmt[i] = rc->vmt[j];
			rc->vm_sim[i] = rc->vm_sim[j];
			memcpy(rc->vm_why[i], rc->vm_why[j], sizeof(rc->vm_why[i]));
		} else {
			rc->vm_why[i][0] = '\0';
			r = resolve_choice(rc, rc->scn[i].vm_type, &name, &rc->vm_sim[i], note,
					   sizeof(note), rc->vm_why[i], sizeof(rc->vm_why[i]));
			if (r && !rc->suite) {
				err_msg("run: %s", rc->vm_why[i]);
				return r;
			}
			rc->vmt[i] = vm_type_by_name(name);
			if (!i)
				memcpy(first_note, note, sizeof(note));
		}
		mixed |= rc->vmt[i] != rc->vmt[0];
		any_sim |= rc->vm_sim[i];
	}
	json_object_set_new(rc->meta, "vm_type", json_string(mixed ? "mixed" : rc->vmt[0]->name));
	json_object_set_new(rc->meta, "vm_type_reason", json_string(mixed ?
			    "the suite's scenarios name different VM types: each one's params.vm_type" :
			    first_note));
	if (any_sim)
		json_object_set_new(rc->meta, "tdx_simulated", json_true());
	/* Only where it runs: a suite on a kernel without it records no emulation. */
	for (i = 0; i < rc->nr; i++)
		if (rc->vmt[i]->type == KVM_X86_SEPT_EMU_VM && !rc->vm_why[i][0])
			break;
	if (i < rc->nr)
		json_object_set_new(rc->meta, "sept_emu", sept_emu_meta(&rc->opts.sept_emu));
	else if (sept_emu_opts_any(&rc->opts.sept_emu))
		return usage_error("--sept-delay and --sept-busy-every need --vm-type sept-emu, not %s",
				   rc->vmt[0]->name);
	return 0;
}

/* Scenario @i's options: the run's, with its VM type. */
static void scenario_opts(struct run_cmd *rc, size_t i)
{
	rc->sopts[i] = rc->opts;
	rc->sopts[i].vm_type = rc->vmt[i]->type;
	rc->sopts[i].vm_type_name = rc->vmt[i]->name;
	rc->sopts[i].tdx_simulated = rc->vm_sim[i];
}

/*
 * --out must be a folder or not exist yet: a regular file there (or a
 * path through one) is bad input, said before anything runs.
 */
static int check_out(const struct run_cmd *rc)
{
	struct stat st;

	if (!stat(rc->out, &st)) {
		if (S_ISDIR(st.st_mode))
			return 0;
		err_msg("run: --out %s exists and is not a folder", rc->out);
		return EXIT_USAGE;
	}
	if (errno == ENOENT)
		return 0;
	err_msg("run: --out %s: %s", rc->out, strerror(errno));
	return EXIT_USAGE;
}

/*
 * The suite measures the TDP MMU.  On shadow paging (kvm.tdp_mmu=N, or
 * EPT/NPT off; septbench env's kvm.tdp_mmu check) the scenarios still run
 * but measure another MMU: say so loudly, and record "tdp_mmu" in
 * meta.json (absent when kvm has no such parameter to tell).
 */
static void note_paging(struct run_cmd *rc)
{
	const json_t *kvm = json_object_get(rc->env, "kvm");
	const json_t *check = json_object_get(kvm, "tdp_mmu");
	const char *v = json_string_value(json_object_get(json_object_get(
		json_object_get(kvm, "params"), "kvm"), "tdp_mmu"));
	char why[160];
	bool on;

	if (!v)
		return;
	on = (v[0] == 'Y' || v[0] == '1') && check_ok(check);
	json_object_set_new(rc->meta, "tdp_mmu", json_boolean(on));
	if (on)
		return;
	if (v[0] == 'Y' || v[0] == '1')
		snprintf(why, sizeof(why), "%s",
			 json_string_value(json_object_get(check, "reason")) ?: "the TDP MMU is off");
	else
		snprintf(why, sizeof(why), "kvm.tdp_mmu=%s", v);
	fprintf(stderr, "septbench: WARNING: KVM here uses shadow paging (%s): these figures do not measure the TDP MMU\n",
		why);
}

/* What the kernel identity probe skipped (a bad kbuild record) is said, not only recorded. */
static void note_env_warnings(const struct run_cmd *rc)
{
	const json_t *list = json_object_get(json_object_get(rc->env, "kernel"), "warnings");
	json_t *w;
	size_t i;

	json_array_foreach(list, i, w)
		fprintf(stderr, "septbench: WARNING: %s\n", json_string_value(w));
}

static int make_run_dir(struct run_cmd *rc)
{
	const char *release = json_string_value(json_object_get(json_object_get(rc->env, "host"),
								 "kernel_release"));
	/* Two builds of one release: the build id keeps their runs apart. */
	const char *build_id = json_string_value(json_object_get(json_object_get(rc->env, "kernel"),
								  "build_id"));
	char id[256];
	int i;

	if (mkdir(rc->out, 0755) && errno != EEXIST) {
		err_msg("run: cannot create %s: %s", rc->out, strerror(errno));
		return EXIT_FAIL;
	}
	if (!run_id_make(id, sizeof(id), release ? release : "unknown", build_id, rc->label)) {
		err_msg("run: cannot make a run id");
		return EXIT_FAIL;
	}
	/* Two runs in one second get -2, -3 ... rather than sharing a folder. */
	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(rc->dir, sizeof(rc->dir), "%s/%s", rc->out, id);
		else
			snprintf(rc->dir, sizeof(rc->dir), "%s/%s-%d", rc->out, id, i);
		if (!mkdir(rc->dir, 0755)) {
			json_object_set_new(rc->meta, "run_id", json_string(strrchr(rc->dir, '/') + 1));
			/* compare names runs by it; the run id alone is ambiguous to parse */
			if (rc->label)
				json_object_set_new(rc->meta, "label", json_string(rc->label));
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	err_msg("run: cannot create a folder for %s in %s: %s", id, rc->out, strerror(errno));
	return EXIT_FAIL;
}

static int write_meta(struct run_cmd *rc, const char *status)
{
	char path[PATH_MAX + 16], now[32];
	int r;

	json_object_set_new(rc->meta, "status", json_string(status));
	if (strcmp(status, "running")) {
		struct rusage ru;

		utc_now(now, sizeof(now));
		json_object_set_new(rc->meta, "finished", json_string(now));
		/* The driver's peak footprint, guest memory included. */
		if (!getrusage(RUSAGE_SELF, &ru))
			json_object_set_new(rc->meta, "driver_max_rss_bytes",
					    json_integer((json_int_t)ru.ru_maxrss * 1024));
	}
	snprintf(path, sizeof(path), "%s/meta.json", rc->dir);
	r = json_write_atomic(path, rc->meta);
	if (r)
		err_msg("run: cannot write %s: %s", path, strerror(-r));
	return r;
}

static json_t *scenario_params(const struct scenario *s, const struct run_opts *o)
{
	json_t *p = json_pack("{s:I, s:i, s:s, s:I, s:s, s:i, s:i, s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:b}",
			 "mem_bytes", (json_int_t)s->mem_bytes, "vcpus", s->vcpus,
			 "backing", backing_name(s->backing),
			 "page_size", (json_int_t)backing_page_size(s->backing),
			 "pattern", pattern_name(s->pattern), "stride", s->stride,
			 "write_pct", s->write_pct,
			 "range", s->shared_range ? "shared" : "partitioned",
			 "populate", s->populate == POPULATE_HOST ? "host" : "none",
			 "split", split_name(s->split), "zap", zap_name(s->zap),
			 "cycles", s->cycles, "seed", (json_int_t)s->seed,
			 "vm_type", o->vm_type_name ? o->vm_type_name : "?",
			 "attribute", s->attribute || o->attribute);
	if (s->reference[0])
		json_object_set_new(p, "reference", json_string(s->reference));
	json_object_set_new(p, "convert_free", json_boolean(s->convert_free));
	json_object_set_new(p, "latency", json_boolean(s->latency));
	json_object_set_new(p, "mapping_size", json_integer((json_int_t)(s->mapping_size ?:
						 backing_page_size(s->backing))));
	return p;
}

static int write_scenario(struct run_cmd *rc, size_t i)
{
	char path[PATH_MAX + 80];
	int r;

	snprintf(path, sizeof(path), "%s/%s.json", rc->dir, rc->scn[i].name);
	r = json_write_atomic(path, rc->scn_json[i]);
	if (r)
		err_msg("run: cannot write %s: %s", path, strerror(-r));
	return r;
}

static void set_status(json_t *sj, const char *status, const char *reason)
{
	json_object_set_new(sj, "status", json_string(status));
	if (reason && *reason)
		json_object_set_new(sj, "reason", json_string(reason));
}

static void set_job_status(struct run_cmd *rc, size_t i, enum engine_status st)
{
	json_t *sj = rc->scn_json[i];
	const char *why = rc->jobs[i].why;

	switch (st) {
	case ENGINE_OK:
		set_status(sj, "complete", NULL);
		break;
	case ENGINE_UNSUPPORTED:
		set_status(sj, "unsupported", why);
		fprintf(stderr, "septbench: %s: unsupported: %s\n", rc->scn[i].name, why);
		break;
	case ENGINE_INTERRUPTED:
		set_status(sj, "incomplete", "interrupted");
		break;
	case ENGINE_ERROR:
		set_status(sj, "error", why);
		err_msg("%s: %s", rc->scn[i].name, why);
		break;
	}
}

/*
 * The throughput repetitions in the planned order, every scenario's file
 * rewritten after each of its repetitions (status "running"), then each
 * scenario's extra passes and its final status.
 */
static int run_all(struct run_cmd *rc, const struct sched_step *steps, size_t nr_steps)
{
	int exit_status = EXIT_OK;
	size_t i, k;

	for (i = 0; i < rc->nr; i++) {
		if (!rc->supported[i]) {
			if (!rc->quiet)
				fprintf(stderr, "septbench: %s: unsupported: %s\n", rc->scn[i].name, rc->why[i]);
			write_scenario(rc, i);
			continue;
		}
		engine_begin(&rc->jobs[i], &rc->scn[i], rc->scn_json[i]);
		if (!rc->quiet)
			fprintf(stderr, "septbench: %s: %u reps, %llu MiB, %u vCPU(s), %s\n",
				rc->scn[i].name, rc->scn[i].reps,
				(unsigned long long)(rc->scn[i].mem_bytes >> 20), rc->scn[i].vcpus,
				backing_name(rc->scn[i].backing));
	}
	for (k = 0; k < nr_steps && !interrupted(); k++) {
		const struct sched_step *st = &steps[k];
		struct engine_job *j = &rc->jobs[st->scenario];

		if (j->st != ENGINE_OK)
			continue;
		if (rc->opts.progress)
			fprintf(stderr, "\r  %zu/%zu: %s rep %u/%u ", k + 1, nr_steps,
				rc->scn[st->scenario].name, st->rep + 1, rc->scn[st->scenario].reps);
		if (engine_rep(j, &rc->sopts[st->scenario], st->rep) == ENGINE_OK && write_scenario(rc, st->scenario))
			return EXIT_FAIL;
		if (j->st == ENGINE_ERROR || j->st == ENGINE_UNSUPPORTED)
			set_job_status(rc, st->scenario, j->st);
	}
	if (rc->opts.progress)
		fprintf(stderr, "\r%*s\r", 60, "");
	for (i = 0; i < rc->nr; i++) {
		bool said = rc->jobs[i].st == ENGINE_ERROR || rc->jobs[i].st == ENGINE_UNSUPPORTED;
		enum engine_status st;

		if (!rc->supported[i])
			continue;
		st = engine_finish(&rc->jobs[i], &rc->sopts[i]);
		if (interrupted() && st == ENGINE_OK)
			st = ENGINE_INTERRUPTED;
		/* A repetition's failure was said when it happened: once is enough. */
		if (!said)
			set_job_status(rc, i, st);
		if (st == ENGINE_ERROR)
			exit_status = EXIT_FAIL;
		if (write_scenario(rc, i))
			return EXIT_FAIL;
	}
	if (interrupted())
		return interrupt_exit_status();
	return exit_status;
}

static uint64_t seed_from_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^
		((uint64_t)getpid() << 20)) & ((1ull << 53) - 1);
}

/* The order of every repetition, planned before the first one runs. */
static struct sched_step *plan_run(struct run_cmd *rc, size_t *nr_steps)
{
	unsigned int reps[MAX_SCENARIOS];
	const char *names[MAX_SCENARIOS];
	struct sched_step *steps;
	size_t i;

	if (!rc->seed_given)
		rc->seed = seed_from_clock();
	for (i = 0; i < rc->nr; i++) {
		reps[i] = rc->scn[i].reps;
		names[i] = rc->scn[i].name;
	}
	steps = schedule_plan(reps, rc->supported, rc->nr, rc->order, rc->seed, nr_steps);
	if (steps)
		json_object_set_new(rc->meta, "order",
				    schedule_json(steps, *nr_steps, rc->order, rc->seed, names));
	return steps;
}

/*
 * The results index: of the results folder the run is in (an A/B
 * folder's runs go to its parent's), else of --out itself, unless that
 * is an A/B folder's runs/ (scripts/ab --results elsewhere).
 */
static void index_update(const struct run_cmd *rc)
{
	char err[PATH_MAX + 128], plan[PATH_MAX + 16];

	if (html_index_update(rc->dir))
		return;
	snprintf(plan, sizeof(plan), "%s/../plan.json", rc->out);
	if (!access(plan, F_OK))
		return;
	if (html_index_write(rc->out, err, sizeof(err)))
		err_msg("run: index: %s", err);
}

int cmd_run(int argc, char **argv)
{
	struct run_cmd *rc;
	char err[512], now[32];
	struct sched_step *steps = NULL;
	size_t i, nr_ok = 0, nr_steps = 0;
	json_t *names, *args;
	int r, a;

	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return EXIT_FAIL;
	rc->out = "results";
	rc->timeout_s = 600;
	r = parse_args(rc, argc, argv);
	if (r)
		goto out_free;
	r = resolve_all(rc);
	if (!r)
		r = check_out(rc);
	if (r)
		goto out_free;
	placement_init(&rc->opts.place, rc->scn[0].vcpus);
	for (i = 1; i < rc->nr; i++)
		if (rc->scn[i].vcpus > rc->opts.place.nr_vcpus)
			rc->opts.place.nr_vcpus = rc->scn[i].vcpus;
	if (rc->cpus && !placement_parse_cpus(&rc->opts.place, rc->cpus, rc->opts.place.nr_vcpus,
					       err, sizeof(err))) {
		r = usage_error("%s", err);
		goto out_free;
	}
	if (rc->node && !placement_parse_node(&rc->opts.place, rc->node, err, sizeof(err))) {
		r = usage_error("%s", err);
		goto out_free;
	}
	rc->opts.progress = !rc->quiet && isatty(STDERR_FILENO);
	rc->opts.timeout_ms = rc->timeout_s * 1000;
	rc->opts.latency = !rc->no_latency;

	rc->env = env_collect();
	rc->meta = json_object();
	json_object_set_new(rc->meta, "latency", json_pack("{s:b}", "enabled", rc->opts.latency));
	/* A test-only slow subset of faults: such a run is no measurement. */
	if (test_stall_spec())
		json_object_set_new(rc->meta, "test_stall", json_string(test_stall_spec()));
	r = check_host_memory(rc);
	if (!r)
		r = setup_events(rc);
	if (!r)
		r = resolve_vm_type(rc);
	if (r)
		goto out_json;
	setup_tracing(rc);

	/* What the host cannot run is known before a folder exists. */
	for (i = 0; i < rc->nr; i++) {
		rc->why[i][0] = '\0';
		scenario_opts(rc, i);
		if (rc->vm_why[i][0]) {
			memcpy(rc->why[i], rc->vm_why[i], sizeof(rc->why[i]));
			rc->supported[i] = false;
			continue;
		}
		rc->supported[i] = engine_check(&rc->scn[i], &rc->sopts[i], rc->env, rc->why[i],
						sizeof(rc->why[i])) == ENGINE_OK;
		nr_ok += rc->supported[i];
	}
	if (!rc->suite && !nr_ok) {
		for (i = 0; i < rc->nr; i++)
			err_msg("run: %s is unsupported here: %s", rc->scn[i].name, rc->why[i]);
		r = EXIT_UNSUPPORTED;
		goto out_json;
	}

	note_paging(rc);
	note_env_warnings(rc);
	interrupt_install();
	r = make_run_dir(rc);
	if (r)
		goto out_json;
	utc_now(now, sizeof(now));
	names = json_array();
	args = json_array();
	for (a = 0; a < argc; a++)
		json_array_append_new(args, json_string(argv[a]));
	for (i = 0; i < rc->nr; i++) {
		json_array_append_new(names, json_string(rc->scn[i].name));
		rc->scn_json[i] = json_pack("{s:s, s:s, s:s, s:o, s:s, s:[]}",
					    "schema", RESULTS_SCHEMA, "scenario", rc->scn[i].name,
					    "kind", kind_name(rc->scn[i].kind),
					    "params", scenario_params(&rc->scn[i], &rc->sopts[i]),
					    "status", "running", "reps");
		if (rc->vm_sim[i])
			json_object_set_new(rc->scn_json[i], "tdx_simulated", json_true());
		if (!rc->supported[i])
			set_status(rc->scn_json[i], "unsupported", rc->why[i]);
	}
	json_object_set_new(rc->meta, "schema", json_string(RESULTS_SCHEMA));
	json_object_set_new(rc->meta, "started", json_string(now));
	/* scripts/vmtest says so inside its guest: figures test the tool, not KVM. */
	json_object_set_new(rc->meta, "emulated", json_boolean(getenv("SEPTBENCH_VMTEST_ACCEL") != NULL));
	if (getenv("SEPTBENCH_VMTEST_ACCEL"))
		json_object_set_new(rc->meta, "emulation",
				    json_string(getenv("SEPTBENCH_VMTEST_ACCEL")));
	json_object_set_new(rc->meta, "septbench",
			    json_pack("{s:s, s:o}", "version", SEPTBENCH_VERSION, "argv", args));
	json_object_set_new(rc->meta, "placement", placement_json(&rc->opts.place));
	json_object_set_new(rc->meta, "scenarios", names);
	json_object_set(rc->meta, "env", rc->env);
	steps = plan_run(rc, &nr_steps);
	if (!steps) {
		err_msg("run: out of memory");
		r = EXIT_FAIL;
		goto out_json;
	}
	if (write_meta(rc, "running")) {
		r = EXIT_FAIL;
		goto out_json;
	}

	if (!rc->quiet)
		fprintf(stderr, "septbench: VM type %s (%s)\n",
			json_string_value(json_object_get(rc->meta, "vm_type")),
			json_string_value(json_object_get(rc->meta, "vm_type_reason")));
	placement_pin_self(rc->opts.place.driver_cpu);
	r = run_all(rc, steps, nr_steps);
	run_summary_references(rc->meta, (const json_t *const *)rc->scn_json, rc->nr);
	write_meta(rc, r == EXIT_OK ? "complete" : "incomplete");
	run_summary_write(rc->dir, (const json_t *const *)rc->scn_json, rc->nr, stdout);
	run_summary_print_references(rc->meta, stdout);
	printf("results: %s%s\n", rc->dir, r == EXIT_OK ? "" : " (incomplete)");
	index_update(rc);

out_json:
	free(steps);
	for (i = 0; i < rc->nr; i++)
		json_decref(rc->scn_json[i]);
	json_decref(rc->meta);
	json_decref(rc->env);
	counter_events_free(&rc->cevents);
	counter_events_free(&rc->tpevents);
out_free:
	free(rc);
	return r < 0 ? EXIT_OK : r;
}
