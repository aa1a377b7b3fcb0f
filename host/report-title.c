/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forming syzkaller-style titles from a report's header (report-headers.c)
 * and the guilty frame of the report that follows it, for the kinds of
 * header whose title needs code: the switch of title_for.
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

/* The recipes of the kinds whose titles need code (see report-stack.c). */
static const struct stack_part p_kmsan[] = {
	{ SP_TRACE, NULL },
	{ SP_LINE, "(Local variable .* created at:|Uninit was created at:)" },
	{ SP_TRACE, NULL }, { SP_END, NULL }
};
static const struct stack_part p_kfence[] = {
	{ SP_CAP, "BUG: KFENCE: [a-z -]+ in " RE_FUNC }, { SP_TRACE, NULL },
	{ SP_END, NULL }
};
static const struct stack_part p_kasan[] = {
	{ SP_CAP, "BUG: KASAN: [a-z-]+ in " RE_FUNC }, { SP_LINE, CALL_TRACE },
	{ SP_TRACE, NULL }, { SP_END, NULL }
};
static const struct stack_part p_kasan_free[] = {
	{ SP_CAP, "BUG: KASAN: (double-free or invalid-free|double-free|"
	    "invalid-free) in " RE_FUNC }, { SP_LINE, CALL_TRACE },
	{ SP_TRACE, NULL }, { SP_END, NULL }
};
static const struct stack_part p_deadlock[] = {
	{ SP_CAP, "at: (" RE_PC " +)?" RE_FUNC },
	{ SP_CAP, "at: (" RE_PC " +)?" RE_FUNC }, { SP_TRACE, NULL },
	{ SP_END, NULL }
};
static const struct stack_part p_became[] = {
	{ SP_LINE, "which became .* at:" }, { SP_TRACE, NULL }, { SP_END, NULL }
};

static const struct stack_recipe
	rc_ubsan = { p_ct, NULL, "ubsan|overflow", SX_FIRST },
	rc_kmsan = { p_kmsan, NULL, "alloc_skb|netlink_ack|netlink_rcv_skb|"
	    "_encrypt$|^(crypto|cipher|drbg|rng)_", SX_FIRST },
	rc_kmsan_usb = { p_kmsan, NULL, "alloc_skb|usb_submit_urb|"
	    "usb_start_wait_urb|usb_bulk_msg|usb_interrupt_msg|usb_control_msg",
	    SX_FIRST },
	rc_kfence = { p_kfence, NULL, NULL, SX_FIRST },
	rc_kasan = { p_kasan, NULL, "kernel_fault|tag_check|mem_abort|^el1_|"
	    "^el1h_", SX_FIRST },
	rc_kasan_free = { p_kasan_free, NULL, "slab_|kfree|vunmap|vfree",
	    SX_FIRST },
	rc_deadlock = { p_deadlock, NULL, "process_one_work|flush_workqueue|"
	    "drain_workqueue|destroy_workqueue", SX_FIRST },
	rc_became = { p_became, NULL, NULL, SX_FIRST },
	rc_rcu_usage = { p_ct, NULL, "rcu|kmem|slab", SX_FIRST },
	rc_preempt = { p_ct, NULL, "dump_stack|preemption|preempt|debug_|"
	    "processor_id|this_cpu", SX_FIRST },
	rc_stack_chk = { p_ct, NULL, "stack_chk", SX_FIRST },
	rc_stack_end = { p_ct, NULL, "schedule|retint_kernel", SX_STALL },
	rc_stack_ovf = { p_ct, NULL, "bad_stack", SX_STALL };

/* WARNINGs: the crash site, else the Call Trace (as rc_warn). */
#define WARN_RECIPE(name, skip) \
	name = { p_warn, p_ct, skip, SX_FIRST }
static const struct stack_recipe
	WARN_RECIPE(rc_warn_odebug, "debug_|rcu|hrtimer_|timer_|work_|percpu_|"
	    "vunmap|vfree|__free_|debug_check|kobject_"),
	WARN_RECIPE(rc_warn_usercopy, "usercopy|__check"),
	WARN_RECIPE(rc_warn_kobject, "kobject_"),
	WARN_RECIPE(rc_warn_proc, "proc_"),
	WARN_RECIPE(rc_warn_refcount, "refcount|kobject_"),
	WARN_RECIPE(rc_warn_lockdep, "lock_sock|release_sock"),
	WARN_RECIPE(rc_warn_kmalloc, "kmalloc|krealloc|slab|kmem"),
	WARN_RECIPE(rc_warn_usb, "usb_submit_urb|usb_start_wait_urb|"
	    "usb_bulk_msg|usb_interrupt_msg|usb_control_msg");

