// SPDX-License-Identifier: GPL-2.0
#include "run/scenario.h"
#include "guest/abi.h"
#include "guest/td/td_abi.h"
#include "lib/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *const kind_names[KIND_NR] = {
	[KIND_FAULT] = "fault", [KIND_PREFAULT] = "prefault",
	[KIND_PREFAULT_BARE] = "prefault-bare", [KIND_SPLIT] = "split",
	[KIND_ZAP] = "zap", [KIND_TEARDOWN] = "teardown", [KIND_CHURN] = "churn",
	[KIND_CHURN_CONCURRENT] = "churn-concurrent",
};
static const char *const pattern_names[PATTERN_NR] = {
	[PATTERN_SEQ] = "seq", [PATTERN_RAND] = "rand",
	[PATTERN_STRIDE] = "stride", [PATTERN_HUGE] = "huge",
};
static const char *const zap_names[] = {
	[ZAP_DONTNEED] = "dontneed", [ZAP_PUNCH] = "punch",
	[ZAP_MEMSLOT] = "memslot", [ZAP_CONVERT] = "convert",
};
static const char *const split_names[] = {
	[SPLIT_EAGER] = "eager", [SPLIT_LAZY] = "lazy", [SPLIT_CLEAR] = "clear",
};
static const char *const vm_type_names[] = {
	[VMT_AUTO] = "auto", [VMT_DEFAULT] = "default",
	[VMT_SW_PROTECTED] = "sw-protected", [VMT_TDX] = "tdx",
	[VMT_SEPT_EMU] = "sept-emu",
};

#define NAME_OF(table, v) ((size_t)(v) < ARRAY_SIZE(table) && table[v] ? table[v] : "?")

const char *kind_name(enum scenario_kind k) { return NAME_OF(kind_names, k); }
const char *pattern_name(enum pattern p) { return NAME_OF(pattern_names, p); }
const char *zap_name(enum zap_cause z) { return NAME_OF(zap_names, z); }
const char *split_name(enum split_mode m) { return NAME_OF(split_names, m); }
const char *vm_type_choice_name(enum vm_type_choice v) { return NAME_OF(vm_type_names, v); }

static int lookup(const char *const *table, size_t n, const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i] && !strcmp(table[i], value))
			return i;
	return -1;
}

static void list_names(char *buf, size_t size, const char *const *table, size_t n)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < size; i++)
		off += snprintf(buf + off, size - off, "%s%s", i ? ", " : "", table[i]);
}

void scenario_defaults(struct scenario *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = KIND_FAULT;
	s->mem_bytes = SZ_1G;
	s->vcpus = 1;
	s->reps = 5;
	s->backing = BACKING_ANON;
	s->pattern = PATTERN_SEQ;
	s->stride = 1;
	s->write_pct = 100;
	s->populate = POPULATE_HOST;
	s->split = SPLIT_EAGER;
	s->zap = ZAP_DONTNEED;
	s->vm_type = VMT_AUTO;
	s->cycles = 4;
	s->seed = 1;
	s->convert_free = true;
	s->latency = true;
}

/* A table-driven enum option: value must be one of the table's names. */
#define SET_ENUM(field, table, what) do {					\
		int i_ = lookup(table, ARRAY_SIZE(table), value);		\
		char names_[256];						\
		if (i_ < 0) {							\
			list_names(names_, sizeof(names_), table, ARRAY_SIZE(table)); \
			return fail_msg(err, err_size, "unknown %s '%s' (one of: %s)", \
				    what, value, names_);			\
		}								\
		s->field = i_;							\
		return true;							\
	} while (0)

static bool set_number(const char *key, const char *value, uint64_t min, uint64_t max,
		       uint64_t *out, char *err, size_t err_size)
{
	if (!parse_uint(value, max, out) || *out < min)
		return fail_msg(err, err_size, "%s must be a whole number from %llu to %llu, not '%s'",
			    key, (unsigned long long)min, (unsigned long long)max, value);
	return true;
}

