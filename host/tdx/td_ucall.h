/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TD ucall arguments.  The host cannot read a TD's memory, so the payload
 * sends each u64 argument as two 32-bit OUTs to TD_UCALL_ARG_PORT (low
 * half first) before the ucall number (guest/td/td_abi.h).
 */
#ifndef SEPTBENCH_TDX_TD_UCALL_H
#define SEPTBENCH_TDX_TD_UCALL_H

#include "guest/td/td_abi.h"

#include <stdbool.h>
#include <stdint.h>

struct td_ucall_args {
	uint32_t w[2 * TD_UCALL_MAX_ARGS];
	unsigned int n;
};

/* One argument word; false when the guest sent more than fits. */
bool td_ucall_arg(struct td_ucall_args *a, uint32_t word);
/*
 * The gathered arguments as u64s (missing ones 0); starts afresh.  How
 * many the guest sent, or -1 for an odd number of words.
 */
int td_ucall_take(struct td_ucall_args *a, uint64_t out[TD_UCALL_MAX_ARGS]);

#endif
