// SPDX-License-Identifier: GPL-2.0
#include "trace/tracefs.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

void tfs_instance_dir(char *buf, size_t size, const char *tracefs, pid_t pid)
{
	snprintf(buf, size, "%s/instances/septbench-%d", tracefs, (int)pid);
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

int tfs_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, r = 0;

	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
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

/*
 * Remove every trigger in @path: each line read back, with '!' before it
 * and its " [active]" tail cut.  Returns removed count or -errno.
 */
static int clear_triggers(const char *path, int *first_err)
{
	char *text = read_all(path, NULL), *line, *save = NULL, *sp, cmd[1024];
	int n = 0, r;

	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (*line == '#' || !*line)
			continue;
		sp = strstr(line, " [");
		if (sp)
			*sp = '\0';
		snprintf(cmd, sizeof(cmd), "!%s", line);
		r = tfs_write(path, cmd);
		if (r && !*first_err)
			*first_err = r;
		n += !r;
	}
	free(text);
	return n;
}

/* Every event directory under @dir whose name starts with @prefix. */
static int clear_dir_triggers(const char *dir, const char *prefix, char first_char, int *err)
{
	char path[1024];
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		if (first_char && de->d_name[strlen(prefix)] != first_char)
			continue;
		snprintf(path, sizeof(path), "%s/%s/trigger", dir, de->d_name);
		n += clear_triggers(path, err);
	}
	closedir(d);
	return n;
}

/* Delete the dynamic events named for @pid, from dynamic_events. */
static int remove_dyn_events(const char *tracefs, pid_t pid, int *err)
{
	char path[512], cmd[256], group[64], synth[64], *text, *line, *save = NULL, *name, *end;
	int n = 0, r, pass;

	snprintf(path, sizeof(path), "%s/dynamic_events", tracefs);
	snprintf(group, sizeof(group), GROUP_FMT "/", (int)pid);
	snprintf(synth, sizeof(synth), "synthetic/" GROUP_FMT "_", (int)pid);
	/* Synthetic events first: nothing refers to them once triggers are gone. */
	for (pass = 0; pass < 2; pass++) {
		text = read_all(path, NULL);
		if (!text)
			return n;
		save = NULL;
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			name = strchr(line, ':');
			if (!name)
				continue;
			name++;
			if (strncmp(name, pass ? group : synth, strlen(pass ? group : synth)))
				continue;
			end = name + strcspn(name, " \t");
			*end = '\0';
			snprintf(cmd, sizeof(cmd), "-:%s", name);
			r = tfs_write(path, cmd);
			if (r && !*err)
				*err = r;
			n += !r;
		}
		free(text);
	}
	return n;
}

int tfs_remove_pid(const char *tracefs, pid_t pid)
{
	char inst[512], dir[640], prefix[64];
	int n = 0, err = 0;

	tfs_instance_dir(inst, sizeof(inst), tracefs, pid);
	if (!access(inst, F_OK)) {
		snprintf(dir, sizeof(dir), "%s/events/synthetic", inst);
		snprintf(prefix, sizeof(prefix), GROUP_FMT "_", (int)pid);
		n += clear_dir_triggers(dir, prefix, 0, &err);
		snprintf(dir, sizeof(dir), "%s/events/" GROUP_FMT, inst, (int)pid);
		n += clear_dir_triggers(dir, "r_", 0, &err);
		n += clear_dir_triggers(dir, "e_", 0, &err);
		if (rmdir(inst)) {
			if (!err)
				err = -errno;
		} else {
			n++;
		}
	}
	n += remove_dyn_events(tracefs, pid, &err);
	return err ? err : n;
}

static bool pid_gone(pid_t pid)
{
	return kill(pid, 0) && errno == ESRCH;
}

int tfs_remove_stale(const char *tracefs, void (*report)(pid_t pid, int err))
{
	char path[512], *text, *line, *save = NULL;
	pid_t pids[64], pid;
	unsigned int nr = 0, i;
	struct dirent *de;
	DIR *d;
	int r;

#define ADD_PID(p) do {								\
	for (i = 0; i < nr && pids[i] != (p); i++)				\
		;								\
	if (i == nr && nr < ARRAY_SIZE(pids) && (p) != getpid() && pid_gone(p))	\
		pids[nr++] = (p);						\
} while (0)
	snprintf(path, sizeof(path), "%s/instances", tracefs);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (!strncmp(de->d_name, "septbench-", 10) && (pid = tfs_owner_pid(de->d_name)))
			ADD_PID(pid);
	}
	if (d)
		closedir(d);
	/* Events whose instance was never made, or already removed. */
	snprintf(path, sizeof(path), "%s/dynamic_events", tracefs);
	text = read_all(path, NULL);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		line = strchr(line, ':');
		if (line && (pid = tfs_owner_pid(line + 1)))
			ADD_PID(pid);
	}
	free(text);
#undef ADD_PID
	for (i = 0; i < nr; i++) {
		r = tfs_remove_pid(tracefs, pids[i]);
		if (report)
			report(pids[i], r < 0 ? r : 0);
	}
	return nr;
}
