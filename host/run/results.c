// SPDX-License-Identifier: GPL-2.0
#include "run/results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static bool build_id_valid(const char *id)
{
	const char *p;

	if (!*id)
		return false;
	for (p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

bool run_id_make(char *buf, size_t size, const char *release, const char *build_id,
		 const char *label)
{
	time_t now = time(NULL);
	char stamp[32];
	struct tm tm;
	int n;

	if (label && !label_valid(label))
		return false;
	if (build_id && !build_id_valid(build_id))
		return false;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	n = snprintf(buf, size, "%s-%.*s%s%s%s%s", release,
		     build_id ? RUN_ID_BUILD_ID_LEN : 0, build_id ? build_id : "",
		     build_id ? "-" : "", stamp, label ? "-" : "", label ? label : "");
	return n > 0 && (size_t)n < size;
}
