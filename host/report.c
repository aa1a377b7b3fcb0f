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

#include "util.h"
#include "report.h"
#include "report-impl.h"

/*
 * What a paste puts before each line of the kernel's text, detected once
 * per log (report_detect_style) and stripped the same way on each line,
 * so that a line which merely looks like a prefix in a raw console log
 * is left alone:
 *   RS_QUOTE	e-mail quoting: "> ", "> > ", ">>"
 *   RS_SYSLOG	syslog and journal headers ending in "kernel: ":
 *		"Jul 27 14:08:04 host kernel: ", "2024-05-12T08:14:31+0200
 *		host kernel: ", "Sep 16 18:04:48 host kern.warn kernel: "
 *   RS_TSCUT	anything before the kernel's "[  12.345678]" timestamp
 *		("host | ", "2024-01-05 10:11:12.345 ")
 */
enum {
	RS_QUOTE	= 1 << 0,
	RS_SYSLOG	= 1 << 1,
	RS_TSCUT	= 1 << 2,
};

/* Lines (and bytes) at the start of a log its style is guessed from. */
#define RS_SAMPLE_LINES	4096
#define RS_SAMPLE_BYTES	(1u << 20)
/* How far into a line a syslog header or a timestamp may start. */
#define RS_PREFIX_MAX	128

/* Offset after e-mail quoting at the start of s[0, n). */
static size_t
style_quote(const char *s, size_t n)
{
	size_t i = 0, q = 0;

	while (i < n && (s[i] == '>' || s[i] == ' ' || s[i] == '\t')) {
		if (s[i] == '>')
			q = i + 1;
		i++;
	}
	/* keep the indentation after the last '>': frames are indented */
	return q < n && s[q] == ' ' ? q + 1 : q;
}

/* Offset after a syslog header ("... kernel: "), or 0 if there is none. */
static size_t
style_syslog(const char *s, size_t n)
{
	const char *k = memmem(s, n < RS_PREFIX_MAX ? n : RS_PREFIX_MAX,
	    "kernel: ", 8);
	int digit = 0;

	if (k == NULL || k == s || k[-1] != ' ')
		return 0;
	/* a header holds a time or date; "Booting the kernel: " has none */
	for (const char *p = s; p < k; p++)
		digit |= isdigit((unsigned char)*p) != 0;
	return digit ? (size_t)(k - s) + 8 : 0;
}

/*
 * Offset of a printk timestamp "[  12.345678]" after some other prefix,
 * or 0 if there is none (or it starts the line already).
 */
static size_t
style_tscut(const char *s, size_t n)
{
	size_t lim = n < RS_PREFIX_MAX ? n : RS_PREFIX_MAX;

	/* "** 5 printk messages dropped ** [": the kernel's, see line_context */
	if (lim < 4 || s[0] == '*')
		return 0;
	for (const char *p = s + 1; (p = memchr(p, '[', lim - (size_t)(p - s)))
	    != NULL && p + 3 < s + lim; p++) {
		size_t i = (size_t)(p - s), j = i + 1, b;

		while (j < n && s[j] == ' ')
			j++;
		for (b = j; j < n && isdigit((unsigned char)s[j]); j++)
			;
		if (j > b && j + 1 < n && s[j] == '.' &&
		    isdigit((unsigned char)s[j + 1])) {
			for (j++; j < n && isdigit((unsigned char)s[j]); j++)
				;
			if (j < n && s[j] == ']')
				return i;
		}
	}
	return 0;
}

/* The bytes of RS_* prefixes at the start of line s[0, n). */
static size_t
style_skip(int style, const char *s, size_t n)
{
	size_t k = 0;

	if (style & RS_QUOTE)
		k = style_quote(s, n);
	if (style & RS_SYSLOG)
		k += style_syslog(s + k, n - k);
	if (style & RS_TSCUT)
		k += style_tscut(s + k, n - k);
	return k;
}

/*
 * The RS_* prefixes of log: each one that at least half of the sampled
 * non-empty lines carry (a quarter for syslog, whose files interleave
 * other daemons' lines).
 */