/*
 * syzkaller's normalisation of title text: "func+0x1f/0x80" -> "func",
 * 6+ hex digits -> ADDR, other standalone numbers -> NUM, "CPU#3" ->
 * "CPU", "file.c:123" -> "file.c:LINE".
 */
static void
title_normalize(char *t)
{
	char out[REPORT_TITLE];
	size_t o = 0, i = 0, n = strlen(t);

	while (i < n && o + 8 < sizeof(out)) {
		int word_start = i == 0 || !(isalnum((unsigned char)t[i - 1]) ||
		    t[i - 1] == '_');

		/* "+0x1f/0x80" after a symbol */
		if (t[i] == '+' && i + 2 < n && t[i + 1] == '0' &&
		    t[i + 2] == 'x') {
			size_t j = i + 3;

			while (j < n && (isxdigit((unsigned char)t[j]) ||
			    t[j] == '/' || t[j] == 'x'))
				j++;
			i = j;
			continue;
		}
		if (strncmp(t + i, "CPU#", 4) == 0 && i + 4 < n &&
		    isdigit((unsigned char)t[i + 4])) {
			memcpy(out + o, "CPU", 3);
			o += 3;
			i += 4;
			while (i < n && isdigit((unsigned char)t[i]))
				i++;
			continue;
		}
		if (word_start && isxdigit((unsigned char)t[i])) {
			size_t j = i, hex = 0, dec = 1;

			if (t[j] == '0' && j + 1 < n && t[j + 1] == 'x')
				j += 2;
			while (j < n && isxdigit((unsigned char)t[j])) {
				if (!isdigit((unsigned char)t[j]))
					dec = 0;
				j++;
				hex++;
			}
			if (j == n || !(isalnum((unsigned char)t[j]) ||
			    t[j] == '_')) {
				if (hex >= 6 && !(dec && hex < 8 && j - i == hex)) {
					memcpy(out + o, "ADDR", 4);
					o += 4;
					i = j;
					continue;
				}
				if (dec && j - i == hex) {
					/* "file.c:123" keeps the form */
					const char *w = i > 0 && t[i - 1] == ':' &&
					    i > 2 && t[i - 2] == 'c' ? "LINE" :
					    "NUM";

					memcpy(out + o, w, strlen(w));
					o += strlen(w);
					i = j;
					continue;
				}
			}
		}
		/* long digit runs inside a word ("testdir264563108") */
		if (isdigit((unsigned char)t[i]) &&
		    (i == 0 || !isdigit((unsigned char)t[i - 1]))) {
			size_t j = i;

			while (j < n && isdigit((unsigned char)t[j]))
				j++;
			if (j - i >= 7) {
				memcpy(out + o, "NUM", 3);
				o += 3;
				i = j;
				continue;
			}
		}
		out[o++] = t[i++];
	}
	out[o] = '\0';
	memcpy(t, out, o + 1);
}

/* Make text printable ASCII and collapse spaces, for a title. */
static void
title_clean(char *t)
{
	char *w = t;
	int space = 0;

	for (char *r = t; *r; r++) {
		unsigned char c = (unsigned char)*r;

		if (c < 0x20 || c >= 0x7f)
			c = ' ';
		if (c == ' ') {
			if (space || w == t)
				continue;
			space = 1;
		} else
			space = 0;
		*w++ = (char)c;
	}
	while (w > t && w[-1] == ' ')
		w--;
	*w = '\0';
}

