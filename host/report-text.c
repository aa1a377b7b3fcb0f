/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lines and frames of one report: where it ends, which of the
 * following lines are its own (other callers' contexts dropped), the
 * frames it names, and applying a stack recipe or a sequence of steps
 * to it.
 */
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

void
frames_add(struct frames *f, const char *fn)
{
	if (f->n < REPORT_MAX_FRAMES)
		snprintf(f->fn[f->n++], sizeof(f->fn[0]), "%s", fn);
}

static int
is_header_line(const struct rline *l)
{
	return report_header_kind(l) != NULL;
}

/*
 * The console context of a raw log line: 0 without a timestamp, 1 for a
 * plain "[  1.23] " one, else 2 with the caller tag ("[T123]", "[C1]")
 * copied into tag.
 */
static int
line_context(const struct rlog *lg, size_t i, char *tag, size_t cap)
{
	/* after what the paste put there (syslog's header, quoting) */
	const char *s = lg->base + lg->line[i].off + lg->line[i].pre;
	size_t n = (size_t)(lg->line[i].text - s) + lg->line[i].len, j = 0, b;

	tag[0] = '\0';
	/* "** 3 printk messages dropped ** ", "host login: " */
	for (size_t k = 0; k + 2 < n && k < 128; k++) {
		if ((k + 8 <= n && memcmp(s + k, " login: ", 8) == 0) ||
		    (k + 4 <= n && memcmp(s + k, " ** ", 4) == 0 &&
		    k + 4 < n && s[k + 4] == '[')) {
			j = k + (s[k + 1] == 'l' ? 8 : 4);
			if (j > n)
				j = n;
		}
	}
	if (j < n && s[j] == '<') {
		while (j < n && s[j] != '>')
			j++;
		j++;
	}
	if (j >= n || s[j] != '[')
		return 0;
	j++;
	while (j < n && s[j] == ' ')
		j++;
	b = j;
	while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.'))
		j++;
	if (j == b || j >= n || s[j] != ']')
		return 0;
	j++;
	if (j < n && s[j] == '[') {
		j++;
		while (j < n && s[j] == ' ')
			j++;
		b = j;
		while (j < n && s[j] != ']')
			j++;
		if (j < n && j > b && (s[b] == 'T' || s[b] == 'C')) {
			snprintf(tag, cap, "%.*s", (int)(j - b), s + b);
			return 2;
		}
	}
	return 1;
}

/*
 * The lines of the report that starts at line at, as syzkaller reads
 * it: lines of other callers' contexts are dropped (with caller tags),
 * as are guessed " ? " frames; a plain console report ends where the
 * next one starts, and a panic or lockdep report printed long after the
 * start is not part of it.  Returns the number of lines put in *out
 * (allocated); *endp gets the log line index after the report.
 */
size_t
report_text(const struct rlog *lg, size_t at, struct rline **out,
    size_t *endp)
{
	char tag[32], tag1[32];
	int ctx = line_context(lg, at, tag, sizeof(tag)), ctx1;
	size_t cap = 256, n = 0, keep = 0, lines = 0, second = 0, i;
	int cputrace = 0, skiptext = 0;
	size_t min_lines = rl_has(&lg->line[at], "BUG: KMSAN:") ? 16 : 22;
	struct rline *r = xmalloc(cap * sizeof(*r));

	*endp = lg->n;
	for (i = at; i < lg->n && i < at + 4000; i++) {
		const struct rline *l = &lg->line[i];
		int q = 0;

		ctx1 = line_context(lg, i, tag1, sizeof(tag1));
		if (i > at && second == 0 && (oops_line(l) ?
		    !rl_has(l, "invalid opcode: 0000") &&
		    !rl_has(l, "Kernel panic - not syncing") &&
		    !rl_has(l, "unregister_netdevice: waiting for") &&
		    !rl_has(l, "PANIC: double fault") &&
		    !rl_has(l, "Internal error:") :
		    rl_has(l, "vmalloc: allocation failure:") ||
		    rl_has(l, "FAULT_INJECTION: forcing a failure") ||
		    rl_has(l, "FAULT_FLAG_ALLOW_RETRY missing"))) {
			second = i;
			if (ctx != 2)
				*endp = i;
		}
		if (ctx1 != 0 && rl_has(l, " ? ") && !rl_has(l, "<EOI>"))
			q = 1;
		if (i > at && (q || ctx1 != ctx || strcmp(tag, tag1) != 0) &&
		    !(cputrace && ctx1 == 2 && tag1[0] == 'C'))
			continue;
		lines++;
		int skip = skiptext;

		if (rl_has(l, "Disabling lock debugging due to kernel taint"))
			skip = 1;
		else if (rl_has(l, "Sending NMI from CPU"))
			cputrace = 1;
		else if (lines > min_lines &&
		    (rl_has(l, "Kernel panic - not syncing") ||
		    rl_has(l, "WARNING: possible circular locking dependency "
		    "detected"))) {
			skiptext = 1;
			skip = 1;
		}
		if (i > at && skip)
			continue;
		if (n == cap) {
			cap *= 2;
			r = xrealloc(r, cap * sizeof(*r));
		}
		r[n++] = *l;
		if (second == 0 || ctx == 2)
			keep = n;
	}
	*out = r;
	return keep;
}

/*
 * The end of the report that starts at line at: the next oops header
 * after a few lines, an end marker, or REPORT_SPAN lines on.
 */
#define REPORT_SPAN 300
size_t
report_end(const struct rlog *lg, size_t at)
{
	size_t i;

	for (i = at + 1; i < lg->n && i < at + REPORT_SPAN; i++) {
		const struct rline *l = &lg->line[i];

		if (rl_starts(l, "---[ end trace") ||
		    rl_starts(l, "---[ end Kernel panic"))
			return i + 1;
		/* arm's "Internal error: Oops" continues the report */
		if (i > at + 2 && is_header_line(l) &&
		    !rl_has(l, "Kernel panic - not syncing") &&
		    !rl_has(l, "Internal error: ") &&
		    !rl_has(l, "detected stall"))
			return i;
	}
	return i;
}

/*
 * Collect frames of lines [from, to): the crash site first (RIP/IP/pc),
 * then every trace frame in order.  Lines of other tasks' stacks
 * ("Showing busy workqueues", "NMI backtrace") end the collection.
 */
void
frames_collect(const struct rlog *lg, size_t from, size_t to,
    struct frames *f, int rip_first)
{
	char fn[128];
	size_t i;

	f->n = 0;
	if (rip_first) {
		/*
		 * Only the first RIP line is the crash site: later ones are
		 * of interrupted contexts.  "RIP: 0010:0x0" (a call through
		 * a NULL pointer) names no function, so the trace decides.
		 */
		for (i = from; i < to; i++) {
			const struct rline *l = &lg->line[i];

			if (rl_starts(l, "RIP: ") || rl_starts(l, "IP: ") ||
			    rl_starts(l, "pc : ") ||
			    rl_has(l, "[exception RIP: ")) {
				if (frame_parse(l, fn, sizeof(fn)))
					frames_add(f, fn);
				break;
			}
		}
	}
	for (i = from; i < to; i++) {
		const struct rline *l = &lg->line[i];

		if (rl_starts(l, "RIP: ") || rl_starts(l, "IP: ") ||
		    rl_starts(l, "Code: ") || rl_starts(l, "lr : ") ||
		    rl_starts(l, "pc : "))
			continue;
		if (i > from && (rl_starts(l, "Allocated by task") ||
		    rl_starts(l, "Freed by task") ||
		    rl_starts(l, "The buggy address") ||
		    rl_starts(l, "Uninit was created") ||
		    rl_starts(l, "NMI backtrace for cpu") ||
		    rl_starts(l, "Showing busy workqueues") ||
		    rl_starts(l, "Sending NMI from CPU")))
			break;
		if (i > from && frame_parse(l, fn, sizeof(fn)))
			frames_add(f, fn);
	}
}

const char *
frames_guilty(const struct frames *f, size_t start)
{
	for (size_t i = start; i < f->n; i++) {
		if (!frame_is_generic(f->fn[i]))
			return f->fn[i];
	}
	return NULL;
}

/*
 * Apply recipe rc to the report starting at line at: r gets the frames
 * and the guilty frame (NULL if none was found).  Returns 1 unless the
 * report is corrupted; res (if not NULL) gets the extraction.
 */
int
recipe_frames(const struct rlog *lg, size_t at, const struct stack_recipe *rc,
    struct report *r, struct stack_result *res)
{
	struct stack_result own;
	struct rline *lines;
	size_t n, endl;
	int ok;

	if (res == NULL)
		res = &own;
	n = report_text(lg, at, &lines, &endl);
	ok = stack_extract(lines, n, rc, res);
	free(lines);
	r->frames = xcalloc(res->nseen + 1, sizeof(char *));
	for (size_t i = 0; i < res->nseen; i++)
		r->frames[r->nframes++] = xstrdup(res->seen[i]);
	if (res->n > 0 && strcmp(res->frame[0], "corrupted") != 0)
		r->frame = xstrdup(res->frame[0]);
	if (!ok)
		r->corrupted = 1;
	return ok;
}

/*
 * Walk seq over the report at line at: each step on a later line than
 * the one before.  fn gets the function the last SP_CAP names.  Returns
 * 1 if every step matched.
 */
int
report_seq(const struct rlog *lg, size_t at, const struct stack_part *seq,
    char *fn, size_t cap)
{
	struct rline *lines;
	size_t n, endl, i = 0;
	int ok = 1;

	fn[0] = '\0';
	n = report_text(lg, at, &lines, &endl);
	for (size_t k = 0; seq[k].kind != SP_END && ok; k++) {
		char tmp[128];
		int m = 0;

		for (; i < n; i++) {
			m = stack_part_match(&seq[k], &lines[i], tmp,
			    sizeof(tmp));
			if (m != 0)
				break;
		}
		if (m == 0) {
			ok = 0;
			break;
		}
		if (m == 1)
			snprintf(fn, cap, "%s", tmp);
		i++;
	}
	free(lines);
	return ok && fn[0] != '\0';
}
