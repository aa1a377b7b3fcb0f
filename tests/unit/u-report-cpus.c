/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for report-cpus.c: the other CPUs' stacks read from
 * all-CPU NMI backtraces, with truncated and garbage logs, the bounds,
 * and report.json's other_cpus read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "report.h"

/*
 * An oops on CPU 1 of four, as 6.1 prints it with
 * oops_all_cpu_backtrace=1 and panic_print=0x40: a round of backtraces
 * from oops_enter() before the report, another from panic() after it.
 * CPU 0 was interrupted in user space, CPU 2 is idle, CPU 3 was in a
 * softirq over a kernel thread.
 */
static const char oops_log[] =
"[    9.447597]  slab kmalloc-64 start ff1100003ffc7380 pointer offset 48\n"
"[    9.451149] NMI backtrace for cpu 1\n"
"[    9.451149] CPU: 1 PID: 94 Comm: driver Tainted: G           OE      6.1.0-57-cloud-amd64 #1  Debian 6.1.192-3\n"
"[    9.451149] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014\n"
"[    9.451149] Call Trace:\n"
"[    9.451149]  <TASK>\n"
"[    9.451149]  dump_stack_lvl+0x44/0x5c\n"
"[    9.451149]  nmi_cpu_backtrace.cold+0x32/0x79\n"
"[    9.451149]  ? lapic_can_unplug_cpu+0x70/0x70\n"
"[    9.451149]  nmi_trigger_cpumask_backtrace+0xed/0x100\n"
"[    9.451149]  oops_begin+0xc/0x90\n"
"[    9.451149]  page_fault_oops+0x96/0x2b0\n"
"[    9.451149] RIP: 0010:0x0\n"
"[    9.451149]  ? rcu_do_batch+0x19a/0x540\n"
"[    9.451149]  </TASK>\n"
"[    9.451149] Sending NMI from CPU 1 to CPUs 0,2-3:\n"
"[    9.462860] NMI backtrace for cpu 0\n"
"[    9.462860] CPU: 0 PID: 93 Comm: driver Tainted: G           OE      6.1.0-57-cloud-amd64 #1  Debian 6.1.192-3\n"
"[    9.462860] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014\n"
"[    9.462860] RIP: 0010:lapic_next_event+0x1c/0x30\n"
"[    9.462860] Code: 00 00 00 e9 96 e3 d9 00 cc 0f 1f 44 00 00 0f 1f 44 00 00 48 8b 05 a4 bb 34 01 89 fe bf 80 03 00 00 48 8b 40 10 e8 74 e3 d9 00 <31> c0 c3 cc cc\n"
"[    9.462860] RSP: 0000:ffa000000038bea8 EFLAGS: 00000003\n"
"[    9.462860] RAX: ffffffff8106ab00 RBX: 00000000001600d0 RCX: 0000000000000020\n"
"[    9.462860] Call Trace:\n"
"[    9.462860]  <TASK>\n"
"[    9.462860]  clockevents_program_event+0x96/0x100\n"
"[    9.462860]  hrtimer_interrupt+0x11d/0x210\n"
"[    9.462860]  __sysvec_apic_timer_interrupt+0x5d/0x110\n"
"[    9.462860]  sysvec_apic_timer_interrupt+0x35/0x90\n"
"[    9.462860]  asm_sysvec_apic_timer_interrupt+0x16/0x20\n"
"[    9.462860] RIP: 0033:0x401dda\n"
"[    9.462860] Code: 01 3b 05 61 93 0b 00 45 8d 6f 01 75 27 e9 fe 01 00 00\n"
"[    9.462860] RSP: 002b:00007f963dcf6150 EFLAGS: 00000246\n"
"[    9.462860]  </TASK>\n"
"[    9.463001] NMI backtrace for cpu 2 skipped: idling at default_idle+0xe/0x20\n"
"[    9.463112] NMI backtrace for cpu 3\n"
"[    9.463112] CPU: 3 PID: 31 Comm: kworker/3:1 Tainted: G           OE      6.1.0-57-cloud-amd64 #1  Debian 6.1.192-3\n"
"[    9.463112] RIP: 0010:__call_rcu_common.constprop.0+0x9a/0x2a0\n"
"[    9.463112] Call Trace:\n"
"[    9.463112]  <IRQ>\n"
"[    9.463112]  rcupeer_update+0x55/0x90 [racerig_rcupeer]\n"
"[    9.463112]  rcupeer_udp_rcv+0x31/0x60 [racerig_rcupeer]\n"
"[    9.463112]  ? udp_queue_rcv_one_skb+0x20/0x400\n"
"[    9.463112]  net_rx_action+0x145/0x3e0\n"
"[    9.463112]  </IRQ>\n"
"[    9.463112]  <TASK>\n"
"[    9.463112]  process_one_work+0x1c7/0x380\n"
"[    9.463112]  worker_thread+0x4d/0x380\n"
"[    9.463112]  </TASK>\n"
"[    9.462860] INFO: NMI handler (nmi_cpu_backtrace_handler) took too long to run: 9.129 msecs\n"
"[    9.451149] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
"[    9.451149] #PF: supervisor instruction fetch in kernel mode\n"
"[    9.451149] Oops: 0010 [#1] PREEMPT SMP NOPTI\n"
"[    9.451149] CPU: 1 PID: 94 Comm: driver Tainted: G           OE      6.1.0-57-cloud-amd64 #1  Debian 6.1.192-3\n"
"[    9.451149] RIP: 0010:0x0\n"
"[    9.451149] Call Trace:\n"
"[    9.451149]  <TASK>\n"
"[    9.451149]  rcu_do_batch+0x19a/0x540\n"
"[    9.451149]  rcu_core+0x1b5/0x4d0\n"
"[    9.451149]  handle_softirqs+0xd7/0x280\n"
"[    9.451149]  </TASK>\n"
"[    9.451149] ---[ end trace 0000000000000000 ]---\n"
"[    9.451149] Kernel panic - not syncing: Fatal exception in interrupt\n"
"[    9.451149] NMI backtrace for cpu 1\n"
"[    9.555460] Call Trace:\n"
"[    9.555460]  panic+0x154/0x2f4\n"
"[    9.555460]  </TASK>\n"
"[    9.555460] Sending NMI from CPU 1 to CPUs 0,2-3:\n"
"[    9.566571] NMI backtrace for cpu 0\n"
"[    9.566585] RIP: 0010:exit_to_user_mode_prepare+0xce/0x240\n"
"[    9.566585] Call Trace:\n"
"[    9.566585]  <TASK>\n"
"[    9.566585]  syscall_exit_to_user_mode+0x17/0x40\n"
"[    9.566585]  </TASK>\n";