static bool set_pattern(struct scenario *s, const char *value, char *err, size_t err_size)
{
	uint64_t n;

	if (!strncmp(value, "stride:", 7)) {
		if (!parse_uint(value + 7, 1u << 20, &n) || !n)
			return fail_msg(err, err_size, "bad stride in pattern '%s' (stride:N, N pages >= 1)",
				    value);
		s->pattern = PATTERN_STRIDE;
		s->stride = n;
		return true;
	}
	if (!strcmp(value, "stride"))
		return fail_msg(err, err_size, "pattern stride needs a page count: stride:N");
	SET_ENUM(pattern, pattern_names, "pattern");
}

static bool set_access(struct scenario *s, const char *value, char *err, size_t err_size)
{
	uint64_t pct;
	size_t len = strlen(value);
	char num[16];

	if (!strcmp(value, "read")) {
		s->write_pct = 0;
		return true;
	}
	if (!strcmp(value, "write")) {
		s->write_pct = 100;
		return true;
	}
	if (len > 1 && len < sizeof(num) && value[len - 1] == '%') {
		memcpy(num, value, len - 1);
		num[len - 1] = '\0';
		if (parse_uint(num, 100, &pct)) {
			s->write_pct = pct;
			return true;
		}
	}
	return fail_msg(err, err_size, "unknown access '%s' (read, write or a write percentage like 30%%)",
		    value);
}

bool scenario_set(struct scenario *s, const char *key, const char *value,
		  char *err, size_t err_size)
{
	uint64_t n;

	if (!strcmp(key, "name")) {
		if (!*value || strlen(value) >= sizeof(s->name) || strpbrk(value, "/ \t"))
			return fail_msg(err, err_size, "bad scenario name '%s'", value);
		snprintf(s->name, sizeof(s->name), "%s", value);
		return true;
	}
	if (!strcmp(key, "description")) {
		snprintf(s->description, sizeof(s->description), "%s", value);
		return true;
	}
	if (!strcmp(key, "reference")) {
		if (!*value || strlen(value) >= sizeof(s->reference) || strpbrk(value, "/ \t"))
			return fail_msg(err, err_size, "bad reference scenario '%s'", value);
		snprintf(s->reference, sizeof(s->reference), "%s", value);
		return true;
	}
	if (!strcmp(key, "kind"))
		SET_ENUM(kind, kind_names, "kind");
	if (!strcmp(key, "mem")) {
		if (!parse_size(value, &n) || !n)
			return fail_msg(err, err_size, "bad size '%s' for mem (e.g. 512M, 4G)", value);
		s->mem_bytes = n;
		return true;
	}
	/* A generous bound here; the payload's own limit is in scenario_validate(). */
	if (!strcmp(key, "vcpus")) {
		if (!set_number(key, value, 1, 65536, &n, err, err_size))
			return false;
		s->vcpus = n;
		return true;
	}
	if (!strcmp(key, "reps")) {
		if (!set_number(key, value, 1, 100000, &n, err, err_size))
			return false;
		s->reps = n;
		return true;
	}
	if (!strcmp(key, "cycles")) {
		if (!set_number(key, value, 1, 1000000, &n, err, err_size))
			return false;
		s->cycles = n;
		return true;
	}
	if (!strcmp(key, "seed"))
		return set_number(key, value, 0, UINT64_MAX, &s->seed, err, err_size);
	if (!strcmp(key, "convert_free") || !strcmp(key, "convert-free")) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return fail_msg(err, err_size, "convert_free is yes or no, not '%s'", value);
		s->convert_free = !strcmp(value, "yes");
		return true;
	}
	if (!strcmp(key, "latency")) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return fail_msg(err, err_size, "latency is yes or no, not '%s'", value);
		s->latency = !strcmp(value, "yes");
		return true;
	}
	if (!strcmp(key, "attribute")) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return fail_msg(err, err_size, "attribute is yes or no, not '%s'", value);
		s->attribute = !strcmp(value, "yes");
		return true;
	}
	if (!strcmp(key, "backing")) {
		if (backing_parse(value, &s->backing))
			return fail_msg(err, err_size, "unknown backing '%s' (one of: anon, thp, hugetlb2m, hugetlb1g, memfd, gmem)",
				    value);
		return true;
	}
	if (!strcmp(key, "pattern"))
		return set_pattern(s, value, err, err_size);
	if (!strcmp(key, "access"))
		return set_access(s, value, err, err_size);
	if (!strcmp(key, "range")) {
		if (strcmp(value, "shared") && strcmp(value, "partitioned"))
			return fail_msg(err, err_size, "unknown range '%s' (shared or partitioned)", value);
		s->shared_range = !strcmp(value, "shared");
		return true;
	}
	if (!strcmp(key, "populate")) {
		if (populate_parse(value, &s->populate))
			return fail_msg(err, err_size, "unknown populate '%s' (host or none)", value);
		return true;
	}
	if (!strcmp(key, "split"))
		SET_ENUM(split, split_names, "split mode");
	if (!strcmp(key, "zap"))
		SET_ENUM(zap, zap_names, "zap cause");
	if (!strcmp(key, "vm-type") || !strcmp(key, "vm_type"))
		SET_ENUM(vm_type, vm_type_names, "VM type");
	return fail_msg(err, err_size, "unknown setting '%s'", key);
}

