/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for option parsing (parse-options.c) and the commands'
 * documentation (help-text.c, help-man.c): every option of an option
 * table shows in the help with its range and default, a value out of
 * range is the documented usage error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"
#include "cmd.h"

static void
test_entries_documented(void **state)
{
	size_t ncmds = 0;

	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];

		ncmds++;
		assert_non_null(e->usage);
		assert_non_null(e->help);
		if (e->description == NULL)
			fail_msg("%s has no description", e->name);
		if ((opt_count(e->opts) > 0 || e->verbs != NULL) &&
		    e->examples == NULL)
			fail_msg("%s has options but no examples", e->name);
		for (const struct cmd_verb *v = e->verbs; v && v->name; v++) {
			assert_non_null(v->usage);
			assert_non_null(v->help);
		}
		for (const struct cmd_exit_doc *x = e->exits; x && x->what;
		    x++)
			assert_true(x->status >= 0 && x->status < 256);
	}
	assert_true(ncmds >= 12);
}

/*
 * Check one option table: names unique, every entry with a help and a
 * default, and a default that looks like a number inside the range
 * (else parse_options() would not store it, silently).
 */
static void
check_opts(const char *what, const struct cmd_opt *opts)
{
	for (const struct cmd_opt *o = opts; o && o->type != CMD_OPT_END;
	    o++) {
		long v;

		if (o->type == CMD_OPT_OPERANDS) {
			/* "missing NAME" needs the name */
			if (o->min > 0 && o->argh == NULL)
				fail_msg("%s: required operands without a "
				    "name", what);
			continue;
		}
		if (o->long_name == NULL || o->help == NULL || o->def == NULL ||
		    o->help[0] == '\0' || o->def[0] == '\0')
			fail_msg("%s: an option needs a name, a help and a "
			    "default", what);
		for (const struct cmd_opt *p = opts; p < o; p++) {
			if (strcmp(p->long_name, o->long_name) == 0 ||
			    (o->short_name && p->short_name == o->short_name))
				fail_msg("%s: --%s twice", what, o->long_name);
		}
		if ((o->type == CMD_OPT_INT || o->type == CMD_OPT_LONG) &&
		    strspn(o->def, "0123456789-") == strlen(o->def) &&
		    parse_long(o->def, o->min, o->max, &v) != 0)
			fail_msg("%s: --%s's default %s is outside %ld..%ld",
			    what, o->long_name, o->def, o->min, o->max);
		if (o->type != CMD_OPT_FLAG && o->type != CMD_OPT_CHOICE &&
		    o->argh == NULL)
			fail_msg("%s: --%s takes a value without a name",
			    what, o->long_name);
	}
}

/* What help_command() prints for entry (verb), white space squeezed. */
static char *squeeze(char *s);

static char *
help_text(const struct cmd_entry *e, const struct cmd_verb *v)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	help_command(fp, e, v);
	fclose(fp);
	return squeeze(text);
}

/*
 * text must hold every option of opts as its spelling, then its help,
 * range and default: the help describes the very table the parser uses.
 */
static void
check_help_shows(const char *what, const char *text,
    const struct cmd_opt *opts)
{
	for (const struct cmd_opt *o = opts; o && o->type != CMD_OPT_END;
	    o++) {
		struct buf want = BUF_INIT;

		if (o->type == CMD_OPT_OPERANDS)
			continue;
		opt_spelling(o, &want);
		buf_addstr(&want, " ");
		opt_describe(o, &want);
		squeeze(want.data);
		if (strstr(text, want.data) == NULL)
			fail_msg("racerig help %s lacks '%s'", what,
			    want.data);
		if (strstr(want.data, "Default: ") == NULL &&
		    strstr(want.data, "(no default)") == NULL)
			fail_msg("%s: --%s shows no default", what,
			    o->long_name);
		if ((o->type == CMD_OPT_INT || o->type == CMD_OPT_LONG)) {
			char *range = xasprintf("Range: %ld..%ld.", o->min,
			    o->max);

			assert_non_null(strstr(want.data, range));
			free(range);
		}
		buf_release(&want);
	}
}

static void
test_help_shows_opts(void **state)
{
	size_t ntables = 0;

	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];
		char *text;

		if (e->opts != NULL) {
			text = help_text(e, NULL);
			check_opts(e->name, e->opts);
			check_help_shows(e->name, text, e->opts);
			free(text);
			ntables++;
		}
		for (const struct cmd_verb *v = e->verbs; v && v->name; v++) {
			char *what = xasprintf("%s %s", e->name, v->name);

			if (v->opts != NULL) {
				check_opts(what, v->opts);
				/* the verb's own manual and the command's */
				text = help_text(e, v);
				check_help_shows(what, text, v->opts);
				free(text);
				text = help_text(e, NULL);
				check_help_shows(what, text, v->opts);
				free(text);
				ntables++;
			}
			free(what);
		}
	}
	/* help, classify, image build, image show, image kernel */
	assert_true(ntables >= 5);
}

