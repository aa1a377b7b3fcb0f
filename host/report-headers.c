/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What crash reports look like, as data: the header lines that start
 * one (headers[]) with, for each kind named by a recipe and a text, how
 * its title is formed; the one-line headers known by their text
 * (specials[]); the stack recipes these name; and recognising a header
 * line.  The code that forms the other titles is report-title.c.
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

/* Recipes shared by many kinds of report (see report-stack.c). */
static const struct stack_part p_rip_ct[] = {
	{ SP_RIP, NULL }, { SP_LINE, CALL_TRACE }, { SP_TRACE, NULL },
	{ SP_END, NULL }
};
const struct stack_part p_ct[] = {
	{ SP_LINE, CALL_TRACE }, { SP_TRACE, NULL }, { SP_END, NULL }
};
static const struct stack_part p_rip[] = {
	{ SP_RIP, NULL }, { SP_END, NULL }
};
const struct stack_part p_warn[] = {
	{ SP_RIP, NULL }, { SP_TRACE, NULL }, { SP_END, NULL }
};
static const struct stack_part p_leak[] = {
	{ SP_LINE, "backtrace( \\(crc [0-9a-f]*\\))?:" }, { SP_TRACE, NULL },
	{ SP_END, NULL }
};
static const struct stack_part p_pc_ct[] = {
	{ SP_CAP, RE_PC " +" RE_FUNC }, { SP_LINE, CALL_TRACE },
	{ SP_TRACE, NULL }, { SP_END, NULL }
};
static const struct stack_part p_page[] = {
	{ SP_LINE, "page last allocated" }, { SP_TRACE, NULL }, { SP_END, NULL }
};
static const struct stack_part p_rcu_stall[] = {
	{ SP_LINE, "apic_timer_interrupt" }, { SP_RIP, NULL },
	{ SP_TRACE, NULL }, { SP_END, NULL }
};
static const struct stack_part p_rcu_stall2[] = {
	{ SP_LINE, "apic_timer_interrupt|Exception stack|el1h_64_irq" },
	{ SP_TRACE, NULL }, { SP_END, NULL }
};

const struct stack_recipe rc_ct = { p_ct, NULL, NULL, SX_FIRST };
static const struct stack_recipe
	rc_rip_ct = { p_rip_ct, NULL, NULL, SX_FIRST },
	rc_kernel_bug = { p_rip_ct, NULL, "^skb_", SX_FIRST },
	rc_usercopy = { p_ct, NULL, "usercopy|__check", SX_FIRST },
	rc_rip = { p_rip, NULL, NULL, SX_FIRST },
	rc_leak = { p_leak, NULL, "kmemleak|mmap|kmem|slab|alloc|create_object|"
	    "idr_get|list_lru_init|kasprintf|kvasprintf|pcpu_create|strdup|"
	    "strndup|memdup", SX_FIRST },
	rc_hung = { p_ct, NULL, NULL, SX_HUNG },
	/*
	 * Stalls name the code that looped: the frame above the first
	 * anchor (syscall entry, work item, timer, softirq, VFS or socket
	 * entry) in the stack the stall interrupted.
	 */
	rc_stall = { p_rip_ct, NULL, NULL, SX_STALL },
	rc_rcu_stall = { p_rcu_stall, p_rcu_stall2, "apic_timer_interrupt|rcu",
	    SX_STALL },
	rc_spinlock = { p_ct, NULL, "spin_|_lock|_unlock", SX_FIRST },
	rc_sched_atomic = { p_ct, NULL, "schedule", SX_FIRST },
	rc_page = { p_page, NULL, "(free|put|get|update|release)_page|"
	    "free_unref|^_*folio|truncate_inode_pages|page_frag_free|alloc|"
	    "vmap|page_owner", SX_FIRST },
	rc_lock_sock = { p_ct, NULL, "lock_sock|release_sock", SX_FIRST },
	rc_unlock = { p_pc_ct, NULL, NULL, SX_FIRST },
	rc_nonstatic = { p_ct, NULL, "stack|lock|IRQ", SX_FIRST },
	rc_cant_die = { p_ct, NULL, "schedule", SX_FIRST };

/* WARNINGs: the crash site, else the Call Trace. */
const struct stack_recipe rc_warn = { p_warn, p_ct, NULL, SX_FIRST };

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

