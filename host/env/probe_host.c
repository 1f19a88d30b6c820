// SPDX-License-Identifier: GPL-2.0
/* The machine: kernel, CPU, topology (hwloc) and NUMA (libnuma). */
#include "env/env.h"
#include "lib/util.h"

#include <hwloc.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static void add_text(json_t *obj, const char *key, const char *path)
{
	char val[4096];

	if (read_text(path, val, sizeof(val)) >= 0)
		json_object_set_new(obj, key, json_string(val));
}

/* "model name : ..." and "microcode : ..." of the first CPU. */
static void add_cpuinfo(json_t *obj)
{
	static const char *const keys[][2] = {
		{ "model name", "cpu_model" },
		{ "microcode", "microcode" },
		{ "vendor_id", "cpu_vendor" },
	};
	char *text = read_all("/proc/cpuinfo", NULL), *p, *end;
	size_t i;

	if (!text)
		return;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		p = strstr(text, keys[i][0]);
		if (!p || !(p = strchr(p, ':')))
			continue;
		p += 2;
		end = strchr(p, '\n');
		json_object_set_new(obj, keys[i][1], json_stringn(p, end ? (size_t)(end - p) : strlen(p)));
	}
	free(text);
}

static void add_topology(json_t *obj)
{
	hwloc_topology_t topo;
	json_t *t;

	if (hwloc_topology_init(&topo) || hwloc_topology_load(topo)) {
		json_object_set_new(obj, "topology", json_null());
		return;
	}
	t = json_object();
	json_object_set_new(t, "packages",
			    json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE)));
	json_object_set_new(t, "cores", json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE)));
	json_object_set_new(t, "pus", json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU)));
	json_object_set_new(t, "numa_nodes",
			    json_integer(numa_available() < 0 ? 1 : numa_num_configured_nodes()));
	json_object_set_new(obj, "topology", t);
	hwloc_topology_destroy(topo);
}

json_t *probe_host(void)
{
	json_t *sec = json_object();
	struct utsname u;

	if (!uname(&u)) {
		json_object_set_new(sec, "kernel_release", json_string(u.release));
		json_object_set_new(sec, "kernel_version", json_string(u.version));
		json_object_set_new(sec, "machine", json_string(u.machine));
	}
	add_text(sec, "cmdline", "/proc/cmdline");
	add_cpuinfo(sec);
	add_text(sec, "smt", "/sys/devices/system/cpu/smt/control");
	add_text(sec, "cpufreq_governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	add_text(sec, "intel_no_turbo", "/sys/devices/system/cpu/intel_pstate/no_turbo");
	add_text(sec, "cpufreq_boost", "/sys/devices/system/cpu/cpufreq/boost");
	add_topology(sec);
	return sec;
}
