// SPDX-License-Identifier: GPL-2.0
/*
 * sept-emu's options and the kernel's per-VM record: --sept-delay and
 * --sept-busy-every parsing, and sept_emu_last as the interface notes
 * spell it.
 */
#include "tap.h"
#include "run/sept_emu.h"

#include <string.h>

int main(void)
{
	struct sept_emu_opts o = { 0 };
	struct sept_emu_record rec;
	char err[256];

	tap_plan(16);
	tap_ok(!sept_emu_opts_any(&o), "nothing asked: no knob to set");
	tap_ok(sept_emu_parse_delay(&o, "aug=2000", err, sizeof(err)) &&
	       o.delay_set[SEPT_AUG] && o.delay_ns[SEPT_AUG] == 2000, "aug=2000");
	tap_ok(sept_emu_opts_any(&o) && !o.delay_set[SEPT_ADD], "... only aug is set");
	tap_ok(sept_emu_parse_delay(&o, "reclaim=100000", err, sizeof(err)) &&
	       o.delay_ns[SEPT_RECLAIM] == 100000, "reclaim=100000: the kernel's cap is allowed");
	tap_ok(!sept_emu_parse_delay(&o, "aug=100001", err, sizeof(err)) && strstr(err, "0 to 100000"),
	       "aug=100001 refused: %s", err);
	tap_ok(!sept_emu_parse_delay(&o, "demote=5", err, sizeof(err)) && strstr(err, "unknown operation"),
	       "demote refused: %s", err);
	tap_ok(!sept_emu_parse_delay(&o, "augx=5", err, sizeof(err)), "a longer name is not aug");
	tap_ok(!sept_emu_parse_delay(&o, "aug", err, sizeof(err)) && strstr(err, "OP=NS"),
	       "no value refused: %s", err);
	tap_ok(!sept_emu_parse_delay(&o, "=5", err, sizeof(err)), "no operation refused");
	tap_ok(!sept_emu_parse_delay(&o, "aug=-1", err, sizeof(err)), "negative refused");
	tap_ok(sept_emu_parse_busy(&o, "5", err, sizeof(err)) && o.busy_set && o.busy_every == 5,
	       "--sept-busy-every 5");
	tap_ok(!sept_emu_parse_busy(&o, "five", err, sizeof(err)), "--sept-busy-every five refused");

	tap_ok(sept_emu_parse_record("add=3 aug=640 block=640 track=640 remove=640 reclaim=3 busy=0 left=0 ok=1",
				     &rec) &&
	       rec.ops[SEPT_ADD] == 3 && rec.ops[SEPT_AUG] == 640 && rec.ops[SEPT_BLOCK] == 640 &&
	       rec.ops[SEPT_TRACK] == 640 && rec.ops[SEPT_REMOVE] == 640 &&
	       rec.ops[SEPT_RECLAIM] == 3 && !rec.busy && !rec.left && rec.ok,
	       "sept_emu_last of the notes' example parsed");
	tap_ok(sept_emu_parse_record("add=1 aug=2 block=1 track=1 remove=1 reclaim=0 busy=7 left=1 ok=0\n",
				     &rec) && !rec.ok && rec.left == 1 && rec.busy == 7,
	       "a failed conservation check: ok=0, left=1, busy=7");
	tap_ok(!sept_emu_parse_record("add=3 aug=640 block=640 track=640 remove=640 reclaim=3 busy=0 left=0",
				      &rec), "a record without ok is refused");
	tap_ok(sept_emu_parse_record("add=0 aug=0 block=0 track=0 remove=0 reclaim=0 busy=0 left=0 ok=1 demote=4",
				     &rec) && rec.ok, "a field of a newer kernel is skipped");
	return tap_done();
}
