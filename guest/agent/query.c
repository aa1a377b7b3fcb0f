/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Answering the host's questions about the guest (QUERY) and sampling
 * /proc and /sys files for it (SAMPLE, METRICS).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

/*
 * Only /proc and /sys may be read, and never through "..": the host is
 * trusted, but a query must not become a way to read the image's files.
 */
int
query_path_allowed(const char *path)
{
	if (strncmp(path, "/proc/", 6) != 0 && strncmp(path, "/sys/", 5) != 0)
		return 0;
	return strstr(path, "..") == NULL;
}

/* Read at most cap bytes of path.  0, or -1 with errno set. */
int
query_read_file(const char *path, char *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*len = 0;
	if (fd < 0)
		return -1;
	while (*len < cap && (n = read(fd, buf + *len, cap - *len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		*len += (size_t)n;
	}
	close(fd);
	return 0;
}

/* A JSON string of the bytes, with anything not printable ASCII as '?'. */
static json_t *
query_text(const char *buf, size_t len)
{
	char *copy = malloc(len + 1);
	json_t *s;

	if (copy == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		copy[i] = (ch == '\n' || ch == '\t' || (ch >= 0x20 && ch < 0x7f))
		    ? (char)ch : '?';
	}
	s = json_stringn(copy, len);
	free(copy);
	return s;
}

void
query_answer(struct agent *a, json_t *req)
{
	static char buf[PROTO_MAX_FILE];
	json_t *jid = json_object_get(req, "id");
	const char *what = json_string_value(json_object_get(req, "what"));
	const char *path = NULL;
	json_int_t id = json_is_integer(jid) ? json_integer_value(jid) : 0;
	size_t len;

	if (what == NULL) {
		channel_send_json(a, PROTO_REPLY, json_pack("{s:I,s:b,s:s}",
		    "id", id, "ok", 0, "error", "query without 'what'"));
		return;
	}
	if (strcmp(what, "taint") == 0)
		path = "/proc/sys/kernel/tainted";
	else if (strcmp(what, "softirqs") == 0)
		path = "/proc/softirqs";
	else if (strcmp(what, "file") == 0)
		path = json_string_value(json_object_get(req, "path"));
	if (path == NULL || !query_path_allowed(path)) {
		channel_send_json(a, PROTO_REPLY, json_pack("{s:I,s:b,s:s}",
		    "id", id, "ok", 0, "error",
		    "only files under /proc and /sys can be queried"));
		return;
	}
	if (query_read_file(path, buf, sizeof(buf), &len) != 0) {
		char msg[300];

		snprintf(msg, sizeof(msg), "cannot read %s: %s", path,
		    strerror(errno));
		channel_send_json(a, PROTO_REPLY, json_pack("{s:I,s:b,s:s}",
		    "id", id, "ok", 0, "error", msg));
		return;
	}
	channel_send_json(a, PROTO_REPLY, json_pack("{s:I,s:b,s:o}", "id", id,
	    "ok", 1, "data", query_text(buf, len)));
}

void
query_set_sample(struct agent *a, json_t *req)
{
	json_t *paths = json_object_get(req, "paths");
	json_t *iv = json_object_get(req, "interval_ms");
	size_t i;
	json_t *p;

	for (size_t k = 0; k < a->nsamples; k++)
		free(a->samples[k]);
	a->nsamples = 0;
	json_array_foreach(paths, i, p) {
		const char *s = json_string_value(p);

		if (s == NULL || !query_path_allowed(s) ||
		    a->nsamples == AGENT_MAX_SAMPLES) {
			channel_send_error(a, 0, "cannot sample '%s'",
			    s ? s : "(not a string)");
			continue;
		}
		a->samples[a->nsamples++] = strdup(s);
	}
	a->sample_interval_ms = json_is_integer(iv) &&
	    json_integer_value(iv) >= 100 ? json_integer_value(iv) : 1000;
	a->next_sample_ms = agent_now_ms();
}

/*
 * Send one METRICS frame with every sampled file.  The frame is bounded
 * by PROTO_MAX_PAYLOAD: each file is cut so that all of them fit.
 */
void
query_send_metrics(struct agent *a)
{
	static char buf[PROTO_MAX_FILE];
	size_t per = a->nsamples ? (PROTO_MAX_PAYLOAD / 2) / a->nsamples : 0;
	json_t *files = json_object();
	struct timespec ts;

	if (per > sizeof(buf))
		per = sizeof(buf);
	for (size_t i = 0; i < a->nsamples; i++) {
		size_t len;

		if (query_read_file(a->samples[i], buf, per, &len) != 0)
			continue;
		json_object_set_new(files, a->samples[i], query_text(buf, len));
	}
	clock_gettime(CLOCK_BOOTTIME, &ts);
	channel_send_json(a, PROTO_METRICS, json_pack("{s:I,s:o}",
	    "uptime_ms", (json_int_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000),
	    "files", files));
}
