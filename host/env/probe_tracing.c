// SPDX-License-Identifier: GPL-2.0
/* tracefs, kprobe events and hist triggers: what hook attribution needs. */
#include "env/env.h"
#include "lib/util.h"

#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool find_tracefs(char *mount, size_t size)
{
	struct mntent *m;
	bool found = false;
	FILE *f;

	f = setmntent("/proc/mounts", "r");
	if (!f)
		return false;
	while (!found && (m = getmntent(f))) {
		if (!strcmp(m->mnt_type, "tracefs")) {
			snprintf(mount, size, "%s", m->mnt_dir);
			found = true;
		}
	}
	endmntent(f);
	return found;
}

static json_t *file_check(const char *dir, const char *file, int mode, const char *why)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!access(path, mode))
		return check_new(true, NULL);
	return check_new(false, "%s: %s", path, why);
}

json_t *probe_tracing(char *mount, size_t size)
{
	json_t *sec = json_object();
	char path[512], *readme;
	bool has_hist;

	*mount = '\0';
	if (!find_tracefs(mount, size)) {
		json_object_set_new(sec, "tracefs",
				    check_new(false, "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)"));
		return sec;
	}
	json_object_set_new(sec, "tracefs", check_new(true, NULL));
	json_object_set_new(sec, "mount", json_string(mount));
	json_object_set_new(sec, "kprobe_events",
			    file_check(mount, "kprobe_events", W_OK, "absent or read-only (CONFIG_KPROBE_EVENTS)"));
	json_object_set_new(sec, "instances",
			    file_check(mount, "instances", W_OK, "no tracefs instances"));
	json_object_set_new(sec, "kvm_events",
			    file_check(mount, "events/kvm", F_OK, "no kvm tracepoints (kvm not loaded?)"));
	json_object_set_new(sec, "kvmmmu_events",
			    file_check(mount, "events/kvmmmu", F_OK, "no kvmmmu tracepoints (kvm not loaded?)"));
	snprintf(path, sizeof(path), "%s/README", mount);
	readme = read_all(path, NULL);
	has_hist = readme && strstr(readme, "hist:");
	json_object_set_new(sec, "hist_triggers",
			    check_new(has_hist, has_hist ? NULL : "no hist triggers (CONFIG_HIST_TRIGGERS)"));
	free(readme);
	return sec;
}
