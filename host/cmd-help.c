/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Describe racerig from the commands' own tables: the list of commands
 * ("racerig help"), one command's manual ("racerig help COMMAND", also
 * "racerig COMMAND -h") and the man page ("racerig help --man"), and
 * print the version.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cmd.h"

/* Help text is filled to this many columns: an 80-column terminal. */
#define HELP_WIDTH	79

/*
 * Write text to fp filled to HELP_WIDTH columns, the first line indented
 * by first and the others by indent (a hanging indent for synopses).
 * Paragraphs, separated by an empty line, stay apart; any other run of
 * white space becomes one space.  A word longer than the line is written
 * whole.
 */
static void
help_fill(FILE *fp, const char *text, int first, int indent)
{
	const char *p = text;
	int col = -1, lead = first;	/* col -1: the line is still empty */

	for (;;) {
		size_t ws = strspn(p, " \t\n"), len;
		const char *nl = memchr(p, '\n', ws);
		size_t rest = nl ? ws - (size_t)(nl + 1 - p) : 0;

		/* two newlines in the run: a paragraph ends */
		if (nl != NULL && memchr(nl + 1, '\n', rest) != NULL &&
		    col >= 0) {
			fputs("\n\n", fp);
			col = -1;
		}
		p += ws;
		if (*p == '\0')
			break;
		len = strcspn(p, " \t\n");
		if (col >= 0 && col + 1 + (int)len > HELP_WIDTH) {
			fputc('\n', fp);
			col = -1;
		}
		if (col < 0) {
			fprintf(fp, "%*s", lead, "");
			col = lead;
			lead = indent;
		} else {
			fputc(' ', fp);
			col++;
		}
		fwrite(p, 1, len, fp);
		col += (int)len;
		p += len;
	}
	if (col >= 0)
		fputc('\n', fp);
}

/*
 * Call fn for each synopsis of usage.  A usage string holds one or more
 * "racerig ..." synopses; a line that does not start with "racerig" (after
 * its indentation) continues the one before, so fn gets each synopsis
 * whole, on one line, for the caller to wrap.
 */
static void
help_each_synopsis(const char *usage, void (*fn)(FILE *, const char *),
    FILE *fp)
{
	struct buf b = BUF_INIT;
	const char *p = usage;

	while (*p != '\0') {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, "\n");
		if (strncmp(p, "racerig ", 8) == 0 && b.len > 0) {
			fn(fp, b.data);
			buf_reset(&b);
		}
		if (b.len > 0)
			buf_addstr(&b, " ");
		buf_add(&b, p, len);
		p += len;
		if (*p == '\n')
			p++;
	}
	if (b.len > 0)
		fn(fp, b.data);
	buf_release(&b);
}

static void
text_synopsis(FILE *fp, const char *synopsis)
{
	help_fill(fp, synopsis, 4, 12);
}

/* An option's default as the help shows it: "Default: 120." */
static void
text_default(struct buf *b, const char *def)
{
	if (def[0] == '(')
		buf_addf(b, " %s", def);	/* "(no default)" */
	else
		buf_addf(b, " Default: %s.", def);
}

static void
text_options(FILE *fp, const struct cmd_option_doc *opts, int indent)
{
	for (const struct cmd_option_doc *o = opts; o && o->spelling; o++) {
		struct buf b = BUF_INIT;

		buf_addstr(&b, o->help);
		text_default(&b, o->def);
		fprintf(fp, "%*s%s\n", indent, "", o->spelling);
		help_fill(fp, b.data, indent + 4, indent + 4);
		buf_release(&b);
	}
}

static void
text_verb(FILE *fp, const struct cmd_verb *v, int indent)
{
	help_each_synopsis(v->usage, text_synopsis, fp);
	help_fill(fp, v->help, indent, indent);
	if (v->options != NULL) {
		fputc('\n', fp);
		text_options(fp, v->options, indent);
	}
}

/*
 * Write the manual of entry, or of its verb verb when that is not NULL,
 * to fp: NAME, SYNOPSIS, DESCRIPTION, OPTIONS (each with its default),
 * the command's verbs, EXIT STATUS where the command has statuses of its
 * own, and EXAMPLES.
 */
