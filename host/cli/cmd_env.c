// SPDX-License-Identifier: GPL-2.0
/* septbench env: what this host can run, each "no" with its reason. */
#include "cli/commands.h"
#include "env/env.h"
#include "lib/json_text.h"
#include "lib/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void env_usage(FILE *out)
{
	fprintf(out,
		"usage: septbench env [--json]\n"
		"  Report what this host can run: KVM, VM types, TDX readiness, the S-EPT\n"
		"  hook variant of the running kvm.ko, the kernel build (release, build ids,\n"
		"  config hash), perf events, tracefs and memory settings.\n"
		"  --json   machine-readable output (schema septbench-env/1)\n");
}

int cmd_env(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool as_json = false;
	json_t *env;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'h':
			env_usage(stdout);
			return EXIT_OK;
		default:
			err_msg("env: unknown option '%s' (see septbench env --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		err_msg("env: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}

	env = env_collect();
	if (as_json) {
		json_dumpf(env, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		json_text_print(stdout, env);
	}
	json_decref(env);
	/* What the host lacks is the report, not a failure. */
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}
