/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs the host asks the agent to run: start with affinity,
 * environment and a time limit; stream their output as lines; report how
 * they ended.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define CHILD_MAX_ARGS	256
#define CHILD_MAX_ENV	256

static struct child *
child_slot(struct agent *a, uint32_t id)
{
	for (int i = 0; i < AGENT_MAX_CHILDREN; i++) {
		if (a->children[i].id == id && id != 0)
			return &a->children[i];
	}
	return NULL;
}

static void
child_send_line(struct agent *a, struct child *c, int stream,
    const char *data, size_t len)
{
	unsigned char buf[PROTO_OUTPUT_HDR + AGENT_LINE];

	buf[0] = c->id & 0xff;
	buf[1] = (c->id >> 8) & 0xff;
	buf[2] = (c->id >> 16) & 0xff;
	buf[3] = (c->id >> 24) & 0xff;
	buf[4] = (unsigned char)stream;
	memcpy(buf + PROTO_OUTPUT_HDR, data, len);
	(void)channel_send(a, PROTO_OUTPUT, buf, PROTO_OUTPUT_HDR + len);
}

/*
 * Read what a child wrote on one stream and send complete lines; a line
 * that fills the buffer is sent as a chunk.  At EOF the rest is sent and
 * the pipe closed.  Returns bytes read, 0 if none were ready, -1 at EOF.
 */
int
child_collect_output(struct agent *a, struct child *c, int stream)
{
	int *fd = stream == 1 ? &c->out_fd : &c->err_fd;
	char *line = stream == 1 ? c->out_line : c->err_line;
	size_t *len = stream == 1 ? &c->out_len : &c->err_len;
	char chunk[4096];
	ssize_t n;

	if (*fd < 0)
		return -1;
	n = read(*fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		if (*len > 0)
			child_send_line(a, c, stream, line, *len);
		*len = 0;
		close(*fd);
		*fd = -1;
		return -1;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (chunk[i] == '\n') {
			child_send_line(a, c, stream, line, *len);
			*len = 0;
			continue;
		}
		line[(*len)++] = chunk[i];
		if (*len == AGENT_LINE) {
			child_send_line(a, c, stream, line, *len);
			*len = 0;
		}
	}
	return (int)n;
}

/* Copy a JSON list of strings into v (n slots, NULL-terminated). */
static int
strv_from(json_t *arr, char **v, size_t n)
{
	size_t i, k = 0;
	json_t *e;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) + 1 > n)
		return -1;
	json_array_foreach(arr, i, e) {
		if (!json_is_string(e))
			return -1;
		v[k++] = (char *)json_string_value(e);
	}
	v[k] = NULL;
	return (int)k;
}

/*
 * Start the program an EXEC asks for.  raw_fd, if >= 0, becomes the
 * child's fd 3 when the request says "raw_channel": true (tests use it
 * to put raw bytes on the channel).
 */
