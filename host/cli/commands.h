/* SPDX-License-Identifier: GPL-2.0 */
/* The driver's subcommands; each returns the process exit status. */
#ifndef SEPTBENCH_COMMANDS_H
#define SEPTBENCH_COMMANDS_H

int cmd_env(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_index(int argc, char **argv);

#endif