/*
 * One-line headers known by their text, and how their titles are
 * formed; the first whose needle is in the line wins.
 */
const struct special specials[] = {
	{ "BUG: spinlock lockup suspected", NULL, S_FRAME, "HANG",
	    &rc_spinlock, NULL, NULL },
	{ "BUG: spinlock recursion", NULL, S_FRAME, "BUG", &rc_spinlock, NULL,
	    NULL },
	{ "BUG: spinlock bad magic", NULL, S_FRAME, "BUG", &rc_spinlock, NULL,
	    NULL },
	{ "BUG: spinlock already unlocked", NULL, S_FRAME, "BUG",
	    &rc_spinlock, NULL, NULL },
	{ "BUG: spinlock wrong owner", NULL, S_FRAME, "BUG", &rc_spinlock,
	    NULL, NULL },
	{ "BUG: spinlock wrong CPU", NULL, S_FRAME, "BUG", &rc_spinlock, NULL,
	    NULL },
	{ "BUG: spinlock cpu recursion", NULL, S_FRAME, "BUG", &rc_spinlock,
	    NULL, NULL },
	{ "BUG: spinlock trylock failure on UP", NULL, S_FRAME, "BUG",
	    &rc_spinlock, NULL, NULL },
	{ "BUG: rwlock bad magic", NULL, S_FRAME, "BUG", &rc_spinlock, NULL,
	    NULL },
	{ "BUG: rwlock recursion", NULL, S_FRAME, "BUG", &rc_spinlock, NULL,
	    NULL },
	{ "BUG: rwlock wrong owner", NULL, S_FRAME, "BUG", &rc_spinlock, NULL,
	    NULL },
	{ "BUG: rwlock lockup suspected", NULL, S_FRAME, "HANG", &rc_spinlock,
	    NULL, NULL },
	{ "BUG: rwlock already unlocked", NULL, S_FRAME, "BUG", &rc_spinlock,
	    NULL, NULL },
	{ "BUG: rwlock wrong CPU", NULL, S_FRAME, "BUG", &rc_spinlock, NULL,
	    NULL },
	{ "BUG: rwlock cpu recursion", NULL, S_FRAME, "BUG", &rc_spinlock,
	    NULL, NULL },
	{ "BUG: Bad rss-counter state", NULL, S_NONE, "BUG", NULL, NULL, NULL },
	{ "BUG: non-zero nr_ptes on freeing mm", NULL, S_NONE, "BUG", NULL,
	    NULL, NULL },
	{ "BUG: non-zero nr_pmds on freeing mm", NULL, S_NONE, "BUG", NULL,
	    NULL, NULL },
	{ "BUG: Bad page state", NULL, S_FRAME, "BUG", &rc_page, NULL, NULL },
	{ "BUG: Bad page map", NULL, S_NONE, "BUG", NULL, NULL, NULL },
	{ "BUG: Bad page cache", NULL, S_FRAME, "BUG", &rc_page, NULL, NULL },
	{ "BUG: workqueue lockup", NULL, S_NONE, "HANG", NULL, NULL, NULL },
	{ "BUG: workqueue leaked lock or atomic", NULL, S_SEQ, "BUG", NULL,
	    s_wq_leak, NULL },
	{ "BUG: sleeping function called from invalid context", NULL,
	    S_FRAME, "BUG", &rc_ct, NULL, NULL },
	{ "BUG: scheduling while atomic", NULL, S_FRAME, "BUG",
	    &rc_sched_atomic, NULL, NULL },
	{ "WARNING: still has locks held", NULL, S_SEQ, "LOCKDEP", NULL,
	    s_locks_held_at, NULL },
	{ "still has locks held", "BUG: still has locks held", S_SEQ,
	    "LOCKDEP", NULL, s_locks_held,
	    s_locks_held_at },
	{ "BUG: lock held when returning to user space", NULL, S_SEQ,
	    "LOCKDEP", NULL, s_user_locks, NULL },
	{ "WARNING: lock held when returning to user space", NULL, S_SEQ,
	    "LOCKDEP", NULL, s_user_locks, NULL },
	{ "BUG: bad unlock balance", NULL, S_FRAME, "LOCKDEP", &rc_unlock,
	    NULL, NULL },
	{ "WARNING: bad unlock balance", NULL, S_FRAME, "LOCKDEP", &rc_unlock,
	    NULL, NULL },
	{ "BUG: Invalid wait context", "WARNING: locking bug", S_FRAME,
	    "LOCKDEP", &rc_lock_sock, NULL, NULL },
	{ "BUG: held lock freed", NULL, S_SEQ, "LOCKDEP", NULL, s_lock_freed,
	    NULL },
	{ "WARNING: held lock freed", NULL, S_SEQ, "LOCKDEP", NULL,
	    s_lock_freed_at, NULL },
	{ "WARNING: Nested lock was not taken", "WARNING: nested lock was "
	    "not taken", S_FRAME, "LOCKDEP", &rc_warn, NULL, NULL },
	{ "BUG: Object already free", NULL, S_NONE, "BUG", NULL, NULL, NULL },
	{ "stack guard page was hit", "BUG: stack guard page was hit",
	    S_FRAME, "BUG", &rc_stall, NULL, NULL },
	{ "BUG: looking up invalid subclass", NULL, S_FRAME, "LOCKDEP", NULL,
	    NULL, NULL },
	{ "BUG: MAX_LOCKDEP_KEYS too low!", NULL, S_NONE, "LOCKDEP", NULL,
	    NULL, NULL },
	{ "BUG: MAX_LOCKDEP_ENTRIES too low!", NULL, S_NONE, "LOCKDEP", NULL,
	    NULL, NULL },
	{ "BUG: MAX_LOCKDEP_CHAINS too low!", NULL, S_NONE, "LOCKDEP", NULL,
	    NULL, NULL },
	{ "BUG: MAX_LOCK_DEPTH too low!", NULL, S_NONE, "LOCKDEP", NULL,
	    NULL, NULL },
	{ "BUG: MAX_STACK_TRACE_ENTRIES too low!", NULL, S_NONE, "LOCKDEP",
	    NULL, NULL, NULL },
	{ "can't die for more than", "INFO: task can't die", S_FRAME, "HANG",
	    &rc_cant_die, NULL, NULL },
	{ "BUG: corrupted list in", NULL, S_FRAME, "BUG", NULL, NULL, NULL },
	{ "WARNING: kernel stack regs", "WARNING: kernel stack regs has "
	    "bad value", S_NONE, "WARNING", NULL, NULL, NULL },
	{ "WARNING: kernel stack frame pointer", "WARNING: kernel stack "
	    "regs has bad value", S_NONE, "WARNING", NULL, NULL, NULL },
	{ "INFO: trying to register non-static key", NULL, S_FRAME,
	    "LOCKDEP", &rc_nonstatic, NULL, NULL },
	{ "BUG: Dentry ", "BUG: Dentry still in use in unmount", S_NONE,
	    "BUG", NULL, NULL, NULL },
	{ "VFS: Close: file count is zero", "VFS: Close: file count is zero "
	    "(use-after-free)", S_NONE, "MEMORY_SAFETY_BUG", NULL, NULL, NULL },
	{ "VFS: Close: file count is 0", "VFS: Close: file count is zero "
	    "(use-after-free)", S_NONE, "MEMORY_SAFETY_BUG", NULL, NULL, NULL },
	{ "VFS: Busy inodes after unmount", "VFS: Busy inodes after unmount "
	    "(use-after-free)", S_NONE, "MEMORY_SAFETY_BUG", NULL, NULL, NULL },
	{ "INFO: Freed in ", NULL, S_LINE, "BUG", NULL, NULL, NULL },
	{ "INFO: Allocated in ", NULL, S_LINE, "BUG", NULL, NULL, NULL },
	{ NULL, NULL, 0, NULL, NULL, NULL, NULL }
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

/*
 * A line that starts a kernel (or syzkaller) crash report, as syzkaller's
 * oops list has it: a header anywhere in the line, minus the lines each
 * header's suppressions exempt.  Used to find where a report ends.
 */
int
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

/* The first row of headers[] of kind k. */
const struct rheader *
report_header_of(enum hkind k)
{
	size_t i;

	for (i = 0; headers[i].needle != NULL && headers[i].kind != k; i++)
		;
	assert(headers[i].needle != NULL);
	return &headers[i];
}