/* A table of every option type, for the parser's own tests. */
struct t_opts {
	int		 flag;
	int		 n;
	long		 big;
	const char	*str;
	const char	*mode;
	char		**list;
	size_t		 nlist;
	unsigned	 odd;
};

static int
parse_odd(const char *arg, void *field, void *base)
{
	long v;

	if (parse_long(arg, 0, 1000, &v) != 0 || v % 2 == 0)
		return -1;
	*(unsigned *)field = (unsigned)v;
	return 0;
}

static const struct cmd_opt t_opts[] = {
	OPT_FLAG('f', "flag", struct t_opts, flag, "A flag."),
	OPT_INT('n', "n", "N", struct t_opts, n, 1, 8, "3", "A count."),
	OPT_LONG(0, "big", "B", struct t_opts, big, -5, 1L << 40,
	    "the caller's", "A big one."),
	OPT_STRING(0, "str", "S", struct t_opts, str, "none", "A string."),
	OPT_CHOICE(0, "mode", struct t_opts, mode, "fast|slow|off", "slow",
	    "A mode."),
	OPT_LIST('p', "param", "K=V", struct t_opts, list, nlist, "none",
	    "A list."),
	OPT_FUNC(0, "odd", "N", struct t_opts, odd, parse_odd,
	    "an odd number up to 1000", "1", "An odd one."),
	OPT_END()
};

/*
 * parse_options() over the words of args (argv[0] is the command), with
 * standard error caught in *err (a malloc()ed string).  Returns what
 * parse_options() returns.
 */