static const char *const cpu0[] = {
	"lapic_next_event", "clockevents_program_event", "hrtimer_interrupt",
	"__sysvec_apic_timer_interrupt", "sysvec_apic_timer_interrupt",
	"asm_sysvec_apic_timer_interrupt", NULL
};
static const char *const cpu2[] = { "default_idle", NULL };
static const char *const cpu2_halt[] = { "native_safe_halt", NULL };
static const char *const cpu3[] = {
	"__call_rcu_common", "rcupeer_update", "rcupeer_udp_rcv",
	"net_rx_action", "process_one_work", "worker_thread", NULL
};

static void
assert_frames(const struct report_cpu *c, int cpu, const char *const *want)
{
	size_t n = 0;

	assert_int_equal(c->cpu, cpu);
	for (; want[n] != NULL; n++) {
		assert_true(n < c->nframes);
		assert_string_equal(c->frames[n], want[n]);
	}
	assert_int_equal(c->nframes, n);
}

/* The byte range of the report in oops_log, as report_parse() finds it. */
static void
oops_range(size_t *start, size_t *end)
{
	const char *s = strstr(oops_log, "[    9.451149] BUG:");
	const char *e = strstr(oops_log, "---[ end trace");

	*start = (size_t)(s - oops_log);
	*end = (size_t)(strchr(e, '\n') + 1 - oops_log);
}

