// SPDX-License-Identifier: GPL-2.0
/*
 * The stop signals: SIGINT, SIGTERM and SIGHUP (an ssh disconnect) each
 * get the handler, none restarts a blocked call, and one that arrives
 * leaves the process alive with interrupted() true.  Without a handler
 * for SIGHUP this program dies at the signal and prove reports it.  A
 * SIGHUP ignored on entry (nohup) stays ignored.
 */
#include "lib/interrupt.h"
#include "lib/util.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>

static int pipe_fd[2];

/* Sends SIGHUP to the process with itself masked, so main gets it. */
static void *hangup(void *arg)
{
	struct timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	nanosleep(&ts, NULL);
	kill(getpid(), SIGHUP);
	/* Had the read restarted, it would block forever: end it, and fail. */
	ts.tv_sec = 2;
	ts.tv_nsec = 0;
	nanosleep(&ts, NULL);
	if (write(pipe_fd[1], "x", 1) < 0)
		return NULL;
	return NULL;
}

/* In a child: SIGHUP ignored, as nohup leaves it; 0 when it stays so. */
static int nohup_child(void)
{
	struct sigaction sa;

	signal(SIGHUP, SIG_IGN);
	interrupt_install();
	sigaction(SIGHUP, NULL, &sa);
	if (sa.sa_handler != SIG_IGN)
		return 1;
	raise(SIGHUP);
	return interrupted() ? 2 : 0;
}

static int nohup_status(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(nohup_child());
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
	static const struct { int sig; const char *name; } sigs[] = {
		{ SIGINT, "SIGINT" }, { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
	};
	struct sigaction sa;
	pthread_t t;
	char c;
	ssize_t n;
	size_t i;

	tap_plan(10);
	tap_is_int(nohup_status(), 0, "a SIGHUP ignored on entry (nohup) stays ignored, the run goes on");
	/* As a normal start has it, even when the tests run under nohup. */
	signal(SIGHUP, SIG_DFL);
	interrupt_install();
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaction(sigs[i].sig, NULL, &sa);
		tap_ok(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN,
		       "%s has the stop handler", sigs[i].name);
		tap_ok(!(sa.sa_flags & SA_RESTART), "%s does not restart blocked calls", sigs[i].name);
	}
	tap_ok(!interrupted(), "not interrupted before any signal");

	if (pipe(pipe_fd) || pthread_create(&t, NULL, hangup, NULL)) {
		printf("Bail out! pipe or thread: %s\n", strerror(errno));
		return 1;
	}
	n = read(pipe_fd[0], &c, 1);
	tap_ok(n < 0 && errno == EINTR, "SIGHUP ends a blocked read with EINTR (got %zd)", n);
	tap_ok(interrupted() && interrupt_exit_status() == 128 + SIGHUP,
	       "after SIGHUP: interrupted, exit status 129 (got %d)", interrupt_exit_status());
	pthread_cancel(t);	/* it sleeps in nanosleep, a cancellation point */
	pthread_join(t, NULL);
	return tap_done();
}