void
help_command(FILE *fp, const struct cmd_entry *entry,
    const struct cmd_verb *verb)
{
	struct buf name = BUF_INIT;

	if (verb != NULL)
		buf_addf(&name, "racerig-%s-%s - %s", entry->name, verb->name,
		    verb->help);
	else
		buf_addf(&name, "racerig-%s - %s", entry->name, entry->help);
	fprintf(fp, "NAME\n");
	help_fill(fp, name.data, 4, 8);
	buf_release(&name);
	fprintf(fp, "\nSYNOPSIS\n");
	if (verb != NULL) {
		help_each_synopsis(verb->usage, text_synopsis, fp);
		if (verb->options != NULL) {
			fprintf(fp, "\nOPTIONS\n");
			text_options(fp, verb->options, 4);
		}
		fprintf(fp, "\nSee 'racerig help %s' for the other verbs.\n",
		    entry->name);
		return;
	}
	help_each_synopsis(entry->usage, text_synopsis, fp);
	if (entry->description != NULL) {
		fprintf(fp, "\nDESCRIPTION\n");
		help_fill(fp, entry->description, 4, 4);
	}
	if (entry->options != NULL) {
		fprintf(fp, "\nOPTIONS\n");
		text_options(fp, entry->options, 4);
	}
	if (entry->verbs != NULL) {
		fprintf(fp, "\nVERBS\n");
		for (const struct cmd_verb *v = entry->verbs; v->name; v++) {
			if (v != entry->verbs)
				fputc('\n', fp);
			text_verb(fp, v, 8);
		}
	}
	if (entry->exits != NULL) {
		fprintf(fp, "\nEXIT STATUS\n");
		for (const struct cmd_exit_doc *e = entry->exits; e->what;
		    e++) {
			fprintf(fp, "    %d\n", e->status);
			help_fill(fp, e->what, 8, 8);
		}
	}
	if (entry->examples != NULL) {
		fprintf(fp, "\nEXAMPLES\n");
		for (const struct cmd_example *x = entry->examples; x->command;
		    x++) {
			if (x != entry->examples)
				fputc('\n', fp);
			fprintf(fp, "    %s\n", x->command);
			help_fill(fp, x->what, 8, 8);
		}
	}
}

/*
 * Write s to fp as troff text: backslashes and hyphens escaped, and a
 * control character at the start of a line made literal.  at_bol says
 * whether fp is at the start of a line.
 */
static void
man_escape(FILE *fp, const char *s, int at_bol)
{
	for (; *s != '\0'; s++) {
		if (at_bol && (*s == '.' || *s == '\''))
			fputs("\\&", fp);
		at_bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else
			fputc(*s, fp);
	}
}

/*
 * Write text's paragraphs, each as a .PP with its lines joined: troff
 * fills them itself.
 */
static void
man_paragraphs(FILE *fp, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *para = xasprintf("%.*s", (int)len, p);

		for (char *q = para; *q; q++) {
			if (*q == '\n')
				*q = ' ';
		}
		fputs(".PP\n", fp);
		man_escape(fp, para, 1);
		fputc('\n', fp);
		free(para);
		p += len;
		p += strspn(p, "\n");
	}
}

/*
 * A synopsis as a line with a hanging indent; the caller starts the
 * paragraph, so a command's synopses stay together.
 */
static void
man_synopsis(FILE *fp, const char *synopsis)
{
	fputs(".in +4n\n.ti -4n\n", fp);
	man_escape(fp, synopsis, 1);
	fputs("\n.in\n", fp);
}

/*
 * An option spelling as a .TP tag: the words that start with '-' in
 * bold, their arguments in italics.
 */
static void
man_spelling(FILE *fp, const char *spelling)
{
	const char *p = spelling;

	while (*p != '\0') {
		size_t len = strcspn(p, " ");
		char *word = xasprintf("%.*s", (int)len, p);

		fputs(word[0] == '-' ? "\\fB" : "\\fI", fp);
		man_escape(fp, word, p == spelling);
		fputs("\\fR", fp);
		free(word);
		p += len;
		if (*p == ' ') {
			fputc(' ', fp);
			p++;
		}
	}
	fputc('\n', fp);
}

static void
man_options(FILE *fp, const struct cmd_option_doc *opts)
{
	for (const struct cmd_option_doc *o = opts; o && o->spelling; o++) {
		struct buf b = BUF_INIT;

		buf_addstr(&b, o->help);
		text_default(&b, o->def);
		fputs(".TP\n", fp);
		man_spelling(fp, o->spelling);
		man_escape(fp, b.data, 1);
		fputc('\n', fp);
		buf_release(&b);
	}
}

static void
man_command(FILE *fp, const struct cmd_entry *entry)
{
	fprintf(fp, ".SS %s\n.PP\n", entry->name);
	help_each_synopsis(entry->usage, man_synopsis, fp);
	fputs(".PP\n", fp);
	man_escape(fp, entry->help, 1);
	fputs(".\n", fp);
	if (entry->description != NULL)
		man_paragraphs(fp, entry->description);
	if (entry->options != NULL) {
		fputs(".PP\n.B Options:\n", fp);
		man_options(fp, entry->options);
	}
	for (const struct cmd_verb *v = entry->verbs; v && v->name; v++) {
		fputs(".PP\n", fp);
		help_each_synopsis(v->usage, man_synopsis, fp);
		fputs(".RS\n", fp);
		man_escape(fp, v->help, 1);
		fputs(".\n", fp);
		man_options(fp, v->options);
		fputs(".RE\n", fp);
	}
	if (entry->exits != NULL) {
		fputs(".PP\n.B Exit status:\n", fp);
		for (const struct cmd_exit_doc *e = entry->exits; e->what;
		    e++) {
			fprintf(fp, ".TP\n%d\n", e->status);
			man_escape(fp, e->what, 1);
			fputc('\n', fp);
		}
	}
	if (entry->examples != NULL) {
		fputs(".PP\n.B Examples:\n", fp);
		for (const struct cmd_example *x = entry->examples; x->command;
		    x++) {
			fputs(".TP\n\\fB", fp);
			man_escape(fp, x->command, 0);
			fputs("\\fR\n", fp);
			man_escape(fp, x->what, 1);
			fputc('\n', fp);
		}
	}
}

