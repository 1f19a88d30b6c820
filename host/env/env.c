// SPDX-License-Identifier: GPL-2.0
#include "env/env.h"

json_t *env_collect(void)
{
	json_t *env = json_object(), *kvm, *hooks;
	char tracefs[256];

	json_object_set_new(env, "schema", json_string("septbench-env/1"));
	json_object_set_new(env, "host", probe_host());
	kvm = probe_kvm();
	json_object_set_new(env, "kvm", kvm);
	hooks = probe_hooks();
	json_object_set_new(env, "hooks", hooks);
	json_object_set_new(env, "kernel", probe_kernel(hooks));
	json_object_set_new(env, "tdx", probe_tdx(kvm));
	json_object_set_new(env, "tracing", probe_tracing(tracefs, sizeof(tracefs)));
	json_object_set_new(env, "perf", probe_perf(tracefs));
	json_object_set_new(env, "memory", probe_memory());
	return env;
}
