/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack frames: recognising a frame in a report line, and the one list of
 * generic frames (reporting, locking, allocation and copy helpers) that
 * are skipped when choosing the guilty one.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

int frame_parse_raw(const struct rline *l, char *fn, size_t cap);

static int
is_sym(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '$';
}

/*
 * Copy the symbol that ends right before s[end] ("func" of "func+0x1f")
 * into fn.  Returns 1 if there was one.
 */
static int
sym_before(const char *s, size_t end, char *fn, size_t cap)
{
	size_t b = end;

	while (b > 0 && is_sym((unsigned char)s[b - 1]))
		b--;
	if (b == end || end - b >= cap)
		return 0;
	memcpy(fn, s + b, end - b);
	fn[end - b] = '\0';
	return isdigit((unsigned char)fn[0]) ? 0 : 1;
}

/*
 * Drop the compiler's clone suffixes: "f.isra.6", "f.constprop.0",
 * "f.part.11", "f.cold.3", "f.cold" all name f.
 */
void
frame_strip_suffix(char *fn)
{
	static const char *const sfx[] = {
		".isra.", ".constprop.", ".part.", ".cold.", ".llvm.",
		".lto_priv.", NULL
	};
	char *dot;

	for (size_t i = 0; sfx[i] != NULL; i++) {
		dot = strstr(fn, sfx[i]);
		if (dot != NULL)
			*dot = '\0';
	}
	dot = strstr(fn, ".cold");
	if (dot != NULL && dot[5] == '\0')
		*dot = '\0';
}

int
frame_parse(const struct rline *l, char *fn, size_t cap)
{
	int rc = frame_parse_raw(l, fn, cap);

	if (rc)
		frame_strip_suffix(fn);
	return rc;
}

/*
 * A frame as scripts/decode_stacktrace.sh prints it: "func (file.c:123)",
 * and for inlined calls several on one line, innermost first:
 * "list_del (include/linux/list.h:218) foo_remove (drivers/foo.c:12)".
 * Copies the first function of the line that is not a generic one (the
 * one syzkaller would pick among those frames), else the first, into
 * fn.  Returns 1 if the line is such a frame, 0 if not or if the
 * unwinder was guessing (" ? func (...)").
 */
static int
frame_decoded(const char *s, size_t n, char *fn, size_t cap)
{
	char first[128] = "";
	size_t i = 0;

	while (i + 4 < n) {
		const char *op = memmem(s + i, n - i, " (", 2);
		size_t o, e, c;
		char sym[128];

		if (op == NULL)
			break;
		o = (size_t)(op - s);
		i = o + 2;
		/* "(path:digits)" or "(path:digits:digits)" */
		for (e = i, c = 0; e < n && s[e] != ')' && s[e] != ' '; e++)
			if (s[e] == ':')
				c = e;
		if (e >= n || s[e] != ')' || c == 0 || c + 1 == e ||
		    !isdigit((unsigned char)s[c + 1]) ||
		    memchr(s + i, '.', c - i) == NULL)
			continue;
		if (!sym_before(s, o, sym, sizeof(sym)))
			continue;
		size_t b = o - strlen(sym);

		if (first[0] == '\0' && b >= 2 && s[b - 1] == ' ' &&
		    s[b - 2] == '?')
			return 0;
		frame_strip_suffix(sym);
		if (first[0] == '\0')
			snprintf(first, sizeof(first), "%s", sym);
		if (!frame_is_generic(sym)) {
			snprintf(fn, cap, "%s", sym);
			return 1;
		}
		i = e + 1;
	}
	if (first[0] == '\0')
		return 0;
	snprintf(fn, cap, "%s", first);
	return 1;
}

/*
 * Find a frame in l and copy its function name into fn.  Understands
 *   " func+0x1f/0x80 [mod]", " [<ffffffff81234567>] func+0x1f/0x80",
 *   "[] func+0x1f/0x80" (addresses hidden), "func (file.c:12)" (see
 *   frame_decoded), "RIP: 0010:func+0x1f/0x80",
 *   "IP: [<...>] func+0x2d/0x110",
 *   " #3 [ffff88003a0b7d50] func at ffffffff8105dc7e" (crash's bt),
 *   "[exception RIP: func+45]", "pc : func+0x1c/0x40".
 * Frames the unwinder is unsure of (" ? func+0x..") return 0, as
 * syzkaller ignores them.  Returns 1 when a frame was found.
 */
int
frame_parse_raw(const struct rline *l, char *fn, size_t cap)
{
	const char *s = l->text, *p;
	size_t n = l->len, i;

	if (n == 0)
		return 0;
	/* crash utility: "[exception RIP: func+45]" */
	p = memmem(s, n, "[exception RIP: ", 16);
	if (p != NULL) {
		i = (size_t)(p - s) + 16;
		size_t b = i;

		while (i < n && is_sym((unsigned char)s[i]))
			i++;
		if (i > b && i - b < cap) {
			memcpy(fn, s + b, i - b);
			fn[i - b] = '\0';
			return 1;
		}
		return 0;
	}
	/* crash utility: " #3 [ffff...] func at ffff..." */
	i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == '#' && i + 1 < n &&
	    isdigit((unsigned char)s[i + 1])) {
		p = memchr(s + i, ']', n - i);
		if (p != NULL) {
			size_t b = (size_t)(p - s) + 1, e;

			while (b < n && s[b] == ' ')
				b++;
			for (e = b; e < n && is_sym((unsigned char)s[e]); e++)
				;
			if (e > b && e - b < cap && e + 4 <= n &&
			    memcmp(s + e, " at ", 4) == 0) {
				memcpy(fn, s + b, e - b);
				fn[e - b] = '\0';
				return 1;
			}
		}
		return 0;
	}
	/* kasan_symbolize.py: " [<     inline     >] func file.c:12" */
	p = memmem(s, n, "inline", 6);
	if (p != NULL && p > s && (p[-1] == ' ' || p[-1] == '<')) {
		size_t b = (size_t)(p - s) + 6, e;

		while (b < n && s[b] == ' ')
			b++;
		if (b + 2 < n && s[b] == '>' && s[b + 1] == ']') {
			for (b += 2; b < n && s[b] == ' '; b++)
				;
			for (e = b; e < n && is_sym((unsigned char)s[e]); e++)
				;
			if (e > b && e - b < cap && !isdigit((unsigned char)s[b])) {
				memcpy(fn, s + b, e - b);
				fn[e - b] = '\0';
				return 1;
			}
		}
	}
	/* the first "sym+0x" in the line */
	for (i = 1; i + 3 < n; i++) {
		if (s[i] != '+' || s[i + 1] != '0' || s[i + 2] != 'x')
			continue;
		if (!sym_before(s, i, fn, cap))
			continue;
		/* " ? func+0x": the unwinder is guessing */
		size_t b = i - strlen(fn);

		if (b >= 2 && s[b - 1] == ' ' && s[b - 2] == '?')
			return 0;
		return 1;
	}
	return frame_decoded(s, n, fn, cap);
}

