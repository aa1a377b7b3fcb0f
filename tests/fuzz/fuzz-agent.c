/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the agent wire protocol: any bytes as what a
 * guest's agent writes into its channel, read by host/agent-chan.c through a
 * socketpair in chunks of a size the input chooses, until the channel
 * is broken or closed.
 *
 * Beyond "no crash": every event agent_read() hands out keeps the
 * protocol's bounds (output stream 1 or 2 and at most one payload long,
 * a short printable-sized release, ...); a broken channel says why; and
 * the same bytes fed to a proto_reader in one piece and one byte at a
 * time give the same frames, each of which re-encodes to the header it
 * was decoded from.
 */
#include <sys/socket.h>

#include <assert.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "agent-chan.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check what agent_read() says an event is against the protocol. */
static void
check_event(const struct agent_event *ev)
{
	switch (ev->type) {
	case AGENT_EV_HELLO:
		assert(ev->release != NULL && strlen(ev->release) <= 120);
		assert(ev->ncpus >= 1 && ev->ncpus <= 65536);
		break;
	case AGENT_EV_OUTPUT:
		assert(ev->stream == 1 || ev->stream == 2);
		assert(ev->len <= PROTO_MAX_PAYLOAD - PROTO_OUTPUT_HDR);
		assert(ev->len == 0 || ev->data != NULL);
		break;
	case AGENT_EV_EXIT:
		assert(ev->status >= -1 && ev->status <= 255);
		assert(ev->signal >= 0 && ev->signal <= 128);
		assert(ev->duration_ms >= 0);
		break;
	case AGENT_EV_REPLY:
	case AGENT_EV_ERROR:
		assert(ev->text != NULL);
		break;
	case AGENT_EV_METRICS:
		assert(json_is_object(ev->files));
		break;
	default:
		break;
	}
}

/* The host's reader over a socketpair, chunk bytes per write. */
static void
through_agent(const uint8_t *data, size_t size, size_t chunk)
{
	struct agent_event ev;
	struct agent_chan a;
	size_t off = 0;
	int sv[2], rc = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	agent_init(&a, sv[0]);
	while (off < size && rc >= 0) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (write_all(sv[1], data + off, n) != 0)
			break;
		off += n;
		while ((rc = agent_read(&a, &ev)) == 1)
			check_event(&ev);
	}
	close(sv[1]);
	while (rc >= 0 && (rc = agent_read(&a, &ev)) == 1)
		check_event(&ev);
	/* at the end of the bytes the channel is closed, never silently */
	assert(rc == -1 && a.broken && a.error[0] != '\0');
	agent_release(&a);
	close(sv[0]);
}

/*
 * The frames of data as a proto_reader sees them when fed step bytes at
 * a time, as a running hash of type, length and payload.  Each frame's
 * header must re-encode to the bytes it came from.
 */
static uint64_t
frames_hash(const uint8_t *data, size_t size, size_t step, size_t *nframes)
{
	/* one reader for all inputs: a 256 KiB allocation is an mmap */
	static struct proto_reader r;
	struct proto_hdr hdr;
	const unsigned char *payload;
	uint64_t h = 1469598103934665603ULL;
	size_t off = 0;

	*nframes = 0;
	if (r.buf == NULL && proto_reader_init(&r) != 0)
		abort();
	/* what proto_reader_init() leaves, without the allocation */
	r.len = 0;
	r.error[0] = '\0';
	while (off < size) {
		size_t n = size - off < step ? size - off : step;
		long took = proto_reader_feed(&r, data + off, n);
		int rc;

		if (took < 0)
			break;
		off += (size_t)took;
		while ((rc = proto_reader_next(&r, &hdr, &payload)) == 1) {
			unsigned char enc[PROTO_HDR_SIZE];

			proto_hdr_encode(enc, hdr.type, hdr.length);
			assert(memcmp(enc, payload - PROTO_HDR_SIZE,
			    PROTO_HDR_SIZE) == 0);
			h = (h ^ hdr.type) * 1099511628211ULL;
			h = (h ^ hdr.length) * 1099511628211ULL;
			for (uint32_t i = 0; i < hdr.length; i++)
				h = (h ^ payload[i]) * 1099511628211ULL;
			proto_reader_consume(&r);
			(*nframes)++;
		}
		if (rc < 0 || (took == 0 && n > 0))
			break;
	}
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chunk, n1, n2;

	if (size < 1)
		return 0;
	/* the first byte picks the write size: frames split anywhere */
	chunk = 1 + (size_t)data[0] * 37;
	through_agent(data + 1, size - 1, chunk);
	assert(frames_hash(data + 1, size - 1, size, &n1) ==
	    frames_hash(data + 1, size - 1, 1, &n2) && n1 == n2);
	return 0;
}
