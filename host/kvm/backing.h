/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What guest memory sits on in the host, by name.  Shared by scenario
 * parsing and the KVM library so both spell and size backings alike.
 */
#ifndef SEPTBENCH_BACKING_H
#define SEPTBENCH_BACKING_H

#include <stdint.h>

enum backing {
	BACKING_ANON,		/* private anon, MADV_NOHUGEPAGE: 4K only */
	BACKING_THP,		/* private anon, 2M aligned, MADV_HUGEPAGE */
	BACKING_HUGETLB2M,
	BACKING_HUGETLB1G,
	BACKING_MEMFD,		/* memfd_create, MAP_SHARED */
	BACKING_GMEM,		/* guest_memfd */
	BACKING_NR,
};

enum populate {
	POPULATE_NONE,		/* the guest's first touch allocates */
	POPULATE_HOST,		/* the host writes every page first */
};

const char *backing_name(enum backing b);
/* 0, or -EINVAL for a name that is not a backing. */
int backing_parse(const char *s, enum backing *b);
/* The host page size the backing maps with: 4K, 2M or 1G. */
uint64_t backing_page_size(enum backing b);
const char *populate_name(enum populate p);
int populate_parse(const char *s, enum populate *p);

#endif
