/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for the report layer's pattern cache (report-re.c): it
 * compiled the first 96 patterns and then silently matched nothing, so
 * a table that grew past that misclassified without a word; and a
 * pattern that does not compile must say so, once (issue 15).
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
#include "report.h"
#include "report-impl.h"

/* Far more patterns than the old fixed cache of 96 held. */
#define NPATS	300

/* Patterns are cached by address: they must outlive the test. */
static char pats[NPATS][32];

static void
test_many_patterns_all_compile(void **state)
{
	char s[32];

	for (size_t i = 0; i < NPATS; i++)
		snprintf(pats[i], sizeof(pats[i]), "^pat%zu(x|y)$", i);
	for (size_t i = 0; i < NPATS; i++) {
		snprintf(s, sizeof(s), "pat%zuy", i);
		if (!report_re_match(pats[i], s))
			fail_msg("pattern %zu ('%s') does not match '%s'", i,
			    pats[i], s);
		/* and still only what it should */
		snprintf(s, sizeof(s), "pat%zuz", i);
		assert_false(report_re_match(pats[i], s));
	}
	/* cached: asked again, each still matches */
	for (size_t i = 0; i < NPATS; i++) {
		snprintf(s, sizeof(s), "pat%zux", i);
		assert_true(report_re_match(pats[i], s));
	}
}

/* Count the lines of stderr run() prints that contain what. */
static int
count_err(void (*run)(void), const char *what)
{
	char path[] = "/tmp/u-report-re.XXXXXX", err[4096];
	int fd = mkstemp(path), saved = dup(2), n = 0;
	ssize_t got;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	run();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	got = pread(fd, err, sizeof(err) - 1, 0);
	err[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(path);
	for (const char *p = err; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

static const char bad[] = "unbalanced (paren";

static void
match_bad_twice(void)
{
	assert_false(report_re_match(bad, "unbalanced (paren"));
	assert_false(report_re_match(bad, "anything"));
}

/* A pattern that does not compile is an error, reported once. */
static void
test_bad_pattern_reported_once(void **state)
{
	assert_int_equal(count_err(match_bad_twice,
	    "cannot compile pattern 'unbalanced (paren'"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_patterns_all_compile),
		cmocka_unit_test(test_bad_pattern_reported_once),
	};

	return cmocka_run_group_tests_name("report-re", tests, NULL, NULL);
}
