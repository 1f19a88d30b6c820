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
