// SPDX-License-Identifier: GPL-2.0
/*
 * septbench report DIR: redraw a compare folder's plots (gnuplot
 * plots.gp there) and rebuild its report.html from report.json, without
 * the statistics.  septbench index [DIR]: rebuild a results folder's
 * index.html.
 */
#include "cli/commands.h"
#include "compare/compare.h"
#include "report/report.h"
#include "lib/util.h"

#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool want_help(int argc, char **argv)
{
	return argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
}

int cmd_report(int argc, char **argv)
{
	char err[PATH_MAX + 256], path[PATH_MAX + 16];
	const char *dir;
	struct stat st;
	int ret;

	if (want_help(argc, argv)) {
		printf("usage: septbench report DIR\n"
		       "  Redraw the plots of the compare folder DIR (gnuplot plots.gp there) and\n"
		       "  rebuild its report.html from report.json: the same folder gives the same\n"
		       "  page, byte for byte.  Exit 2 when DIR is not a compare output.\n");
		return EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		err_msg("report: needs one compare folder (septbench report DIR)");
		return EXIT_USAGE;
	}
	dir = argv[1];
	if (stat(dir, &st) || !S_ISDIR(st.st_mode) || !html_is_compare_dir(dir)) {
		err_msg("report: %s: not a septbench compare output (no report.json of kind septbench-compare), not touched",
			dir);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/plots.gp", dir);
	if (!access(path, R_OK)) {
		ret = cmp_plots_draw(dir);
		if (ret == 127)
			err_msg("report: gnuplot not found (install gnuplot-nox): plots not redrawn");
		else if (ret)
			err_msg("report: gnuplot failed (exit %d), see %s/gnuplot.log", ret, dir);
	}
	if (html_report_write(dir, err, sizeof(err))) {
		err_msg("report: %s", err);
		return EXIT_FAIL;
	}
	printf("report: %s/report.html\n", dir);
	return EXIT_OK;
}

int cmd_index(int argc, char **argv)
{
	char err[PATH_MAX + 256];
	const char *dir = "results";

	if (want_help(argc, argv)) {
		printf("usage: septbench index [DIR]\n"
		       "  Rebuild DIR/index.html (default results/): every run, A/B folder and\n"
		       "  comparison in DIR, linked relative to it.  Run and compare rebuild it\n"
		       "  themselves.\n");
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		err_msg("index: takes at most one results folder (septbench index [DIR])");
		return EXIT_USAGE;
	}
	if (argc == 2)
		dir = argv[1];
	if (html_index_write(dir, err, sizeof(err))) {
		err_msg("index: %s", err);
		return EXIT_USAGE;
	}
	printf("index: %s/index.html\n", dir);
	return EXIT_OK;
}
