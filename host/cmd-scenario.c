/* SPDX-License-Identifier: GPL-2.0 */
/*
 * List, describe and check scenario definitions ("racerig scenario").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "scenario.h"
#include "cmd.h"

/* The verbs take no options, only their operands. */
static const struct cmd_opt scenario_list_opts[] = {
	OPT_OPERANDS(0, 0, NULL),
	OPT_END()
};

static const struct cmd_opt scenario_show_opts[] = {
	OPT_OPERANDS(1, 1, "NAME"),
	OPT_END()
};

static const struct cmd_opt scenario_check_opts[] = {
	OPT_OPERANDS(1, -1, "NAME"),
	OPT_END()
};

static int
scenario_cmd_list(int argc, char **argv)
{
	char **names;
	size_t n;

	if (parse_options(argc, argv, scenario_list_opts, NULL, 0) < 0)
		return EXIT_USAGE;
	if (scenario_list(&names, &n) != 0)
		return EXIT_INFRA;
	for (size_t i = 0; i < n; i++) {
		struct scenario s;

		if (scenario_load(names[i], &s) == 0) {
			printf("%-20s %-28s %s\n", s.name,
			    s.bug_class ? s.bug_class : "-", s.description);
			scenario_release(&s);
		}
		free(names[i]);
	}
	free(names);
	return EXIT_PASS;
}

static int
scenario_cmd_show(int argc, char **argv)
{
	struct scenario s;

	if (parse_options(argc, argv, scenario_show_opts, NULL, 0) < 0)
		return EXIT_USAGE;
	if (scenario_load(argv[1], &s) != 0)
		return EXIT_USAGE;
	printf("name:        %s\ndescription: %s\nbug class:   %s\n"
	    "expect:      %s\nvm:          %d vCPUs, %d MiB\n"
	    "duration:    %ld s\n", s.name, s.description,
	    s.bug_class ? s.bug_class : "-", s.expect, s.smp, s.mem_mb,
	    s.duration_s);
	printf("params:\n");
	for (size_t i = 0; i < s.nparams; i++) {
		const struct scenario_param *p = &s.params[i];

		if (p->type == PARAM_INT)
			printf("  %-14s default %-8s range [%ld, %ld]  %s\n",
			    p->name, p->def, p->min, p->max, p->help);
		else if (p->type == PARAM_SYMBOL)
			printf("  %-14s default %-8s a kernel function  %s\n",
			    p->name, p->def, p->help);
		else {
			printf("  %-14s default %-8s one of", p->name, p->def);
			for (size_t k = 0; k < p->nvalues; k++)
				printf(" %s", p->values[k]);
			printf("  %s\n", p->help);
		}
	}
	printf("steps:\n");
	for (size_t i = 0; i < s.nsteps; i++) {
		printf("  %zu.%s", i + 1, s.steps[i].background ?
		    " (background)" : "");
		for (size_t k = 0; k < s.steps[i].argc; k++)
			printf(" %s", s.steps[i].argv[k]);
		printf("\n");
	}
	scenario_release(&s);
	return EXIT_PASS;
}

/* Validate a scenario and, optionally, parameter assignments. */
static int
scenario_cmd_check(int argc, char **argv)
{
	struct scenario s;
	struct param_values vals;
	int rc;

	if (parse_options(argc, argv, scenario_check_opts, NULL, 0) < 0)
		return EXIT_USAGE;
	if (scenario_load(argv[1], &s) != 0)
		return EXIT_USAGE;
	rc = scenario_values(&s, argv + 2, (size_t)argc - 2, &vals);
	if (rc == 0)
		rc = scenario_check_vm(&s, &vals, s.smp);
	if (rc == 0)
		printf("%s: ok\n", s.name);
	param_values_release(&vals);
	scenario_release(&s);
	return rc == 0 ? EXIT_PASS : EXIT_USAGE;
}

static const struct cmd_verb scenario_verbs[] = {
	{ .name = "list", .fn = scenario_cmd_list,
	  .usage = "racerig scenario list",
	  .help = "list the scenarios: name, bug class and description",
	  .opts = scenario_list_opts },
	{ .name = "check", .fn = scenario_cmd_check,
	  .usage = "racerig scenario check NAME [NAME=VALUE ...]",
	  .help = "validate a scenario and, if given, parameter values as run "
	    "would, without booting; print \"NAME: ok\"",
	  .opts = scenario_check_opts },
	{ .name = "show", .fn = scenario_cmd_show,
	  .usage = "racerig scenario show NAME",
	  .help = "describe a scenario: its VM, duration, parameters with "
	    "their defaults and ranges, and steps",
	  .opts = scenario_show_opts },
	{ .name = NULL }
};

static int
cmd_scenario_exec(int argc, char **argv)
{
	return cmd_run_verb(scenario_verbs, argc, argv);
}

static const struct cmd_example scenario_examples[] = {
	{ "racerig scenario show nfqueue-udp-clash", "The parameters a run "
	    "or a campaign can set, with their ranges." },
	{ "racerig scenario check nfqueue-udp-clash queues=4",
	    "Check a parameter value before a long run." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_scenario_entry = {
	.name = "scenario",
	.usage = "racerig scenario [list]\n"
	    "       racerig scenario show NAME\n"
	    "       racerig scenario check NAME [NAME=VALUE ...]",
	.help = "list scenarios, describe one, or validate one and its "
	    "parameters",
	.exec = cmd_scenario_exec,
	.description = "A scenario is a directory under scenarios/ (or "
	    "$RACERIG_SCENARIOS) with a scenario.json: the VM it needs, its "
	    "parameters and the steps the guest agent runs. The verbs take no "
	    "options.",
	.verbs = scenario_verbs,
	.examples = scenario_examples,
};
