// SPDX-License-Identifier: GPL-2.0
/* The identity page-table builder, checked by walking what it built. */
#include "tap.h"
#include "lib/util.h"
#include "kvm/vm.h"

#include <errno.h>

#define AREA_GPA 0x200000ull

static bool check_range(struct pt_builder *pt, uint64_t va, uint64_t size,
			unsigned int want_level)
{
	uint64_t off, pa;
	unsigned int level;

	for (off = 0; off < size; off += 4096) {
		if (!pt_walk(pt, va + off, &pa, &level) || pa != va + off ||
		    (want_level && level != want_level)) {
			printf("# 0x%llx: mapped %d pa 0x%llx level %u\n",
			       (unsigned long long)(va + off), pt_walk(pt, va + off, &pa, &level),
			       (unsigned long long)pa, level);
			return false;
		}
	}
	return true;
}

int main(void)
{
	uint64_t size = pt_bytes_needed(3ull << 30, 3), pa;
	void *area = aligned_alloc(4096, size);
	struct pt_builder pt;
	unsigned int level;
	int r;

	tap_plan(17);
	tap_ok(pt_init(&pt, area, AREA_GPA, size, false) == 0, "init");
	tap_ok(pt.root == AREA_GPA, "root is the first page");

	tap_ok(pt_map(&pt, 0, 0, 4ull << 20, PT_LEVEL_2M) == 0, "map 0-4M with 2M leaves");
	tap_ok(check_range(&pt, 0, 4ull << 20, PT_LEVEL_2M), "0-4M identity at 2M");

	/* 4 GiB + 1 GiB + 2 MiB + 12 KiB: 2M leaves, then 4K for the tail. */
	tap_ok(pt_map(&pt, GUEST_MEM_GPA, GUEST_MEM_GPA, (1ull << 30) + (2ull << 20) + 12288,
		      PT_LEVEL_1G) == 0, "map test memory, 1G asked but not allowed");
	tap_ok(check_range(&pt, GUEST_MEM_GPA, 1ull << 30, PT_LEVEL_2M), "1G mapped with 2M leaves");
	tap_ok(check_range(&pt, GUEST_MEM_GPA + (1ull << 30), 2ull << 20, PT_LEVEL_2M),
	       "next 2M");
	tap_ok(check_range(&pt, GUEST_MEM_GPA + (1ull << 30) + (2ull << 20), 12288, PT_LEVEL_4K),
	       "12K tail with 4K leaves");
	tap_ok(!pt_walk(&pt, GUEST_MEM_GPA + (1ull << 30) + (2ull << 20) + 12288, &pa, &level),
	       "page after the tail is not mapped");
	tap_ok(!pt_walk(&pt, 8ull << 20, &pa, &level), "hole between ranges not mapped");
	r = pt_map(&pt, 0, 0, 4096, PT_LEVEL_4K);
	tap_ok(r == -EEXIST, "double map refused: %s", kvm_error());

	tap_ok(pt_init(&pt, area, AREA_GPA, size, true) == 0 &&
	       pt_map(&pt, 1ull << 30, 1ull << 30, 2ull << 30, PT_LEVEL_1G) == 0 &&
	       check_range(&pt, 1ull << 30, 2ull << 30, PT_LEVEL_1G) &&
	       pt.used == 2 * 4096, "gbpages: 2 GiB as two 1G leaves, PML4 + PDPT only");

	/*
	 * sept-emu: tables reached at GPA | shared bit, every non-leaf
	 * entry carrying it; system leaves at PA | bit, test memory plain.
	 */
	{
		const uint64_t bit = 1ull << 39;
		uint64_t *pml4 = area, *pdpt;
		bool all = true;
		unsigned int i;

		tap_ok(pt_init(&pt, area, AREA_GPA, size, false) == 0 &&
		       ((pt.table_bits = bit), pt_map(&pt, 0, bit, 4ull << 20, PT_LEVEL_2M) == 0) &&
		       pt_map(&pt, GUEST_MEM_GPA, GUEST_MEM_GPA, 2ull << 20, PT_LEVEL_4K) == 0,
		       "shared bit: system at PA | bit, test memory plain");
		tap_ok(pt_walk(&pt, 0x100000, &pa, &level) && pa == (bit | 0x100000) && level == 2,
		       "shared bit: VA 1M walks to GPA 1M | bit (2M leaf)");
		tap_ok(pt_walk(&pt, GUEST_MEM_GPA + 8192, &pa, &level) &&
		       pa == GUEST_MEM_GPA + 8192 && level == 1,
		       "shared bit: test memory walks to its plain (private) GPA");
		for (i = 0; i < 512; i++)
			if (pml4[i] & 1)
				all &= (pml4[i] & bit) != 0;
		pdpt = (uint64_t *)((uint8_t *)area + ((pml4[0] & ~bit & ~0xfffull) - AREA_GPA));
		all &= (pdpt[0] & bit) && (pdpt[4] & bit);
		tap_ok(all, "shared bit: set in every non-leaf entry (PML4, PDPT)");
	}

	r = pt_init(&pt, area, AREA_GPA, 8192, false);
	r = r ? r : pt_map(&pt, 0, 0, 4096, PT_LEVEL_4K);
	tap_ok(r == -ENOSPC, "full area fails cleanly: %s", kvm_error());
	free(area);
	return tap_done();
}
