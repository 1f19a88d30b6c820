// SPDX-License-Identifier: GPL-2.0
/*
 * Run ids: "<release>-<8 hex of the build id>-<UTC stamp>[-<label>]", so
 * two builds of one release never share one; the old shape without a
 * build id; bad labels and build ids refused.
 */
#include "run/results.h"
#include "tap.h"

#include <regex.h>

static bool matches(const char *s, const char *re)
{
	regex_t rx;
	bool m;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB)) {
		printf("Bail out! bad regex %s\n", re);
		exit(1);
	}
	m = !regexec(&rx, s, 0, NULL, 0);
	regfree(&rx);
	return m;
}

#define STAMP "[0-9]{8}T[0-9]{6}Z"
#define REL "6\\.18\\.15\\+deb13-amd64"

int main(void)
{
	const char *rel = "6.18.15+deb13-amd64", *bid = "a8d8834a08a7ccca1d098875e7d354614cc62b95";
	char a[256], b[256], small[40];

	tap_plan(10);
	tap_ok(run_id_make(a, sizeof(a), rel, bid, NULL) &&
	       matches(a, "^" REL "-a8d8834a-" STAMP "$"), "with a build id: release-<8 hex>-stamp (%s)", a);
	tap_ok(run_id_make(a, sizeof(a), rel, bid, "patched") &&
	       matches(a, "^" REL "-a8d8834a-" STAMP "-patched$"), "... and a label (%s)", a);
	tap_ok(run_id_make(a, sizeof(a), rel, NULL, NULL) && matches(a, "^" REL "-" STAMP "$"),
	       "no build id: the old release-stamp shape (%s)", a);
	tap_ok(run_id_make(a, sizeof(a), rel, NULL, "x.1") && matches(a, "^" REL "-" STAMP "-x\\.1$"),
	       "no build id, a label (%s)", a);
	tap_ok(run_id_make(a, sizeof(a), rel, "a8d8834a00000000", NULL) &&
	       run_id_make(b, sizeof(b), rel, "b10c0ffe00000000", NULL) &&
	       strcmp(a, b) && matches(a, "^" REL "-a8d8834a-" STAMP "$") &&
	       matches(b, "^" REL "-b10c0ffe-" STAMP "$"),
	       "two builds of one release: their ids differ by the build id (%s, %s)", a, b);
	tap_ok(run_id_make(a, sizeof(a), rel, "abc", NULL) && matches(a, "^" REL "-abc-" STAMP "$"),
	       "a build id shorter than 8 hex is used whole (%s)", a);
	tap_ok(!run_id_make(a, sizeof(a), rel, "A8D8834A", NULL), "an upper-case build id is refused");
	tap_ok(!run_id_make(a, sizeof(a), rel, "../../etc", NULL) && !run_id_make(a, sizeof(a), rel, "", NULL),
	       "a build id that is not hex (a path, empty) is refused");
	tap_ok(!run_id_make(a, sizeof(a), rel, bid, "bad/label"), "a label with a slash is refused");
	tap_ok(!run_id_make(small, sizeof(small), rel, bid, "patched"), "a buffer too small: false, not truncated");
	return tap_done();
}
