/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for scenario definitions (scenario.c), loaded from text
 * with scenario_parse(): the checks against a guest's size (CPU lists,
 * per-vCPU limits) on values at the edges of a long, and the error
 * paths of step timeouts.  tests/fuzz/fuzz-scenario found the timeout
 * leak; the overflows came with writing that target (issue 14).
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
#include "scenario.h"

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
 * scenario_check_vm() of the defaults for a guest of smp vCPUs, with
 * stderr caught in err.
 */
static int
check_vm(const struct scenario *s, int smp, char *err, size_t n)
{
	char path[] = "/tmp/u-scenario-err.XXXXXX";
	int fd = mkstemp(path), saved = dup(2), rc;
	struct param_values vals;
	ssize_t got;

	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(scenario_values(s, NULL, 0, &vals), 0);
	dup2(fd, 2);
	rc = scenario_check_vm(s, &vals, smp);
	dup2(saved, 2);
	close(saved);
	got = pread(fd, err, n - 1, 0);
	err[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(path);
	param_values_release(&vals);
	return rc;
}

/*
 * CPU numbers past a long (or past any guest) are not a CPU list: the
 * parser took LONG_MAX from strtol() and its message added one to it.
 */
static void
test_cpu_list_bounds(void **state)
{
	static const char *const bad[] = {
		"99999999999999999999", "0-99999999999999999999",
		"9223372036854775807", "4096", "0,1,4294967298", " 1", "+1",
		"1-", "1,", "",
	};
	char spec[256], err[512];
	struct scenario s;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(spec, sizeof(spec), "{ \"type\": \"choice\", "
		    "\"values\": [\"%s\"], \"default\": \"%s\", "
		    "\"cpus\": true }", bad[i], bad[i]);
		parse(spec, NULL, &s);
		if (check_vm(&s, 2, err, sizeof(err)) != -1)
			fail_msg("CPU list accepted: '%s'", bad[i]);
		if (strstr(err, "parameter 'p'") == NULL ||
		    strstr(err, "--smp -") != NULL ||
		    strstr(err, "CPU list") == NULL)
			fail_msg("'%s': %s", bad[i], err);
		scenario_release(&s);
	}
	/* what a guest has is fine, what it lacks says which --smp */
	parse("{ \"type\": \"choice\", \"values\": [\"0,2-3\"], "
	    "\"default\": \"0,2-3\", \"cpus\": true }", NULL, &s);
	assert_int_equal(check_vm(&s, 4, err, sizeof(err)), 0);
	assert_int_equal(check_vm(&s, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "use --smp 4 or more"));
	scenario_release(&s);
}

/*
 * per_vcpu_max times the vCPUs overflowed a long: a limit of 2^62 per
 * vCPU refused a value of 10 on 4 vCPUs.
 */