static void
test_oops(void **state)
{
	struct report_cpus c;
	size_t start, end;

	oops_range(&start, &end);
	assert_int_equal(report_cpus_parse(oops_log, strlen(oops_log), start,
	    end, &c), 3);
	assert_int_equal(c.crash_cpu, 1);
	/* CPU 0: the round at oops_enter(), not panic()'s later one */
	assert_frames(&c.cpu[0], 0, cpu0);
	assert_frames(&c.cpu[1], 2, cpu2);
	assert_frames(&c.cpu[2], 3, cpu3);
	report_cpus_release(&c);
	report_cpus_release(&c);	/* released twice: harmless */
	report_cpus_release(NULL);
}

/* Through report_parse() to report.json's keys and back. */
static void
test_report_json(void **state)
{
	struct report r;
	struct report_cpus back;
	json_t *j;

	assert_int_equal(report_parse(oops_log, strlen(oops_log), &r), 1);
	assert_string_equal(r.title, "BUG: unable to handle kernel NULL "
	    "pointer dereference in rcu_do_batch");
	assert_int_equal(r.others.n, 3);
	j = report_to_json(&r);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "crash_cpu")),
	    1);
	assert_int_equal(json_array_size(json_object_get(j, "other_cpus")), 3);
	assert_int_equal(report_cpus_from_json(j, &back), 3);
	assert_int_equal(back.crash_cpu, 1);
	assert_frames(&back.cpu[0], 0, cpu0);
	assert_frames(&back.cpu[1], 2, cpu2);
	assert_frames(&back.cpu[2], 3, cpu3);
	report_cpus_release(&back);
	json_decref(j);
	report_release(&r);
}

/*
 * Two CPUs crash at once: CPU 1 starts an oops and sends the NMIs,
 * CPU 0's report is printed into CPU 1's own backtrace and comes
 * first, CPU 1's report follows.  CPU 1's stack is its report's: the
 * NMI sender's own backtrace only shows it printing.
 */
static const char both_log[] =
"[    6.419234] NMI backtrace for cpu 1\n"
"[    6.419489] CPU: 1 PID: 21 Comm: ksoftirqd/1 Tainted: G           OE      6.1.0-57-cloud-amd64 #1\n"
"[    6.421202] Call Trace:\n"
"[    6.422806]  <TASK>\n"
"[    6.422806]  dump_stack_lvl+0x44/0x5c\n"
"[    6.431136] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
"[    6.422806]  nmi_cpu_backtrace.cold+0x32/0x79\n"
"[    6.432725] Oops: 0010 [#1] PREEMPT SMP NOPTI\n"
"[    6.422806]  oops_begin+0xc/0x90\n"
"[    6.433412] CPU: 0 PID: 108 Comm: driver Tainted: G           OE      6.1.0-57-cloud-amd64 #1\n"
"[    6.433412] RIP: 0010:0x0\n"
"[    6.433412] Call Trace:\n"
"[    6.433412]  <TASK>\n"
"[    6.422806]  ? rcu_do_batch+0x19a/0x540\n"
"[    6.433412]  rcu_do_batch+0x19a/0x540\n"
"[    6.433412]  rcu_core+0x1b5/0x4d0\n"
"[    6.422806]  </TASK>\n"
"[    6.422806] Sending NMI from CPU 1 to CPUs 0,2:\n"
"[    6.433412]  handle_softirqs+0xd7/0x280\n"
"[    6.433412]  </TASK>\n"
"[    6.433412] NMI backtrace for cpu 0\n"
"[    6.433412] CPU: 0 PID: 108 Comm: driver Tainted: G           OE      6.1.0-57-cloud-amd64 #1\n"
"[    6.433412] RIP: 0010:0x0\n"
"[    6.433412] Call Trace:\n"
"[    6.433412]  <TASK>\n"
"[    6.433412]  rcu_do_batch+0x19a/0x540\n"
"[    6.433412]  </TASK>\n"
"[    6.455762] NMI backtrace for cpu 2 skipped: idling at native_safe_halt+0xb/0x10\n"
"[    6.592217] ---[ end trace 0000000000000000 ]---\n"
"[    6.633549] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
"[    6.633549] Oops: 0010 [#2] PREEMPT SMP NOPTI\n"
"[    6.633549] CPU: 1 PID: 21 Comm: ksoftirqd/1 Tainted: G      D    OE      6.1.0-57-cloud-amd64 #1\n"
"[    6.633549] RIP: 0010:0x0\n"
"[    6.633549] Call Trace:\n"
"[    6.633549]  <TASK>\n"
"[    6.633549]  rcu_do_batch+0x19a/0x540\n"
"[    6.633549]  rcu_core+0x1b5/0x4d0\n"
"[    6.633549]  ? sort_range+0x20/0x20\n"
"[    6.633549]  run_ksoftirqd+0x2d/0x40\n"
"[    6.633549]  </TASK>\n"
"[    6.633549] ---[ end trace 0000000000000000 ]---\n"
"[    6.633549] Kernel panic - not syncing: Fatal exception in interrupt\n"
"[    6.633549] NMI backtrace for cpu 1\n"
"[    6.633549] Call Trace:\n"
"[    6.633549]  dump_stack_lvl+0x44/0x5c\n"
"[    6.633549]  nmi_cpu_backtrace.cold+0x32/0x79\n"
"[    6.633549]  panic+0x154/0x2f4\n"
"[    6.633549]  </TASK>\n";

