// SPDX-License-Identifier: GPL-2.0
/* CPU lists, auto placement and NUMA node checks on the real topology. */
#include "run/placement.h"
#include "tap.h"

#include <sched.h>
#include <unistd.h>

int main(void)
{
	struct placement p;
	char err[256];
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	tap_plan(10);
	tap_ok(placement_parse_cpus(&p, "none", 2, err, sizeof(err)) && !p.pin &&
	       p.vcpu_cpu[1] == -1, "none leaves threads floating");
	tap_ok(placement_parse_cpus(&p, "0", 3, err, sizeof(err)) && p.driver_cpu == 0 &&
	       p.vcpu_cpu[2] == 0 && p.note[0], "one CPU hosts every thread, with a note");
	tap_ok(placement_parse_cpus(&p, "auto", 1, err, sizeof(err)) && p.pin && p.automatic &&
	       p.driver_cpu >= 0 && p.vcpu_cpu[0] >= 0, "auto pins driver and vCPU");
	if (ncpu >= 2)
		tap_ok(p.driver_cpu != p.vcpu_cpu[0], "auto keeps driver and vCPU on different cores");
	else
		tap_ok(1, "# SKIP one CPU only");
	tap_ok(!placement_parse_cpus(&p, "x-y", 1, err, sizeof(err)) && strstr(err, "bad CPU list"),
	       "a malformed list is refused");
	tap_ok(!placement_parse_cpus(&p, "4000", 1, err, sizeof(err)) && strstr(err, "does not exist"),
	       "a CPU that does not exist is refused");
	placement_init(&p, 1);
	tap_ok(placement_parse_node(&p, "0", err, sizeof(err)) && p.node == 0, "node 0 exists");
	tap_ok(!placement_parse_node(&p, "4000", err, sizeof(err)), "node 4000 is refused");
	tap_ok(placement_pin_self(ncpu - 1) == 0 && sched_getcpu() == ncpu - 1,
	       "pinning moves the thread to its CPU");
	{
		json_t *j = placement_json(&p);

		tap_ok(json_array_size(json_object_get(j, "vcpu_cpus")) == 1,
		       "the JSON lists one CPU per vCPU");
		json_decref(j);
	}
	return tap_done();
}