static void
test_per_vcpu_max_overflow(void **state)
{
	char err[512];
	struct scenario s;

	parse("{ \"type\": \"int\", \"default\": 10, \"min\": 0, "
	    "\"max\": 9223372036854775807, "
	    "\"per_vcpu_max\": 4611686018427387904 }", NULL, &s);
	assert_int_equal(check_vm(&s, 4, err, sizeof(err)), 0);
	assert_int_equal(check_vm(&s, 64, err, sizeof(err)), 0);
	scenario_release(&s);
	parse("{ \"type\": \"int\", \"default\": 9, \"min\": 0, "
	    "\"max\": 100, \"per_vcpu_max\": 4 }", NULL, &s);
	assert_int_equal(check_vm(&s, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "9 is more than a 2-vCPU guest"));
	assert_int_equal(check_vm(&s, 3, err, sizeof(err)), 0);
	scenario_release(&s);
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

/*
 * A symbol parameter becomes a module parameter in the guest: a C name
 * of at most SCENARIO_SYMBOL_MAX characters, or none; nothing else.
 */
static void
test_symbol_param(void **state)
{
	static const char *const bad[] = {
		"", "9abc", "a b", "a;reboot", "a=b", "../x", "a.isra.0",
		"$(id)", NULL,
	};
	struct scenario s;
	const struct scenario_param *p;
	char longname[SCENARIO_SYMBOL_MAX + 2];

	(void)state;
	parse("{ \"type\": \"symbol\", \"default\": \"none\" }", NULL, &s);
	p = scenario_param(&s, "p");
	assert_non_null(p);
	assert_int_equal(p->type, PARAM_SYMBOL);
	assert_int_equal(scenario_check_value(&s, p, "none"), 0);
	assert_int_equal(scenario_check_value(&s, p, "__nf_conntrack_confirm"),
	    0);
	for (size_t i = 0; bad[i] != NULL; i++)
		assert_int_equal(scenario_check_value(&s, p, bad[i]), -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(scenario_check_value(&s, p, longname), -1);
	longname[SCENARIO_SYMBOL_MAX] = '\0';
	assert_int_equal(scenario_check_value(&s, p, longname), 0);
	scenario_release(&s);
	/* a symbol's default is none: nothing injected unless asked */
	{
		const char *t = "{ \"name\": \"u\", \"params\": { \"p\": "
		    "{ \"type\": \"symbol\", \"default\": \"kfree\" } }, "
		    "\"steps\": [ { \"argv\": [\"true\"] } ] }";

		assert_int_equal(scenario_parse("u/scenario.json", t,
		    strlen(t), &s), -1);
	}
}

/* "exercises": areas under the tree, parameters the scenario has. */
static void
test_exercises(void **state)
{
	static const char *const bad[] = {
		"[ { \"area\": \"/fs\" } ]",
		"[ { \"area\": \"fs/../..\" } ]",
		"[ { \"params\": {} } ]",
		"[ { \"area\": \"fs\", \"params\": { \"nope\": \"1\" } } ]",
		"[ { \"area\": \"fs\", \"params\": { \"p\": \"9\" } } ]",
		"[ { \"area\": \"fs\", \"params\": { \"p\": 1 } } ]",
		"{ \"area\": \"fs\" }",
		NULL,
	};
	char text[1024];
	struct scenario s;

	(void)state;
	for (size_t i = 0; bad[i] != NULL; i++) {
		snprintf(text, sizeof(text), "{ \"name\": \"u\", \"params\": "
		    "{ \"p\": { \"type\": \"int\", \"default\": 1, \"min\": "
		    "0, \"max\": 2 } }, \"exercises\": %s, \"steps\": [ { "
		    "\"argv\": [\"true\"] } ] }", bad[i]);
		if (scenario_parse("u/scenario.json", text, strlen(text),
		    &s) == 0)
			fail_msg("accepted: %s", bad[i]);
	}
	snprintf(text, sizeof(text), "{ \"name\": \"u\", \"params\": "
	    "{ \"p\": { \"type\": \"int\", \"default\": 1, \"min\": 0, "
	    "\"max\": 2 } }, \"exercises\": [ { \"area\": \"net/netfilter\", "
	    "\"params\": { \"p\": \"2\" } }, { \"area\": \"mm\" } ], "
	    "\"steps\": [ { \"argv\": [\"true\"] } ] }");
	assert_int_equal(scenario_parse("u/scenario.json", text, strlen(text),
	    &s), 0);
	assert_int_equal(s.nexercises, 2);
	assert_string_equal(s.exercises[0].area, "net/netfilter");
	assert_int_equal(s.exercises[0].nparams, 1);
	assert_string_equal(s.exercises[0].params[0], "p=2");
	assert_string_equal(s.exercises[1].area, "mm");
	assert_int_equal(s.exercises[1].nparams, 0);
	scenario_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_list_bounds),
		cmocka_unit_test(test_per_vcpu_max_overflow),
		cmocka_unit_test(test_timeout_unknown_variable),
		cmocka_unit_test(test_symbol_param),
		cmocka_unit_test(test_exercises),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
