/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reproducing a reported crash: pick the scenarios that could produce
 * it, run them with rising effort until a crash matches the report,
 * measure how reliably it comes back, and write a reproducer bundle.
 *
 * Candidates: a scenario whose bug class is one the report's root-cause
 * rules matched comes first; then scenarios whose "signature" frames
 * (scenario.json) appear in the report's stack.  A crash matches the
 * report when it has the same bucket or title, the same guilty function
 * and kind of crash (kernel versions differ in offsets, never in names),
 * or, across kernels whose first symptom differs, the same root-cause
 * class; the bundle says which.
 */
#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "scenario.h"
#include "run.h"
#include "repro.h"

/* The kind of crash a title names, so 3.10 and 6.1 titles compare. */
static const char *
repro_kind(const char *title)
{
	static const struct { const char *needle, *kind; } kinds[] = {
		{ "NULL pointer dereference", "bad-access" },
		{ "paging request", "bad-access" },
		{ "general protection fault", "bad-access" },
		{ "KASAN: ", "memory-safety" },
		{ "corrupted list", "list-corruption" },
		{ "WARNING", "warning" },
		{ "kernel BUG", "bug" },
		{ "stall", "stall" },
		{ "lockup", "stall" },
		{ "task hung", "hang" },
		{ NULL, NULL }
	};

	for (size_t i = 0; title != NULL && kinds[i].needle != NULL; i++) {
		if (strstr(title, kinds[i].needle) != NULL)
			return kinds[i].kind;
	}
	return "other";
}

/* The function pair of a data-race title ("... in f / g"), or 0. */
static int
repro_race_pair(const char *title, char *f, char *g, size_t n)
{
	const char *in = title ? strstr(title, "data-race in ") : NULL;
	const char *sl;

	if (in == NULL || (sl = strstr(in, " / ")) == NULL)
		return 0;
	in += 13;
	snprintf(f, n, "%.*s", (int)(sl - in), in);
	snprintf(g, n, "%s", sl + 3);
	return 1;
}

/*
 * How a run's crash (the record's, see run_record_crash()) matches the
 * reported one, best level first: the same title (or bucket); the same
 * root-cause class; similar, the same guilty function and kind of crash
 * (kernel versions differ in offsets, never in names) or, for a data
 * race, the same pair of functions either way round.  got's strings are
 * the guest's.
 */
enum repro_level
repro_match(const struct report *want, const struct run_crash *got)
{
	char wf[128], wg[128], gf[128], gg[128];

	if (got->title == NULL)
		return REPRO_NONE;
	if ((got->bucket != NULL && strcmp(got->bucket, want->bucket) == 0) ||
	    strcmp(got->title, want->title) == 0)
		return REPRO_SAME_TITLE;
	for (size_t i = 0; i < got->nclasses; i++) {
		for (size_t k = 0; k < want->nclasses; k++) {
			if (strcmp(got->classes[i], want->classes[k]) == 0)
				return REPRO_SAME_CLASS;
		}
	}
	/* a data race is similar only by its pair, not one frame */
	if (got->frame != NULL && want->frame != NULL &&
	    strcmp(got->frame, want->frame) == 0 &&
	    strcmp(repro_kind(got->title), repro_kind(want->title)) == 0 &&
	    strstr(want->title, "data-race in ") == NULL)
		return REPRO_SIMILAR;
	if (repro_race_pair(want->title, wf, wg, sizeof(wf)) &&
	    repro_race_pair(got->title, gf, gg, sizeof(gf)) &&
	    ((strcmp(wf, gf) == 0 && strcmp(wg, gg) == 0) ||
	    (strcmp(wf, gg) == 0 && strcmp(wg, gf) == 0)))
		return REPRO_SIMILAR;
	return REPRO_NONE;
}

const char *
repro_level_name(enum repro_level l)
{
	static const char *const name[] = {
		[REPRO_NONE] = "no match",
		[REPRO_SIMILAR] = "similar",
		[REPRO_SAME_CLASS] = "same bug class",
		[REPRO_SAME_TITLE] = "same title",
	};

	return name[l];
}

/*
 * Score scenario name for the report: class 100, +1 per signature
 * frame; why (n bytes) says so, or why not.  -1: it cannot be loaded.
 */
