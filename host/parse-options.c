/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parse a command's options from its table of struct cmd_opt (cmd.h):
 * defaults stored, values checked against their type and range, and a
 * usage error reported once, here, in one form that names the option and
 * what it takes.  The same table describes the options to "racerig help"
 * (opt_spelling(), opt_describe()), so help cannot drift from the parser.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cmd.h"

/* getopt_long's val for long options: above every short option's char */
#define OPT_VAL_BASE	256

static void *
opt_field(const struct cmd_opt *o, void *base)
{
	return (char *)base + o->off;
}

static int
opt_takes_arg(const struct cmd_opt *o)
{
	return o->type != CMD_OPT_FLAG;
}

int
opt_count(const struct cmd_opt *opts)
{
	int n = 0;

	for (const struct cmd_opt *o = opts; o && o->type != CMD_OPT_END; o++)
		n += o->type != CMD_OPT_OPERANDS;
	return n;
}

/*
 * Check the number of operands, argv[first..argc), against the table's
 * CMD_OPT_OPERANDS entry, if it has one.  Returns 0, or -1 after
 * reporting.
 */
static int
opt_check_operands(const struct cmd_opt *opts, int argc, char **argv,
    int first)
{
	const struct cmd_opt *o = opts;
	long n = argc - first;

	while (o->type != CMD_OPT_END && o->type != CMD_OPT_OPERANDS)
		o++;
	if (o->type == CMD_OPT_END)
		return 0;
	if (n < o->min)
		return error("missing %s", o->argh);
	if (o->max == 0 && n > 0)
		return error("unexpected operand '%s'", argv[first]);
	if (o->max > 0 && n > o->max)
		return error("unexpected operand '%s' (after %s)",
		    argv[first + o->max], o->argh);
	return 0;
}

/*
 * Is word one of choices ("qemu|kdump|none")?  A choice is matched
 * whole, never by prefix.
 */
static int
opt_is_choice(const char *choices, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = choices; *p != '\0'; ) {
		size_t len = strcspn(p, "|");

		if (len == n && strncmp(p, word, n) == 0)
			return 1;
		p += len;
		if (*p == '|')
			p++;
	}
	return 0;
}

/* What o takes, for its error message: "1..64", "qemu, kdump or none". */
static void
opt_wants(const struct cmd_opt *o, struct buf *b)
{
	switch (o->type) {
	case CMD_OPT_INT:
	case CMD_OPT_LONG:
		buf_addf(b, "%ld..%ld", o->min, o->max);
		break;
	case CMD_OPT_CHOICE: {
		const char *last = strrchr(o->choices, '|');

		for (const char *p = o->choices; *p != '\0'; p++) {
			if (p == last)
				buf_addstr(b, " or ");
			else if (*p == '|')
				buf_addstr(b, ", ");
			else
				buf_add(b, p, 1);
		}
		break;
	}
	case CMD_OPT_FUNC:
		buf_addstr(b, o->choices);
		break;
	default:
		buf_addstr(b, o->argh ? o->argh : "a value");
		break;
	}
}

/*
 * Store the option's default when it is a value of its type: a number
 * in range for CMD_OPT_INT and CMD_OPT_LONG, one of the choices for
 * CMD_OPT_CHOICE.  Any other default is prose ("the scenario's",
 * "none") about what happens without the option, and the field keeps
 * what the caller put there.
 */
static void
opt_store_default(const struct cmd_opt *o, void *base)
{
	long v;

	if (o->def == NULL)
		return;
	switch (o->type) {
	case CMD_OPT_INT:
		if (parse_long(o->def, o->min, o->max, &v) == 0)
			*(int *)opt_field(o, base) = (int)v;
		break;
	case CMD_OPT_LONG:
		if (parse_long(o->def, o->min, o->max, &v) == 0)
			*(long *)opt_field(o, base) = v;
		break;
	case CMD_OPT_CHOICE:
		if (opt_is_choice(o->choices, o->def))
			*(const char **)opt_field(o, base) = o->def;
		break;
	default:
		break;
	}
}

/*
 * Store arg, the value given to o, into its field.  Returns 0, or -1
 * after reporting that arg is not what o takes.
 */