static void
set_title(struct report *r, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_title(struct report *r, const char *type, const char *fmt, ...)
{
	char t[REPORT_TITLE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	title_clean(t);
	title_normalize(t);
	/* corrupted lines can be very long: titles are cut */
	if (strlen(t) > 120)
		t[120] = '\0';
	title_clean(t);
	r->title = xstrdup(t);
	r->type = xstrdup(type);
}

/*
 * Fill r->frames (non-generic first-to-last order as found) and
 * r->frame from f, starting at index start.
 */
static const char *
take_frames(struct report *r, const struct frames *f, size_t start)
{
	const char *g = frames_guilty(f, start);

	r->frames = xcalloc(f->n + 1, sizeof(char *));
	for (size_t i = 0; i < f->n; i++) {
		char tmp[128];

		snprintf(tmp, sizeof(tmp), "%s", f->fn[i]);
		r->frames[r->nframes++] = xstrdup(tmp);
	}
	if (g != NULL) {
		char tmp[128];

		snprintf(tmp, sizeof(tmp), "%s", g);
		frame_strip_syscall(tmp);
		r->frame = xstrdup(tmp);
	}
	return r->frame;
}

/* "in F", or "in corrupted" (and the report marked so) without a frame */
static const char *
in_frame(struct report *r)
{
	if (r->frame == NULL) {
		r->corrupted = 1;
		return "corrupted";
	}
	return r->frame;
}

/* KASAN: "BUG: KASAN: use-after-free in f+0x/0x" + "Read of size". */
static void
title_kasan(const struct rlog *lg, size_t at, size_t end, struct report *r)
{
	const struct rline *l = &lg->line[at];
	const char *p = memmem(l->text, l->len, "KASAN: ", 7);
	char kind[64] = "", fn[128] = "", rw[8] = "";
	struct frames f;
	size_t k = 0, i;

	p += 7;
	while (p < l->text + l->len && *p != ' ' && k + 1 < sizeof(kind))
		kind[k++] = *p++;
	kind[k] = '\0';
	if (strcmp(kind, "double-free") == 0 || strcmp(kind, "invalid-free") == 0)
		snprintf(kind, sizeof(kind), "invalid-free");
	for (i = at + 1; i < end && i < at + 12 && rw[0] == '\0'; i++) {
		if (rl_starts(&lg->line[i], "Read of size") ||
		    rl_starts(&lg->line[i], "Read at addr"))
			snprintf(rw, sizeof(rw), "Read");
		else if (rl_starts(&lg->line[i], "Write of size") ||
		    rl_starts(&lg->line[i], "Write at addr"))
			snprintf(rw, sizeof(rw), "Write");
	}
	(void)fn;
	(void)f;
	recipe_frames(lg, at, strcmp(kind, "invalid-free") == 0 ?
	    &rc_kasan_free : &rc_kasan, r, NULL);
	/* "KASAN: null-ptr-deref on address 0000000000000010": no frame */
	if (rl_has(l, " on address ") && rw[0] != '\0') {
		set_title(r, "KASAN", "KASAN: %s %s", kind, rw);
		return;
	}
	/* 4.x: "BUG: KASAN: kind in f+0x/0x at addr X": no access kind */
	if (rl_has(l, " at addr ") && rw[0] == '\0') {
		char raw[128] = "";
		const char *in = memmem(l->text, l->len, " in ", 4);

		if (in != NULL) {
			const struct rline sub = { 0, 0, in + 4,
			    (size_t)(l->text + l->len - in - 4) };
			char *plus;

			rl_copy(&sub, raw, sizeof(raw));
			plus = strchr(raw, '+');
			if (plus != NULL)
				*plus = '\0';
			plus = strchr(raw, ' ');
			if (plus != NULL)
				*plus = '\0';
		}
		set_title(r, "KASAN", "KASAN: %s in %s at addr ADDR", kind,
		    raw[0] ? raw : in_frame(r));
		return;
	}
	if (strcmp(kind, "invalid-free") == 0)
		set_title(r, "KASAN-INVALID-FREE", "KASAN: invalid-free in %s",
		    in_frame(r));
	else if (rw[0] != '\0')
		set_title(r, strcmp(rw, "Read") == 0 ? "KASAN-READ" :
		    "KASAN-WRITE", "KASAN: %s %s in %s", kind, rw, in_frame(r));
	else
		set_title(r, "KASAN", "KASAN: %s in %s", kind, in_frame(r));
}

/*
 * "BUG: using __this_cpu_read() in preemptible [00000000] code: x/1"
 * -> "BUG: using __this_cpu_read() in preemptible code in F".
 */
static int
title_preemptible(const struct rline *l, const char **what)
{
	static char op[96];
	const char *p = memmem(l->text, l->len, "BUG: using ", 11);
	const char *e;

	if (p == NULL)
		return 0;
	e = memmem(p, (size_t)(l->text + l->len - p), " in preemptible", 15);
	if (e == NULL || e - p > 80)
		return 0;
	snprintf(op, sizeof(op), "%.*s", (int)(e - p), p);
	*what = op;
	return 1;
}

/* The generic BUG:/WARNING:/INFO: headers; 1 if the title was set. */
static int
title_generic(const struct rlog *lg, size_t at, size_t end,
    struct report *r, const char *type)
{
	const struct rline *l = &lg->line[at];
	const char *what = NULL;
	char text[REPORT_TITLE];
	struct frames f;

	rl_copy(l, text, sizeof(text));
	if (report_re_match("WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* "
	    "has bad '[^']+' value", text)) {
		char *q = strchr(strstr(text, "has bad '"), '\'');
		char *qe = strchr(q + 1, '\'');

		set_title(r, "WARNING", "WARNING: kernel stack regs has bad "
		    "'%.*s' value", (int)(qe - q - 1), q + 1);
		return 1;
	}
	if (report_re_match("WARNING: kernel stack frame pointer at [0-9a-f]+ "
	    "in [^ ]* has bad value", text)) {
		set_title(r, "WARNING", "WARNING: kernel stack frame pointer "
		    "has bad value");
		return 1;
	}
	for (size_t i = 0; specials[i].needle != NULL; i++) {
		const struct special *sp = &specials[i];
		const char *p = memmem(l->text, l->len, sp->needle,
		    strlen(sp->needle));

		if (p == NULL)
			continue;
		if (sp->mode == S_LINE) {
			snprintf(text, sizeof(text), "%.*s",
			    (int)(l->text + l->len - p), p);
			frames_collect(lg, at, end, &f, 0);
			take_frames(r, &f, 0);
			set_title(r, sp->type, "%s", text);
			return 1;
		}
		what = sp->title ? sp->title : sp->needle;
		/* newer kernels say WARNING where older said BUG */
		if (sp->title != NULL && strncmp(sp->title, "BUG: ", 5) == 0 &&
		    memmem(l->text, (size_t)(p - l->text), "WARNING: ", 9)) {
			snprintf(text, sizeof(text), "WARNING: %s",
			    sp->title + 5);
			what = text;
		}
		if (sp->mode == S_SEQ) {
			const struct stack_part *seq = sp->seq;
			char fn[128];

			/* WARNING variants name the lock's "at: f+0x.." */
			if (what == text && sp->seq_warning != NULL)
				seq = sp->seq_warning;
			if (report_seq(lg, at, seq, fn, sizeof(fn))) {
				char st[128];

				stack_strip(fn, st, sizeof(st));
				r->frame = xstrdup(st);
				set_title(r, sp->type, "%s in %s", what, st);
			} else {
				/* the format's details are missing */
				r->corrupted = 1;
				set_title(r, sp->type, "%s", what);
			}
			return 1;
		}
		if (sp->mode == S_NONE) {
			set_title(r, sp->type, "%s", what);
			return 1;
		}
		recipe_frames(lg, at, sp->rc != NULL ? sp->rc : &rc_ct, r, NULL);
		set_title(r, sp->type, "%s in %s", what, in_frame(r));
		return 1;
	}
	if (title_preemptible(l, &what)) {
		recipe_frames(lg, at, &rc_preempt, r, NULL);
		set_title(r, "BUG", "%s in preemptible code in %s", what,
		    in_frame(r));
		return 1;
	}
	return 0;
}

#define RE_SRC	"[a-zA-Z0-9_/.-]+\\.[a-z]+:[0-9]+"

/* The header line from "WARNING:" (or "BUG:", "INFO:") on, as a title. */
static void
title_raw(const struct rline *l, struct report *r, const char *type)
{
	static const char *const keys[] = { "WARNING:", "BUG:", "INFO:",
	    NULL };
	const char *b = NULL;
	char text[REPORT_TITLE];

	for (size_t k = 0; keys[k] != NULL && b == NULL; k++)
		b = memmem(l->text, l->len, keys[k], strlen(keys[k]));
	if (b == NULL)
		b = l->text;
	snprintf(text, sizeof(text), "%.*s", (int)(l->text + l->len - b), b);
	set_title(r, type, "%s", text);
	r->freetext = 1;
}

/*
 * WARNINGs: the file the warning was raised in picks a subtype (its
 * callers are skipped too); the function is the crash site's, else the
 * first of the Call Trace.
 */
static void
title_warning(const struct rlog *lg, size_t at, struct report *r)
{
	static const struct {
		const char		*re;
		const char		*what;
		const struct stack_recipe *rc;
	} kinds[] = {
		{ "WARNING: .*lib/debugobjects\\.c.* (debug_print|debug_check|"
		    "at)", "WARNING: ODEBUG bug", &rc_warn_odebug },
		{ "WARNING: .*mm/usercopy\\.c.* (usercopy_warn|at)",
		    "WARNING: bad usercopy", &rc_warn_usercopy },
		{ "WARNING: .*lib/kobject\\.c.* (kobject_|at)",
		    "WARNING: kobject bug", &rc_warn_kobject },
		{ "WARNING: .*fs/proc/generic\\.c.* (proc_register|at)",
		    "WARNING: proc registration bug", &rc_warn_proc },
		{ "WARNING: .*lib/refcount\\.c.* (refcount_|at)",
		    "WARNING: refcount bug", &rc_warn_refcount },
		{ "WARNING: .*kernel/locking/lockdep\\.c.*lock_",
		    "WARNING: locking bug", &rc_warn_lockdep },
		{ "WARNING: .*mm/.*\\.c.* k?.?malloc", "WARNING: kmalloc bug",
		    &rc_warn_kmalloc },
		{ "WARNING: .*mm/vmalloc.c.*__vmalloc_node",
		    "WARNING: zero-size vmalloc", &rc_warn },
		{ "WARNING: .* usb_submit_urb", NULL, &rc_warn_usb },
		{ "WARNING: " RE_SRC " at 0x[0-9]+, CPU#[0-9]+", "WARNING",
		    &rc_warn },
		{ "WARNING: .* at " RE_SRC " " RE_FUNC, "WARNING", &rc_warn },
		{ "WARNING: " RE_SRC " at " RE_FUNC, "WARNING", &rc_warn },
		{ "WARNING: \\[.*\\] " RE_SRC " at " RE_FUNC, "WARNING",
		    &rc_warn },
		{ "WARNING: at " RE_SRC " " RE_FUNC, "WARNING", &rc_warn },
	};
	const struct rline *l = &lg->line[at];
	char buf[REPORT_LINE + 1];

	rl_copy(l, buf, sizeof(buf));
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (!report_re_match(kinds[k].re, buf))
			continue;
		recipe_frames(lg, at, kinds[k].rc, r, NULL);
		if (kinds[k].what == NULL)
			set_title(r, "WARNING", "WARNING in %s/usb_submit_urb",
			    in_frame(r));
		else if (strcmp(kinds[k].what, "WARNING") == 0)
			set_title(r, "WARNING", "WARNING in %s", in_frame(r));
		else
			set_title(r, "WARNING", "%s in %s", kinds[k].what,
			    in_frame(r));
		return;
	}
	title_raw(l, r, "WARNING");
}

/*
 * Lockdep: a deadlock is named by the lock being taken ("at: f+0x..",
 * unless generic), an inconsistent state or suspicious RCU use by the
 * stack.  A report missing the lines its format needs keeps its header.
 */
static void
title_lockdep(const struct rlog *lg, size_t at, struct report *r)
{
	static const struct stack_part
	circular[] = {
		{ SP_LINE, "is trying to acquire lock" }, { SP_END, NULL }
	}, inversion[] = {
		{ SP_LINE, "just changed the state of lock" },
		{ SP_CAP, "at: (" RE_PC " +)?" RE_FUNC }, { SP_END, NULL }
	}, acquire[] = {
		{ SP_LINE, "is trying to acquire" },
		{ SP_CAP, "at: (" RE_PC " +)?" RE_FUNC }, { SP_END, NULL }
	}, takes[] = {
		{ SP_LINE, "takes" },
		{ SP_CAP, "at: (" RE_PC " +)?" RE_FUNC }, { SP_END, NULL }
	}, src[] = {
		{ SP_LINE, "suspicious RCU usage" },
		{ SP_CAP, "(" RE_SRC ")" }, { SP_END, NULL }
	};
	const struct rline *l = &lg->line[at];
	int info = !rl_has(l, "WARNING:") && rl_has(l, "INFO:");
	char fn[128], st[128];

	if (rl_has(l, "possible circular locking dependency")) {
		struct rline *lines;
		size_t n, endl, i;

		n = report_text(lg, at, &lines, &endl);
		for (i = 1; i < n; i++) {
			if (rl_has(&lines[i], "is trying to acquire lock"))
				break;
		}
		free(lines);
		(void)circular;
		if (i < n) {
			if (info && report_seq(lg, at, acquire, fn,
			    sizeof(fn))) {
				stack_strip(fn, st, sizeof(st));
				r->frame = xstrdup(st);
			} else if (!info)
				recipe_frames(lg, at, &rc_deadlock, r, NULL);
			set_title(r, "LOCKDEP", "possible deadlock in %s",
			    in_frame(r));
			return;
		}
	} else if (rl_has(l, "possible irq lock inversion") ||
	    rl_has(l, "possible recursive locking") ||
	    (info && rl_has(l, "-safe -> "))) {
		if (report_seq(lg, at, rl_has(l, "irq lock inversion") ?
		    inversion : acquire, fn, sizeof(fn))) {
			stack_strip(fn, st, sizeof(st));
			r->frame = xstrdup(st);
			set_title(r, "LOCKDEP", "possible deadlock in %s", st);
			return;
		}
	} else if (rl_has(l, "-safe -> ")) {
		recipe_frames(lg, at, &rc_became, r, NULL);
		set_title(r, "LOCKDEP", "possible deadlock in %s",
		    in_frame(r));
		return;
	} else if (rl_has(l, "inconsistent lock state")) {
		if (report_seq(lg, at, takes, fn, sizeof(fn))) {
			if (info) {
				stack_strip(fn, st, sizeof(st));
				r->frame = xstrdup(st);
			} else
				recipe_frames(lg, at, &rc_ct, r, NULL);
			set_title(r, "LOCKDEP", "inconsistent lock state in %s",
			    in_frame(r));
			return;
		}
	} else if (rl_has(l, "suspicious RCU usage")) {
		if (report_seq(lg, at, src, fn, sizeof(fn))) {
			recipe_frames(lg, at, &rc_rcu_usage, r, NULL);
			set_title(r, "LOCKDEP", "%s: suspicious RCU usage in %s",
			    info ? "INFO" : "WARNING", in_frame(r));
			return;
		}
	}
	r->corrupted = 1;
	title_raw(l, r, "LOCKDEP");
}

/*
 * A hung task report whose header line was cut or garbled ("INFO: t",
 * "INFO: task \377\376"): its next lines still say how to silence it.
 */
static int
hung_mangled(const struct rlog *lg, size_t at)
{
	struct rline *lines;
	size_t n, endl, i;

	if (!rl_has(&lg->line[at], "INFO: t"))
		return 0;
	n = report_text(lg, at, &lines, &endl);
	for (i = 1; i < n && i < 8; i++) {
		if (rl_has(&lines[i], "hung_task_timeout_secs"))
			break;
	}
	free(lines);
	return i < n && i < 8;
}

/* The title of header h as its row of headers[] describes it. */
static void
title_row(const struct rlog *lg, size_t at, const struct rheader *h,
    struct report *r)
{
	assert(h->title != NULL);
	if (h->mode == S_NONE) {
		set_title(r, h->type, "%s", h->title);
		return;
	}
	recipe_frames(lg, at, h->rc, r, NULL);
	set_title(r, h->type, "%s in %s", h->title, in_frame(r));
}

/*
 * A KCSAN report's frames: the innermost frame of each of the two racing
 * accesses, in the order printed, each stack under its "read to ... by
 * task N on cpu M:" line ("write", "read-write", "by interrupt", "race
 * at unknown origin, with read to ..." alike).  The title already names
 * both (the kernel orders the pair itself); the frames say which access
 * was which, and the first is the guilty frame.
 */
static void
kcsan_frames(const struct rlog *lg, size_t at, size_t end, struct report *r)
{
	struct frames f;
	char fn[128];

	f.n = 0;
	for (size_t i = at + 1; i < end && i < lg->n && f.n < 2; i++) {
		const struct rline *l = &lg->line[i];

		if (!rl_has(l, " to 0x") || !(rl_has(l, " by task ") ||
		    rl_has(l, " by interrupt ")))
			continue;
		for (i++; i < end && i < lg->n; i++) {
			if (frame_parse(&lg->line[i], fn, sizeof(fn))) {
				frames_add(&f, fn);
				break;
			}
			if (lg->line[i].len > 0)
				break;	/* not a stack: no frame of it */
		}
	}
	if (f.n > 0)
		take_frames(r, &f, 0);
}

/* Fill r for the report at line at; 1 if it was one. */
static int
title_for(const struct rlog *lg, size_t at, const struct rheader *h,
    struct report *r)
{
	const struct rline *l = &lg->line[at];
	size_t end = report_end(lg, at);
	struct frames f;
	char text[REPORT_TITLE];

	r->start = l->off;
	r->end = end < lg->n ? lg->line[end].off : lg->len;
	switch (h->kind) {
	case H_KASAN:
		title_kasan(lg, at, end, r);
		return 1;
	case H_KMSAN:
	case H_KFENCE:
	case H_KCSAN: {
		const char *p = memmem(l->text, l->len, "BUG: ", 5) + 5;
		char fn[128] = "";

		/* the header from "KMSAN: " on, cut to the buffer */
		snprintf(text, sizeof(text), "%.*s",
		    (int)(l->text + l->len - p), p);
		if (h->kind == H_KCSAN) {
			set_title(r, h->type, "%s", text);
			kcsan_frames(lg, at, end, r);
			return 1;
		}
		/* "KMSAN: uninit-value in f" */
		char *in = strstr(text, " in ");
		if (in != NULL)
			*in = '\0';
		(void)fn;
		recipe_frames(lg, at, h->kind == H_KFENCE ? &rc_kfence :
		    rl_has(l, "kernel-usb-infoleak") ? &rc_kmsan_usb :
		    &rc_kmsan, r, NULL);
		set_title(r, h->type, "%s in %s", text, in_frame(r));
		return 1;
	}
	case H_UBSAN: {
		char *colon;

		rl_copy(l, text, sizeof(text));
		/* "UBSAN: shift-out-of-bounds in lib/x.c:12:3" */
		colon = strstr(text, " in ");
		if (colon != NULL)
			*colon = '\0';
		/* old kernels: "UBSAN: Undefined behaviour" */
		if (strcmp(text, "UBSAN: Undefined behaviour") == 0)
			snprintf(text, sizeof(text), "UBSAN: undefined-behaviour");
		recipe_frames(lg, at, &rc_ubsan, r, NULL);
		set_title(r, "UBSAN", "%s in %s", text, in_frame(r));
		return 1;
	}
	case H_UNABLE:
		if (!rl_has(l, "Unable to handle kernel data access")) {
			r->corrupted = 1;
			set_title(r, h->type, "BUG: unable to handle kernel");
			return 1;
		}
		break;
	case H_WARNING:
	case H_WARNING_OLD:
		title_warning(lg, at, r);
		return 1;
	case H_LOCKDEP:
		title_lockdep(lg, at, r);
		return 1;
	case H_SLUB:
		/* "BUG kmalloc-8 (Tainted: G B): Object already free" */
		if (rl_has(l, "): Object already free"))
			set_title(r, h->type, "BUG: Object already free");
		else
			title_raw(l, r, h->type);
		return 1;
	case H_BUG_GENERIC: {
		if (title_generic(lg, at, end, r, h->type))
			return 1;
		if (rl_has(l, "WARNING: ") && !rl_has(l, "BUG: ")) {
			title_warning(lg, at, r);
			return 1;
		}
		/* a BUG no format knows: its line is the title */
		title_raw(l, r, "BUG");
		return 1;
	}
	case H_PANIC: {
		const char *p = memmem(l->text, l->len, "not syncing", 11);
		size_t k;

		p += 11;
		while (p < l->text + l->len && (*p == ':' || *p == ' '))
			p++;
		k = (size_t)(l->text + l->len - p);
		snprintf(text, sizeof(text), "%.*s", (int)k, p);
		/* the reason without its details */
		static const char *const cut[] = {
			" exitcode=", " in interrupt", " ...", " for ", NULL
		};
		for (size_t c = 0; cut[c] != NULL; c++) {
			char *x = strstr(text, cut[c]);

			if (x != NULL)
				*x = '\0';
		}
		/* stack protector and stack end checks name a function */
		{
			char *in = strstr(text, "stack is corrupted in: ");

			if (in != NULL) {
				char fn[128];
				size_t e = 0;

				snprintf(fn, sizeof(fn), "%s", in + 23);
				while (isalnum((unsigned char)fn[e]) ||
				    fn[e] == '_')
					e++;
				if (e > 0 && (fn[e] == '+' || fn[e] == '.')) {
					fn[e] = '\0';
					r->frame = xstrdup(fn);
				} else
					recipe_frames(lg, at, &rc_stack_chk, r,
					    NULL);
				set_title(r, "BUG", "kernel panic: stack is "
				    "corrupted in %s", in_frame(r));
				return 1;
			}
			if (strstr(text, "kernel stack overflow") != NULL) {
				recipe_frames(lg, at, &rc_stack_ovf, r, NULL);
				set_title(r, "BUG", "kernel stack overflow in "
				    "%s", in_frame(r));
				return 1;
			}
			if (strstr(text, "corrupted stack end") != NULL) {
				recipe_frames(lg, at, &rc_stack_end, r, NULL);
				set_title(r, "BUG", "kernel panic: corrupted "
				    "stack end in %s", in_frame(r));
				return 1;
			}
		}
		set_title(r, "BUG", "kernel panic: %s", text);
		r->freetext = 1;
		return 1;
	}
	case H_BARE: {
		char w[16];

		snprintf(w, sizeof(w), "%.*s", (int)strcspn(h->needle, ":"),
		    h->needle);
		r->corrupted = 1;
		set_title(r, h->type, "%s: corrupted", w);
		return 1;
	}
	case H_SYZ: {
		/* syzkaller's own failures: the line from the tag on */
		const char *p = memmem(l->text, l->len, h->needle,
		    strlen(h->needle));

		snprintf(text, sizeof(text), "%.*s",
		    (int)(l->text + l->len - p), p);
		set_title(r, h->type, "%s", text);
		r->freetext = 1;
		return 1;
	}
	case H_INFO_GENERIC:
		if (hung_mangled(lg, at)) {
			title_row(lg, at, report_header_of(H_HUNG_TASK), r);
			return 1;
		}
		if (title_generic(lg, at, end, r, h->type))
			return 1;
		rl_copy(l, text, sizeof(text));
		frames_collect(lg, at, end, &f, 0);
		take_frames(r, &f, 0);
		set_title(r, "HANG", "%s", text);
		r->freetext = 1;
		return 1;
	default:
		break;
	}
	if (h->mode == S_CODE)
		return 0;
	title_row(lg, at, h, r);
	return 1;
}

/*
 * The crash utility's "bt": no oops header, but "[exception RIP: f+45]"
 * at line at where the fault hit, and the handler frames above it tell
 * the kind.  The report starts at the first line of lg.
 */
int
report_crash_bt(const struct rlog *lg, size_t at, struct report *r)
{
	struct frames f, above;
	const char *kind = "kernel crash", *type = "BUG";
	char fn[128];
	size_t i;

	assert(at < lg->n);
	frames_collect(lg, 0, at, &above, 0);
	for (i = 0; i < above.n; i++) {
		if (strstr(above.fn[i], "general_protection") != NULL) {
			kind = "general protection fault";
			type = "MEMORY_SAFETY_BUG";
		} else if (strstr(above.fn[i], "page_fault") != NULL) {
			kind = "BUG: unable to handle kernel paging request";
			type = "MEMORY_SAFETY_BUG";
		} else if (strstr(above.fn[i], "invalid_op") != NULL) {
			kind = "kernel BUG";
		}
	}
	f.n = 0;
	if (frame_parse(&lg->line[at], fn, sizeof(fn)))
		frames_add(&f, fn);
	for (i = at + 1; i < lg->n; i++) {
		if (rl_has(&lg->line[i], "--- <") ||
		    rl_has(&lg->line[i], "[exception RIP: "))
			break;
		if (frame_parse(&lg->line[i], fn, sizeof(fn)))
			frames_add(&f, fn);
	}
	r->start = lg->line[0].off;
	r->end = i < lg->n ? lg->line[i].off : lg->len;
	take_frames(r, &f, 0);
	set_title(r, type, "%s in %s", kind, in_frame(r));
	return 1;
}

/*
 * Fill out from the report whose header h is line at of lg.  Returns 1 if
 * it is a crash report, 0 if not (the header only looked like one).
 */
int
report_title_at(const struct rlog *lg, size_t at, const struct rheader *h,
    struct report *out)
{
	assert(at < lg->n);
	return title_for(lg, at, h, out);
}
