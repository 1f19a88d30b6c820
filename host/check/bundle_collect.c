// SPDX-License-Identifier: GPL-2.0
/*
 * What the bundle holds, and only that: septbench env --json, the
 * kernel config's KVM and TDX lines, the TDX lines of the kernel log,
 * the TDX module's sysfs attributes, the septbench version, the run's
 * files.  No other file of the host, no host name beyond env's.
 */
#include "check/bundle.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <zlib.h>

#ifndef SEPTBENCH_VERSION
#define SEPTBENCH_VERSION "unknown"
#endif

/* 7.2: drivers/virt/coco/tdx-host, Documentation/ABI/testing/sysfs-devices-faux-tdx-host. */
#define TDX_HOST_SYSFS "/sys/devices/faux/tdx_host"
static const char *const tdx_host_attrs[] = { "version", "seamldr_version", "num_remaining_updates" };

#define SYSLOG_READ_ALL 3
#define SYSLOG_SIZE_BUFFER 10

static int member(struct bundle_member *m, const char *name, char *data, size_t len)
{
	if (!data)
		return -ENOMEM;
	snprintf(m->name, sizeof(m->name), "%s/%s", BUNDLE_TOP, name);
	m->data = data;
	m->len = len;
	return 0;
}

/* A text member from a memstream. */
struct text {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *text_open(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f;
}

static int text_member(struct bundle_member *m, const char *name, struct text *t)
{
	fclose(t->f);
	return member(m, name, t->buf, t->len);
}

/* CONFIG_ lines naming KVM or TDX, set or not, from the config env found. */
static int kconfig_lines(const json_t *env, struct bundle_member *m)
{
	const char *src = json_string_value(json_object_get(json_object_get(json_object_get(env,
				"kernel"), "config"), "source"));
	char line[1024], paths[3][160];
	struct utsname u;
	struct text t;
	gzFile gz = NULL;
	size_t i;

	if (!text_open(&t))
		return -ENOMEM;
	uname(&u);
	snprintf(paths[0], sizeof(paths[0]), "%s", src ?: "/proc/config.gz");
	snprintf(paths[1], sizeof(paths[1]), "/boot/config-%s", u.release);
	snprintf(paths[2], sizeof(paths[2]), "/lib/modules/%s/config", u.release);
	for (i = 0; i < ARRAY_SIZE(paths) && !gz; i++)
		if (!access(paths[i], R_OK))
			gz = gzopen(paths[i], "rb");	/* plain text too */
	if (!gz) {
		fprintf(t.f, "# no kernel config readable (%s, %s, %s)\n", paths[0], paths[1], paths[2]);
	} else {
		fprintf(t.f, "# the KVM and TDX lines of %s\n", paths[i - 1]);
		while (gzgets(gz, line, sizeof(line)))
			if (strstr(line, "CONFIG_") && (strstr(line, "KVM") || strstr(line, "TDX")))
				fputs(line, t.f);
		gzclose(gz);
	}
	return text_member(m, "kernel-config.txt", &t);
}

/* Kernel log lines that name TDX or the SEAM loader. */
static int dmesg_lines(struct bundle_member *m)
{
	int size = klogctl(SYSLOG_SIZE_BUFFER, NULL, 0), n;
	char *buf, *p, *nl;
	struct text t;

	if (!text_open(&t))
		return -ENOMEM;
	buf = size > 0 ? malloc(size + 1) : NULL;
	n = buf ? klogctl(SYSLOG_READ_ALL, buf, size) : -1;
	if (n < 0) {
		fprintf(t.f, "# kernel log unreadable: %s\n", strerror(buf ? errno : ENOMEM));
	} else {
		buf[n] = '\0';
		fprintf(t.f, "# the kernel log's lines that name TDX or SEAM\n");
		for (p = buf; *p; p = nl + 1) {
			nl = strchrnul(p, '\n');
			if (memmem(p, nl - p, "tdx", 3) || memmem(p, nl - p, "TDX", 3) ||
			    memmem(p, nl - p, "seam", 4) || memmem(p, nl - p, "SEAM", 4))
				fprintf(t.f, "%.*s\n", (int)(nl - p), p);
			if (!*nl)
				break;
		}
	}
	free(buf);
	return text_member(m, "dmesg-tdx.txt", &t);
}

static int tdx_sysfs(struct bundle_member *m)
{
	char path[PATH_MAX], val[256];
	struct text t;
	size_t i;
	int r;

	if (!text_open(&t))
		return -ENOMEM;
	if (access(TDX_HOST_SYSFS, F_OK)) {
		fprintf(t.f, "# %s: absent (no TDX host driver: not a TDX host, or a kernel before 7.2)\n",
			TDX_HOST_SYSFS);
		return text_member(m, "tdx-module-sysfs.txt", &t);
	}
	fprintf(t.f, "# %s\n", TDX_HOST_SYSFS);
	for (i = 0; i < ARRAY_SIZE(tdx_host_attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", TDX_HOST_SYSFS, tdx_host_attrs[i]);
		r = read_text(path, val, sizeof(val));
		if (r >= 0)
			fprintf(t.f, "%s: %s\n", tdx_host_attrs[i], val);
		else
			fprintf(t.f, "%s: unreadable (%s)\n", tdx_host_attrs[i], strerror(-r));
	}
	return text_member(m, "tdx-module-sysfs.txt", &t);
}

int bundle_collect_host(const json_t *env, struct bundle_member *m, size_t max)
{
	char *text;
	int n = 0, r;

	if (max < 5)
		return -ENOSPC;
	text = json_dumps(env, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text && asprintf(&m[n].data, "%s\n", text) < 0)
		m[n].data = NULL;
	free(text);
	r = member(&m[n], "env.json", m[n].data, m[n].data ? strlen(m[n].data) : 0);
	if (r)
		return r;
	n++;
	r = kconfig_lines(env, &m[n]);
	if (!r)
		r = dmesg_lines(&m[++n]);
	if (!r)
		r = tdx_sysfs(&m[++n]);
	if (!r && asprintf(&text, "septbench %s\n", SEPTBENCH_VERSION) < 0)
		r = -ENOMEM;
	if (!r)
		r = member(&m[++n], "version.txt", text, strlen(text));
	return r ? r : n + 1;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct bundle_member *)a)->name, ((const struct bundle_member *)b)->name);
}

int bundle_collect_run(const char *dir, struct bundle_member *m, size_t max)
{
	char path[PATH_MAX], *copy = strdup(dir), *base, name[PATH_MAX];
	struct dirent *e;
	struct stat st;
	size_t n = 0, len;
	DIR *d;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	d = opendir(dir);
	if (!d) {
		free(copy);
		return -errno;
	}
	while (!r && (e = readdir(d))) {
		if (e->d_name[0] == '.')	/* ., .., temporary names of atomic writes */
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (n == max) {
			r = -ENOSPC;
			break;
		}
		m[n].data = read_all(path, &m[n].len);
		if (!m[n].data) {
			r = -EIO;
			break;
		}
		snprintf(name, sizeof(name), "results/%s/%s", base, e->d_name);
		member(&m[n], name, m[n].data, m[n].len);
		n++;
	}
	closedir(d);
	free(copy);
	qsort(m, n, sizeof(*m), cmp_name);
	if (r) {
		while (n--)
			free(m[n].data);
		return r;
	}
	return n;
}
