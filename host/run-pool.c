/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Child runs: several runs at once, each in a child process with its own
 * VM, for bisect.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "run.h"

/*
 * Run k copies of o at once (at most 16), each in a child process with
 * its own VM.  dirs[i] gets each run's directory ("" if it could not
 * run).  Returns how many were started.
 */
int
run_batch(const struct run_opts *o, int k, char dirs[][1024])
{
	int pipes[16][2], n = 0;
	pid_t pids[16];

	if (k > 16)
		k = 16;
	for (int i = 0; i < k; i++) {
		if (pipe(pipes[i]) != 0)
			break;
		fflush(NULL);
		pids[i] = fork();
		if (pids[i] == 0) {
			struct run_opts ro = *o;
			struct run_record r;

			close(pipes[i][0]);
			ro.progress = NULL;
			if (run_scenario(&ro, &r) != 0)
				_exit(EXIT_INFRA);
			dprintf(pipes[i][1], "%s\n", r.dir);
			_exit(0);
		}
		close(pipes[i][1]);
		if (pids[i] < 0) {
			close(pipes[i][0]);
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++) {
		ssize_t got = read(pipes[i][0], dirs[i], 1023);

		dirs[i][got > 0 ? got : 0] = '\0';
		dirs[i][strcspn(dirs[i], "\n")] = '\0';
		close(pipes[i][0]);
		waitpid(pids[i], NULL, 0);
	}
	return n;
}
