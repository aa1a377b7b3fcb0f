/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A QMP client: the QEMU Machine Protocol over a connected socket, one
 * JSON object per line, parsed with jansson.
 *
 * QEMU is trusted more than the guest, but not blindly: lines are bounded
 * (QMP_MAX_LINE) and every field is type-checked before use.  Commands are
 * synchronous; asynchronous events that arrive while a command waits for
 * its return are queued and handed out by qmp_next_event().
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "util.h"
#include "vm.h"

/* query-* replies of a guest with many CPUs stay far below this. */
#define QMP_MAX_LINE	(4u * 1024 * 1024)

void
qmp_init(struct qmp *q, int fd)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	buf_init(&q->in);
}

void
qmp_release(struct qmp *q)
{
	for (size_t i = 0; i < q->nevents; i++)
		json_decref(q->events[i]);
	free(q->events);
	q->events = NULL;
	q->nevents = 0;
	buf_release(&q->in);
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

static void
qmp_queue_event(struct qmp *q, json_t *ev)
{
	/* Events beyond this are dropped: a wedged caller must not OOM us. */
	if (q->nevents >= 1024) {
		json_decref(ev);
		return;
	}
	q->events = xrealloc(q->events, (q->nevents + 1) * sizeof(*q->events));
	q->events[q->nevents++] = ev;
}

/*
 * Take one complete line out of q->in and parse it.  Returns 1 with *out
 * set, 0 if no complete line is buffered, -1 on a protocol error.
 */
static int
qmp_take_line(struct qmp *q, json_t **out)
{
	json_error_t jerr;
	char *nl;
	size_t n;

	nl = q->in.len ? memchr(q->in.data, '\n', q->in.len) : NULL;
	if (nl == NULL) {
		if (q->in.len > QMP_MAX_LINE) {
			/* no resynchronising: treat the monitor as gone */
			q->eof = 1;
			buf_release(&q->in);
			return error("qmp: line longer than %u bytes",
			    QMP_MAX_LINE);
		}
		return 0;
	}
	n = (size_t)(nl - q->in.data);
	*out = json_loadb(q->in.data, n, 0, &jerr);
	memmove(q->in.data, nl + 1, q->in.len - n - 1);
	q->in.len -= n + 1;
	q->in.data[q->in.len] = '\0';
	if (*out == NULL || !json_is_object(*out)) {
		json_decref(*out);
		return error("qmp: malformed message: %s", jerr.text);
	}
	return 1;
}

/*
 * Read whatever is available (waiting up to timeout_ms for the first
 * byte).  Returns 1 if bytes arrived, 0 on timeout, -1 on EOF or error.
 */
static int
qmp_fill(struct qmp *q, int timeout_ms)
{
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	char chunk[65536];
	ssize_t n;
	int rc;

	rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : error("qmp: poll: %s",
		    strerror(errno));
	if (rc == 0)
		return 0;
	n = read(q->fd, chunk, sizeof(chunk));
	if (n < 0)
		return (errno == EINTR || errno == EAGAIN) ? 0 :
		    error("qmp: read: %s", strerror(errno));
	if (n == 0) {
		q->eof = 1;
		return -1;
	}
	buf_add(&q->in, chunk, (size_t)n);
	return 1;
}

/*
 * Wait for the next message that is not an event, queueing events.
 * Returns the message (caller owns it) or NULL on timeout or error.
 */
static json_t *
qmp_wait_reply(struct qmp *q, int timeout_ms)
{
	double deadline = now_mono() + timeout_ms / 1000.0;
	json_t *msg;
	int rc;

	for (;;) {
		while ((rc = qmp_take_line(q, &msg)) == 1) {
			if (json_object_get(msg, "event") != NULL) {
				qmp_queue_event(q, msg);
				continue;
			}
			return msg;
		}
		if (rc < 0)
			return NULL;
		double left = deadline - now_mono();
		if (left <= 0) {
			error("qmp: no reply within %d ms", timeout_ms);
			return NULL;
		}
		rc = qmp_fill(q, (int)(left * 1000) + 1);
		if (rc < 0) {
			if (q->eof)
				error("qmp: QEMU closed the monitor");
			return NULL;
		}
	}
}

int
qmp_handshake(struct qmp *q, int timeout_ms)
{
	json_t *greeting, *ret;
	int rc;

	greeting = qmp_wait_reply(q, timeout_ms);
	if (greeting == NULL)
		return -1;
	if (json_object_get(greeting, "QMP") == NULL) {
		json_decref(greeting);
		return error("qmp: expected a greeting from QEMU");
	}
	json_decref(greeting);
	rc = qmp_command(q, "qmp_capabilities", NULL, &ret, timeout_ms);
	json_decref(ret);
	return rc;
}

/*
 * Run one command.  args is borrowed (may be NULL).  On success returns
 * 0 and, if ret is not NULL, stores the "return" member (caller owns it);
 * on an error reply returns -1 after reporting QEMU's description.
 */
int
qmp_command(struct qmp *q, const char *cmd, json_t *args, json_t **ret,
    int timeout_ms)
{
	json_t *req, *reply, *r, *e;
	char *text;
	int rc = -1;

	if (ret != NULL)
		*ret = NULL;
	req = json_pack("{s:s}", "execute", cmd);
	if (args != NULL)
		json_object_set(req, "arguments", args);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (text == NULL)
		fatal("qmp: cannot encode command '%s'", cmd);
	if (write_all(q->fd, text, strlen(text)) != 0 ||
	    write_all(q->fd, "\n", 1) != 0) {
		free(text);
		return error("qmp: cannot send '%s': %s", cmd,
		    strerror(errno));
	}
	free(text);

	reply = qmp_wait_reply(q, timeout_ms);
	if (reply == NULL)
		return error("qmp: command '%s' got no reply", cmd);
	if ((r = json_object_get(reply, "return")) != NULL) {
		if (ret != NULL)
			*ret = json_incref(r);
		rc = 0;
	} else if ((e = json_object_get(reply, "error")) != NULL) {
		const char *desc = json_string_value(
		    json_object_get(e, "desc"));

		error("qmp: '%s' failed: %s", cmd, desc ? desc : "no reason");
	} else
		error("qmp: '%s' got an unexpected reply", cmd);
	json_decref(reply);
	return rc;
}

/*
 * Give QEMU an open file descriptor under name (QMP "getfd"): the command
 * travels with the descriptor attached (SCM_RIGHTS), which is how QMP
 * takes fds for commands such as "migrate fd:NAME".  0 or -1 (reported).
 */
int
qmp_send_fd(struct qmp *q, const char *name, int fd, int timeout_ms)
{
	union {
		char		buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	align;
	} ctl;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	json_t *req, *reply;
	char *text;
	ssize_t n;
	int rc = -1;

	req = json_pack("{s:s, s:{s:s}}", "execute", "getfd", "arguments",
	    "fdname", name);
	text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (text == NULL)
		fatal("qmp: cannot encode getfd");
	/* one line; the descriptor rides on its first byte */
	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = text;
	iov.iov_len = strlen(text);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	do
		n = sendmsg(q->fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != iov.iov_len ||
	    write_all(q->fd, "\n", 1) != 0) {
		free(text);
		return error("qmp: cannot send getfd: %s", strerror(errno));
	}
	free(text);
	reply = qmp_wait_reply(q, timeout_ms);
	if (reply == NULL)
		return error("qmp: command 'getfd' got no reply");
	if (json_object_get(reply, "return") != NULL)
		rc = 0;
	else
		error("qmp: 'getfd' failed: %s", json_string_value(
		    json_object_get(json_object_get(reply, "error"), "desc")) ?:
		    "no reason");
	json_decref(reply);
	return rc;
}

/*
 * Hand out one queued or newly arrived event without blocking.  Returns
 * the event object (caller owns it) or NULL if there is none.  Sets
 * q->eof when QEMU closed the monitor.
 */
json_t *
qmp_next_event(struct qmp *q)
{
	json_t *msg;

	for (;;) {
		if (q->nevents > 0) {
			msg = q->events[0];
			memmove(q->events, q->events + 1,
			    (q->nevents - 1) * sizeof(*q->events));
			q->nevents--;
			return msg;
		}
		int rc = qmp_take_line(q, &msg);
		if (rc == 1) {
			if (json_object_get(msg, "event") != NULL)
				return msg;
			json_decref(msg);	/* stray reply: ignore */
			continue;
		}
		if (rc < 0 || q->eof || qmp_fill(q, 0) <= 0)
			return NULL;
	}
}
