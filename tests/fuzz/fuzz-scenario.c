/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the scenario loader: any bytes as a
 * scenario.json, parsed by scenario_parse() (host/scenario.c); a
 * scenario that loads then goes through what a run does with it before
 * a VM starts: default values, the checks against guests of several
 * sizes, the expansion of every step's argv and env, and step timeouts.
 *
 * Beyond "no crash": a loaded scenario has a name, at least one step
 * and an argv in each; every default passes its own parameter's check.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The built-ins run.c passes to scenario_expand(). */
static const char *const builtins[] = {
	"seed", "1", "smp", "2", "duration_s", "30", NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int smps[] = { 1, 2, 64 };
	struct param_values vals;
	struct scenario s;
	struct buf out = BUF_INIT;
	long timeout;

	if (scenario_parse("fuzz/scenario.json", (const char *)data, size,
	    &s) != 0)
		return 0;
	assert(s.name != NULL && s.nsteps > 0);
	for (size_t i = 0; i < s.nparams; i++)
		assert(scenario_check_value(&s, &s.params[i],
		    s.params[i].def) == 0);
	if (scenario_values(&s, NULL, 0, &vals) == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(smps); i++)
			(void)scenario_check_vm(&s, &vals, smps[i]);
		for (size_t i = 0; i < s.nsteps; i++) {
			const struct scenario_step *st = &s.steps[i];

			assert(st->argc > 0);
			for (size_t k = 0; k < st->argc; k++)
				(void)scenario_expand(&s, &vals, builtins,
				    st->argv[k], &out);
			for (size_t k = 0; k < st->nenv; k++)
				(void)scenario_expand(&s, &vals, builtins,
				    st->env[k], &out);
			(void)scenario_step_timeout(&s, &vals, builtins, st,
			    30, &timeout);
		}
	}
	param_values_release(&vals);
	buf_release(&out);
	scenario_release(&s);
	return 0;
}
