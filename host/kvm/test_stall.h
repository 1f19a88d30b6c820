/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test-only slow subset of faults: with SEPTBENCH_TEST_STALL=EVERY:US,
 * the first touch of every EVERY-th 4K page of the test memory waits US
 * microseconds in a userfaultfd handler before the page is filled, so
 * tests know which ops are slow and by how much.  Test memory must be
 * anonymous and not populated by the host.  Never set in measurements:
 * the run records it in meta.json.
 */
#ifndef SEPTBENCH_KVM_TEST_STALL_H
#define SEPTBENCH_KVM_TEST_STALL_H

#include <stdint.h>

struct test_stall;

/* The variable's value, or NULL when unset. */
const char *test_stall_spec(void);

/*
 * Register [@hva, @hva + @size) and start the handler, if the variable is
 * set (else *@out = NULL, 0).  -EINVAL on a bad value, -errno otherwise.
 */
int test_stall_arm(void *hva, uint64_t size, struct test_stall **out);
void test_stall_disarm(struct test_stall *ts);

#endif
