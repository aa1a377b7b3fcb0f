/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for qmp.c against a scripted QMP peer on a socketpair
 * (a stand-in for QEMU: the integration tests talk to the real one).
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"
#include "vm.h"

/* Read one line from fd into line (n bytes); the peer's helper. */
static int
peer_read_line(int fd, char *line, size_t n)
{
	size_t len = 0;
	char ch;

	while (len + 1 < n && read(fd, &ch, 1) == 1) {
		if (ch == '\n')
			break;
		line[len++] = ch;
	}
	line[len] = '\0';
	return (int)len;
}

static void
peer_say(int fd, const char *s)
{
	if (write_all(fd, s, strlen(s)) != 0)
		_exit(3);
}

/* The scripted peer: each step checks what the client sent. */
static void
peer(int fd, int oversize)
{
	char line[4096];

	peer_say(fd, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n");
	peer_read_line(fd, line, sizeof(line));
	if (strstr(line, "qmp_capabilities") == NULL)
		_exit(4);
	peer_say(fd, "{\"return\": {}}\r\n");

	peer_read_line(fd, line, sizeof(line));
	if (strstr(line, "\"query-status\"") == NULL)
		_exit(5);
	/* events arrive before the reply and must be kept */
	peer_say(fd, "{\"event\": \"STOP\", \"timestamp\": {}}\r\n");
	peer_say(fd, "{\"event\": \"GUEST_PANICKED\", \"data\": "
	    "{\"action\": \"pause\"}}\r\n");
	peer_say(fd, "{\"return\": {\"status\": \"guest-panicked\", "
	    "\"running\": false}}\r\n");

	peer_read_line(fd, line, sizeof(line));
	peer_say(fd, "{\"error\": {\"class\": \"CommandNotFound\", "
	    "\"desc\": \"The command nope has not been found\"}}\r\n");

	if (oversize) {
		char *big = xmalloc(5u << 20);

		memset(big, ' ', 5u << 20);
		peer_say(fd, "{\"event\": \"X\", \"pad\": \"");
		if (write_all(fd, big, 5u << 20) != 0)
			_exit(6);
	} else
		peer_say(fd, "this is not json\r\n");
	close(fd);
	_exit(0);
}

static pid_t
start_peer(struct qmp *q, int oversize)
{
	int sv[2];
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		peer(sv[1], oversize);
	}
	close(sv[1]);
	qmp_init(q, sv[0]);
	return pid;
}

static void
test_conversation(void **state)
{
	struct qmp q;
	json_t *ret, *ev;
	int status;
	pid_t pid = start_peer(&q, 0);

	assert_int_equal(qmp_handshake(&q, 5000), 0);
	assert_int_equal(qmp_command(&q, "query-status", NULL, &ret, 5000), 0);
	assert_string_equal(json_string_value(json_object_get(ret, "status")),
	    "guest-panicked");
	json_decref(ret);
	/* both events were queued, in order */
	ev = qmp_next_event(&q);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "event")),
	    "STOP");
	json_decref(ev);
	ev = qmp_next_event(&q);
	assert_string_equal(json_string_value(json_object_get(ev, "event")),
	    "GUEST_PANICKED");
	json_decref(ev);
	/* an error reply is an error, with QEMU's reason */
	assert_int_equal(qmp_command(&q, "nope", NULL, &ret, 5000), -1);
	assert_null(ret);
	/* a malformed line yields no event and no crash */
	for (int i = 0; i < 50 && qmp_next_event(&q) == NULL && !q.eof; i++)
		usleep(10000);
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	qmp_release(&q);
}

/* A line longer than the bound is refused, not buffered forever. */
static void
test_oversized_line(void **state)
{
	struct qmp q;
	json_t *ret;
	pid_t pid = start_peer(&q, 1);

	assert_int_equal(qmp_handshake(&q, 5000), 0);
	assert_int_equal(qmp_command(&q, "query-status", NULL, &ret, 5000), 0);
	json_decref(ret);
	assert_int_equal(qmp_command(&q, "nope", NULL, &ret, 5000), -1);
	/* drain: the client must give up once the line passes 4 MiB */
	for (int i = 0; i < 2000 && !q.eof; i++) {
		json_t *ev = qmp_next_event(&q);

		if (ev != NULL && json_object_get(ev, "pad") != NULL)
			fail_msg("an oversized event was accepted");
		json_decref(ev);
		if (q.in.len > (4u << 20) + 65536)
			fail_msg("buffered %zu bytes past the bound", q.in.len);
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	qmp_release(&q);
}

/*
 * getfd's peer: the command must carry exactly one descriptor, which
 * must be the file the client opened (it reads the marker back).
 */
static void
fd_peer(int fd)
{
	union {
		char		buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	align;
	} ctl;
	char line[512], marker[8] = "";
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	ssize_t n;
	int got;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = line;
	iov.iov_len = sizeof(line) - 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	n = recvmsg(fd, &msg, 0);
	if (n <= 0)
		_exit(10);
	line[n] = '\0';
	if (strstr(line, "\"getfd\"") == NULL ||
	    strstr(line, "\"fdname\":\"rrsave\"") == NULL)
		_exit(11);
	cm = CMSG_FIRSTHDR(&msg);
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		_exit(12);
	memcpy(&got, CMSG_DATA(cm), sizeof(int));
	if (pread(got, marker, 6, 0) != 6 || strcmp(marker, "marker") != 0)
		_exit(13);
	/* the rest of the line, if it came apart */
	if (strchr(line, '\n') == NULL)
		peer_read_line(fd, line, sizeof(line));
	peer_say(fd, "{\"return\": {}}\r\n");
	/* a second getfd is refused */
	n = recv(fd, line, sizeof(line) - 1, 0);
	if (n <= 0)
		_exit(14);
	line[n] = '\0';
	if (strchr(line, '\n') == NULL)
		peer_read_line(fd, line, sizeof(line));
	peer_say(fd, "{\"error\": {\"class\": \"GenericError\", "
	    "\"desc\": \"No file descriptor supplied via SCM_RIGHTS\"}}\r\n");
	close(fd);
	_exit(0);
}

/* qmp_send_fd() hands over a descriptor with the command (SCM_RIGHTS). */
static void
test_send_fd(void **state)
{
	char path[] = "/tmp/u-qmp-fd-XXXXXX";
	struct qmp q;
	int sv[2], status, fd;
	pid_t pid;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, "marker", 6), 6);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		close(fd);	/* only the passed copy may be read */
		fd_peer(sv[1]);
	}
	close(sv[1]);
	qmp_init(&q, sv[0]);
	assert_int_equal(qmp_send_fd(&q, "rrsave", fd, 5000), 0);
	assert_int_equal(qmp_send_fd(&q, "rrsave", fd, 5000), -1);
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(fd);
	qmp_release(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversation),
		cmocka_unit_test(test_oversized_line),
		cmocka_unit_test(test_send_fd),
	};

	return cmocka_run_group_tests_name("qmp", tests, NULL, NULL);
}
