/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root-cause rules: a plain-text file (host/bug-classes.rules, or
 * $RACERIG_RULES, or report_set_rules()) mapping crash signatures to
 * known bug classes, read at run time so users extend it without
 * recompiling.  The format is described at the top of that file.
 *
 * A rule matches when every condition it states holds; several rules may
 * name the same class (any of them matching is enough).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

#define RULE_MAX_RE	8
#define RULE_MAX_STACK	8
#define RULE_MAX_REPEAT	255	/* counts of one pattern, added up */
#define RULE_MAX_DEPTH	32	/* nested groups in one pattern */

struct rule_stack {
	char		**names;	/* at least one must be in the stack */
	size_t		 n;
};

struct rule {
	char		*cls;
	char		*explain;
	regex_t		 title[RULE_MAX_RE];
	size_t		 ntitle;
	regex_t		 guilty[RULE_MAX_RE];
	size_t		 nguilty;
	regex_t		 log[RULE_MAX_RE];
	size_t		 nlog;
	struct rule_stack stack[RULE_MAX_STACK];
	size_t		 nstack;
};

static struct rule *rules;
static size_t nrules;
static int rules_loaded;
static char *rules_path;

/* Forget every rule, freeing what each holds. */
static void
rules_free(void)
{
	for (size_t i = 0; i < nrules; i++) {
		struct rule *ru = &rules[i];

		for (size_t k = 0; k < ru->ntitle; k++)
			regfree(&ru->title[k]);
		for (size_t k = 0; k < ru->nguilty; k++)
			regfree(&ru->guilty[k]);
		for (size_t k = 0; k < ru->nlog; k++)
			regfree(&ru->log[k]);
		for (size_t k = 0; k < ru->nstack; k++) {
			for (size_t j = 0; j < ru->stack[k].n; j++)
				free(ru->stack[k].names[j]);
			free(ru->stack[k].names);
		}
		free(ru->cls);
		free(ru->explain);
	}
	free(rules);
	rules = NULL;
	nrules = 0;
}

/* Use path instead of the default rules file (before the first parse). */
void
report_set_rules(const char *path)
{
	free(rules_path);
	rules_path = xstrdup(path);
	rules_loaded = 0;
}

/*
 * After a bracket expression's '[' at p: the character past its ']'
 * (or the end of the string).  A ']' first in the list, or after '^',
 * is a member; "[:class:]", "[.x.]" and "[=x=]" nest.
 */
static const char *
skip_bracket(const char *p)
{
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			char end = p[1];

			for (p += 2; *p != '\0' && !(p[0] == end && p[1] == ']');
			    p++)
				;
			if (*p != '\0')
				p += 2;
			continue;
		}
		p++;
	}
	return *p == ']' ? p + 1 : p;
}

/*
 * If p starts an ERE repetition operator, return how many times at most
 * it repeats (-1: unbounded), set *len to its length and *copies to how
 * many copies of its operand regcomp() makes for a count (the larger
 * bound, or the lower one of "{n,}"; 0 for *, + and ?).  Else return 0
 * with *len 0.  "{" without a valid count is no operator.
 */
static long
repeat_max(const char *p, size_t *len, long *copies)
{
	const char *q;
	char *end;
	long lo, hi;

	*len = 1;
	*copies = 0;
	if (*p == '*' || *p == '+')
		return -1;
	if (*p == '?')
		return 1;
	*len = 0;
	if (*p != '{' || p[1] < '0' || p[1] > '9')
		return 0;
	errno = 0;
	lo = strtol(p + 1, &end, 10);
	hi = lo;
	q = end;
	if (*q == ',') {
		q++;
		hi = (*q >= '0' && *q <= '9') ? strtol(q, &end, 10) : -1;
		if (hi >= 0)
			q = end;
	}
	if (*q != '}')
		return 0;
	*len = (size_t)(q + 1 - p);
	/* a count past a long is as bad as LONG_MAX */
	*copies = errno == ERANGE ? LONG_MAX : hi < 0 ? lo : hi;
	return hi;
}

