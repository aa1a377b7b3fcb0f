/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for console.c: markers, line splitting, the log limit and
 * the tail kept past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"
#include "vm.h"

static char tmpdir[] = "/tmp/u-console.XXXXXX";

static char *
log_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
read_all(const char *path, struct buf *b)
{
	buf_reset(b);
	assert_int_equal(read_file(path, b, 64u << 20), 0);
}

static void
test_markers(void **state)
{
	struct console c;
	char *p = log_path("markers.log");
	const char *boot = "[    0.1] Linux version 6.1\r\n"
	    "racerig-agent: ready\n";
	const char *oops = "[   12.5] BUG: kernel NULL pointer dereference, "
	    "address: 0000000000000000\n[   12.6] RIP: 0010:0x0\n";

	assert_int_equal(console_open(&c, p, 1 << 20), 0);
	console_feed(&c, boot, strlen(boot));
	assert_int_equal(c.flags, CONSOLE_AGENT_READY);
	/* a marker split across two reads is still found */
	console_feed(&c, oops, 20);
	assert_false(c.flags & CONSOLE_CRASH);
	console_feed(&c, oops + 20, strlen(oops) - 20);
	assert_true(c.flags & CONSOLE_CRASH);
	assert_non_null(strstr(c.first_line, "BUG: kernel NULL pointer"));
	assert_int_equal(c.lines, 4);
	console_close(&c);
	free(p);
}

/*
 * Lines the kernel prints with "WARNING:" that are no WARN() splat, and
 * splats: a finding (the kernel goes on), never a crash by themselves.
 */
