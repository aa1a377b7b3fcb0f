/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for scenario definitions (scenario.c), loaded from text
 * with scenario_parse(): the checks against a guest's size (CPU lists,
 * per-vCPU limits) on values at the edges of a long, and the error
 * paths of step timeouts.  Each case came from tests/fuzz/fuzz-scenario.
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

/* A scenario with one parameter, spec (JSON), and one step. */
static void
parse(const char *spec, const char *step, struct scenario *s)
{
	char text[1024];

	snprintf(text, sizeof(text), "{ \"name\": \"u\", \"params\": "
	    "{ \"p\": %s }, \"steps\": [ %s ] }", spec,
	    step ? step : "{ \"argv\": [\"true\"] }");
	if (scenario_parse("u/scenario.json", text, strlen(text), s) != 0)
		fail_msg("cannot parse: %s", text);
}

/*
 * A step timeout naming an unknown variable is an error, and leaked
 * its expansion buffer (found by LeakSanitizer: make SANITIZE=1).
 */
static void
test_timeout_unknown_variable(void **state)
{
	struct param_values vals;
	struct scenario s;
	long t = -1;

	parse("{ \"type\": \"int\", \"default\": 1, \"min\": 0, "
	    "\"max\": 9 }", "{ \"argv\": [\"true\"], "
	    "\"timeout_s\": \"abcdefghijklmnopqrstuvwxyz+${nope}+1\" }", &s);
	assert_int_equal(scenario_values(&s, NULL, 0, &vals), 0);
	assert_int_equal(scenario_step_timeout(&s, &vals, NULL, &s.steps[0],
	    30, &t), -1);
	param_values_release(&vals);
	scenario_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_unknown_variable),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