/*
 * Refuse what glibc's matcher cannot bound: a back-reference, which it
 * matches in time exponential in the line's length ("(a*)*\1" took
 * 10 s on 200 characters, "(a*)\1" 9 s on 1000), a group that repeats
 * and holds a repetition itself ("(a{30}){30}" never finished
 * compiling; "(a+)+" is the classic exponential case of backtracking
 * matchers), a repetition of a repetition, which glibc reads the same
 * way ("a++" is "(a+)+": 36 '+' ran fuzz-rules out of memory in
 * regcomp()), and counts adding up to more than RULE_MAX_REPEAT, since
 * each count copies its operand (30 of "[a-z]{255}" in one pattern took
 * 9 ms to compile and 10 ms per line to match, and a file can hold
 * thousands).  Patterns are one line, so this is a scan, not a
 * parse: it errs toward refusing.  Returns NULL, or why pat is refused.
 */
static const char *
rule_pattern_hazard(const char *pat)
{
	/* per open group: does it hold a repetition? */
	unsigned char inner[RULE_MAX_DEPTH + 1] = { 0 };
	size_t depth = 0, len;
	const char *p = pat;
	long max, copies, total = 0;
	int rep = 0;		/* what came just before is a repetition */

	while (*p != '\0') {
		if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9')
				return "it has a back-reference, which glibc "
				    "can take seconds to match on one line";
			p += p[1] != '\0' ? 2 : 1;
			rep = 0;
			continue;
		}
		if (*p == '[') {
			p = skip_bracket(p + 1);
			rep = 0;
			continue;
		}
		if (*p == '(') {
			if (depth == RULE_MAX_DEPTH)
				return "it nests groups too deeply";
			inner[++depth] = 0;
			p++;
			rep = 0;
			continue;
		}
		if (*p == ')' && depth > 0) {
			int held = inner[depth--];

			p++;
			max = repeat_max(p, &len, &copies);
			if (len > 0 && held && (max < 0 || max > 1))
				return "it repeats a group that holds a "
				    "repetition, which can take exponential "
				    "time to compile or match";
			inner[depth] |= held || len > 0;
			if (copies > RULE_MAX_REPEAT - total)
				return "its counts add up to more than the "
				    "limit";
			total += copies;
			p += len;
			rep = len > 0;
			continue;
		}
		max = repeat_max(p, &len, &copies);
		if (len > 0) {
			/* glibc reads "a++" as "(a+)+", doubling per '+' */
			if (rep && (max < 0 || max > 1))
				return "it repeats a repetition (\"a++\" is "
				    "\"(a+)+\"), which can take exponential "
				    "time to compile or match";
			if (copies > RULE_MAX_REPEAT - total)
				return "its counts add up to more than the "
				    "limit";
			total += copies;
			inner[depth] = 1;
			p += len;
			rep = 1;
			continue;
		}
		p++;
		rep = 0;
	}
	return NULL;
}

static int
rule_regex(regex_t *re, size_t *n, const char *file, int line,
    const char *cls, const char *pat)
{
	const char *hazard;
	char msg[128];
	int rc;

	if (*n == RULE_MAX_RE)
		return error("%s:%d: too many patterns of one kind (at most "
		    "%d)", file, line, RULE_MAX_RE);
	hazard = rule_pattern_hazard(pat);
	if (hazard != NULL)
		return error("%s:%d: class '%s': pattern '%s' is refused: %s "
		    "(no back-references, no repetition of a repetition, "
		    "counts adding up to %d at most)", file, line,
		    cls, pat, hazard, RULE_MAX_REPEAT);
	rc = regcomp(&re[*n], pat, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &re[*n], msg, sizeof(msg));
		return error("%s:%d: bad pattern '%s': %s", file, line, pat,
		    msg);
	}
	(*n)++;
	return 0;
}

/*
 * Read the rules in f (named path in messages) into rules[], in place of
 * those before.  Returns 0 or -1 (reported, naming path and line); on
 * an error no rule is left rather than some of them.
 */
