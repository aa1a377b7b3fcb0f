/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host side of the agent channel: sending requests and decoding the
 * guest's frames (protocol in guest/agent/proto.h).
 *
 * Every frame is guest-controlled.  The reader bounds memory
 * (PROTO_MAX_PAYLOAD); each message's fields are type-checked; the first
 * violation marks the channel broken with a message saying what was
 * wrong, and it is never read again: there is no resynchronising with a
 * guest that has shown it cannot be trusted.
 *
 * A guest may also stop reading.  Sends wait for the channel to drain
 * (poll) to a deadline per frame and mark the channel stalled past it;
 * while a send waits, what the guest writes is read into a bounded
 * buffer, so two sides each waiting to write do not wait on each other.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "agent-chan.h"
#include "proto.h"

/*
 * What a send may read ahead while it waits for the guest to drain the
 * channel: a guest that writes more than this without reading what it
 * is sent is not waited on (its send stalls).
 */
#define AGENT_READ_AHEAD	(1u << 20)

struct agent_priv {
	struct proto_reader	 reader;
	json_t			*msg;		/* the last decoded message */
	int			 have_frame;	/* reader holds a frame */
	/* read, not yet fed: one read's worth, or read ahead by a send */
	struct buf		 pending;
};

int
agent_init(struct agent_chan *a, int fd)
{
	struct agent_priv *p = xcalloc(1, sizeof(*p));

	memset(a, 0, sizeof(*a));
	a->fd = fd;
	a->send_timeout_ms = AGENT_SEND_TIMEOUT_MS;
	if (proto_reader_init(&p->reader) != 0)
		fatal("out of memory for the agent reader");
	a->priv = p;
	return 0;
}

void
agent_release(struct agent_chan *a)
{
	struct agent_priv *p = a->priv;

	if (p == NULL)
		return;
	json_decref(p->msg);
	buf_release(&p->pending);
	proto_reader_release(&p->reader);
	free(p);
	a->priv = NULL;	/* the fd belongs to the VM */
}

static int
agent_broken(struct agent_chan *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
agent_broken(struct agent_chan *a, const char *fmt, ...)
{
	va_list ap;

	if (!a->broken) {
		va_start(ap, fmt);
		vsnprintf(a->error, sizeof(a->error), fmt, ap);
		va_end(ap);
		a->broken = 1;
	}
	return -1;
}

/*
 * While a send waits: take what the guest wrote, up to AGENT_READ_AHEAD
 * in all, so that it is not blocked writing while we are blocked
 * writing.  Returns 0 when nothing more should be read during this
 * send (the buffer is full, or end-of-file or an error, which
 * agent_read() will meet again and report).
 */
static int
agent_read_ahead(struct agent_chan *a)
{
	struct agent_priv *p = a->priv;
	unsigned char chunk[4096];
	ssize_t n;

	if (p->pending.len >= AGENT_READ_AHEAD)
		return 0;
	n = read(a->fd, chunk, sizeof(chunk));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return 0;
	buf_add(&p->pending, chunk, (size_t)n);
	return 1;
}

/*
 * Send one frame, header and payload in one buffer, waiting for the
 * non-blocking channel to take it by a->send_timeout_ms.  Past that the
 * frame may be half sent: the channel is marked stalled and never
 * written again.
 */
static int
agent_send(struct agent_chan *a, unsigned type, json_t *obj)
{
	struct buf frame = BUF_INIT;
	unsigned char hdr[PROTO_HDR_SIZE];
	const char *name = proto_type_name(type);
	double deadline = now_mono() + a->send_timeout_ms / 1000.0;
	int reading = a->priv != NULL, rc = -1;
	size_t off = 0;
	char *text;

	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (text == NULL)
		return error("cannot encode a %s request", name);
	if (a->stalled) {
		free(text);
		return -1;	/* said once, when it stalled */
	}
	proto_hdr_encode(hdr, type, (uint32_t)strlen(text));
	buf_add(&frame, hdr, sizeof(hdr));
	buf_addstr(&frame, text);
	free(text);
	while (off < frame.len) {
		struct pollfd pfd = { .fd = a->fd,
		    .events = POLLOUT | (reading ? POLLIN : 0) };
		ssize_t w = write(a->fd, frame.data + off, frame.len - off);
		int left;

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			error("cannot send a %s request to the agent: %s", name,
			    strerror(errno));
			goto cleanup;
		}
		left = (int)((deadline - now_mono()) * 1000);
		if (left <= 0) {
			a->stalled = 1;
			snprintf(a->stall_reason, sizeof(a->stall_reason),
			    "sending the %s frame stalled: %zu of %zu bytes "
			    "went out in %d s", name, off, frame.len,
			    a->send_timeout_ms / 1000);
			goto cleanup;
		}
		if (poll(&pfd, 1, left) > 0 && (pfd.revents & POLLIN))
			reading = agent_read_ahead(a);
	}
	rc = 0;
cleanup:
	buf_release(&frame);
	return rc;
}