/*
 * Write racerig(1) to fp: every command that "racerig help" lists, with
 * its options, from the same tables.  The output has no date, so the
 * committed host/racerig.1 stays equal to it (tests/t0001-help.sh).
 */
void
help_man(FILE *fp)
{
	fputs(".\\\" SPDX-License-Identifier: GPL-2.0\n"
	    ".\\\" Generated by \"racerig help --man\" (make man): edit the "
	    "tables in host/cmd-*.c instead.\n", fp);
	fprintf(fp, ".TH RACERIG 1 \"\" \"racerig %s\" \"racerig manual\"\n",
	    RACERIG_VERSION);
	/* ragged right, no hyphenation: option names stay whole */
	fputs(".ad l\n.nh\n", fp);
	fputs(".SH NAME\n"
	    "racerig \\- reproduce Linux kernel races in disposable guests\n"
	    ".SH SYNOPSIS\n"
	    ".B racerig\n.I COMMAND\n[\\fIARGS\\fR...]\n.br\n"
	    ".B racerig help\n[\\fICOMMAND\\fR]\n"
	    ".SH DESCRIPTION\n", fp);
	man_paragraphs(fp, "racerig boots a kernel in a throw-away QEMU or "
	    "libvirt guest, runs a race scenario in it, and names what "
	    "happened: ok, a crash classified the way syzkaller does, or a "
	    "hang. On top of single runs it runs parameter-fuzzed campaigns, "
	    "reproduces reported crashes and bisects kernels and modules.\n\n"
	    "\"racerig help COMMAND\" and \"racerig COMMAND -h\" print the "
	    "section of this page about COMMAND.");
	fputs(".SH COMMANDS\n", fp);
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		if (!(cmd_table[i]->flags & CMD_HIDDEN))
			man_command(fp, cmd_table[i]);
	}
	fputs(".SH EXIT STATUS\n"
	    "Unless a command above says otherwise:\n"
	    ".TP\n0\nthe kernel passed (or the command succeeded).\n"
	    ".TP\n1\na kernel verdict: the kernel under test crashed, hung "
	    "or failed to boot.\n"
	    ".TP\n2\nracerig, QEMU, libvirt or the host failed: no verdict "
	    "about the kernel.\n"
	    ".TP\n129\nthe command line was wrong.\n"
	    ".SH ENVIRONMENT\n"
	    ".TP\n.B RACERIG_ROOT\n"
	    "Where scenarios, image recipes and guest parts are; default: "
	    "the directory above the binary's (the source tree, or "
	    "\\fIPREFIX\\fR/lib/racerig after \\fBmake install\\fR).\n"
	    ".TP\n.B RACERIG_CACHE\n"
	    "Images, run directories, campaigns and results.db; default: "
	    "$XDG_CACHE_HOME/racerig, else ~/.cache/racerig.\n"
	    ".TP\n.B RACERIG_IMAGE\n"
	    "The image used without \\fB\\-\\-image\\fR; default: the image "
	    "of Debian's default cloud kernel.\n"
	    ".TP\n.B RACERIG_RULES\n"
	    "The bug-class rules file; default: host/bug\\-classes.rules "
	    "under RACERIG_ROOT.\n"
	    ".TP\n.B RACERIG_SCENARIOS\n"
	    "Where scenario definitions are; default: scenarios/ under "
	    "RACERIG_ROOT.\n"
	    ".SH SEE ALSO\n"
	    ".BR git\\-bisect (1),\n"
	    ".BR qemu\\-system\\-x86_64 (1),\n"
	    ".BR virsh (1)\n", fp);
}

static const struct option help_options[] = {
	{ "man", no_argument, NULL, 'm' },
	{ NULL, 0, NULL, 0 }
};

static const struct cmd_option_doc help_docs[] = {
	{ "--man", "off", "Write the man page, racerig(1), in troff to "
	    "standard output instead (\"make man\" keeps host/racerig.1 "
	    "equal to it)." },
	{ NULL, NULL, NULL }
};

static int
cmd_help_exec(int argc, char **argv)
{
	const struct cmd_entry *entry;
	const struct cmd_verb *verb = NULL;
	int c, man = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", help_options, NULL)) != -1) {
		if (c != 'm')
			return EXIT_USAGE;
		man = 1;
	}
	if (man) {
		if (optind != argc)
			return error("--man takes no command"), EXIT_USAGE;
		help_man(stdout);
		return EXIT_PASS;
	}
	if (optind < argc) {
		entry = cmd_find(argv[optind]);
		if (entry == NULL) {
			error("unknown command '%s'", argv[optind]);
			return EXIT_USAGE;
		}
		if (optind + 1 < argc) {
			verb = cmd_find_verb(entry, argv[optind + 1]);
			if (verb == NULL || optind + 2 < argc) {
				error("'%s' has no verb '%s'", entry->name,
				    argv[optind + 1]);
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
	.getopt = help_options,
	.options = help_docs,
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
