// SPDX-License-Identifier: GPL-2.0
/* Scenario settings: every value checked, every error one clear line. */
#include "run/scenario.h"
#include "tap.h"

#include <unistd.h>

static char err[512];

static bool set(struct scenario *s, const char *k, const char *v)
{
	err[0] = '\0';
	return scenario_set(s, k, v, err, sizeof(err));
}

static const char *load_text(struct scenario *s, const char *text)
{
	const char *path = tap_write_tmp("scn", text);

	scenario_defaults(s);
	err[0] = '\0';
	if (!scenario_load(s, path, err, sizeof(err))) {
		unlink(path);
		return err;
	}
	unlink(path);
	return NULL;
}

int main(void)
{
	struct scenario s;
	const char *e;

	tap_plan(34);
	scenario_defaults(&s);
	tap_ok(s.vcpus == 1 && s.write_pct == 100 && s.backing == BACKING_ANON,
	       "defaults: 1 vCPU, writes, anon backing");

	tap_ok(set(&s, "mem", "64M") && s.mem_bytes == 64ull << 20, "mem 64M");
	tap_ok(!set(&s, "mem", "0"), "mem 0 rejected");
	tap_ok(!set(&s, "mem", "lots") && strstr(err, "bad size 'lots'"), "mem junk names the value");
	tap_ok(!set(&s, "vcpus", "0") && strstr(err, "from 1"), "0 vCPUs rejected");
	tap_ok(set(&s, "vcpus", "8") && s.vcpus == 8, "8 vCPUs");
	tap_ok(!set(&s, "backing", "tmpfs") && strstr(err, "one of: anon, thp"),
	       "unknown backing lists the valid ones");
	tap_ok(set(&s, "backing", "hugetlb2m") && s.backing == BACKING_HUGETLB2M, "backing hugetlb2m");
	tap_ok(set(&s, "pattern", "stride:16") && s.pattern == PATTERN_STRIDE && s.stride == 16,
	       "pattern stride:16");
	tap_ok(!set(&s, "pattern", "stride:0"), "stride:0 rejected");
	tap_ok(!set(&s, "pattern", "stride"), "stride without N rejected");
	tap_ok(!set(&s, "pattern", "zigzag") && strstr(err, "unknown pattern"), "unknown pattern rejected");
	tap_ok(set(&s, "pattern", "rand") && s.pattern == PATTERN_RAND, "pattern rand");
	tap_ok(set(&s, "access", "read") && s.write_pct == 0, "access read");
	tap_ok(set(&s, "access", "30%") && s.write_pct == 30, "access 30%%");
	tap_ok(!set(&s, "access", "130%"), "access 130%% rejected");
	tap_ok(!set(&s, "colour", "blue") && strstr(err, "unknown setting 'colour'"),
	       "unknown setting rejected");
	tap_ok(set(&s, "vm-type", "tdx") && s.vm_type == VMT_TDX, "vm-type tdx");
	tap_ok(s.convert_free && set(&s, "convert_free", "no") && !s.convert_free,
	       "convert_free: yes by default (QEMU's way), no keeps converted memory");
	tap_ok(!set(&s, "convert_free", "maybe") && strstr(err, "convert_free is yes or no") &&
	       !strchr(err, '\n'), "convert_free: another value is one line naming it");

	e = load_text(&s, "# comment\n\nkind = split\nsplit = lazy\nbacking = thp\nmem = 4M\n");
	tap_ok(!e && s.kind == KIND_SPLIT && s.split == SPLIT_LAZY && s.mem_bytes == 4u << 20,
	       "a conf file with comments and blank lines loads");
	e = load_text(&s, "kind = fault\nbogus line\n");
	tap_ok(e && strstr(e, ":2: expected 'key = value'"), "a malformed line names its line number");
	e = load_text(&s, "kind = fault\nmem = 1X\n");
	tap_ok(e && strstr(e, ":2: bad size"), "a bad value names its line number");

	scenario_defaults(&s);
	snprintf(s.name, sizeof(s.name), "t");
	s.mem_bytes = 4096 * 3;
	tap_ok(scenario_validate(&s, err, sizeof(err)), "3 pages of 4K is valid");
	s.backing = BACKING_HUGETLB2M;
	tap_ok(!scenario_validate(&s, err, sizeof(err)) && strstr(err, "not a multiple of 2048 KiB"),
	       "hugetlb2m needs 2M multiples");
	s.backing = BACKING_ANON;
	s.kind = KIND_SPLIT;
	s.mem_bytes = 4u << 20;
	tap_ok(!scenario_validate(&s, err, sizeof(err)) && strstr(err, "split needs 2M mappings"),
	       "split on 4K anon is refused");
	s.kind = KIND_FAULT;
	s.mem_bytes = 4096;
	s.vcpus = 2;
	tap_ok(!scenario_validate(&s, err, sizeof(err)) && strstr(err, "cannot partition"),
	       "2 vCPUs cannot partition one page");
	s.shared_range = true;
	tap_ok(scenario_validate(&s, err, sizeof(err)), "...but can share it");

	/* The payloads' vCPU limits, whatever set the count (conf, suite, --vcpus). */
	scenario_defaults(&s);
	snprintf(s.name, sizeof(s.name), "t");
	tap_ok(set(&s, "vcpus", "512") && scenario_validate(&s, err, sizeof(err)),
	       "512 vCPUs: the guest payload's maximum is valid");
	tap_ok(set(&s, "vcpus", "513") && !scenario_validate(&s, err, sizeof(err)) &&
	       strstr(err, "t: 513 vCPUs, the guest payload runs at most 512"),
	       "513 vCPUs refused by validation, naming the scenario and the limit");
	tap_ok(set(&s, "vcpus", "1024") && !scenario_validate(&s, err, sizeof(err)),
	       "1024 vCPUs refused");
	tap_ok(set(&s, "vm-type", "tdx") && set(&s, "vcpus", "256") &&
	       scenario_validate(&s, err, sizeof(err)), "a TD with 256 vCPUs is valid");
	tap_ok(set(&s, "vcpus", "257") && !scenario_validate(&s, err, sizeof(err)) &&
	       strstr(err, "TD payload runs at most 256"), "a TD with 257 vCPUs refused");
	tap_is_int(backing_page_size(BACKING_HUGETLB1G), 1 << 30, "hugetlb1g maps 1G pages");
	return tap_done();
}
