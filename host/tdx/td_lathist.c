// SPDX-License-Identifier: GPL-2.0
/*
 * A TD vCPU's latency histogram from its ucalls; see td_lathist.h.
 */
#include "tdx/td_lathist.h"

#include "guest/td/td_abi.h"

#include <stdio.h>
#include <string.h>

void td_lat_rx_reset(struct td_lat_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	lathist_reset(&rx->h);
}

bool td_lat_rx_header(struct td_lat_rx *rx, const uint64_t *a, int n, char *why, size_t size)
{
	if (rx->header) {
		snprintf(why, size, "LATHIST: a second header in one phase");
		return false;
	}
	if (n != TD_LH_NR) {
		snprintf(why, size, "LATHIST: %d arguments, not %d", n, TD_LH_NR);
		return false;
	}
	if (a[TD_LH_ENTRIES] > LATHIST_NR_BUCKETS) {
		snprintf(why, size, "LATHIST: %llu buckets announced, a histogram has %u",
			 (unsigned long long)a[TD_LH_ENTRIES], LATHIST_NR_BUCKETS);
		return false;
	}
	rx->header = true;
	rx->h.count = a[TD_LH_COUNT];
	rx->h.sum = a[TD_LH_SUM];
	rx->h.min = a[TD_LH_MIN];
	rx->h.max = a[TD_LH_MAX];
	rx->h.overflow = a[TD_LH_OVERFLOW];
	rx->entries = a[TD_LH_ENTRIES];
	return true;
}

bool td_lat_rx_buckets(struct td_lat_rx *rx, const uint64_t *a, int n, char *why, size_t size)
{
	uint32_t idx, cnt;
	int i;

	if (!rx->header) {
		snprintf(why, size, "LATHIST_BUCKETS before the LATHIST header");
		return false;
	}
	if (n < 1 || n > TD_UCALL_MAX_ARGS || rx->got + n > rx->entries) {
		snprintf(why, size, "LATHIST_BUCKETS: %d entries after %llu of %llu announced", n,
			 (unsigned long long)rx->got, (unsigned long long)rx->entries);
		return false;
	}
	/* Every ucall but the last is full. */
	if (n < TD_UCALL_MAX_ARGS && rx->got + n < rx->entries) {
		snprintf(why, size, "LATHIST_BUCKETS: %d entries, short before the last (%llu of %llu)",
			 n, (unsigned long long)(rx->got + n), (unsigned long long)rx->entries);
		return false;
	}
	for (i = 0; i < n; i++) {
		idx = TD_LATHIST_ENTRY_IDX(a[i]);
		cnt = TD_LATHIST_ENTRY_COUNT(a[i]);
		if (idx >= LATHIST_NR_BUCKETS || idx < rx->next || !cnt) {
			snprintf(why, size, "LATHIST_BUCKETS: entry (bucket %u, count %u) out of order, out of range or empty",
				 idx, cnt);
			return false;
		}
		rx->h.buckets[idx] = cnt;
		rx->next = idx + 1;
	}
	rx->got += n;
	return true;
}

bool td_lat_rx_finish(const struct td_lat_rx *rx, uint64_t pages, char *why, size_t size)
{
	if (!rx->header) {
		snprintf(why, size, "latency asked for, no LATHIST before DONE");
		return false;
	}
	if (rx->got != rx->entries) {
		snprintf(why, size, "LATHIST truncated: %llu of %llu buckets before DONE",
			 (unsigned long long)rx->got, (unsigned long long)rx->entries);
		return false;
	}
	if (!lathist_valid(&rx->h) || rx->h.count != pages) {
		snprintf(why, size, "latency histogram inconsistent (%llu ops, %llu pages)",
			 (unsigned long long)rx->h.count, (unsigned long long)pages);
		return false;
	}
	return true;
}
