// SPDX-License-Identifier: GPL-2.0
/*
 * Which VM types a scenario runs on, asked of the backends' own checks
 * (the ones `septbench run` makes) against a host that offers everything:
 * every VM type with guest_memfd, pre-faulting and MapGPA exits, private
 * memory attributes on the private types, hugetlb pools and THP.  On the
 * private types the scenario is taken as bench/private.suite takes it:
 * its 4K memory guest_memfd (a hugetlb backing stays: 2M is what it is
 * about), a churn that zaps by MADV_DONTNEED zapping by conversion.
 */
#include "run/backend.h"
#include "kvm/vm_types.h"

#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

static json_t *capable_env(void)
{
	json_t *caps = json_pack("{s:{s:b}, s:{s:b}, s:{s:b}}", "guest_memfd", "ok", 1,
				 "pre_fault_memory", "ok", 1, "exit_hypercall", "ok", 1);
	json_t *priv = json_deep_copy(caps);

	json_object_set_new(priv, "memory_attributes", json_pack("{s:b, s:b}", "ok", 1, "private", 1));
	return json_pack("{s:{s:{s:{s:b, s:o}, s:{s:b, s:O}, s:{s:b, s:o}}}, s:{s:{s:{s:I}, s:{s:I}}, s:{s:s}}}",
			 "kvm", "vm_types", "default", "ok", 1, "caps", caps,
			 "sw-protected", "ok", 1, "caps", priv, "tdx", "ok", 1, "caps", priv,
			 "memory", "hugetlb", "2M", "free", (json_int_t)1 << 40,
			 "1G", "free", (json_int_t)1 << 40, "thp", "enabled", "always");
}

size_t scenario_vm_types(const struct scenario *s, char *buf, size_t size)
{
	static const char *const names[] = { "default", "sw-protected", "tdx" };
	json_t *env = capable_env();
	size_t i, len = 0, nr = 0;
	char why[256];

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const struct vm_type_desc *t = vm_type_by_name(names[i]);
		struct run_opts o = { .vm_type = t->type, .vm_type_name = t->name, .anywhere = true };
		const struct backend_ops *be = backend_for(&o);
		struct scenario p = *s;

		if (t->type != KVM_X86_DEFAULT_VM && backing_page_size(p.backing) <= 4096) {
			p.backing = BACKING_GMEM;
			if (p.kind == KIND_CHURN && p.zap == ZAP_DONTNEED)
				p.zap = ZAP_CONVERT;
		}
		if (!be || be->check(&p, &o, env, why, sizeof(why)) != ENGINE_OK)
			continue;
		if (len < size)
			len += snprintf(buf + len, size - len, "%s%s", nr ? "," : "", names[i]);
		nr++;
	}
	json_decref(env);
	return nr;
}
