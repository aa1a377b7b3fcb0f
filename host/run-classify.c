/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A finished run classified (run_classify()): which report of its log is
 * its crash, and which are its findings, the reports the kernel printed
 * and went on from (WARNINGs with panic_on_warn=0, KCSAN data races,
 * KASAN with kasan.fault=report, lockdep, stalls and lockups).
 *
 * The crash is the report that ended the run: the last one that began at
 * or before the first line the console marks as fatal (an oops, a BUG(),
 * a panic; console.c's CONSOLE_CRASH and CONSOLE_PANIC), since
 * panic_on_warn turns the WARNING before it into the panic.  A hung run
 * with no such line takes its first lockup or stall report.  Every report
 * before the crash is a finding, one per bucket, in the order first
 * seen; what follows the crash (the panic, the other CPUs' stacks) is
 * part of it.
 *
 * The log is the guest's: findings are bounded in number
 * (RUN_FINDINGS_MAX buckets kept, the rest counted), in text
 * (RUN_FINDING_TEXT bytes each, printable ASCII only) and in the reports
 * read (RUN_FINDINGS_SCAN), so a flood of reports costs time linear in
 * the log and a fixed amount of memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "report.h"
#include "vm.h"
#include "run.h"

/*
 * The offset of the first line of log[0..len) with one of the markers in
 * mask, or SIZE_MAX; *flags gets that line's markers and *n its length.
 */
static size_t
first_marked_line(const char *log, size_t len, unsigned mask,
    unsigned *flags, size_t *n)
{
	size_t off = 0;

	while (off < len) {
		const char *nl = memchr(log + off, '\n', len - off);
		size_t l = nl != NULL ? (size_t)(nl - (log + off)) : len - off;

		*flags = console_line_markers(log + off, l < CONSOLE_LINE ? l :
		    CONSOLE_LINE, NULL);
		if (*flags & mask) {
			*n = l;
			return off;
		}
		off += l + 1;
	}
	return SIZE_MAX;
}

struct crash_pick {
	size_t		 limit;	/* the fatal (or hang) line */
	size_t		 before;	/* the last report starting before it */
	size_t		 at;	/* the first starting at or after it */
};

static int
pick_one(void *arg, const struct report *r)
{
	struct crash_pick *p = arg;

	if (r->start >= p->limit) {
		p->at = r->start;
		return 1;
	}
	p->before = r->start;
	return 0;
}

/*
 * Panics that another report caused, which end with "not syncing: "
 * and one of these: its crash is that report, not the panic's own.
 */
static const char *const consequence_panics[] = {
	"panic_on_warn set",	/* a WARNING, KASAN, KCSAN, UBSAN report */
	"Fatal exception",	/* an oops, with oops=panic */
	"hung_task: blocked tasks",
	"softlockup: hung tasks",
	"hard LOCKUP",
	"RCU Stall",		/* panic_on_rcu_stall */
};

static int
panic_is_consequence(const char *line, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(consequence_panics); i++) {
		const char *c = consequence_panics[i];

		if (memmem(line, len, c, strlen(c)) != NULL)
			return 1;
	}
	return 0;
}

/*
 * Where the report that ended a run with outcome o starts in log, or
 * SIZE_MAX if none of its reports did.  The first fatal line decides:
 * an oops, BUG() or fault is in the report that starts at or last before
 * it; a panic another report caused (panic_on_warn, an oops's "Fatal
 * exception", a hung-task or lockup panic) is that report's, the last
 * before it; any other panic (sysrq, a module's own) is its own report.
 * A hung run with no fatal line takes the report of its first lockup or
 * stall line, a crashed or hung one with neither its first report.
 */
static size_t
run_crash_start(const char *log, size_t len, enum run_outcome o,
    size_t *fatal)
{
	struct crash_pick p = { SIZE_MAX, SIZE_MAX, SIZE_MAX };
	int kernel = o == RUN_CRASHED || o == RUN_HUNG ||
	    o == RUN_BOOT_FAILED;
	int own = 0;
	unsigned f;
	size_t n;

	p.limit = first_marked_line(log, len, CONSOLE_CRASH | CONSOLE_PANIC,
	    &f, &n);
	if (p.limit != SIZE_MAX) {
		/* a consequence's report starts before limit: "before" */
		if (!(f & CONSOLE_CRASH) &&
		    !panic_is_consequence(log + p.limit, n))
			own = 1;
		/* a report headed by the line itself, if there is one */
		if (own || (f & CONSOLE_CRASH))
			*fatal = p.limit;
		if (f & CONSOLE_CRASH)
			p.limit++;	/* the report that begins at it too */
	} else if (kernel) {
		p.limit = first_marked_line(log, len, CONSOLE_HANG, &f, &n);
		if (p.limit == SIZE_MAX)
			p.limit = 0;	/* no line says why: the first */
		else
			p.limit++;
	}
	if (p.limit == SIZE_MAX)
		return SIZE_MAX;	/* it went on from all of them */
	(void)report_each(log, len, RUN_FINDINGS_SCAN, pick_one, &p);
	if (own && p.at != SIZE_MAX)
		return p.at;
	if (p.before != SIZE_MAX)
		return p.before;
	/* none before the line: the first after it (SIZE_MAX: none) */
	return p.at;
}

/*
 * The crash of a run that ended with outcome o, classified from log:
 * 1 with *out set (report_parse()'s whole report), 0 if none.
 */
int
run_crash_report(const char *log, size_t len, enum run_outcome o,
    struct report *out)
{
	size_t fatal = SIZE_MAX;
	size_t start = run_crash_start(log, len, o, &fatal);

	memset(out, 0, sizeof(*out));
	if (start == SIZE_MAX)
		return 0;
	/*
	 * An oops that cut into a report still in progress (another CPU's
	 * WARNING) heads a report of its own that report_each() did not
	 * see, being inside the other: that is the crash.
	 */
	if (fatal != SIZE_MAX && fatal != start) {
		if (report_parse_from(log, len, fatal, out) == 1 &&
		    out->start == fatal)
			return 1;
		report_release(out);
	}
	/* the first report: exactly as before findings were kept */
	if (report_parse(log, len, out) == 1 && out->start == start)
		return 1;
	report_release(out);
	return report_parse_from(log, len, start, out);
}

/* printable ASCII, newlines and tabs: what run.json and HTML may hold */
static char *
clean_copy(const char *s, size_t n)
{
	char *t = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		t[i] = (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' ?
		    (char)c : '?';
	}
	t[n] = '\0';
	return t;
}

/* The printk time of the line at log + off ("[  12.345678] ..."), or -1. */
static double
printk_time(const char *log, size_t len, size_t off)
{
	char tmp[40];
	size_t n = len - off < sizeof(tmp) - 1 ? len - off : sizeof(tmp) - 1;
	const char *b;
	char *end;
	double t;

	memcpy(tmp, log + off, n);
	tmp[n] = '\0';
	b = strchr(tmp, '[');
	if (b == NULL || b - tmp > 8)
		return -1;
	t = strtod(b + 1, &end);
	if (end == b + 1 || *end != ']' || t < 0)
		return -1;
	return t;
}

struct collect {
	struct run_record *r;
	const char	*log;
	size_t		 len;
	size_t		 crash_start;	/* SIZE_MAX: no crash */
};

static int
collect_one(void *arg, const struct report *rep)
{
	struct collect *c = arg;
	struct run_record *r = c->r;
	struct run_finding *f;
	size_t n;

	/* the crash and what follows it (the panic, other CPUs' stacks) */
	if (rep->start >= c->crash_start)
		return 1;
	if (rep->title == NULL)
		return 0;
	r->findings_total++;
	for (size_t i = 0; i < r->nfindings; i++) {
		if (strcmp(r->findings[i].bucket, rep->bucket) == 0) {
			r->findings[i].count++;
			return 0;
		}
	}
	if (r->nfindings == RUN_FINDINGS_MAX) {
		r->findings_dropped++;
		return 0;
	}
	if (r->findings == NULL)
		r->findings = xcalloc(RUN_FINDINGS_MAX, sizeof(*r->findings));
	f = &r->findings[r->nfindings++];
	f->title = clean_copy(rep->title, strlen(rep->title));
	f->bucket = xstrdup(rep->bucket);
	n = rep->end - rep->start;
	if (n > RUN_FINDING_TEXT) {
		/* whole lines only, so a cut stack is not half a frame */
		const char *nl = memrchr(c->log + rep->start, '\n',
		    RUN_FINDING_TEXT);

		n = nl != NULL ? (size_t)(nl - (c->log + rep->start)) + 1 :
		    RUN_FINDING_TEXT;
	}
	f->text = clean_copy(c->log + rep->start, n);
	f->count = 1;
	f->uptime_s = printk_time(c->log, c->len, rep->start);
	return 0;
}

/*
 * Fill r's findings from its console log: every report before the one
 * that starts at crash_start (the run's crash; SIZE_MAX if none).  What
 * comes after the crash is its own consequence, not a finding.
 */
void
run_findings_collect(struct run_record *r, const char *log, size_t len,
    size_t crash_start)
{
	struct collect c = { r, log, len, crash_start };

	run_findings_release(r);
	(void)report_each(log, len, RUN_FINDINGS_SCAN, collect_one, &c);
}

void
run_findings_release(struct run_record *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		free(r->findings[i].title);
		free(r->findings[i].bucket);
		free(r->findings[i].text);
	}
	free(r->findings);
	r->findings = NULL;
	r->nfindings = 0;
	r->findings_total = 0;
	r->findings_dropped = 0;
}

