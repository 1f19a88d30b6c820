// SPDX-License-Identifier: GPL-2.0
#include "trace/tracefs.h"
#include "lib/util.h"

#include <tracefs.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GROUP_FMT "septbench_%d"

void tfs_kprobe_cmd(char *buf, size_t size, pid_t pid, unsigned int i, const char *symbol,
		    bool ret)
{
	snprintf(buf, size, "%c:" GROUP_FMT "/%c_%u %s", ret ? 'r' : 'p', (int)pid,
		 ret ? 'r' : 'e', i, symbol);
}

void tfs_synth_cmd(char *buf, size_t size, pid_t pid, unsigned int i)
{
	snprintf(buf, size, GROUP_FMT "_%u u64 lat", (int)pid, i);
}

/*
 * common_timestamp is in ns with the hist's default clock (global); the
 * variable is consumed by the first return that reads it, so a recursive
 * call yields one latency sample, for the innermost call.
 */
void tfs_entry_trigger(char *buf, size_t size)
{
	snprintf(buf, size, "hist:keys=common_pid:ts0=common_timestamp");
}

void tfs_return_trigger(char *buf, size_t size, pid_t pid, unsigned int i)
{
	snprintf(buf, size,
		 "hist:keys=common_pid:lat=common_timestamp-$ts0:onmatch(" GROUP_FMT ".e_%u).trace("
		 GROUP_FMT "_%u,$lat)", (int)pid, i, (int)pid, i);
}

/* No sort key: the trigger as read back then removes with a plain '!'. */
void tfs_synth_trigger(char *buf, size_t size)
{
	snprintf(buf, size, "hist:keys=lat.log2");
}

void tfs_event_file(char *buf, size_t size, const char *tracefs, pid_t pid, unsigned int i,
		    char kind, const char *file)
{
	if (kind == 's')
		snprintf(buf, size, "%s/instances/septbench-%d/events/synthetic/" GROUP_FMT "_%u/%s",
			 tracefs, (int)pid, (int)pid, i, file);
	else
		snprintf(buf, size, "%s/instances/septbench-%d/events/" GROUP_FMT "/%c_%u/%s",
			 tracefs, (int)pid, (int)pid, kind, i, file);
}

void tfs_instance_name(char *buf, size_t size, pid_t pid)
{
	snprintf(buf, size, "septbench-%d", (int)pid);
}

void tfs_group(char *buf, size_t size, pid_t pid)
{
	snprintf(buf, size, GROUP_FMT, (int)pid);
}

void tfs_probe_name(char *buf, size_t size, unsigned int i, bool ret)
{
	snprintf(buf, size, "%c_%u", ret ? 'r' : 'e', i);
}

void tfs_synth_name(char *buf, size_t size, pid_t pid, unsigned int i)
{
	snprintf(buf, size, GROUP_FMT "_%u", (int)pid, i);
}

/*
 * Always set, never asked: tracefs_tracing_dir() would look for (and
 * could mount) tracefs itself.
 */
int tfs_use_dir(const char *tracefs)
{
	static char current[512];
	char dir[512];

	if (!tracefs || !*tracefs)
		return -ENOENT;
	if (!strcmp(current, tracefs))
		return 0;
	snprintf(dir, sizeof(dir), "%s", tracefs);
	if (tracefs_set_tracing_dir(dir))
		return -ENOMEM;
	snprintf(current, sizeof(current), "%s", tracefs);
	return 0;
}

pid_t tfs_owner_pid(const char *name)
{
	const char *p = strstr(name, "septbench");
	char *end;
	long v;

	if (!p || (p[9] != '-' && p[9] != '_'))
		return 0;
	v = strtol(p + 10, &end, 10);
	if (end == p + 10 || v <= 0 || v > 0x7fffffff)
		return 0;
	if (*end && *end != '/' && *end != '_' && *end != '\n' && *end != ' ' && *end != '\t')
		return 0;
	return (pid_t)v;
}

static void note_err(int *first_err)
{
	if (!*first_err)
		*first_err = errno ? -errno : -EIO;
}

/*
 * Remove every trigger of one event in @inst (NULL: the top instance):
 * each line read back, with '!' before it and its " [active]" tail cut.
 */
static int clear_triggers(struct tracefs_instance *inst, const char *sys, const char *ev,
			  int *first_err)
{
	char *text, *line, *save = NULL, *sp, cmd[1024];
	int n = 0;

	text = tracefs_event_file_read(inst, sys, ev, "trigger", NULL);
	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (*line == '#' || !*line)
			continue;
		sp = strstr(line, " [");
		if (sp)
			*sp = '\0';
		snprintf(cmd, sizeof(cmd), "!%s", line);
		if (tracefs_event_file_append(inst, sys, ev, "trigger", cmd) < 0)
			note_err(first_err);
		else
			n++;
	}
	free(text);
	return n;
}

