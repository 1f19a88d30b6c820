// SPDX-License-Identifier: GPL-2.0
/* Which kinds of perf event this host counts: tried, not guessed. */
#include "env/env.h"
#include "lib/util.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int try_event(__u32 type, __u64 config, bool exclude_guest)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	attr.disabled = 1;
	attr.exclude_guest = exclude_guest;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static json_t *event_check(const char *what, int r)
{
	if (!r)
		return check_new(true, NULL);
	return check_new(false, "perf_event_open(%s): %s", what, strerror(-r));
}

json_t *probe_perf(const char *tracefs)
{
	json_t *sec = json_object();
	char path[512], id[32];
	uint64_t v;
	int r;

	if (read_text("/proc/sys/kernel/perf_event_paranoid", id, sizeof(id)) > 0)
		json_object_set_new(sec, "paranoid", json_string(id));
	json_object_set_new(sec, "hardware",
			    event_check("cycles", try_event(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false)));
	json_object_set_new(sec, "hardware_exclude_guest",
			    event_check("cycles:H", try_event(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, true)));
	json_object_set_new(sec, "software",
			    event_check("task-clock", try_event(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, false)));

	if (!tracefs || !*tracefs) {
		json_object_set_new(sec, "tracepoint", check_new(false, "tracefs is not mounted"));
		return sec;
	}
	snprintf(path, sizeof(path), "%s/events/kvm/kvm_exit/id", tracefs);
	r = read_text(path, id, sizeof(id));
	if (r < 0) {
		json_object_set_new(sec, "tracepoint",
				    check_new(false, "no kvm:kvm_exit tracepoint (%s: %s)", path, strerror(-r)));
		return sec;
	}
	if (!parse_uint(id, UINT64_MAX, &v)) {
		json_object_set_new(sec, "tracepoint", check_new(false, "malformed id in %s", path));
		return sec;
	}
	json_object_set_new(sec, "tracepoint",
			    event_check("kvm:kvm_exit", try_event(PERF_TYPE_TRACEPOINT, v, false)));
	return sec;
}
