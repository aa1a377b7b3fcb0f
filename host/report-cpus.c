/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The other CPUs at a crash: their stacks, read from the all-CPU NMI
 * backtraces the guest prints at an oops (sysctl
 * kernel.oops_all_cpu_backtrace) and a panic (panic_print bit 0x40),
 * so that a report shows what the racing partner was doing.
 *
 * On x86 a CPU answers the NMI with (lib/nmi_backtrace.c, show_regs()):
 *
 *	NMI backtrace for cpu 0
 *	CPU: 0 PID: 93 Comm: driver Tainted: G  OE  6.1.0-57-cloud-amd64 #1
 *	RIP: 0010:lapic_next_event+0x1c/0x30		where it was
 *	Code: ..., registers ...
 *	Call Trace:
 *	 <IRQ> ... </IRQ> <TASK>
 *	 clockevents_program_event+0x96/0x100		its callers
 *	 RIP: 0033:0x401dda				an interrupted context
 *	 </TASK>
 *
 * or, idle, with the one line "NMI backtrace for cpu 1 skipped: idling
 * at default_idle+0x20/0x30".  The CPU that asked prints its own stack
 * the same way and then "Sending NMI from CPU 1 to CPUs 0:".  A CPU
 * that crashed as well has its own report ("CPU: 1 PID: ..." and a
 * Call Trace), which says more than its backtrace and is preferred.
 * A CPU interrupted in user space ("RIP: 0033:...") shows registers
 * and no Call Trace: it is marked user, with no frames.
 *
 * The log is the guest's: lines are cut at REPORT_LINE bytes, a block
 * is read for at most CPUS_BLOCK_LINES lines, CPU numbers from
 * CPUS_MAX_ID up are not believed, and at most REPORT_MAX_CPUS CPUs of
 * REPORT_CPU_FRAMES frames each are kept, whatever the log claims.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

/* The kernel's own limit (x86 MAXSMP): a larger number is not a CPU. */
#define CPUS_MAX_ID		8192
/*
 * A backtrace is some 30 to 80 lines; a "block" longer than this is
 * one whose end was lost, and what follows is not its stack.
 */
#define CPUS_BLOCK_LINES	400

/*
 * Blocks with more than this many other lines between them are not of
 * one round of backtraces: within a round there are only "Sending NMI"
 * and "NMI handler took too long" lines.
 */
#define CPUS_ROUND_GAP		8
/* The kernel's PID_MAX_LIMIT: a larger number is not a pid. */
#define CPUS_PID_LIMIT	(4 * 1024 * 1024)
/* One slot more than kept: the crashing CPU may hold one. */
#define CPUS_SLOTS		(REPORT_MAX_CPUS + 1)

/* One CPU's backtrace as it is read. */
struct cpus_block {
	int		 cpu;
	int		 own;		/* its own report, not an NMI's */
	int		 user;		/* interrupted in user space */
	size_t		 from, to;	/* byte offsets in the log */
	char		 fn[REPORT_CPU_FRAMES][128];
	size_t		 n;
	char		 comm[16];
	int		 pid;
	unsigned long long ip;	/* user only */
};

/*
 * A block once read, its n frames packed in fns ("f\0g\0"): kept and
 * weighed in this small form, as a log may hold many.
 */
struct cpus_rec {
	int		 cpu;
	int		 own;
	int		 user;
	size_t		 from, to;
	size_t		 dist;		/* of its round from the report */
	char		*fns;
	size_t		 n;
	char		 comm[16];
	int		 pid;
	unsigned long long ip;
};

/*
 * The parser's state.  Backtraces come in rounds, one per trigger, and
 * a round is a snapshot: an oops prints one from oops_enter() just
 * before its report and panic() another after it.  A round ends at a
 * CPU it already has or at a gap; then each of its blocks is kept if
 * it is the best of its CPU so far (cpus_keep()).
 */
struct cpus_parse {
	size_t		 start;		/* of the report */
	struct cpus_rec	 kept[CPUS_SLOTS];	/* the best block per CPU */
	size_t		 nkept;
	struct cpus_rec	 round[CPUS_SLOTS];	/* the current round's */
	size_t		 nround;
	size_t		 gap;		/* other lines since its last block */
	unsigned char	 in_round[CPUS_MAX_ID / 8];
};

/*
 * The next line of log from *pos, prefix-stripped and cut at
 * REPORT_LINE bytes, into l; *pos moves past it.  Returns 0 at the end.
 */