static int
rules_read(FILE *f, const char *path)
{
	char line[1024];
	struct rule *cur = NULL;
	int lineno = 0, rc = 0;

	/* a second load replaces the rules: it used to append to them */
	rules_free();
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *arg;

		lineno++;
		/* fgets() would hand the rest over as a line of its own */
		if (strchr(line, '\n') == NULL && !feof(f)) {
			rc = error("%s:%d: line longer than %zu bytes", path,
			    lineno, sizeof(line) - 2);
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		arg = s + strcspn(s, " \t");
		if (*arg != '\0')
			*arg++ = '\0';
		while (isspace((unsigned char)*arg))
			arg++;
		if (strcmp(s, "class") == 0) {
			if (*arg == '\0') {
				rc = error("%s:%d: 'class' needs a name", path,
				    lineno);
				break;
			}
			rules = xrealloc(rules, (nrules + 1) * sizeof(*rules));
			cur = &rules[nrules++];
			memset(cur, 0, sizeof(*cur));
			cur->cls = xstrdup(arg);
			continue;
		}
		if (cur == NULL) {
			rc = error("%s:%d: '%s' before any 'class'", path,
			    lineno, s);
			break;
		}
		if (strcmp(s, "title") == 0)
			rc = rule_regex(cur->title, &cur->ntitle, path, lineno,
			    cur->cls, arg);
		else if (strcmp(s, "guilty") == 0)
			rc = rule_regex(cur->guilty, &cur->nguilty, path,
			    lineno, cur->cls, arg);
		else if (strcmp(s, "log") == 0)
			rc = rule_regex(cur->log, &cur->nlog, path, lineno,
			    cur->cls, arg);
		else if (strcmp(s, "stack") == 0) {
			struct rule_stack *st;
			char *tok, *save = NULL;

			if (cur->nstack == RULE_MAX_STACK) {
				rc = error("%s:%d: too many 'stack' lines",
				    path, lineno);
				break;
			}
			st = &cur->stack[cur->nstack++];
			st->names = NULL;
			st->n = 0;
			for (tok = strtok_r(arg, " \t", &save); tok != NULL;
			    tok = strtok_r(NULL, " \t", &save)) {
				st->names = xrealloc(st->names,
				    (st->n + 1) * sizeof(char *));
				st->names[st->n++] = xstrdup(tok);
			}
			if (st->n == 0)
				rc = error("%s:%d: 'stack' needs function "
				    "names", path, lineno);
		} else if (strcmp(s, "explain") == 0) {
			char *old = cur->explain;

			cur->explain = xasprintf("%s%s%s", old ? old : "",
			    old ? " " : "", arg);
			free(old);
		} else
			rc = error("%s:%d: unknown keyword '%s' (class, title, "
			    "guilty, stack, log, explain)", path, lineno, s);
		if (rc != 0)
			break;
	}
	if (rc != 0)
		rules_free();	/* all or nothing */
	return rc;
}

/*
 * Load the rules file.  Returns 0 or -1 (reported, naming file and line);
 * on an error no rule is used rather than some of them.
 */
int
report_load_rules(void)
{
	const char *env = getenv("RACERIG_RULES");
	char *path;
	int rc = 0;
	FILE *f;

	if (rules_loaded)
		return 0;
	rules_loaded = 1;
	if (rules_path != NULL)
		path = xstrdup(rules_path);
	else if (env != NULL && *env != '\0')
		path = xstrdup(env);
	else
		path = xasprintf("%s/host/bug-classes.rules", source_dir());
	f = fopen(path, "re");
	if (f == NULL) {
		/* without rules, crashes are still titled and bucketed */
		rules_free();
		if (rules_path != NULL || env != NULL)
			rc = error("cannot open rules '%s': %s", path,
			    strerror(errno));
		free(path);
		return rc;
	}
	rc = rules_read(f, path);
	fclose(f);
	free(path);
	return rc;
}

/*
 * Use the rules in text (len bytes; name is the file they came from,
 * for messages) from now on, as report_load_rules() does for a file.
 */
int
report_load_rules_buf(const char *name, const char *text, size_t len)
{
	FILE *f;
	int rc;

	rules_loaded = 1;
	if (len == 0) {
		rules_free();
		return 0;
	}
	f = fmemopen((void *)text, len, "r");
	if (f == NULL)
		return error("cannot read rules '%s': %s", name,
		    strerror(errno));
	rc = rules_read(f, name);
	fclose(f);
	return rc;
}

