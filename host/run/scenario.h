/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario: what to measure (its kind) and with which parameters, read
 * from bench/<name>.conf and overridden from the command line.  Parsing
 * and validation only; nothing here talks to KVM.
 */
#ifndef SEPTBENCH_SCENARIO_H
#define SEPTBENCH_SCENARIO_H

#include "kvm/backing.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum scenario_kind {
	KIND_FAULT,		/* guest-driven first-touch faults */
	KIND_PREFAULT,		/* host-driven KVM_PRE_FAULT_MEMORY */
	KIND_PREFAULT_BARE,	/* the same ioctl in a bare loop: harness reference */
	KIND_SPLIT,		/* 2M mappings split by dirty logging */
	KIND_ZAP,		/* mappings zapped by one cause */
	KIND_TEARDOWN,		/* VM destruction with pages mapped */
	KIND_CHURN,		/* fault/zap cycles on all vCPUs */
	KIND_CHURN_CONCURRENT,	/* faults on all vCPUs while a host thread zaps */
	KIND_NR,
};

enum pattern {
	PATTERN_SEQ,
	PATTERN_RAND,
	PATTERN_STRIDE,
	PATTERN_HUGE,		/* one touch per 2M */
	PATTERN_NR,
};

enum split_mode {
	SPLIT_EAGER,		/* enabling dirty logging splits eagerly */
	SPLIT_LAZY,		/* write faults split, after KVM_CLEAR_DIRTY_LOG */
	SPLIT_CLEAR,		/* KVM_CLEAR_DIRTY_LOG splits eagerly */
};

enum zap_cause {
	ZAP_DONTNEED,		/* MADV_DONTNEED: MMU notifier */
	ZAP_PUNCH,		/* FALLOC_FL_PUNCH_HOLE on the backing */
	ZAP_MEMSLOT,		/* memslot deletion */
	ZAP_CONVERT,		/* private-to-shared attribute conversion */
};

enum vm_type_choice {
	VMT_AUTO,
	VMT_DEFAULT,
	VMT_SW_PROTECTED,
	VMT_TDX,
	VMT_SEPT_EMU,		/* the emulated S-EPT of the test kernel */
};

struct scenario {
	char name[64];
	char description[160];
	enum scenario_kind kind;
	uint64_t mem_bytes;
	unsigned int vcpus;
	unsigned int reps;
	enum backing backing;
	enum pattern pattern;
	unsigned int stride;		/* pages, for PATTERN_STRIDE */
	unsigned int write_pct;		/* 0 = read, 100 = write */
	bool shared_range;		/* all vCPUs touch one range */
	bool convert_free;		/* tdx: conversions free memory (QEMU's way) */
	bool latency;			/* per-op latency histograms (run --no-latency: all off) */
	enum populate populate;
	enum split_mode split;
	enum zap_cause zap;
	enum vm_type_choice vm_type;
	unsigned int cycles;		/* churn: fault/zap cycles */
	uint64_t seed;
	bool attribute;			/* run the hook attribution pass too */
	char reference[64];
	uint64_t mapping_size;		/* the mapping size the scenario means: its file's backing's */		/* a scenario this one's harness is measured against */
};

/* Defaults every scenario starts from. */
void scenario_defaults(struct scenario *s);

/*
 * Set one parameter by name ("mem", "backing", ...).  On error, returns
 * false with a one-line explanation in err.
 */
bool scenario_set(struct scenario *s, const char *key, const char *value,
		  char *err, size_t err_size);

/* Read bench/<name>.conf style text; errors name file and line. */
bool scenario_load(struct scenario *s, const char *path, char *err, size_t err_size);

/* Cross-field checks (size a multiple of the page size, vCPUs > 0 ...). */
bool scenario_validate(const struct scenario *s, char *err, size_t err_size);

const char *kind_name(enum scenario_kind k);
const char *pattern_name(enum pattern p);
const char *zap_name(enum zap_cause z);
const char *split_name(enum split_mode m);
const char *vm_type_choice_name(enum vm_type_choice v);

#endif
