// SPDX-License-Identifier: GPL-2.0
/*
 * Which S-EPT hooks the running kvm.ko has.  The static-call keys
 * __SCK__kvm_x86_<op> exist in every kvm.ko whether or not the host has
 * TDX, so the variant can be told on any KVM host.
 */
#include "env/env.h"
#include "lib/util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCK_PREFIX "__SCK__kvm_x86_"

static const char *const variant_names[] = {
	[HOOK_UNKNOWN] = "unknown",
	[HOOK_NONE] = "none",
	[HOOK_BEFORE] = "before",
	[HOOK_AFTER] = "after",
};

const char *hook_variant_name(enum hook_variant v)
{
	return v < ARRAY_SIZE(variant_names) ? variant_names[v] : "unknown";
}

/* Match one kallsyms line: "<addr> <type> <name>[\t[module]]". */
static void note_symbol(const char *name, size_t len, struct hook_info *info)
{
	static const struct {
		const char *op;
		size_t off;
	} ops[] = {
		{ "link_external_spt", offsetof(struct hook_info, link_external_spt) },
		{ "set_external_spte", offsetof(struct hook_info, set_external_spte) },
		{ "remove_external_spte", offsetof(struct hook_info, remove_external_spte) },
		{ "free_external_spt", offsetof(struct hook_info, free_external_spt) },
	};
	const size_t plen = sizeof(SCK_PREFIX) - 1;
	size_t i;

	if (len <= plen || memcmp(name, SCK_PREFIX, plen))
		return;
	info->kvm_keys = true;
	name += plen;
	len -= plen;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (strlen(ops[i].op) == len && !memcmp(name, ops[i].op, len))
			*(bool *)((char *)info + ops[i].off) = true;
	}
}

void hook_detect(const char *path, bool kvm_loaded, struct hook_info *info)
{
	char *text, *line, *next, *name;
	size_t len;

	memset(info, 0, sizeof(*info));
	text = read_all(path, NULL);
	if (!text) {
		snprintf(info->reason, sizeof(info->reason), "cannot read %s: %s",
			 path, strerror(errno));
		return;
	}
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* Skip the address and the type letter. */
		name = strchr(line, ' ');
		name = name ? strchr(name + 1, ' ') : NULL;
		if (!name)
			continue;
		name++;
		len = strcspn(name, " \t");
		note_symbol(name, len, info);
	}
	free(text);

	if (info->link_external_spt) {
		info->variant = HOOK_BEFORE;
		snprintf(info->reason, sizeof(info->reason),
			 "kvm_x86_ops has link_external_spt (before the series)");
	} else if (info->set_external_spte && info->free_external_spt) {
		info->variant = HOOK_AFTER;
		snprintf(info->reason, sizeof(info->reason),
			 "only set_external_spte and free_external_spt (after the series)");
	} else if (info->set_external_spte || info->free_external_spt ||
		   info->remove_external_spte) {
		info->variant = HOOK_UNKNOWN;
		snprintf(info->reason, sizeof(info->reason),
			 "an external-SPTE op layout septbench does not know");
	} else if (info->kvm_keys) {
		info->variant = HOOK_NONE;
		snprintf(info->reason, sizeof(info->reason),
			 "kvm is loaded but has no external-SPTE ops (no TDX host support)");
	} else {
		info->variant = HOOK_UNKNOWN;
		snprintf(info->reason, sizeof(info->reason), "%s",
			 kvm_loaded ? "kvm is loaded but kallsyms shows no kvm_x86 static-call keys"
				    : "the kvm module is not loaded");
	}
}

json_t *probe_hooks(void)
{
	struct hook_info info;
	json_t *sec, *ops;

	hook_detect("/proc/kallsyms", access("/sys/module/kvm", F_OK) == 0, &info);
	sec = json_object();
	json_object_set_new(sec, "variant", json_string(hook_variant_name(info.variant)));
	json_object_set_new(sec, "reason", json_string(info.reason));
	ops = json_array();
	if (info.link_external_spt)
		json_array_append_new(ops, json_string("link_external_spt"));
	if (info.set_external_spte)
		json_array_append_new(ops, json_string("set_external_spte"));
	if (info.remove_external_spte)
		json_array_append_new(ops, json_string("remove_external_spte"));
	if (info.free_external_spt)
		json_array_append_new(ops, json_string("free_external_spt"));
	json_object_set_new(sec, "external_ops", ops);
	return sec;
}
