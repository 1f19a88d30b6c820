// SPDX-License-Identifier: GPL-2.0
/*
 * Can this host create a TD?  Each step names what is missing and what
 * to do, in the order a user has to fix them.  Checked against 7.2's
 * tdx_bringup(): the TDX module is brought up by the core kernel at
 * subsys init (arch/x86/virt/vmx/tdx/tdx.c), so kvm_intel no longer asks
 * for kvm.enable_virt_at_load=1; what is left is the platform flag,
 * kvm_intel.tdx and, from KVM, the VM type.
 */
#include "env/env.h"
#include "lib/util.h"
#include "tdx/td.h"

#include <linux/kvm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether the first "flags" line of /proc/cpuinfo lists @flag. */
static bool cpu_has_flag(const char *flag)
{
	char *text = read_all("/proc/cpuinfo", NULL), *line, *p;
	size_t len = strlen(flag);
	bool found = false;

	if (!text)
		return false;
	line = strstr(text, "\nflags");
	if (line) {
		line = strchr(line, ':');
		for (p = line; p && !found; p = strchr(p + 1, ' ')) {
			if (!strncmp(p + 1, flag, len) &&
			    (p[1 + len] == ' ' || p[1 + len] == '\n' || !p[1 + len]))
				found = true;
			if (strchr(p + 1, '\n') && strchr(p + 1, '\n') < strchr(p + 1, ' '))
				break;
		}
	}
	free(text);
	return found;
}

static bool param_is_yes(const char *path)
{
	char val[16];

	return read_text(path, val, sizeof(val)) > 0 && (val[0] == 'Y' || val[0] == '1');
}

static void add_sysfs(json_t *sec, const char *key, const char *path)
{
	char val[128];

	if (read_text(path, val, sizeof(val)) > 0)
		json_object_set_new(sec, key, json_string(val));
}

json_t *tdx_caps_summary(const struct kvm_tdx_capabilities *c)
{
	json_t *leaves = json_array();
	char buf[32], xfam[32];
	uint32_t i;

	for (i = 0; i < c->cpuid.nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->cpuid.entries[i];

		if (e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX || e->index)
			snprintf(buf, sizeof(buf), "0x%x.%u", e->function, e->index);
		else
			snprintf(buf, sizeof(buf), "0x%x", e->function);
		json_array_append_new(leaves, json_string(buf));
	}
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)c->supported_attrs);
	snprintf(xfam, sizeof(xfam), "0x%llx", (unsigned long long)c->supported_xfam);
	return json_pack("{s:s, s:s, s:I, s:o}", "supported_attrs", buf, "supported_xfam", xfam,
			 "cpuid_leaves", (json_int_t)c->cpuid.nent, "configurable_leaves", leaves);
}

/* The TDX module as KVM reports it, from a TD VM made for the purpose. */
static void add_caps(json_t *sec)
{
	struct kvm_tdx_capabilities *c;
	char err[384];

	if (td_query_caps(&kvm_io_sys, &c, err, sizeof(err))) {
		json_object_set_new(sec, "capabilities", json_pack("{s:s}", "error", err));
		return;
	}
	json_object_set_new(sec, "capabilities", tdx_caps_summary(c));
	free(c);
}

json_t *probe_tdx(const json_t *kvm)
{
	const json_t *tdx_type = json_object_get(json_object_get(kvm, "vm_types"), "tdx");
	json_t *sec = json_object(), *steps = json_array();
	bool ready = true;

#define STEP(name, ok, ...) do {						\
		json_t *s_ = check_new((ok), (ok) ? NULL : __VA_ARGS__);	\
		json_object_set_new(s_, "step", json_string(name));		\
		json_array_append_new(steps, s_);				\
		if (!(ok) && ready) {						\
			ready = false;						\
			json_object_set(sec, "first_missing", s_);		\
		}								\
	} while (0)

	STEP("cpu", cpu_has_flag("tdx_host_platform"),
	     "CPU flag tdx_host_platform absent: needs a TDX-capable Xeon with TDX and TME-MK enabled in the BIOS, and a kernel with CONFIG_INTEL_TDX_HOST=y");
	STEP("kvm_intel", access("/sys/module/kvm_intel", F_OK) == 0,
	     "kvm_intel is not loaded: modprobe kvm_intel tdx=1");
	STEP("kvm_intel.tdx", param_is_yes("/sys/module/kvm_intel/parameters/tdx"),
	     "kvm_intel.tdx is off: boot with kvm_intel.tdx=1 (or modprobe kvm_intel tdx=1); dmesg says why TDX setup failed");
	STEP("vm_type", tdx_type && check_ok(tdx_type),
	     "%s", tdx_type ? json_string_value(json_object_get(tdx_type, "reason"))
			    : "KVM is not usable, so no TD can be created");
#undef STEP
	json_object_set_new(sec, "ready", json_boolean(ready));
	if (ready)
		add_caps(sec);
	/* The TDX module's own version, where the kernel exposes it (7.2+). */
	add_sysfs(sec, "module_version", "/sys/devices/faux/tdx_host/version");
	add_sysfs(sec, "seamldr_version", "/sys/devices/faux/tdx_host/seamldr_version");
	json_object_set_new(sec, "steps", steps);
	return sec;
}
