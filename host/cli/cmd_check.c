// SPDX-License-Identifier: GPL-2.0
/*
 * septbench check tdx [--bundle FILE] [--out DIR]: the first command on
 * a TDX host (host/check/): every assumption of the tdx figures, one line
 * each, and optionally the report bundle to send back.
 */
#include "check/bundle.h"
#include "check/check.h"
#include "cli/commands.h"
#include "env/env.h"
#include "lib/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: septbench check tdx [--bundle FILE.tar.gz] [--out DIR]\n"
		"  Create small TDs, run every tdx scenario once at 8 MiB (with the\n"
		"  attribution pass) and check each assumption the figures rest on: one\n"
		"  line each, ok / FAILED / skipped, with the evidence.  Exit 0 when all\n"
		"  hold, 1 when one fails, 4 when this host cannot create TDs (the first\n"
		"  readiness step that fails is named).\n"
		"  --bundle FILE   also write the report bundle (see septbench bundle)\n"
		"  --out DIR       results parent folder of the check's run (default results)\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = NULL, *out = "results";
	struct check_run cr = { 0 };
	struct check_out c;
	struct bundle_src src;
	char err[PATH_MAX + 256];
	struct stat st;
	json_t *env;
	int opt, r;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			bundle = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			check_usage(stdout);
			return EXIT_OK;
		case ':':
			err_msg("check: option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			err_msg("check: unknown option '%s' (see septbench check --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		err_msg("check: what to check? (septbench check tdx)");
		return EXIT_USAGE;
	}
	if (strcmp(argv[optind], "tdx")) {
		err_msg("check: unknown check '%s' (there is: tdx)", argv[optind]);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		err_msg("check: unexpected argument '%s'", argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (bundle && !bundle_path_ok(bundle, err, sizeof(err))) {
		err_msg("check: --bundle %s", err);
		return EXIT_USAGE;
	}
	if (!stat(out, &st) ? !S_ISDIR(st.st_mode) : errno != ENOENT) {
		err_msg("check: --out %s exists and is not a folder", out);
		return EXIT_USAGE;
	}
	if (check_out_init(&c, stdout)) {
		err_msg("check: out of memory");
		return EXIT_FAIL;
	}
	env = env_collect();
	r = check_tdx(&c, env, out, &cr);
	if (bundle) {
		src = (struct bundle_src){ .env = env, .run_dir = cr.dir };
		src.check_text = check_out_text(&c, &src.check_len);
		if (bundle_write(bundle, &src, err, sizeof(err))) {
			err_msg("check: bundle not written: %s", err);
			r = r ? r : EXIT_FAIL;
		} else {
			printf("bundle: %s\n", bundle);
		}
	}
	free(cr.log);
	json_decref(env);
	check_out_fini(&c);
	return r;
}