void
child_exec(struct agent *a, json_t *req, int raw_fd)
{
	char *argv[CHILD_MAX_ARGS], *envp[CHILD_MAX_ENV];
	json_t *jid = json_object_get(req, "id");
	json_t *cpus = json_object_get(req, "cpus");
	json_t *jt = json_object_get(req, "timeout_ms");
	const char *cwd = json_string_value(json_object_get(req, "cwd"));
	int raw = json_is_true(json_object_get(req, "raw_channel"));
	int out[2], err[2], nenv;
	struct child *c = NULL;
	uint32_t id;
	pid_t pid;
	cpu_set_t set;

	if (!json_is_integer(jid) || json_integer_value(jid) <= 0 ||
	    json_integer_value(jid) > UINT32_MAX) {
		channel_send_error(a, 0, "exec without a valid id");
		return;
	}
	id = (uint32_t)json_integer_value(jid);
	if (strv_from(json_object_get(req, "argv"), argv, CHILD_MAX_ARGS) <= 0) {
		channel_send_error(a, id, "exec %u: bad argv", id);
		goto fail;
	}
	nenv = strv_from(json_object_get(req, "env"), envp, CHILD_MAX_ENV - 4);
	if (nenv < 0) {
		channel_send_error(a, id, "exec %u: bad env", id);
		goto fail;
	}
	envp[nenv++] = "PATH=/sbin:/bin:/usr/sbin:/usr/bin";
	envp[nenv++] = "HOME=/root";
	envp[nenv] = NULL;
	CPU_ZERO(&set);
	if (json_is_array(cpus)) {
		size_t i;
		json_t *e;

		json_array_foreach(cpus, i, e) {
			if (json_is_integer(e) && json_integer_value(e) >= 0 &&
			    json_integer_value(e) < CPU_SETSIZE)
				CPU_SET((int)json_integer_value(e), &set);
		}
	}
	for (int i = 0; i < AGENT_MAX_CHILDREN && c == NULL; i++) {
		if (a->children[i].id == 0)
			c = &a->children[i];
	}
	if (c == NULL || child_slot(a, id) != NULL) {
		channel_send_error(a, id, "exec %u: %s", id, c == NULL ?
		    "too many programs running" : "id already in use");
		goto fail;
	}
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		channel_send_error(a, id, "exec %u: pipe: %s", id,
		    strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid == 0) {
		setsid();
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (raw && raw_fd >= 0) {
			/* dup2 onto itself keeps close-on-exec: clear it */
			if (raw_fd != 3)
				dup2(raw_fd, 3);
			fcntl(3, F_SETFD, 0);
		}
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		if (CPU_COUNT(&set) > 0 &&
		    sched_setaffinity(0, sizeof(set), &set) != 0) {
			fprintf(stderr, "racerig-agent: cannot set CPU "
			    "affinity: %s\n", strerror(errno));
			_exit(126);
		}
		if (cwd != NULL && chdir(cwd) != 0) {
			fprintf(stderr, "racerig-agent: cannot chdir to %s: "
			    "%s\n", cwd, strerror(errno));
			_exit(126);
		}
		signal(SIGPIPE, SIG_DFL);
		execvpe(argv[0], argv, envp);
		fprintf(stderr, "racerig-agent: cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(out[0]);
		close(err[0]);
		channel_send_error(a, id, "exec %u: fork: %s", id,
		    strerror(errno));
		goto fail;
	}
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->pid = pid;
	c->out_fd = out[0];
	c->err_fd = err[0];
	fcntl(c->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(c->err_fd, F_SETFL, O_NONBLOCK);
	c->start_ms = agent_now_ms();
	if (json_is_integer(jt) && json_integer_value(jt) > 0)
		c->deadline_ms = c->start_ms + json_integer_value(jt);
	channel_send_json(a, PROTO_STARTED, json_pack("{s:I,s:i}", "id",
	    (json_int_t)id, "pid", (int)pid));
	return;
fail:
	/* every EXEC gets an EXIT, so the host never waits forever */
	channel_send_json(a, PROTO_EXIT, json_pack("{s:I,s:i,s:i,s:b,s:i}",
	    "id", (json_int_t)id, "status", 127, "signal", 0, "timed_out", 0,
	    "duration_ms", 0));
}

void
child_kill(struct agent *a, uint32_t id)
{
	struct child *c = child_slot(a, id);

	if (c != NULL && !c->exited)
		kill(-c->pid, SIGKILL);
}

struct stuck_target {
	struct agent	*a;
	struct child	*c;
};

/* stuck_describe()'s lines go on the timed-out child's stderr */
static void
child_stuck_line(void *arg, const char *line, size_t len)
{
	struct stuck_target *t = arg;

	child_send_line(t->a, t->c, 2, line, len);
}

void
child_check_deadlines(struct agent *a)
{
	long long now = agent_now_ms();

	for (int i = 0; i < AGENT_MAX_CHILDREN; i++) {
		struct child *c = &a->children[i];

		if (c->id != 0 && !c->exited && c->deadline_ms != 0 &&
		    now > c->deadline_ms && !c->timed_out) {
			struct stuck_target t = { a, c };

			c->timed_out = 1;
			stuck_describe(c->pid, child_stuck_line, &t);
			kill(-c->pid, SIGKILL);
		}
	}
}

/*
 * Drain a stream of an exited child; a pipe still held open by a
 * process that escaped the kill is closed rather than waited for.
 */
static void
child_drain(struct agent *a, struct child *c, int stream)
{
	int *fd = stream == 1 ? &c->out_fd : &c->err_fd;

	while (child_collect_output(a, c, stream) > 0)
		;
	if (*fd >= 0) {
		size_t *len = stream == 1 ? &c->out_len : &c->err_len;

		if (*len > 0)
			child_send_line(a, c, stream, stream == 1 ?
			    c->out_line : c->err_line, *len);
		*len = 0;
		close(*fd);
		*fd = -1;
	}
}

/*
 * Reap every dead process.  As PID 1 we also inherit orphans; those are
 * reaped and forgotten.  A child's EXIT is sent once it has exited and
 * both its pipes are drained, so its output always precedes its EXIT.
 */
void
child_reap(struct agent *a)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < AGENT_MAX_CHILDREN; i++) {
			struct child *c = &a->children[i];

			if (c->id != 0 && c->pid == pid && !c->exited) {
				c->exited = 1;
				c->status = status;
				/* take down what it left running */
				kill(-pid, SIGKILL);
			}
		}
	}
	for (int i = 0; i < AGENT_MAX_CHILDREN; i++) {
		struct child *c = &a->children[i];

		if (c->id == 0 || !c->exited)
			continue;
		child_drain(a, c, 1);
		child_drain(a, c, 2);
		channel_send_json(a, PROTO_EXIT, json_pack(
		    "{s:I,s:i,s:i,s:b,s:I}", "id", (json_int_t)c->id,
		    "status", WIFEXITED(c->status) ?
		    WEXITSTATUS(c->status) : -1,
		    "signal", WIFSIGNALED(c->status) ?
		    WTERMSIG(c->status) : 0,
		    "timed_out", c->timed_out,
		    "duration_ms", (json_int_t)(agent_now_ms() - c->start_ms)));
		c->id = 0;
	}
}
