/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenario definitions (scenarios/NAME/scenario.json, format in
 * scenarios/README.md): loading and validation, parameter values and
 * ${name} substitution.
 *
 * Every check happens here, before a VM starts, and every error names the
 * file and the field at fault.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "scenario.h"

#define SCENARIO_MAX_FILE	(1024 * 1024)
#define SCENARIO_MAX_CPU	4095	/* highest CPU number a list names */

static char **
strv_from_json(json_t *arr, const char *file, const char *field,
    size_t *count, int *bad)
{
	char **v;
	size_t i;
	json_t *e;

	*count = 0;
	if (arr == NULL)
		return NULL;
	if (!json_is_array(arr)) {
		error("%s: '%s' must be a list of strings", file, field);
		*bad = 1;
		return NULL;
	}
	v = xcalloc(json_array_size(arr) + 1, sizeof(*v));
	json_array_foreach(arr, i, e) {
		if (!json_is_string(e)) {
			error("%s: '%s' item %zu is not a string", file, field,
			    i + 1);
			*bad = 1;
			break;
		}
		v[(*count)++] = xstrdup(json_string_value(e));
	}
	return v;
}

static void
strv_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static int
scenario_load_param(struct scenario *s, const char *file, const char *key,
    json_t *o, struct scenario_param *p)
{
	const char *type;
	json_t *def;
	int bad = 0;

	memset(p, 0, sizeof(*p));
	p->name = xstrdup(key);
	for (const char *c = key; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '_')
			return error("%s: parameter '%s': names are letters, "
			    "digits and '_'", file, key);
	}
	if (!json_is_object(o))
		return error("%s: parameter '%s' must be an object", file, key);
	type = json_string_value(json_object_get(o, "type"));
	p->help = xstrdup(json_string_value(json_object_get(o, "help")) ?
	    json_string_value(json_object_get(o, "help")) : "");
	def = json_object_get(o, "default");
	if (type == NULL || strcmp(type, "int") == 0) {
		json_t *mn = json_object_get(o, "min");
		json_t *mx = json_object_get(o, "max");

		p->type = PARAM_INT;
		if (!json_is_integer(def) || !json_is_integer(mn) ||
		    !json_is_integer(mx))
			return error("%s: parameter '%s' needs integer "
			    "'default', 'min' and 'max'", file, key);
		p->min = (long)json_integer_value(mn);
		p->max = (long)json_integer_value(mx);
		if (p->min > p->max || json_integer_value(def) < p->min ||
		    json_integer_value(def) > p->max)
			return error("%s: parameter '%s': default %lld is "
			    "outside [%ld, %ld]", file, key,
			    (long long)json_integer_value(def), p->min, p->max);
		p->def = xasprintf("%lld", (long long)json_integer_value(def));
	} else if (strcmp(type, "choice") == 0) {
		p->type = PARAM_CHOICE;
		p->values = strv_from_json(json_object_get(o, "values"), file,
		    key, &p->nvalues, &bad);
		if (bad || p->nvalues == 0)
			return error("%s: parameter '%s' needs a non-empty "
			    "'values' list", file, key);
		if (!json_is_string(def))
			return error("%s: parameter '%s' needs a string "
			    "'default'", file, key);
		p->def = xstrdup(json_string_value(def));
		if (scenario_check_value(s, p, p->def) != 0)
			return -1;
	} else if (strcmp(type, "symbol") == 0) {
		p->type = PARAM_SYMBOL;
		if (!json_is_string(def) || strcmp(json_string_value(def),
		    "none") != 0)
			return error("%s: parameter '%s': a symbol's "
			    "'default' is \"none\"", file, key);
		p->def = xstrdup("none");
	} else
		return error("%s: parameter '%s' has unknown type '%s' "
		    "(int, choice or symbol)", file, key, type);
	/* constraints that need the VM's size, checked by scenario_check_vm */
	def = json_object_get(o, "cpus");
	if (def != NULL && !json_is_boolean(def))
		return error("%s: parameter '%s': 'cpus' is true or false",
		    file, key);
	p->is_cpus = json_is_true(def);
	def = json_object_get(o, "per_vcpu_max");
	if (def != NULL) {
		if (p->type != PARAM_INT || !json_is_integer(def) ||
		    json_integer_value(def) <= 0)
			return error("%s: parameter '%s': 'per_vcpu_max' is a "
			    "positive integer on an int parameter", file, key);
		p->per_vcpu_max = (long)json_integer_value(def);
	}
	return 0;
}

