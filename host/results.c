// SPDX-License-Identifier: GPL-2.0
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Write all of @buf, across short writes and signals. */
static int write_all(int fd, const char *buf, size_t size)
{
	ssize_t n;

	while (size) {
		n = write(fd, buf, size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		size -= n;
	}
	return 0;
}

int json_write_atomic(const char *path, const json_t *obj)
{
	char tmp[4096], *text;
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* One buffer, one write: jansson's callback writes token by token. */
	text = json_dumps(obj, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(text);
		return -errno;
	}
	err = write_all(fd, text, strlen(text));
	if (!err)
		err = write_all(fd, "\n", 1);
	free(text);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

bool label_valid(const char *label)
{
	const char *p;

	if (!*label || strlen(label) > 64)
		return false;
	for (p = label; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._+-", *p)))
			return false;
	return true;
}

void utc_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool run_id_make(char *buf, size_t size, const char *release, const char *label)
{
	time_t now = time(NULL);
	char stamp[32];
	struct tm tm;
	int n;

	if (label && !label_valid(label))
		return false;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	n = snprintf(buf, size, "%s-%s%s%s", release, stamp, label ? "-" : "", label ? label : "");
	return n > 0 && (size_t)n < size;
}
