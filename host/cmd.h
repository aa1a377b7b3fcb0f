/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line (cmd.c, cmd-help.c, cmd-*.c): the command table, the
 * documentation tables each command keeps next to its options, and help
 * output.  The top layer: nothing below includes this.
 */
#ifndef RACERIG_CMD_H
#define RACERIG_CMD_H

#include "util.h"

struct option;			/* <getopt.h> */

/*
 * Documentation of one option, next to the getopt table it describes.
 * spelling is the option as typed, with its argument ("--smp N"); def
 * says what happens without it: a value ("120"), "off" for a flag, or
 * where the value comes from ("the scenario's"), never NULL.  help is
 * one or two sentences, range included.  Tables end with a NULL
 * spelling.  tests/unit/u-help.c checks that a command's doc table and
 * its getopt table name the same long options.
 */
struct cmd_option_doc {
	const char	*spelling;
	const char	*def;
	const char	*help;
};

/* An exit status with a meaning of its own; tables end with a NULL what. */
struct cmd_exit_doc {
	int		 status;
	const char	*what;
};

/* An example command line and what it does; NULL command ends a table. */
struct cmd_example {
	const char	*command;
	const char	*what;
};

/*
 * A verb of a command with a sub-table ("image build").  fn gets argv
 * from the verb on.  The rest is its documentation, as in cmd_entry;
 * tables end with a NULL name.
 */
struct cmd_verb {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*usage;		/* "racerig image build ..." */
	const char	*help;		/* one line */
	const struct option *getopt;	/* NULL: takes no options */
	const struct cmd_option_doc *options;
};

/*
 * One subcommand.  cmd.c lists them all in cmd_table[]; the dispatcher in
 * racerig.c finds the entry, handles -h, and calls exec with argv[0] set
 * to the command name.  exec returns an EXIT_* status.
 *
 * The documentation fields feed "racerig help COMMAND", "COMMAND -h" and
 * the man page ("racerig help --man"), so help cannot drift from the
 * parser: getopt is the very table exec parses with, options its
 * documentation.  description is plain text, paragraphs separated by a
 * blank line; help output and the man page fill and wrap it.  Optional
 * fields may be NULL.
 */
struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "racerig NAME ..." synopsis */
	const char	*help;		/* one line for "racerig help" */
	int		 flags;
#define CMD_HIDDEN	0x1		/* not listed by "racerig help" */
	int		(*exec)(int argc, char **argv);
	const char	*description;
	const struct option *getopt;	/* NULL: takes no options */
	const struct cmd_option_doc *options;
	const struct cmd_verb *verbs;	/* NULL: no verbs */
	const struct cmd_exit_doc *exits; /* NULL: the usual 0/1/2/129 */
	const struct cmd_example *examples;
};

/* cmd-stress.c */
char		*stress_db_path(const char *arg);

/* cmd.c */
extern const struct cmd_entry *const cmd_table[];
int		 cmd_run_verb(const struct cmd_verb *verbs, int argc,
		     char **argv);
const struct cmd_entry *cmd_find(const char *name);
const struct cmd_verb *cmd_find_verb(const struct cmd_entry *entry,
		     const char *name);

/* cmd-help.c */
void		 help_command(FILE *fp, const struct cmd_entry *entry,
		     const struct cmd_verb *verb);
void		 help_man(FILE *fp);

#endif
