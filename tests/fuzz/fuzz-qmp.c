/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the QMP client: any bytes as what QEMU's monitor
 * says, after which it closes its side.  The client does what a run
 * does with a monitor (host/qmp.c over a socketpair): the handshake, a
 * command, then every event until the end.
 *
 * Beyond "no crash": a command that succeeds hands back its "return"
 * member; each event handed out is an object with an "event" member; the
 * client never waits for a monitor that has closed (a short timeout
 * would turn into a hang otherwise, and libFuzzer reports hangs).
 */
#include <sys/socket.h>

#include <assert.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* commands are written to a peer that may be gone */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *ret, *ev;
	struct qmp q;
	int sv[2];

	/* all of it must fit the socket's buffer: nobody drains it */
	if (size > 65536 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return 0;
	if (write_all(sv[1], data, size) != 0) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[1], SHUT_WR);
	qmp_init(&q, sv[0]);
	if (qmp_handshake(&q, 5000) == 0) {
		if (qmp_command(&q, "query-status", NULL, &ret, 5000) == 0) {
			assert(ret != NULL);
			json_decref(ret);
		}
	}
	while ((ev = qmp_next_event(&q)) != NULL) {
		assert(json_is_object(ev) &&
		    json_object_get(ev, "event") != NULL);
		json_decref(ev);
	}
	qmp_release(&q);
	close(sv[1]);
	return 0;
}