static int
cpus_next_line(const char *log, size_t len, size_t *pos, struct rline *l)
{
	const char *nl;
	size_t end, n, skip;

	if (*pos >= len)
		return 0;
	nl = memchr(log + *pos, '\n', len - *pos);
	end = nl != NULL ? (size_t)(nl - log) : len;
	n = end - *pos;
	if (n > 0 && log[end - 1] == '\r')
		n--;
	if (n > REPORT_LINE)
		n = REPORT_LINE;
	skip = report_strip_prefix(log + *pos, n);
	l->off = *pos;
	l->text = log + *pos + skip;
	l->len = n - skip;
	*pos = end + 1;
	return 1;
}

/*
 * The decimal number at s[*i] (n bytes in all), moving *i past it:
 * -1 if there is none or it is CPUS_MAX_ID or more.
 */
static int
cpus_number(const char *s, size_t n, size_t *i)
{
	int v = 0;

	if (*i >= n || !isdigit((unsigned char)s[*i]))
		return -1;
	for (; *i < n && isdigit((unsigned char)s[*i]); (*i)++) {
		v = v * 10 + (s[*i] - '0');
		if (v >= CPUS_MAX_ID)
			return -1;
	}
	return v;
}

/* N of a line "NMI backtrace for cpu N[ ...]", or -1. */
static int
cpus_block_start(const struct rline *l)
{
	static const char pfx[] = "NMI backtrace for cpu ";
	size_t i = sizeof(pfx) - 1;
	int cpu;

	if (!rl_starts(l, pfx))
		return -1;
	cpu = cpus_number(l->text, l->len, &i);
	if (i < l->len && l->text[i] != ' ')
		return -1;	/* "cpu 1x": not a number */
	return cpu;
}

/*
 * N of the first "<label>N<after>" in l ("CPU: 1 PID: " of an oops
 * or a warning, "Sending NMI from CPU 1 to CPUs"), or -1.
 */
static int
cpus_labelled(const struct rline *l, const char *label, const char *after)
{
	size_t ll = strlen(label), la = strlen(after), i;
	const char *p = memmem(l->text, l->len, label, ll);
	int cpu;

	if (p == NULL)
		return -1;
	i = (size_t)(p - l->text) + ll;
	cpu = cpus_number(l->text, l->len, &i);
	if (cpu < 0 || l->len - i < la || memcmp(l->text + i, after, la) != 0)
		return -1;
	return cpu;
}

/*
 * The task of a "CPU: N PID: P Comm: C Tainted: ..." line (dump_stack's
 * header: the comm, at most 15 bytes, is followed by " Kdump: loaded",
 * " Tainted: " or " Not tainted ") into b's pid and comm; comm keeps printable bytes
 * only, as it came from the guest.
 */
static void
cpus_task(const struct rline *l, struct cpus_block *b)
{
	const char *p = memmem(l->text, l->len, " PID: ", 6);
	size_t n = l->len, i, c, k = 0;
	int pid;

	if (p == NULL)
		return;
	i = (size_t)(p - l->text) + 6;
	for (pid = 0; i < n && isdigit((unsigned char)l->text[i]); i++) {
		pid = pid * 10 + (l->text[i] - '0');
		if (pid >= CPUS_PID_LIMIT)
			return;
	}
	if (n - i < 7 || memcmp(l->text + i, " Comm: ", 7) != 0 ||
	    !isdigit((unsigned char)l->text[i - 1]))
		return;
	b->pid = pid;
	for (c = i + 7; c < n && k < sizeof(b->comm) - 1; c++, k++) {
		if ((n - c >= 10 && memcmp(l->text + c, " Tainted: ", 10) == 0) ||
		    (n - c >= 12 && memcmp(l->text + c, " Not tainted", 12) == 0) ||
		    (n - c >= 14 && memcmp(l->text + c, " Kdump: loaded", 14) == 0))
			break;
		b->comm[k] = isprint((unsigned char)l->text[c]) ?
		    l->text[c] : '?';
	}
	b->comm[k] = '\0';
}

