// SPDX-License-Identifier: GPL-2.0
#include "trace/hist.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hist_parse(const char *text, const char *key, struct log2_hist *h)
{
	const char *line, *eol, *p;
	char want[64];
	unsigned long long k, c;

	memset(h, 0, sizeof(*h));
	snprintf(want, sizeof(want), "{ %s: ~ 2^", key);
	for (line = text; line && *line; line = eol ? eol + 1 : NULL) {
		eol = strchr(line, '\n');
		while (*line == ' ')
			line++;
		if (!strncmp(line, want, strlen(want))) {
			p = line + strlen(want);
			if (sscanf(p, "%llu", &k) != 1 || k >= HIST_BUCKETS)
				return false;
			p = strstr(p, "hitcount:");
			if (!p || (eol && p > eol) || sscanf(p + 9, "%llu", &c) != 1)
				return false;
			h->count[k] += c;
		} else if (!strncmp(line, "Hits:", 5)) {
			if (sscanf(line + 5, "%llu", &c) != 1)
				return false;
			h->hits = c;
		} else if (!strncmp(line, "Dropped:", 8)) {
			if (sscanf(line + 8, "%llu", &c) != 1)
				return false;
			h->dropped = c;
		}
	}
	return true;
}

void hist_sub(struct log2_hist *d, const struct log2_hist *after, const struct log2_hist *before)
{
	unsigned int k;

#define SUB(a, b) ((a) > (b) ? (a) - (b) : 0)
	for (k = 0; k < HIST_BUCKETS; k++)
		d->count[k] = SUB(after->count[k], before->count[k]);
	d->hits = SUB(after->hits, before->hits);
	d->dropped = SUB(after->dropped, before->dropped);
#undef SUB
}

uint64_t hist_total(const struct log2_hist *h)
{
	uint64_t t = 0;
	unsigned int k;

	for (k = 0; k < HIST_BUCKETS; k++)
		t += h->count[k];
	return t;
}

void hist_bucket_bounds(unsigned int k, uint64_t *lo, uint64_t *hi)
{
	*lo = k ? 1ull << (k - 1) : 0;
	*hi = 1ull << k;
	if (!k)
		*hi = 1;
}

double hist_percentile(const struct log2_hist *h, double p)
{
	uint64_t total = hist_total(h), lo, hi;
	double rank, cum = 0;
	unsigned int k;

	if (!total || p <= 0)
		return 0;
	if (p > 1)
		p = 1;
	rank = p * total;
	for (k = 0; k < HIST_BUCKETS; k++) {
		if (!h->count[k])
			continue;
		if (cum + h->count[k] >= rank) {
			hist_bucket_bounds(k, &lo, &hi);
			return lo + (hi - lo) * (rank - cum) / h->count[k];
		}
		cum += h->count[k];
	}
	return 0;
}
