/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of racerig subcommands.
 *
 * To add a command NAME:
 *  1. write host/cmd-NAME.c defining "const struct cmd_entry cmd_NAME_entry"
 *     (name, usage, help, exec); keep it thin: parse options, call library
 *     code, return an EXIT_* status;
 *  2. give it its options as a table of struct cmd_opt (cmd.h) over a
 *     struct of its own, which .opts points to and exec hands to
 *     parse_options(), each option with its default and help; and its
 *     documentation: description and examples (tests/unit/u-help.c checks
 *     that the help shows every option with its range and default);
 *  3. declare it below and add it to cmd_table[], which stays sorted;
 *  4. the Makefile picks up every host/ source file by itself;
 *  5. add a test under tests/ (every command must answer -h, checked by
 *     tests/t0001-help.sh);
 *  6. regenerate the man page, host/racerig.1, with "make man";
 *  7. describe it in README.md.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "cmd.h"

extern const struct cmd_entry cmd_bisect_entry;
extern const struct cmd_entry cmd_bisect_step_entry;
extern const struct cmd_entry cmd_boot_entry;
extern const struct cmd_entry cmd_classify_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_image_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_repro_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_scenario_entry;
extern const struct cmd_entry cmd_stress_entry;
extern const struct cmd_entry cmd_version_entry;

const struct cmd_entry *const cmd_table[] = {
	&cmd_bisect_entry,
	&cmd_bisect_step_entry,
	&cmd_boot_entry,
	&cmd_classify_entry,
	&cmd_help_entry,
	&cmd_image_entry,
	&cmd_report_entry,
	&cmd_repro_entry,
	&cmd_run_entry,
	&cmd_scenario_entry,
	&cmd_stress_entry,
	&cmd_version_entry,
	NULL
};

const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	}
	return NULL;
}

