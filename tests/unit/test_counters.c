// SPDX-License-Identifier: GPL-2.0
/*
 * perf counter groups on the test's own thread, with software events
 * (they form groups without a hardware PMU): one read() per group gives
 * consistent values and times; an event that cannot be opened, or cannot
 * join its group, costs the others nothing; a libpfm4 name counts.
 */
#include "tap.h"
#include "trace/counters.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TOUCH_PAGES 64

static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* About 40 ms of CPU on this thread, and TOUCH_PAGES fresh page faults. */
static uint64_t work(void)
{
	uint64_t t0 = thread_ns(), t;
	volatile uint64_t x = 0;
	char *p;
	int i;

	p = mmap(NULL, TOUCH_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		exit(1);
	}
	for (i = 0; i < TOUCH_PAGES; i++)
		p[i * 4096] = 1;
	munmap(p, TOUCH_PAGES * 4096);
	do {
		for (i = 0; i < 100000; i++)
			x += i;
		t = thread_ns();
	} while (t - t0 < 40000000);
	return t - t0;
}

/*
 * Count @list (perf or libpfm4 names, plus @extra when given) over work()
 * on this thread; returns the phase object, and the thread CPU time.
 */
static json_t *count(const char *list, const struct pevent *extra, uint64_t *cpu_ns)
{
	struct pevent evs[16];
	struct counter_events ce;
	struct counters *c;
	const char *labels[] = { "driver" };
	pid_t tid = syscall(SYS_gettid);
	char err[256];
	json_t *phase = json_object();
	int n;

	n = pevent_parse_list(list, evs, 15, err, sizeof(err));
	if (n < 0) {
		printf("Bail out! %s: %s\n", list, err);
		exit(1);
	}
	if (extra)
		evs[n++] = *extra;
	if (counter_events_init(&ce, false, false, evs, n, NULL)) {
		printf("Bail out! counter_events_init\n");
		exit(1);
	}
	c = counters_open(&ce, &tid, labels, 1);
	counters_enable(c);
	*cpu_ns = work();
	counters_disable(c);
	counters_finish(c, phase);
	counter_events_free(&ce);
	return phase;
}

static json_t *ev(json_t *phase, const char *name)
{
	return json_object_get(json_object_get(phase, "counters"), name);
}

