/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry point: find the subcommand in cmd_table[] and run it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

int
main(int argc, char **argv)
{
	const struct cmd_entry *entry;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: racerig COMMAND [ARGS...]\n"
		    "       racerig help\n");
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		argv[1] = "help";
	if (strcmp(argv[1], "--version") == 0)
		argv[1] = "version";
	entry = cmd_find(argv[1]);
	if (entry == NULL) {
		error("unknown command '%s' (see 'racerig help')", argv[1]);
		return EXIT_USAGE;
	}
	if (argc > 2 && (strcmp(argv[2], "-h") == 0 ||
	    strcmp(argv[2], "--help") == 0)) {
		cmd_print_usage(entry, 0);
		if (entry->help != NULL)
			printf("\n%s\n", entry->help);
		return EXIT_PASS;
	}
	/* A guest that dies under us must not kill the orchestrator. */
	signal(SIGPIPE, SIG_IGN);
	status = entry->exec(argc - 1, argv + 1);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		error("cannot write to standard output");
		return EXIT_INFRA;
	}
	return status;
}