int
repro_score(const struct report *r, const char *name, char *why, size_t n)
{
	struct scenario s;
	json_error_t jerr;
	json_t *root, *sig, *f;
	int score = 0;
	size_t i;

	/* why is printed whatever happens: never leave it unset */
	snprintf(why, n, "cannot be loaded (see the error above)");
	if (scenario_load(name, &s) != 0)
		return -1;
	why[0] = '\0';
	for (size_t k = 0; s.bug_class != NULL && k < r->nclasses; k++) {
		if (strcmp(s.bug_class, r->classes[k]) == 0) {
			score += 100;
			snprintf(why, n, "bug class %s", s.bug_class);
		}
	}
	root = json_load_file(s.file, 0, &jerr);
	sig = json_object_get(json_object_get(root, "signature"), "frames");
	json_array_foreach(sig, i, f) {
		for (size_t k = 0; k < r->nframes; k++) {
			if (json_string_value(f) != NULL &&
			    strcmp(json_string_value(f), r->frames[k]) == 0) {
				score++;
				break;
			}
		}
	}
	if (score > 0 && score < 100)
		snprintf(why, n, "%d of its signature frames in the stack",
		    score);
	if (score == 0)
		snprintf(why, n, "bug class %s, no signature frame in the stack",
		    s.bug_class ? s.bug_class : "none");
	json_decref(root);
	scenario_release(&s);
	return score;
}

/* Wilson score interval for k of n at 95%. */
void
repro_wilson(int k, int n, double *lo, double *hi)
{
	double z = 1.96, p, d, c, h;

	if (n == 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)k / n;
	d = 1 + z * z / n;
	c = p + z * z / (2.0 * n);
	h = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
	*lo = (c - h) / d;
	*hi = (c + h) / d;
	if (*lo < 0)
		*lo = 0;
	if (*hi > 1)
		*hi = 1;
}

/*
 * One effort level for a seed scenario: extra parameters and vCPUs over
 * the defaults.  Workload candidates try their plan's parameters, then
 * each injection point of the plan.
 */
struct effort {
	const char	*name;
	const char	*param;		/* "k=v" if the scenario has k */
	int		 smp;		/* 0: the scenario's */
};

static const struct effort efforts[] = {
	{ "defaults", NULL, 0 },
	{ "softirq load", "softirq_load=1", 0 },
	{ "softirq load", "load=1", 0 },
	{ "4 vCPUs", NULL, 4 },
};

/*
 * How the run res matches the reported crash; *ttc gets its time to
 * crash after the scenario started, and title (n bytes) its crash's
 * title (printable), when it has one.
 */
static enum repro_level
repro_check(const struct report *want, const struct run_child_result *res,
    double *ttc, char *title, size_t n)
{
	struct run_crash got;
	enum repro_level l;

	if (title != NULL)
		snprintf(title, n, "%s", res->how == RUN_CHILD_DONE ?
		    run_outcome_name(res->rec.outcome) : "did not finish");
	if (res->how != RUN_CHILD_DONE)
		return REPRO_NONE;
	run_record_crash(&res->rec, &got);
	l = repro_match(want, &got);
	if (title != NULL && got.title != NULL)
		str_printable(title, got.title, n);
	run_crash_release(&got);
	if (l != REPRO_NONE && ttc != NULL)
		*ttc = res->rec.crash_s - res->rec.agent_ready_s;
	return l;
}

static void
repro_results_release(struct run_child_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_child_result_release(&res[i]);
	free(res);
}

static int
copy_file(const char *from, const char *to)
{
	char *argv[] = { "cp", "--reflink=auto", (char *)from, (char *)to,
	    NULL };

	return run_command(argv, NULL, NULL, NULL, 300, NULL, 0) == 0 ? 0 : -1;
}

/*
 * What the reliability runs gave: how many matched at each level (a run
 * counts at its best), of how many, and the times to crash of those that
 * matched.  A model's match is not a reproduction unless the report
 * points at the kind of code it models (scenario.json's "model").
 */
struct repro_tally {
	int		 at[REPRO_NLEVELS];
	int		 k;		/* matched at any level */
	int		 n;
	double		 ttc[1000];
	int		 model;		/* the match is only a model's */
	const char	*model_of;
	const char	*bug_class;
	char		 verdict[512];
};

static void
repro_verdict(struct repro_tally *t, const char *scenario)
{
	if (t->model)
		snprintf(t->verdict, sizeof(t->verdict), "model: consistent "
		    "with bug class %s as modelled by scenario %s (%s), not "
		    "reproduced on the kernel's own code; the model matched "
		    "%d of %d runs", t->bug_class ? t->bug_class : "(none)",
		    scenario, t->model_of, t->k, t->n);
	else
		snprintf(t->verdict, sizeof(t->verdict), "reproduced %d of %d "
		    "runs: same title %d, same bug class %d, similar %d", t->k,
		    t->n, t->at[REPRO_SAME_TITLE], t->at[REPRO_SAME_CLASS],
		    t->at[REPRO_SIMILAR]);
}

