/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this host can run.  Each probe returns a JSON section; a check is
 * an object {"ok": bool, "reason": "..."} so that every "no" says why.
 * The same sections go into a run's meta.json.
 */
#ifndef SEPTBENCH_ENV_H
#define SEPTBENCH_ENV_H

#include <jansson.h>
#include <stdbool.h>

/* The S-EPT hook layout of the running kvm.ko (see DESIGN.md). */
enum hook_variant {
	HOOK_UNKNOWN,	/* kvm not loaded, or kallsyms unreadable */
	HOOK_NONE,	/* kvm loaded, no external-SPTE ops at all */
	HOOK_BEFORE,	/* link_external_spt + set_external_spte ... */
	HOOK_AFTER,	/* set_external_spte and free_external_spt only */
};

struct hook_info {
	enum hook_variant variant;
	bool kvm_keys;		/* any __SCK__kvm_x86_* key seen */
	bool link_external_spt;
	bool set_external_spte;
	bool remove_external_spte;
	bool free_external_spt;
	char reason[160];
};

const char *hook_variant_name(enum hook_variant v);

/*
 * Classify the kallsyms text at @path.  @kvm_loaded tells whether the kvm
 * module is present (sysfs), so an empty result can be explained.
 */
void hook_detect(const char *path, bool kvm_loaded, struct hook_info *info);

/* A check object: {"ok": ok, "reason": reason-if-not-ok}. */
json_t *check_new(bool ok, const char *reason_fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool check_ok(const json_t *check);

json_t *probe_host(void);
json_t *probe_kvm(void);
json_t *probe_hooks(void);
/* The kernel build's identity; @hooks is probe_hooks()' section. */
json_t *probe_kernel(const json_t *hooks);
json_t *probe_tdx(const json_t *kvm);
struct kvm_tdx_capabilities;
/* KVM_TDX_CAPABILITIES as meta.json records it: attributes, XFAM, the configurable CPUID leaves. */
json_t *tdx_caps_summary(const struct kvm_tdx_capabilities *c);
json_t *probe_perf(const char *tracefs);
json_t *probe_tracing(char *mount, size_t size);
json_t *probe_memory(void);

/* The whole report: every section above. */
json_t *env_collect(void);

#endif