static void
test_both_crash(void **state)
{
	static const char *const cpu1[] = {
		"rcu_do_batch", "rcu_core", "run_ksoftirqd", NULL
	};
	static const char *const cpu1_panic[] = { "panic", NULL };
	static const char *const none[] = { NULL };
	const char *second = strstr(both_log, "[    6.633549] BUG:");
	const char *panic = strstr(both_log, "[    6.633549] Kernel panic");
	struct report r;

	struct buf b = BUF_INIT;

	assert_int_equal(report_parse(both_log, strlen(both_log), &r), 1);
	assert_int_equal(r.others.crash_cpu, 0);
	assert_int_equal(r.others.n, 2);
	assert_frames(&r.others.cpu[0], 1, cpu1);
	assert_frames(&r.others.cpu[1], 2, cpu2_halt);
	report_release(&r);
	/* without CPU 1's report: its panic() backtrace, NMI frames dropped */
	buf_add(&b, both_log, (size_t)(second - both_log));
	buf_addstr(&b, panic);
	assert_int_equal(report_parse(b.data, b.len, &r), 1);
	assert_frames(&r.others.cpu[0], 1, cpu1_panic);
	report_release(&r);
	/* without that either: CPU 1 is there, with no frames */
	assert_int_equal(report_parse(both_log, (size_t)(second - both_log),
	    &r), 1);
	assert_frames(&r.others.cpu[0], 1, none);
	report_release(&r);
	buf_release(&b);
}