int
agent_send_hello(struct agent_chan *a)
{
	return agent_send(a, PROTO_HELLO, json_pack("{s:i}", "proto",
	    PROTO_VERSION));
}

/*
 * The first words to a guest restored from a snapshot: its agent was
 * saved after its HELLO, so it answers this one with a new HELLO, after
 * mixing seed into the kernel's random pool and setting the clock, so
 * that runs from one snapshot still differ.
 */
int
agent_send_resume(struct agent_chan *a, const unsigned char *seed, size_t n,
    long long realtime_ns)
{
	char hex[2 * 64 + 1];

	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", seed[i]);
	hex[2 * n] = '\0';
	return agent_send(a, PROTO_HELLO, json_pack("{s:i,s:{s:s,s:I}}",
	    "proto", PROTO_VERSION, "resume", "seed", hex, "realtime_ns",
	    (json_int_t)realtime_ns));
}

int
agent_exec(struct agent_chan *a, uint32_t id, char *const *argv, char *const *env,
    const int *cpus, size_t ncpus, long timeout_ms, int raw_channel)
{
	json_t *jargv = json_array(), *jenv = json_array(), *jcpus = json_array();

	for (size_t i = 0; argv[i] != NULL; i++)
		json_array_append_new(jargv, json_string(argv[i]));
	for (size_t i = 0; env != NULL && env[i] != NULL; i++)
		json_array_append_new(jenv, json_string(env[i]));
	for (size_t i = 0; i < ncpus; i++)
		json_array_append_new(jcpus, json_integer(cpus[i]));
	return agent_send(a, PROTO_EXEC, json_pack("{s:I,s:o,s:o,s:o,s:I,s:b}",
	    "id", (json_int_t)id, "argv", jargv, "env", jenv, "cpus", jcpus,
	    "timeout_ms", (json_int_t)timeout_ms, "raw_channel", raw_channel));
}

int
agent_kill(struct agent_chan *a, uint32_t id)
{
	return agent_send(a, PROTO_KILL, json_pack("{s:I}", "id",
	    (json_int_t)id));
}

int
agent_query(struct agent_chan *a, uint32_t id, const char *what, const char *path)
{
	json_t *q = json_pack("{s:I,s:s}", "id", (json_int_t)id, "what", what);

	if (path != NULL)
		json_object_set_new(q, "path", json_string(path));
	return agent_send(a, PROTO_QUERY, q);
}

int
agent_sample(struct agent_chan *a, char *const *paths, size_t npaths,
    long interval_ms)
{
	json_t *jp = json_array();

	for (size_t i = 0; i < npaths; i++)
		json_array_append_new(jp, json_string(paths[i]));
	return agent_send(a, PROTO_SAMPLE, json_pack("{s:I,s:o}",
	    "interval_ms", (json_int_t)interval_ms, "paths", jp));
}