/* The address of a user "RIP: 0033:0x401dd4" line, 0 if none. */
static unsigned long long
cpus_user_ip(const struct rline *l)
{
	char hex[17];
	size_t i = 12, k = 0;

	if (l->len <= 12 || memcmp(l->text + 9, ":0x", 3) != 0)
		return 0;
	for (; i < l->len && k < 16 && isxdigit((unsigned char)l->text[i]);
	    i++)
		hex[k++] = l->text[i];
	hex[k] = '\0';
	if (i < l->len && isxdigit((unsigned char)l->text[i]))
		return 0;	/* longer than an address */
	return k > 0 ? strtoull(hex, NULL, 16) : 0;
}

/* Does l end the block it follows without being part of it? */
static int
cpus_block_stops(const struct rline *l)
{
	return rl_starts(l, "Sending NMI from CPU") ||
	    rl_starts(l, "---[ end ") ||
	    report_contains_crash_line(l->text, l->len);
}

/*
 * Frames that only say a CPU was asked for its stack: the CPU that
 * sends the NMIs prints its own this way first.
 */
static int
cpus_nmi_frame(const char *fn)
{
	static const char *const nmi[] = {
		"dump_stack", "dump_stack_lvl", "show_stack",
		"nmi_cpu_backtrace", "nmi_trigger_cpumask_backtrace",
		"arch_trigger_cpumask_backtrace", "trigger_all_cpu_backtrace",
		NULL
	};

	for (size_t i = 0; nmi[i] != NULL; i++) {
		if (strcmp(fn, nmi[i]) == 0)
			return 1;
	}
	return 0;
}

static void
cpus_add(struct cpus_block *b, const struct rline *l)
{
	if (b->n < REPORT_CPU_FRAMES &&
	    frame_parse(l, b->fn[b->n], sizeof(b->fn[0])) &&
	    !(b->n == 0 && cpus_nmi_frame(b->fn[0])))
		b->n++;
}

/*
 * How far the round of blocks [from, to) lies from the report's first
 * line, in bytes.  From its first line, not its span: the round an
 * oops prints before its report is nearer than panic()'s after it.
 */
static size_t
cpus_distance(size_t from, size_t to, size_t start)
{
	if (to <= start)
		return start - to;
	if (from >= start)
		return from - start;
	return 0;
}

/*
 * Keep b if it is the best block of its CPU so far: one with frames
 * beats one that shows the CPU in user space, which beats one that
 * shows nothing, then the CPU's own report (it crashed too: where
 * is what the NMI round cannot show, as the CPU was printing), then
 * the one of the round nearest the report (an earlier round, further
 * up a long log, is of something else).  A CPU past CPUS_SLOTS is
 * dropped.
 */
/* What a block tells: frames, or that the CPU ran user code, or nothing. */
static int
cpus_says(const struct cpus_rec *b)
{
	return b->n > 0 ? 2 : b->user;
}

static int
cpus_better(const struct cpus_rec *b, const struct cpus_rec *than)
{
	if (cpus_says(b) != cpus_says(than))
		return cpus_says(b) > cpus_says(than);
	if (b->own != than->own)
		return b->own;
	return b->dist < than->dist;
}

/* Weigh b, which is handed over: kept, or freed. */
static void
cpus_keep(struct cpus_parse *p, struct cpus_rec *b)
{
	struct cpus_rec *k = p->kept;
	size_t i;

	for (i = 0; i < p->nkept && k[i].cpu != b->cpu; i++)
		;
	if (i == p->nkept && p->nkept < CPUS_SLOTS) {
		k[p->nkept++] = *b;
		return;
	}
	if (i < p->nkept && cpus_better(b, &k[i])) {
		free(k[i].fns);
		k[i] = *b;
		return;
	}
	free(b->fns);
}

/* Close the current round: its blocks are weighed, then forgotten. */
static void
cpus_round_end(struct cpus_parse *p)
{
	size_t dist;

	if (p->nround == 0)
		return;
	dist = cpus_distance(p->round[0].from, p->round[p->nround - 1].to,
	    p->start);
	for (size_t i = 0; i < p->nround; i++) {
		p->round[i].dist = dist;
		cpus_keep(p, &p->round[i]);
		p->in_round[p->round[i].cpu / 8] &= (unsigned char)
		    ~(1u << (p->round[i].cpu % 8));
	}
	p->nround = 0;
}

/*
 * Block b has been read: add it to the round it belongs to.  A CPU's
 * own report is a round of its own.
 */
