/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack recipes: how the guilty frame of one kind of report is found,
 * the way syzkaller does it (see ../shared/notes/syzkaller-titles.md).
 *
 * A recipe is a list of steps walked over the report's lines in order:
 * skip to a line (SP_LINE), take the function a line names (SP_CAP,
 * SP_RIP), or read a stack trace until the next trace starts
 * (SP_TRACE).  Every frame taken is checked against the one skip list
 * of generic frames (reporting, locking, allocation, string and list
 * helpers ...: frame_skip[] in report-frames.c) plus the recipe's own; the first frame left names the
 * bug, or a recipe-specific extractor picks one (stalls, hung tasks).
 *
 * Skip patterns are POSIX extended regular expressions matched anywhere
 * in the function name unless anchored.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

/* Frames read per trace: deep recursions overflow the stack. */
#define STACK_MAX_RAW	4096

static void copy_fn(char *dst, const char *src);
static int pick(enum stack_extract ex, char raw[][128], char st[][128],
    size_t n, char *out, size_t cap, char *rout, size_t rcap);

/*
 * Where a stalled or looping task entered the code that loops: the
 * frame just above the first of these (a dispatcher of work, a syscall
 * or file operation entry) names the stall.
 */
static const char *const stall_anchors[] = {
	"process_one_work", "do_syscall_", "do_fast_syscall_",
	"sysenter_dispatch", "tracesys_phase2", "el0_svc_handler",
	"invoke_syscall", "ret_fast_syscall", "netif_receive_skb",
	"do_softirq", "call_timer_fn", "_run_timers", "run_timer_softirq",
	"hrtimer_run", "run_ksoftirqd", "smpboot_thread_fn", "^kthread$",
	"start_secondary", "cpu_startup_entry", "ret_from_fork",
	/* file operations: the callee names the file type */
	"vfs_write", "vfs_read", "vfs_iter_read", "vfs_iter_write",
	"do_iter_read", "do_iter_write", "call_read_iter", "call_write_iter",
	"new_sync_read", "new_sync_write", "vfs_ioctl", "ksys_ioctl",
	"compat_ioctl", "compat_sys_ioctl", "blkdev_driver_ioctl",
	"blkdev_ioctl", "do_iter_readv_writev", "^call_mmap", "mmap_region",
	"do_mmap", "do_dentry_open", "vfs_open",
	/* socket operations: the callee names the protocol */
	"^sock_sendmsg", "^sock_recvmsg", "^sock_release", "^__sock_release",
	"^setsockopt$", "kernel_setsockopt", "sock_common_setsockopt",
	"^listen$", "kernel_listen", "sk_common_release", "^sock_mmap",
	"^accept$", "kernel_accept", "^sock_do_ioctl", "^sock_ioctl",
	"^compat_sock_ioctl", "^nfnetlink_rcv_msg", "^rtnetlink_rcv_msg",
	"^netlink_dump", "^(sys_)?(socketpair|connect|ioctl)",
	/* page faults and work run on the way back to user space */
	"__do_fault", "do_page_fault", "^page_fault$", "__fput",
	"task_work_run", "exit_to_usermode", "smp_call_function",
	"tasklet_action", "tasklet_hi_action",
	NULL
};

/* Syscall wrappers' prefixes: the shortest strip names the frame. */
static const char *const strip_prefixes[] = {
	"SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_", "____sys_",
	"___sys_", "__sys_", "__se_", "__se_sys_", "__do_sys_",
	"compat_SYSC_", "compat_SyS_", "ksys_", NULL
};

/* Is fn skipped by recipe rc (the frames every recipe skips, and its own)? */
static int
skip_frame(const struct stack_recipe *rc, const char *fn)
{
	return frame_skipped(SK_RECIPE, fn) ||
	    (rc->skip != NULL && report_re_match(rc->skip, fn));
}

static int
stall_anchor(const char *fn)
{
	regex_t *re = report_re_join(stall_anchors, stall_anchors, NULL);

	return re != NULL && regexec(re, fn, 0, NULL, 0) == 0;
}

/* The frame without a syscall wrapper prefix (the shortest strip). */
void
stack_strip(const char *fn, char *out, size_t cap)
{
	const char *best = fn;

	for (size_t i = 0; strip_prefixes[i] != NULL; i++) {
		size_t n = strlen(strip_prefixes[i]);

		if (strncmp(fn, strip_prefixes[i], n) == 0 &&
		    strlen(fn + n) < strlen(best))
			best = fn + n;
	}
	snprintf(out, cap, "%s", best);
}

