// SPDX-License-Identifier: GPL-2.0
#include "lib/interrupt.h"

#include <string.h>

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

void interrupt_install(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: blocking ioctls must return so the run can stop. */
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * A hangup (the ssh session or terminal closed) stops the run the
	 * same way, so knobs are restored and the run is marked incomplete.
	 * Unless it was ignored on entry: under nohup the run goes on.
	 */
	if (!sigaction(SIGHUP, NULL, &old) && old.sa_handler == SIG_IGN)
		return;
	sigaction(SIGHUP, &sa, NULL);
}

bool interrupted(void)
{
	return stop_signal != 0;
}

int interrupt_exit_status(void)
{
	return 128 + (stop_signal ? stop_signal : SIGINT);
}
