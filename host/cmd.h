/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line (cmd.c, cmd-*.c): the command table, the option
 * tables each command parses with (parse-options.c) and documents itself
 * with, and help output from them (help-text.c, help-man.c).  The top
 * layer: nothing below includes this.
 */
#ifndef RACERIG_CMD_H
#define RACERIG_CMD_H

#include <stddef.h>

#include "util.h"

/*
 * One option of a command, in the command's table (parse-options.c; git's
 * parse-options, tmux's args template).  The table is the one place an
 * option is described: parse_options() parses with it and "racerig help"
 * prints it, so the two cannot drift.  Write entries with the OPT_*()
 * macros below and end the table with OPT_END().
 *
 * Values go into one struct per command (the command's options), at
 * offset off; the macros take the struct type and field and refuse to
 * compile when the field's type is not the option type's.
 *
 * def says what happens without the option: a value ("120"), "off" for
 * a flag, or prose ("the scenario's", "none"), never NULL; "(no
 * default)" is printed as it is.  parse_options() stores def before
 * parsing when it is a value of the option's type (a number in range,
 * one of the choices); otherwise the field keeps what the caller put
 * there, which the prose then describes.  help is one or two sentences;
 * the range and the default are added to it.
 */
enum cmd_opt_type {
	CMD_OPT_END,
	CMD_OPT_FLAG,		/* int, 1 when given */
	CMD_OPT_INT,		/* int, min..max */
	CMD_OPT_LONG,		/* long, min..max */
	CMD_OPT_STRING,		/* const char *, the last one given */
	CMD_OPT_CHOICE,		/* const char *, one of choices */
	CMD_OPT_LIST,		/* char **, size_t count: all given */
	CMD_OPT_FUNC,		/* any field: fn converts */
	CMD_OPT_OPERANDS,	/* no option: how many operands, min..max */
};

struct cmd_opt {
	enum cmd_opt_type type;
	int		 short_name;	/* 0: long only */
	const char	*long_name;
	const char	*argh;		/* the value in help: "N", "FILE" */
	size_t		 off;		/* offsetof the field */
	size_t		 count_off;	/* CMD_OPT_LIST: offsetof the count */
	long		 min, max;	/* CMD_OPT_INT, _LONG, _OPERANDS */
	/*
	 * CMD_OPT_CHOICE: the values, "qemu|kdump|none".  CMD_OPT_FUNC:
	 * what the value must be, for the error ("an IP address").
	 */
	const char	*choices;
	/*
	 * CMD_OPT_FUNC: store arg into field (base is the whole options
	 * struct, for a value that sets two fields); -1, silently, when arg
	 * is not valid: parse_options() reports it, with choices.
	 */
	int		(*fn)(const char *arg, void *field, void *base);
	const char	*def;
	const char	*help;
};

/* offsetof(T, f), which compiles only if T's f is of type ftype */
#define OPT_OFF(T, f, ftype) \
	(offsetof(T, f) + 0 * sizeof((ftype *)0 == &((T *)0)->f))

#define OPT_FLAG(s, l, T, f, h) \
	{ .type = CMD_OPT_FLAG, .short_name = (s), .long_name = (l), \
	  .off = OPT_OFF(T, f, int), .def = "off", .help = (h) }
#define OPT_INT(s, l, a, T, f, lo, hi, d, h) \
	{ .type = CMD_OPT_INT, .short_name = (s), .long_name = (l), \
	  .argh = (a), .off = OPT_OFF(T, f, int), .min = (lo), .max = (hi), \
	  .def = (d), .help = (h) }
#define OPT_LONG(s, l, a, T, f, lo, hi, d, h) \
	{ .type = CMD_OPT_LONG, .short_name = (s), .long_name = (l), \
	  .argh = (a), .off = OPT_OFF(T, f, long), .min = (lo), .max = (hi), \
	  .def = (d), .help = (h) }
#define OPT_STRING(s, l, a, T, f, d, h) \
	{ .type = CMD_OPT_STRING, .short_name = (s), .long_name = (l), \
	  .argh = (a), .off = OPT_OFF(T, f, const char *), .def = (d), \
	  .help = (h) }
/* the help spells the value as its choices, "qemu|kdump|none" */
#define OPT_CHOICE(s, l, T, f, c, d, h) \
	{ .type = CMD_OPT_CHOICE, .short_name = (s), .long_name = (l), \
	  .off = OPT_OFF(T, f, const char *), .choices = (c), .def = (d), \
	  .help = (h) }
/*
 * every value given, in order, in a malloc()ed array the caller frees;
 * char **, not const, as argv's words are (scenario_values() takes them)
 */
#define OPT_LIST(s, l, a, T, f, nf, d, h) \
	{ .type = CMD_OPT_LIST, .short_name = (s), .long_name = (l), \
	  .argh = (a), .off = OPT_OFF(T, f, char **), \
	  .count_off = OPT_OFF(T, nf, size_t), .def = (d), .help = (h) }
/* wants completes "--NAME must be ..., not 'VALUE'" */
#define OPT_FUNC(s, l, a, T, f, fn_, wants, d, h) \
	{ .type = CMD_OPT_FUNC, .short_name = (s), .long_name = (l), \
	  .argh = (a), .off = offsetof(T, f), .fn = (fn_), \
	  .choices = (wants), .def = (d), .help = (h) }
