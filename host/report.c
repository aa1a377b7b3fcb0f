/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the first kernel crash in a log and naming it the way syzkaller
 * does (see ../shared/notes/syzkaller-titles.md): the report layer, text
 * only, at the bottom of the host's layers.
 *
 * The log is untrusted: it is read as bytes, lines are cut at
 * REPORT_LINE bytes for matching, and nothing here allocates in
 * proportion to the log: lines are indexed in a window of fixed size
 * that slides over it (struct rwin).
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "report-impl.h"

/*
 * Strip what the console puts before the kernel's text: syslog levels
 * "<4>", timestamps "[  12.345678]", caller tags "[T123]"/"[C1]", and
 * "kernel: " of journal dumps.  Returns the offset of the text.
 */
size_t
report_strip_prefix(const char *s, size_t n)
{
	size_t i = 0, j;

	for (int round = 0; round < 4; round++) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < n && s[i] == '<') {
			for (j = i + 1; j < n && j < i + 5 &&
			    isdigit((unsigned char)s[j]); j++)
				;
			if (j < n && s[j] == '>' && j > i + 1) {
				i = j + 1;
				continue;
			}
		}
		if (i < n && s[i] == '[') {
			j = i + 1;
			while (j < n && s[j] == ' ')
				j++;
			if (j < n && (s[j] == 'T' || s[j] == 'C') &&
			    j + 1 < n && isdigit((unsigned char)s[j + 1])) {
				for (j++; j < n && isdigit((unsigned char)s[j]);
				    j++)
					;
				if (j < n && s[j] == ']') {
					i = j + 1;
					continue;
				}
			}
			j = i + 1;
			while (j < n && s[j] == ' ')
				j++;
			if (j < n && isdigit((unsigned char)s[j])) {
				while (j < n && (isdigit((unsigned char)s[j]) ||
				    s[j] == '.'))
					j++;
				/* "[  12.34][ T1]" style has no space */
				if (j < n && s[j] == ']') {
					i = j + 1;
					continue;
				}
			}
		}
		break;
	}
	return i;
}

/*
 * A window of indexed lines sliding over the log.  A log is untrusted
 * and may be one long flood of empty lines, so the lines are not all
 * indexed at once: only the current line, up to RWIN_AHEAD lines after
 * it (all a report may span: report_text() reads at most 4000) and up to
 * RWIN_AHEAD lines before it (what a crash utility backtrace looks back
 * at) are held, in an array of three times that, so memory stays fixed
 * whatever the log.  Lines are indexed once each; the array is slid by
 * RWIN_AHEAD entries at a time, so sliding costs O(1) per line.
 */
#define RWIN_AHEAD	4096
#define RWIN_CAP	(3 * RWIN_AHEAD)

struct rwin {
	const char	*log;
	size_t		 len;
	size_t		 pos;	/* offset of the first line not indexed yet */
	size_t		 n;	/* lines in line[] */
	struct rline	 line[RWIN_CAP];
};

static void
rwin_reset(struct rwin *w, const char *log, size_t len)
{
	w->log = log;
	w->len = len;
	w->pos = 0;
	w->n = 0;
}

/* Index lines until line[] holds upto of them or the log ends. */
static void
rwin_fill(struct rwin *w, size_t upto)
{
	assert(upto <= RWIN_CAP);
	while (w->n < upto && w->pos < w->len) {
		const char *s = w->log + w->pos;
		const char *nl = memchr(s, '\n', w->len - w->pos);
		size_t l = nl ? (size_t)(nl - s) : w->len - w->pos, skip;
		struct rline *rl = &w->line[w->n++];

		rl->off = w->pos;
		w->pos += nl ? l + 1 : l;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		skip = report_strip_prefix(s, l < REPORT_LINE ? l : REPORT_LINE);
		rl->text = s + skip;
		rl->len = l - skip < REPORT_LINE ? l - skip : REPORT_LINE;
	}
}

/*
 * Make line *i (an index into line[]) the current one: slide the window
 * when *i has moved RWIN_AHEAD lines past the look-back it keeps, then
 * index up to RWIN_AHEAD lines after it.  Returns 0 at the end of the
 * log.
 */
