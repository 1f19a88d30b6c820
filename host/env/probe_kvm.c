// SPDX-License-Identifier: GPL-2.0
/* What the KVM device and module offer: VM types, capabilities, knobs. */
#include "env/env.h"
#include "kvm/vm_types.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KVM_DEV "/dev/kvm"

/* VM-level capabilities the scenarios depend on. */
static const struct {
	const char *name;
	long cap;
	const char *why_missing;
} vm_caps[] = {
	{ "user_memory2", KVM_CAP_USER_MEMORY2, "no KVM_SET_USER_MEMORY_REGION2 (kernel < 6.8)" },
	{ "guest_memfd", KVM_CAP_GUEST_MEMFD, "no guest_memfd for this VM type" },
	{ "pre_fault_memory", KVM_CAP_PRE_FAULT_MEMORY, "no KVM_PRE_FAULT_MEMORY (kernel < 6.10 or no TDP)" },
	{ "memory_attributes", KVM_CAP_MEMORY_ATTRIBUTES, "no private memory attributes for this VM type" },
	{ "binary_stats", KVM_CAP_BINARY_STATS_FD, "no KVM_GET_STATS_FD (kernel < 5.14)" },
	{ "manual_dirty_log_protect", KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, "no KVM_CLEAR_DIRTY_LOG" },
	{ "split_irqchip", KVM_CAP_SPLIT_IRQCHIP, "no split irqchip" },
	{ "exit_hypercall", KVM_CAP_EXIT_HYPERCALL, "no KVM_CAP_EXIT_HYPERCALL" },
};

static const char *const kvm_params[] = {
	"tdp_mmu", "eager_page_split", "nx_huge_pages", "enable_virt_at_load",
	"mmio_caching", "halt_poll_ns",
};
static const char *const amd_params[] = {
	"npt", "nested", "avic",
	/* The emulated S-EPT of septbench's test kernel (absent elsewhere). */
	"sept_emu_shared_bit", "sept_emu_busy_every", "sept_emu_delay_add_ns",
	"sept_emu_delay_aug_ns", "sept_emu_delay_block_ns", "sept_emu_delay_track_ns",
	"sept_emu_delay_remove_ns", "sept_emu_delay_reclaim_ns",
};
static const char *const intel_params[] = { "ept", "tdx", "nested", "unrestricted_guest" };

static json_t *module_params(const char *module, const char *const *names, size_t n)
{
	char path[256], val[128];
	json_t *obj = json_object();
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module, names[i]);
		if (read_text(path, val, sizeof(val)) >= 0)
			json_object_set_new(obj, names[i], json_string(val));
	}
	return obj;
}

static json_t *probe_vm_caps(int vm_fd)
{
	json_t *caps = json_object();
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(vm_caps); i++) {
		r = ioctl(vm_fd, KVM_CHECK_EXTENSION, vm_caps[i].cap);
		json_object_set_new(caps, vm_caps[i].name,
				    check_new(r > 0, r > 0 ? NULL : "%s", vm_caps[i].why_missing));
		if (vm_caps[i].cap == KVM_CAP_MEMORY_ATTRIBUTES && r > 0)
			json_object_set_new(json_object_get(caps, vm_caps[i].name), "private",
					    json_boolean(r & KVM_MEMORY_ATTRIBUTE_PRIVATE));
	}
	return caps;
}

/* Create a VM of @type to see what it really offers, then drop it. */
static json_t *probe_vm_type(int kvm_fd, const struct vm_type_desc *t, unsigned long mask)
{
	json_t *res;
	int vm_fd;

	if (!(mask & (1ul << t->type)))
		return check_new(false, "not offered by this kernel (KVM_CAP_VM_TYPES; %s)", t->hint);
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, (unsigned long)t->type);
	if (vm_fd < 0)
		return check_new(false, "offered, but KVM_CREATE_VM(%s) failed: %s",
				 t->name, strerror(errno));
	res = check_new(true, NULL);
	json_object_set_new(res, "caps", probe_vm_caps(vm_fd));
	close(vm_fd);
	return res;
}