/*
 * The frames to skip when choosing the guilty one: frames that say where
 * a report was printed, not where the bug is.  One list, for both ways
 * a guilty frame is chosen: stack recipes (report-stack.c, SK_RECIPE)
 * and frame_is_generic() (frames found by scanning a report, and the
 * frame of a decoded line with inlined callers, SK_GENERIC).  Each
 * pattern is a POSIX ERE matched anywhere in the function name unless
 * anchored.
 *
 * The two ways kept lists of their own until issue 15 (regexes and
 * globs), and their frames differ; each entry says which way skips it,
 * so that neither way's choice changed when they became one list.
 * NEEDSWORK: the SK_RECIPE-only and SK_GENERIC-only entries are to
 * become SK_ALL as the corpus shows they may (tests/t4001).
 */
static const struct frame_skip {
	const char	*re;
	unsigned	 scope;		/* SK_* */
} frame_skip[] = {
	/* --- skipped by both choices --- */
	/* stack dumping and reporting */
	{ "^dump_stack", SK_ALL }, { "^show_stack$", SK_ALL },
	{ "^__dump_stack$", SK_ALL }, { "^dump_stack_lvl$", SK_ALL },
	{ "^print_report$", SK_ALL }, { "^kasan_", SK_ALL },
	{ "^__kasan_", SK_ALL }, { "^check_memory_region", SK_ALL },
	{ "^kmsan_", SK_ALL }, { "^__msan_", SK_ALL },
	{ "^__asan_", SK_ALL }, { "^report_bug$", SK_ALL },
	{ "^__report_bug$", SK_ALL }, { "^fixup_bug$", SK_ALL },
	{ "^do_error_trap$", SK_ALL }, { "^do_trap", SK_ALL },
	{ "^exc_invalid_op$", SK_ALL }, { "^asm_exc_invalid_op$", SK_ALL },
	{ "^invalid_op$", SK_ALL }, { "^do_invalid_op$", SK_ALL },
	{ "^panic$", SK_ALL }, { "^nmi_panic$", SK_ALL },
	{ "^__warn$", SK_ALL }, { "^warn_slowpath", SK_ALL },
	{ "^__warn_printk$", SK_ALL }, { "^warn_bogus_irq_restore$", SK_ALL },
	{ "^__might_sleep$", SK_ALL }, { "^__might_fault$", SK_ALL },
	{ "^___might_sleep$", SK_ALL }, { "^__might_resched$", SK_ALL },
	{ "^might_fault$", SK_ALL }, { "^lockdep_", SK_ALL },
	{ "^__lock_acquire$", SK_ALL }, { "^lock_acquire$", SK_ALL },
	{ "^lock_release$", SK_ALL }, { "^mark_lock", SK_ALL },
	{ "^debug_object", SK_ALL }, { "^rcu_lockdep_", SK_ALL },
	{ "^lockdep_rcu_suspicious$", SK_ALL },
	/* locking and atomics */
	{ "^mutex_", SK_ALL }, { "^__mutex_", SK_ALL }, { "^down$", SK_ALL },
	{ "^rt_mutex_", SK_ALL }, { "^refcount_", SK_ALL },
	{ "^kref_", SK_ALL },
	/* allocation */
	{ "^kmem_cache_", SK_ALL }, { "^slab_", SK_ALL },
	{ "^__slab_", SK_ALL }, { "^___slab_", SK_ALL },
	{ "^kvfree$", SK_ALL }, { "^krealloc", SK_ALL },
	{ "^alloc_pages", SK_ALL }, { "^__alloc_pages", SK_ALL },
	{ "^arch_stack_walk$", SK_ALL },
	/* string and copy helpers */
	{ "^__get_user", SK_ALL }, { "^__put_user", SK_ALL },
	{ "^get_user", SK_ALL }, { "^put_user", SK_ALL },
	{ "^fortify_panic$", SK_ALL }, { "^__check_object_size$", SK_ALL },
	{ "^check_object_size$", SK_ALL },
	/* list helpers */
	{ "^__list_add", SK_ALL }, { "^list_add", SK_ALL },
	{ "^__list_del", SK_ALL }, { "^list_del", SK_ALL },
	/* printk and friends */
	{ "^printk$", SK_ALL }, { "^vprintk", SK_ALL },
	{ "^_printk$", SK_ALL }, { "^dev_.*printk", SK_ALL },
	{ "^dev_err", SK_ALL }, { "^dev_warn", SK_ALL },
	{ "^netdev_.*printk", SK_ALL }, { "^__dev_printk$", SK_ALL },
	/* RCU queueing, object and sysfs registration plumbing */
	{ "^kobject_", SK_ALL }, { "^__kobject_", SK_ALL },
	{ "^skb_over_panic$", SK_ALL }, { "^skb_under_panic$", SK_ALL },
	/* driver core teardown, timers, waits and printf plumbing */
	{ "^device_del$", SK_ALL }, { "^device_add$", SK_ALL },
	{ "^get_device_parent$", SK_ALL }, { "^add_uevent_var$", SK_ALL },
	{ "^kobject_uevent", SK_ALL }, { "^device_release_driver", SK_ALL },
	{ "^__device_release_", SK_ALL }, { "^rollback_registered", SK_ALL },
	{ "^del_timer", SK_ALL }, { "^kthread_stop$", SK_ALL },
	{ "^wait_for_completion", SK_ALL }, { "^flush_work$", SK_ALL },
	{ "^__flush_work$", SK_ALL }, { "^read_word_at_a_time$", SK_ALL },
	{ "^vsnprintf$", SK_ALL }, { "^hex_string$", SK_ALL },
	{ "^string$", SK_ALL }, { "^string_nocheck$", SK_ALL },
	{ "^pointer$", SK_ALL }, { "^snprintf$", SK_ALL },
	{ "^vscnprintf$", SK_ALL }, { "^scnprintf$", SK_ALL },
	{ "^skb_panic$", SK_ALL }, { "^reacquire_held_locks$", SK_ALL },
	{ "^__panic$", SK_ALL }, { "^dump_backtrace$", SK_ALL },
	{ "^program_check_exception$", SK_ALL },
	/* coverage and sanitizer callbacks compiled into every function */
	{ "^__sanitizer_", SK_ALL },
	/* tree and list plumbing, scheduler entry */
	{ "^rb_", SK_ALL }, { "^__rb_", SK_ALL }, { "^klist_", SK_ALL },
	{ "^try_to_grab_pending$", SK_ALL },
	{ "^device_unregister$", SK_ALL },
	/* more teardown, formatting, bit helpers and fault plumbing */
	{ "^device_destroy$", SK_ALL }, { "^device_release$", SK_ALL },
	{ "^unregister_netdevice", SK_ALL },
	{ "^__cancel_work_timer$", SK_ALL }, { "^cancel_work_sync$", SK_ALL },
	{ "^_dev_info$", SK_ALL }, { "^dev_printk_emit$", SK_ALL },
	{ "^va_format$", SK_ALL }, { "^print_hex_dump", SK_ALL },
	{ "^crc16$", SK_ALL }, { "^test_and_clear_bit$", SK_ALL },
	{ "^test_and_set_bit$", SK_ALL }, { "^set_bit$", SK_ALL },
	{ "^clear_bit$", SK_ALL }, { "^__do_kernel_fault$", SK_ALL },
	{ "^do_translation_fault$", SK_ALL }, { "^do_mem_abort$", SK_ALL },
	{ "^ref_tracker_", SK_ALL }, { "^__seqprop_assert$", SK_ALL },
	{ "^walk_stackframe$", SK_ALL },
	{ "^alloc_page_interleave$", SK_ALL }, { "^alloc_pages_", SK_ALL },
	{ "^__queue_work$", SK_ALL }, { "^queue_work", SK_ALL },
	{ "^iput$", SK_ALL },
	/* kmemleak and allocator internals, lockdep class lookup */
	{ "^kstrdup", SK_ALL }, { "^kmemdup", SK_ALL },
	{ "^hlock_class$", SK_ALL },
	/* sanitizer report plumbing, copy iterators and crypto leaves */
	{ "^_copy_to_iter$", SK_ALL }, { "^copy_to_iter$", SK_ALL },
	{ "^_copy_from_iter$", SK_ALL }, { "^copy_page_to_iter", SK_ALL },
	{ "^usb_submit_urb$", SK_ALL },
	/* more leaves that report rather than cause */
	{ "^__read_once_word_nocheck$", SK_ALL }, { "^__hwasan_", SK_ALL },
	{ "^assertfail$", SK_ALL }, { "^__reiserfs_panic$", SK_ALL },
	{ "^folio_unlock$", SK_ALL }, { "^__phys_addr$", SK_ALL },
	{ "^drop_nlink$", SK_ALL }, { "^mark_buffer_dirty$", SK_ALL },
	{ "^ida_free$", SK_ALL }, { "^i2c_del_adapter$", SK_ALL },
	{ "^__unregister_client$", SK_ALL },
	{ "^unregister_netdev$", SK_ALL }, { "^fast_dput$", SK_ALL },
	{ "^cleanup_srcu_struct$", SK_ALL }, { "^__mod_timer$", SK_ALL },
	{ "^usb_control_msg$", SK_ALL },
	{ "^tty_unregister_device$", SK_ALL },
	{ "^hwrng_unregister$", SK_ALL }, { "^kvasprintf", SK_ALL },
	{ "^device_for_each_child$", SK_ALL }, { "^__raw_readb$", SK_ALL },
	{ "^simple_copy_to_iter$", SK_ALL }, { "^crc_itu_t$", SK_ALL },
	{ "^insert_work$", SK_ALL }, { "^rhashtable_lookup", SK_ALL },
	{ "^__try_to_del_timer_sync$", SK_ALL },
	{ "^try_to_del_timer_sync$", SK_ALL }, { "^unlock_page$", SK_ALL },
	{ "^get_taint$", SK_ALL }, { "^dput$", SK_ALL },
	/* preemption and usercopy checks */
	{ "check_heap_object$", SK_ALL },
	/* retpolines, lockdep and debug-object internals */
	{ "^__x86_indirect_thunk_", SK_ALL },
	{ "^register_lock_class$", SK_ALL }, { "^osq_lock$", SK_ALL },
	{ "_lock_class$", SK_ALL }, { "^perf_trace_lock", SK_ALL },
	{ "^finish_wait$", SK_ALL }, { "^__wake_up", SK_ALL },
	/* --- skipped by stack recipes only --- */
	/* sanitizers and their reporting */
	{ "__sanitizer", SK_RECIPE }, { "__asan", SK_RECIPE },
	{ "kasan", SK_RECIPE }, { "hwasan", SK_RECIPE },
	{ "__msan", SK_RECIPE }, { "kmsan", SK_RECIPE },
	{ "kcsan_setup_watchpoint", SK_RECIPE },
	{ "check_memory_region", SK_RECIPE },
	{ "check_heap_object", SK_RECIPE }, { "check_object", SK_RECIPE },
	{ "read_word_at_a_time", SK_RECIPE },
	{ "(read|write)_once_.*nocheck", SK_RECIPE },
	{ "print_address_description", SK_RECIPE },
	{ "print_report", SK_RECIPE }, { "print_usage_bug", SK_RECIPE },
	/* traps, panics, warnings and stack dumps */
	{ "panic", SK_RECIPE }, { "invalid_op", SK_RECIPE },
	{ "report_bug", SK_RECIPE }, { "fixup_bug", SK_RECIPE },
	{ "do_error", SK_RECIPE }, { "_trap$", SK_RECIPE },
	{ "do_trap", SK_RECIPE }, { "show_stack", SK_RECIPE },
	{ "dump_stack", SK_RECIPE }, { "walk_stack", SK_RECIPE },
	{ "dump_backtrace", SK_RECIPE }, { "warn_slowpath", SK_RECIPE },
	{ "warn_alloc", SK_RECIPE }, { "warn_bogus", SK_RECIPE },
	{ "__warn", SK_RECIPE }, { "print_tainted", SK_RECIPE },
	/* allocators and the page cache's allocating lookups */
	{ "alloc_page", SK_RECIPE }, { "k?v?(m|z|c)alloc", SK_RECIPE },
	{ "krealloc", SK_RECIPE }, { "kmem_cache", SK_RECIPE },
	{ "allocate_slab", SK_RECIPE },
	{ "__alloc_frozen_pages_noprof", SK_RECIPE },
	{ "folio_(alloc|unlock)", SK_RECIPE },
	{ "filemap_alloc_folio", SK_RECIPE },
	{ "__filemap_get_folio", SK_RECIPE },
	{ "find_or_create_page", SK_RECIPE },
	{ "do_read_cache_folio", SK_RECIPE },
	{ "read_cache_page", SK_RECIPE }, { "pagecache_get_page", SK_RECIPE },
	{ "grab_cache_page_write_begin", SK_RECIPE }, { "slab_", SK_RECIPE },
	{ "^kv?free$", SK_RECIPE }, { "kfree_skb", SK_RECIPE },
	/* debug objects, lockdep, locks, atomics and refcounts */
	{ "debug_object", SK_RECIPE },
	{ "timer_is_static_object", SK_RECIPE },
	{ "work_is_static_object", SK_RECIPE },
	{ "__might_fault", SK_RECIPE }, { "might_fault", SK_RECIPE },
	{ "might_sleep", SK_RECIPE }, { "__might_resched", SK_RECIPE },
	{ "print_unlock", SK_RECIPE }, { "imbalance_bug", SK_RECIPE },
	{ "lockdep", SK_RECIPE }, { "bh_enable", SK_RECIPE },
	{ "bh_disable", SK_RECIPE }, { "perf_trace", SK_RECIPE },
	{ "lock_acquire", SK_RECIPE }, { "lock_release", SK_RECIPE },
	{ "lock_class", SK_RECIPE }, { "mark_lock", SK_RECIPE },
	{ "(reacquire|mark)_held_locks", SK_RECIPE },
	{ "raw_spin_rq", SK_RECIPE }, { "spin_lock", SK_RECIPE },
	{ "spin_trylock", SK_RECIPE }, { "spin_unlock", SK_RECIPE },
	{ "read_lock", SK_RECIPE }, { "read_trylock", SK_RECIPE },
	{ "write_lock", SK_RECIPE }, { "write_trylock", SK_RECIPE },
	{ "read_unlock", SK_RECIPE }, { "write_unlock", SK_RECIPE },
	{ "down_read", SK_RECIPE }, { "down_write", SK_RECIPE },
	{ "down_trylock", SK_RECIPE }, { "up_read", SK_RECIPE },
	{ "up_write", SK_RECIPE }, { "owner_on_cpu", SK_RECIPE },
	{ "osq_lock", SK_RECIPE }, { "osq_unlock", SK_RECIPE },
	{ "atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|"
	    "cmpxchg|try)", SK_RECIPE },
	{ "(set|clear|change|test)_bit", SK_RECIPE },
	{ "__wake_up", SK_RECIPE }, { "ref_tracker", SK_RECIPE },
	{ "seqprop_assert", SK_RECIPE },
	/* memory, string, copy and list helpers */
	{ "memcpy", SK_RECIPE }, { "memcmp", SK_RECIPE },
	{ "memset", SK_RECIPE }, { "memchr", SK_RECIPE },
	{ "memmove", SK_RECIPE }, { "memdup", SK_RECIPE },
	{ "strcmp", SK_RECIPE }, { "strncmp", SK_RECIPE },
	{ "strcpy", SK_RECIPE }, { "strlcpy", SK_RECIPE },
	{ "strncpy", SK_RECIPE }, { "strscpy", SK_RECIPE },
	{ "strlen", SK_RECIPE }, { "strstr", SK_RECIPE },
	{ "strnstr", SK_RECIPE }, { "strnlen", SK_RECIPE },
	{ "strchr", SK_RECIPE }, { "strdup", SK_RECIPE },
	{ "strndup", SK_RECIPE }, { "copy_to_user", SK_RECIPE },
	{ "copy_from_user", SK_RECIPE }, { "copy_to_iter", SK_RECIPE },
	{ "copy_from_iter", SK_RECIPE }, { "copy_page_to_iter", SK_RECIPE },
	{ "copy_page_from_iter", SK_RECIPE },
	{ "copy_folio_to_iter", SK_RECIPE }, { "^copyin$", SK_RECIPE },
	{ "^copyout$", SK_RECIPE }, { "put_user", SK_RECIPE },
	{ "get_user", SK_RECIPE }, { "list_add", SK_RECIPE },
	{ "list_del", SK_RECIPE }, { "list_replace", SK_RECIPE },
	{ "list_move", SK_RECIPE }, { "list_splice", SK_RECIPE },
	{ "_indirect_thunk_", SK_RECIPE },
	/* formatting and printing */
	{ "string", SK_RECIPE }, { "pointer", SK_RECIPE },
	{ "snprintf", SK_RECIPE }, { "scnprintf", SK_RECIPE },
	{ "kasprintf", SK_RECIPE }, { "kvasprintf", SK_RECIPE },
	{ "printk", SK_RECIPE }, { "va_format", SK_RECIPE },
	{ "dev_info", SK_RECIPE }, { "dev_notice", SK_RECIPE },
	{ "dev_warn", SK_RECIPE }, { "dev_err", SK_RECIPE },
	{ "dev_alert", SK_RECIPE }, { "dev_crit", SK_RECIPE },
	{ "dev_emerg", SK_RECIPE }, { "hex_dump_to_buffer", SK_RECIPE },
	{ "print_hex_dump", SK_RECIPE },
	{ "program_check_exception", SK_RECIPE },
	{ "program_check_common", SK_RECIPE },
	/* timers, work items and waiting for them */
	{ "del_timer", SK_RECIPE }, { "flush_work", SK_RECIPE },
	{ "__cancel_work_timer", SK_RECIPE },
	{ "cancel_work_sync", SK_RECIPE },
	{ "try_to_grab_pending", SK_RECIPE },
	{ "flush_workqueue", SK_RECIPE }, { "drain_workqueue", SK_RECIPE },
	{ "destroy_workqueue", SK_RECIPE }, { "queue_work", SK_RECIPE },
	{ "finish_wait", SK_RECIPE }, { "kthread_stop", SK_RECIPE },
	{ "^complete$", SK_RECIPE }, { "wait_for_completion", SK_RECIPE },
	{ "insert_work", SK_RECIPE }, { "__queue_delayed_work", SK_RECIPE },
	{ "queue_delayed_work_on", SK_RECIPE },
	{ "lock_timer_base", SK_RECIPE },
	{ "__timer_delete_sync", SK_RECIPE },
	{ "sk_stop_timer_sync", SK_RECIPE }, { "__mod_timer", SK_RECIPE },
	/* device and object teardown */
	{ "kobject_", SK_RECIPE }, { "add_uevent_var", SK_RECIPE },
	{ "get_device_parent", SK_RECIPE }, { "device_add", SK_RECIPE },
	{ "device_del", SK_RECIPE }, { "device_unregister", SK_RECIPE },
	{ "device_destroy", SK_RECIPE }, { "device_release", SK_RECIPE },
	{ "devres_release_all", SK_RECIPE },
	{ "hwrng_unregister", SK_RECIPE }, { "i2c_del_adapter", SK_RECIPE },
	{ "__unregister_client", SK_RECIPE },
	{ "device_for_each_child", SK_RECIPE },
	{ "rollback_registered", SK_RECIPE },
	{ "unregister_netdev", SK_RECIPE }, { "sysfs_remove", SK_RECIPE },
	{ "device_remove_file", SK_RECIPE },
	{ "tty_unregister_device", SK_RECIPE }, { "^put_device$", SK_RECIPE },
	{ "ida_free", SK_RECIPE }, { "cleanup_srcu_struct", SK_RECIPE },
	{ "^iput_final$", SK_RECIPE }, { "^ihold$", SK_RECIPE },
	{ "drop_nlink", SK_RECIPE }, { "fast_dput", SK_RECIPE },
	{ "dput", SK_RECIPE }, { "mark_buffer_dirty", SK_RECIPE },
	/* USB plumbing: the driver that called it is to blame */
	{ "dummy_urb_enqueue", SK_RECIPE }, { "usb_kill_urb", SK_RECIPE },
	{ "usb_kill_anchored_urbs", SK_RECIPE },
	{ "usb_control_msg", SK_RECIPE }, { "usb_hcd_submit_urb", SK_RECIPE },
	{ "usb_submit_urb", SK_RECIPE },
	/* port I/O, checksums, tracing and stack walking */
	{ "readb$", SK_RECIPE }, { "readw$", SK_RECIPE },
	{ "readl$", SK_RECIPE }, { "readq$", SK_RECIPE },
	{ "writeb$", SK_RECIPE }, { "writew$", SK_RECIPE },
	{ "writel$", SK_RECIPE }, { "writeq$", SK_RECIPE },
	{ "logic_in", SK_RECIPE }, { "logic_out", SK_RECIPE },
	{ "^crc[0-9]+", SK_RECIPE }, { "crc_itu_t", SK_RECIPE },
	{ "assertfail", SK_RECIPE },
	{ "(trace|lockdep)_(hard|soft)irq", SK_RECIPE },
	{ "^(un)?lock_page", SK_RECIPE },
	{ "stack_trace_consume_entry", SK_RECIPE },
	{ "arch_stack_walk", SK_RECIPE }, { "stack_trace_save", SK_RECIPE },
	/* arm64 fault handling */
	{ "do_(kernel|translation)_fault", SK_RECIPE },
	{ "do_mem_abort", SK_RECIPE }, { "el1_abort", SK_RECIPE },
	{ "el1h_64_sync", SK_RECIPE }, { "el1h_64_sync_handler", SK_RECIPE },
	/* lookups that fault on the caller's bad pointer */
	{ "xas_(start|load|find)", SK_RECIPE },
	{ "find_lock_entries", SK_RECIPE },
	{ "truncate_inode_pages_range", SK_RECIPE },
	{ "__phys_addr", SK_RECIPE }, { "__fortify_report", SK_RECIPE },
	{ "rhashtable_lookup", SK_RECIPE },
	{ "extract_(user|iter)_to_sg", SK_RECIPE },
	/* --- skipped by frame_is_generic only --- */
	/* stack dumping and reporting */
	{ "^show_regs$", SK_GENERIC }, { "^show_trace", SK_GENERIC },
	{ "^print_address", SK_GENERIC }, { "^asan_", SK_GENERIC },
	{ "^__ubsan_", SK_GENERIC }, { "^ubsan_", SK_GENERIC },
	{ "^kcsan_", SK_GENERIC }, { "^__tsan_", SK_GENERIC },
	{ "^kfence_", SK_GENERIC }, { "^__kfence_", SK_GENERIC },
	{ "^handle_bug$", SK_GENERIC }, { "^math_error$", SK_GENERIC },
	{ "^do_divide_error$", SK_GENERIC },
	{ "^exc_divide_error$", SK_GENERIC },
	{ "^asm_exc_divide_error$", SK_GENERIC },
	{ "^exc_page_fault$", SK_GENERIC },
	{ "^asm_exc_page_fault$", SK_GENERIC },
	{ "^page_fault$", SK_GENERIC }, { "^do_page_fault$", SK_GENERIC },
	{ "^__do_page_fault$", SK_GENERIC },
	{ "^handle_page_fault$", SK_GENERIC },
	{ "^do_user_addr_fault$", SK_GENERIC },
	{ "^do_kern_addr_fault$", SK_GENERIC },
	{ "^kernelmode_fixup_or_oops$", SK_GENERIC },
	{ "^__bad_area_nosemaphore$", SK_GENERIC },
	{ "^bad_area_nosemaphore$", SK_GENERIC },
	{ "^no_context$", SK_GENERIC }, { "^page_fault_oops$", SK_GENERIC },
	{ "^oops_", SK_GENERIC }, { "^die$", SK_GENERIC },
	{ "^__die$", SK_GENERIC }, { "^die_body$", SK_GENERIC },
	{ "^do_general_protection$", SK_GENERIC },
	{ "^exc_general_protection$", SK_GENERIC },
	{ "^asm_exc_general_protection$", SK_GENERIC },
	{ "^general_protection$", SK_GENERIC }, { "^warn_", SK_GENERIC },
	{ "^print_", SK_GENERIC }, { "^check_", SK_GENERIC },
	{ "^validate_chain$", SK_GENERIC }, { "^debug_check_", SK_GENERIC },
	{ "^debug_print_object$", SK_GENERIC },
	/* locking and atomics */
	{ "^_raw_spin_", SK_GENERIC }, { "^raw_spin_", SK_GENERIC },
	{ "^spin_", SK_GENERIC }, { "^_raw_read_", SK_GENERIC },
	{ "^_raw_write_", SK_GENERIC }, { "^queued_", SK_GENERIC },
	{ "^native_queued_", SK_GENERIC }, { "^__pv_queued_", SK_GENERIC },
	{ "^do_raw_spin_", SK_GENERIC }, { "^__raw_spin_", SK_GENERIC },
	{ "^down_", SK_GENERIC }, { "^up_", SK_GENERIC },
	{ "^up$", SK_GENERIC }, { "^rwsem_", SK_GENERIC },
	{ "^__down_", SK_GENERIC }, { "^__up_", SK_GENERIC },
	{ "^__rt_mutex", SK_GENERIC }, { "^atomic_", SK_GENERIC },
	{ "^atomic64_", SK_GENERIC }, { "^arch_atomic", SK_GENERIC },
	{ "^__refcount_", SK_GENERIC }, { "^percpu_", SK_GENERIC },
	{ "^__percpu_", SK_GENERIC }, { "^preempt_", SK_GENERIC },
	{ "^__local_bh_", SK_GENERIC }, { "^local_bh_", SK_GENERIC },
	{ "^__rcu_read_", SK_GENERIC }, { "^rcu_read_", SK_GENERIC },
	{ "^synchronize_rcu", SK_GENERIC }, { "^__synchronize_", SK_GENERIC },
	/* allocation */
	{ "alloc$", SK_GENERIC }, { "alloc_node$", SK_GENERIC },
	{ "alloc_trace$", SK_GENERIC }, { "^kmalloc", SK_GENERIC },
	{ "^__kmalloc", SK_GENERIC }, { "^kfree", SK_GENERIC },
	{ "^__kfree", SK_GENERIC }, { "^free_debug_processing$", SK_GENERIC },
	{ "^__free_pages", SK_GENERIC }, { "^free_pages", SK_GENERIC },
	{ "^vfree$", SK_GENERIC }, { "^vmalloc", SK_GENERIC },
	{ "^__vmalloc", SK_GENERIC }, { "^kzalloc", SK_GENERIC },
	{ "^kcalloc", SK_GENERIC }, { "^kvmalloc", SK_GENERIC },
	{ "^should_fail", SK_GENERIC }, { "^should_failslab", SK_GENERIC },
	{ "^__should_failslab$", SK_GENERIC },
	{ "^setup_object", SK_GENERIC }, { "^set_track", SK_GENERIC },
	{ "^save_stack", SK_GENERIC }, { "^stack_trace_", SK_GENERIC },
	{ "^__stack_depot_", SK_GENERIC }, { "^stack_depot_", SK_GENERIC },
	/* string and copy helpers */
	{ "^mem", SK_GENERIC }, { "^__mem", SK_GENERIC },
	{ "^str", SK_GENERIC }, { "^__str", SK_GENERIC },
	{ "^copy_.*_user$", SK_GENERIC }, { "^_copy_.*_user$", SK_GENERIC },
	{ "^__copy_.*_user$", SK_GENERIC }, { "^copy_user_", SK_GENERIC },
	{ "^raw_copy_", SK_GENERIC }, { "^csum_partial", SK_GENERIC },
	{ "^__fortify_", SK_GENERIC }, { "^check_copy_size$", SK_GENERIC },
	{ "^usercopy_", SK_GENERIC },
	/* list helpers */
	{ "^__list_.*_valid", SK_GENERIC }, { "^hlist_", SK_GENERIC },
	{ "^__hlist_", SK_GENERIC },
	/* entry and trampolines */
	{ "^do_syscall_", SK_GENERIC }, { "^entry_SYSCALL", SK_GENERIC },
	{ "^ret_from_fork", SK_GENERIC },
	/* RCU queueing, object and sysfs registration plumbing */
	{ "^call_rcu$", SK_GENERIC }, { "^__call_rcu", SK_GENERIC },
	{ "^kfree_call_rcu$", SK_GENERIC },
	{ "^kvfree_call_rcu$", SK_GENERIC }, { "^kobj_", SK_GENERIC },
	{ "^proc_register", SK_GENERIC }, { "^__proc_create$", SK_GENERIC },
	{ "^proc_create", SK_GENERIC }, { "^sysfs_", SK_GENERIC },
	{ "^__sysfs_", SK_GENERIC }, { "^__vunmap$", SK_GENERIC },
	{ "^alloc_inode$", SK_GENERIC }, { "^new_inode$", SK_GENERIC },
	{ "^skb_pull$", SK_GENERIC }, { "^skb_put$", SK_GENERIC },
	{ "^skb_push$", SK_GENERIC }, { "^__skb_pull$", SK_GENERIC },
	/* driver core teardown, timers, waits and printf plumbing */
	{ "^device_remove_", SK_GENERIC }, { "^dpm_sysfs_", SK_GENERIC },
	{ "^devres_release_", SK_GENERIC },
	{ "^bus_remove_device$", SK_GENERIC }, { "^usb_kill_", SK_GENERIC },
	{ "^sprintf$", SK_GENERIC }, { "^trace_hardirqs", SK_GENERIC },
	/* coverage and sanitizer callbacks compiled into every function */
	{ "^msan_", SK_GENERIC }, { "^write_comp_data$", SK_GENERIC },
	/* tree and list plumbing, scheduler entry */
	{ "^__schedule_bug$", SK_GENERIC },
	{ "^kernel_fpu_begin", SK_GENERIC },
	{ "^post_alloc_hook$", SK_GENERIC },
	{ "^prep_new_page$", SK_GENERIC },
	{ "^get_page_from_freelist$", SK_GENERIC },
	/* more teardown, formatting, bit helpers and fault plumbing */
	{ "^_dev_", SK_GENERIC }, { "^hex_dump_", SK_GENERIC },
	{ "^crc32", SK_GENERIC }, { "^do_bad_area$", SK_GENERIC },
	{ "^el1_", SK_GENERIC }, { "^el0_", SK_GENERIC },
	{ "^seqprop_", SK_GENERIC }, { "^program_check_", SK_GENERIC },
	{ "^_atomic_dec_and_lock", SK_GENERIC },
	{ "^atomic_dec_and_lock", SK_GENERIC },
	{ "^__schedule$", SK_GENERIC }, { "^schedule$", SK_GENERIC },
	/* kmemleak and allocator internals, lockdep class lookup */
	{ "^create_object$", SK_GENERIC }, { "^kmemleak_", SK_GENERIC },
	{ "^__list_lru_init$", SK_GENERIC }, { "^list_lru_init", SK_GENERIC },
	{ "^idr_get_free$", SK_GENERIC }, { "^idr_alloc", SK_GENERIC },
	{ "^pcpu_", SK_GENERIC }, { "^__pcpu_", SK_GENERIC },
	{ "^call_rcu_sched$", SK_GENERIC }, { "^call_rcu_", SK_GENERIC },
	{ "^release_sock$", SK_GENERIC },
	{ "^delayed_work_timer_fn$", SK_GENERIC },
	/* sanitizer report plumbing, copy iterators and crypto leaves */
	{ "^handle_overflow$", SK_GENERIC }, { "^aes_encrypt$", SK_GENERIC },
	{ "^aes_decrypt$", SK_GENERIC }, { "^kunit_", SK_GENERIC },
	/* more leaves that report rather than cause */
	{ "^el1h_", SK_GENERIC }, { "^__alloc_frozen_pages", SK_GENERIC },
	{ "^mod_timer$", SK_GENERIC }, { "^usb_start_wait_urb$", SK_GENERIC },
	{ "^usb_bulk_msg$", SK_GENERIC }, { "^bdi_unregister$", SK_GENERIC },
	{ "^interrupt_entry$", SK_GENERIC },
	{ "^apic_timer_interrupt$", SK_GENERIC },
	{ "^sysvec_apic_timer_interrupt$", SK_GENERIC },
	{ "^asm_sysvec_", SK_GENERIC },
	{ "^smp_apic_timer_interrupt$", SK_GENERIC },
	{ "^__alloc_percpu", SK_GENERIC }, { "^alloc_percpu", SK_GENERIC },
	{ "^df_debug$", SK_GENERIC }, { "^_cond_resched$", SK_GENERIC },
	{ "^retint_kernel$", SK_GENERIC },
	{ "^___preempt_schedule", SK_GENERIC }, { "^bdi_put$", SK_GENERIC },
	{ "^do_raw_", SK_GENERIC }, { "^__raw_read", SK_GENERIC },
	{ "^__raw_write", SK_GENERIC }, { "^format_decode$", SK_GENERIC },
	{ "^bug_handler$", SK_GENERIC },
	{ "^do_tag_check_fault$", SK_GENERIC }, { "^xas_", SK_GENERIC },
	{ "^folio_wake_bit$", SK_GENERIC }, { "^bad_page$", SK_GENERIC },
	{ "^__set_page_owner$", SK_GENERIC }, { "^folio_alloc", SK_GENERIC },
	{ "^__page_pool_alloc", SK_GENERIC }, { "^___kmalloc", SK_GENERIC },
	{ "^aesti_encrypt$", SK_GENERIC }, { "^rcu_barrier$", SK_GENERIC },
	/* preemption and usercopy checks */
	{ "preempt_check", SK_GENERIC },
	{ "^check_preemption_disabled$", SK_GENERIC },
	{ "^debug_smp_processor_id$", SK_GENERIC },
	{ "^check_stack_object$", SK_GENERIC },
	/* retpolines, lockdep and debug-object internals */
	{ "^__x86_return_thunk$", SK_GENERIC }, { "^__lock_", SK_GENERIC },
	{ "^lock_", SK_GENERIC }, { "^trace_lock_", SK_GENERIC },
	{ "^debug_", SK_GENERIC }, { "_is_static_object$", SK_GENERIC },
	{ "^prepare_to_wait", SK_GENERIC },
	{ "^autoremove_wake_function$", SK_GENERIC },
	{ "^kthread$", SK_GENERIC }, { "^process_one_work$", SK_GENERIC },
	{ "^worker_thread$", SK_GENERIC },
};

