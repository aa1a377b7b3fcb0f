/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack frames: recognising a frame in a report line, and the generic
 * frames (reporting, locking, allocation and copy helpers) that are
 * skipped when choosing the guilty one.
 */
#include <ctype.h>
#include <fnmatch.h>
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
 * Frames that say where a report was printed, not where the bug is.
 * A pattern ending in '*' is a prefix; "*x*" a substring.
 */
static const char *const generic_frames[] = {
	/* stack dumping and reporting */
	"dump_stack*", "show_stack", "show_regs", "show_trace*",
	"__dump_stack", "dump_stack_lvl", "print_report", "print_address*",
	"kasan_*", "__kasan_*", "check_memory_region*", "kmsan_*",
	"__msan_*", "__asan_*", "asan_*", "__ubsan_*", "ubsan_*",
	"kcsan_*", "__tsan_*", "kfence_*", "__kfence_*", "report_bug",
	"__report_bug", "fixup_bug", "do_error_trap", "do_trap*",
	"handle_bug", "exc_invalid_op", "asm_exc_invalid_op",
	"invalid_op", "do_invalid_op", "math_error", "do_divide_error",
	"exc_divide_error", "asm_exc_divide_error", "exc_page_fault",
	"asm_exc_page_fault", "page_fault", "do_page_fault",
	"__do_page_fault", "handle_page_fault", "do_user_addr_fault",
	"do_kern_addr_fault", "kernelmode_fixup_or_oops",
	"__bad_area_nosemaphore", "bad_area_nosemaphore", "no_context",
	"page_fault_oops", "oops_*", "die", "__die", "die_body",
	"do_general_protection", "exc_general_protection",
	"asm_exc_general_protection", "general_protection",
	"panic", "nmi_panic", "__warn", "warn_slowpath*", "__warn_printk",
	"warn_bogus_irq_restore", "warn_*", "__might_sleep", "__might_fault",
	"___might_sleep", "__might_resched", "might_fault",
	"lockdep_*", "__lock_acquire", "lock_acquire", "lock_release",
	"print_*", "check_*", "validate_chain", "mark_lock*",
	"debug_object*", "debug_check_*", "debug_print_object",
	"rcu_lockdep_*", "lockdep_rcu_suspicious",
	/* locking and atomics */
	"_raw_spin_*", "raw_spin_*", "spin_*", "_raw_read_*", "_raw_write_*",
	"queued_*", "native_queued_*", "__pv_queued_*", "do_raw_spin_*",
	"__raw_spin_*", "mutex_*", "__mutex_*", "down_*", "up_*", "down",
	"up", "rwsem_*", "__down_*", "__up_*", "rt_mutex_*", "__rt_mutex*",
	"atomic_*", "atomic64_*", "arch_atomic*", "refcount_*",
	"__refcount_*", "kref_*", "percpu_*", "__percpu_*",
	"preempt_*", "__local_bh_*", "local_bh_*", "__rcu_read_*",
	"rcu_read_*", "synchronize_rcu*", "__synchronize_*",
	/* allocation */
	"*alloc", "*alloc_node", "*alloc_trace", "kmalloc*", "__kmalloc*",
	"kmem_cache_*", "slab_*", "__slab_*", "___slab_*", "kfree*",
	"__kfree*", "free_debug_processing", "__free_pages*", "free_pages*",
	"vfree", "kvfree", "vmalloc*", "__vmalloc*", "kzalloc*",
	"kcalloc*", "krealloc*", "kvmalloc*", "alloc_pages*", "__alloc_pages*",
	"should_fail*", "should_failslab*", "__should_failslab",
	"setup_object*", "set_track*", "save_stack*", "stack_trace_*",
	"arch_stack_walk", "__stack_depot_*", "stack_depot_*",
	/* string and copy helpers */
	"mem*", "__mem*", "str*", "__str*", "copy_*_user", "_copy_*_user",
	"__copy_*_user", "copy_user_*", "raw_copy_*", "__get_user*",
	"__put_user*", "get_user*", "put_user*", "csum_partial*",
	"fortify_panic", "__fortify_*", "check_copy_size",
	"__check_object_size", "check_object_size", "usercopy_*",
	/* list helpers */
	"__list_add*", "list_add*", "__list_del*", "list_del*",
	"__list_*_valid*", "hlist_*", "__hlist_*",
	/* printk and friends */
	"printk", "vprintk*", "_printk", "dev_*printk*", "dev_err*",
	"dev_warn*", "netdev_*printk*", "__dev_printk",
	/* entry and trampolines */
	"do_syscall_*", "entry_SYSCALL*", "ret_from_fork*",
	/* RCU queueing, object and sysfs registration plumbing */
	"call_rcu", "__call_rcu*", "kfree_call_rcu", "kvfree_call_rcu",
	"kobject_*", "__kobject_*", "kobj_*", "proc_register*", "__proc_create",
	"proc_create*", "sysfs_*", "__sysfs_*", "__vunmap",
	"alloc_inode", "new_inode", "skb_pull", "skb_put", "skb_push",
	"__skb_pull", "skb_over_panic", "skb_under_panic",
	/* driver core teardown, timers, waits and printf plumbing */
	"device_del", "device_add", "device_remove_*", "dpm_sysfs_*",
	"get_device_parent", "add_uevent_var", "kobject_uevent*",
	"devres_release_*", "device_release_driver*", "__device_release_*",
	"bus_remove_device", "rollback_registered*", "usb_kill_*",
	"del_timer*", "kthread_stop", "wait_for_completion*", "flush_work",
	"__flush_work", "read_word_at_a_time", "vsnprintf", "hex_string",
	"string", "string_nocheck", "pointer", "sprintf", "snprintf",
	"vscnprintf", "scnprintf", "skb_panic", "reacquire_held_locks",
	"trace_hardirqs*", "__panic", "dump_backtrace", "program_check_exception",
	/* coverage and sanitizer callbacks compiled into every function */
	"__sanitizer_*", "__msan_*", "msan_*", "__tsan_*", "write_comp_data",
	/* tree and list plumbing, scheduler entry */
	"rb_*", "__rb_*", "klist_*", "try_to_grab_pending", "device_unregister",
	"__schedule_bug", "kernel_fpu_begin*", "post_alloc_hook",
	"prep_new_page", "get_page_from_freelist",
	/* more teardown, formatting, bit helpers and fault plumbing */
	"device_unregister", "device_destroy", "device_release",
	"unregister_netdevice*", "__cancel_work_timer", "cancel_work_sync",
	"_dev_info", "_dev_*", "dev_printk_emit", "va_format", "hex_dump_*",
	"print_hex_dump*", "crc16", "crc32*", "test_and_clear_bit",
	"test_and_set_bit", "set_bit", "clear_bit", "__do_kernel_fault",
	"do_bad_area", "do_translation_fault", "do_mem_abort", "el1_*",
	"el0_*", "ref_tracker_*", "__seqprop_assert", "seqprop_*",
	"walk_stackframe", "program_check_*", "alloc_page_interleave",
	"alloc_pages_*", "__queue_work", "queue_work*", "iput",
	"_atomic_dec_and_lock*", "atomic_dec_and_lock*", "__schedule",
	"schedule",
	/* kmemleak and allocator internals, lockdep class lookup */
	"create_object", "kmemleak_*", "__list_lru_init", "list_lru_init*",
	"idr_get_free", "idr_alloc*", "kstrdup*", "kmemdup*", "pcpu_*",
	"__pcpu_*", "hlock_class", "call_rcu_sched", "call_rcu_*",
	"release_sock", "delayed_work_timer_fn",
	/* sanitizer report plumbing, copy iterators and crypto leaves */
	"handle_overflow", "_copy_to_iter", "copy_to_iter", "_copy_from_iter",
	"copy_page_to_iter*", "usb_submit_urb", "aes_encrypt", "aes_decrypt",
	"kunit_*",
	/* more leaves that report rather than cause */
	"__read_once_word_nocheck", "__hwasan_*", "el1h_*", "el1_*",
	"assertfail", "__reiserfs_panic", "folio_unlock", "__phys_addr",
	"drop_nlink", "mark_buffer_dirty", "ida_free", "i2c_del_adapter",
	"__unregister_client", "unregister_netdev", "__alloc_frozen_pages*",
	"fast_dput", "cleanup_srcu_struct", "__mod_timer", "mod_timer",
	"usb_start_wait_urb", "usb_control_msg", "usb_bulk_msg",
	"tty_unregister_device", "hwrng_unregister", "bdi_unregister",
	"interrupt_entry", "apic_timer_interrupt", "sysvec_apic_timer_interrupt",
	"asm_sysvec_*", "smp_apic_timer_interrupt",
	"kvasprintf*", "__alloc_percpu*", "alloc_percpu*", "df_debug",
	"_cond_resched", "retint_kernel", "___preempt_schedule*",
	"device_for_each_child", "bdi_put", "do_raw_*", "__raw_readb",
	"__raw_read*", "__raw_write*", "format_decode", "bug_handler",
	"do_tag_check_fault", "simple_copy_to_iter", "crc_itu_t", "xas_*",
	"insert_work", "rhashtable_lookup*", "__try_to_del_timer_sync",
	"try_to_del_timer_sync", "unlock_page", "folio_wake_bit", "bad_page",
	"__set_page_owner", "folio_alloc*", "__page_pool_alloc*", "get_taint",
	"___kmalloc*", "dput", "aesti_encrypt", "rcu_barrier",
	/* preemption and usercopy checks */
	"*preempt_check*", "check_preemption_disabled",
	"debug_smp_processor_id", "*check_heap_object", "check_stack_object",
	/* retpolines, lockdep and debug-object internals */
	"__x86_indirect_thunk_*", "__x86_return_thunk", "register_lock_class",
	"__lock_*", "osq_lock", "lock_*", "*_lock_class", "perf_trace_lock*",
	"trace_lock_*", "debug_*", "*_is_static_object", "finish_wait",
	"prepare_to_wait*", "__wake_up*", "autoremove_wake_function",
	"kthread", "process_one_work", "worker_thread",
	NULL
};

static int
glob_match(const char *pat, const char *s)
{
	return fnmatch(pat, s, 0) == 0;
}

int
frame_is_generic(const char *fn)
{
	for (size_t i = 0; generic_frames[i] != NULL; i++) {
		if (glob_match(generic_frames[i], fn))
			return 1;
	}
	return 0;
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