/*
 * The suite measures the TDP MMU: a host on shadow paging (nested without
 * EPT/NPT, or tdp_mmu=N) runs the scenarios but not the code under study.
 */
static json_t *tdp_check(const json_t *kvm_knobs)
{
	const char *tdp_mmu = json_string_value(json_object_get(kvm_knobs, "tdp_mmu"));
	char val[16];

	if (read_text("/sys/module/kvm_amd/parameters/npt", val, sizeof(val)) > 0 ||
	    read_text("/sys/module/kvm_intel/parameters/ept", val, sizeof(val)) > 0) {
		if (val[0] != 'Y' && val[0] != '1')
			return check_new(false, "two-dimensional paging (EPT/NPT) is off");
	}
	if (!tdp_mmu)
		return check_new(false, "kvm has no tdp_mmu parameter: cannot tell which MMU runs");
	if (tdp_mmu[0] != 'Y' && tdp_mmu[0] != '1')
		return check_new(false, "kvm.tdp_mmu=%s: the TDP MMU is off", tdp_mmu);
	return check_new(true, NULL);
}

json_t *probe_kvm(void)
{
	json_t *sec = json_object(), *types, *offered, *params;
	unsigned long mask;
	const struct vm_type_desc *t;
	int fd, api, r;

	params = json_object();
	json_object_set_new(params, "kvm", module_params("kvm", kvm_params, ARRAY_SIZE(kvm_params)));
	if (!access("/sys/module/kvm_amd", F_OK)) {
		json_object_set_new(sec, "vendor_module", json_string("kvm_amd"));
		json_object_set_new(params, "kvm_amd",
				    module_params("kvm_amd", amd_params, ARRAY_SIZE(amd_params)));
	} else if (!access("/sys/module/kvm_intel", F_OK)) {
		json_object_set_new(sec, "vendor_module", json_string("kvm_intel"));
		json_object_set_new(params, "kvm_intel",
				    module_params("kvm_intel", intel_params, ARRAY_SIZE(intel_params)));
	}

	fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		const char *hint = errno == ENOENT ?
			"; no KVM module loaded (modprobe kvm_intel or kvm_amd), or no virtualization in this machine" : "";

		json_object_set_new(sec, "usable", check_new(false, "cannot open %s: %s%s",
							      KVM_DEV, strerror(errno), hint));
		json_object_set_new(sec, "params", params);
		return sec;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	json_object_set_new(sec, "api_version", json_integer(api));

	r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	/*
	 * Kernels without the capability offer the default type only.  The
	 * mask is a u32: type 31 (sept-emu) makes the int negative.
	 */
	mask = r != 0 && r != -1 ? (unsigned long)(unsigned int)r : 1ul << KVM_X86_DEFAULT_VM;
	json_object_set_new(sec, "vm_type_mask", json_integer(mask));

	types = json_object();
	offered = json_array();
	for (t = vm_types; t->name; t++) {
		if (mask & (1ul << t->type))
			json_array_append_new(offered, json_string(t->name));
		if (t->probe)
			json_object_set_new(types, t->name, probe_vm_type(fd, t, mask));
	}
	json_object_set_new(sec, "vm_types_offered", offered);
	json_object_set_new(sec, "vm_types", types);

	if (api != KVM_API_VERSION)
		json_object_set_new(sec, "usable", check_new(false, "KVM API version %d, expected %d",
							      api, KVM_API_VERSION));
	else if (!check_ok(json_object_get(types, "default")))
		json_object_set_new(sec, "usable", check_new(false, "%s",
			json_string_value(json_object_get(json_object_get(types, "default"), "reason"))));
	else
		json_object_set_new(sec, "usable", check_new(true, NULL));
	json_object_set_new(sec, "tdp_mmu", tdp_check(json_object_get(params, "kvm")));
	json_object_set_new(sec, "params", params);
	close(fd);
	return sec;
}
