/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the report layer (report*.c), shared by its files only.
 *
 * Calls go one way, down this list; a file calls only those below it:
 *   report.c		the entry (report_parse): the window of lines
 *   report-cpus.c	the other CPUs' stacks
 *   report-rules.c	root-cause rules
 *   report-bucket.c	the bucket of a title
 *   report-title.c	titles that need code (title_for)
 *   report-text.c	the lines and frames of one report
 *   report-headers.c	headers, their recipes and titles: data
 *   report-stack.c	stack recipes: the guilty frame
 *   report-frames.c	a frame in a line; the frames to skip
 *   report-re.c	the cache of compiled regular expressions
 *   report-line.c	a line: prefixes, the tests made on it
 */
#ifndef RACERIG_REPORT_IMPL_H
#define RACERIG_REPORT_IMPL_H

#include <regex.h>
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
	size_t		 pre;	/* bytes of the log's own line prefix */
	const char	*text;
	size_t		 len;
};

/*
 * Lines of a log, or of a window of one (see report.c): base is the whole
 * log, line[] some of its lines in order, len where the text after the
 * last of them starts (the log's length if they reach its end).
 */
struct rlog {
	const char	*base;
	size_t		 len;
	struct rline	*line;
	size_t		 n;
};

struct rheader;

/* report-re.c */
regex_t		*report_re(const char *pat);
regex_t		*report_re_join(const void *key, const char *const *list,
		     const char *extra);
int		 report_re_match(const char *pat, const char *s);

/* report-line.c */
size_t		 report_strip_prefix(const char *s, size_t n);
int		 rl_has(const struct rline *l, const char *needle);
int		 rl_has_word(const struct rline *l, const char *needle);
int		 rl_starts(const struct rline *l, const char *prefix);
void		 rl_copy(const struct rline *l, char *out, size_t cap);

/* report-title.c */
int		 report_title_at(const struct rlog *lg, size_t at,
		     const struct rheader *h, struct report *out);
int		 report_crash_bt(const struct rlog *lg, size_t at,
		     struct report *r);

/* report-frames.c */
int		 frame_parse(const struct rline *l, char *fn, size_t cap);
int		 frame_parse_raw(const struct rline *l, char *fn, size_t cap);
void		 frame_strip_suffix(char *fn);
int		 frame_is_generic(const char *fn);
/* Which choices of a guilty frame skip a frame (report-frames.c). */
enum {
	SK_RECIPE	= 1 << 0,	/* stack recipes (report-stack.c) */
	SK_GENERIC	= 1 << 1,	/* frame_is_generic() */
	SK_ALL		= SK_RECIPE | SK_GENERIC,
};
int		 frame_skipped(unsigned scope, const char *fn);
void		 frame_strip_syscall(char *fn);

/* report-stack.c */
enum stack_part_kind {
	SP_END,		/* end of the list */
	SP_LINE,	/* skip to a line matching re */
	SP_CAP,		/* ... and take the function its last group names */
	SP_RIP,		/* skip to the crash site line, take its function */
	SP_TRACE,	/* read a stack trace up to the next one */
};

struct stack_part {
	enum stack_part_kind kind;
	const char	*re;	/* POSIX ERE, for SP_LINE and SP_CAP */
};

enum stack_extract {
	SX_FIRST,	/* the first frame not skipped */
	SX_STALL,	/* the frame above the first stall anchor */
	SX_HUNG,	/* what a hung task waits for */
};

struct stack_recipe {
	const struct stack_part *parts;
	const struct stack_part *parts2;	/* tried if parts fail */
	const char	*skip;		/* more frames to skip (ERE) */
	enum stack_extract extract;
};

struct stack_result {
	char		 frame[2][128];	/* per trace read, prefix-stripped */
	char		 raw[2][128];	/* ... as in the report */
	size_t		 n;
	char		 seen[REPORT_MAX_FRAMES][128];	/* every frame */
	size_t		 nseen;
};

int		 stack_extract(const struct rline *lines, size_t n,
		     const struct stack_recipe *rc, struct stack_result *res);
int		 stack_part_match(const struct stack_part *p,
		     const struct rline *l, char *fn, size_t cap);
int		 stack_pick(enum stack_extract ex, char raw[][128], size_t n,
		     char *out, size_t cap, char *rout, size_t rcap);