#define NSKIP	(sizeof(frame_skip) / sizeof(frame_skip[0]))

/*
 * The patterns of frame_skip[] that the ways in scope skip, as a
 * NULL-terminated list.  scope is SK_RECIPE or SK_GENERIC.
 */
static const char *const *
skip_list(unsigned scope)
{
	static const char *list[2][NSKIP + 1];
	static int ready[2];
	int w = scope == SK_RECIPE ? 0 : 1;

	if (!ready[w]) {
		size_t n = 0;

		for (size_t i = 0; i < NSKIP; i++) {
			if (frame_skip[i].scope & scope)
				list[w][n++] = frame_skip[i].re;
		}
		list[w][n] = NULL;
		ready[w] = 1;
	}
	return list[w];
}

/*
 * Does the way in scope (SK_RECIPE or SK_GENERIC) skip frame fn?  Each
 * way's list is compiled once, as one alternation: a recipe's own skips
 * are matched apart (report-stack.c), so that the long list is not
 * compiled again for every recipe.
 */
int
frame_skipped(unsigned scope, const char *fn)
{
	static const char key[2];
	regex_t *re = report_re_join(&key[scope == SK_RECIPE ? 0 : 1],
	    skip_list(scope), NULL);

	return re != NULL && regexec(re, fn, 0, NULL, 0) == 0;
}

