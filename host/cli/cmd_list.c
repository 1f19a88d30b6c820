// SPDX-License-Identifier: GPL-2.0
/* septbench list: the scenarios in bench/, one line each. */
#include "run/bench_dir.h"
#include "cli/commands.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

static void print_one(const struct scenario *s, void *data)
{
	printf("%-16s %-14s %s\n", s->name, kind_name(s->kind), s->description);
}

int cmd_list(int argc, char **argv)
{
	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			printf("usage: septbench list\n  The scenarios in %s, one line each.\n",
			       bench_dir());
			return EXIT_OK;
		}
		err_msg("list: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	printf("%-16s %-14s %s\n", "SCENARIO", "KIND", "DESCRIPTION");
	if (scenario_foreach(print_one, NULL) <= 0) {
		err_msg("list: no scenarios in %s", bench_dir());
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