static int
report_detect_style(const char *log, size_t len)
{
	size_t pos = 0, lines = 0, quote = 0, sys = 0, ts = 0;
	int style = 0;

	if (len > RS_SAMPLE_BYTES)
		len = RS_SAMPLE_BYTES;
	for (size_t i = 0; i < RS_SAMPLE_LINES && pos < len; i++) {
		const char *s = log + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, q = 0;

		pos += nl ? n + 1 : n;
		/* what is under the quoting counts, whether or not it is one */
		if (n > 0 && s[0] == '>') {
			quote++;
			q = style_quote(s, n);
		}
		if (n - q == 0 || (s[q] == '\r' && n - q == 1))
			continue;
		lines++;
		if (style_syslog(s + q, n - q) > 0)
			sys++;
		else if (style_tscut(s + q, n - q) > 0)
			ts++;
	}
	if (lines > 0 && quote * 2 >= lines)
		style |= RS_QUOTE;
	if (sys >= 2 && sys * 4 >= lines)
		style |= RS_SYSLOG;
	else if (ts >= 2 && ts * 2 >= lines)
		style |= RS_TSCUT;
	return style;
}

/*
 * A window of indexed lines sliding over the log.  A log is untrusted
 * and may be one long flood of empty lines, so the lines are not all
 * indexed at once: only the current line, up to RWIN_AHEAD lines after
 * it (all a report may span: report_text() reads at most 4000) and up to
 * RWIN_AHEAD lines before it (what a crash utility backtrace looks back
 * at) are held, in an array of at most three times that, so memory
 * stays bounded whatever the log.  The array starts small and doubles
 * up to that, so the usual short log costs little.  Lines are indexed
 * once each; the array is slid by RWIN_AHEAD entries at a time, so
 * sliding costs O(1) per line.
 */
#define RWIN_AHEAD	4096
#define RWIN_CAP	(3 * RWIN_AHEAD)

struct rwin {
	const char	*log;
	size_t		 len;
	int		 style;	/* RS_* */
	size_t		 pos;	/* offset of the first line not indexed yet */
	size_t		 n;	/* lines in line[] */
	size_t		 cap;	/* of line[], at most RWIN_CAP */
	struct rline	*line;
};

static void
rwin_reset(struct rwin *w, const char *log, size_t len, int style,
    size_t from)
{
	w->log = log;
	w->len = len;
	w->style = style;
	w->pos = from;
	w->n = 0;
}

