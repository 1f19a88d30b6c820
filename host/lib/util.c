// SPDX-License-Identifier: GPL-2.0
#include "lib/util.h"

#include <ctype.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *prog_name = "septbench";

void err_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool fail_msg(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return false;
}

int read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return n;
}

char *read_all(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf, *tmp;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	/* procfs files report size 0: read until EOF. */
	for (;;) {
		if (cap - n < 4096) {
			tmp = realloc(buf, cap * 2);
			if (!tmp)
				goto fail;
			buf = tmp;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (!r)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail:
	r = errno;
	free(buf);
	close(fd);
	errno = r;
	return NULL;
}

int read_choice(const char *path, char *buf, size_t size)
{
	char text[256], *open_b, *close_b;
	int n;

	n = read_text(path, text, sizeof(text));
	if (n < 0)
		return n;
	open_b = strchr(text, '[');
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (!open_b || !close_b || (size_t)(close_b - open_b) > size)
		return -EINVAL;
	n = close_b - open_b - 1;
	memcpy(buf, open_b + 1, n);
	buf[n] = '\0';
	return n;
}

bool read_u64(const char *path, uint64_t *val)
{
	char text[64];

	if (read_text(path, text, sizeof(text)) <= 0)
		return false;
	return parse_uint(text, UINT64_MAX, val);
}

bool parse_uint(const char *s, uint64_t max, uint64_t *val)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*val = v;
	return true;
}

bool parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		return false;
	}
	if (*end) {
		end++;
		/* Accept "2G", "2GB", "2GiB". */
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return false;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*bytes = (uint64_t)v << shift;
	return true;
}

char *str_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

bool tdx_simulation(void)
{
	const char *v = getenv("SEPTBENCH_TDX_SIM");

	return v && !strcmp(v, "1");
}