static int
opt_store(const struct cmd_opt *o, void *base, const char *arg)
{
	void *field = opt_field(o, base);
	struct buf wants = BUF_INIT;
	long v;

	switch (o->type) {
	case CMD_OPT_FLAG:
		*(int *)field = 1;
		return 0;
	case CMD_OPT_INT:
		if (parse_long(arg, o->min, o->max, &v) != 0)
			break;
		*(int *)field = (int)v;
		return 0;
	case CMD_OPT_LONG:
		if (parse_long(arg, o->min, o->max, &v) != 0)
			break;
		*(long *)field = v;
		return 0;
	case CMD_OPT_CHOICE:
		if (!opt_is_choice(o->choices, arg))
			break;
		*(const char **)field = arg;
		return 0;
	case CMD_OPT_STRING:
		*(const char **)field = arg;
		return 0;
	case CMD_OPT_LIST: {
		char ***list = field;
		size_t *n = (size_t *)((char *)base + o->count_off);

		*list = xrealloc(*list, (*n + 1) * sizeof(**list));
		(*list)[(*n)++] = (char *)arg;	/* one of argv's words */
		return 0;
	}
	case CMD_OPT_FUNC:
		if (o->fn(arg, field, base) != 0)
			break;
		return 0;
	case CMD_OPT_OPERANDS:
	case CMD_OPT_END:
		fatal("option table: --%s is no option", o->long_name);
	}
	opt_wants(o, &wants);
	error("--%s must be %s, not '%s'", o->long_name, wants.data, arg);
	buf_release(&wants);
	return -1;
}

/* The option whose getopt_long result is c, NULL if none. */
static const struct cmd_opt *
opt_for(const struct cmd_opt *opts, int c)
{
	if (c >= OPT_VAL_BASE)
		return &opts[c - OPT_VAL_BASE];
	for (const struct cmd_opt *o = opts; o->type != CMD_OPT_END; o++) {
		if (c != 0 && o->short_name == c)
			return o;
	}
	return NULL;
}

/*
 * The usage error for getopt_long's '?' or ':' (opterr is off, so getopt
 * said nothing).  optopt is the option's short char or long val, 0 for
 * an unknown long option, which then is argv[optind - 1].
 */
static void
opt_usage_error(const struct cmd_opt *opts, int c, char **argv)
{
	const struct cmd_opt *o = opt_for(opts, optopt);

	if (o == NULL && optopt != 0 && optopt < OPT_VAL_BASE)
		error("unknown option '-%c'", optopt);
	else if (o == NULL)
		error("unknown option '%s'", argv[optind - 1]);
	else if (c == ':')
		error("--%s needs a value, %s", o->long_name,
		    o->argh ? o->argh : o->choices);
	else
		error("--%s takes no value", o->long_name);
}

int
parse_options(int argc, char **argv, const struct cmd_opt *opts, void *base,
    int flags)
{
	struct buf shorts = BUF_INIT;
	struct option *longopts;
	size_t n = 0, k = 0;
	int c, rc = -1;

	while (opts[n].type != CMD_OPT_END)
		n++;
	longopts = xcalloc(n + 1, sizeof(*longopts));
	/* "+": stop at the first operand; ":": report missing values here */
	buf_addstr(&shorts, flags & PARSE_OPT_STOP_AT_OPERAND ? "+:" : ":");
	for (size_t i = 0; i < n; i++) {
		const struct cmd_opt *o = &opts[i];

		if (o->type == CMD_OPT_OPERANDS)
			continue;
		longopts[k].name = o->long_name;
		longopts[k].has_arg = opt_takes_arg(o) ? required_argument :
		    no_argument;
		longopts[k++].val = OPT_VAL_BASE + (int)i;
		if (o->short_name != 0)
			buf_addf(&shorts, "%c%s", o->short_name,
			    opt_takes_arg(o) ? ":" : "");
		opt_store_default(o, base);
	}
	/*
	 * 0, not 1: glibc then starts afresh, so a parse does not keep the
	 * ordering ("+" or not) of the one before it in this process.
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts.data, longopts, NULL))
	    != -1) {
		const struct cmd_opt *o;

		if (c == '?' || c == ':') {
			opt_usage_error(opts, c, argv);
			goto cleanup;
		}
		o = opt_for(opts, c);
		if (opt_store(o, base, optarg) != 0)
			goto cleanup;
	}
	if (opt_check_operands(opts, argc, argv, optind) == 0)
		rc = optind;
cleanup:
	opterr = 1;
	free(longopts);
	buf_release(&shorts);
	return rc;
}

void
opt_spelling(const struct cmd_opt *o, struct buf *b)
{
	if (o->short_name != 0)
		buf_addf(b, "-%c, ", o->short_name);
	buf_addf(b, "--%s", o->long_name);
	if (o->type == CMD_OPT_CHOICE && o->argh == NULL)
		buf_addf(b, " %s", o->choices);
	else if (opt_takes_arg(o))
		buf_addf(b, " %s", o->argh);
}

void
opt_describe(const struct cmd_opt *o, struct buf *b)
{
	buf_addstr(b, o->help);
	if (o->type == CMD_OPT_INT || o->type == CMD_OPT_LONG)
		buf_addf(b, " Range: %ld..%ld.", o->min, o->max);
	if (o->type == CMD_OPT_LIST)
		buf_addstr(b, " Repeatable.");
	if (o->def[0] == '(')
		buf_addf(b, " %s", o->def);	/* "(no default)" */
	else
		buf_addf(b, " Default: %s.", o->def);
}