static void
cpus_block_end(struct cpus_parse *p, const struct cpus_block *b)
{
	unsigned char bit = (unsigned char)(1u << (b->cpu % 8));
	struct cpus_rec *r;
	size_t size = 1, o = 0;

	if ((p->in_round[b->cpu / 8] & bit) || p->gap > CPUS_ROUND_GAP ||
	    p->nround == CPUS_SLOTS || b->own)
		cpus_round_end(p);
	r = &p->round[p->nround++];
	r->cpu = b->cpu;
	r->own = b->own;
	r->user = b->user;
	r->from = b->from;
	r->to = b->to;
	r->n = b->n;
	memcpy(r->comm, b->comm, sizeof(r->comm));
	r->pid = b->pid;
	r->ip = b->ip;
	for (size_t i = 0; i < b->n; i++)
		size += strlen(b->fn[i]) + 1;
	r->fns = xmalloc(size);
	for (size_t i = 0; i < b->n; i++) {
		size_t fl = strlen(b->fn[i]) + 1;

		memcpy(r->fns + o, b->fn[i], fl);
		o += fl;
	}
	p->in_round[b->cpu / 8] |= bit;
	p->gap = 0;
	if (b->own)
		cpus_round_end(p);
}

static int
cpus_cmp(const void *a, const void *b)
{
	const struct cpus_rec *x = a, *y = b;

	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

/*
 * Read the NMI backtraces of log (len bytes) into out, leaving out the
 * crashing CPU: the one the first "CPU: N PID:" line of the report
 * [start, end) names outside an NMI backtrace of that CPU, else the
 * one that sent the NMIs nearest the report.  A CPU that crashed as
 * well prints its own report from such a line on: from the report's
 * start, that is read like a backtrace (in a log with backtraces: one
 * without is read only over the report, for the crashing CPU).
 * Returns the number of CPUs kept; out is always set and must be
 * released with report_cpus_release().
 */
int
report_cpus_parse(const char *log, size_t len, size_t start, size_t end,
    struct report_cpus *out)
{
	enum { OUTSIDE, HEAD, TRACE } at = OUTSIDE;
	struct cpus_parse *p = NULL;
	struct cpus_block *cur = NULL;
	size_t pos = 0, lines = 0, send_dist = (size_t)-1;
	int crash = -1, sender = -1, rip_seen = 0, nmi = 1;
	struct rline l;

	memset(out, 0, sizeof(*out));
	out->crash_cpu = -1;
	out->cpu = xcalloc(REPORT_MAX_CPUS + 1, sizeof(*out->cpu));
	if (len > REPORT_MAX_LOG)
		len = REPORT_MAX_LOG;
	end = end < len ? end : len;
	start = start < end ? start : end;
	/* most logs have no backtraces: then only the report is read */
	if (memmem(log, len, "NMI backtrace for cpu ", 22) == NULL) {
		nmi = 0;
		pos = start;
		len = end;
	}
	while (cpus_next_line(log, len, &pos, &l)) {
		int cpu = cpus_block_start(&l), v, own = 0;

		/* "CPU: N PID:" outside N's own backtrace: N's report */
		v = cpus_labelled(&l, "CPU: ", " PID: ");
		if (cpu < 0 && v >= 0 && l.off >= start &&
		    (at == OUTSIDE || v != cur->cpu)) {
			if (crash < 0 && l.off < end)
				crash = v;
			if (nmi) {
				cpu = v;
				own = 1;
			}
		}
		if (at != OUTSIDE && (cpu >= 0 || cpus_block_stops(&l) ||
		    ++lines > CPUS_BLOCK_LINES)) {
			cur->to = l.off;
			cpus_block_end(p, cur);
			at = OUTSIDE;
		}
		if (cpu >= 0) {
			if (p == NULL) {
				/* only a log with backtraces pays for these */
				p = xcalloc(1, sizeof(*p));
				p->start = start;
				cur = xmalloc(sizeof(*cur));
			}
			cur->cpu = cpu;
			cur->own = own;
			cur->user = 0;
			cur->from = l.off;
			cur->n = 0;
			cur->comm[0] = '\0';
			cur->pid = -1;
			cur->ip = 0;
			if (own)
				cpus_task(&l, cur);
			lines = 0;
			rip_seen = 0;
			at = HEAD;
			if (!own && rl_has(&l, " skipped: idling at ")) {
				cpus_add(cur, &l);
				cur->to = pos < len ? pos : len;
				cpus_block_end(p, cur);
				at = OUTSIDE;
			}
			continue;
		}
		switch (at) {
		case HEAD:
			/* the first RIP is where the CPU was: innermost */
			if (!rip_seen && rl_starts(&l, "RIP: ")) {
				rip_seen = 1;
				/* user CS (64 or 32 bit): no trace follows */
				cur->user = rl_starts(&l, "RIP: 0033:") ||
				    rl_starts(&l, "RIP: 0023:");
				if (cur->user)
					cur->ip = cpus_user_ip(&l);
				cpus_add(cur, &l);
			} else if (rl_starts(&l, "CPU: ") && cur->pid < 0)
				cpus_task(&l, cur);
			else if (rl_starts(&l, "Call Trace:"))
				at = TRACE;
			continue;
		case TRACE:
			if (rl_starts(&l, "</TASK>")) {
				/* the task's stack is the last one shown */
				cur->to = pos < len ? pos : len;
				cpus_block_end(p, cur);
				at = OUTSIDE;
			} else if (!rl_starts(&l, "RIP: ") &&
			    !rl_starts(&l, "Code: "))
				cpus_add(cur, &l);	/* " ? f" is refused */
			continue;
		case OUTSIDE:
			break;
		}
		if (p != NULL)
			p->gap++;
		v = cpus_labelled(&l, "Sending NMI from CPU ", " to CPUs");
		if (v >= 0 && cpus_distance(l.off, l.off, start) < send_dist) {
			send_dist = cpus_distance(l.off, l.off, start);
			sender = v;
		}
	}
	if (at != OUTSIDE) {
		/* the log ends inside a block: keep what was read */
		cur->to = len;
		cpus_block_end(p, cur);
	}
	out->crash_cpu = crash >= 0 ? crash : sender;
	if (p == NULL)
		return 0;
	cpus_round_end(p);
	qsort(p->kept, p->nkept, sizeof(*p->kept), cpus_cmp);
	for (size_t i = 0; i < p->nkept; i++) {
		const struct cpus_rec *k = &p->kept[i];
		struct report_cpu *c = &out->cpu[out->n];
		const char *fn = k->fns;

		if (k->cpu != out->crash_cpu && out->n < REPORT_MAX_CPUS) {
			c->cpu = k->cpu;
			c->user = k->user;
			memcpy(c->comm, k->comm, sizeof(c->comm));
			c->pid = k->pid;
			c->ip = k->ip;
			c->frames = xcalloc(k->n + 1, sizeof(*c->frames));
			for (size_t j = 0; j < k->n; j++) {
				c->frames[c->nframes++] = xstrdup(fn);
				fn += strlen(fn) + 1;
			}
			out->n++;
		}
		free(k->fns);
	}
	free(p);
	free(cur);
	return (int)out->n;
}

void
report_cpus_release(struct report_cpus *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		for (size_t j = 0; j < c->cpu[i].nframes; j++)
			free(c->cpu[i].frames[j]);
		free(c->cpu[i].frames);
	}
	free(c->cpu);
	memset(c, 0, sizeof(*c));
	c->crash_cpu = -1;
}

