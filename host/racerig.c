/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry point: find the subcommand in cmd_table[] and run it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "cmd.h"

static int
is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *entry;
	const struct cmd_verb *verb;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: racerig COMMAND [ARGS...]\n"
		    "       racerig help\n");
		return EXIT_USAGE;
	}
	if (is_help(argv[1]))
		argv[1] = "help";
	if (strcmp(argv[1], "--version") == 0)
		argv[1] = "version";
	entry = cmd_find(argv[1]);
	if (entry == NULL) {
		error("unknown command '%s' (see 'racerig help')", argv[1]);
		return EXIT_USAGE;
	}
	/* "COMMAND -h" and "COMMAND VERB -h": the manual, no setup */
	if (argc > 2 && is_help(argv[2])) {
		help_command(stdout, entry, NULL);
		return EXIT_PASS;
	}
	if (argc > 3 && is_help(argv[3]) &&
	    (verb = cmd_find_verb(entry, argv[2])) != NULL) {
		help_command(stdout, entry, verb);
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