static int
is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/*
 * Skip "[<ffffffff81234567>]" (or "[ffff...]", "[<0x...>]", and "[]" or
 * "[<>]" with the address hidden) at s[i].
 */
static size_t
skip_pc(const char *s, size_t n, size_t i)
{
	size_t j = i;

	if (j >= n || s[j] != '[')
		return i;
	j++;
	if (j < n && s[j] == '<')
		j++;
	/* "[]", "[<>]": the address hidden (kptr_restrict, or by hand) */
	if (j < n && s[j] == '>')
		j++;
	if (j < n && s[j] == ']')
		return j + 1;
	if (j + 1 < n && s[j] == '0' && s[j + 1] == 'x')
		j += 2;
	if (j >= n || !isxdigit((unsigned char)s[j]) ||
	    isupper((unsigned char)s[j]))
		return i;
	while (j < n && isxdigit((unsigned char)s[j]) &&
	    !isupper((unsigned char)s[j]))
		j++;
	if (j < n && s[j] == '>')
		j++;
	if (j >= n || s[j] != ']')
		return i;
	return j + 1;
}

/* "name" then '.' or '+' at s[i]: copy name, return 1. */
static int
take_func(const char *s, size_t n, size_t i, char *fn, size_t cap)
{
	size_t b = i;

	while (i < n && is_ident((unsigned char)s[i]))
		i++;
	if (i == b || i >= n || (s[i] != '.' && s[i] != '+') ||
	    i - b >= cap)
		return 0;
	memcpy(fn, s + b, i - b);
	fn[i - b] = '\0';
	return 1;
}

/*
 * decode_stacktrace.sh's "name (path/file.c:123)" at s[i]: copy name and
 * return the index after the ')', else return 0.
 */
static size_t
take_decoded(const char *s, size_t n, size_t i, char *fn, size_t cap)
{
	size_t b = i, e, colon = 0;

	while (i < n && (is_ident((unsigned char)s[i]) || s[i] == '.'))
		i++;
	if (i == b || i - b >= cap || i + 2 >= n || s[i] != ' ' ||
	    s[i + 1] != '(')
		return 0;
	for (e = i + 2; e < n && s[e] != ')' && s[e] != ' '; e++)
		if (s[e] == ':')
			colon = e;
	if (e >= n || s[e] != ')' || colon == 0 || colon + 1 >= e ||
	    !isdigit((unsigned char)s[colon + 1]))
		return 0;
	memcpy(fn, s + b, i - b);
	fn[i - b] = '\0';
	return e + 1;
}

/*
 * A trace line: "  [<pc>] [<pc>] func+0x1f/0x80" (up to two PCs, then
 * the function followed by '+' or a '.' suffix).  Arm's
 * "[<pc>] (callee) from [<pc>] (caller+0x..)" gives two frames.
 * Returns the number of frames put into fn[0], fn[1].
 */
static int
trace_frame(const struct rline *l, char fn[2][128])
{
	const char *s = l->text;
	size_t n = l->len, i = 0, j;

	while (i < n && s[i] == ' ')
		i++;
	for (int k = 0; k < 2; k++) {
		j = skip_pc(s, n, i);
		if (j == i || j >= n || s[j] != ' ')
			break;
		i = j + 1;
	}
	if (take_func(s, n, i, fn[0], sizeof(fn[0])))
		return 1;
	/*
	 * decode_stacktrace.sh: "f (x.c:1)", and with inlining "f (x.h:1)
	 * g (y.c:2) ...", innermost first.  NEEDSWORK: only the first two
	 * frames of such a line are kept.
	 */
	j = take_decoded(s, n, i, fn[0], sizeof(fn[0]));
	if (j > 0) {
		while (j < n && s[j] == ' ')
			j++;
		return take_decoded(s, n, j, fn[1], sizeof(fn[1])) > 0 ? 2 : 1;
	}
	/* arm: "[<c0123>] (callee) from [<c0456>] (caller+0x..)" */
	i = 0;
	while (i < n && s[i] == ' ')
		i++;
	j = skip_pc(s, n, i);
	if (j == i || j + 2 >= n || s[j] != ' ' || s[j + 1] != '(')
		return 0;
	i = j + 2;
	j = i;
	while (j < n && (is_ident((unsigned char)s[j]) || s[j] == '.'))
		j++;
	if (j == i || j - i >= sizeof(fn[0]) || j + 7 > n ||
	    memcmp(s + j, ") from ", 7) != 0)
		return 0;
	memcpy(fn[0], s + i, j - i);
	fn[0][j - i] = '\0';
	i = skip_pc(s, n, j + 7);
	if (i == j + 7 || i + 1 >= n || s[i] != ' ' || s[i + 1] != '(')
		return 0;
	if (!take_func(s, n, i + 2, fn[1], sizeof(fn[1])))
		return 0;
	return 2;
}

