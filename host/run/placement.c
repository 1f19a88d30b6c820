// SPDX-License-Identifier: GPL-2.0
#include "run/placement.h"
#include "lib/util.h"

#include <errno.h>
#include <hwloc.h>
#include <numa.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void placement_init(struct placement *p, unsigned int nr_vcpus)
{
	unsigned int i;

	p->node = -1;
	p->pin = false;
	p->automatic = false;
	p->driver_cpu = -1;
	for (i = 0; i < PLACEMENT_MAX_CPUS; i++)
		p->vcpu_cpu[i] = -1;
	p->nr_vcpus = nr_vcpus;
	p->note[0] = '\0';
}

/*
 * auto: one core per thread (driver + vCPUs), cores of one package first,
 * the first PU of each core so SMT siblings stay idle.  Falls back to
 * sharing when the machine is too small, and says so.
 */
static bool place_auto(struct placement *p, char *err, size_t err_size)
{
	unsigned int want = p->nr_vcpus + 1, got = 0, i, ncores;
	hwloc_topology_t topo;
	hwloc_bitmap_t allowed;
	hwloc_obj_t core, pu;
	int cpus[PLACEMENT_MAX_CPUS + 1];

	if (hwloc_topology_init(&topo) || hwloc_topology_load(topo)) {
		snprintf(err, err_size, "hwloc cannot read the CPU topology");
		return false;
	}
	allowed = hwloc_bitmap_alloc();
	hwloc_get_cpubind(topo, allowed, HWLOC_CPUBIND_PROCESS);
	ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	/* Cores are numbered package by package in hwloc's logical order. */
	for (i = 0; i < ncores && got < want && got < ARRAY_SIZE(cpus); i++) {
		core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, i);
		pu = hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, 0);
		if (pu && hwloc_bitmap_isset(allowed, pu->os_index))
			cpus[got++] = pu->os_index;
	}
	hwloc_bitmap_free(allowed);
	hwloc_topology_destroy(topo);
	if (!got) {
		snprintf(err, err_size, "no allowed CPU found for --cpus auto");
		return false;
	}
	if (got < want)
		snprintf(p->note, sizeof(p->note),
			 "%u threads on %u cores: some vCPU threads share a core", want, got);
	p->pin = true;
	p->automatic = true;
	p->driver_cpu = cpus[0];
	for (i = 0; i < p->nr_vcpus; i++)
		p->vcpu_cpu[i] = cpus[(1 + i) % got];
	return true;
}

bool placement_parse_cpus(struct placement *p, const char *spec, unsigned int nr_vcpus,
			  char *err, size_t err_size)
{
	hwloc_bitmap_t set;
	cpu_set_t allowed;
	int cpu, list[PLACEMENT_MAX_CPUS + 1];
	unsigned int n = 0, i;

	placement_init(p, nr_vcpus);
	if (nr_vcpus > PLACEMENT_MAX_CPUS) {
		snprintf(err, err_size, "at most %d vCPUs", PLACEMENT_MAX_CPUS);
		return false;
	}
	if (!spec || !strcmp(spec, "none"))
		return true;
	if (!strcmp(spec, "auto"))
		return place_auto(p, err, err_size);

	set = hwloc_bitmap_alloc();
	/* hwloc's list syntax is the kernel's: "0-3,8". */
	if (hwloc_bitmap_list_sscanf(set, spec) || hwloc_bitmap_iszero(set) ||
	    hwloc_bitmap_weight(set) < 0) {
		hwloc_bitmap_free(set);
		snprintf(err, err_size, "bad CPU list '%s' (e.g. 2-5,8, auto or none)", spec);
		return false;
	}
	sched_getaffinity(0, sizeof(allowed), &allowed);
	hwloc_bitmap_foreach_begin(cpu, set) {
		if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed)) {
			hwloc_bitmap_free(set);
			snprintf(err, err_size, "CPU %d in '%s' does not exist or is not allowed", cpu, spec);
			return false;
		}
		if (n < ARRAY_SIZE(list))
			list[n++] = cpu;
	} hwloc_bitmap_foreach_end();
	hwloc_bitmap_free(set);
	p->pin = true;
	p->driver_cpu = list[0];
	/* A single CPU hosts everything; otherwise vCPUs cycle over the rest. */
	for (i = 0; i < nr_vcpus; i++)
		p->vcpu_cpu[i] = n == 1 ? list[0] : list[1 + i % (n - 1)];
	if (n - 1 < nr_vcpus)
		snprintf(p->note, sizeof(p->note), "%u vCPUs on %u CPUs: some share a CPU",
			 nr_vcpus, n > 1 ? n - 1 : 1);
	return true;
}

bool placement_parse_node(struct placement *p, const char *spec, char *err, size_t err_size)
{
	uint64_t node;
	long long free_bytes;

	if (!parse_uint(spec, 4095, &node)) {
		snprintf(err, err_size, "bad NUMA node '%s'", spec);
		return false;
	}
	if (numa_available() < 0) {
		snprintf(err, err_size, "--node %s: this kernel has no NUMA support", spec);
		return false;
	}
	if ((int)node > numa_max_node() || numa_node_size64(node, &free_bytes) <= 0) {
		snprintf(err, err_size, "NUMA node %s does not exist or has no memory", spec);
		return false;
	}
	p->node = node;
	return true;
}

int placement_pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int placement_bind_memory(const struct placement *p, void *addr, size_t len)
{
	struct bitmask *mask;
	int r;

	if (p->node < 0)
		return 0;
	mask = numa_allocate_nodemask();
	numa_bitmask_setbit(mask, p->node);
	errno = 0;
	numa_tonodemask_memory(addr, len, mask);
	r = errno ? -errno : 0;
	numa_free_nodemask(mask);
	return r;
}

json_t *placement_json(const struct placement *p)
{
	json_t *o = json_object(), *cpus = json_array();
	unsigned int i;

	json_object_set_new(o, "pinned", json_boolean(p->pin));
	json_object_set_new(o, "auto", json_boolean(p->automatic));
	json_object_set_new(o, "driver_cpu", p->driver_cpu < 0 ? json_null() : json_integer(p->driver_cpu));
	for (i = 0; i < p->nr_vcpus; i++)
		json_array_append_new(cpus, p->vcpu_cpu[i] < 0 ? json_null() : json_integer(p->vcpu_cpu[i]));
	json_object_set_new(o, "vcpu_cpus", cpus);
	json_object_set_new(o, "numa_node", p->node < 0 ? json_null() : json_integer(p->node));
	if (p->note[0])
		json_object_set_new(o, "note", json_string(p->note));
	return o;
}