static int
parse_caught(const char *const *args, const struct cmd_opt *opts,
    void *base, int flags, char **err)
{
	char *argv[32];
	int argc = 0, saved, rc;
	FILE *tmp = tmpfile();
	long len;

	assert_non_null(tmp);
	for (; args[argc] != NULL; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	rc = parse_options(argc, argv, opts, base, flags);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	len = ftell(tmp);
	*err = xcalloc(1, (size_t)len + 1);
	rewind(tmp);
	assert_int_equal(fread(*err, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	return rc;
}

/* parse_caught() over t_opts into *o, which starts zeroed but odd. */
static int
t_parse(const char *const *args, struct t_opts *o, int flags, char **err)
{
	memset(o, 0, sizeof(*o));
	o->odd = 1;
	return parse_caught(args, t_opts, o, flags, err);
}

static void
test_parse_values(void **state)
{
	const char *args[] = { "t", "-f", "--n=8", "op1", "--big", "-5",
	    "--str", "a", "--str", "b", "--mode", "fast", "-p", "x=1",
	    "--param", "y=2", "--odd", "7", "op2", NULL };
	struct t_opts o;
	char *err, **words;
	int first = t_parse(args, &o, 0, &err);

	assert_string_equal(err, "");
	free(err);
	/* GNU getopt moves the operands to the end */
	assert_int_equal(first, 17);
	assert_int_equal(o.flag, 1);
	assert_int_equal(o.n, 8);
	assert_int_equal(o.big, -5);
	assert_string_equal(o.str, "b");		/* the last one wins */
	assert_string_equal(o.mode, "fast");
	assert_int_equal(o.nlist, 2);
	assert_string_equal(o.list[0], "x=1");
	assert_string_equal(o.list[1], "y=2");
	assert_int_equal(o.odd, 7);
	/* spelled back in full, table order, for another program */
	words = opt_unparse((const struct cmd_opt[]){ t_opts[0], t_opts[1],
	    t_opts[2], t_opts[3], t_opts[4], t_opts[5], OPT_END() }, &o);
	{
		const char *want[] = { "--flag", "--n", "8", "--big", "-5",
		    "--str", "b", "--mode", "fast", "--param", "x=1",
		    "--param", "y=2", NULL };

		for (size_t i = 0; want[i] != NULL; i++)
			assert_string_equal(words[i], want[i]);
		assert_null(words[13]);
	}
	for (size_t i = 0; words[i] != NULL; i++)
		free(words[i]);
	free(words);
	free(o.list);
}

/* Defaults that are values are stored; prose leaves the field alone. */
static void
test_parse_defaults(void **state)
{
	const char *args[] = { "t", NULL };
	struct t_opts o;
	char *err;

	assert_int_equal(t_parse(args, &o, 0, &err), 1);
	free(err);
	assert_int_equal(o.n, 3);
	assert_string_equal(o.mode, "slow");
	assert_int_equal(o.big, 0);
	assert_null(o.str);
	assert_int_equal(o.flag, 0);
	assert_int_equal(o.nlist, 0);
	assert_int_equal(o.odd, 1);
}

static void
test_parse_stop_at_operand(void **state)
{
	const char *args[] = { "t", "-f", "op", "--n", "2", NULL };
	struct t_opts o;
	char *err;

	assert_int_equal(t_parse(args, &o, PARSE_OPT_STOP_AT_OPERAND, &err),
	    2);
	free(err);
	assert_int_equal(o.flag, 1);
	assert_int_equal(o.n, 3);
}

/*
 * Each usage error is reported once, as the one line that names the
 * option and what it takes; the range in it is the one the help shows.
 */
static void
test_parse_errors(void **state)
{
	static const struct {
		const char *args[4];
		const char *err;
	} cases[] = {
		{ { "t", "--n", "9" },
		  "racerig: error: --n must be 1..8, not '9'\n" },
		{ { "t", "-n0" },
		  "racerig: error: --n must be 1..8, not '0'\n" },
		{ { "t", "--n", "2x" },
		  "racerig: error: --n must be 1..8, not '2x'\n" },
		{ { "t", "--big", "-6" },
		  "racerig: error: --big must be -5..1099511627776, not "
		  "'-6'\n" },
		{ { "t", "--mode", "fas" },
		  "racerig: error: --mode must be fast, slow or off, not "
		  "'fas'\n" },
		{ { "t", "--odd", "4" },
		  "racerig: error: --odd must be an odd number up to 1000, "
		  "not '4'\n" },
		{ { "t", "--nope" },
		  "racerig: error: unknown option '--nope'\n" },
		{ { "t", "-x" },
		  "racerig: error: unknown option '-x'\n" },
		{ { "t", "--str" },
		  "racerig: error: --str needs a value, S\n" },
		{ { "t", "-n" },
		  "racerig: error: --n needs a value, N\n" },
		{ { "t", "--flag=1" },
		  "racerig: error: --flag takes no value\n" },
	};
	struct buf doc = BUF_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct t_opts o;
		char *err;

		assert_int_equal(t_parse(cases[i].args, &o, 0, &err), -1);
		assert_string_equal(err, cases[i].err);
		free(err);
	}
	opt_describe(&t_opts[1], &doc);
	assert_string_equal(doc.data, "A count. Range: 1..8. Default: 3.");
	buf_release(&doc);
}

/* OPT_OPERANDS(): too few or too many operands are usage errors. */
static void
test_parse_operands(void **state)
{
	static const struct cmd_opt ops[] = {
		OPT_FLAG('f', "flag", struct t_opts, flag, "A flag."),
		OPT_OPERANDS(1, 2, "NAME"),
		OPT_END()
	};
	static const struct {
		const char *args[5];
		int rc;
		const char *err;
	} cases[] = {
		{ { "t", "-f" }, -1, "racerig: error: missing NAME\n" },
		{ { "t", "a", "-f" }, 2, "" },
		{ { "t", "a", "b" }, 1, "" },
		{ { "t", "a", "b", "c" }, -1,
		  "racerig: error: unexpected operand 'c' (after NAME)\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct t_opts o = { 0 };
		char *err;

		assert_int_equal(parse_caught(cases[i].args, ops, &o, 0, &err),
		    cases[i].rc);
		assert_string_equal(err, cases[i].err);
		free(err);
	}
	assert_int_equal(opt_count(ops), 1);
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
 * "racerig help run": every option of run's table, each with its help
 * and its default, and the defaults run_opts_init() sets.
 */
static void
test_help_run(void **state)
{
	const struct cmd_entry *run = cmd_find("run");
	char *text;

	assert_non_null(run);
	text = help_text(run, NULL);
	check_help_shows(run->name, text, run->opts);
	assert_non_null(strstr(text, "--boot-timeout S Seconds"));
	assert_non_null(strstr(text,
	    "boot-failed. Range: 1..3600. Default: 120."));
	assert_non_null(strstr(text, "hung. Range: 1..3600. Default: 30."));
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
		cmocka_unit_test(test_entries_documented),
		cmocka_unit_test(test_help_shows_opts),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_stop_at_operand),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_operands),
		cmocka_unit_test(test_help_run),
		cmocka_unit_test(test_man),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
