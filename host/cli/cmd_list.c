// SPDX-License-Identifier: GPL-2.0
/*
 * septbench list: the scenarios in bench/, one line each with the VM types
 * it runs on (the backends' checks, runs_on.c); with --verbose,
 * under each line its section of bench/README.md: what its timed window
 * contains and what one op is.
 */
#include "run/bench_dir.h"
#include "run/engine.h"
#include "cli/commands.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_indented(const char *text)
{
	const char *p = text, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (nl > p)
			printf("    %.*s\n", (int)(nl - p), p);
		else
			putchar('\n');
		p = *nl ? nl + 1 : nl;
	}
}

static void print_one(const struct scenario *s, void *data)
{
	bool verbose = *(const bool *)data;
	char types[64], *text;

	scenario_vm_types(s, types, sizeof(types));
	printf("%-16s %-16s %-24s %s\n", s->name, kind_name(s->kind), types[0] ? types : "-",
	       s->description);
	if (!verbose)
		return;
	text = bench_readme_section(s->name);
	if (text)
		print_indented(text);
	else
		printf("    (no section \"## %s\" in %s/README.md)\n", s->name, bench_dir());
	putchar('\n');
	free(text);
}

int cmd_list(int argc, char **argv)
{
	bool verbose = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: septbench list [--verbose]\n"
			       "  The scenarios in %s, one line each.\n"
			       "  --verbose, -v  under each, what its timed window contains and what\n"
			       "                 one op is (%s/README.md)\n",
			       bench_dir(), bench_dir());
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
			verbose = true;
			continue;
		}
		err_msg("list: unexpected argument '%s'", argv[i]);
		return EXIT_USAGE;
	}
	printf("%-16s %-16s %-24s %s\n", "SCENARIO", "KIND", "VM TYPES", "DESCRIPTION");
	if (scenario_foreach(print_one, &verbose) <= 0) {
		err_msg("list: no scenarios in %s", bench_dir());
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