/*
 * Add "--NAME" for o, and value (malloc()ed, or NULL for none) after it,
 * to the NULL-terminated array *argv of *n words.
 */
static void
opt_push(char ***argv, size_t *n, const struct cmd_opt *o, char *value)
{
	*argv = xrealloc(*argv, (*n + 3) * sizeof(**argv));
	(*argv)[(*n)++] = xasprintf("--%s", o->long_name);
	if (value != NULL)
		(*argv)[(*n)++] = value;
	(*argv)[*n] = NULL;
}

char **
opt_unparse(const struct cmd_opt *opts, const void *base)
{
	char **argv = xcalloc(1, sizeof(*argv));
	size_t n = 0;

	for (const struct cmd_opt *o = opts; o->type != CMD_OPT_END; o++) {
		const void *field = (const char *)base + o->off;
		/* each field read as its own type: an int may end the struct */
		const int *i = field;
		const long *l = field;
		const char *const *str = field;

		switch (o->type) {
		case CMD_OPT_FLAG:
			if (*i != 0)
				opt_push(&argv, &n, o, NULL);
			break;
		case CMD_OPT_INT:
			if (*i != 0)
				opt_push(&argv, &n, o, xasprintf("%d", *i));
			break;
		case CMD_OPT_LONG:
			if (*l != 0)
				opt_push(&argv, &n, o, xasprintf("%ld", *l));
			break;
		case CMD_OPT_STRING:
		case CMD_OPT_CHOICE:
			if (*str != NULL)
				opt_push(&argv, &n, o, xstrdup(*str));
			break;
		case CMD_OPT_LIST: {
			char *const *list = *(char *const *const *)field;
			size_t count = *(const size_t *)((const char *)base +
			    o->count_off);

			for (size_t k = 0; k < count; k++)
				opt_push(&argv, &n, o, xstrdup(list[k]));
			break;
		}
		case CMD_OPT_OPERANDS:
			break;
		case CMD_OPT_FUNC:
		case CMD_OPT_END:
			fatal("opt_unparse: --%s cannot be spelled back",
			    o->long_name);
		}
	}
	return argv;
}

/*
 * Verbs: the first operand of a command with verbs picks one from its
 * table (image, scenario).  Here, below cmd.c, because the commands call
 * it and cmd.c's table calls the commands.
 */
const struct cmd_verb *
cmd_find_verb(const struct cmd_entry *entry, const char *name)
{
	for (const struct cmd_verb *v = entry->verbs; v && v->name; v++) {
		if (strcmp(v->name, name) == 0)
			return v;
	}
	return NULL;
}

/*
 * Run the verb argv[1] from verbs, a table ending with a NULL name (the
 * first verb when there is none), passing it argv from the verb on, so
 * its argv[0] is always its name.  An unknown verb is a usage error that
 * lists the verbs.
 */
int
cmd_run_verb(const struct cmd_verb *verbs, int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : verbs[0].name;
	char *only[] = { (char *)verbs[0].name, NULL };
	struct buf names = BUF_INIT;

	if (argc < 2)
		return verbs[0].fn(1, only);
	for (size_t i = 0; verbs[i].name != NULL; i++) {
		if (strcmp(verbs[i].name, verb) == 0)
			return verbs[i].fn(argc - 1, argv + 1);
	}
	for (size_t i = 0; verbs[i].name != NULL; i++)
		buf_addf(&names, "%s%s", i ? ", " : "", verbs[i].name);
	error("unknown verb '%s' (%s)", verb, names.data);
	buf_release(&names);
	return EXIT_USAGE;
}
