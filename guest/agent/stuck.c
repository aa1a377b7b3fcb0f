/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a program left running when its time limit came: before the agent
 * kills a timed-out program's process group, each process still in its
 * session (the agent starts every program in a session of its own) is
 * written on the program's stderr (so into the run's steps.log) with its
 * state, what it waits in and the top of its kernel stack.  A stressor
 * stuck in the kernel (D state in some wait) is a finding of the kernel's;
 * one that was merely slow to stop is the workload's; the lines tell
 * which without a second run.  Calls no other agent file: child.c hands
 * it where the lines go.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define STUCK_MAX_LISTED	16	/* processes written; the rest counted */
#define STUCK_MAX_FRAMES	4	/* kernel frames per process */

/* Read a small /proc file into buf (NUL-terminated); length or -1. */
static ssize_t
stuck_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/*
 * /proc/PID/stat: "pid (comm) S ppid pgrp session ...".  comm may hold
 * spaces and parentheses, so it runs to the last ')'.
 */
static int
stuck_parse_stat(char *stat, char *comm, size_t commsz, char *state,
    long *pgrp, long *session)
{
	char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
	long ppid;
	size_t n;

	if (open_paren == NULL || close_paren == NULL ||
	    close_paren < open_paren)
		return -1;
	n = (size_t)(close_paren - open_paren - 1);
	if (n >= commsz)
		n = commsz - 1;
	memcpy(comm, open_paren + 1, n);
	comm[n] = '\0';
	if (sscanf(close_paren + 1, " %c %ld %ld %ld", state, &ppid, pgrp,
	    session) != 4)
		return -1;
	return 0;
}

/*
 * The top kernel frames from /proc/PID/stack ("[<0>] func+0x1a/0x40"),
 * innermost first, as "a < b < c" without offsets.
 */
static void
stuck_frames(const char *pid, char *out, size_t size)
{
	char path[320], buf[2048], *line, *save = NULL;
	int nframes = 0;
	size_t len = 0;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%s/stack", pid);
	if (stuck_read(path, buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line != NULL &&
	    nframes < STUCK_MAX_FRAMES; line = strtok_r(NULL, "\n", &save)) {
		char *fn = strchr(line, ']');
		size_t n;

		if (fn == NULL)
			continue;
		fn++;
		while (*fn == ' ')
			fn++;
		n = strcspn(fn, "+ ");
		if (n == 0)
			continue;
		if (len + n + 4 >= size)
			break;
		if (nframes++ > 0) {
			memcpy(out + len, " < ", 3);
			len += 3;
		}
		memcpy(out + len, fn, n);
		len += n;
		out[len] = '\0';
	}
}

void
stuck_describe(pid_t sid, stuck_emit_fn emit, void *arg)
{
	char line[AGENT_LINE];
	struct dirent *de;
	int listed = 0, more = 0;
	DIR *d;

	d = opendir("/proc");
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[320], stat[512], comm[32], wchan[64], frames[256];
		char state;
		long pgrp, session;
		int n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (stuck_read(path, stat, sizeof(stat)) <= 0 ||
		    stuck_parse_stat(stat, comm, sizeof(comm), &state,
		    &pgrp, &session) != 0 || session != (long)sid)
			continue;
		if (listed == STUCK_MAX_LISTED) {
			more++;
			continue;
		}
		snprintf(path, sizeof(path), "/proc/%s/wchan", de->d_name);
		if (stuck_read(path, wchan, sizeof(wchan)) <= 0 ||
		    strcmp(wchan, "0") == 0)
			snprintf(wchan, sizeof(wchan), "-");
		stuck_frames(de->d_name, frames, sizeof(frames));
		n = snprintf(line, sizeof(line), "racerig-agent: at the time "
		    "limit: pid %s %s state %c wchan %s%s%s%s", de->d_name,
		    comm, state, wchan, frames[0] ? " stack " : "", frames,
		    /* the group kill below misses it */
		    pgrp != (long)sid ? " (left the process group)" : "");
		if (n > 0)
			emit(arg, line, (size_t)n < sizeof(line) ? (size_t)n :
			    sizeof(line) - 1);
		listed++;
	}
	closedir(d);
	if (more > 0) {
		int n = snprintf(line, sizeof(line), "racerig-agent: at the "
		    "time limit: and %d more processes", more);

		emit(arg, line, (size_t)n);
	}
}