static long long val(json_t *phase, const char *name)
{
	json_t *v = json_object_get(ev(phase, name), "value");

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static long long thr(json_t *phase, const char *name)
{
	json_t *v = json_object_get(json_object_get(ev(phase, name), "threads"), "driver");

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static bool is_true(json_t *phase, const char *name, const char *field)
{
	return json_is_true(json_object_get(ev(phase, name), field));
}

static const char *str(json_t *phase, const char *name, const char *field)
{
	return json_string_value(json_object_get(ev(phase, name), field));
}

/* The driver's group named @group, if any. */
static json_t *group(json_t *phase, const char *name, int nth)
{
	json_t *arr = json_object_get(json_object_get(phase, "counter_groups"), "driver"), *g;
	size_t i;

	json_array_foreach(arr, i, g)
		if (!strcmp(json_string_value(json_object_get(g, "group")), name) && !nth--)
			return g;
	return NULL;
}

static long long gint(json_t *g, const char *field)
{
	json_t *v = json_object_get(g, field);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* Group @g holds exactly the comma-separated @names, in order. */
static bool members(json_t *g, const char *names)
{
	json_t *arr = json_object_get(g, "events"), *e;
	char buf[256], *tok, *save = NULL;
	size_t i = 0;

	snprintf(buf, sizeof(buf), "%s", names);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		e = json_array_get(arr, i++);
		if (!e || strcmp(json_string_value(e), tok))
			return false;
	}
	return i == json_array_size(arr);
}

static void dump(json_t *phase)
{
	char *s = json_dumps(phase, JSON_COMPACT);

	printf("#   %s\n", s ? s : "?");
	free(s);
}

int main(void)
{
	struct pevent bogus;
	uint64_t cpu;
	json_t *ph, *g;
	long long task, clk, en, run;
	bool ok;

	tap_plan(24);

	/* 1. One software group: one read() gives all four values. */
	ph = count("task-clock,cpu-clock,page-faults,context-switches", NULL, &cpu);
	task = val(ph, "task-clock");
	clk = val(ph, "cpu-clock");
	g = group(ph, "software", 0);
	en = gint(g, "time_enabled");
	run = gint(g, "time_running");
	ok = tap_ok(g && members(g, "task-clock,cpu-clock,page-faults,context-switches"),
		    "the four software events are one group on the thread");
	ok &= tap_ok(is_true(ph, "task-clock", "grouped") && is_true(ph, "page-faults", "grouped") &&
		     !strcmp(str(ph, "task-clock", "source") ?: "", "perf"),
		     "each says grouped, encoded by perf");
	ok &= tap_ok(task >= (long long)cpu / 2 && task <= (long long)cpu + 5000000,
		     "task-clock %lld ns covers the %llu ns of thread CPU time", task,
		     (unsigned long long)cpu);
	ok &= tap_ok(clk > 0 && task > 0 && (double)clk / task > 0.9 && (double)clk / task < 1.1,
		     "cpu-clock %lld and task-clock %lld agree within 10%% (same group)", clk, task);
	ok &= tap_ok(val(ph, "page-faults") >= TOUCH_PAGES, "page-faults %lld >= %d pages touched",
		     val(ph, "page-faults"), TOUCH_PAGES);
	ok &= tap_ok(thr(ph, "task-clock") == task, "per-thread value kept (threads.driver)");
	ok &= tap_ok(run > 0 && en >= run, "time_enabled %lld >= time_running %lld > 0", en, run);
	ok &= tap_ok(json_is_boolean(json_object_get(g, "multiplexed")) &&
		     json_is_true(json_object_get(g, "multiplexed")) == (run < en),
		     "multiplexed recorded as time_running < time_enabled");
	/* A task's events run while it does: enabled time is its CPU time. */
	ok &= tap_ok(task <= en + 1000000 && task >= en / 2,
		     "task-clock %lld within the group's enabled time %lld", task, en);
	ok &= tap_ok(!ev(ph, "task-clock") || !json_object_get(ev(ph, "task-clock"), "running_fraction") ||
		     run < en, "no running_fraction unless multiplexed");
	if (!ok)
		dump(ph);
	json_decref(ph);

	/*
	 * 2. Fallback: a member the kernel refuses (software config 0x7fff:
	 * ENOENT), hardware events (none here: ENOENT/EOPNOTSUPP; on a
	 * PMU they form a group of their own).
	 */
	memset(&bogus, 0, sizeof(bogus));
	snprintf(bogus.name, sizeof(bogus.name), "sw-0x7fff");
	bogus.kind = PEV_SOFTWARE;
	bogus.type = PERF_TYPE_SOFTWARE;
	bogus.config = 0x7fff;
	ph = count("task-clock,cycles,instructions,page-faults", &bogus, &cpu);
	ok = tap_ok(is_true(ph, "sw-0x7fff", "unsupported") &&
		    json_integer_value(json_object_get(ev(ph, "sw-0x7fff"), "errno")) > 0,
		    "the event the kernel refuses is unsupported with its errno");
	ok &= tap_ok(val(ph, "task-clock") > 0 && val(ph, "page-faults") >= TOUCH_PAGES,
		     "task-clock and page-faults still counted");
	g = group(ph, "software", 0);
	ok &= tap_ok(g && members(g, "task-clock,page-faults"), "and still one group");
	g = group(ph, "hardware", 0);
	if (is_true(ph, "cycles", "unsupported")) {
		ok &= tap_ok(!g && json_integer_value(json_object_get(ev(ph, "cycles"), "errno")) > 0 &&
			     is_true(ph, "instructions", "unsupported"),
			     "no hardware PMU: cycles, instructions unsupported with errno, no group");
	} else {
		ok &= tap_ok(g && members(g, "cycles,instructions") && is_true(ph, "cycles", "grouped"),
			     "hardware PMU: cycles and instructions are one group");
	}
	ok &= tap_ok(is_true(ph, "cycles", "unsupported") || !is_true(ph, "cycles", "multiplexed") ||
		     (json_is_number(json_object_get(ev(ph, "cycles"), "running_fraction")) &&
		      json_integer_value(json_object_get(ev(ph, "cycles"), "value_scaled")) >=
		      val(ph, "cycles")), "a multiplexed value stays raw, the scaled one apart");
	if (!ok)
		dump(ph);
	json_decref(ph);

	/* 3. A member that cannot join (exclusive) is counted alone. */
	ph = count("task-clock,perf::PERF_COUNT_SW_CPU_CLOCK:excl=1,page-faults", NULL, &cpu);
	ok = tap_ok((g = group(ph, "software", 0)) && members(g, "task-clock,page-faults"),
		    "the exclusive event is not in the software group");
	ok &= tap_ok((g = group(ph, "alone", 0)) && members(g, "perf::PERF_COUNT_SW_CPU_CLOCK:excl=1") &&
		     gint(g, "time_running") > 0, "it is a group of its own, read with its times");
	ok &= tap_ok(val(ph, "perf::PERF_COUNT_SW_CPU_CLOCK:excl=1") > 0 &&
		     !is_true(ph, "perf::PERF_COUNT_SW_CPU_CLOCK:excl=1", "grouped") &&
		     is_true(ph, "task-clock", "grouped"),
		     "counted, and marked not grouped; the others grouped");
	if (!ok)
		dump(ph);
	json_decref(ph);

	/* 4. A libpfm4 name counts when opened on the thread. */
	ph = count("perf::PERF_COUNT_SW_CPU_CLOCK,task-clock", NULL, &cpu);
	clk = val(ph, "perf::PERF_COUNT_SW_CPU_CLOCK");
	task = val(ph, "task-clock");
	ok = tap_ok(clk > 0 && (double)clk / task > 0.9 && (double)clk / task < 1.1,
		    "perf::PERF_COUNT_SW_CPU_CLOCK counts %lld ns (task-clock %lld)", clk, task);
	ok &= tap_is_str(str(ph, "perf::PERF_COUNT_SW_CPU_CLOCK", "source"), "libpfm4",
			 "its source is libpfm4");
	ok &= tap_ok(!strncmp(str(ph, "perf::PERF_COUNT_SW_CPU_CLOCK", "libpfm4") ?: "",
			      "perf::PERF_COUNT_SW_CPU_CLOCK:", 30),
		     "libpfm4's fully qualified name recorded");
	ok &= tap_is_str(str(ph, "task-clock", "source"), "perf", "task-clock's source is perf");
	ok &= tap_ok((g = group(ph, "software", 0)) &&
		     members(g, "perf::PERF_COUNT_SW_CPU_CLOCK,task-clock"),
		     "libpfm4 and perf names share the software group");
	if (!ok)
		dump(ph);
	json_decref(ph);

	/* 5. No events of a class: no group of it, nothing recorded. */
	ph = count("page-faults", NULL, &cpu);
	tap_ok(!group(ph, "hardware", 0) && !group(ph, "tracepoint", 0) && group(ph, "software", 0) &&
	       !is_true(ph, "page-faults", "grouped"),
	       "a lone software event: a group of one, not 'grouped'");
	json_decref(ph);
	return tap_done();
}