static int
rwin_at(struct rwin *w, size_t *i)
{
	if (*i >= 2 * RWIN_AHEAD) {
		memmove(w->line, w->line + RWIN_AHEAD,
		    (w->n - RWIN_AHEAD) * sizeof(w->line[0]));
		w->n -= RWIN_AHEAD;
		*i -= RWIN_AHEAD;
	}
	rwin_fill(w, *i + RWIN_AHEAD);
	return *i < w->n;
}

/*
 * The window's lines from lo on as a log of their own: its end (len) is
 * where the first line not indexed starts, so a report cut by the window
 * ends there.
 */
static void
rwin_view(struct rwin *w, size_t lo, struct rlog *lg)
{
	lg->base = w->log;
	lg->len = w->pos;
	lg->line = w->line + lo;
	lg->n = w->n - lo;
}

/* Does line (text, n) contain needle? */
int
rl_has(const struct rline *l, const char *needle)
{
	return memmem(l->text, l->len, needle, strlen(needle)) != NULL;
}

int
rl_starts(const struct rline *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && memcmp(l->text, prefix, n) == 0;
}

/* Copy line into a NUL-terminated buffer of cap bytes. */
void
rl_copy(const struct rline *l, char *out, size_t cap)
{
	size_t n = l->len < cap - 1 ? l->len : cap - 1;

	memcpy(out, l->text, n);
	out[n] = '\0';
}

int
report_contains_crash_line(const char *line, size_t len)
{
	struct rline l;
	size_t skip = report_strip_prefix(line, len);

	l.text = line + skip;
	l.len = len - skip;
	return report_header_kind(&l) != NULL;
}

/*
 * The first crash of the log: the first header line whose report gives a
 * title, else a crash utility backtrace.  Time is linear in the log and
 * memory fixed (struct rwin); only the first REPORT_MAX_LOG bytes count.
 */
int
report_parse(const char *log, size_t len, struct report *out)
{
	struct rwin *w = xmalloc(sizeof(*w));
	struct rlog lg;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (len > REPORT_MAX_LOG)
		len = REPORT_MAX_LOG;
	rwin_reset(w, log, len);
	for (i = 0; rc == 0 && rwin_at(w, &i); i++) {
		const struct rheader *h = report_header_kind(&w->line[i]);

		if (h == NULL)
			continue;
		rwin_view(w, i, &lg);
		rc = report_title_at(&lg, 0, h, out);
	}
	/* no header anywhere: a second pass for "bt" output */
	rwin_reset(w, log, len);
	for (i = 0; rc == 0 && rwin_at(w, &i); i++) {
		size_t lo = i > RWIN_AHEAD ? i - RWIN_AHEAD : 0;

		if (!rl_has(&w->line[i], "[exception RIP: "))
			continue;
		rwin_view(w, lo, &lg);
		rc = report_crash_bt(&lg, i - lo, out);
		break;
	}
	free(w);
	if (rc == 1) {
		report_bucket(out);
		report_rules_match(log, out->end, out);
	}
	return rc;
}

void
report_release(struct report *r)
{
	if (r == NULL)
		return;
	free(r->title);
	free(r->type);
	free(r->frame);
	for (size_t i = 0; i < r->nframes; i++)
		free(r->frames[i]);
	free(r->frames);
	for (size_t i = 0; i < r->nclasses; i++)
		free(r->classes[i]);
	free(r->classes);
	memset(r, 0, sizeof(*r));
}

json_t *
report_to_json(const struct report *r)
{
	json_t *frames = json_array(), *classes = json_array();

	for (size_t i = 0; i < r->nframes; i++)
		json_array_append_new(frames, json_string(r->frames[i]));
	for (size_t i = 0; i < r->nclasses; i++)
		json_array_append_new(classes, json_string(r->classes[i]));
	return json_pack("{s:s?,s:s?,s:s?,s:o,s:b,s:s,s:o,s:I,s:I}",
	    "title", r->title, "type", r->type, "frame", r->frame,
	    "frames", frames, "corrupted", r->corrupted, "bucket", r->bucket,
	    "classes", classes, "start", (json_int_t)r->start,
	    "end", (json_int_t)r->end);
}
