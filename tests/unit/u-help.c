/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for the commands' documentation (cmd-help.c): each command's
 * and verb's option docs name exactly the options its getopt table
 * parses, every option states its default, and the help of run prints
 * them all.
 */
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "cmd.h"

/*
 * Does spelling ("-p, --param NAME=VALUE") spell the long option name?
 * Only words before the first argument word count: an option word
 * starts with '-'.
 */
static int
spells(const char *spelling, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = spelling; *p == '-'; p += strcspn(p, " "),
	    p += strspn(p, " ")) {
		/* strchr() finds the terminator too: the name ends there */
		if (strncmp(p, "--", 2) == 0 && strncmp(p + 2, name, n) == 0 &&
		    strchr(" =,", p[2 + n]) != NULL)
			return 1;
	}
	return 0;
}

/*
 * Check that opts documents every long option of longopts and nothing
 * else, that every short option it spells ("-p,") is the short form of
 * the same getopt entry, and that each entry has a default and a help.
 * what names the command in failure messages.
 */
static void
check_docs(const char *what, const struct option *longopts,
    const struct cmd_option_doc *opts)
{
	if (longopts == NULL || opts == NULL) {
		if ((longopts == NULL) != (opts == NULL))
			fail_msg("%s: a getopt table without docs, or docs "
			    "without one", what);
		return;
	}
	for (const struct option *o = longopts; o->name != NULL; o++) {
		int found = 0;

		for (const struct cmd_option_doc *d = opts; d->spelling; d++)
			found += spells(d->spelling, o->name);
		if (found != 1)
			fail_msg("%s: --%s is documented %d times, not once",
			    what, o->name, found);
	}
	for (const struct cmd_option_doc *d = opts; d->spelling; d++) {
		const char *p = d->spelling;
		const struct option *match = NULL;

		if (d->def == NULL || d->help == NULL || d->def[0] == '\0' ||
		    d->help[0] == '\0')
			fail_msg("%s: '%s' needs a default and a help", what,
			    d->spelling);
		for (const struct option *o = longopts; o->name; o++) {
			if (spells(d->spelling, o->name))
				match = o;
		}
		if (match == NULL)
			fail_msg("%s: '%s' is no option of its getopt table",
			    what, d->spelling);
		/* "-p, --param": -p must be the same option */
		if (p[0] == '-' && p[1] != '-' && (p[2] != ',' ||
		    match->val != p[1]))
			fail_msg("%s: '%s': the short option is not --%s's",
			    what, d->spelling, match->name);
	}
}

static void
test_docs_match_getopt(void **state)
{
	size_t ncmds = 0;

	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];

		ncmds++;
		assert_non_null(e->usage);
		assert_non_null(e->help);
		if (e->description == NULL)
			fail_msg("%s has no description", e->name);
		if ((e->options != NULL || e->verbs != NULL) &&
		    e->examples == NULL)
			fail_msg("%s has options but no examples", e->name);
		check_docs(e->name, e->getopt, e->options);
		for (const struct cmd_verb *v = e->verbs; v && v->name; v++) {
			char *what = xasprintf("%s %s", e->name, v->name);

			assert_non_null(v->usage);
			assert_non_null(v->help);
			check_docs(what, v->getopt, v->options);
			free(what);
		}
		for (const struct cmd_exit_doc *x = e->exits; x && x->what;
		    x++)
			assert_true(x->status >= 0 && x->status < 256);
	}
	assert_true(ncmds >= 12);
}

/* The drift check itself must catch a missing or an extra option. */
static void
test_spells(void **state)
{
	assert_true(spells("--smp N", "smp"));
	assert_true(spells("-p, --param NAME=VALUE", "param"));
	assert_true(spells("--dump qemu|kdump|none", "dump"));
	assert_false(spells("--smp N", "sm"));
	assert_false(spells("--snapshot", "snap"));
	assert_false(spells("--images A,B", "image"));
	/* an argument word is no option, even if it looks like one */
	assert_false(spells("--cmdline WORDS --smp", "smp"));
}

/* out with every run of white space made one space */
static char *
squeeze(char *s)
{
	char *w = s;

	for (const char *r = s; *r != '\0'; r++) {
		if (strchr(" \n\t", *r) != NULL) {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
		} else
			*w++ = *r;
	}
	*w = '\0';
	return s;
}

/*
 * "racerig help run": every option of run's getopt table, each with its
 * help and its default, and the defaults run_parse() sets.
 */
static void
test_help_run(void **state)
{
	const struct cmd_entry *run = cmd_find("run");
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(run);
	assert_non_null(fp);
	help_command(fp, run, NULL);
	fclose(fp);
	squeeze(text);
	for (const struct option *o = run->getopt; o->name; o++) {
		const struct cmd_option_doc *d = run->options;
		struct buf want = BUF_INIT;

		while (d->spelling && !spells(d->spelling, o->name))
			d++;
		assert_non_null(d->spelling);
		buf_addf(&want, "%s %s", d->spelling, d->help);
		buf_addf(&want, d->def[0] == '(' ? " %s" : " Default: %s.",
		    d->def);
		squeeze(want.data);
		if (strstr(text, want.data) == NULL)
			fail_msg("racerig help run lacks '%s'", want.data);
		buf_release(&want);
	}
	assert_non_null(strstr(text, "--boot-timeout S Seconds"));
	assert_non_null(strstr(text, "boot-failed. Default: 120."));
	assert_non_null(strstr(text, "hung. Default: 30."));
	assert_non_null(strstr(text, "EXIT STATUS 0 "));
	assert_non_null(strstr(text, " 129 A bad command line"));
	free(text);
}

/* The man page has a section per listed command and a tag per option. */
static void
test_man(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	help_man(fp);
	fclose(fp);
	assert_non_null(strstr(text, ".TH RACERIG 1 "));
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		char *ss = xasprintf("\n.SS %s\n", cmd_table[i]->name);

		if (!(cmd_table[i]->flags & CMD_HIDDEN) && !strstr(text, ss))
			fail_msg("the man page has no section '%s'",
			    cmd_table[i]->name);
		free(ss);
	}
	/* hyphens are escaped, so options copy and paste as typed */
	assert_non_null(strstr(text, ".TP\n\\fB\\-\\-boot\\-timeout\\fR "
	    "\\fIS\\fR\n"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spells),
		cmocka_unit_test(test_docs_match_getopt),
		cmocka_unit_test(test_help_run),
		cmocka_unit_test(test_man),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
