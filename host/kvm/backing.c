// SPDX-License-Identifier: GPL-2.0
#include "kvm/backing.h"

#include <errno.h>
#include <string.h>

static const char *const backing_names[BACKING_NR] = {
	[BACKING_ANON] = "anon",
	[BACKING_THP] = "thp",
	[BACKING_HUGETLB2M] = "hugetlb2m",
	[BACKING_HUGETLB1G] = "hugetlb1g",
	[BACKING_MEMFD] = "memfd",
	[BACKING_GMEM] = "gmem",
};

const char *backing_name(enum backing b)
{
	return b < BACKING_NR ? backing_names[b] : "?";
}

int backing_parse(const char *s, enum backing *b)
{
	int i;

	for (i = 0; i < BACKING_NR; i++) {
		if (!strcmp(s, backing_names[i])) {
			*b = i;
			return 0;
		}
	}
	return -EINVAL;
}

uint64_t backing_page_size(enum backing b)
{
	switch (b) {
	case BACKING_HUGETLB2M:
		return 2ull << 20;
	case BACKING_HUGETLB1G:
		return 1ull << 30;
	default:
		return 4096;
	}
}

const char *populate_name(enum populate p)
{
	return p == POPULATE_HOST ? "host" : "none";
}

int populate_parse(const char *s, enum populate *p)
{
	if (!strcmp(s, "host"))
		*p = POPULATE_HOST;
	else if (!strcmp(s, "none"))
		*p = POPULATE_NONE;
	else
		return -EINVAL;
	return 0;
}