/*
 * Not an option: the command takes lo..hi operands (hi -1: any number),
 * named name in the errors ("missing NAME").  Without this entry the
 * command counts its operands itself.
 */
#define OPT_OPERANDS(lo, hi, name) \
	{ .type = CMD_OPT_OPERANDS, .argh = (name), .min = (lo), \
	  .max = (hi), .def = "", .help = "" }
#define OPT_END()	{ .type = CMD_OPT_END }

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
 * from the verb on (argv[0] is the verb's name) and parses it with opts.
 * The rest is its documentation, as in cmd_entry; tables end with a NULL
 * name.
 */
struct cmd_verb {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*usage;		/* "racerig image build ..." */
	const char	*help;		/* one line */
	const struct cmd_opt *opts;	/* NULL: takes nothing */
};

/*
 * One subcommand.  cmd.c lists them all in cmd_table[]; the dispatcher in
 * racerig.c finds the entry, handles -h, and calls exec with argv[0] set
 * to the command name.  exec returns an EXIT_* status.
 *
 * The documentation fields feed "racerig help COMMAND", "COMMAND -h" and
 * the man page ("racerig help --man"), so help cannot drift from the
 * parser: opts is the very table exec hands to parse_options().
 * description is plain text, paragraphs separated by a blank line; help
 * output and the man page fill and wrap it.  Optional fields may be
 * NULL.
 */
struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "racerig NAME ..." synopsis */
	const char	*help;		/* one line for "racerig help" */
	int		 flags;
#define CMD_HIDDEN	0x1		/* not listed by "racerig help" */
	int		(*exec)(int argc, char **argv);
	const char	*description;
	const struct cmd_opt *opts;	/* NULL: takes no options */
	const struct cmd_verb *verbs;	/* NULL: no verbs */
	const struct cmd_exit_doc *exits; /* NULL: the usual 0/1/2/129 */
	const struct cmd_example *examples;
};

/* cmd-image-kernel.c: the image command's verb "kernel" */
extern const struct cmd_opt image_kernel_opts[];
int		 image_cmd_kernel(int argc, char **argv);

/* cmd-stress.c */
char		*stress_db_path(const char *arg);

/* cmd.c */
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);

/* parse-options.c */
int		 cmd_run_verb(const struct cmd_verb *verbs, int argc,
		     char **argv);
const struct cmd_verb *cmd_find_verb(const struct cmd_entry *entry,
		     const char *name);
/*
 * Parse the options of argv[1..argc) against opts into the command's
 * options struct at base, after storing the table's defaults (see struct
 * cmd_opt); the caller initializes the rest of the struct.  Options and
 * operands may mix, unless flags has PARSE_OPT_STOP_AT_OPERAND: then the
 * first operand ends the options.  Returns the index in argv of the first
 * operand, or -1 after reporting a usage error: an unknown option, a
 * missing value, a value out of range or not one of the choices, or
 * operands too few or too many for the table's OPT_OPERANDS().  base may
 * be NULL for a table of OPT_OPERANDS() alone.
 */
#define PARSE_OPT_STOP_AT_OPERAND	0x1
int		 parse_options(int argc, char **argv,
		     const struct cmd_opt *opts, void *base, int flags);
/* The number of options in opts (NULL: none), OPT_OPERANDS() aside. */
int		 opt_count(const struct cmd_opt *opts);
/* Add o as typed to b: "-p, --param NAME=VALUE", "--dump qemu|none". */
void		 opt_spelling(const struct cmd_opt *o, struct buf *b);
/* Add o's help to b, with its range and "Default: ..." */
void		 opt_describe(const struct cmd_opt *o, struct buf *b);
/*
 * The options set in the struct at base spelled back as words, "--NAME"
 * then its value, in table order, for handing them on to a program that
 * takes the same options, fully spelled (getopt accepted abbreviations):
 * a flag that is set, a string that is not NULL, a number that is not 0,
 * each value of a list.  CMD_OPT_FUNC options cannot be spelled back.
 * Returns a NULL-terminated array; free its words and it.
 */
char		**opt_unparse(const struct cmd_opt *opts, const void *base);

/* help-text.c */
/*
 * Write the manual of entry, or of its verb verb when that is not NULL,
 * to fp: NAME, SYNOPSIS, DESCRIPTION, OPTIONS (each with its default),
 * the command's verbs, EXIT STATUS where the command has statuses of its
 * own, and EXAMPLES.
 */
void		 help_command(FILE *fp, const struct cmd_entry *entry,
		     const struct cmd_verb *verb);
/*
 * Call fn for each synopsis of usage.  A usage string holds one or more
 * "racerig ..." synopses; a line that does not start with "racerig" (after
 * its indentation) continues the one before, so fn gets each synopsis
 * whole, on one line, for the caller to wrap.
 */
void		 help_each_synopsis(const char *usage,
		     void (*fn)(FILE *, const char *), FILE *fp);
/*
 * Call fn(fp, spelling, text, arg) for each option of opts (NULL: none):
 * the option as typed and its help with range and default.
 */
void		 help_each_option(const struct cmd_opt *opts,
		     void (*fn)(FILE *, const char *, const char *, int),
		     FILE *fp, int arg);

/* help-man.c */
void		 help_man(FILE *fp);

#endif
