/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recognising oops headers and forming syzkaller-style titles from the
 * header and the guilty frame of the report that follows it.
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

/* Recipes shared by many kinds of report (see report-stack.c). */
static const struct stack_part p_rip_ct[] = {
	{ SP_RIP, NULL }, { SP_LINE, CALL_TRACE }, { SP_TRACE, NULL },
	{ SP_END, NULL }
}, p_ct[] = {
	{ SP_LINE, CALL_TRACE }, { SP_TRACE, NULL }, { SP_END, NULL }
}, p_rip[] = {
	{ SP_RIP, NULL }, { SP_END, NULL }
}, p_warn[] = {
	{ SP_RIP, NULL }, { SP_TRACE, NULL }, { SP_END, NULL }
}, p_leak[] = {
	{ SP_LINE, "backtrace( \\(crc [0-9a-f]*\\))?:" }, { SP_TRACE, NULL },
	{ SP_END, NULL }
}, p_kmsan[] = {
	{ SP_TRACE, NULL },
	{ SP_LINE, "(Local variable .* created at:|Uninit was created at:)" },
	{ SP_TRACE, NULL }, { SP_END, NULL }
}, p_kfence[] = {
	{ SP_CAP, "BUG: KFENCE: [a-z -]+ in " RE_FUNC }, { SP_TRACE, NULL },
	{ SP_END, NULL }
}, p_kasan[] = {
	{ SP_CAP, "BUG: KASAN: [a-z-]+ in " RE_FUNC }, { SP_LINE, CALL_TRACE },
	{ SP_TRACE, NULL }, { SP_END, NULL }
}, p_kasan_free[] = {
	{ SP_CAP, "BUG: KASAN: (double-free or invalid-free|double-free|"
	    "invalid-free) in " RE_FUNC }, { SP_LINE, CALL_TRACE },
	{ SP_TRACE, NULL }, { SP_END, NULL }
}, p_deadlock[] = {
	{ SP_CAP, "at: (" RE_PC " +)?" RE_FUNC },
	{ SP_CAP, "at: (" RE_PC " +)?" RE_FUNC }, { SP_TRACE, NULL },
	{ SP_END, NULL }
}, p_became[] = {
	{ SP_LINE, "which became .* at:" }, { SP_TRACE, NULL }, { SP_END, NULL }
}, p_pc_ct[] = {
	{ SP_CAP, RE_PC " +" RE_FUNC }, { SP_LINE, CALL_TRACE },
	{ SP_TRACE, NULL }, { SP_END, NULL }
}, p_page[] = {
	{ SP_LINE, "page last allocated" }, { SP_TRACE, NULL }, { SP_END, NULL }
}, p_rcu_stall[] = {
	{ SP_LINE, "apic_timer_interrupt" }, { SP_RIP, NULL },
	{ SP_TRACE, NULL }, { SP_END, NULL }
}, p_rcu_stall2[] = {
	{ SP_LINE, "apic_timer_interrupt|Exception stack|el1h_64_irq" },
	{ SP_TRACE, NULL }, { SP_END, NULL }
};