/* The triggers on events of @sys whose names start with @prefix. */
static int clear_events(struct tracefs_instance *inst, const char *sys, char **events,
			const char *prefix, int *err)
{
	int n = 0, i;

	for (i = 0; events && events[i]; i++)
		if (!strncmp(events[i], prefix, strlen(prefix)))
			n += clear_triggers(inst, sys, events[i], err);
	return n;
}

/* Synthetic events first, then the kprobes: nothing refers to them once triggers are gone. */
static int remove_dyn_events(pid_t pid, int *err)
{
	struct tracefs_dynevent **all;
	char group[32], synth[40], *sys, *ev;
	int n = 0, pass, i;
	bool ours;

	tfs_group(group, sizeof(group), pid);
	snprintf(synth, sizeof(synth), "%s_", group);
	for (pass = 0; pass < 2; pass++) {
		all = pass ? tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE |
						      TRACEFS_DYNEVENT_KRETPROBE, group) :
			     tracefs_dynevent_get_all(TRACEFS_DYNEVENT_SYNTH, NULL);
		for (i = 0; all && all[i]; i++) {
			sys = ev = NULL;
			tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
			ours = pass ? sys && !strcmp(sys, group) :
				      ev && !strncmp(ev, synth, strlen(synth));
			free(sys);
			free(ev);
			if (!ours)
				continue;
			if (tracefs_dynevent_destroy(all[i], false))
				note_err(err);
			else
				n++;
		}
		tracefs_dynevent_list_free(all);
	}
	return n;
}

int tfs_remove_pid(const char *tracefs, pid_t pid)
{
	char name[32], group[32], prefix[40];
	struct tracefs_instance *inst = NULL;
	char **kprobes, **synths;
	int n = 0, err = 0, r, k;

	r = tfs_use_dir(tracefs);
	if (r)
		return r;
	tfs_instance_name(name, sizeof(name), pid);
	tfs_group(group, sizeof(group), pid);
	snprintf(prefix, sizeof(prefix), "%s_", group);
	kprobes = tracefs_system_events(NULL, group);
	synths = tracefs_system_events(NULL, "synthetic");
	if (tracefs_instance_exists(name))
		inst = tracefs_instance_alloc(NULL, name);
	/* Our instance, then the top one (libtracefs before 1.7 pairs probes there). */
	for (k = inst ? 0 : 1; k < 2; k++) {
		struct tracefs_instance *in = k ? NULL : inst;

		n += clear_events(in, "synthetic", synths, prefix, &err);
		n += clear_events(in, group, kprobes, "r_", &err);
		n += clear_events(in, group, kprobes, "e_", &err);
	}
	tracefs_list_free(kprobes);
	tracefs_list_free(synths);
	if (inst) {
		if (tracefs_instance_destroy(inst))
			note_err(&err);
		else
			n++;
		tracefs_instance_free(inst);
	}
	n += remove_dyn_events(pid, &err);
	return err ? err : n;
}

static bool pid_gone(pid_t pid)
{
	return kill(pid, 0) && errno == ESRCH;
}

int tfs_remove_stale(const char *tracefs, void (*report)(pid_t pid, int err))
{
	struct tracefs_dynevent **all;
	pid_t pids[64], pid;
	unsigned int nr = 0, i;
	char **names, *sys, *ev;
	int r, k;

#define ADD_PID(p) do {								\
	for (i = 0; i < nr && pids[i] != (p); i++)				\
		;								\
	if (i == nr && nr < ARRAY_SIZE(pids) && (p) != getpid() && pid_gone(p))	\
		pids[nr++] = (p);						\
} while (0)
	if (tfs_use_dir(tracefs))
		return 0;
	/* No regex: libtracefs 1.6 leaks the compiled one. */
	names = tracefs_instances(NULL);
	for (k = 0; names && names[k]; k++)
		if (!strncmp(names[k], "septbench-", 10) && (pid = tfs_owner_pid(names[k])))
			ADD_PID(pid);
	tracefs_list_free(names);
	/* Events whose instance was never made, or already removed. */
	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE |
				       TRACEFS_DYNEVENT_SYNTH, NULL);
	for (k = 0; all && all[k]; k++) {
		sys = ev = NULL;
		tracefs_dynevent_info(all[k], &sys, &ev, NULL, NULL, NULL);
		pid = tfs_owner_pid(sys && strcmp(sys, "synthetic") ? sys : ev ?: "");
		if (pid)
			ADD_PID(pid);
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(all);
#undef ADD_PID
	for (i = 0; i < nr; i++) {
		r = tfs_remove_pid(tracefs, pids[i]);
		if (report)
			report(pids[i], r < 0 ? r : 0);
	}
	return nr;
}
