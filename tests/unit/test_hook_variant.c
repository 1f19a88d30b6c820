// SPDX-License-Identifier: GPL-2.0
/*
 * Hook variant detection from kallsyms.  The symbol sets mirror what
 * Debian's builds expose (6.18.15: four external-SPTE keys; 7.2.13:
 * set_external_spte and free_external_spt only; 6.12: none).
 */
#include "env/env.h"
#include "tap.h"

#include <unistd.h>

#define KEY(addr, op) addr " d __SCK__kvm_x86_" op "\t[kvm]\n"

static const char common[] =
	"ffffffff81000000 T _text\n"
	KEY("ffffffffc0a00000", "vcpu_run")
	KEY("ffffffffc0a00010", "get_mt_mask")
	"ffffffffc0a00020 t __SCT__kvm_x86_link_external_spt\t[kvm]\n";

static enum hook_variant detect(const char *extra, bool kvm_loaded, struct hook_info *info)
{
	const char *path = tap_write_tmp("kallsyms", extra);

	hook_detect(path, kvm_loaded, info);
	unlink(path);
	return info->variant;
}

int main(void)
{
	struct hook_info info;
	char text[4096];

	tap_plan(11);

	snprintf(text, sizeof(text), "%s%s%s%s%s", common,
		 KEY("ffffffffc0a00100", "link_external_spt"),
		 KEY("ffffffffc0a00110", "set_external_spte"),
		 KEY("ffffffffc0a00120", "remove_external_spte"),
		 KEY("ffffffffc0a00130", "free_external_spt"));
	tap_is_str(hook_variant_name(detect(text, true, &info)), "before",
		   "6.18-style kvm.ko (link_external_spt present) is 'before'");
	tap_ok(info.remove_external_spte && info.free_external_spt, "all four ops noted");

	snprintf(text, sizeof(text), "%s%s%s", common,
		 KEY("ffffffffc0a00110", "set_external_spte"),
		 KEY("ffffffffc0a00130", "free_external_spt"));
	tap_is_str(hook_variant_name(detect(text, true, &info)), "after",
		   "7.2-style kvm.ko (set + free only) is 'after'");
	tap_ok(!info.link_external_spt && !info.remove_external_spte,
	       "no link/remove ops noted after the series");

	tap_is_str(hook_variant_name(detect(common, true, &info)), "none",
		   "kvm keys without external-SPTE ops is 'none'");

	tap_is_str(hook_variant_name(detect("ffffffff81000000 T _text\n", false, &info)), "unknown",
		   "no kvm keys and kvm not loaded is 'unknown'");
	tap_ok(strstr(info.reason, "not loaded") != NULL, "the reason says kvm is not loaded");

	snprintf(text, sizeof(text), "%s%s", common, KEY("ffffffffc0a00110", "set_external_spte"));
	tap_is_str(hook_variant_name(detect(text, true, &info)), "unknown",
		   "a partial layout is 'unknown', not guessed");

	/* Longer names sharing a prefix must not count as the op. */
	snprintf(text, sizeof(text), "%s%s%s", common,
		 KEY("ffffffffc0a00110", "set_external_spte_x"),
		 KEY("ffffffffc0a00130", "free_external_spt_y"));
	tap_is_str(hook_variant_name(detect(text, true, &info)), "none",
		   "prefix-sharing names are not ops");

	/* Lines without a module column (built-in kvm) are read too. */
	tap_is_str(hook_variant_name(detect("0000000000000000 d __SCK__kvm_x86_link_external_spt\n",
					    true, &info)), "before",
		   "built-in kvm (no [kvm] column, zeroed addresses) is read");

	hook_detect("/nonexistent/kallsyms", true, &info);
	tap_ok(info.variant == HOOK_UNKNOWN && strstr(info.reason, "cannot read"),
	       "unreadable kallsyms is 'unknown' with the reason");
	return tap_done();
}