/* Index lines until line[] holds upto of them or the log ends. */
static void
rwin_fill(struct rwin *w, size_t upto)
{
	assert(upto <= RWIN_CAP);
	while (w->n < upto && w->pos < w->len) {
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 256;
			if (w->cap > RWIN_CAP)
				w->cap = RWIN_CAP;
			w->line = xrealloc(w->line, w->cap * sizeof(*w->line));
		}
		const char *s = w->log + w->pos;
		const char *nl = memchr(s, '\n', w->len - w->pos);
		size_t l = nl ? (size_t)(nl - s) : w->len - w->pos, skip, pre;
		struct rline *rl = &w->line[w->n++];

		rl->off = w->pos;
		w->pos += nl ? l + 1 : l;
		/* "\r\n" and the "\r\r\n" of captures through two ttys */
		while (l > 0 && s[l - 1] == '\r')
			l--;
		pre = w->style ? style_skip(w->style, s, l < REPORT_LINE ? l :
		    REPORT_LINE) : 0;
		skip = pre + report_strip_prefix(s + pre, l - pre < REPORT_LINE ?
		    l - pre : REPORT_LINE);
		rl->pre = pre;
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

/*
 * The first crash of the log: the first header line whose report gives a
 * title, else a crash utility backtrace.  Time is linear in the log and
 * memory fixed (struct rwin); only the first REPORT_MAX_LOG bytes count.
 */
int
report_parse(const char *log, size_t len, struct report *out)
{
	return report_parse_from(log, len, 0, out);
}

/*
 * As report_parse(), but the first report that starts at or after byte
 * from (the start of a line).  The rest of the log still counts: its
 * line style, the root-cause rules over everything before the report's
 * end, the other CPUs' stacks after it.  Offsets in *out are the log's.
 */
int
report_parse_from(const char *log, size_t len, size_t from,
    struct report *out)
{
	struct rwin *w = xcalloc(1, sizeof(*w));
	struct rlog lg;
	size_t i;
	int rc = 0, style;

	memset(out, 0, sizeof(*out));
	if (len > REPORT_MAX_LOG)
		len = REPORT_MAX_LOG;
	if (from > len)
		from = len;
	style = report_detect_style(log, len);
	rwin_reset(w, log, len, style, from);
	for (i = 0; rc == 0 && rwin_at(w, &i); i++) {
		const struct rheader *h = report_header_kind(&w->line[i]);

		if (h == NULL)
			continue;
		rwin_view(w, i, &lg);
		rc = report_title_at(&lg, 0, h, out);
	}
	/* no header anywhere: a second pass for "bt" output */
	rwin_reset(w, log, len, style, from);
	for (i = 0; rc == 0 && rwin_at(w, &i); i++) {
		size_t lo = i > RWIN_AHEAD ? i - RWIN_AHEAD : 0;

		if (!rl_has(&w->line[i], "[exception RIP: "))
			continue;
		rwin_view(w, lo, &lg);
		rc = report_crash_bt(&lg, i - lo, out);
		break;
	}
	free(w->line);
	free(w);
	if (rc == 1) {
		report_bucket(out);
		report_rules_match(log, out->end, out);
		report_cpus_parse(log, len, out->start, out->end,
		    &out->others);
	}
	return rc;
}

/*
 * Every report of the log, in order: fn(arg, r) for each header line
 * whose report gives a title, then on from the line after that report's
 * end.  r has its title, type, frames, bucket, start and end (no rules,
 * no other CPUs: those are report_parse()'s) and is released when fn
 * returns.  Stops after max reports or when fn returns nonzero, and
 * returns how many were passed.  Time is linear in the log and memory
 * fixed however many reports a flood makes.
 */
size_t
report_each(const char *log, size_t len, size_t max,
    int (*fn)(void *arg, const struct report *r), void *arg)
{
	struct rwin *w = xcalloc(1, sizeof(*w));
	struct rlog lg;
	struct report r;
	size_t i, n = 0;

	if (len > REPORT_MAX_LOG)
		len = REPORT_MAX_LOG;
	rwin_reset(w, log, len, report_detect_style(log, len), 0);
	for (i = 0; n < max && rwin_at(w, &i); i++) {
		const struct rheader *h = report_header_kind(&w->line[i]);
		size_t end;
		int stop;

		if (h == NULL)
			continue;
		rwin_view(w, i, &lg);
		memset(&r, 0, sizeof(r));
		if (report_title_at(&lg, 0, h, &r) != 1) {
			report_release(&r);
			continue;
		}
		report_bucket(&r);
		n++;
		stop = fn(arg, &r);
		end = r.end;
		report_release(&r);
		if (stop)
			break;
		/* the report's own lines hold no other report */
		for (i++; rwin_at(w, &i) && w->line[i].off < end; i++)
			;
		i--;	/* the loop's i++ comes to the first line after it */
	}
	free(w->line);
	free(w);
	return n;
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
	report_cpus_release(&r->others);
	memset(r, 0, sizeof(*r));
}

json_t *
report_to_json(const struct report *r)
{
	json_t *frames = json_array(), *classes = json_array(), *j;

	for (size_t i = 0; i < r->nframes; i++)
		json_array_append_new(frames, json_string(r->frames[i]));
	for (size_t i = 0; i < r->nclasses; i++)
		json_array_append_new(classes, json_string(r->classes[i]));
	j = json_pack("{s:s?,s:s?,s:s?,s:o,s:b,s:s,s:o,s:I,s:I}",
	    "title", r->title, "type", r->type, "frame", r->frame,
	    "frames", frames, "corrupted", r->corrupted, "bucket", r->bucket,
	    "classes", classes, "start", (json_int_t)r->start,
	    "end", (json_int_t)r->end);
	if (j != NULL)
		report_cpus_to_json(&r->others, j);
	return j;
}
