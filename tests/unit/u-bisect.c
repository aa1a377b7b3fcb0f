/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for the arithmetic of bisect.c: how many clean runs make a
 * step good, and the reproduction rate learnt from bad steps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util.h"
#include "bisect.h"

static void
test_runs_needed(void **state)
{
	(void)state;
	/* (1 - p)^n <= 1 - c: the smallest such n */
	assert_int_equal(bisect_runs_needed(0.9, 0.95), 2);
	assert_int_equal(bisect_runs_needed(0.75, 0.95), 3);
	assert_int_equal(bisect_runs_needed(0.5, 0.95), 5);
	assert_int_equal(bisect_runs_needed(0.5, 0.99), 7);
	/* clamped: a rate of 0 must not ask for infinitely many runs */
	assert_int_equal(bisect_runs_needed(0.0, 0.95), 149);
	assert_int_equal(bisect_runs_needed(1.0, 0.95), 1);
}

static void
test_rate_estimate(void **state)
{
	(void)state;
	/* no bad step yet: the prior */
	assert_true(bisect_rate_estimate(0, 0, 0.9) == 0.9);
	/* one step, crashed in its first run: 2/3, not 1.0 */
	assert_true(bisect_rate_estimate(1, 1, 0.9) > 0.66);
	assert_true(bisect_rate_estimate(1, 1, 0.9) < 0.67);
	/* a parallel batch of two that both crashed: 3/4, not 2/4 */
	assert_true(bisect_rate_estimate(2, 2, 0.9) == 0.75);
	assert_int_equal(bisect_runs_needed(bisect_rate_estimate(2, 2, 0.9),
	    0.95), 3);
	/* one crash in ten runs: a rare bug asks for many clean runs */
	assert_true(bisect_rate_estimate(1, 10, 0.9) == 2.0 / 12);
	assert_int_equal(bisect_runs_needed(2.0 / 12, 0.95), 17);
	/* a corrupt state (more crashes than runs) is ignored */
	assert_true(bisect_rate_estimate(5, 2, 0.9) == 0.9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_needed),
		cmocka_unit_test(test_rate_estimate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
