// SPDX-License-Identifier: GPL-2.0
#include "run/sept_emu.h"
#include "run/knob.h"
#include "kvm/vm_types.h"
#include "lib/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[SEPT_NR_OPS] = {
	[SEPT_ADD] = "add", [SEPT_AUG] = "aug", [SEPT_BLOCK] = "block",
	[SEPT_TRACK] = "track", [SEPT_REMOVE] = "remove", [SEPT_RECLAIM] = "reclaim",
};

const char *sept_op_name(enum sept_op op)
{
	return op < SEPT_NR_OPS ? op_names[op] : "?";
}

static bool fail(char *err, size_t size, const char *fmt, const char *arg)
{
	snprintf(err, size, fmt, arg);
	return false;
}

bool sept_emu_parse_delay(struct sept_emu_opts *o, const char *arg, char *err, size_t err_size)
{
	const char *eq = strchr(arg, '=');
	uint64_t ns;
	size_t len;
	int op;

	if (!eq || eq == arg)
		return fail(err, err_size, "--sept-delay needs OP=NS (OP add, aug, block, track, remove or reclaim), not '%s'", arg);
	len = eq - arg;
	for (op = 0; op < SEPT_NR_OPS; op++)
		if (strlen(op_names[op]) == len && !strncmp(arg, op_names[op], len))
			break;
	if (op == SEPT_NR_OPS)
		return fail(err, err_size, "--sept-delay: unknown operation in '%s' (add, aug, block, track, remove or reclaim)", arg);
	if (!parse_uint(eq + 1, SEPT_EMU_DELAY_MAX_NS, &ns))
		return fail(err, err_size, "--sept-delay: bad delay in '%s' (ns, 0 to 100000)", arg);
	o->delay_ns[op] = ns;
	o->delay_set[op] = true;
	return true;
}

bool sept_emu_parse_busy(struct sept_emu_opts *o, const char *arg, char *err, size_t err_size)
{
	uint64_t n;

	if (!parse_uint(arg, 1000000000, &n))
		return fail(err, err_size, "--sept-busy-every: bad count '%s' (0 = off, up to 10^9)", arg);
	o->busy_every = n;
	o->busy_set = true;
	return true;
}

bool sept_emu_opts_any(const struct sept_emu_opts *o)
{
	int op;

	for (op = 0; op < SEPT_NR_OPS; op++)
		if (o->delay_set[op])
			return true;
	return o->busy_set;
}

static void param_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", SEPT_EMU_PARAM_DIR, name);
}

static void delay_param(char *buf, size_t size, enum sept_op op)
{
	char name[64];

	snprintf(name, sizeof(name), "sept_emu_delay_%s_ns", op_names[op]);
	param_path(buf, size, name);
}

unsigned int sept_emu_shared_bit(void)
{
	char path[256];
	uint64_t bit;

	param_path(path, sizeof(path), "sept_emu_shared_bit");
	return read_u64(path, &bit) && bit < 64 ? bit : 0;
}

int sept_emu_apply(const struct sept_emu_opts *o, char *err, size_t err_size)
{
	char path[256], val[32];
	int op, r = 0;

	for (op = 0; !r && op < SEPT_NR_OPS; op++) {
		if (!o->delay_set[op])
			continue;
		delay_param(path, sizeof(path), op);
		snprintf(val, sizeof(val), "%u", o->delay_ns[op]);
		r = knob_set(path, val);
	}
	if (!r && o->busy_set) {
		param_path(path, sizeof(path), "sept_emu_busy_every");
		snprintf(val, sizeof(val), "%u", o->busy_every);
		r = knob_set(path, val);
	}
	if (r)
		snprintf(err, err_size, "setting %s: %s", path, strerror(-r));
	return r;
}

json_t *sept_emu_meta(const struct sept_emu_opts *o)
{
	json_t *delays = json_object(), *m;
	char path[256];
	uint64_t v;
	int op;

	for (op = 0; op < SEPT_NR_OPS; op++) {
		delay_param(path, sizeof(path), op);
		if (o->delay_set[op])
			json_object_set_new(delays, op_names[op], json_integer(o->delay_ns[op]));
		else if (read_u64(path, &v))
			json_object_set_new(delays, op_names[op], json_integer((json_int_t)v));
	}
	m = json_pack("{s:b, s:i, s:o}", "emulated", 1, "shared_bit", (int)sept_emu_shared_bit(),
		      "delays_ns", delays);
	param_path(path, sizeof(path), "sept_emu_busy_every");
	if (o->busy_set)
		json_object_set_new(m, "busy_every", json_integer(o->busy_every));
	else if (read_u64(path, &v))
		json_object_set_new(m, "busy_every", json_integer((json_int_t)v));
	return m;
}

bool sept_emu_parse_record(const char *text, struct sept_emu_record *rec)
{
	unsigned int seen = 0, want = (1u << (SEPT_NR_OPS + 3)) - 1;
	const char *p = text;
	char key[16];
	uint64_t v;
	int n, op;

	memset(rec, 0, sizeof(*rec));
	while (sscanf(p, " %15[a-z_]=%" SCNu64 "%n", key, &v, &n) == 2) {
		p += n;
		for (op = 0; op < SEPT_NR_OPS; op++)
			if (!strcmp(key, op_names[op]))
				break;
		if (op < SEPT_NR_OPS) {
			rec->ops[op] = v;
		} else if (!strcmp(key, "busy")) {
			rec->busy = v;
		} else if (!strcmp(key, "left")) {
			rec->left = v;
			op = SEPT_NR_OPS + 1;
		} else if (!strcmp(key, "ok")) {
			rec->ok = v == 1;
			op = SEPT_NR_OPS + 2;
		} else {
			continue;	/* a field of a newer kernel */
		}
		seen |= 1u << op;
	}
	return seen == want;
}

int sept_emu_read_checked(uint64_t *checked)
{
	char path[256];

	param_path(path, sizeof(path), "sept_emu_vms_checked");
	return read_u64(path, checked) ? 0 : -ENOENT;
}

int sept_emu_read_last(struct sept_emu_record *rec, char *text, size_t size)
{
	char path[256];
	int r;

	param_path(path, sizeof(path), "sept_emu_last");
	r = read_text(path, text, size);
	if (r < 0)
		return r;
	return sept_emu_parse_record(text, rec) ? 0 : -EPROTO;
}
