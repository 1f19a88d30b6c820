// SPDX-License-Identifier: GPL-2.0
#include "lib/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int file_write_atomic(const char *path, const char *buf, size_t size)
{
	char tmp[4096];
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = write_all(fd, buf, size);
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

int json_write_atomic(const char *path, const json_t *obj)
{
	char *text;
	size_t len;
	int err;

	/* One buffer, one write: jansson's callback writes token by token. */
	text = json_dumps(obj, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text)
		return -ENOMEM;
	len = strlen(text);
	/* json_dumps() leaves no newline; files end with one. */
	{
		char *t = realloc(text, len + 2);

		if (!t) {
			free(text);
			return -ENOMEM;
		}
		text = t;
	}
	text[len++] = '\n';
	text[len] = '\0';
	err = file_write_atomic(path, text, len);
	free(text);
	return err;
}
