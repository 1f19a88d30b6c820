// SPDX-License-Identifier: GPL-2.0
/*
 * perf-style event names: kinds, configs, modifiers, tracepoints, errors;
 * libpfm4 names after perf's.
 */
#include "tap.h"
#include "trace/pevent.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(const char *name, enum pevent_kind kind, __u32 type, __u64 config)
{
	struct pevent ev;
	char err[256] = "";
	bool ok = pevent_parse(name, &ev, err, sizeof(err));

	tap_ok(ok && ev.kind == kind && ev.type == type && ev.config == config,
	       "%s: type %u config 0x%llx", name, type, (unsigned long long)config);
	if (!ok)
		printf("#   %s\n", err);
}

static void bad(const char *name, const char *want)
{
	struct pevent ev;
	char err[256] = "";
	bool ok = pevent_parse(name, &ev, err, sizeof(err));

	tap_ok(!ok && strstr(err, want), "'%s' refused: %s", name, err);
}

int main(void)
{
	char dir[] = "/tmp/septbench-pevent.XXXXXX", path[256], err[256];
	struct pevent ev, list[4];
	struct perf_event_attr attr;
	FILE *f;

	tap_plan(36);
	check("cycles", PEV_HARDWARE, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
	check("instructions", PEV_HARDWARE, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS);
	check("ref-cycles", PEV_HARDWARE, PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES);
	check("task-clock", PEV_SOFTWARE, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
	check("cs", PEV_SOFTWARE, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES);
	check("dTLB-load-misses", PEV_HARDWARE, PERF_TYPE_HW_CACHE,
	      PERF_COUNT_HW_CACHE_DTLB | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
	      (PERF_COUNT_HW_CACHE_RESULT_MISS << 16));
	check("L1-dcache-loads", PEV_HARDWARE, PERF_TYPE_HW_CACHE, PERF_COUNT_HW_CACHE_L1D);
	check("LLC-prefetches", PEV_HARDWARE, PERF_TYPE_HW_CACHE,
	      PERF_COUNT_HW_CACHE_LL | (PERF_COUNT_HW_CACHE_OP_PREFETCH << 8));
	check("r01c2", PEV_RAW, PERF_TYPE_RAW, 0x1c2);

	tap_ok(pevent_parse("cycles:G", &ev, err, sizeof(err)) && ev.exclude_host && !ev.exclude_guest,
	       "cycles:G counts guest time only (exclude_host)");
	tap_ok(pevent_parse("instructions:H", &ev, err, sizeof(err)) && ev.exclude_guest && !ev.exclude_host,
	       "instructions:H counts host time only (exclude_guest)");
	tap_ok(pevent_parse("cycles:u", &ev, err, sizeof(err)) && !ev.exclude_user && ev.exclude_kernel &&
	       ev.exclude_hv, "cycles:u excludes kernel and hypervisor");
	tap_ok(pevent_parse("kvm:kvm_exit", &ev, err, sizeof(err)) && ev.kind == PEV_TRACEPOINT &&
	       !strcmp(ev.tp_system, "kvm") && !strcmp(ev.tp_event, "kvm_exit"),
	       "kvm:kvm_exit is a tracepoint");
	tap_ok(pevent_parse("kvmmmu:kvm_mmu_set_spte", &ev, err, sizeof(err)) &&
	       ev.kind == PEV_TRACEPOINT, "kvmmmu:kvm_mmu_set_spte is a tracepoint");

	bad("no-such-event", "unknown event");
	bad("cycles:X", "unknown modifier");
	bad("cycles:GH", "both guest and host");
	bad("task-clock:u", "takes no modifiers");
	bad("kvm:kvm exit", "bad tracepoint");
	bad("a:b:c", "bad tracepoint");
	bad("", "empty");

	/* perf's names stay perf's, even where libpfm4 knows them too. */
	tap_ok(pevent_parse("cycles", &ev, err, sizeof(err)) && ev.source == PEV_SRC_PERF &&
	       !ev.pfm_fstr[0] && !strcmp(pevent_source_name(ev.source), "perf"),
	       "cycles is encoded by perf's tables, not libpfm4");

	/* libpfm4's generic perf PMU: there without a hardware PMU. */
	tap_ok(pevent_parse("perf::PERF_COUNT_SW_CPU_CLOCK", &ev, err, sizeof(err)) &&
	       ev.source == PEV_SRC_LIBPFM4 && ev.kind == PEV_SOFTWARE &&
	       ev.type == PERF_TYPE_SOFTWARE && ev.config == PERF_COUNT_SW_CPU_CLOCK &&
	       !strcmp(ev.name, "perf::PERF_COUNT_SW_CPU_CLOCK") &&
	       !strcmp(pevent_source_name(ev.source), "libpfm4"),
	       "perf::PERF_COUNT_SW_CPU_CLOCK: libpfm4, software, cpu-clock (%s)", err);
	tap_ok(!strncmp(ev.pfm_fstr, "perf::PERF_COUNT_SW_CPU_CLOCK:", 30),
	       "libpfm4's fully qualified name kept: %s", ev.pfm_fstr);
	tap_ok(pevent_parse("perf::PERF_COUNT_SW_PAGE_FAULTS:u", &ev, err, sizeof(err)) &&
	       ev.config == PERF_COUNT_SW_PAGE_FAULTS && ev.exclude_kernel && !ev.exclude_user,
	       "libpfm4 modifier :u excludes the kernel");
	tap_ok(pevent_parse("perf::PERF_COUNT_SW_CPU_CLOCK:excl=1", &ev, err, sizeof(err)) &&
	       ev.exclusive, "libpfm4 :excl=1 is kept");
	pevent_attr(&ev, &attr);
	tap_ok(attr.exclusive && attr.type == PERF_TYPE_SOFTWARE && attr.config == PERF_COUNT_SW_CPU_CLOCK,
	       "attr carries libpfm4's encoding");
	bad("NO_SUCH_EVENT.ANY", "not known to libpfm4 on this host");
	bad("garbage_xyz", "unknown event 'garbage_xyz'");
	/* A PMU this host lacks is not listed by libpfm4 here. */
	bad("no_such_pmu::INSTRUCTIONS", "not known to libpfm4 on this host");
	tap_ok(!pevent_parse("perf::NO_SUCH_EVENT", &ev, err, sizeof(err)) && !strchr(err, '\n') &&
	       strstr(err, "perf::NO_SUCH_EVENT"), "the error is one line naming the event: %s", err);

	tap_is_int(pevent_parse_list("cycles,kvm:kvm_exit,task-clock", list, 4, err, sizeof(err)), 3,
		   "a list of three");
	tap_is_int(pevent_parse_list("cycles,bogus", list, 4, err, sizeof(err)), -1,
		   "a list with an unknown name is refused");

	/* Tracepoint ids come from <tracefs>/events/<system>/<event>/id. */
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/events", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/kvm", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/kvm/kvm_exit", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/kvm/kvm_exit/id", dir);
	f = fopen(path, "w");
	fputs("1234\n", f);
	fclose(f);
	pevent_parse("kvm:kvm_exit", &ev, err, sizeof(err));
	tap_ok(!pevent_tp_resolve(&ev, dir) && ev.config == 1234, "tracepoint id read from tracefs");
	pevent_parse("kvm:kvm_nothing", &ev, err, sizeof(err));
	tap_is_int(pevent_tp_resolve(&ev, dir), -ENOENT, "a missing tracepoint is -ENOENT");

	pevent_parse("cycles:H", &ev, err, sizeof(err));
	pevent_attr(&ev, &attr);
	tap_ok(attr.disabled && attr.exclude_guest && attr.size == sizeof(attr) &&
	       attr.read_format == (PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING),
	       "attr: disabled, exclude_guest, times for scaling");
	unlink(path);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	return system(path) ? 1 : tap_done();
}
