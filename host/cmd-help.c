/* SPDX-License-Identifier: GPL-2.0 */
/*
 * List the commands ("racerig help") and print the version.
 */
#include <stdio.h>

#include "host.h"

static int
cmd_help_exec(int argc, char **argv)
{
	const struct cmd_entry *entry;

	if (argc > 1) {
		entry = cmd_find(argv[1]);
		if (entry == NULL) {
			error("unknown command '%s'", argv[1]);
			return EXIT_USAGE;
		}
		cmd_print_usage(entry, 0);
		if (entry->help != NULL)
			printf("\n%s\n", entry->help);
		return EXIT_PASS;
	}
	printf("usage: racerig COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		entry = cmd_table[i];
		if (entry->flags & CMD_HIDDEN)
			continue;
		printf("  %-12s %s\n", entry->name,
		    entry->help != NULL ? entry->help : "");
	}
	printf("\n'racerig COMMAND -h' describes one command.\n");
	return EXIT_PASS;
}

static int
cmd_version_exec(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("racerig %s\n", RACERIG_VERSION);
	return EXIT_PASS;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "racerig help [COMMAND]",
	.help = "list commands, or describe one",
	.exec = cmd_help_exec,
};

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.usage = "racerig version",
	.help = "print racerig's version",
	.exec = cmd_version_exec,
};
