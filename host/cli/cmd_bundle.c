// SPDX-License-Identifier: GPL-2.0
/* septbench bundle RUN [--out FILE]: the report bundle of any run. */
#include "check/bundle.h"
#include "cli/commands.h"
#include "env/env.h"
#include "lib/util.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static void bundle_usage(FILE *out)
{
	fprintf(out,
		"usage: septbench bundle RUN [--out FILE.tar.gz]\n"
		"  Pack what a maintainer needs to diagnose a run remotely into one tar.gz:\n"
		"  the run's files, septbench env --json, the kernel config's KVM and TDX\n"
		"  lines, the kernel log's TDX lines, the TDX module's sysfs attributes\n"
		"  and the septbench version.  Nothing else.\n"
		"  --out FILE   where (default septbench-bundle-<run id>.tar.gz; never replaced)\n");
}

int cmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[PATH_MAX + 256], def[PATH_MAX + 32], run[PATH_MAX];
	const char *out = NULL, *base;
	struct bundle_src src;
	size_t len;
	json_t *env;
	int opt, r;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			bundle_usage(stdout);
			return EXIT_OK;
		case ':':
			err_msg("bundle: option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			err_msg("bundle: unknown option '%s' (see septbench bundle --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		err_msg(optind >= argc ? "bundle: which run? (septbench bundle RUN)" :
			"bundle: one run at a time");
		return EXIT_USAGE;
	}
	snprintf(run, sizeof(run), "%s", argv[optind]);
	len = strlen(run);
	while (len > 1 && run[len - 1] == '/')
		run[--len] = '\0';
	if (!bundle_is_run(run, err, sizeof(err))) {
		err_msg("bundle: %s", err);
		return EXIT_USAGE;
	}
	if (!out) {
		base = strrchr(run, '/') ? strrchr(run, '/') + 1 : run;
		snprintf(def, sizeof(def), "septbench-bundle-%s.tar.gz", base);
		out = def;
	}
	if (!bundle_path_ok(out, err, sizeof(err))) {
		err_msg("bundle: %s", err);
		return EXIT_USAGE;
	}
	env = env_collect();
	src = (struct bundle_src){ .env = env, .run_dir = run };
	r = bundle_write(out, &src, err, sizeof(err));
	json_decref(env);
	if (r) {
		err_msg("bundle: %s", err);
		return EXIT_FAIL;
	}
	printf("bundle: %s\n", out);
	return EXIT_OK;
}