static int
any_regex(const regex_t *re, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (regexec(&re[i], s, 0, NULL, 0) == 0)
			return 1;
	}
	return 0;
}

/*
 * How far before a report's end its log conditions look: the warnings a
 * rule means come a few hundred lines before the crash, and a bound keeps
 * a flood of lines before it from costing a regexec each.
 */
#define RULES_LOG_LINES	10000
#define RULES_LOG_BYTES	(4u * 1024 * 1024)

/*
 * Does any of the last RULES_LOG_LINES lines (and RULES_LOG_BYTES bytes)
 * of log[0, end) match one of the patterns?
 */
static int
log_matches(const regex_t *re, size_t n, const char *log, size_t end)
{
	char line[REPORT_LINE + 1];
	size_t pos = end > RULES_LOG_BYTES ? end - RULES_LOG_BYTES : 0;
	const char *cut = log + end;

	for (size_t k = 0; k < RULES_LOG_LINES && cut != NULL; k++)
		cut = memrchr(log + pos, '\n', (size_t)(cut - (log + pos)));
	/* start at a line: the one after the cut, or after the byte bound */
	if (cut == NULL && pos > 0)
		cut = memchr(log + pos, '\n', end - pos);
	if (cut != NULL)
		pos = (size_t)(cut - log) + 1;

	while (pos < end) {
		const char *nl = memchr(log + pos, '\n', end - pos);
		size_t e = nl ? (size_t)(nl - log) : end, l = e - pos;

		if (l > REPORT_LINE)
			l = REPORT_LINE;
		memcpy(line, log + pos, l);
		line[l] = '\0';
		/* NUL bytes in the log would hide the rest of the line */
		for (size_t i = 0; i < l; i++) {
			if (line[i] == '\0')
				line[i] = ' ';
		}
		if (any_regex(re, n, line))
			return 1;
		pos = e + 1;
	}
	return 0;
}

static int
stack_has(const struct report *r, const struct rule_stack *st)
{
	for (size_t i = 0; i < st->n; i++) {
		for (size_t k = 0; k < r->nframes; k++) {
			if (strcmp(r->frames[k], st->names[i]) == 0)
				return 1;
		}
	}
	return 0;
}

static int
rule_matches(const struct rule *ru, const char *log, size_t end,
    const struct report *r)
{
	if (ru->ntitle > 0 && !any_regex(ru->title, ru->ntitle,
	    r->title ? r->title : ""))
		return 0;
	if (ru->nguilty > 0 && !any_regex(ru->guilty, ru->nguilty,
	    r->frame ? r->frame : ""))
		return 0;
	for (size_t i = 0; i < ru->nstack; i++) {
		if (!stack_has(r, &ru->stack[i]))
			return 0;
	}
	if (ru->nlog > 0 && !log_matches(ru->log, ru->nlog, log, end))
		return 0;
	return 1;
}

/*
 * Add to r->classes every class with a matching rule; log conditions see
 * the log up to the end of the report (earlier warnings included).
 */
void
report_rules_match(const char *log, size_t end, struct report *r)
{
	if (report_load_rules() != 0)
		return;
	for (size_t i = 0; i < nrules; i++) {
		int dup = 0;

		for (size_t k = 0; k < r->nclasses; k++)
			dup |= strcmp(r->classes[k], rules[i].cls) == 0;
		if (dup || !rule_matches(&rules[i], log, end, r))
			continue;
		r->classes = xrealloc(r->classes,
		    (r->nclasses + 1) * sizeof(char *));
		r->classes[r->nclasses++] = xstrdup(rules[i].cls);
	}
}

/* The explanation of class cls, or NULL. */
const char *
report_class_explain(const char *cls)
{
	if (report_load_rules() != 0)
		return NULL;
	for (size_t i = 0; i < nrules; i++) {
		if (strcmp(rules[i].cls, cls) == 0 && rules[i].explain)
			return rules[i].explain;
	}
	return NULL;
}