static void
test_warning_markers(void **state)
{
	const struct { const char *line; int finding; } cases[] = {
		{ "[   11.6] WARNING: The mand mount option has been "
		    "deprecated and\n", 0 },
		{ "[    2.9] WARNING: CPU: 0 PID: 91 at kernel/rcu/tree.c:2353 "
		    "rcu_do_batch+0x4ca/0x540\n", 1 },
		{ "WARNING: at net/ipv4/tcp.c:1234 tcp_sendmsg+0x1/0x2()\n", 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct console c;
		char *p = log_path("warning.log");

		assert_int_equal(console_open(&c, p, 1 << 20), 0);
		console_feed(&c, cases[i].line, strlen(cases[i].line));
		assert_int_equal(!!(c.flags & CONSOLE_FINDING),
		    cases[i].finding);
		assert_int_equal(c.findings, (unsigned long)cases[i].finding);
		assert_false(c.flags & CONSOLE_CRASH);
		console_close(&c);
		free(p);
	}
}

static void
test_hang_markers(void **state)
{
	const char *lines[] = {
		"watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [a:1]\n",
		"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n",
		"INFO: task kworker/0:1:12 blocked for more than 120 seconds.\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		struct console c;
		char *p = log_path("hang.log");

		assert_int_equal(console_open(&c, p, 1 << 20), 0);
		console_feed(&c, lines[i], strlen(lines[i]));
		assert_true(c.flags & CONSOLE_HANG);
		console_close(&c);
		free(p);
	}
}

/* Bytes past the limit are dropped, but the tail is kept and noted. */
static void
test_limit_and_tail(void **state)
{
	struct console c;
	struct buf b = BUF_INIT;
	char *p = log_path("limit.log");
	char *chunk = xmalloc(100000);

	memset(chunk, 'x', 100000);
	assert_int_equal(console_open(&c, p, 50000), 0);
	for (int i = 0; i < 30; i++)	/* 3 MB */
		console_feed(&c, chunk, 100000);
	console_feed(&c, "\nKernel panic - not syncing: end\n", 33);
	assert_int_equal(c.logged, 50000);
	assert_int_equal(c.dropped, 3000000 + 33 - 50000);
	/* the panic came after the limit and is still seen */
	assert_true(c.flags & CONSOLE_PANIC);
	console_close(&c);
	read_all(p, &b);
	assert_non_null(strstr(b.data, "console.log limit of 50000 bytes "
	    "reached"));
	/* the last bytes, including the panic line, are in the file */
	assert_non_null(strstr(b.data, "Kernel panic - not syncing: end"));
	assert_true(b.len < 50000 + CONSOLE_TAIL + 200);
	buf_release(&b);
	free(chunk);
	free(p);
}

/* Over-long lines and binary junk neither overflow nor stop parsing. */
/*
 * What kills a task is a crash; what the kernel reports and goes on from
 * is a finding, counted once per report however many markers its header
 * line has.
 */
static void
test_crash_or_finding(void **state)
{
	const struct { const char *line; unsigned flags; int counted; }
	    cases[] = {
		{ "[ 9.1] BUG: KCSAN: data-race in a / b\n",
		    CONSOLE_FINDING, 1 },
		{ "[ 9.1] BUG: KASAN: use-after-free in f+0x1/0x2\n",
		    CONSOLE_FINDING, 1 },
		{ "[ 9.1] BUG: sleeping function called from invalid context "
		    "at mm/slab.h:1\n", CONSOLE_FINDING, 1 },
		{ "[ 9.1] watchdog: BUG: soft lockup - CPU#1 stuck for 22s!\n",
		    CONSOLE_FINDING | CONSOLE_HANG, 1 },
		{ "[ 9.1] list_del corruption, ffff8880 ->next is "
		    "LIST_POISON1 (dead000000000100)\n", CONSOLE_FINDING, 0 },
		{ "[ 9.1] WARNING: possible circular locking dependency "
		    "detected\n", CONSOLE_FINDING, 1 },
		{ "[ 9.1] BUG: unable to handle page fault for address: "
		    "ffffffffffffff10\n", CONSOLE_CRASH, 0 },
		{ "[ 9.1] BUG: kernel NULL pointer dereference, address: 0\n",
		    CONSOLE_CRASH, 0 },
		{ "[ 9.1] general protection fault, probably for non-canonical "
		    "address 0xdead000000000122: 0000 [#1] SMP PTI\n",
		    CONSOLE_CRASH, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct console c;
		char *p = log_path("finding.log");

		assert_int_equal(console_open(&c, p, 1 << 20), 0);
		console_feed(&c, cases[i].line, strlen(cases[i].line));
		assert_int_equal(c.flags, cases[i].flags);
		assert_int_equal(c.findings, (unsigned long)cases[i].counted);
		/* a finding is not the line a run ends for */
		assert_int_equal(c.first_line[0] != '\0',
		    !!(cases[i].flags & (CONSOLE_CRASH | CONSOLE_HANG)));
		console_close(&c);
		free(p);
	}
}

static void
test_garbage(void **state)
{
	struct console c;
	char *p = log_path("garbage.log");
	char *junk = xmalloc(3 * CONSOLE_LINE);

	for (size_t i = 0; i < 3 * CONSOLE_LINE; i++)
		junk[i] = (char)(i * 131 + 7) == '\n' ? 'a' : (char)(i * 131 + 7);
	assert_int_equal(console_open(&c, p, 1 << 20), 0);
	console_feed(&c, junk, 3 * CONSOLE_LINE);
	console_feed(&c, "\nkernel BUG at x\x01\xff\n",
	    sizeof("\nkernel BUG at x\x01\xff\n") - 1);
	assert_true(c.flags & CONSOLE_CRASH);
	/* the recorded line is made printable for run.json */
	for (const char *s = c.first_line; *s; s++)
		assert_true(*s >= 0x20 && *s < 0x7f);
	console_close(&c);
	free(junk);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_crash_or_finding),
		cmocka_unit_test(test_warning_markers),
		cmocka_unit_test(test_hang_markers),
		cmocka_unit_test(test_limit_and_tail),
		cmocka_unit_test(test_garbage),
	};
	int rc;

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests_name("console", tests, NULL, NULL);
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			rc = 1;
		free(cmd);
	}
	return rc;
}
