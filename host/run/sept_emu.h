/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated S-EPT of septbench's test kernel (VM type sept-emu): its
 * kvm_amd knobs (a busy-wait per emulated SEAMCALL, an injected -EBUSY
 * every Nth ADD/AUG), the per-VM record it leaves at destruction, and how
 * a run asks for and records them.  No KVM calls: sysfs and text only.
 */
#ifndef SEPTBENCH_SEPT_EMU_H
#define SEPTBENCH_SEPT_EMU_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The emulated SEAMCALLs, in the order of their counters and delay knobs. */
enum sept_op {
	SEPT_ADD,
	SEPT_AUG,
	SEPT_BLOCK,
	SEPT_TRACK,
	SEPT_REMOVE,
	SEPT_RECLAIM,
	SEPT_NR_OPS,
};

#define SEPT_EMU_DELAY_MAX_NS 100000	/* the kernel's cap */

const char *sept_op_name(enum sept_op op);

/* What `septbench run` was asked to set for the run (--sept-delay, --sept-busy-every). */
struct sept_emu_opts {
	unsigned int delay_ns[SEPT_NR_OPS];
	bool delay_set[SEPT_NR_OPS];
	unsigned int busy_every;
	bool busy_set;
};

/* "aug=2000": false with a one-line reason in @err. */
bool sept_emu_parse_delay(struct sept_emu_opts *o, const char *arg, char *err, size_t err_size);
bool sept_emu_parse_busy(struct sept_emu_opts *o, const char *arg, char *err, size_t err_size);
bool sept_emu_opts_any(const struct sept_emu_opts *o);

/* The shared GPA bit the kernel uses (sept_emu_shared_bit); 0 when unknown or not offered. */
unsigned int sept_emu_shared_bit(void);

/* Set the asked-for knobs (knob.c restores them); 0 or -errno with @err set. */
int sept_emu_apply(const struct sept_emu_opts *o, char *err, size_t err_size);

/*
 * meta.json's "sept_emu": emulated, shared_bit, delays_ns (every op: the
 * asked-for value, else what the knob holds now), busy_every.
 */
json_t *sept_emu_meta(const struct sept_emu_opts *o);

/* sept_emu_last: the counts of the last VM destroyed, and its conservation check. */
struct sept_emu_record {
	uint64_t ops[SEPT_NR_OPS];
	uint64_t busy, left;
	bool ok;
};

/* Parse "add=3 aug=640 ... busy=0 left=0 ok=1"; false when a field is missing. */
bool sept_emu_parse_record(const char *text, struct sept_emu_record *rec);
/* sept_emu_vms_checked, and sept_emu_last parsed; -errno when absent. */
int sept_emu_read_checked(uint64_t *checked);
int sept_emu_read_last(struct sept_emu_record *rec, char *text, size_t size);

#endif