/*
 * The crash site line: "RIP: 0010:func+0x..", "IP: [<pc>] func+0x..",
 * "NIP: ..", "pc : func+0x..", "PC is at func+0x..".  Returns 1 if the
 * line is one (fn set if it names a function, else fn[0] is '\0').
 */
int
stack_rip_line(const struct rline *l, char *fn, size_t cap)
{
	static const char *const keys[] = { "IP:", "IP", "pc :", "pc ",
	    "PC is at", NULL };
	const char *s = l->text;
	size_t n = l->len;

	fn[0] = '\0';
	for (size_t k = 0; keys[k] != NULL; k++) {
		size_t kl = strlen(keys[k]);
		const char *p = s;

		while ((p = memmem(p, n - (size_t)(p - s), keys[k], kl)) !=
		    NULL) {
			size_t i = (size_t)(p - s) + kl, j;
			int npc;

			p++;
			if (i >= n || s[i] != ' ')
				continue;
			i++;
			/* "0010:" segment */
			j = i;
			while (j < n && isdigit((unsigned char)s[j]))
				j++;
			if (j > i && j < n && s[j] == ':')
				i = j + 1;
			if (i + 1 < n && s[i] == '0' && s[i + 1] == 'x')
				return 1;	/* "RIP: 0010:0x0" */
			npc = 0;
			for (int c = 0; c < 2; c++) {
				j = skip_pc(s, n, i);
				if (j == i)
					break;
				npc++;
				i = j;
				while (i < n && s[i] == ' ')
					i++;
			}
			if (take_func(s, n, i, fn, cap))
				return 1;
			/* "RIP: 0010:          (null)" */
			for (j = i; j < n && s[j] == ' '; j++)
				;
			if (j + 6 <= n && memcmp(s + j, "(null)", 6) == 0)
				return 1;
			/* "[<0000000000000000>]  [<   (null)>]  (null)" */
			if (npc > 0 && i + 2 < n &&
			    s[i] == '[' && s[i + 1] == '<' &&
			    memmem(s + i, n - i, "(null)>]", 8) != NULL)
				return 1;
		}
	}
	return 0;
}

/* Does a new stack trace start at l ("Call Trace:", "Freed by task") */
int
stack_trace_start(const struct rline *l)
{
	const char *p;

	if (rl_has(l, "Call Trace") || rl_has(l, "Call trace") ||
	    rl_has(l, "Allocated:") || rl_has(l, "Freed:") ||
	    rl_has(l, "Backtrace:") ||
	    rl_has(l, "Uninit was stored to memory at"))
		return 1;
	if ((rl_has(l, "Allocated by task ") || rl_has(l, "Freed by task ")) &&
	    l->len > 0 && l->text[l->len - 1] == ':')
		return 1;
	p = memmem(l->text, l->len, "backtrace", 9);
	if (p != NULL) {
		size_t i = (size_t)(p - l->text) + 9;

		if (p - l->text >= 2 && p[-1] == ' ' && p[-2] == 'k')
			return 0;	/* "stack backtrace:" */
		if (i < l->len && l->text[i] == ':')
			return 1;
		if (i + 5 < l->len && memcmp(l->text + i, " (crc", 5) == 0)
			return 1;
	}
	return 0;
}

/*
 * C++ (and Rust v0-less) symbols are mangled: "_Z8fakeNameiii" is
 * fakeName, "_ZN3foo3barEv" foo::bar.  Parameters are dropped.  Returns
 * 0 if src is not a name this understands.
 */
static int
demangle(const char *src, char *out, size_t cap)
{
	const char *p = src + 2;
	size_t o = 0;
	int nested;

	if (strncmp(src, "_Z", 2) != 0)
		return 0;
	nested = *p == 'N';
	if (nested)
		p++;
	do {
		size_t len = 0;

		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			len = len * 10 + (size_t)(*p++ - '0');
		if (len == 0 || strnlen(p, len) < len || o + len + 3 > cap)
			return 0;
		if (o > 0) {
			memcpy(out + o, "::", 2);
			o += 2;
		}
		memcpy(out + o, p, len);
		o += len;
		p += len;
	} while (nested && *p != 'E' && *p != '\0');
	out[o] = '\0';
	return 1;
}

