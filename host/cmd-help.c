/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The help command, which lists the commands or prints one's manual
 * (help-text.c) or the man page (help-man.c), and the version command.
 */
#include <stdio.h>

#include "util.h"
#include "cmd.h"

struct help_opts {
	int		 man;
};

static const struct cmd_opt help_opts[] = {
	OPT_FLAG(0, "man", struct help_opts, man, "Write the man page, "
	    "racerig(1), in troff to standard output instead (\"make man\" "
	    "keeps host/racerig.1 equal to it)."),
	OPT_OPERANDS(0, 2, "COMMAND VERB"),
	OPT_END()
};

static int
cmd_help_exec(int argc, char **argv)
{
	const struct cmd_entry *entry;
	const struct cmd_verb *verb = NULL;
	struct help_opts o = { 0 };
	int first;

	if ((first = parse_options(argc, argv, help_opts, &o, 0)) < 0)
		return EXIT_USAGE;
	if (o.man) {
		if (first != argc)
			return error("--man takes no command"), EXIT_USAGE;
		help_man(stdout);
		return EXIT_PASS;
	}
	if (first < argc) {
		entry = cmd_find(argv[first]);
		if (entry == NULL) {
			error("unknown command '%s'", argv[first]);
			return EXIT_USAGE;
		}
		if (first + 1 < argc) {
			verb = cmd_find_verb(entry, argv[first + 1]);
			if (verb == NULL) {
				error("'%s' has no verb '%s'", entry->name,
				    argv[first + 1]);
				return EXIT_USAGE;
			}
		}
		help_command(stdout, entry, verb);
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
	printf("\n'racerig help COMMAND' or 'racerig COMMAND -h' describes "
	    "one command, every option\nwith its default; 'man racerig' "
	    "all of them.\n");
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

static const struct cmd_example help_examples[] = {
	{ "racerig help run", "Every option of racerig run, with its "
	    "default." },
	{ "racerig help image build", "The options of one verb." },
	{ "racerig help --man > racerig.1", "Write the man page." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "racerig help [COMMAND [VERB]]\n"
	    "       racerig help --man",
	.help = "list commands, or describe one",
	.exec = cmd_help_exec,
	.description = "Without a command, list the commands. With one, "
	    "print its manual: synopsis, description, every option with its "
	    "argument and default, exit statuses and examples. "
	    "\"racerig COMMAND -h\" prints the same, and \"racerig COMMAND "
	    "VERB -h\" the part about one verb.",
	.opts = help_opts,
	.examples = help_examples,
};

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.usage = "racerig version",
	.help = "print racerig's version",
	.exec = cmd_version_exec,
	.description = "Print \"racerig\" and the version number; "
	    "\"racerig --version\" does the same.",
};