/* A CPU interrupted in user space: registers, no trace, marked user. */
static void
test_user(void **state)
{
	static const char log[] =
	    "BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
	    "CPU: 1 PID: 21 Comm: ksoftirqd/1\n"
	    "---[ end trace 0000000000000000 ]---\n"
	    "Kernel panic - not syncing: Fatal exception in interrupt\n"
	    "Sending NMI from CPU 1 to CPUs 0:\n"
	    "NMI backtrace for cpu 0\n"
	    "CPU: 0 PID: 109 Comm: driver Tainted: G      D    OE\n"
	    "RIP: 0033:0x401dd4\n"
	    "Code: 62 93 0b 00 83 c0 01 3b 05 61 93 0b 00 45 8d 6f 01 75 27\n"
	    "RSP: 002b:00007fa8621cb150 EFLAGS: 00000206\n"
	    "INFO: NMI handler (nmi_cpu_backtrace_handler) took too long to "
	    "run: 11.835 msecs\n";
	struct report r;
	struct report_cpus back;
	json_t *j;

	assert_int_equal(report_parse(log, sizeof(log) - 1, &r), 1);
	assert_int_equal(r.others.crash_cpu, 1);
	assert_int_equal(r.others.n, 1);
	assert_int_equal(r.others.cpu[0].cpu, 0);
	assert_int_equal(r.others.cpu[0].nframes, 0);
	assert_true(r.others.cpu[0].user);
	/* the task and where it was, for the run layer to name */
	assert_string_equal(r.others.cpu[0].comm, "driver");
	assert_int_equal(r.others.cpu[0].pid, 109);
	assert_true(r.others.cpu[0].ip == 0x401dd4);
	j = report_to_json(&r);
	assert_int_equal(report_cpus_from_json(j, &back), 1);
	assert_true(back.cpu[0].user);
	assert_string_equal(back.cpu[0].comm, "driver");
	assert_int_equal(back.cpu[0].pid, 109);
	assert_true(back.cpu[0].ip == 0x401dd4);
	report_cpus_release(&back);
	json_decref(j);
	report_release(&r);
}

/*
 * The task line is the guest's: a comm is cut at 15 bytes and keeps
 * printable bytes only, a pid or an address out of range is not taken,
 * and the same holds for report.json read back.
 */
static void
test_task_hostile(void **state)
{
	static const char log[] =
	    "BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
	    "CPU: 1 PID: 21 Comm: ksoftirqd/1\n"
	    "Kernel panic - not syncing: Fatal exception in interrupt\n"
	    "Sending NMI from CPU 1 to CPUs 0,2-3:\n"
	    "NMI backtrace for cpu 0\n"
	    "CPU: 0 PID: 77 Comm: a\x01very-long-name-indeed Tainted: G\n"
	    "RIP: 0033:0x123456789abcdef0123\n"
	    "NMI backtrace for cpu 2\n"
	    "CPU: 2 PID: 99999999999 Comm: x Not tainted\n"
	    "CPU: 2 PID: 12345 Comm: y Not tainted\n"
	    "RIP: 0033:0xzz\n"
	    "NMI backtrace for cpu 3\n"
	    "CPU: 3 PID: 5 Comm: kworker/3:1 Kdump: loaded Not tainted 6.1.0 #1\n"
	    "RIP: 0010:default_idle+0x20/0x30\n"
	    "Call Trace:\n"
	    " <TASK>\n"
	    " default_idle_call+0x2e/0xe0\n"
	    " </TASK>\n";
	struct report r;
	struct report_cpus back;
	json_t *j, *e;

	(void)state;
	assert_int_equal(report_parse(log, sizeof(log) - 1, &r), 1);
	assert_int_equal(r.others.n, 3);
	assert_string_equal(r.others.cpu[0].comm, "a?very-long-nam");
	assert_int_equal(r.others.cpu[0].pid, 77);
	/* 19 hex digits: not an address */
	assert_true(r.others.cpu[0].ip == 0);
	/* the first task line of a block counts, if it is one */
	assert_int_equal(r.others.cpu[1].pid, 12345);
	assert_string_equal(r.others.cpu[1].comm, "y");
	assert_true(r.others.cpu[1].ip == 0);
	assert_string_equal(r.others.cpu[2].comm, "kworker/3:1");
	assert_false(r.others.cpu[2].user);
	j = report_to_json(&r);
	e = json_array_get(json_object_get(j, "other_cpus"), 2);
	assert_null(json_object_get(e, "ip"));	/* kernel: no user ip */
	e = json_array_get(json_object_get(j, "other_cpus"), 0);
	json_object_set_new(e, "comm", json_string("\x7f" "0123456789abcdefghij"));
	json_object_set_new(e, "ip", json_string("0x12g"));
	e = json_array_get(json_object_get(j, "other_cpus"), 1);
	json_object_set_new(e, "ip", json_string("0x401dd4"));
	e = json_array_get(json_object_get(j, "other_cpus"), 2);
	json_object_set_new(e, "pid", json_integer(1LL << 40));
	assert_int_equal(report_cpus_from_json(j, &back), 3);
	assert_string_equal(back.cpu[0].comm, "?0123456789abcd");
	assert_true(back.cpu[0].ip == 0);
	assert_true(back.cpu[1].ip == 0x401dd4);
	assert_int_equal(back.cpu[2].pid, -1);
	assert_string_equal(back.cpu[2].comm, "");
	report_cpus_release(&back);
	json_decref(j);
	report_release(&r);
}

