/* SPDX-License-Identifier: GPL-2.0 */
/*
 * agent-garbage: a hostile guest program that writes into the agent's
 * channel (fd 3, given by the agent for steps with "raw_channel").
 *
 * Modes: random (random bytes), oversize (a valid header announcing a
 * payload over the limit), badjson (a well-framed exit message that is
 * not JSON), badfield (a well-formed exit message with a string status),
 * hello (a second HELLO claiming another kernel, escapes included).
 * Expected verdict: the host records the run as "failed" with a reason
 * naming the violation, stays up, and keeps its memory bounded.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "../../guest/agent/proto.h"

static int
put(const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(3, c, n);

		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = 3, .events = POLLOUT };

			poll(&pfd, 1, 1000);
			continue;
		}
		if (w <= 0) {
			perror("garbage: write to the agent channel");
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
frame(unsigned type, const char *payload, uint32_t len)
{
	unsigned char hdr[PROTO_HDR_SIZE];

	proto_hdr_encode(hdr, type, len);
	return put(hdr, sizeof(hdr)) || put(payload, strlen(payload));
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "random";
	long bytes = argc > 2 ? atol(argv[2]) : 1 << 20;
	unsigned char buf[4096];
	char link[256];
	ssize_t ln = readlink("/proc/self/fd/3", link, sizeof(link) - 1);

	if (ln < 0) {
		perror("garbage: no agent channel on fd 3");
		return 2;
	}

	if (strcmp(mode, "random") == 0) {
		for (long done = 0; done < bytes; done += sizeof(buf)) {
			if (getrandom(buf, sizeof(buf), 0) < 0 ||
			    put(buf, sizeof(buf)) != 0)
				return 1;
		}
	} else if (strcmp(mode, "oversize") == 0) {
		return frame(PROTO_OUTPUT, "", 0x7fffffff) != 0;
	} else if (strcmp(mode, "badjson") == 0) {
		const char *p = "{\"id\": 1, \"status\": ";

		return frame(PROTO_EXIT, p, (uint32_t)strlen(p)) != 0;
	} else if (strcmp(mode, "badfield") == 0) {
		const char *p = "{\"id\":1,\"status\":\"zero\",\"signal\":0,"
		    "\"timed_out\":false,\"duration_ms\":1}";

		return frame(PROTO_EXIT, p, (uint32_t)strlen(p)) != 0;
	} else if (strcmp(mode, "hello") == 0) {
		/*
		 * A second HELLO that claims another kernel, with terminal
		 * escapes in it: the run must stay attributed to the image's
		 * kernel, and nothing the host prints may carry the escapes.
		 */
		const char *p = "{\"proto\":1,\"release\":\"\\u001b]0;pwned"
		    "\\u0007\\u001b[2J6.66.6-evil\",\"ncpus\":64}";

		if (frame(PROTO_HELLO, p, (uint32_t)strlen(p)) != 0)
			return 1;
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	/* give the host time to read before the step's EXIT follows */
	sleep(5);
	return 0;
}