bool scenario_load(struct scenario *s, const char *path, char *err, size_t err_size)
{
	char line[512], msg[384], *key, *value, *eq;
	unsigned int lineno = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return fail_msg(err, err_size, "cannot read %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		key = str_trim(line);
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			fclose(f);
			return fail_msg(err, err_size, "%s:%u: expected 'key = value'", path, lineno);
		}
		*eq = '\0';
		value = str_trim(eq + 1);
		key = str_trim(key);
		if (!scenario_set(s, key, value, msg, sizeof(msg))) {
			fclose(f);
			return fail_msg(err, err_size, "%s:%u: %s", path, lineno, msg);
		}
	}
	fclose(f);
	/* What the file means, whatever a later --backing forces on it. */
	s->mapping_size = backing_page_size(s->backing);
	return true;
}

bool scenario_validate(const struct scenario *s, char *err, size_t err_size)
{
	uint64_t page = backing_page_size(s->backing);
	uint64_t unit = page;

	/*
	 * The guest payload has room for so many vCPU blocks (guest/abi.h;
	 * the TD payload, guest/td/td_abi.h, for fewer): more is bad input,
	 * found before a results folder exists.
	 */
	if (s->vcpus > GUEST_MAX_VCPUS)
		return fail_msg(err, err_size, "%s: %u vCPUs, the guest payload runs at most %u",
				s->name, s->vcpus, GUEST_MAX_VCPUS);
	if (s->vm_type == VMT_TDX && s->vcpus > TD_MAX_VCPUS)
		return fail_msg(err, err_size, "%s: %u vCPUs, the TD payload runs at most %u",
				s->name, s->vcpus, TD_MAX_VCPUS);
	/* Splits and huge patterns work on whole 2M ranges. */
	if ((s->kind == KIND_SPLIT || s->pattern == PATTERN_HUGE) && unit < SZ_2M)
		unit = SZ_2M;
	if (s->mem_bytes % unit)
		return fail_msg(err, err_size, "%s: mem %llu is not a multiple of %llu KiB (%s%s)",
			    s->name, (unsigned long long)s->mem_bytes,
			    (unsigned long long)(unit >> 10), backing_name(s->backing),
			    unit > page ? ", 2M ranges" : "");
	if (!s->shared_range && s->mem_bytes / unit < s->vcpus)
		return fail_msg(err, err_size, "%s: %u vCPUs cannot partition %llu bytes of %llu KiB units",
			    s->name, s->vcpus, (unsigned long long)s->mem_bytes,
			    (unsigned long long)(unit >> 10));
	if (s->kind == KIND_SPLIT && s->backing != BACKING_HUGETLB2M && s->backing != BACKING_HUGETLB1G &&
	    s->backing != BACKING_THP)
		return fail_msg(err, err_size, "%s: split needs 2M mappings: backing thp, hugetlb2m or hugetlb1g",
			    s->name);
	return true;
}
