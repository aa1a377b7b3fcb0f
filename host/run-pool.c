/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Child runs: the one way stress, repro and bisect run several runs at
 * once, each in a child process with its own VM.
 *
 * A child runs run_scenario(), writes its run directory on a pipe and
 * exits; its run is in that directory's run.json.  On reap the parent
 * loads that record (run-record.c) and hands it back: records, not
 * lines, cross the process boundary.  The exit status says which case
 * it is: RUN_CHILD_DONE (0), RUN_CHILD_LOST (the VM host went away: with
 * RUN_POOL_SET_ASIDE_LOST the record is set aside so that no resumed
 * campaign records it, and still handed back), anything else
 * RUN_CHILD_FAILED (the run could not be carried out; reported by the
 * child).
 *
 * Children die with their parent (PR_SET_PDEATHSIG): a killed campaign
 * or bisect leaves no VM behind.  There is no fixed cap: the pool grows
 * to as many children as its caller starts.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "run.h"

/* A child's exit status when its VM host went away. */
#define RUN_POOL_EXIT_LOST	3

void
run_pool_init(struct run_pool *p, int flags)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
}

/* The child's side: run, say where, exit with how it went. */
static void __attribute__((noreturn))
run_pool_child(const struct run_pool *p, const struct run_opts *o, int fd)
{
	struct run_opts ro = *o;
	struct run_record r;

	/* if the parent is killed, its runs die with it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(EXIT_INFRA);
	if (p->flags & RUN_POOL_QUIET) {
		/* the parent owns the terminal; children's chatter goes */
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (devnull >= 0)
			dup2(devnull, 2);
	}
	ro.progress = NULL;
	if (run_scenario(&ro, &r) != 0)
		_exit(EXIT_INFRA);
	dprintf(fd, "%s\n", r.dir);
	if (r.host_lost) {
		/* never recorded, not even by a resume */
		if (p->flags & RUN_POOL_SET_ASIDE_LOST)
			(void)run_record_set_aside(r.dir);
		_exit(RUN_POOL_EXIT_LOST);
	}
	_exit(0);
}

/*
 * Start a child run of o.  Returns its index in the pool (what reaping
 * it gives back), or -1 after reporting.
 */
long
run_pool_start(struct run_pool *p, const struct run_opts *o)
{
	size_t i;
	int pfd[2];
	pid_t pid;

	for (i = 0; i < p->nkids && p->kids[i].pid != 0; i++)
		;
	if (i == p->nkids) {
		p->kids = xrealloc(p->kids, (p->nkids + 1) * sizeof(*p->kids));
		memset(&p->kids[p->nkids++], 0, sizeof(*p->kids));
	}
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return error("cannot create a pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		run_pool_child(p, o, pfd[1]);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return error("cannot fork: %s", strerror(errno));
	}
	p->kids[i].pid = pid;
	p->kids[i].fd = pfd[0];
	p->running++;
	return (long)i;
}

/* Child i exited with status st: what it leaves, into *res. */
static void
run_pool_collect(struct run_pool *p, size_t i, int st,
    struct run_child_result *res)
{
	struct run_child *k = &p->kids[i];
	char dir[4096];
	size_t len = 0;
	ssize_t n;
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;

	memset(res, 0, sizeof(*res));
	res->index = (long)i;
	res->how = RUN_CHILD_FAILED;
	/* the child is gone: read to EOF, bounded */
	while (len < sizeof(dir) - 1 && (n = read(k->fd, dir + len,
	    sizeof(dir) - 1 - len)) > 0)
		len += (size_t)n;
	dir[len] = '\0';
	dir[strcspn(dir, "\n")] = '\0';
	close(k->fd);
	memset(k, 0, sizeof(*k));
	p->running--;
	if (dir[0] == '\0' || (code != 0 && code != RUN_POOL_EXIT_LOST))
		return;
	if (code == RUN_POOL_EXIT_LOST) {
		if (((p->flags & RUN_POOL_SET_ASIDE_LOST) ?
		    run_record_load_set_aside(dir, &res->rec) :
		    run_record_load(dir, &res->rec)) != 0)
			return;
		res->rec.host_lost = 1;
		res->how = RUN_CHILD_LOST;
		return;
	}
	if (run_record_load(dir, &res->rec) == 0)
		res->how = RUN_CHILD_DONE;
}

/*
 * Reap one child that has exited (block: wait for one) into *res.
 * Returns 1 if one was, 0 if none has exited yet (block 0), -1 if no
 * child is running.  A reaped child's record is the caller's to release
 * (run_child_result_release()).
 */
int
run_pool_reap(struct run_pool *p, int block, struct run_child_result *res)
{
	for (;;) {
		int st;
		pid_t pid;

		if (p->running == 0)
			return -1;
		pid = waitpid(-1, &st, block ? 0 : WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return pid == 0 ? 0 : -1;
		for (size_t i = 0; i < p->nkids; i++) {
			if (p->kids[i].pid == pid) {
				run_pool_collect(p, i, st, res);
				return 1;
			}
		}
		/* not one of ours (a helper some library forked): go on */
	}
}

void
run_child_result_release(struct run_child_result *res)
{
	run_record_release(&res->rec);
	memset(res, 0, sizeof(*res));
}

/* Free the pool; its children, if any, are the caller's to have reaped. */
void
run_pool_release(struct run_pool *p)
{
	for (size_t i = 0; i < p->nkids; i++) {
		if (p->kids[i].pid != 0)
			close(p->kids[i].fd);
	}
	free(p->kids);
	memset(p, 0, sizeof(*p));
}

/*
 * Run k copies of o at once and wait for all of them.  *res gets one
 * result per child started, failed ones included, in the order they
 * ended (the caller releases each with run_child_result_release(), then
 * frees the array).  Returns how many were started.
 */
size_t
run_pool_batch(const struct run_opts *o, size_t k,
    struct run_child_result **res)
{
	struct run_pool p;
	size_t n = 0;

	*res = xcalloc(k + 1, sizeof(**res));
	run_pool_init(&p, 0);
	for (size_t i = 0; i < k; i++) {
		if (run_pool_start(&p, o) < 0)
			break;
	}
	while (n < k && run_pool_reap(&p, 1, &(*res)[n]) == 1)
		n++;
	run_pool_release(&p);
	return n;
}