/* Write the bundle: scenario, exact parameters, evidence, rerun line. */
static int
repro_bundle(const char *out, const char *scenario, const char *image,
    const struct run_opts *o, const char *dir, const struct repro_tally *t,
    const struct report *want)
{
	struct scenario s;
	double lo, hi, ttc_med = t->k ? t->ttc[t->k / 2] : -1;
	struct buf cmd = BUF_INIT;
	json_t *j, *params = json_object();
	char *f;
	struct run_record run;
	const char *k2;
	json_t *v;
	FILE *fp;

	/* a bundle without the run's own record would not repeat it */
	if (run_record_load(dir, &run) != 0) {
		json_decref(params);
		return -1;
	}
	/* the image the run really used, by name */
	if (image == NULL) {
		const char *dirp = run.image;

		image = dirp && strrchr(dirp, '/') ? strrchr(dirp, '/') + 1 :
		    "default";
	}
	if (mkdir_p(out, 0755) != 0 || scenario_load(scenario, &s) != 0) {
		run_record_release(&run);
		json_decref(params);
		return -1;
	}
	f = xasprintf("%s/scenario.json", out);
	copy_file(s.file, f);
	free(f);
	scenario_release(&s);
	json_object_foreach(run.params, k2, v)
		json_object_set(params, k2, v);
	buf_addf(&cmd, "racerig run %s --image %s --smp %d --duration %lld "
	    "--seed %llu", scenario, image, run.smp, (long long)run.duration_s,
	    run.seed);
	json_object_foreach(params, k2, v)
		buf_addf(&cmd, " --param %s=%s", k2, json_string_value(v));
	if (o->snapshot)
		buf_addstr(&cmd, " --snapshot");
	repro_wilson(t->k, t->n, &lo, &hi);
	j = json_pack("{s:s,s:s,s:s,s:O,s:I,s:i,s:i,s:i,s:f,s:f,s:f,s:s,s:s,"
	    "s:{s:i,s:i,s:i},s:b,s:s}", "report_title", want->title,
	    "scenario", scenario, "kernel", image, "params", params, "seed",
	    (json_int_t)run.seed, "smp", run.smp, "matching_runs", t->k,
	    "runs", t->n, "reliability_ci95_low", lo, "reliability_ci95_high",
	    hi, "time_to_crash_median_s", ttc_med, "rerun", cmd.data,
	    "run_dir", dir, "levels", "same_title", t->at[REPRO_SAME_TITLE],
	    "same_bug_class", t->at[REPRO_SAME_CLASS], "similar",
	    t->at[REPRO_SIMILAR], "model", t->model, "verdict", t->verdict);
	f = xasprintf("%s/repro.json", out);
	(void)json_write_atomic(f, j);
	free(f);
	f = xasprintf("%s/console.log", dir);
	{
		char *to = xasprintf("%s/console.log", out);

		copy_file(f, to);
		free(to);
	}
	free(f);
	f = xasprintf("%s/vmcore", dir);
	if (access(f, R_OK) == 0) {
		char *to = xasprintf("%s/vmcore", out);

		copy_file(f, to);
		free(to);
	}
	free(f);
	f = xasprintf("%s/README.txt", out);
	fp = fopen(f, "we");
	if (fp != NULL) {
		fprintf(fp, "Reproducer for: %s\n\nscenario %s on %s\n"
		    "verdict: %s\nreliability: %d of %d runs (95%% CI "
		    "%.0f%%-%.0f%%)\nmedian time to crash after the scenario "
		    "starts: %.2f s\n\nrerun:\n  %s\n", want->title, scenario,
		    image, t->verdict, t->k, t->n, lo * 100, hi * 100, ttc_med,
		    cmd.data);
		fclose(fp);
	}
	free(f);
	printf("reliability: %d of %d runs (95%% CI %.0f%%-%.0f%%), median "
	    "time to crash %.2f s\nrerun: %s\nbundle: %s\nverdict: %s\n",
	    t->k, t->n, lo * 100, hi * 100, ttc_med, cmd.data, out,
	    t->verdict);
	json_decref(j);
	json_decref(params);
	run_record_release(&run);
	buf_release(&cmd);
	return 0;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The reliability runs of o once a run matched: ro->nruns of them,
 * ro->jobs at a time, each printed with its level, counted into t.
 */
static void
repro_measure(const struct report *want, const struct run_opts *o,
    const struct repro_opts *ro, struct repro_tally *t)
{
	while (t->n < ro->nruns) {
		struct run_child_result *r2;
		size_t m = run_pool_batch(o, (size_t)(ro->nruns - t->n <
		    ro->jobs ? ro->nruns - t->n : ro->jobs), &r2);

		for (size_t q = 0; q < m; q++) {
			char title[160];
			double ttc;
			enum repro_level l = repro_check(want, &r2[q], &ttc,
			    title, sizeof(title));

			t->n++;
			printf("  run %d of %d: %s (%s)\n", t->n, ro->nruns,
			    repro_level_name(l), title);
			t->at[l]++;
			if (l != REPRO_NONE && t->k < (int)ARRAY_SIZE(t->ttc))
				t->ttc[t->k++] = ttc;
		}
		repro_results_release(r2, m);
		if (m == 0)
			break;
	}
	qsort(t->ttc, (size_t)t->k, sizeof(double), cmp_d);
}

/* What one try runs: a candidate's parameters and what is added. */
struct repro_try {
	char		 name[160];	/* for "trying ..." */
	char		*params[8];
	size_t		 nparams;
	int		 smp;
	char		*inject;	/* the try's own inject_symbol=, or NULL */
};

/*
 * Start try x with candidate c's parameters, leaving room for extra
 * more, and name it.
 */
static void
repro_try_init(struct repro_try *x, const struct repro_cand *c, size_t extra,
    const char *fmt, const char *arg)
{
	memset(x, 0, sizeof(*x));
	for (size_t i = 0; i < c->nparams &&
	    x->nparams < ARRAY_SIZE(x->params) - extra; i++)
		x->params[x->nparams++] = c->params[i];
	snprintf(x->name, sizeof(x->name), fmt, arg);
}

/* a number macro as a string literal, for the tries' parameters */
#define REPRO_STR_(x)	#x
#define REPRO_STR(x)	REPRO_STR_(x)

/*
 * The tries of candidate c on a scenario s: a seed scenario's effort
 * levels; a workload's plan parameters, then with a delay injected at
 * each of the plan's points it can load.  Returns how many (at most max).
 */
static size_t
repro_tries(const struct repro_plan *plan, const struct repro_cand *c,
    const struct scenario *s, struct repro_try *t, size_t max)
{
	size_t n = 0;

	for (size_t e = 0; e < ARRAY_SIZE(efforts) && n < max; e++) {
		const struct effort *ef = &efforts[e];
		struct repro_try *x = &t[n];

		if (ef->param != NULL) {
			char key[64];

			snprintf(key, sizeof(key), "%.*s", (int)strcspn(
			    ef->param, "="), ef->param);
			if (scenario_param(s, key) == NULL)
				continue;
		}
		/* a workload aimed by the plan keeps its aim first */
		if (c->nparams > 0 && e > 0)
			break;
		repro_try_init(x, c, 1, "%s", ef->name);
		if (ef->param != NULL)
			x->params[x->nparams++] = (char *)ef->param;
		x->smp = ef->smp;
		n++;
	}
	for (size_t j = 0; j < plan->ninject && n < max; j++) {
		struct repro_try *x = &t[n];

		if (!c->inject_ok[j])
			continue;
		repro_try_init(x, c, 3, "delay injected at %s",
		    plan->inject[j]->fn);
		x->inject = xasprintf("inject_symbol=%s", plan->inject[j]->fn);
		x->params[x->nparams++] = x->inject;
		/* what the plan prints, whatever the scenario's defaults */
		x->params[x->nparams++] = "inject_delay_us="
		    REPRO_STR(REPRO_INJECT_DELAY_US);
		x->params[x->nparams++] = "inject_permille="
		    REPRO_STR(REPRO_INJECT_PERMILLE);
		n++;
	}
	return n;
}

static void
repro_tries_release(struct repro_try *t, size_t n)
{
	/* only the injection parameter is the try's own */
	for (size_t i = 0; i < n; i++)
		free(t[i].inject);
}

/*
 * Try each candidate of the plan on each kernel with rising effort until a
 * run's crash matches want, within ro->budget seconds of ro->t0; then
 * measure how reliably it comes back over ro->nruns runs and write the
 * bundle.  Returns EXIT_PASS (reproduced, or matched only by a model:
 * the verdict says which) or EXIT_VERDICT (not).
 */
int
repro_search(const struct report *want, const struct repro_plan *plan,
    const struct repro_opts *ro)
{
	const char *const *kernels = ro->kernels;
	size_t nk = ro->nkernels;
	int tried = 0;

	for (size_t ci = 0; ci < plan->ncands; ci++) {
		const struct repro_cand *c = &plan->cands[ci];
		struct repro_try tries[ARRAY_SIZE(efforts) +
		    REPRO_PLAN_MAX_INJECT + 1];
		struct repro_widened wid = { 0 };
		struct scenario s;
		size_t nt;

		if (scenario_load(c->scenario, &s) != 0)
			continue;
		nt = repro_tries(plan, c, &s, tries, ARRAY_SIZE(tries) - 1);
		for (size_t ki = 0; ki < nk; ki++) {
			for (size_t e = 0; e < nt; e++) {
				struct repro_try *x = &tries[e];
				double left = ro->budget - (now_mono() - ro->t0);
				struct run_opts o;
				struct run_child_result *res;
				enum repro_level how = REPRO_NONE;
				char *match_dir = NULL;
				size_t n;

				if (left <= 0)
					break;
				run_opts_init(&o);
				o.scenario = c->scenario;
				o.image = kernels[ki];
				o.smp = x->smp;
				o.snapshot = ro->snapshot;
				o.out_dir = NULL;
				o.params = x->params;
				o.nparams = x->nparams;
				/*
				 * A run must end within the budget, and one
				 * try must leave room for others: a long
				 * workload runs a quarter of the budget at
				 * most, and what is left at the end (booting
				 * and capture take about 20 s more).
				 */
				if (s.duration_s > ro->budget / 4)
					o.duration_s = ro->budget / 4 < 20 ?
					    20 : ro->budget / 4;
				if ((o.duration_s ? o.duration_s :
				    s.duration_s) + 20 > left) {
					if (left < 30)
						break;
					o.duration_s = (long)left - 20;
				}
				printf("trying %s", c->scenario);
				for (size_t i = 0; i < x->nparams; i++)
					printf(" %s", x->params[i]);
				printf(" on %s (%s)\n", kernels[ki] ? kernels[ki] :
				    "the default image", x->name);
				fflush(stdout);
				n = run_pool_batch(&o, (size_t)ro->jobs, &res);
				tried += (int)n;
				for (size_t i = 0; i < n; i++) {
					char title[160];
					enum repro_level l = repro_check(want,
					    &res[i], NULL, title, sizeof(title));

					printf("  run: %s (%s)\n",
					    repro_level_name(l), title);
					if (l > how) {
						how = l;
						free(match_dir);
						match_dir = xstrdup(
						    res[i].rec.dir);
					}
				}
				repro_results_release(res, n);
				/*
				 * A scenario that counts its race's hits and
				 * did not match as it is gets its window
				 * widened: the setting that raised the hits
				 * most is tried next.
				 */
				if (match_dir == NULL && e == 0 && ki == 0 &&
				    s.hit_metric != NULL && c->injectable &&
				    repro_widen(plan, c, ro, &wid) == 1) {
					struct repro_try *y = &tries[1];

					memmove(tries + 2, tries + 1, (nt - 1) *
					    sizeof(*tries));
					repro_try_init(y, c,
					    ARRAY_SIZE(wid.params), "%s",
					    "the widened window");
					for (size_t i = 0; i <
					    ARRAY_SIZE(wid.params); i++)
						y->params[y->nparams++] =
						    wid.params[i];
					nt++;
				}
				if (match_dir != NULL) {
					struct repro_tally *t = xcalloc(1,
					    sizeof(*t));
					char *bundle;

					printf("match (%s) in %s\nmeasuring "
					    "reliability over %d runs\n",
					    repro_level_name(how), match_dir,
					    ro->nruns);
					repro_measure(want, &o, ro, t);
					t->model_of = s.model_of;
					t->bug_class = s.bug_class;
					t->model = s.model_of != NULL &&
					    !(s.model_counts ==
					    MODEL_COUNTS_OUT_OF_TREE &&
					    ro->out_of_tree);
					repro_verdict(t, c->scenario);
					bundle = ro->out ? xstrdup(ro->out) : xasprintf(
					    "%s/repro/%ld", cache_dir(),
					    (long)time(NULL));
					repro_bundle(bundle, c->scenario,
					    kernels[ki], &o, match_dir, t, want);
					free(bundle);
					free(match_dir);
					free(t);
					repro_tries_release(tries, nt);
					repro_widened_release(&wid);
					scenario_release(&s);
					return EXIT_PASS;
				}
			}
		}
		repro_tries_release(tries, nt);
		repro_widened_release(&wid);
		scenario_release(&s);
	}
	printf("verdict: not reproduced in %d runs and %.0f s\n", tried,
	    now_mono() - ro->t0);
	return EXIT_VERDICT;
}
