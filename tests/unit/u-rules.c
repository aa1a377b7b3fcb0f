/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for the root-cause rules file (report-rules.c): loading
 * replaces the rules before, a bad file leaves none, and patterns that
 * would take exponential time to compile or match are refused, naming
 * the rule.  tests/fuzz/fuzz-rules found the leak of a bad file; the
 * other cases came with writing that target (issue 14).
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

/* Load text as the rules; returns report_load_rules()'s. */
static int
load(const char *text)
{
	char path[] = "/tmp/u-rules.XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	report_set_rules(path);
	rc = report_load_rules();
	unlink(path);
	return rc;
}

/*
 * Load text as the rules with stderr caught; returns
 * report_load_rules()'s and leaves what it printed in err.
 */
static int
load_err(const char *text, char *err, size_t n)
{
	char path[] = "/tmp/u-rules-err.XXXXXX";
	int fd = mkstemp(path), saved = dup(2), rc;
	ssize_t got;

	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	rc = load(text);
	dup2(saved, 2);
	close(saved);
	got = pread(fd, err, n - 1, 0);
	err[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(path);
	return rc;
}

/*
 * A second load replaces the rules: it appended to them, so a class of
 * the first file was still matched and explained after the second.
 */
static void
test_reload_replaces(void **state)
{
	assert_int_equal(load("class first\ntitle x\nexplain one\n"), 0);
	assert_string_equal(report_class_explain("first"), "one");
	assert_int_equal(load("class second\ntitle y\nexplain two\n"), 0);
	assert_null(report_class_explain("first"));
	assert_string_equal(report_class_explain("second"), "two");
}

/* A file with an error leaves no rule, not the ones before the error. */
static void
test_bad_file_leaves_none(void **state)
{
	assert_int_equal(load("class first\ntitle x\nexplain one\n"), 0);
	assert_int_equal(load("class other\nexplain two\nmatch y\n"), -1);
	assert_null(report_class_explain("first"));
	assert_null(report_class_explain("other"));
}

/*
 * Patterns whose compiling or matching has no useful bound are refused
 * with an error naming the file, line and class: glibc matches
 * back-references by backtracking ("(a*)*\1" takes seconds on one
 * line), nested counts multiply in regcomp() and so does "a++", which
 * glibc reads as "(a+)+" (fuzz-rules ran out of memory on a pattern of
 * 36 '+'), and counts of one pattern add up.
 */
static void
test_runaway_patterns_refused(void **state)
{
	static const char *const bad[] = {
		"title (a+)+$",
		"log (a*)*\\1$",
		"log (a*)\\1",
		"title (a{30}){30}",
		"guilty ((a|b)*c)*",
		"title x(y(a+)z)+",
		"title (a+){2,}",
		"title a{256}",
		"title (a){1,300}",
		"title a{200}b{56}",
		"title a{99999999999999999999}",
		"title [a-z]{255}[a-z]{1,}",
		/* few '+': without the check this must fail, not eat RAM */
		"title ^nf_ct++++_",
		"title a*{3}",
		"title (a)+*",
		"title a?+",
	};
	static const char *const good[] = {
		"title (a|b)+c",
		"title a{2,5}(xy)*",
		"title (a?)?",
		"title ([a+]b)+",
		"title \\(a+\\)+",
		"title [[:alpha:]]+([]*]c)*",
		"title (foo|bar) in [a-z_]+",
		"title a{255}",
		"title a{200}b{50,55}c*",
		"title a+?b*?",
	};
	char text[256], err[1024];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text), "class ok\ntitle x\nexplain kept\n"
		    "class slow-%zu\n%s\n", i, bad[i]);
		if (load_err(text, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		snprintf(text, sizeof(text), ":5: class 'slow-%zu': pattern",
		    i);
		if (strstr(err, text) == NULL || strstr(err, "refused") == NULL)
			fail_msg("the error does not name the rule: %s", err);
		assert_null(report_class_explain("ok"));
	}
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		snprintf(text, sizeof(text), "class fine\n%s\n", good[i]);
		if (load_err(text, err, sizeof(err)) != 0)
			fail_msg("refused: %s: %s", good[i], err);
	}
}

/*
 * A line longer than the reader's buffer is an error: its rest was read
 * as a line of its own, so a long pattern was cut and its tail taken
 * for a keyword, or for a rule ("class" at the cut).
 */
static void
test_long_line(void **state)
{
	char text[1400], err[512];
	size_t n;

	/* the first 1023 bytes of line 2 end just before "class other" */
	n = (size_t)snprintf(text, sizeof(text), "class long\ntitle ");
	memset(text + n, 'x', 11 + 1023 - n);
	snprintf(text + 11 + 1023, sizeof(text) - 11 - 1023,
	    "class other\nexplain two\n");
	assert_int_equal(load_err(text, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: line longer than 1022 bytes"));
	assert_null(report_class_explain("other"));
	/* the longest line that fits is fine */
	n = (size_t)snprintf(text, sizeof(text), "class long\ntitle ");
	memset(text + n, 'x', 11 + 1022 - n);
	snprintf(text + 11 + 1022, sizeof(text) - 11 - 1022, "\n");
	assert_int_equal(load_err(text, err, sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reload_replaces),
		cmocka_unit_test(test_bad_file_leaves_none),
		cmocka_unit_test(test_runaway_patterns_refused),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
