// SPDX-License-Identifier: GPL-2.0
/* Size and number parsing, sysfs-style file reads. */
#include "tap.h"
#include "lib/util.h"

#include <unistd.h>

static void check_size(const char *s, bool ok, uint64_t want)
{
	uint64_t got = 0;
	bool r = parse_size(s, &got);

	if (ok)
		tap_ok(r && got == want, "parse_size(\"%s\") = %" PRIu64, s, want);
	else
		tap_ok(!r, "parse_size(\"%s\") rejected", s);
}

int main(void)
{
	char buf[64], *all;
	const char *path;
	uint64_t v;
	size_t len;

	tap_plan(21);
	check_size("4096", true, 4096);
	check_size("64M", true, 64ull << 20);
	check_size("2G", true, 2ull << 30);
	check_size("2GiB", true, 2ull << 30);
	check_size("1k", true, 1024);
	check_size("", false, 0);
	check_size("-1M", false, 0);
	check_size("12X", false, 0);
	check_size("1MB2", false, 0);
	check_size("99999999999999999999", false, 0);
	check_size("17179869184G", false, 0);

	tap_ok(parse_uint("42", 100, &v) && v == 42, "parse_uint within bound");
	tap_ok(!parse_uint("101", 100, &v), "parse_uint above bound rejected");
	tap_ok(!parse_uint("4x", 100, &v), "parse_uint trailing junk rejected");
	tap_ok(!parse_uint(" 4", 100, &v), "parse_uint leading space rejected");

	path = tap_write_tmp("util", "always [madvise] never\n");
	tap_ok(read_choice(path, buf, sizeof(buf)) == 7 && !strcmp(buf, "madvise"),
	       "read_choice picks the bracketed word");
	path = tap_write_tmp("util", "no brackets\n");
	tap_ok(read_choice(path, buf, sizeof(buf)) < 0, "read_choice without brackets fails");
	path = tap_write_tmp("util", "512\n");
	tap_ok(read_u64(path, &v) && v == 512, "read_u64 strips the newline");
	tap_is_int(read_text("/nonexistent/septbench", buf, sizeof(buf)), -2,
		   "read_text of a missing file returns -ENOENT");

	/* read_all must cope with files larger than its first buffer. */
	{
		char big[200000];
		FILE *f;

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		f = fopen(path, "w");
		fputs(big, f);
		fclose(f);
	}
	all = read_all(path, &len);
	tap_ok(all && len == 199999 && all[len] == '\0', "read_all reads a 200 KB file whole");
	free(all);
	tap_ok(!read_all("/nonexistent/septbench", &len), "read_all of a missing file fails");
	unlink(path);
	return tap_done();
}
