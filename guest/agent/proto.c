/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Framing of the agent protocol (see proto.h), shared by host and guest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static const char *const proto_names[PROTO_TYPE_MAX] = {
	[PROTO_HELLO] = "hello",	[PROTO_EXEC] = "exec",
	[PROTO_STARTED] = "started",	[PROTO_OUTPUT] = "output",
	[PROTO_EXIT] = "exit",		[PROTO_HEARTBEAT] = "heartbeat",
	[PROTO_QUERY] = "query",	[PROTO_REPLY] = "reply",
	[PROTO_SAMPLE] = "sample",	[PROTO_METRICS] = "metrics",
	[PROTO_KILL] = "kill",		[PROTO_ERROR] = "error",
	[PROTO_AUTH] = "auth",
};

const char *
proto_type_name(unsigned type)
{
	if (type == 0 || type >= PROTO_TYPE_MAX)
		return "unknown";
	return proto_names[type];
}

void
proto_hdr_encode(unsigned char *out, unsigned type, uint32_t length)
{
	out[0] = PROTO_MAGIC & 0xff;
	out[1] = PROTO_MAGIC >> 8;
	out[2] = type & 0xff;
	out[3] = (type >> 8) & 0xff;
	out[4] = length & 0xff;
	out[5] = (length >> 8) & 0xff;
	out[6] = (length >> 16) & 0xff;
	out[7] = (length >> 24) & 0xff;
}

int
proto_reader_init(struct proto_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->buf = malloc(PROTO_HDR_SIZE + PROTO_MAX_PAYLOAD);
	return r->buf ? 0 : -1;
}

void
proto_reader_release(struct proto_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = 0;
}

void
proto_hdr_decode(const unsigned char *p, struct proto_hdr *hdr)
{
	hdr->magic = p[0] | p[1] << 8;
	hdr->type = p[2] | p[3] << 8;
	hdr->length = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
	    (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
}

/*
 * Validate the header as soon as it is complete, so that a hostile length
 * is rejected before we wait for (or buffer) its payload.
 */
static int
proto_reader_check(struct proto_reader *r, struct proto_hdr *hdr)
{
	proto_hdr_decode(r->buf, hdr);
	if (hdr->magic != PROTO_MAGIC) {
		snprintf(r->error, sizeof(r->error),
		    "bad frame magic 0x%04x", hdr->magic);
		return -1;
	}
	if (hdr->type == 0 || hdr->type >= PROTO_TYPE_MAX) {
		snprintf(r->error, sizeof(r->error),
		    "unknown frame type %u", hdr->type);
		return -1;
	}
	if (hdr->length > PROTO_MAX_PAYLOAD) {
		snprintf(r->error, sizeof(r->error),
		    "frame of %u bytes exceeds the %u byte limit",
		    hdr->length, PROTO_MAX_PAYLOAD);
		return -1;
	}
	return 0;
}

long
proto_reader_feed(struct proto_reader *r, const void *data, size_t n)
{
	struct proto_hdr hdr;
	size_t want, take;

	if (r->error[0] != '\0')
		return -1;
	if (r->len < PROTO_HDR_SIZE)
		want = PROTO_HDR_SIZE;
	else {
		if (proto_reader_check(r, &hdr) != 0)
			return -1;
		want = PROTO_HDR_SIZE + hdr.length;
	}
	take = 0;
	while (take < n && r->len < want) {
		size_t chunk = want - r->len;

		if (chunk > n - take)
			chunk = n - take;
		memcpy(r->buf + r->len, (const char *)data + take, chunk);
		r->len += chunk;
		take += chunk;
		if (r->len == PROTO_HDR_SIZE) {
			if (proto_reader_check(r, &hdr) != 0)
				return -1;
			want = PROTO_HDR_SIZE + hdr.length;
		}
	}
	return (long)take;
}

int
proto_reader_next(struct proto_reader *r, struct proto_hdr *hdr,
    const unsigned char **payload)
{
	if (r->error[0] != '\0')
		return -1;
	if (r->len < PROTO_HDR_SIZE)
		return 0;
	if (proto_reader_check(r, hdr) != 0)
		return -1;
	if (r->len < PROTO_HDR_SIZE + hdr->length)
		return 0;
	*payload = r->buf + PROTO_HDR_SIZE;
	return 1;
}

void
proto_reader_consume(struct proto_reader *r)
{
	r->len = 0;
}