/* Cut the log anywhere: never a crash, never more than was there. */
static void
test_truncated(void **state)
{
	size_t len = strlen(oops_log), start, end;
	const char *mid = strstr(oops_log, "hrtimer_interrupt+");
	struct report_cpus c;

	oops_range(&start, &end);
	for (size_t cut = 0; cut <= len; cut++) {
		assert_true(report_cpus_parse(oops_log, cut, start, end,
		    &c) <= 4);
		for (size_t i = 0; i < c.n; i++)
			assert_true(c.cpu[i].nframes <= 6);
		report_cpus_release(&c);
	}
	/* cut inside CPU 0's trace: what was read of it is kept */
	report_cpus_parse(oops_log, (size_t)(mid - oops_log) + 22, len, len,
	    &c);
	assert_int_equal(c.crash_cpu, 1);	/* it sent the NMIs */
	assert_int_equal(c.n, 1);
	assert_int_equal(c.cpu[0].cpu, 0);
	assert_int_equal(c.cpu[0].nframes, 3);
	assert_string_equal(c.cpu[0].frames[2], "hrtimer_interrupt");
	report_cpus_release(&c);
	/* the first line only: a CPU known, no frames */
	report_cpus_parse("NMI backtrace for cpu 5\n", 24, 0, 0, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.cpu[0].cpu, 5);
	assert_int_equal(c.cpu[0].nframes, 0);
	report_cpus_release(&c);
}

/* Numbers that are not CPUs, NUL bytes, long lines and random bytes. */
static void
test_garbage(void **state)
{
	static const char bad[] =
	    "NMI backtrace for cpu 99999999999999999999\n"
	    "Call Trace:\n f+0x1/0x2\n</TASK>\n"
	    "NMI backtrace for cpu 8192\n"
	    "NMI backtrace for cpu -1\n"
	    "NMI backtrace for cpu 1x\n"
	    "NMI backtrace for cpu \n"
	    "NMI backtrace for cpu\n"
	    "CPU: 77777777777 PID: 1\n"
	    "Sending NMI from CPU 123456789 to CPUs 0:\n";
	static const char nul[] =
	    "NMI backtrace for cpu 7\nCall Trace:\n a\0b+0x1/0x2\n";
	struct buf b = BUF_INIT;
	struct report_cpus c;
	unsigned int seed = 42;

	assert_int_equal(report_cpus_parse(bad, sizeof(bad) - 1, 0, 0, &c),
	    0);
	assert_int_equal(c.crash_cpu, -1);
	report_cpus_release(&c);
	assert_int_equal(report_cpus_parse("", 0, 0, 0, &c), 0);
	report_cpus_release(&c);
	/* a NUL inside a frame line, a 64 KiB line, a frame-like flood */
	buf_add(&b, nul, sizeof(nul) - 1);
	for (int i = 0; i < 4096; i++)
		buf_addstr(&b, "x_y+0x1/");
	buf_addstr(&b, "\n</TASK>\n");
	for (int i = 0; i < 200000; i++) {
		char ch = (char)(rand_r(&seed) & 0xff);

		if (i % 97 == 0)
			buf_addstr(&b, "\nNMI backtrace for cpu ");
		else if (i % 89 == 0)
			buf_addstr(&b, "\nCall Trace:\n f+0x");
		else
			buf_add(&b, &ch, 1);
	}
	assert_true(report_cpus_parse(b.data, b.len, 0, b.len, &c) <=
	    REPORT_MAX_CPUS);
	for (size_t i = 0; i < c.n; i++) {
		assert_true(c.cpu[i].cpu >= 0 && c.cpu[i].cpu < 8192);
		assert_true(c.cpu[i].nframes <= REPORT_CPU_FRAMES);
		for (size_t k = 0; k < c.cpu[i].nframes; k++)
			assert_true(strlen(c.cpu[i].frames[k]) < 128);
	}
	report_cpus_release(&c);
	buf_release(&b);
}

