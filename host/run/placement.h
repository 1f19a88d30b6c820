/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where vCPU threads run and where guest memory lives.  A fault benchmark
 * whose threads migrate or whose memory sits on a remote node measures
 * the scheduler and the interconnect, so both are explicit and recorded.
 */
#ifndef SEPTBENCH_PLACEMENT_H
#define SEPTBENCH_PLACEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define PLACEMENT_MAX_CPUS 1024

struct placement {
	bool pin;			/* false: threads float */
	bool automatic;			/* chosen by --cpus auto */
	int driver_cpu;			/* -1: not pinned */
	int vcpu_cpu[PLACEMENT_MAX_CPUS];	/* per vCPU; -1: not pinned */
	unsigned int nr_vcpus;
	int node;			/* -1: no binding */
	char note[160];			/* what auto could not honour */
};

/* Nothing pinned, no node binding. */
void placement_init(struct placement *p, unsigned int nr_vcpus);

/*
 * Parse "--cpus": "auto", "none", or a list like "2-5,8" (driver thread on
 * the first CPU, vCPUs on the rest).  Checks the CPUs exist and are
 * allowed for this process.  Resets the CPU part; parse the node after.
 */
bool placement_parse_cpus(struct placement *p, const char *spec, unsigned int nr_vcpus,
			  char *err, size_t err_size);

/* Parse "--node": a NUMA node that exists and has memory. */
bool placement_parse_node(struct placement *p, const char *spec, char *err, size_t err_size);

/* Pin the calling thread to @cpu (no-op for -1); 0 or -errno. */
int placement_pin_self(int cpu);

/* Bind [addr, addr+len) to the chosen node before it is touched; 0 or -errno. */
int placement_bind_memory(const struct placement *p, void *addr, size_t len);

json_t *placement_json(const struct placement *p);

#endif