/* Fetch an integer member in [min, max]; -1 if missing or wrong. */
static int
get_int(json_t *o, const char *key, long long min, long long max,
    long long *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/*
 * Check and decode one JSON frame into ev.  Returns 0, or -1 after
 * marking the channel broken with the field at fault.
 */
static int
agent_decode(struct agent_chan *a, unsigned type, const unsigned char *payload,
    size_t len, struct agent_event *ev)
{
	struct agent_priv *p = a->priv;
	const char *name = proto_type_name(type);
	json_error_t jerr;
	long long v;
	json_t *o;

#define BAD(field, what) \
	agent_broken(a, "agent sent a malformed %s frame: '%s' %s", name, \
	    field, what)

	json_decref(p->msg);
	p->msg = o = json_loadb((const char *)payload, len, 0, &jerr);
	if (o == NULL)
		return agent_broken(a, "agent sent a malformed %s frame: %s",
		    name, jerr.text);
	if (!json_is_object(o))
		return agent_broken(a, "agent sent a %s frame that is not a "
		    "JSON object", name);
	switch (type) {
	case PROTO_HELLO:
		ev->type = AGENT_EV_HELLO;
		if (get_int(o, "proto", 0, 1000000, &v) != 0)
			return BAD("proto", "is not a version number");
		ev->proto = (int)v;
		ev->release = json_string_value(json_object_get(o, "release"));
		if (ev->release == NULL || strlen(ev->release) > 120)
			return BAD("release", "is not a short string");
		if (get_int(o, "ncpus", 1, 65536, &v) != 0)
			return BAD("ncpus", "is not a CPU count");
		ev->ncpus = (int)v;
		if (get_int(o, "uptime_ms", 0, 1LL << 50, &v) == 0)
			ev->uptime_ms = (long)v;
		return 0;
	case PROTO_STARTED:
		ev->type = AGENT_EV_STARTED;
		if (get_int(o, "id", 0, UINT32_MAX, &v) != 0)
			return BAD("id", "is not a step id");
		ev->id = (uint32_t)v;
		return 0;
	case PROTO_EXIT:
		ev->type = AGENT_EV_EXIT;
		if (get_int(o, "id", 0, UINT32_MAX, &v) != 0)
			return BAD("id", "is not a step id");
		ev->id = (uint32_t)v;
		if (get_int(o, "status", -1, 255, &v) != 0)
			return BAD("status", "is not an exit status");
		ev->status = (int)v;
		if (get_int(o, "signal", 0, 128, &v) != 0)
			return BAD("signal", "is not a signal number");
		ev->signal = (int)v;
		if (!json_is_boolean(json_object_get(o, "timed_out")))
			return BAD("timed_out", "is not a boolean");
		ev->timed_out = json_is_true(json_object_get(o, "timed_out"));
		if (get_int(o, "duration_ms", 0, 1LL << 50, &v) != 0)
			return BAD("duration_ms", "is not a duration");
		ev->duration_ms = (long)v;
		return 0;
	case PROTO_HEARTBEAT:
		ev->type = AGENT_EV_HEARTBEAT;
		if (get_int(o, "seq", 0, 1LL << 50, &v) != 0)
			return BAD("seq", "is not a sequence number");
		ev->seq = (long)v;
		if (get_int(o, "uptime_ms", 0, 1LL << 50, &v) != 0)
			return BAD("uptime_ms", "is not a time");
		ev->uptime_ms = (long)v;
		return 0;
	case PROTO_REPLY:
		ev->type = AGENT_EV_REPLY;
		if (get_int(o, "id", 0, UINT32_MAX, &v) != 0)
			return BAD("id", "is not a query id");
		ev->id = (uint32_t)v;
		ev->ok = json_is_true(json_object_get(o, "ok"));
		ev->text = json_string_value(json_object_get(o,
		    ev->ok ? "data" : "error"));
		if (ev->text == NULL)
			return BAD(ev->ok ? "data" : "error", "is not a string");
		ev->data = ev->text;
		ev->len = json_string_length(json_object_get(o,
		    ev->ok ? "data" : "error"));
		return 0;
	case PROTO_METRICS:
		ev->type = AGENT_EV_METRICS;
		if (get_int(o, "uptime_ms", 0, 1LL << 50, &v) != 0)
			return BAD("uptime_ms", "is not a time");
		ev->uptime_ms = (long)v;
		ev->files = json_object_get(o, "files");
		if (!json_is_object(ev->files))
			return BAD("files", "is not an object");
		{
			const char *k;
			json_t *f;

			json_object_foreach(ev->files, k, f) {
				if (!json_is_string(f))
					return BAD("files", "has a value that "
					    "is not a string");
			}
		}
		return 0;
	case PROTO_ERROR:
		ev->type = AGENT_EV_ERROR;
		ev->text = json_string_value(json_object_get(o, "error"));
		if (ev->text == NULL)
			return BAD("error", "is not a string");
		if (get_int(o, "id", 0, UINT32_MAX, &v) == 0)
			ev->id = (uint32_t)v;
		return 0;
	case PROTO_AUTH:
		/* the backend took the one AUTH before it handed us the fd */
		return agent_broken(a, "agent sent an auth frame out of turn");
	default:
		return agent_broken(a, "agent sent a %s frame, which only the "
		    "host may send", name);
	}
#undef BAD
}

/*
 * Decode the frame the reader holds into ev.  OUTPUT is binary (see
 * proto.h); everything else is JSON.
 */
static int
agent_frame(struct agent_chan *a, const struct proto_hdr *hdr,
    const unsigned char *payload, struct agent_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (hdr->type == PROTO_OUTPUT) {
		if (hdr->length < PROTO_OUTPUT_HDR)
			return agent_broken(a, "agent sent an output frame of "
			    "%u bytes, shorter than its header", hdr->length);
		ev->type = AGENT_EV_OUTPUT;
		ev->id = (uint32_t)payload[0] | (uint32_t)payload[1] << 8 |
		    (uint32_t)payload[2] << 16 | (uint32_t)payload[3] << 24;
		ev->stream = payload[4];
		if (ev->stream != 1 && ev->stream != 2)
			return agent_broken(a, "agent sent output on stream "
			    "%d", ev->stream);
		ev->data = (const char *)payload + PROTO_OUTPUT_HDR;
		ev->len = hdr->length - PROTO_OUTPUT_HDR;
		return 0;
	}
	return agent_decode(a, hdr->type, payload, hdr->length, ev);
}

int
agent_read(struct agent_chan *a, struct agent_event *ev)
{
	struct agent_priv *p = a->priv;
	struct proto_hdr hdr;
	const unsigned char *payload;
	unsigned char chunk[4096];
	ssize_t n;
	int rc;

	if (a->broken || p == NULL)
		return -1;
	/* the frame handed out last time is done with now */
	if (p->have_frame) {
		proto_reader_consume(&p->reader);
		p->have_frame = 0;
	}
	for (;;) {
		rc = proto_reader_next(&p->reader, &hdr, &payload);
		if (rc < 0)
			return agent_broken(a, "agent channel: %s",
			    p->reader.error);
		if (rc == 1) {
			p->have_frame = 1;
			return agent_frame(a, &hdr, payload, ev) == 0 ? 1 : -1;
		}
		/*
		 * The reader stops taking bytes at a frame boundary; what
		 * it left is fed before anything new is read, so pending
		 * never holds more than one read's worth, or what a send
		 * read ahead (AGENT_READ_AHEAD).
		 */
		if (p->pending.len > 0) {
			long took = proto_reader_feed(&p->reader,
			    p->pending.data, p->pending.len);

			if (took < 0)
				return agent_broken(a, "agent channel: %s",
				    p->reader.error);
			memmove(p->pending.data, p->pending.data + took,
			    p->pending.len - (size_t)took);
			p->pending.len -= (size_t)took;
			continue;
		}
		n = read(a->fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return agent_broken(a, "agent channel: read: %s",
			    strerror(errno));
		}
		if (n == 0)
			return agent_broken(a, "agent channel closed");
		buf_add(&p->pending, chunk, (size_t)n);
	}
}

int
agent_pending(const struct agent_chan *a)
{
	const struct agent_priv *p = a->priv;

	return p != NULL && !a->broken && p->pending.len > 0;
}
