// SPDX-License-Identifier: GPL-2.0
/*
 * The bundle's tar.gz (libarchive): checked before anything runs, written
 * to a temporary name beside the target, fsync'ed, then renamed without
 * replacing, so a failure or a race leaves nothing half-written.
 */
#include "check/bundle.h"
#include "lib/results_schema.h"
#include "lib/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_MEMBERS 256

/* The folder @path goes in ("." for a bare name). */
static void parent_of(const char *path, char *buf, size_t size)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(buf, size, "%s", dirname(copy));
}

bool bundle_path_ok(const char *path, char *err, size_t size)
{
	char dir[PATH_MAX];
	struct stat st;

	if (!*path)
		return fail_msg(err, size, "empty bundle path");
	if (strlen(path) >= PATH_MAX - 32)
		return fail_msg(err, size, "bundle path too long");
	if (!lstat(path, &st))
		return fail_msg(err, size, "%s exists: a bundle never replaces anything", path);
	if (errno != ENOENT)
		return fail_msg(err, size, "%s: %s", path, strerror(errno));
	if (path[strlen(path) - 1] == '/')
		return fail_msg(err, size, "%s: a bundle is a file, not a folder", path);
	parent_of(path, dir, sizeof(dir));
	if (stat(dir, &st))
		return fail_msg(err, size, "%s: folder %s: %s", path, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail_msg(err, size, "%s: %s is not a folder", path, dir);
	if (access(dir, W_OK))
		return fail_msg(err, size, "%s: folder %s is not writable: %s", path, dir, strerror(errno));
	return true;
}

bool bundle_is_run(const char *dir, char *err, size_t size)
{
	char path[PATH_MAX];
	json_error_t je;
	struct stat st;
	json_t *meta;
	bool ok;

	if (stat(dir, &st))
		return fail_msg(err, size, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail_msg(err, size, "%s is not a folder", dir);
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	meta = json_load_file(path, 0, &je);
	if (!meta)
		return fail_msg(err, size, "%s: not a septbench run (%s)", dir,
				access(path, F_OK) ? "no meta.json" : je.text);
	ok = json_is_string(json_object_get(meta, "run_id")) &&
	     !strcmp(json_string_value(json_object_get(meta, "schema")) ?: "", RESULTS_SCHEMA);
	json_decref(meta);
	return ok ? true : fail_msg(err, size, "%s: not a septbench run (meta.json without schema %s and a run_id)",
				    dir, RESULTS_SCHEMA);
}

static int add_member(struct archive *a, const struct bundle_member *m, time_t now)
{
	struct archive_entry *e = archive_entry_new();
	int r = 0;

	if (!e)
		return -ENOMEM;
	archive_entry_set_pathname(e, m->name);
	archive_entry_set_size(e, m->len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, now, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (m->len && archive_write_data(a, m->data, m->len) != (la_ssize_t)m->len))
		r = -EIO;
	archive_entry_free(e);
	return r;
}

static int write_archive(int fd, const struct bundle_member *m, size_t n, char *err, size_t size)
{
	struct archive *a = archive_write_new();
	time_t now = time(NULL);
	size_t i;
	int r = 0;

	if (!a)
		return -ENOMEM;
	if (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		r = -EIO;
	for (i = 0; !r && i < n; i++)
		r = add_member(a, &m[i], now);
	if (archive_write_close(a) != ARCHIVE_OK && !r)
		r = -EIO;
	if (r)
		fail_msg(err, size, "writing the archive: %s", archive_error_string(a) ?: strerror(-r));
	archive_write_free(a);
	return r;
}

/*
 * @tmp to @path, never over something that appeared meanwhile: a rename
 * that does not replace, else (file systems without it, such as 9p) a
 * hard link, else a rename after one more look.
 */
static int place(const char *tmp, const char *path)
{
	struct stat st;

	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -errno;
	if (!link(tmp, path))
		return unlink(tmp) ? -errno : 0;
	if (errno == EEXIST)
		return -EEXIST;
	if (!lstat(path, &st))
		return -EEXIST;
	return rename(tmp, path) ? -errno : 0;
}

int bundle_write(const char *path, const struct bundle_src *src, char *err, size_t size)
{
	struct bundle_member *m = calloc(MAX_MEMBERS, sizeof(*m));
	char dir[PATH_MAX], tmp[PATH_MAX + 64];
	size_t n = 0, i;
	int fd = -1, r;

	if (!m)
		return -ENOMEM;
	if (src->check_text) {
		m[n].data = malloc(src->check_len + 1);
		if (!m[n].data) {
			r = -ENOMEM;
			fail_msg(err, size, "out of memory");
			goto out;
		}
		memcpy(m[n].data, src->check_text, src->check_len);
		m[n].len = src->check_len;
		snprintf(m[n].name, sizeof(m[n].name), "%s/check.txt", BUNDLE_TOP);
		n++;
	}
	r = bundle_collect_host(src->env, m + n, MAX_MEMBERS - n);
	if (r >= 0) {
		n += r;
		r = src->run_dir && *src->run_dir ?
		    bundle_collect_run(src->run_dir, m + n, MAX_MEMBERS - n) : 0;
	}
	if (r < 0) {
		fail_msg(err, size, "collecting the bundle's files: %s", strerror(-r));
		goto out;
	}
	n += r;

	parent_of(path, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s/.septbench-bundle.XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = -errno;
		fail_msg(err, size, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fchmod(fd, 0644);
	r = write_archive(fd, m, n, err, size);
	if (!r && fsync(fd)) {
		r = -errno;
		fail_msg(err, size, "%s: %s", tmp, strerror(errno));
	}
	if (close(fd) && !r) {
		r = -errno;
		fail_msg(err, size, "%s: %s", tmp, strerror(errno));
	}
	if (!r) {
		r = place(tmp, path);
		if (r)
			fail_msg(err, size, "%s: %s", path, strerror(-r));
	}
	if (r)
		unlink(tmp);
out:
	for (i = 0; i < n; i++)
		free(m[i].data);
	free(m);
	return r;
}
