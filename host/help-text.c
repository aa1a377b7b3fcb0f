/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One command's manual as text ("racerig help COMMAND", "racerig COMMAND
 * -h"), from the command's own tables, and the walks over those tables
 * the man page writer (help-man.c) shares.
 */
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

void
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

/* An old-style option's default as the help shows it: "Default: 120." */
void
help_each_option(const struct cmd_opt *opts,
    void (*fn)(FILE *, const char *, const char *, int), FILE *fp, int arg)
{
	struct buf spelling = BUF_INIT, text = BUF_INIT;

	for (const struct cmd_opt *o = opts; o && o->type != CMD_OPT_END;
	    o++) {
		if (o->type == CMD_OPT_OPERANDS)
			continue;	/* the synopsis shows them */
		buf_reset(&spelling);
		buf_reset(&text);
		opt_spelling(o, &spelling);
		opt_describe(o, &text);
		fn(fp, spelling.data, text.data, arg);
	}
	buf_release(&spelling);
	buf_release(&text);
}

static void
text_option(FILE *fp, const char *spelling, const char *text, int indent)
{
	fprintf(fp, "%*s%s\n", indent, "", spelling);
	help_fill(fp, text, indent + 4, indent + 4);
}

static void
text_verb(FILE *fp, const struct cmd_verb *v, int indent)
{
	help_each_synopsis(v->usage, text_synopsis, fp);
	help_fill(fp, v->help, indent, indent);
	if (opt_count(v->opts) > 0) {
		fputc('\n', fp);
		help_each_option(v->opts, text_option, fp, indent);
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
		if (opt_count(verb->opts) > 0) {
			fprintf(fp, "\nOPTIONS\n");
			help_each_option(verb->opts, text_option, fp, 4);
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
	if (opt_count(entry->opts) > 0) {
		fprintf(fp, "\nOPTIONS\n");
		help_each_option(entry->opts, text_option, fp, 4);
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
