/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for which report of a finished run's log is its crash and
 * which are its findings (run-classify.c): the crash is what ended the
 * run, a report the kernel went on from before it is a finding, and what
 * follows the crash is neither.  Logs are the repository's field reports
 * (tests/data/reports, read from RACERIG_ROOT or the working directory)
 * and short ones written here in the kernel's words.
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

/*
 * Classify log as a run that ended with outcome o: the crash's title in
 * title ("" if none) and the findings' titles, one per line, in found.
 */
static void
classify(const char *log, size_t len, enum run_outcome o, char *title,
    size_t tcap, struct buf *found)
{
	struct run_record r;
	struct report rep;
	size_t start = SIZE_MAX;

	memset(&r, 0, sizeof(r));
	title[0] = '\0';
	if (run_crash_report(log, len, o, &rep) == 1) {
		snprintf(title, tcap, "%s", rep.title);
		start = rep.start;
	}
	report_release(&rep);
	run_findings_collect(&r, log, len, start);
	for (size_t i = 0; i < r.nfindings; i++)
		buf_addf(found, "%s\n", r.findings[i].title);
	run_record_release(&r);
}

/*
 * Seed race 1 on 3.10, as it happened: two list_del WARNINGs (no
 * panic_on_warn), the second cut short by another CPU's general
 * protection fault in skb_release_head_state, then the panic.  The crash
 * is the fault, the first WARNING a finding.
 */
static void
test_oops_cutting_into_a_warning(void **state)
{
	const char *root = getenv("RACERIG_ROOT") ? getenv("RACERIG_ROOT") :
	    ".";
	char *path = xasprintf("%s/tests/data/reports/rcu-double-queue-3.10."
	    "log", root);
	struct buf log = BUF_INIT, found = BUF_INIT;
	char title[256];

	(void)state;
	assert_int_equal(read_file(path, &log, 1 << 20), 0);
	classify(log.data, log.len, RUN_CRASHED, title, sizeof(title), &found);
	assert_string_equal(title, "general protection fault in "
	    "skb_release_head_state");
	assert_non_null(strstr(found.data, "WARNING in dst_destroy\n"));
	assert_null(strstr(found.data, "kernel panic"));
	buf_release(&log);
	buf_release(&found);
	free(path);
}

#define KCSAN_LINES \
	"[    9.1] ===============================================\n" \
	"[    9.1] BUG: KCSAN: data-race in a_read / b_write\n" \
	"[    9.1] \n" \
	"[    9.1] write to 0xffff8880 of 8 bytes by task 5 on cpu 1:\n" \
	"[    9.1]  b_write+0x1/0x10\n" \
	"[    9.1] \n" \
	"[    9.1] read to 0xffff8880 of 8 bytes by task 6 on cpu 0:\n" \
	"[    9.1]  a_read+0x1/0x10\n" \
	"[    9.1] \n" \
	"[    9.1] Reported by Kernel Concurrency Sanitizer on:\n" \
	"[    9.1] ===============================================\n"
#define WARN_LINES \
	"[   10.0] ------------[ cut here ]------------\n" \
	"[   10.0] WARNING: CPU: 0 PID: 7 at net/x.c:1 x_put+0x1/0x10\n" \
	"[   10.0] Modules linked in:\n" \
	"[   10.0] RIP: 0010:x_put+0x1/0x10\n" \
	"[   10.0] Call Trace:\n" \
	"[   10.0]  <TASK>\n" \
	"[   10.0]  x_release+0x1/0x10\n" \
	"[   10.0]  </TASK>\n"

/* Logs in the kernel's words, and what each run's crash and findings are. */
static const struct {
	const char	*name;
	const char	*log;
	enum run_outcome o;
	const char	*title;		/* a piece of it; "" none */
	const char	*findings;	/* titles, a line each */
} cases[] = {
	/* panic_on_warn: the panic is the WARNING's, which is the crash */
	{ "panic_on_warn: the WARNING is the crash",
	    KCSAN_LINES WARN_LINES
	    "[   10.0] Kernel panic - not syncing: panic_on_warn set ...\n",
	    RUN_CRASHED, "WARNING in x_put",
	    "KCSAN: data-race in a_read / b_write\n" },
	/* a panic of its own after a finding: the panic is the crash */
	{ "a sysrq panic after a finding",
	    KCSAN_LINES
	    "[   11.0] sysrq: Trigger a crash\n"
	    "[   11.0] Kernel panic - not syncing: sysrq triggered crash\n"
	    "[   11.0] CPU: 1 PID: 1 Comm: sh Not tainted 6.1.0 #1\n",
	    RUN_CRASHED, "kernel panic: sysrq triggered crash",
	    "KCSAN: data-race in a_read / b_write\n" },
	/* an ok run: every report is a finding, one per bucket */
	{ "ok: all of them are findings",
	    KCSAN_LINES WARN_LINES KCSAN_LINES,
	    RUN_OK, "",
	    "KCSAN: data-race in a_read / b_write\nWARNING in x_put\n" },
};

static void
test_case(void **state)
{
	const int i = (int)(intptr_t)*state;
	struct buf found = BUF_INIT;
	char title[256];

	classify(cases[i].log, strlen(cases[i].log), cases[i].o, title,
	    sizeof(title), &found);
	if (cases[i].title[0] == '\0')
		assert_string_equal(title, "");
	else
		assert_non_null(strstr(title, cases[i].title));
	assert_string_equal(found.data ? found.data : "", cases[i].findings);
	buf_release(&found);
}

int
main(void)
{
	static struct CMUnitTest tests[ARRAY_SIZE(cases) + 1];

	tests[0] = (struct CMUnitTest)cmocka_unit_test(
	    test_oops_cutting_into_a_warning);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tests[i + 1] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_case, (void *)(intptr_t)i);
		tests[i + 1].name = cases[i].name;
	}
	return _cmocka_run_group_tests("u-classify-run", tests,
	    ARRAY_SIZE(tests), NULL, NULL);
}