int
frame_is_generic(const char *fn)
{
	return frame_skipped(SK_GENERIC, fn);
}

/* "__x64_sys_read" -> "read"-ish names syzkaller uses in titles. */
void
frame_strip_syscall(char *fn)
{
	static const char *const prefixes[] = {
		"__x64_sys_", "__ia32_sys_", "__se_sys_", "__do_sys_",
		"__sys_", "ksys_", "__arm64_sys_",
		"__se_compat_sys_", "__do_compat_sys_", "compat_sys_",
		"__x32_compat_sys_", "__ia32_compat_sys_",
		"__arm64_compat_sys_", NULL
	};

	/* every cross-CPU call waits the same way: one name */
	if (strncmp(fn, "smp_call_function", 17) == 0) {
		fn[17] = '\0';
		return;
	}
	/* "__x64_sys_read" is "sys_read" in titles, as is 4.x's "SyS_read" */
	static const char *const arch[] = { "__x64_", "__ia32_", "__arm64_",
	    NULL };

	for (size_t i = 0; arch[i] != NULL; i++) {
		size_t n = strlen(arch[i]);

		if (strncmp(fn, arch[i], n) == 0 &&
		    strncmp(fn + n, "sys_", 4) == 0) {
			memmove(fn, fn + n, strlen(fn + n) + 1);
			return;
		}
	}
	if (strncmp(fn, "SyS_", 4) == 0 || strncmp(fn, "compat_SyS_", 11) == 0) {
		char *p = strstr(fn, "SyS_");

		p[0] = 's';
		p[1] = 'y';
		p[2] = 's';
		return;
	}
	for (size_t i = 0; prefixes[i] != NULL; i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(fn, prefixes[i], n) == 0 && fn[n] != '\0') {
			memmove(fn, fn + n, strlen(fn + n) + 1);
			return;
		}
	}
}

/*
 * Every frame the unwinder was sure of in log[start, end) (a report's
 * span, report.start and .end), in order and once each, offsets and
 * compiler suffixes stripped: the whole stack, where the report's own
 * frames stop at what its title needed.  Up to max into fns.
 */
size_t
report_span_frames(const char *log, size_t len, size_t start, size_t end,
    char (*fns)[128], size_t max)
{
	size_t n = 0, off = start;

	if (end > len)
		end = len;
	while (off < end && n < max) {
		const char *nl = memchr(log + off, '\n', end - off);
		size_t ll = nl ? (size_t)(nl - (log + off)) : end - off;
		size_t pre = report_strip_prefix(log + off, ll);
		struct rline l = { off, pre, log + off + pre, ll - pre };
		char fn[128];

		if (frame_parse(&l, fn, sizeof(fn))) {
			size_t k;

			for (k = 0; k < n && strcmp(fns[k], fn) != 0; k++)
				;
			if (k == n)
				memcpy(fns[n++], fn, sizeof(fn));
		}
		off += ll + 1;
	}
	return n;
}
