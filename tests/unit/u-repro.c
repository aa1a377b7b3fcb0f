/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for how repro judges a run against a report: the three
 * levels of match (repro.c) and whether the report's kernel ran an
 * out-of-tree module (report-taint.c), which decides whether a model
 * scenario's crash may count as a reproduction.  The reports are parsed
 * from text; the runs' crashes are built by hand, as a finished run's
 * record would give them (no VM here).
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
#include "run.h"
#include "repro.h"

/*
 * Parse a report of tests/data/reports (read from RACERIG_ROOT or the
 * working directory), with the repository's root-cause rules.
 */
static void
parse_data(const char *name, struct report *r)
{
	const char *root = getenv("RACERIG_ROOT") ? getenv("RACERIG_ROOT") :
	    ".";
	char *rules = xasprintf("%s/host/bug-classes.rules", root);
	char *path = xasprintf("%s/tests/data/reports/%s", root, name);
	struct buf log = BUF_INIT;

	report_set_rules(rules);
	assert_int_equal(read_file(path, &log, 1 << 20), 0);
	assert_int_equal(report_parse(log.data, log.len, r), 1);
	buf_release(&log);
	free(path);
	free(rules);
}

static struct run_crash
crash(const char *title, const char *frame, const char *cls)
{
	struct run_crash c;

	memset(&c, 0, sizeof(c));
	c.title = title;
	c.frame = frame;
	c.bucket = "0000000000000000";
	if (cls != NULL) {
		static const char *one[1];

		one[0] = cls;
		c.classes = one;
		c.nclasses = 1;
	}
	return c;
}

/* Title beats class beats similar; another crash is no match. */
static void
test_levels(void **state)
{
	struct report want;
	struct run_crash c;

	(void)state;
	parse_data("conntrack-clash-3.10.log", &want);
	assert_string_equal(want.classes[0], "nf-conntrack-clash-uaf");
	c = crash(want.title, "other", NULL);
	assert_int_equal(repro_match(&want, &c), REPRO_SAME_TITLE);
	c = crash("KASAN: use-after-free Read in nf_ct_deliver_cached_events",
	    "nf_ct_deliver_cached_events", want.classes[0]);
	assert_int_equal(repro_match(&want, &c), REPRO_SAME_CLASS);
	/* a bad access in the same function, with no class: similar */
	c = crash("general protection fault in nf_ct_deliver_cached_events",
	    "nf_ct_deliver_cached_events", NULL);
	assert_int_equal(repro_match(&want, &c), REPRO_SIMILAR);
	/* the same function, another kind of crash: no match */
	c = crash("WARNING in nf_ct_deliver_cached_events",
	    "nf_ct_deliver_cached_events", NULL);
	assert_int_equal(repro_match(&want, &c), REPRO_NONE);
	c = crash(NULL, NULL, NULL);
	assert_int_equal(repro_match(&want, &c), REPRO_NONE);
	assert_string_equal(repro_level_name(REPRO_SAME_CLASS),
	    "same bug class");
	report_release(&want);
}

/* A data race is similar when the same two functions race, either way. */
static void
test_race_pair(void **state)
{
	struct report want;
	struct run_crash c;

	(void)state;
	parse_data("kcsan-futex-hrtimer-6.1.log", &want);
	assert_string_equal(want.title,
	    "KCSAN: data-race in futex_wait_queue / hrtimer_wakeup");
	c = crash("KCSAN: data-race in hrtimer_wakeup / futex_wait_queue",
	    "hrtimer_wakeup", NULL);
	assert_int_equal(repro_match(&want, &c), REPRO_SIMILAR);
	c = crash("KCSAN: data-race in hrtimer_wakeup / do_nanosleep",
	    "hrtimer_wakeup", NULL);
	assert_int_equal(repro_match(&want, &c), REPRO_NONE);
	report_release(&want);
}

/* Out-of-tree: taint flag O or a module marked (O); not otherwise. */
static void
test_out_of_tree(void **state)
{
	static const struct { const char *log; int want; } t[] = {
		{ "CPU: 7 PID: 0 Comm: swapper/7 Tainted: G           OE  "
		  "------------   3.10.0-957.27.2.el7.x86_64 #1\n", 1 },
		{ "Modules linked in: vpnlink(OE) xt_CT nf_conntrack\n", 1 },
		{ "<4>[ 12.5] Modules linked in: zfs(PO) spl(O)\n", 1 },
		{ "CPU: 1 PID: 14951 Comm: syz-executor.2 Not tainted "
		  "5.16.0-rc8\n", 0 },
		{ "CPU: 4 PID: 148 Comm: kswapd0 Tainted: G        W  "
		  "5.13.4\n", 0 },
		{ "Modules linked in: ext4(E) mbcache jbd2 (Oops)\n", 0 },
		/* an O further on the line is not a taint flag */
		{ "Comm: x Tainted: G   W   6.1.0-Oracle\n", 0 },
		{ "Tainted: ", 0 },
		{ "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (report_out_of_tree(t[i].log, strlen(t[i].log)) !=
		    t[i].want)
			fail_msg("case %zu: %s", i, t[i].log);
	}
}

/*
 * The plan reads the whole stack of a report (report_span_frames), not
 * only the frames its title needed: every sure frame in order, once,
 * whatever prefix the log puts before the kernel's text; the unwinder's
 * guesses ("? f") are left out.  At most max are kept.
 */
static void
test_span_frames(void **state)
{
	static const char *const want[] = {
		"ext4_set_page_dirty", "folio_mark_dirty",
		"set_page_dirty_lock", "bio_set_pages_dirty",
		"blkdev_direct_IO", "process_one_work", "worker_thread",
		"kthread", "ret_from_fork",
	};
	const char *root = getenv("RACERIG_ROOT") ? getenv("RACERIG_ROOT") :
	    ".";
	char *path = xasprintf("%s/tests/data/reports/unrelated-ext4-warning.log",
	    root);
	struct buf log = BUF_INIT, sys = BUF_INIT;
	char fns[16][128];
	struct report r;
	size_t n;

	(void)state;
	assert_int_equal(read_file(path, &log, 1 << 20), 0);
	assert_int_equal(report_parse(log.data, log.len, &r), 1);
	n = report_span_frames(log.data, log.len, r.start, r.end, fns, 16);
	assert_int_equal(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fns[i], want[i]);
	/* the first frame is the guilty one; "? __warn" is not a frame */
	assert_int_equal(report_span_frames(log.data, log.len, r.start,
	    r.end, fns, 2), 2);
	assert_string_equal(fns[1], "folio_mark_dirty");
	report_release(&r);
	/* the same lines as a syslog gives them */
	for (const char *p = log.data; p < log.data + log.len;) {
		const char *nl = memchr(p, '\n', (size_t)(log.data + log.len - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(log.data + log.len - p);

		buf_addf(&sys, "Dec  3 14:00:00 host kernel: %.*s\n", (int)l, p);
		p += l + 1;
	}
	assert_int_equal(report_parse(sys.data, sys.len, &r), 1);
	n = report_span_frames(sys.data, sys.len, r.start, r.end, fns, 16);
	assert_int_equal(n, ARRAY_SIZE(want));
	assert_string_equal(fns[4], "blkdev_direct_IO");
	report_release(&r);
	buf_release(&sys);
	buf_release(&log);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_race_pair),
		cmocka_unit_test(test_out_of_tree),
		cmocka_unit_test(test_span_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
