/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the first kernel crash in a log and naming it the way syzkaller
 * does (see ../shared/notes/syzkaller-titles.md): the report layer, text
 * only, at the bottom of the host's layers.
 *
 * The log is untrusted: it is read as bytes, lines are cut at
 * REPORT_LINE bytes for matching, and nothing here allocates in
 * proportion to the log beyond one array of line offsets.
 */
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

/* Split log into lines (offsets), stripping prefixes. */
static void
report_lines(struct rlog *lg, const char *log, size_t len)
{
	size_t cap = 1024, pos = 0;

	lg->base = log;
	lg->len = len;
	lg->n = 0;
	lg->line = xmalloc(cap * sizeof(*lg->line));
	while (pos < len) {
		const char *nl = memchr(log + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - log) : len;
		size_t l = end - pos, skip;

		if (l > 0 && log[end - 1] == '\r')
			l--;
		if (lg->n == cap) {
			cap *= 2;
			lg->line = xrealloc(lg->line, cap * sizeof(*lg->line));
		}
		skip = report_strip_prefix(log + pos, l < REPORT_LINE ? l :
		    REPORT_LINE);
		lg->line[lg->n].off = pos;
		lg->line[lg->n].text = log + pos + skip;
		lg->line[lg->n].len = l - skip;
		if (lg->line[lg->n].len > REPORT_LINE)
			lg->line[lg->n].len = REPORT_LINE;
		lg->n++;
		pos = end + 1;
	}
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

int
report_parse(const char *log, size_t len, struct report *out)
{
	struct rlog lg;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > REPORT_MAX_LOG)
		len = REPORT_MAX_LOG;
	report_lines(&lg, log, len);
	rc = report_analyse(&lg, out);
	free(lg.line);
	if (rc == 1) {
		report_bucket(out);
		report_rules_match(log, out->end, out);
		report_cpus_parse(log, len, out->start, out->end,
		    &out->others);
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
