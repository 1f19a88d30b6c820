// SPDX-License-Identifier: GPL-2.0
#include "run/knob.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct knob {
	char path[256];
	char old[128];
};

static struct knob knobs[16];
static unsigned int nr_knobs;

static int write_text(const char *path, const char *value)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

void knob_restore_all(void)
{
	int r;

	while (nr_knobs) {
		struct knob *k = &knobs[--nr_knobs];

		r = write_text(k->path, k->old);
		if (r)
			err_msg("cannot restore %s to '%s': %s", k->path, k->old, strerror(-r));
	}
}

int knob_set(const char *path, const char *value)
{
	static bool registered;
	struct knob *k;
	int r;

	if (nr_knobs == ARRAY_SIZE(knobs))
		return -ENOSPC;
	k = &knobs[nr_knobs];
	snprintf(k->path, sizeof(k->path), "%s", path);
	r = read_text(path, k->old, sizeof(k->old));
	if (r < 0)
		return r;
	if (!strcmp(k->old, value))
		return 0;
	if (!registered) {
		atexit(knob_restore_all);
		registered = true;
	}
	r = write_text(path, value);
	if (!r)
		nr_knobs++;
	return r;
}
