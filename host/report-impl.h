/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the report layer (report*.c), shared by its files only.
 */
#ifndef RACERIG_REPORT_IMPL_H
#define RACERIG_REPORT_IMPL_H

#include <stddef.h>

/* Longest part of a line that is matched; the rest is ignored. */
#define REPORT_LINE	1024
/* Only this much of a log is read: a crash report is near its start. */
#define REPORT_MAX_LOG	(64u * 1024 * 1024)
/* Frames kept per report. */
#define REPORT_MAX_FRAMES 64
#define REPORT_TITLE	256

/* One line of the log, prefixes (timestamps, levels) stripped. */
struct rline {
	size_t		 off;	/* of the raw line in the log */
	const char	*text;
	size_t		 len;
};

struct rlog {
	const char	*base;
	size_t		 len;
	struct rline	*line;
	size_t		 n;
};

struct rheader;

/* report.c */
size_t		 report_strip_prefix(const char *s, size_t n);
int		 rl_has(const struct rline *l, const char *needle);
int		 rl_starts(const struct rline *l, const char *prefix);
void		 rl_copy(const struct rline *l, char *out, size_t cap);

/* report-title.c */
const struct rheader *report_header_kind(const struct rline *l);
int		 report_analyse(const struct rlog *lg, struct report *out);

/* report-frames.c */
int		 frame_parse(const struct rline *l, char *fn, size_t cap);
int		 frame_parse_raw(const struct rline *l, char *fn, size_t cap);
void		 frame_strip_suffix(char *fn);
int		 frame_is_generic(const char *fn);
int		 frame_is_stall_anchor(const char *fn);
int		 frame_is_wait(const char *fn);
void		 frame_strip_syscall(char *fn);

/* report-bucket.c */
void		 report_bucket(struct report *r);

/* report-rules.c */
void		 report_rules_match(const char *log, size_t crash_off,
		     struct report *r);

#endif