/*
 * One CPU number at *c: decimal digits only, at most SCENARIO_MAX_CPU
 * (as a step's "cpus").  Advances *c past it.  0 with *out set, or -1.
 */
static int
cpu_number(const char **c, long *out)
{
	long v = 0;

	if (!isdigit((unsigned char)**c))
		return -1;
	for (; isdigit((unsigned char)**c); (*c)++) {
		v = v * 10 + (**c - '0');
		if (v > SCENARIO_MAX_CPU)
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * The highest CPU of the list v ("0,1", "2-3", "0,2-3"), or -1 if v is
 * not such a list.  Bounded numbers, so that the caller's arithmetic
 * on them (the --smp it suggests) cannot overflow.
 */
static long
cpu_list_max(const char *v)
{
	const char *c = v;
	long lo, hi, top = -1;

	do {
		if (cpu_number(&c, &lo) != 0)
			return -1;
		hi = lo;
		if (*c == '-') {
			c++;
			if (cpu_number(&c, &hi) != 0 || hi < lo)
				return -1;
		}
		if (hi > top)
			top = hi;
	} while (*c++ == ',');
	return c[-1] == '\0' ? top : -1;
}

/*
 * Check the parameters that depend on the guest's size: CPU lists name
 * only CPUs a guest of smp vCPUs has, and rates stay within what that
 * many vCPUs can reach.  Returns 0, or -1 with an error naming the
 * parameter, before any VM starts.
 */
int
scenario_check_vm(const struct scenario *s, const struct param_values *vals,
    int smp)
{
	for (size_t i = 0; i < s->nparams; i++) {
		const struct scenario_param *p = &s->params[i];
		const char *v = param_values_get(vals, p->name);
		long n, cap;

		if (v == NULL)
			continue;
		if (p->is_cpus && strcmp(v, "all") != 0) {
			long top = cpu_list_max(v);

			if (top < 0)
				return error("scenario '%s': parameter '%s': "
				    "'%s' is not a CPU list like 0,1 or 0-3 "
				    "(CPUs 0 to %d)", s->name, p->name, v,
				    SCENARIO_MAX_CPU);
			if (top >= smp)
				return error("scenario '%s': parameter '%s': "
				    "CPU %ld does not exist in a %d-vCPU guest "
				    "(use --smp %ld or more)", s->name,
				    p->name, top, smp, top + 1);
		}
		/* a cap past a long is no cap: it multiplied into a wrap */
		if (p->per_vcpu_max > 0 && parse_long(v, p->min, p->max,
		    &n) == 0 && !__builtin_mul_overflow(p->per_vcpu_max,
		    (long)smp, &cap) && n > cap)
			return error("scenario '%s': parameter '%s': %ld is more "
			    "than a %d-vCPU guest can reach (at most %ld per "
			    "vCPU)", s->name, p->name, n, smp,
			    p->per_vcpu_max);
	}
	return 0;
}

/*
 * Is value acceptable for p?  Returns 0, or -1 with an error naming the
 * scenario, the parameter and the allowed values.
 */
int
scenario_check_value(const struct scenario *s, const struct scenario_param *p,
    const char *value)
{
	long v;

	if (p->type == PARAM_INT) {
		if (parse_long(value, p->min, p->max, &v) != 0)
			return error("scenario '%s': parameter '%s' must be an "
			    "integer in [%ld, %ld], not '%s'", s->name, p->name,
			    p->min, p->max, value);
		return 0;
	}
	if (p->type == PARAM_SYMBOL) {
		/* it becomes a module parameter in the guest: a C name only */
		size_t n = strlen(value);
		int ok = n > 0 && n <= SCENARIO_SYMBOL_MAX &&
		    (isalpha((unsigned char)value[0]) || value[0] == '_');

		for (size_t i = 0; ok && i < n; i++)
			ok = isalnum((unsigned char)value[i]) ||
			    value[i] == '_';
		if (!ok)
			return error("scenario '%s': parameter '%s' must be a "
			    "kernel function's name (letters, digits and '_', "
			    "at most %d) or none, not '%s'", s->name, p->name,
			    SCENARIO_SYMBOL_MAX, value);
		return 0;
	}
	for (size_t i = 0; i < p->nvalues; i++) {
		if (strcmp(p->values[i], value) == 0)
			return 0;
	}
	{
		struct buf b = BUF_INIT;
		int rc;

		for (size_t i = 0; i < p->nvalues; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", p->values[i]);
		rc = error("scenario '%s': parameter '%s' must be one of %s, "
		    "not '%s'", s->name, p->name, b.data, value);
		buf_release(&b);
		return rc;
	}
}

/*
 * "exercises": [{"area": "fs", "params": {"set": "fs"}}, ...]: each
 * area a path under the kernel tree, each parameter one of the
 * scenario's with a value it takes.
 */
static int
scenario_load_exercises(struct scenario *s, const char *file,
    const json_t *a)
{
	size_t i;
	json_t *e;

	if (a == NULL)
		return 0;
	if (!json_is_array(a))
		return error("%s: 'exercises' must be a list of {\"area\", "
		    "\"params\"}", file);
	s->exercises = xcalloc(json_array_size(a) + 1, sizeof(*s->exercises));
	json_array_foreach(a, i, e) {
		struct scenario_exercise *x = &s->exercises[s->nexercises++];
		const char *area = json_string_value(json_object_get(e,
		    "area")), *k;
		json_t *params = json_object_get(e, "params"), *v;

		if (area == NULL || *area == '\0' || *area == '/' ||
		    strstr(area, "..") != NULL)
			return error("%s: exercises[%zu].area must be a path "
			    "under the kernel tree, such as \"fs\"", file, i);
		x->area = xstrdup(area);
		if (params != NULL && !json_is_object(params))
			return error("%s: exercises[%zu].params must be an "
			    "object", file, i);
		x->params = xcalloc(json_object_size(params) + 1,
		    sizeof(char *));
		json_object_foreach(params, k, v) {
			const struct scenario_param *p = scenario_param(s, k);

			if (p == NULL || !json_is_string(v))
				return error("%s: exercises[%zu].params.%s is "
				    "not a parameter of the scenario given as "
				    "a string", file, i, k);
			if (scenario_check_value(s, p, json_string_value(v)) !=
			    0)
				return -1;
			x->params[x->nparams++] = xasprintf("%s=%s", k,
			    json_string_value(v));
		}
	}
	return 0;
}

static int
scenario_load_step(const char *file, size_t idx, json_t *o,
    struct scenario_step *st)
{
	json_t *t, *cpus;
	int bad = 0;

	memset(st, 0, sizeof(*st));
	if (!json_is_object(o))
		return error("%s: step %zu must be an object", file, idx);
	st->argv = strv_from_json(json_object_get(o, "argv"), file, "argv",
	    &st->argc, &bad);
	if (bad || st->argc == 0)
		return error("%s: step %zu needs a non-empty 'argv'", file,
		    idx);
	st->env = strv_from_json(json_object_get(o, "env"), file, "env",
	    &st->nenv, &bad);
	if (bad)
		return -1;
	for (size_t i = 0; i < st->nenv; i++) {
		if (strchr(st->env[i], '=') == NULL)
			return error("%s: step %zu: env item '%s' is not "
			    "K=V", file, idx, st->env[i]);
	}
	t = json_object_get(o, "timeout_s");
	if (json_is_integer(t))
		st->timeout = xasprintf("%lld", (long long)json_integer_value(t));
	else if (json_is_string(t))
		st->timeout = xstrdup(json_string_value(t));
	else if (t != NULL)
		return error("%s: step %zu: 'timeout_s' must be a number or "
		    "a \"${var}+N\" string", file, idx);
	cpus = json_object_get(o, "cpus");
	if (json_is_string(cpus)) {
		if (strcmp(json_string_value(cpus), "all") != 0)
			return error("%s: step %zu: 'cpus' is \"all\" or a "
			    "list of CPU numbers", file, idx);
		st->cpus_all = 1;
	} else if (json_is_array(cpus)) {
		size_t i;
		json_t *c;

		st->cpus = xcalloc(json_array_size(cpus) + 1,
		    sizeof(*st->cpus));
		json_array_foreach(cpus, i, c) {
			if (!json_is_integer(c) || json_integer_value(c) < 0 ||
			    json_integer_value(c) > SCENARIO_MAX_CPU)
				return error("%s: step %zu: 'cpus' item %zu "
				    "is not a CPU number", file, idx, i + 1);
			st->cpus[st->ncpus++] = (int)json_integer_value(c);
		}
	} else if (cpus != NULL)
		return error("%s: step %zu: 'cpus' is \"all\" or a list of "
		    "CPU numbers", file, idx);
	st->background = json_is_true(json_object_get(o, "background"));
	st->raw_channel = json_is_true(json_object_get(o, "raw_channel"));
	t = json_object_get(o, "workload");
	if (t != NULL && !json_is_boolean(t))
		return error("%s: step %zu: 'workload' is true or false", file,
		    idx);
	st->workload = json_is_true(t);
	t = json_object_get(o, "expect_exit");
	st->expect_exit = json_is_integer(t) ? (int)json_integer_value(t) : 0;
	return 0;
}

/*
 * Find the scenario directory for name: a path containing '/' is used as
 * given (a directory or its scenario.json), anything else is looked up
 * in $RACERIG_SCENARIOS or <source>/scenarios.  Names are restricted to
 * [a-z0-9-_] so they cannot climb out of that directory.
 */
static char *
scenario_path(const char *name)
{
	const char *base = getenv("RACERIG_SCENARIOS");
	size_t n;

	if (strchr(name, '/') != NULL) {
		n = strlen(name);
		if (n > 5 && strcmp(name + n - 5, ".json") == 0)
			return xstrdup(name);
		return xasprintf("%s/scenario.json", name);
	}
	for (const char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') {
			error("bad scenario name '%s'", name);
			return NULL;
		}
	}
	if (base != NULL && *base != '\0')
		return xasprintf("%s/%s/scenario.json", base, name);
	return xasprintf("%s/scenarios/%s/scenario.json", source_dir(), name);
}

/*
 * Parse and validate text (len bytes, the contents of file) into s.
 * file names the scenario in messages and gives s->file and s->dir; it
 * is not read.  Returns 0, or -1 (reported, naming file and field) with
 * s left empty.  The caller checks that the directory matches the name.
 */
int
scenario_parse(const char *file, const char *text, size_t len,
    struct scenario *s)
{
	json_error_t jerr;
	json_t *root = NULL, *o, *v, *params, *steps;
	const char *key, *slash;
	size_t i;
	int bad = 0, rc = -1;

	memset(s, 0, sizeof(*s));
	s->file = xstrdup(file);
	slash = strrchr(file, '/');
	s->dir = slash ? xasprintf("%.*s", (int)(slash - file), file) :
	    xstrdup(".");
	root = json_loadb(text ? text : "", len, 0, &jerr);
	if (root == NULL) {
		error("%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
		goto cleanup;
	}
	if (!json_is_object(root)) {
		error("%s: the top level must be an object", file);
		goto cleanup;
	}
	v = json_object_get(root, "name");
	if (!json_is_string(v)) {
		error("%s: missing 'name'", file);
		goto cleanup;
	}
	s->name = xstrdup(json_string_value(v));
	s->description = xstrdup(json_string_value(json_object_get(root,
	    "description")) ? json_string_value(json_object_get(root,
	    "description")) : "");
	v = json_object_get(root, "bug_class");
	if (json_is_string(v))
		s->bug_class = xstrdup(json_string_value(v));
	else if (v != NULL && !json_is_null(v)) {
		error("%s: 'bug_class' must be a string or null", file);
		goto cleanup;
	}
	v = json_object_get(root, "expect");
	s->expect = xstrdup(json_is_string(v) ? json_string_value(v) : "ok");
	if (strcmp(s->expect, "ok") != 0 && strcmp(s->expect, "crashed") &&
	    strcmp(s->expect, "hung")) {
		error("%s: 'expect' must be ok, crashed or hung", file);
		goto cleanup;
	}

	/*
	 * "model": {"of": what it models, "counts_when": never or
	 * out-of-tree-module}: the scenario plants its bug (in a module
	 * of racerig's) instead of exercising the kernel as it is.
	 */
	o = json_object_get(root, "model");
	if (o != NULL) {
		const char *of = json_string_value(json_object_get(o, "of"));
		const char *cw = json_string_value(json_object_get(o,
		    "counts_when"));

		if (!json_is_object(o) || of == NULL || *of == '\0' ||
		    cw == NULL || (strcmp(cw, "never") != 0 &&
		    strcmp(cw, "out-of-tree-module") != 0)) {
			error("%s: 'model' must be an object with 'of' (what "
			    "it models) and 'counts_when' (never or "
			    "out-of-tree-module)", file);
			goto cleanup;
		}
		s->model_of = xstrdup(of);
		s->model_counts = strcmp(cw, "never") == 0 ?
		    MODEL_COUNTS_NEVER : MODEL_COUNTS_OUT_OF_TREE;
	}

	/*
	 * image.c validates the "image" section when it builds; here only
	 * whether this scenario's runs boot with the workload archive.
	 */
	o = json_object_get(root, "image");
	v = json_is_object(o) ? json_object_get(o, "workload_binaries") : NULL;
	s->workload_image = json_is_array(v) && json_array_size(v) > 0;

	s->smp = 2;
	s->mem_mb = 1024;
	o = json_object_get(root, "vm");
	if (o != NULL) {
		if (!json_is_object(o)) {
			error("%s: 'vm' must be an object", file);
			goto cleanup;
		}
		v = json_object_get(o, "smp");
		if (v != NULL && (!json_is_integer(v) ||
		    json_integer_value(v) < 1 || json_integer_value(v) > 64)) {
			error("%s: 'vm.smp' must be an integer in [1, 64]",
			    file);
			goto cleanup;
		}
		if (v != NULL)
			s->smp = (int)json_integer_value(v);
		v = json_object_get(o, "mem_mb");
		if (v != NULL && (!json_is_integer(v) ||
		    json_integer_value(v) < 128 ||
		    json_integer_value(v) > 65536)) {
			error("%s: 'vm.mem_mb' must be an integer in "
			    "[128, 65536]", file);
			goto cleanup;
		}
		if (v != NULL)
			s->mem_mb = (int)json_integer_value(v);
		s->cmdline = strv_from_json(json_object_get(o, "cmdline"),
		    file, "vm.cmdline", &s->ncmdline, &bad);
		if (bad)
			goto cleanup;
	}
	v = json_object_get(root, "duration_s");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 7 * 24 * 3600)) {
		error("%s: 'duration_s' must be a number of seconds", file);
		goto cleanup;
	}
	s->duration_s = v ? (long)json_integer_value(v) : 30;
	s->sample = strv_from_json(json_object_get(root, "sample"), file,
	    "sample", &s->nsample, &bad);
	if (bad)
		goto cleanup;

	params = json_object_get(root, "params");
	if (params != NULL && !json_is_object(params)) {
		error("%s: 'params' must be an object", file);
		goto cleanup;
	}
	if (params != NULL) {
		s->params = xcalloc(json_object_size(params) + 1,
		    sizeof(*s->params));
		json_object_foreach(params, key, v) {
			if (scenario_load_param(s, file, key, v,
			    &s->params[s->nparams++]) != 0)
				goto cleanup;
		}
	}
	if (scenario_load_exercises(s, file, json_object_get(root,
	    "exercises")) != 0)
		goto cleanup;
	v = json_object_get(root, "hit_metric");
	if (v != NULL && !json_is_string(v)) {
		error("%s: 'hit_metric' must be the name of a rate in run.json",
		    file);
		goto cleanup;
	}
	if (v != NULL)
		s->hit_metric = xstrdup(json_string_value(v));
	steps = json_object_get(root, "steps");
	if (!json_is_array(steps) || json_array_size(steps) == 0) {
		error("%s: 'steps' must be a non-empty list", file);
		goto cleanup;
	}
	s->steps = xcalloc(json_array_size(steps), sizeof(*s->steps));
	json_array_foreach(steps, i, v) {
		if (scenario_load_step(file, i + 1, v,
		    &s->steps[s->nsteps++]) != 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	json_decref(root);
	if (rc != 0)
		scenario_release(s);
	return rc;
}

int
scenario_load(const char *name, struct scenario *s)
{
	struct buf text = BUF_INIT;
	const char *dirname;
	char *file;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	file = scenario_path(name);
	if (file == NULL)
		return -1;
	if (access(file, R_OK) != 0) {
		error("no scenario '%s' ('%s': %s)", name, file,
		    strerror(errno));
		goto cleanup;
	}
	if (read_file(file, &text, SCENARIO_MAX_FILE) != 0 ||
	    scenario_parse(file, text.data, text.len, s) != 0)
		goto cleanup;
	/* the name is what run directories and campaigns call it */
	dirname = strrchr(s->dir, '/') ? strrchr(s->dir, '/') + 1 : s->dir;
	if (strcmp(dirname, s->name) != 0) {
		error("%s: 'name' is '%s' but the directory is '%s'", file,
		    s->name, dirname);
		scenario_release(s);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(file);
	buf_release(&text);
	return rc;
}

void
scenario_release(struct scenario *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nparams; i++) {
		free(s->params[i].name);
		free(s->params[i].help);
		free(s->params[i].def);
		strv_free(s->params[i].values);
	}
	free(s->params);
	for (size_t i = 0; i < s->nsteps; i++) {
		strv_free(s->steps[i].argv);
		strv_free(s->steps[i].env);
		free(s->steps[i].timeout);
		free(s->steps[i].cpus);
	}
	free(s->steps);
	for (size_t i = 0; i < s->nexercises; i++) {
		free(s->exercises[i].area);
		strv_free(s->exercises[i].params);
	}
	free(s->exercises);
	strv_free(s->cmdline);
	strv_free(s->sample);
	free(s->name);
	free(s->dir);
	free(s->file);
	free(s->description);
	free(s->bug_class);
	free(s->expect);
	free(s->model_of);
	free(s->hit_metric);
	memset(s, 0, sizeof(*s));
}

const struct scenario_param *
scenario_param(const struct scenario *s, const char *name)
{
	for (size_t i = 0; i < s->nparams; i++) {
		if (strcmp(s->params[i].name, name) == 0)
			return &s->params[i];
	}
	return NULL;
}

/*
 * Fill vals with every parameter's default, then apply the "k=v"
 * assignments in order.  Unknown names and bad values are errors.
 */
int
scenario_values(const struct scenario *s, char **assign, size_t nassign,
    struct param_values *vals)
{
	memset(vals, 0, sizeof(*vals));
	vals->names = xcalloc(s->nparams + 1, sizeof(char *));
	vals->values = xcalloc(s->nparams + 1, sizeof(char *));
	for (size_t i = 0; i < s->nparams; i++) {
		vals->names[i] = xstrdup(s->params[i].name);
		vals->values[i] = xstrdup(s->params[i].def);
	}
	vals->n = s->nparams;
	for (size_t i = 0; i < nassign; i++) {
		const char *eq = strchr(assign[i], '=');
		const struct scenario_param *p;
		char *name;
		size_t k;

		if (eq == NULL || eq == assign[i])
			return error("--param '%s' is not NAME=VALUE",
			    assign[i]);
		name = xasprintf("%.*s", (int)(eq - assign[i]), assign[i]);
		p = scenario_param(s, name);
		if (p == NULL) {
			error("scenario '%s' has no parameter '%s'", s->name,
			    name);
			free(name);
			return -1;
		}
		free(name);
		if (scenario_check_value(s, p, eq + 1) != 0)
			return -1;
		k = (size_t)(p - s->params);
		free(vals->values[k]);
		vals->values[k] = xstrdup(eq + 1);
	}
	return 0;
}

void
param_values_release(struct param_values *vals)
{
	strv_free(vals->names);
	strv_free(vals->values);
	memset(vals, 0, sizeof(*vals));
}

const char *
param_values_get(const struct param_values *vals, const char *name)
{
	for (size_t i = 0; i < vals->n; i++) {
		if (strcmp(vals->names[i], name) == 0)
			return vals->values[i];
	}
	return NULL;
}

/*
 * Replace each ${name} in text with its value: a parameter, or one of
 * the built-ins in builtins (a NULL-terminated name, value, ... list).
 * Returns 0, or -1 (reported) for an unknown name or an unclosed ${.
 */
int
scenario_expand(const struct scenario *s, const struct param_values *vals,
    const char *const *builtins, const char *text, struct buf *out)
{
	const char *p = text;

	buf_reset(out);
	buf_addstr(out, "");
	while (*p != '\0') {
		const char *start = strstr(p, "${"), *end, *val = NULL;
		char *name;

		if (start == NULL) {
			buf_addstr(out, p);
			break;
		}
		buf_add(out, p, (size_t)(start - p));
		end = strchr(start + 2, '}');
		if (end == NULL)
			return error("scenario '%s': unclosed '${' in '%s'",
			    s->name, text);
		name = xasprintf("%.*s", (int)(end - start - 2), start + 2);
		val = param_values_get(vals, name);
		for (size_t i = 0; val == NULL && builtins != NULL &&
		    builtins[i] != NULL; i += 2) {
			if (strcmp(builtins[i], name) == 0)
				val = builtins[i + 1];
		}
		if (val == NULL) {
			error("scenario '%s': unknown variable '${%s}' in '%s'",
			    s->name, name, text);
			free(name);
			return -1;
		}
		free(name);
		buf_addstr(out, val);
		p = end + 1;
	}
	return 0;
}

/*
 * A step's time limit in seconds: its timeout_s after expansion, which
 * is "N" or "A+B" with decimal parts; default_s if it has none.
 */
int
scenario_step_timeout(const struct scenario *s, const struct param_values *vals,
    const char *const *builtins, const struct scenario_step *st,
    long default_s, long *out)
{
	struct buf b = BUF_INIT;
	long total = 0, part;
	char *tok, *save = NULL;
	int rc = 0;

	if (st->timeout == NULL) {
		*out = default_s;
		return 0;
	}
	if (scenario_expand(s, vals, builtins, st->timeout, &b) != 0) {
		buf_release(&b);
		return -1;
	}
	for (tok = strtok_r(b.data, "+", &save); tok != NULL;
	    tok = strtok_r(NULL, "+", &save)) {
		while (*tok == ' ')
			tok++;
		if (parse_long(tok, 0, 7 * 24 * 3600, &part) != 0) {
			rc = error("scenario '%s': bad timeout_s '%s'", s->name,
			    st->timeout);
			break;
		}
		total += part;
	}
	buf_release(&b);
	*out = total;
	return rc;
}

/* Load every scenario under the scenarios directory, for listings. */
int
scenario_list(char ***names, size_t *count)
{
	const char *base = getenv("RACERIG_SCENARIOS");
	char *dir = base && *base ? xstrdup(base) :
	    xasprintf("%s/scenarios", source_dir());
	struct dirent **ents;
	int n;

	*names = NULL;
	*count = 0;
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		error("cannot list '%s': %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	*names = xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++) {
		char *f = xasprintf("%s/%s/scenario.json", dir, ents[i]->d_name);

		if (ents[i]->d_name[0] != '.' && access(f, R_OK) == 0)
			(*names)[(*count)++] = xstrdup(ents[i]->d_name);
		free(f);
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return 0;
}