/* Copy a function name (demangled) into a 128-byte frame slot. */
static void
copy_fn(char *dst, const char *src)
{
	size_t k = strnlen(src, 127);

	if (demangle(src, dst, 128))
		return;
	memcpy(dst, src, k);
	dst[k] = '\0';
}

/* Fault injection's stacks are interleaved with reports: corrupted. */
static int
corrupted_line(const struct rline *l)
{
	char fn[2][128];

	return trace_frame(l, fn) == 1 && strcmp(fn[0], "should_fail") == 0;
}

/* Keep frame fn (demangled) for the guilty choice unless it is skipped. */
static void
add_raw(const struct stack_recipe *rc, char raw[][128], size_t *n,
    const char *fn)
{
	if (*n >= STACK_MAX_RAW)
		return;
	copy_fn(raw[*n], fn);
	if (!skip_frame(rc, raw[*n]))
		(*n)++;
}

/* Run one part list; 1 if every extracted frame was found. */
static int
run_parts(const struct rline *lines, size_t n, const struct stack_part *parts,
    const struct stack_recipe *rc, struct stack_result *res)
{
	char (*raw)[128] = xmalloc(STACK_MAX_RAW * sizeof(*raw));
	size_t nraw = 0, li = 0, np = 0;
	int ok = 1, ntraces = 0;

	res->n = 0;
	while (parts[np].kind != SP_END)
		np++;
	for (size_t pi = 0;; pi++) {
		if (pi == np || (parts[pi].kind == SP_TRACE && ntraces > 0)) {
			char *out = res->n < 2 ? res->frame[res->n] : NULL;
			char *rout = res->n < 2 ? res->raw[res->n] : NULL;
			int got = 0;

			if (out != NULL) {
				got = stack_pick(rc->extract, raw, nraw, out,
				    sizeof(res->frame[0]), rout,
				    sizeof(res->raw[0]));
				if (!got) {
					snprintf(out, sizeof(res->frame[0]),
					    "corrupted");
					snprintf(rout, sizeof(res->raw[0]),
					    "corrupted");
					ok = 0;
				}
				res->n++;
			}
			nraw = 0;
		}
		if (pi == np)
			break;
		const struct stack_part *p = &parts[pi];

		if (p->kind == SP_TRACE) {
			ntraces++;
			while (li < n) {
				const struct rline *l = &lines[li++];
				char fn[2][128];
				int k;

				if (corrupted_line(l)) {
					ok = 0;
					goto next_part;
				}
				if (stack_trace_start(l))
					goto next_part;
				if (pi + 1 < np &&
				    (k = stack_part_match(&parts[pi + 1], l,
				    fn[0], sizeof(fn[0]))) != 0) {
					if (k == 1)
						add_raw(rc, raw, &nraw, fn[0]);
					pi++;
					goto next_part;
				}
				k = trace_frame(l, fn);
				for (int m = 0; m < k; m++) {
					stack_seen(res, fn[m]);
					add_raw(rc, raw, &nraw, fn[m]);
				}
			}
		} else {
			while (li < n) {
				const struct rline *l = &lines[li++];
				char fn[128];
				int k;

				if (corrupted_line(l)) {
					ok = 0;
					goto next_part;
				}
				k = stack_part_match(p, l, fn, sizeof(fn));
				if (k == 0)
					continue;
				if (k == 1) {
					stack_seen(res, fn);
					add_raw(rc, raw, &nraw, fn);
				}
				break;
			}
		}
next_part:
		;
	}
	free(raw);
	return ok;
}

/*
 * Does step p match line l?  0: no; 1: yes, naming function fn; 2: yes,
 * naming none.
 */