/*
 * What a report of c says after its frames, into buf (n bytes): where
 * there are none, why ("no frames", "in user space"), and its task when
 * known, e.g. " (in user space: driver, pid 94)" or " (ksoftirqd/0,
 * pid 14)"; "" when there is nothing to add.  comm is printable (the
 * parser and report_cpus_from_json() keep it so).
 */
void
report_cpu_note(const struct report_cpu *c, char *buf, size_t n)
{
	const char *why = c->user ? "in user space" : c->nframes == 0 ?
	    "no frames" : NULL;

	if (c->pid >= 0)
		snprintf(buf, n, " (%s%s%s, pid %d)", why ? why : "",
		    why ? ": " : "", c->comm, c->pid);
	else
		snprintf(buf, n, "%s%s%s", why ? " (" : "", why ? why : "",
		    why ? ")" : "");
}

/*
 * Add "crash_cpu" (when known) and "other_cpus", [{"cpu": N, "frames":
 * [...]}, ...], to the report object j; "user": true marks a CPU that
 * was in user space (and so has no frames).  report_cpus_from_json() is
 * the one reader of both.
 */
void
report_cpus_to_json(const struct report_cpus *c, json_t *j)
{
	json_t *a = json_array();

	if (c->crash_cpu >= 0)
		json_object_set_new(j, "crash_cpu",
		    json_integer(c->crash_cpu));
	for (size_t i = 0; i < c->n; i++) {
		json_t *fr = json_array();

		for (size_t k = 0; k < c->cpu[i].nframes; k++)
			json_array_append_new(fr,
			    json_string(c->cpu[i].frames[k]));
		json_t *e = json_pack("{s:i,s:o}", "cpu", c->cpu[i].cpu,
		    "frames", fr);

		if (c->cpu[i].user)
			json_object_set_new(e, "user", json_true());
		if (c->cpu[i].pid >= 0) {
			json_object_set_new(e, "pid",
			    json_integer(c->cpu[i].pid));
			json_object_set_new(e, "comm",
			    json_string(c->cpu[i].comm));
		}
		if (c->cpu[i].user && c->cpu[i].ip != 0) {
			char ip[24];

			snprintf(ip, sizeof(ip), "0x%llx", c->cpu[i].ip);
			json_object_set_new(e, "ip", json_string(ip));
		}
		json_array_append_new(a, e);
	}
	json_object_set_new(j, "other_cpus", a);
}

