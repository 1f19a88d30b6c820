/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest payloads' clock.  lfence before rdtsc waits for earlier
 * instructions to complete (a faulting access has taken its exit and been
 * resumed by then: the EPT/NPT violation is raised when the access
 * executes, not when a store drains); lfence after keeps later loads from
 * starting before the read.
 */
#ifndef SEPTBENCH_GUEST_TSC_H
#define SEPTBENCH_GUEST_TSC_H

#include <stdint.h>

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

#endif