void		 stack_seen(struct stack_result *res, const char *fn);
void		 stack_strip(const char *fn, char *out, size_t cap);
int		 stack_rip_line(const struct rline *l, char *fn, size_t cap);
int		 stack_trace_start(const struct rline *l);

/* report-headers.c */
enum hkind {
	H_KASAN, H_KMSAN, H_KFENCE, H_KCSAN, H_UBSAN, H_NULL_DEREF,
	H_PAGING, H_GPF, H_WARNING_OLD, H_WARNING, H_LOCKDEP, H_LIST_BUG,
	H_KERNEL_BUG, H_RCU_STALL, H_SOFT_LOCKUP, H_HUNG_TASK, H_MEMLEAK,
	H_DIVIDE, H_INVALID_OPCODE, H_DOUBLE_FAULT, H_BUG_GENERIC,
	H_PANIC, H_SLUB, H_UNABLE, H_INFO_GENERIC, H_STACK_SEGMENT,
	H_NETDEV, H_UNHANDLED, H_ALIGN, H_USERCOPY, H_INT3, H_INTERNAL,
	H_USERMEM, H_REBOOT, H_BARE, H_SYZ,
};

#define CALL_TRACE	"Call [Tt]race:|Backtrace:"
#define RE_PC		"\\[<?(0x)?[0-9a-f]+>?\\]"
/* "f+0x1f/0x80", "f.isra.0+0x..", and decode_stacktrace.sh's "f (x.c:12)" */
#define RE_FUNC		"([a-zA-Z0-9_]+)[.+ ]"

/* How a title is formed from a header (headers[], specials[]). */
enum smode {
	S_CODE,		/* by code (title_for): headers[] only */
	S_FRAME,	/* title + " in F", F by the recipe */
	S_NONE,		/* title alone */
	S_LINE,		/* the (normalised) line from the needle on */
	S_SEQ,		/* title + " in F", F named by a later line */
};

/*
 * A header line: what it holds, its kind and TYPE:, and, for a kind whose
 * title is only a recipe and a text, how the title is formed: title
 * (S_NONE), or title + " in F" with F found by rc (S_FRAME); or
 * by code (S_CODE, see title_for).
 */
struct rheader {
	const char	*needle;	/* must appear in the line */
	int		 at_start;	/* ... at its start */
	enum hkind	 kind;
	const char	*type;		/* TYPE: of the corpus */
	enum smode	 mode;
	const struct stack_recipe *rc;	/* S_FRAME */
	const char	*title;
};

/* A header known by its text, anywhere in a line (title_generic). */
struct special {
	const char	*needle;
	const char	*title;
	enum smode	 mode;
	const char	*type;
	const struct stack_recipe *rc;	/* S_FRAME; NULL: the Call Trace */
	const struct stack_part *seq;	/* S_SEQ */
	const struct stack_part *seq_warning;	/* ... when it says WARNING */
};

extern const struct special specials[];
extern const struct stack_part p_ct[], p_warn[];
extern const struct stack_recipe rc_ct, rc_warn;

const struct rheader *report_header_kind(const struct rline *l);
const struct rheader *report_header_of(enum hkind k);
int		 oops_line(const struct rline *l);

/* report-text.c */
/* Frames of a report, in the order they will be considered. */
struct frames {
	char	 fn[REPORT_MAX_FRAMES][128];
	size_t	 n;
};

void		 frames_add(struct frames *f, const char *fn);
void		 frames_collect(const struct rlog *lg, size_t from, size_t to,
		     struct frames *f, int rip_first);
const char	*frames_guilty(const struct frames *f, size_t start);
size_t		 report_text(const struct rlog *lg, size_t at,
		     struct rline **out, size_t *endp);
size_t		 report_end(const struct rlog *lg, size_t at);
int		 report_seq(const struct rlog *lg, size_t at,
		     const struct stack_part *seq, char *fn, size_t cap);
int		 recipe_frames(const struct rlog *lg, size_t at,
		     const struct stack_recipe *rc, struct report *r,
		     struct stack_result *res);

/* report-bucket.c */
void		 report_bucket(struct report *r);

/* report-rules.c */
void		 report_rules_match(const char *log, size_t crash_off,
		     struct report *r);

#endif