int
stack_part_match(const struct stack_part *p, const struct rline *l,
    char *fn, size_t cap)
{
	char buf[REPORT_LINE + 1];
	regmatch_t m[10];
	regex_t *re;

	switch (p->kind) {
	case SP_RIP:
		if (!stack_rip_line(l, fn, cap))
			return 0;
		return fn[0] != '\0' ? 1 : 2;
	case SP_LINE:
	case SP_CAP:
		re = report_re(p->re);
		if (re == NULL)
			return 0;
		rl_copy(l, buf, sizeof(buf));
		if (regexec(re, buf, 10, m, 0) != 0)
			return 0;
		if (p->kind == SP_LINE)
			return 2;
		for (size_t g = re->re_nsub < 9 ? re->re_nsub : 9; g > 0; g--) {
			if (m[g].rm_so < 0)
				continue;
			size_t k = (size_t)(m[g].rm_eo - m[g].rm_so);

			if (k == 0 || k >= cap)
				return 2;
			memcpy(fn, buf + m[g].rm_so, k);
			fn[k] = '\0';
			return 1;
		}
		return 2;
	default:
		return 0;
	}
}

/* Remember every frame seen, for the report's frame list. */
void
stack_seen(struct stack_result *res, const char *fn)
{
	if (res->nseen < REPORT_MAX_FRAMES)
		copy_fn(res->seen[res->nseen++], fn);
}

/*
 * Choose the guilty frame of raw (frames left after skipping): the
 * first, or the stall or hang rule.  out gets it stripped of syscall
 * prefixes, rout as it was.  Returns 0 if there is none.
 */
int
stack_pick(enum stack_extract ex, char raw[][128], size_t n, char *out,
    size_t cap, char *rout, size_t rcap)
{
	char (*st)[128];
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	st = xmalloc(n * sizeof(*st));
	for (i = 0; i < n; i++)
		stack_strip(raw[i], st[i], sizeof(st[i]));
	rc = pick(ex, raw, st, n, out, cap, rout, rcap);
	free(st);
	return rc;
}

static int
pick(enum stack_extract ex, char raw[][128], char st[][128], size_t n,
    char *out, size_t cap, char *rout, size_t rcap)
{
	size_t i;

	switch (ex) {
	case SX_FIRST:
		snprintf(out, cap, "%s", st[0]);
		snprintf(rout, rcap, "%s", raw[0]);
		return 1;
	case SX_STALL: {
		size_t prev = 0;

		for (i = 0; i < n; i++) {
			if (stall_anchor(st[i])) {
				if (strstr(st[i], "smp_call_function") != NULL) {
					snprintf(out, cap, "smp_call_function");
					snprintf(rout, rcap, "%s", raw[i]);
					return 1;
				}
				snprintf(out, cap, "%s", st[prev]);
				snprintf(rout, rcap, "%s", raw[prev]);
				return 1;
			}
			prev = i;
		}
		return 0;
	}
	case SX_HUNG: {
		static const char *const group[][2] = {
			{ "rtnl_lock", NULL },
			{ "synchronize_rcu", "synchronize_rcu" },
			{ "synchronize_srcu", "synchronize_rcu" },
			{ "synchronize_net", "synchronize_rcu" },
			{ "synchronize_sched", "synchronize_rcu" },
		};
		static const char *const waits[] = {
			"sched", "_lock", "_slowlock", "down", "rwsem",
			"completion", "kthread", "wait", "synchronize",
			"context_switch", "__switch_to", "cancel_delayed_work",
			"rcu_barrier", NULL
		};

		for (i = 0; i < n; i++) {
			for (size_t g = 0; g < 5; g++) {
				if (strstr(st[i], group[g][0]) == NULL)
					continue;
				snprintf(out, cap, "%s", group[g][1] ?
				    group[g][1] : st[i]);
				snprintf(rout, rcap, "%s", raw[i]);
				return 1;
			}
		}
		for (i = 0; i < n; i++) {
			size_t w;

			for (w = 0; waits[w] != NULL; w++) {
				if (strstr(st[i], waits[w]) != NULL)
					break;
			}
			if (waits[w] == NULL) {
				snprintf(out, cap, "%s", st[i]);
				snprintf(rout, rcap, "%s", raw[i]);
				return 1;
			}
		}
		return 0;
	}
	}
	return 0;
}

/*
 * Apply recipe rc to the report lines; res gets up to two frames (one
 * per trace the recipe reads).  Returns 1 if not corrupted.
 */
int
stack_extract(const struct rline *lines, size_t n,
    const struct stack_recipe *rc, struct stack_result *res)
{
	int ok;

	memset(res, 0, sizeof(*res));
	ok = run_parts(lines, n, rc->parts, rc, res);
	if (ok || rc->parts2 == NULL)
		return ok;
	res->nseen = 0;
	return run_parts(lines, n, rc->parts2, rc, res);
}