/*
 * Classify the run: its crash, if the kernel crashed or hung, from the
 * vmcore's log when there is one (the console may have been cut short
 * by the panic), else from the console log; and its findings, the
 * reports it went on from, from the console log.  progs (may be NULL)
 * names the user programs other CPUs were caught in.
 */
void
run_classify(struct run_record *r, const struct run_programs *progs)
{
	struct buf con = BUF_INIT;
	char *path = xasprintf("%s/console.log", r->dir);
	size_t crash_start = SIZE_MAX;
	int want_crash = r->outcome != RUN_OK && r->outcome != RUN_ERROR;
	/*
	 * A VM that never started has no console log: nothing to say.  An
	 * ok run whose console showed no report needs no reading either:
	 * a clean run, or a flood of bytes with none, costs no memory.
	 */
	int have_con = (want_crash || r->findings_live > 0) &&
	    access(path, F_OK) == 0 &&
	    read_file(path, &con, 256u * 1024 * 1024) == 0;

	free(path);
	if (want_crash && r->dmesg != NULL) {
		struct buf log = BUF_INIT;
		struct report rep;

		if (read_file(r->dmesg, &log, 256u * 1024 * 1024) == 0 &&
		    run_crash_report(log.data ? log.data : "", log.len,
		    r->outcome, &rep) == 1) {
			run_user_frames(&rep.others, progs);
			r->report = report_to_json(&rep);
			report_release(&rep);
		}
		buf_release(&log);
	}
	if (have_con && want_crash) {
		const char *text = con.data ? con.data : "";
		struct report rep;

		/* the findings end where the console's crash begins */
		if (run_crash_report(text, con.len, r->outcome, &rep) == 1) {
			crash_start = rep.start;
			if (r->report == NULL) {
				run_user_frames(&rep.others, progs);
				r->report = report_to_json(&rep);
			}
		}
		report_release(&rep);
	}
	if (r->report != NULL) {
		char *out = xasprintf("%s/report.json", r->dir);

		(void)json_write_atomic(out, r->report);
		free(out);
	}
	if (have_con)
		run_findings_collect(r, con.data ? con.data : "", con.len,
		    crash_start);
	buf_release(&con);
}
