// SPDX-License-Identifier: GPL-2.0
/* septbench: one driver, subcommands in the style of perf and git. */
#include "cli/commands.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

#ifndef SEPTBENCH_VERSION
#define SEPTBENCH_VERSION "unknown"
#endif

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "env", cmd_env, "what this host can run, and why not" },
	{ "list", cmd_list, "the scenarios, one line each" },
	{ "run", cmd_run, "run scenarios and write a results folder" },
	{ "compare", cmd_compare, "compare runs of kernel builds: statistics, report, plots" },
	{ "check", cmd_check, "check tdx: the assumptions of the tdx figures, on this host" },
	{ "bundle", cmd_bundle, "pack a run and this host's TDX state into a tar.gz to send back" },
	{ "report", cmd_report, "rebuild a compare folder's report.html and plots" },
	{ "index", cmd_index, "rebuild results/index.html: every run and comparison" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: septbench [--version] [--help] <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'septbench <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		err_msg("no command given (see septbench --help)");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("septbench %s\n", SEPTBENCH_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	err_msg("unknown command '%s' (see septbench --help)", argv[1]);
	return EXIT_USAGE;
}