static const struct stack_recipe
	rc_rip_ct = { p_rip_ct, NULL, NULL, SX_FIRST },
	rc_kernel_bug = { p_rip_ct, NULL, "^skb_", SX_FIRST },
	rc_ct = { p_ct, NULL, NULL, SX_FIRST },
	rc_usercopy = { p_ct, NULL, "usercopy|__check", SX_FIRST },
	rc_rip = { p_rip, NULL, NULL, SX_FIRST },
	rc_leak = { p_leak, NULL, "kmemleak|mmap|kmem|slab|alloc|create_object|"
	    "idr_get|list_lru_init|kasprintf|kvasprintf|pcpu_create|strdup|"
	    "strndup|memdup", SX_FIRST },
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
	rc_spinlock = { p_ct, NULL, "spin_|_lock|_unlock", SX_FIRST },
	rc_sched_atomic = { p_ct, NULL, "schedule", SX_FIRST },
	rc_preempt = { p_ct, NULL, "dump_stack|preemption|preempt|debug_|"
	    "processor_id|this_cpu", SX_FIRST },
	rc_page = { p_page, NULL, "(free|put|get|update|release)_page|"
	    "free_unref|^_*folio|truncate_inode_pages|page_frag_free|alloc|"
	    "vmap|page_owner", SX_FIRST },
	rc_lock_sock = { p_ct, NULL, "lock_sock|release_sock", SX_FIRST },
	rc_unlock = { p_pc_ct, NULL, NULL, SX_FIRST },
	rc_nonstatic = { p_ct, NULL, "stack|lock|IRQ", SX_FIRST },
	rc_hung = { p_ct, NULL, NULL, SX_HUNG },
	rc_cant_die = { p_ct, NULL, "schedule", SX_FIRST },
	rc_stack_chk = { p_ct, NULL, "stack_chk", SX_FIRST },
	rc_stack_end = { p_ct, NULL, "schedule|retint_kernel", SX_STALL },
	rc_stack_ovf = { p_ct, NULL, "bad_stack", SX_STALL },
	/*
	 * Stalls name the code that looped: the frame above the first
	 * anchor (syscall entry, work item, timer, softirq, VFS or socket
	 * entry) in the stack the stall interrupted.
	 */
	rc_stall = { p_rip_ct, NULL, NULL, SX_STALL },
	rc_rcu_stall = { p_rcu_stall, p_rcu_stall2, "apic_timer_interrupt|rcu",
	    SX_STALL };

/* WARNINGs: the crash site, else the Call Trace. */
#define WARN_RECIPE(name, skip) \
	name = { p_warn, p_ct, skip, SX_FIRST }
static const struct stack_recipe
	WARN_RECIPE(rc_warn, NULL),
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

