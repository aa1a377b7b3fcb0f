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

/*
 * How a run's crash (the record's, see run_record_crash()) matches the
 * reported one; NULL if it does not.  got's strings are the guest's.
 */
const char *
repro_match(const struct report *want, const struct run_crash *got)
{
	if (got->title == NULL)
		return NULL;
	if (got->bucket != NULL && strcmp(got->bucket, want->bucket) == 0)
		return "same bucket";
	if (strcmp(got->title, want->title) == 0)
		return "same title";
	if (got->frame != NULL && want->frame != NULL &&
	    strcmp(got->frame, want->frame) == 0 &&
	    strcmp(repro_kind(got->title), repro_kind(want->title)) == 0)
		return "same guilty function and kind of crash";
	for (size_t i = 0; i < got->nclasses; i++) {
		for (size_t k = 0; k < want->nclasses; k++) {
			if (strcmp(got->classes[i], want->classes[k]) == 0)
				return "same root-cause class";
		}
	}
	return NULL;
}

/* Score scenario s for the report: class 100, +1 per signature frame. */
static int
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

/* Candidate scenarios for r, best first; rejected ones are printed. */
int
repro_candidates(const struct report *r, char ***out, size_t *nout,
    FILE *explain)
{
	char **names, why[256];
	size_t n;
	int *scores;

	*out = NULL;
	*nout = 0;
	if (scenario_list(&names, &n) != 0)
		return -1;
	scores = xcalloc(n + 1, sizeof(int));
	for (size_t i = 0; i < n; i++) {
		scores[i] = repro_score(r, names[i], why, sizeof(why));
		fprintf(explain, "  %-20s %s: %s\n", names[i], scores[i] > 0 ?
		    "candidate" : "rejected", why);
	}
	/* selection by score, highest first */
	for (;;) {
		size_t best = n;

		for (size_t i = 0; i < n; i++) {
			if (scores[i] > 0 && (best == n ||
			    scores[i] > scores[best]))
				best = i;
		}
		if (best == n)
			break;
		*out = xrealloc(*out, (*nout + 1) * sizeof(char *));
		(*out)[(*nout)++] = xstrdup(names[best]);
		scores[best] = 0;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(scores);
	return 0;
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

/* One effort level: extra parameters and vCPUs over the defaults. */
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
 * How the run res is a match of the reported crash, or NULL; *ttc gets
 * its time to crash after the scenario started.
 */
static const char *
repro_check(const struct report *want, const struct run_child_result *res,
    double *ttc)
{
	struct run_crash got;
	const char *how;

	if (res->how != RUN_CHILD_DONE)
		return NULL;
	run_record_crash(&res->rec, &got);
	how = repro_match(want, &got);
	run_crash_release(&got);
	if (how != NULL && ttc != NULL)
		*ttc = res->rec.crash_s - res->rec.agent_ready_s;
	return how;
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

/* Write the bundle: scenario, exact parameters, evidence, rerun line. */
static int
repro_bundle(const char *out, const char *scenario, const char *image,
    const struct run_opts *o, const char *dir, const char *how, int k,
    int n, double ttc_med, const struct report *want)
{
	struct scenario s;
	double lo, hi;
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
	repro_wilson(k, n, &lo, &hi);
	j = json_pack("{s:s,s:s,s:s,s:O,s:I,s:i,s:i,s:i,s:f,s:f,s:f,s:s,s:s,"
	    "s:s}", "report_title", want->title, "scenario", scenario,
	    "kernel", image, "params", params, "seed", (json_int_t)run.seed,
	    "smp", run.smp, "matching_runs", k, "runs", n,
	    "reliability_ci95_low", lo, "reliability_ci95_high", hi,
	    "time_to_crash_median_s", ttc_med, "match", how, "rerun", cmd.data,
	    "run_dir", dir);
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
		fprintf(fp, "Reproducer for: %s\n\nscenario %s on %s (%s)\n"
		    "reliability: %d of %d runs (95%% CI %.0f%%-%.0f%%)\n"
		    "median time to crash after the scenario starts: %.2f s\n"
		    "\nrerun:\n  %s\n", want->title, scenario, image, how, k, n,
		    lo * 100, hi * 100, ttc_med, cmd.data);
		fclose(fp);
	}
	free(f);
	printf("reliability: %d of %d runs (95%% CI %.0f%%-%.0f%%), median "
	    "time to crash %.2f s\nrerun: %s\nbundle: %s\n", k, n, lo * 100,
	    hi * 100, ttc_med, cmd.data, out);
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
 * Try each candidate scenario on each kernel with rising effort until a
 * run's crash matches want, within ro->budget seconds of ro->t0; then
 * measure how reliably it comes back over ro->nruns runs and write the
 * bundle.  Returns EXIT_PASS (reproduced) or EXIT_VERDICT (not).
 */
int
repro_search(const struct report *want, char *const *cands, size_t nc,
    const struct repro_opts *ro)
{
	const char *const *kernels = ro->kernels;
	size_t nk = ro->nkernels;
	int nruns = ro->nruns;

	for (size_t ci = 0; ci < nc; ci++) {
		struct scenario s;

		if (scenario_load(cands[ci], &s) != 0)
			continue;
		for (size_t ki = 0; ki < nk; ki++) {
			for (size_t e = 0; e < ARRAY_SIZE(efforts); e++) {
				const struct effort *ef = &efforts[e];
				char *pv = ef->param ? xstrdup(ef->param) : NULL;
				char *params[1];
				struct run_opts o;
				struct run_child_result *res;
				const char *how = NULL;
				char *match_dir = NULL;
				size_t n;

				if (pv != NULL) {
					*strchr(pv, '=') = '\0';
					if (scenario_param(&s, pv) == NULL) {
						free(pv);
						continue;
					}
					free(pv);
				}
				if (now_mono() - ro->t0 > ro->budget)
					break;
				run_opts_init(&o);
				o.scenario = cands[ci];
				o.image = kernels[ki];
				o.smp = ef->smp;
				o.snapshot = ro->snapshot;
				o.out_dir = NULL;
				if (ef->param != NULL) {
					params[0] = (char *)ef->param;
					o.params = params;
					o.nparams = 1;
				}
				printf("trying %s on %s (%s)\n", cands[ci],
				    kernels[ki] ? kernels[ki] : "the default "
				    "image", ef->name);
				fflush(stdout);
				n = run_pool_batch(&o, (size_t)ro->jobs, &res);
				for (size_t i = 0; match_dir == NULL &&
				    i < n; i++) {
					how = repro_check(want, &res[i], NULL);
					if (how != NULL)
						match_dir = xstrdup(
						    res[i].rec.dir);
				}
				repro_results_release(res, n);
				if (match_dir != NULL) {
					double ttc[1000];
					int k = 0, total = 0;
					char *bundle;

					printf("match (%s) in %s\nmeasuring "
					    "reliability over %d runs\n", how,
					    match_dir, nruns);
					while (total < nruns) {
						struct run_child_result *r2;
						size_t m = run_pool_batch(&o,
						    (size_t)(nruns - total <
						    ro->jobs ? nruns - total : ro->jobs),
						    &r2);

						for (size_t q = 0; q < m; q++) {
							double t;

							if (repro_check(want,
							    &r2[q], &t))
								ttc[k++] = t;
							total++;
						}
						repro_results_release(r2, m);
						if (m == 0)
							break;
					}
					qsort(ttc, (size_t)k, sizeof(double),
					    cmp_d);
					bundle = ro->out ? xstrdup(ro->out) : xasprintf(
					    "%s/repro/%ld", cache_dir(),
					    (long)time(NULL));
					repro_bundle(bundle, cands[ci],
					    kernels[ki], &o, match_dir, how, k,
					    total, k ? ttc[k / 2] : -1, want);
					free(bundle);
					free(match_dir);
					scenario_release(&s);
					return EXIT_PASS;
				}
			}
		}
		scenario_release(&s);
	}
	printf("not reproduced within %ld s\n", ro->budget);
	return EXIT_VERDICT;
}