/* 100 CPUs of 100 frames: 64 of 64 kept, the crashing one left out. */
static void
test_bounds(void **state)
{
	struct buf b = BUF_INIT;
	struct report_cpus c;
	size_t start;

	for (int cpu = 99; cpu >= 0; cpu--) {
		buf_addf(&b, "NMI backtrace for cpu %d\nRIP: 0010:spin%d+0x1/0x2"
		    "\nCall Trace:\n <TASK>\n", cpu, cpu);
		for (int k = 0; k < 100; k++)
			buf_addf(&b, " f%d_%d+0x1c/0x40\n", cpu, k);
		buf_addstr(&b, " </TASK>\n");
	}
	start = b.len;
	buf_addstr(&b, "BUG: kernel NULL pointer dereference, address: 0\n"
	    "CPU: 0 PID: 1 Comm: init\n");
	assert_int_equal(report_cpus_parse(b.data, b.len, start, b.len, &c),
	    REPORT_MAX_CPUS);
	assert_int_equal(c.crash_cpu, 0);
	for (size_t i = 0; i < c.n; i++) {
		char want[32];

		assert_int_not_equal(c.cpu[i].cpu, 0);
		assert_int_equal(c.cpu[i].nframes, REPORT_CPU_FRAMES);
		snprintf(want, sizeof(want), "spin%d", c.cpu[i].cpu);
		assert_string_equal(c.cpu[i].frames[0], want);
		if (i > 0)
			assert_true(c.cpu[i - 1].cpu < c.cpu[i].cpu);
	}
	report_cpus_release(&c);
	buf_release(&b);
}

/* report.json is read back with the same bounds and type checks. */
static void
test_from_json(void **state)
{
	json_t *j = json_pack("{s:i,s:[{s:i,s:[s,i,s]},{s:s,s:[]},{s:i},"
	    "{s:i,s:[]},{s:i,s:[]}]}", "crash_cpu", 99999,
	    "other_cpus", "cpu", 3, "frames", "a", 7, "b", "cpu", "x",
	    "frames", "cpu", 4, "cpu", -2, "frames", "cpu", 5, "frames");
	json_t *big = json_object(), *a = json_array();
	struct report_cpus c;

	assert_int_equal(report_cpus_from_json(j, &c), 2);
	assert_int_equal(c.crash_cpu, -1);
	assert_int_equal(c.cpu[0].cpu, 3);
	assert_int_equal(c.cpu[0].nframes, 2);
	assert_string_equal(c.cpu[0].frames[1], "b");
	assert_int_equal(c.cpu[1].cpu, 5);
	report_cpus_release(&c);
	assert_int_equal(report_cpus_from_json(NULL, &c), 0);
	report_cpus_release(&c);
	json_object_set_new(j, "other_cpus", json_string("no"));
	assert_int_equal(report_cpus_from_json(j, &c), 0);
	report_cpus_release(&c);
	for (int i = 0; i < 100; i++) {
		json_t *fr = json_array();

		for (int k = 0; k < 100; k++)
			json_array_append_new(fr, json_string("f"));
		json_array_append_new(a, json_pack("{s:i,s:o}", "cpu", i,
		    "frames", fr));
	}
	json_object_set_new(big, "other_cpus", a);
	assert_int_equal(report_cpus_from_json(big, &c), REPORT_MAX_CPUS);
	assert_int_equal(c.cpu[63].nframes, REPORT_CPU_FRAMES);
	report_cpus_release(&c);
	json_decref(big);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oops),
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_both_crash),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_task_hostile),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_from_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
