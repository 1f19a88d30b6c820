/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TD vCPU's per-op latency histogram, rebuilt from its LATHIST ucalls
 * (guest/td/td_abi.h, "Latency"): the header, then the non-zero buckets
 * in ascending order.  Anything that does not arrive as announced is
 * refused, with the reason, and so is a histogram that is inconsistent
 * (lathist_valid) or whose count is not the pages the vCPU touched.
 */
#ifndef SEPTBENCH_TDX_TD_LATHIST_H
#define SEPTBENCH_TDX_TD_LATHIST_H

#include "guest/lathist.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct td_lat_rx {
	struct lathist h;
	bool header;			/* TD_UCALL_LATHIST seen */
	uint64_t entries, got;		/* buckets announced, received */
	uint32_t next;			/* the lowest index the next entry may have */
};

/* Forget what came (a run that asks for latency starts here). */
void td_lat_rx_reset(struct td_lat_rx *rx);
/* TD_UCALL_LATHIST with its @n arguments; false with @why. */
bool td_lat_rx_header(struct td_lat_rx *rx, const uint64_t *a, int n, char *why, size_t size);
/* TD_UCALL_LATHIST_BUCKETS with its @n arguments; false with @why. */
bool td_lat_rx_buckets(struct td_lat_rx *rx, const uint64_t *a, int n, char *why, size_t size);
/* At DONE: all of it came, it is consistent and counts @pages ops; false with @why. */
bool td_lat_rx_finish(const struct td_lat_rx *rx, uint64_t pages, char *why, size_t size);

#endif
