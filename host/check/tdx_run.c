// SPDX-License-Identifier: GPL-2.0
/*
 * The check's run: septbench run of every tdx scenario once at 8 MiB,
 * with the attribution pass, in a child process, so the engine, the
 * backend, their signal handling and their clean-up are exactly a run's.
 */
#include "check/check.h"
#include "lib/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tdx_scenarios[] = {
	"fault-4k", "prefault-4k", "zap-convert", "zap-punch", "teardown", "churn",
};

/* The folder of the run's last "results: DIR" line. */
static void find_dir(struct check_run *cr)
{
	const char *p, *last = NULL;
	size_t n;

	for (p = cr->log; p && (p = strstr(p, "results: ")); p++)
		if (p == cr->log || p[-1] == '\n')
			last = p;
	cr->dir[0] = '\0';
	if (!last)
		return;
	last += strlen("results: ");
	n = strcspn(last, " \n");
	if (n < sizeof(cr->dir))
		snprintf(cr->dir, sizeof(cr->dir), "%.*s", (int)n, last);
}

static char *slurp_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	while (buf) {
		if (len + 1024 > cap) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

int check_tdx_run(struct check_run *cr, const char *out, unsigned int vcpus)
{
	char *argv[64], vbuf[16];
	struct sigaction ign = { .sa_handler = SIG_IGN }, old[3];
	int p[2], st, argc = 0;
	size_t i;
	pid_t pid;

	memset(cr, 0, sizeof(*cr));
	snprintf(vbuf, sizeof(vbuf), "%u", vcpus);
	argv[argc++] = "septbench";
	argv[argc++] = "run";
	argv[argc++] = "--vm-type";
	argv[argc++] = "tdx";
	for (i = 0; i < ARRAY_SIZE(tdx_scenarios); i++) {
		argv[argc++] = "--scenario";
		argv[argc++] = (char *)tdx_scenarios[i];
	}
	argv[argc++] = "--mem";
	argv[argc++] = "8M";
	argv[argc++] = "--vcpus";
	argv[argc++] = vbuf;
	argv[argc++] = "--reps";
	argv[argc++] = "1";
	argv[argc++] = "--attribute";
	argv[argc++] = "--quiet";
	argv[argc++] = "--timeout";
	argv[argc++] = "300";
	argv[argc++] = "--label";
	argv[argc++] = "check-tdx";
	argv[argc++] = "--out";
	argv[argc++] = (char *)out;
	argv[argc] = NULL;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (!pid) {
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "septbench: check: cannot run /proc/self/exe: %s\n", strerror(errno));
		_exit(EXIT_FAIL);
	}
	/* Ctrl-C reaches the run too: it stops, cleans up, and we report what it left. */
	sigaction(SIGINT, &ign, &old[0]);
	sigaction(SIGTERM, &ign, &old[1]);
	sigaction(SIGHUP, &ign, &old[2]);
	close(p[1]);
	cr->log = slurp_fd(p[0]);
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
	cr->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	find_dir(cr);
	return 0;
}
