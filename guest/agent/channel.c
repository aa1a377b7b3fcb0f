/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending frames to the host over the virtio-serial port.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

/*
 * Write the whole buffer.  The port is non-blocking (the loop must keep
 * reading while the host is slow), so wait for POLLOUT on EAGAIN; give
 * up after 10 s, since a host that stops reading is gone.
 */
static int
channel_write(int fd, const unsigned char *p, size_t n)
{
	long long deadline = agent_now_ms() + 10000;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (agent_now_ms() > deadline)
			return -1;
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		(void)poll(&pfd, 1, 100);
	}
	return 0;
}

int
channel_send(struct agent *a, unsigned type, const void *payload, size_t len)
{
	unsigned char hdr[PROTO_HDR_SIZE];

	if (len > PROTO_MAX_PAYLOAD)
		len = PROTO_MAX_PAYLOAD;	/* callers bound it; be safe */
	proto_hdr_encode(hdr, type, (uint32_t)len);
	if (channel_write(a->port_fd, hdr, sizeof(hdr)) != 0 ||
	    channel_write(a->port_fd, payload, len) != 0) {
		agent_log("cannot send a %s frame: %s", proto_type_name(type),
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Send obj (consumed) as the JSON payload of a frame. */
int
channel_send_json(struct agent *a, unsigned type, json_t *obj)
{
	char *text;
	int rc;

	if (obj == NULL)
		return -1;
	text = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(obj);
	if (text == NULL)
		return -1;
	rc = channel_send(a, type, text, strlen(text));
	free(text);
	return rc;
}

int
channel_send_error(struct agent *a, uint32_t id, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	agent_log("%s", msg);
	return channel_send_json(a, PROTO_ERROR, json_pack("{s:I,s:s}", "id",
	    (json_int_t)id, "error", msg));
}