/* In order: the first entry that matches a line decides its kind. */
static const struct rheader headers[] = {
	{ "BUG: KASAN: ", 0, H_KASAN, "KASAN", S_CODE, NULL, NULL },
	{ "BUG: KMSAN: ", 0, H_KMSAN, "KMSAN", S_CODE, NULL, NULL },
	{ "BUG: KFENCE: ", 0, H_KFENCE, "KFENCE", S_CODE, NULL, NULL },
	{ "BUG: KCSAN: ", 0, H_KCSAN, "DATARACE", S_CODE, NULL, NULL },
	{ "UBSAN: ", 1, H_UBSAN, "UBSAN", S_CODE, NULL, NULL },
	{ "BUG: kernel NULL pointer dereference", 0, H_NULL_DEREF,
	    "NULL-POINTER-DEREFERENCE", S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel NULL pointer dereference" },
	{ "BUG: unable to handle kernel NULL pointer dereference", 0,
	    H_NULL_DEREF, "NULL-POINTER-DEREFERENCE", S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel NULL pointer dereference" },
	{ "BUG: unable to handle kernel paging request", 0, H_PAGING,
	    "MEMORY_SAFETY_BUG", S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel paging request" },
	{ "BUG: unable to handle page fault", 0, H_PAGING, "MEMORY_SAFETY_BUG",
	    S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel paging request" },
	{ "BUG: unable to handle kernel", 0, H_UNABLE, "MEMORY_SAFETY_BUG",
	    S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel paging request" },
	{ "BUG: Unable to handle kernel data access", 0, H_PAGING,
	    "MEMORY_SAFETY_BUG", S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel paging request" },
	{ "BUG: Unable to handle kernel instruction fetch", 0, H_PAGING,
	    "MEMORY_SAFETY_BUG", S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel paging request" },
	{ "Unable to handle kernel paging request", 0, H_PAGING,
	    "MEMORY_SAFETY_BUG", S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel paging request" },
	{ "Unable to handle kernel NULL pointer dereference", 0, H_NULL_DEREF,
	    "NULL-POINTER-DEREFERENCE", S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel NULL pointer dereference" },
	{ "general protection fault", 0, H_GPF, "MEMORY_SAFETY_BUG", S_FRAME,
	    &rc_rip_ct, "general protection fault" },
	{ "WARNING: possible circular locking dependency", 0, H_LOCKDEP,
	    "LOCKDEP", S_CODE, NULL, NULL },
	{ "WARNING: possible recursive locking", 0, H_LOCKDEP, "LOCKDEP",
	    S_CODE, NULL, NULL },
	{ "WARNING: inconsistent lock state", 0, H_LOCKDEP, "LOCKDEP", S_CODE,
	    NULL, NULL },
	{ "WARNING: suspicious RCU usage", 0, H_LOCKDEP, "LOCKDEP", S_CODE,
	    NULL, NULL },
	{ "WARNING: possible irq lock inversion", 0, H_LOCKDEP, "LOCKDEP",
	    S_CODE, NULL, NULL },
	{ "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe", 0, H_LOCKDEP, "LOCKDEP",
	    S_CODE, NULL, NULL },
	{ "WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe", 0, H_LOCKDEP, "LOCKDEP",
	    S_CODE, NULL, NULL },
	{ "possible circular locking dependency detected", 0, H_LOCKDEP,
	    "LOCKDEP", S_CODE, NULL, NULL },
	{ "possible recursive locking detected", 0, H_LOCKDEP, "LOCKDEP",
	    S_CODE, NULL, NULL },
	{ "possible irq lock inversion dependency detected", 0, H_LOCKDEP,
	    "LOCKDEP", S_CODE, NULL, NULL },
	{ "SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected", 0, H_LOCKDEP,
	    "LOCKDEP", S_CODE, NULL, NULL },
	{ "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected", 0, H_LOCKDEP,
	    "LOCKDEP", S_CODE, NULL, NULL },
	{ "INFO: inconsistent lock state", 0, H_LOCKDEP, "LOCKDEP", S_CODE,
	    NULL, NULL },
	{ "INFO: suspicious RCU usage", 0, H_LOCKDEP, "LOCKDEP", S_CODE, NULL,
	    NULL },
	{ "WARNING: at ", 0, H_WARNING_OLD, "WARNING", S_CODE, NULL, NULL },
	{ "WARNING: CPU: ", 0, H_WARNING, "WARNING", S_CODE, NULL, NULL },
	{ "------------[ cut here ]------------", 0, H_WARNING, NULL, S_CODE,
	    NULL, NULL },
	{ "kernel BUG at lib/list_debug.c", 0, H_LIST_BUG, "BUG", S_FRAME,
	    &rc_ct, "BUG: corrupted list" },
	{ "kernel BUG at mm/usercopy.c", 0, H_USERCOPY, "BUG", S_FRAME,
	    &rc_usercopy, "BUG: bad usercopy" },
	{ "kernel BUG at ", 0, H_KERNEL_BUG, "BUG", S_FRAME, &rc_kernel_bug,
	    "kernel BUG" },
	{ "detected stall", 0, H_RCU_STALL, "HANG", S_FRAME, &rc_rcu_stall,
	    "INFO: rcu detected stall" },
	{ "self-detected stall", 0, H_RCU_STALL, "HANG", S_FRAME, &rc_rcu_stall,
	    "INFO: rcu detected stall" },
	{ "detected expedited stall", 0, H_RCU_STALL, "HANG", S_FRAME,
	    &rc_rcu_stall, "INFO: rcu detected stall" },
	{ "BUG: soft lockup", 0, H_SOFT_LOCKUP, "HANG", S_FRAME, &rc_stall,
	    "BUG: soft lockup" },
	{ "INFO: task ", 0, H_HUNG_TASK, "HANG", S_FRAME, &rc_hung,
	    "INFO: task hung" },
	{ "BUG: memory leak", 0, H_MEMLEAK, "LEAK", S_FRAME, &rc_leak,
	    "memory leak" },
	{ "divide error: ", 0, H_DIVIDE, "BUG", S_FRAME, &rc_rip,
	    "divide error" },
	{ "divide_error: ", 0, H_DIVIDE, "BUG", S_FRAME, &rc_rip,
	    "divide error" },
	{ "Internal error: ", 0, H_INTERNAL, "BUG", S_FRAME, &rc_rip_ct,
	    "Internal error" },
	{ "Unable to handle kernel access to user memory", 0, H_USERMEM,
	    "MEMORY_SAFETY_BUG", S_FRAME, &rc_rip_ct,
	    "BUG: unable to handle kernel access to user memory" },
	{ "int3: ", 0, H_INT3, "BUG", S_FRAME, &rc_rip_ct, "int3" },
	{ "invalid opcode: ", 1, H_INVALID_OPCODE, "BUG", S_FRAME, &rc_rip,
	    "invalid opcode" },
	{ "PANIC: double fault", 0, H_DOUBLE_FAULT, "BUG", S_FRAME, &rc_rip,
	    "PANIC: double fault" },
	{ "stack segment: ", 1, H_STACK_SEGMENT, "BUG", S_FRAME, &rc_rip_ct,
	    "stack segment fault" },
	{ "BUG ", 1, H_SLUB, "MEMORY_SAFETY_BUG", S_CODE, NULL, NULL },
	{ "BUG: ", 0, H_BUG_GENERIC, "BUG", S_CODE, NULL, NULL },
	{ "[ BUG: ", 0, H_BUG_GENERIC, "BUG", S_CODE, NULL, NULL },
	{ "WARNING: ", 0, H_BUG_GENERIC, "WARNING", S_CODE, NULL, NULL },
	{ "VFS: Close: file count is 0", 1, H_BUG_GENERIC, "MEMORY_SAFETY_BUG",
	    S_CODE, NULL, NULL },
	{ "VFS: Busy inodes after unmount", 1, H_BUG_GENERIC,
	    "MEMORY_SAFETY_BUG", S_CODE, NULL, NULL },
	{ "Kernel panic - not syncing", 0, H_PANIC, "BUG", S_CODE, NULL, NULL },
	{ "unregister_netdevice: waiting for ", 1, H_NETDEV, "HANG", S_NONE,
	    NULL, "unregister_netdevice: waiting for DEV to become free" },
	{ "Unhandled fault: ", 1, H_UNHANDLED, "BUG", S_FRAME, &rc_rip_ct,
	    "Unhandled fault" },
	{ "Alignment trap: ", 1, H_ALIGN, "BUG", S_FRAME, &rc_rip_ct,
	    "Alignment trap" },
	{ "INFO: ", 0, H_INFO_GENERIC, "HANG", S_CODE, NULL, NULL },
	{ "Booting the kernel.", 1, H_REBOOT, "BOOT", S_NONE, NULL,
	    "unexpected kernel reboot" },
	{ "BUG:", 0, H_BARE, "BUG", S_CODE, NULL, NULL },
	{ "WARNING:", 0, H_BARE, "WARNING", S_CODE, NULL, NULL },
	{ "INFO:", 0, H_BARE, "HANG", S_CODE, NULL, NULL },
	{ "SYZFAIL:", 0, H_SYZ, "SYZFAIL", S_CODE, NULL, NULL },
	{ "SYZFATAL:", 0, H_SYZ, "SYZFATAL", S_CODE, NULL, NULL },
	{ NULL, 0, 0, NULL, S_CODE, NULL, NULL }
};

static int oops_line(const struct rline *l);

/*
 * The set of byte values in a string.  A needle can only be in a line
 * whose set holds all of its bytes: one pass over the line rules most
 * of the header table out without a memmem each (most console lines
 * are not headers).
 */
struct byteset {
	uint64_t	w[4];
};

static void
byteset_of(const char *s, size_t n, struct byteset *b)
{
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < n; i++)
		b->w[(unsigned char)s[i] >> 6] |= 1ULL << ((unsigned char)s[i] &
		    63);
}

static int
byteset_within(const struct byteset *need, const struct byteset *have)
{
	return !(need->w[0] & ~have->w[0]) && !(need->w[1] & ~have->w[1]) &&
	    !(need->w[2] & ~have->w[2]) && !(need->w[3] & ~have->w[3]);
}

#define NHEADERS	(sizeof(headers) / sizeof(headers[0]))

const struct rheader *
report_header_kind(const struct rline *l)
{
	static struct byteset hset[NHEADERS], bare_set;
	static size_t shortest = (size_t)-1;
	static int sets_ready;
	struct byteset lset;

	if (!sets_ready) {
		for (size_t i = 0; headers[i].needle != NULL; i++) {
			size_t n = strlen(headers[i].needle);

			byteset_of(headers[i].needle, n, &hset[i]);
			if (n < shortest)
				shortest = n;
		}
		/* the bytes every one of WARNING:, INFO: and BUG: holds */
		byteset_of(":", 1, &bare_set);
		sets_ready = 1;
	}
	/* what a flood of empty or tiny lines costs: one compare each */
	if (l->len < shortest)
		return NULL;
	byteset_of(l->text, l->len, &lset);
	/* a WARNING:, INFO: or BUG: line its header's suppressions exempt */
	if (byteset_within(&bare_set, &lset) && (rl_has(l, "WARNING:") ||
	    rl_has(l, "INFO:") || rl_has(l, "BUG:")) && !oops_line(l))
		return NULL;
	for (size_t i = 0; headers[i].needle != NULL; i++) {
		const struct rheader *h = &headers[i];

		if (!byteset_within(&hset[i], &lset))
			continue;

		if (h->at_start ? rl_starts(l, h->needle) :
		    isupper((unsigned char)h->needle[0]) ?
		    rl_has_word(l, h->needle) : rl_has(l, h->needle)) {
			/* "INFO:" alone: a report cut right after its header */
			if (h->kind == H_BARE) {
				const char *p = memmem(l->text, l->len,
				    h->needle, strlen(h->needle));
				size_t k = (size_t)(p - l->text) +
				    strlen(h->needle);

				while (k < l->len && isspace((unsigned char)
				    l->text[k]))
					k++;
				if (k < l->len)
					continue;
			}
			/* "BUG " is SLUB's "BUG kmalloc-256 (...): ..." */
			if (h->kind == H_SLUB && !rl_has(l, "): "))
				continue;
			/* "INFO: task X blocked for more than" only */
			if (h->kind == H_HUNG_TASK &&
			    !(rl_has(l, " blocked ") &&
			    rl_has(l, "for more than")))
				continue;
			if (h->kind == H_RCU_STALL && !rl_has(l, "rcu"))
				continue;
			/* "traps: sh[12] general protection fault ip:.. error:0
			 * in libc.so": a user-space fault (see oops_line) */
			if (h->kind == H_GPF && rl_has(l, " error:") &&
			    rl_has(l, " in "))
				continue;
			if (h->kind == H_WARNING && h->type == NULL)
				continue;	/* "cut here": wait for WARNING */
			if (h->kind == H_INFO_GENERIC &&
			    (rl_has(l, "lockdep is turned off") ||
			    rl_has(l, "Slab ")))
				continue;
			/* boot-time advisories that say WARNING but are not */
			if (rl_has(l, "Spectre V2 : WARNING") ||
			    rl_has(l, "WARNING: Unprivileged eBPF"))
				return NULL;
			return h;
		}
	}
	return NULL;
}

/*
 * Is line (len bytes, the console's prefixes not yet stripped) the
 * header of a crash report?
 */
int
report_contains_crash_line(const char *line, size_t len)
{
	struct rline l;
	size_t skip = report_strip_prefix(line, len);

	l.off = 0;
	l.pre = 0;
	l.text = line + skip;
	l.len = len - skip;
	return report_header_kind(&l) != NULL;
}

static int recipe_frames(const struct rlog *lg, size_t at,
    const struct stack_recipe *rc, struct report *r,
    struct stack_result *res);

/* Frames of a report, in the order they will be considered. */
struct frames {
	char	 fn[REPORT_MAX_FRAMES][128];
	size_t	 n;
};

static void
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
 * A line that starts a kernel (or syzkaller) crash report, as syzkaller's
 * oops list has it: a header anywhere in the line, minus the lines each
 * header's suppressions exempt.  Used to find where a report ends.
 */
static int
oops_line(const struct rline *l)
{
	static const struct {
		const char	*header;
		const char	*suppress[12];
	} oopses[] = {
		{ "BUG:", { "ODEBUG:", "Boot_DEBUG:", "xlog_status:", "DEBUG:",
		    "BUG: no syscalls can create resource", NULL } },
		{ "WARNING:", { "WARNING: /etc/ssh/moduli does not exist",
		    "WARNING: workqueue cpumask: online intersect",
		    "he mand mount option", "WARNING: Unsupported flag value",
		    "WARNING: Unprivileged eBPF is enabled",
		    "WARNING: fbcon: Driver", "for mitigation options.",
		    "WARNING: kernel not compiled with CPU_SRSO", "EXT4-fs",
		    "EXT4-FS", "): WARNING", NULL } },
		{ "INFO:", { "INFO: lockdep is turned off",
		    "INFO: Stall ended before state dump start",
		    "INFO: NMI handler", "INFO: recovery required on readonly",
		    "took too long", "is not present in /proc/kallsyms",
		    "INFO: no syscalls can create resource",
		    "rmt_storage:INFO:", "_INFO:", NULL } },
		{ "Unable to handle kernel", { NULL } },
		{ "general protection fault", { NULL } },
		{ "stack segment: ", { NULL } },
		{ "Kernel panic", { NULL } },
		{ "PANIC: double fault", { NULL } },
		{ "rust_kernel: panicked", { NULL } },
		{ "kernel BUG", { NULL } },
		{ "Kernel BUG", { NULL } },
		{ "BUG kmalloc-", { NULL } },
		{ "divide error:", { NULL } },
		{ "divide_error:", { NULL } },
		{ "invalid opcode:", { NULL } },
		{ "UBSAN:", { NULL } },
		{ "Booting the kernel.", { "Parsing ELF", "Decompressing Linux",
		    "Unknown parameter '", NULL } },
		{ "unregister_netdevice: waiting for", { NULL } },
		{ "VFS: Close: file count is 0", { NULL } },
		{ "VFS: Busy inodes after unmount", { NULL } },
		{ "Internal error:", { NULL } },
		{ "Unhandled fault:", { NULL } },
		{ "Alignment trap:", { NULL } },
		{ "trusty: panic", { NULL } },
		{ "fatal error:", { "ALSA", NULL } },
		{ "SYZFAIL:", { NULL } },
		{ "SYZFATAL:", { NULL } },
		{ "panic:", { "_panic:", "xlog_status:", "ddb.onpanic:",
		    "evtlog_status:", NULL } },
	};

	for (size_t i = 0; i < sizeof(oopses) / sizeof(oopses[0]); i++) {
		size_t k;

		if (!rl_has(l, oopses[i].header))
			continue;
		for (k = 0; oopses[i].suppress[k] != NULL; k++) {
			if (rl_has(l, oopses[i].suppress[k]))
				break;
		}
		if (oopses[i].suppress[k] != NULL)
			continue;
		/* a user-space segfault, not a kernel oops */
		if (i == 4 && rl_has(l, " error:") && rl_has(l, " in "))
			continue;
		return 1;
	}
	return 0;
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
static size_t
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
static size_t
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
static void
collect_frames(const struct rlog *lg, size_t from, size_t to,
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

static const char *
guilty(const struct frames *f, size_t start)
{
	for (size_t i = start; i < f->n; i++) {
		if (!frame_is_generic(f->fn[i]))
			return f->fn[i];
	}
	return NULL;
}

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
	const char *g = guilty(f, start);

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
 * Apply recipe rc to the report starting at line at: r gets the frames
 * and the guilty frame (NULL if none was found).  Returns 1 unless the
 * report is corrupted; res (if not NULL) gets the extraction.
 */
static int
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

/* "BUG: still has locks held!" ... "#0: (lock), at: [<pc>] f+0x.." */
static const struct stack_part
s_locks_held[] = {
	{ SP_LINE, "still has locks held!" },
	{ SP_CAP, RE_PC " +" RE_FUNC }, { SP_END, NULL }
}, s_locks_held_at[] = {
	{ SP_LINE, "still has locks held!" },
	{ SP_CAP, "at: " RE_FUNC }, { SP_END, NULL }
}, s_lock_freed[] = {
	{ SP_LINE, "held lock freed!" },
	{ SP_CAP, RE_PC " +" RE_FUNC }, { SP_END, NULL }
}, s_lock_freed_at[] = {
	{ SP_LINE, "held lock freed!" },
	{ SP_CAP, "at:( " RE_PC ")? +" RE_FUNC }, { SP_END, NULL }
}, s_user_locks[] = {
	{ SP_LINE, "lock held when returning to user space" },
	{ SP_LINE, "leaving the kernel with locks still held" },
	{ SP_CAP, "at: (" RE_PC " +)?" RE_FUNC }, { SP_END, NULL }
}, s_wq_leak[] = {
	{ SP_LINE, "workqueue leaked lock or atomic" },
	{ SP_CAP, "last function: ([a-zA-Z0-9_]+)$" }, { SP_END, NULL }
};

static const struct special {
	const char	*needle;
	const char	*title;
	enum smode	 mode;
	const char	*type;
	const struct stack_recipe *rc;	/* S_FRAME; NULL: the Call Trace */
	const struct stack_part *seq;	/* S_SEQ */
} specials[] = {
	{ "BUG: spinlock lockup suspected", NULL, S_FRAME, "HANG",
	    &rc_spinlock, NULL },
	{ "BUG: spinlock recursion", NULL, S_FRAME, "BUG", &rc_spinlock, NULL },
	{ "BUG: spinlock bad magic", NULL, S_FRAME, "BUG", &rc_spinlock, NULL },
	{ "BUG: spinlock already unlocked", NULL, S_FRAME, "BUG",
	    &rc_spinlock, NULL },
	{ "BUG: spinlock wrong owner", NULL, S_FRAME, "BUG", &rc_spinlock,
	    NULL },
	{ "BUG: spinlock wrong CPU", NULL, S_FRAME, "BUG", &rc_spinlock, NULL },
	{ "BUG: spinlock cpu recursion", NULL, S_FRAME, "BUG", &rc_spinlock,
	    NULL },
	{ "BUG: spinlock trylock failure on UP", NULL, S_FRAME, "BUG",
	    &rc_spinlock, NULL },
	{ "BUG: rwlock bad magic", NULL, S_FRAME, "BUG", &rc_spinlock, NULL },
	{ "BUG: rwlock recursion", NULL, S_FRAME, "BUG", &rc_spinlock, NULL },
	{ "BUG: rwlock wrong owner", NULL, S_FRAME, "BUG", &rc_spinlock, NULL },
	{ "BUG: rwlock lockup suspected", NULL, S_FRAME, "HANG", &rc_spinlock,
	    NULL },
	{ "BUG: rwlock already unlocked", NULL, S_FRAME, "BUG", &rc_spinlock,
	    NULL },
	{ "BUG: rwlock wrong CPU", NULL, S_FRAME, "BUG", &rc_spinlock, NULL },
	{ "BUG: rwlock cpu recursion", NULL, S_FRAME, "BUG", &rc_spinlock,
	    NULL },
	{ "BUG: Bad rss-counter state", NULL, S_NONE, "BUG", NULL, NULL },
	{ "BUG: non-zero nr_ptes on freeing mm", NULL, S_NONE, "BUG", NULL,
	    NULL },
	{ "BUG: non-zero nr_pmds on freeing mm", NULL, S_NONE, "BUG", NULL,
	    NULL },
	{ "BUG: Bad page state", NULL, S_FRAME, "BUG", &rc_page, NULL },
	{ "BUG: Bad page map", NULL, S_NONE, "BUG", NULL, NULL },
	{ "BUG: Bad page cache", NULL, S_FRAME, "BUG", &rc_page, NULL },
	{ "BUG: workqueue lockup", NULL, S_NONE, "HANG", NULL, NULL },
	{ "BUG: workqueue leaked lock or atomic", NULL, S_SEQ, "BUG", NULL,
	    s_wq_leak },
	{ "BUG: sleeping function called from invalid context", NULL,
	    S_FRAME, "BUG", &rc_ct, NULL },
	{ "BUG: scheduling while atomic", NULL, S_FRAME, "BUG",
	    &rc_sched_atomic, NULL },
	{ "WARNING: still has locks held", NULL, S_SEQ, "LOCKDEP", NULL,
	    s_locks_held_at },
	{ "still has locks held", "BUG: still has locks held", S_SEQ,
	    "LOCKDEP", NULL, s_locks_held },
	{ "BUG: lock held when returning to user space", NULL, S_SEQ,
	    "LOCKDEP", NULL, s_user_locks },
	{ "WARNING: lock held when returning to user space", NULL, S_SEQ,
	    "LOCKDEP", NULL, s_user_locks },
	{ "BUG: bad unlock balance", NULL, S_FRAME, "LOCKDEP", &rc_unlock,
	    NULL },
	{ "WARNING: bad unlock balance", NULL, S_FRAME, "LOCKDEP", &rc_unlock,
	    NULL },
	{ "BUG: Invalid wait context", "WARNING: locking bug", S_FRAME,
	    "LOCKDEP", &rc_lock_sock, NULL },
	{ "BUG: held lock freed", NULL, S_SEQ, "LOCKDEP", NULL, s_lock_freed },
	{ "WARNING: held lock freed", NULL, S_SEQ, "LOCKDEP", NULL,
	    s_lock_freed_at },
	{ "WARNING: Nested lock was not taken", "WARNING: nested lock was "
	    "not taken", S_FRAME, "LOCKDEP", &rc_warn, NULL },
	{ "BUG: Object already free", NULL, S_NONE, "BUG", NULL, NULL },
	{ "stack guard page was hit", "BUG: stack guard page was hit",
	    S_FRAME, "BUG", &rc_stall, NULL },
	{ "BUG: looking up invalid subclass", NULL, S_FRAME, "LOCKDEP", NULL,
	    NULL },
	{ "BUG: MAX_LOCKDEP_KEYS too low!", NULL, S_NONE, "LOCKDEP", NULL,
	    NULL },
	{ "BUG: MAX_LOCKDEP_ENTRIES too low!", NULL, S_NONE, "LOCKDEP", NULL,
	    NULL },
	{ "BUG: MAX_LOCKDEP_CHAINS too low!", NULL, S_NONE, "LOCKDEP", NULL,
	    NULL },
	{ "BUG: MAX_LOCK_DEPTH too low!", NULL, S_NONE, "LOCKDEP", NULL,
	    NULL },
	{ "BUG: MAX_STACK_TRACE_ENTRIES too low!", NULL, S_NONE, "LOCKDEP",
	    NULL, NULL },
	{ "can't die for more than", "INFO: task can't die", S_FRAME, "HANG",
	    &rc_cant_die, NULL },
	{ "BUG: corrupted list in", NULL, S_FRAME, "BUG", NULL, NULL },
	{ "WARNING: kernel stack regs", "WARNING: kernel stack regs has "
	    "bad value", S_NONE, "WARNING", NULL, NULL },
	{ "WARNING: kernel stack frame pointer", "WARNING: kernel stack "
	    "regs has bad value", S_NONE, "WARNING", NULL, NULL },
	{ "INFO: trying to register non-static key", NULL, S_FRAME,
	    "LOCKDEP", &rc_nonstatic, NULL },
	{ "BUG: Dentry ", "BUG: Dentry still in use in unmount", S_NONE,
	    "BUG", NULL, NULL },
	{ "VFS: Close: file count is zero", "VFS: Close: file count is zero "
	    "(use-after-free)", S_NONE, "MEMORY_SAFETY_BUG", NULL, NULL },
	{ "VFS: Close: file count is 0", "VFS: Close: file count is zero "
	    "(use-after-free)", S_NONE, "MEMORY_SAFETY_BUG", NULL, NULL },
	{ "VFS: Busy inodes after unmount", "VFS: Busy inodes after unmount "
	    "(use-after-free)", S_NONE, "MEMORY_SAFETY_BUG", NULL, NULL },
	{ "INFO: Freed in ", NULL, S_LINE, "BUG", NULL, NULL },
	{ "INFO: Allocated in ", NULL, S_LINE, "BUG", NULL, NULL },
	{ NULL, NULL, 0, NULL, NULL, NULL }
};

/*
 * Walk seq over the report at line at: each step on a later line than
 * the one before.  fn gets the function the last SP_CAP names.  Returns
 * 1 if every step matched.
 */
static int
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
			collect_frames(lg, at, end, &f, 0);
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
			if (what == text && seq == s_locks_held)
				seq = s_locks_held_at;
			else if (what == text && seq == s_lock_freed)
				seq = s_lock_freed_at;
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

/* The first row of headers[] of kind k. */
static const struct rheader *
header_of(enum hkind k)
{
	size_t i;

	for (i = 0; headers[i].needle != NULL && headers[i].kind != k; i++)
		;
	assert(headers[i].needle != NULL);
	return &headers[i];
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
			title_row(lg, at, header_of(H_HUNG_TASK), r);
			return 1;
		}
		if (title_generic(lg, at, end, r, h->type))
			return 1;
		rl_copy(l, text, sizeof(text));
		collect_frames(lg, at, end, &f, 0);
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
	collect_frames(lg, 0, at, &above, 0);
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
