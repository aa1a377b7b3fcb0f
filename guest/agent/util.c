/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helpers every agent file uses, the clock and the console log: the
 * bottom of the agent, which calls no other agent file.  agent.c (main
 * and the dispatch loop) sits on top and the request handlers (channel,
 * child, query, setup, kdump) between, so calls run one way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "agent.h"

long long
agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Log to the console (stderr is /dev/console for PID 1). */
void
agent_log(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "racerig-agent: %s\n", msg);
}