/*
 * The task fields of an other_cpus entry e into c, with the parser's
 * bounds: a comm of at most 15 printable bytes, a pid the kernel could
 * have (below PID_MAX_LIMIT), an ip of hex digits.
 */
static void
cpus_task_from_json(const json_t *e, struct report_cpu *c)
{
	const json_t *pid = json_object_get(e, "pid");
	const char *comm = json_string_value(json_object_get(e, "comm"));
	const char *ip = json_string_value(json_object_get(e, "ip"));
	size_t k;

	c->pid = -1;
	c->comm[0] = '\0';
	c->ip = 0;
	if (json_is_integer(pid) && json_integer_value(pid) >= 0 &&
	    json_integer_value(pid) < CPUS_PID_LIMIT && comm != NULL) {
		c->pid = (int)json_integer_value(pid);
		for (k = 0; comm[k] != '\0' && k < sizeof(c->comm) - 1; k++)
			c->comm[k] = isprint((unsigned char)comm[k]) ?
			    comm[k] : '?';
		c->comm[k] = '\0';
	}
	if (ip != NULL && ip[0] == '0' && ip[1] == 'x' &&
	    strspn(ip + 2, "0123456789abcdefABCDEF") == strlen(ip + 2) &&
	    strlen(ip + 2) >= 1 && strlen(ip + 2) <= 16)
		c->ip = strtoull(ip + 2, NULL, 16);
}

/*
 * Read "crash_cpu" and "other_cpus" of a report object (report.json,
 * run.json's "report") into out, with the parser's bounds: entries that
 * are not a CPU number with an array of names are skipped, and names
 * that are not strings are left out.  Returns the number of CPUs read;
 * out is always set and must be released with report_cpus_release().
 */
int
report_cpus_from_json(const json_t *report, struct report_cpus *out)
{
	const json_t *a = json_object_get(report, "other_cpus");
	const json_t *v = json_object_get(report, "crash_cpu");
	size_t n = json_array_size(a);

	memset(out, 0, sizeof(*out));
	out->crash_cpu = -1;
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) < CPUS_MAX_ID)
		out->crash_cpu = (int)json_integer_value(v);
	if (n > REPORT_MAX_CPUS)
		n = REPORT_MAX_CPUS;
	out->cpu = xcalloc(n + 1, sizeof(*out->cpu));
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_array_get(a, i);
		const json_t *cpu = json_object_get(e, "cpu");
		const json_t *fr = json_object_get(e, "frames");
		struct report_cpu *c = &out->cpu[out->n];
		size_t nf = json_array_size(fr);

		if (!json_is_integer(cpu) || json_integer_value(cpu) < 0 ||
		    json_integer_value(cpu) >= CPUS_MAX_ID || !json_is_array(fr))
			continue;
		if (nf > REPORT_CPU_FRAMES)
			nf = REPORT_CPU_FRAMES;
		c->cpu = (int)json_integer_value(cpu);
		c->user = json_is_true(json_object_get(e, "user"));
		cpus_task_from_json(e, c);
		c->frames = xcalloc(nf + 1, sizeof(*c->frames));
		for (size_t k = 0; k < nf; k++) {
			const char *s = json_string_value(json_array_get(fr,
			    k));

			if (s != NULL)
				c->frames[c->nframes++] = xstrdup(s);
		}
		out->n++;
	}
	return (int)out->n;
}
