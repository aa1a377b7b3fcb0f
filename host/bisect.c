/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deciding whether one kernel (or module version) is good or bad for a
 * flaky race, and binary search over an ordered list of images.
 *
 * A step is bad at the first run whose crash matches the target (bug
 * class, title or bucket).  It is good only after n clean runs, where n
 * makes a bug with reproduction rate p show at least once with the
 * chosen confidence c: (1 - p)^n <= 1 - c.  p is estimated from the bad
 * steps seen so far with Laplace's rule, (matching crashes + 1) / (runs
 * + 2): the plain ratio says 1.0 after a single bad step that crashed at
 * once, and one clean run would then pass for proof.  A flaky bug asks
 * for more clean runs.  Every matching crash of a step's last batch
 * counts: with --jobs 2, a batch in which both runs crashed is evidence
 * of a high rate, not of one crash in two runs.  Crashes of other bugs are
 * recorded and reported but are neither bad nor clean.  Runs go in
 * batches of --jobs parallel VMs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "image.h"
#include "bisect.h"

/* Clean runs needed for confidence c at rate p (clamped to sane bounds). */
int
bisect_runs_needed(double p, double c)
{
	double n;

	if (p < 0.02)
		p = 0.02;
	if (p > 0.99)
		p = 0.99;
	n = ceil(log(1 - c) / log(1 - p));
	return n < 1 ? 1 : (int)n;
}

/*
 * The reproduction rate: the prior until a bad step was seen, then
 * Laplace's rule over the matching crashes and runs of bad steps.
 */
double
bisect_rate_estimate(long bad_crashes, long bad_runs, double prior)
{
	if (bad_crashes <= 0 || bad_runs < bad_crashes)
		return prior;
	return (double)(bad_crashes + 1) / (double)(bad_runs + 2);
}

/*
 * Load the rate estimate: matching crashes on bad steps and the runs
 * those steps took.  A state file from before crashes were counted has
 * "bad_steps" (one crash per step), which is the same for --jobs 1.
 */
static void
bisect_state_load(const char *path, long *bad_crashes, long *bad_runs)
{
	json_error_t jerr;
	json_t *j, *c;

	*bad_crashes = *bad_runs = 0;
	if (path == NULL || (j = json_load_file(path, 0, &jerr)) == NULL)
		return;
	if ((c = json_object_get(j, "bad_crashes")) == NULL)
		c = json_object_get(j, "bad_steps");
	*bad_crashes = (long)json_integer_value(c);
	*bad_runs = (long)json_integer_value(json_object_get(j, "bad_runs"));
	json_decref(j);
}

static void
bisect_state_save(const char *path, long bad_crashes, long bad_runs)
{
	json_t *j;
	char *text;

	if (path == NULL)
		return;
	j = json_pack("{s:I,s:I}", "bad_crashes", (json_int_t)bad_crashes,
	    "bad_runs", (json_int_t)bad_runs);
	text = json_dumps(j, JSON_INDENT(2));
	if (text != NULL)
		(void)write_file_atomic(path, text, strlen(text));
	free(text);
	json_decref(j);
}

void
bisect_log(const struct bisect_opts *o, const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "racerig: bisect: %s\n", line);
	if (o->log_path != NULL) {
		FILE *f = fopen(o->log_path, "ae");

		if (f != NULL) {
			fprintf(f, "%s\n", line);
			fclose(f);
		}
	}
}

/* Does the crash of a finished run match the target? */
static int
bisect_matches(const struct bisect_opts *o, const struct run_crash *c)
{
	if (o->target_title != NULL && c->title != NULL &&
	    strcmp(o->target_title, c->title) == 0)
		return 1;
	if (o->target_bucket != NULL && c->bucket != NULL &&
	    strcmp(o->target_bucket, c->bucket) == 0)
		return 1;
	for (size_t i = 0; o->target_class != NULL && i < c->nclasses; i++) {
		if (strcmp(o->target_class, c->classes[i]) == 0)
			return 1;
	}
	return 0;
}

/* What one run in a child process found, read back from its record. */
struct bisect_run {
	enum run_outcome outcome;
	int		 match;
	char		 title[160];
	char		 dir[1024];
};

/*
 * Run k copies of the step at once (run_pool_batch()) and take what each
 * found from its record.  Returns how many were started.
 */
static int
bisect_batch(const struct bisect_opts *o, const char *image, int k,
    struct bisect_run *runs)
{
	struct run_opts ro = o->run;
	struct run_child_result *res;
	size_t n;

	ro.image = image;
	n = run_pool_batch(&ro, (size_t)k, &res);
	for (size_t i = 0; i < n; i++) {
		struct bisect_run *br = &runs[i];
		const struct run_record *r = &res[i].rec;

		memset(br, 0, sizeof(*br));
		br->outcome = RUN_ERROR;
		if (res[i].how == RUN_CHILD_DONE) {
			struct run_crash c;

			br->outcome = r->outcome;
			snprintf(br->dir, sizeof(br->dir), "%s", r->dir);
			if (run_record_crash(r, &c)) {
				snprintf(br->title, sizeof(br->title), "%s",
				    c.title ? c.title : "");
				br->match = bisect_matches(o, &c);
				run_crash_release(&c);
			}
		}
		run_child_result_release(&res[i]);
	}
	free(res);
	return (int)n;
}

/*
 * Decide one step on image.  Returns BISECT_GOOD (0), BISECT_BAD (1),
 * BISECT_SKIP (125) or -1 on an infrastructure failure; fills *v.
 */
int
bisect_step(const struct bisect_opts *o, const char *image,
    struct bisect_verdict *v)
{
	long bad_crashes, bad_runs;
	int clean = 0, need, inconclusive = 0;

	memset(v, 0, sizeof(*v));
	bisect_state_load(o->state_path, &bad_crashes, &bad_runs);
	v->rate = bisect_rate_estimate(bad_crashes, bad_runs, o->prior_rate);
	need = bisect_runs_needed(v->rate, o->confidence);
	v->needed = need;
	bisect_log(o, "step %s: rate estimate %.2f (%ld matching crashes in "
	    "%ld runs of bad steps), %d clean runs needed for %.0f%% "
	    "confidence", image, v->rate, bad_crashes, bad_runs, need,
	    o->confidence * 100);
	while (clean < need && v->runs < o->max_runs) {
		struct bisect_run *runs;
		int k = need - clean, n;

		if (k > o->jobs)
			k = o->jobs;
		runs = xcalloc((size_t)k, sizeof(*runs));
		n = bisect_batch(o, image, k, runs);
		if (n == 0) {
			free(runs);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			struct bisect_run *br = &runs[i];

			v->runs++;
			bisect_log(o, "  run %d: %s%s%s (%s)", v->runs,
			    run_outcome_name(br->outcome), br->title[0] ? ": " :
			    "", br->title, br->dir);
			if (br->match) {
				v->matching++;
				v->bad = 1;
			} else if (br->outcome == RUN_OK)
				clean++;
			else if (br->outcome == RUN_BOOT_FAILED)
				v->boot_failures++;
			else if (br->outcome == RUN_CRASHED ||
			    br->outcome == RUN_HUNG)
				v->other_crashes++;
			else
				inconclusive++;
		}
		free(runs);
		if (v->bad)
			break;
		if (v->boot_failures > 0 && clean == 0)
			break;
	}
	v->clean = clean;
	if (v->bad) {
		bisect_state_save(o->state_path, bad_crashes + v->matching,
		    bad_runs + v->runs);
		bisect_log(o, "step %s: BAD (%d matching crashes in %d runs)",
		    image, v->matching, v->runs);
		return BISECT_BAD;
	}
	if (clean >= need) {
		v->confidence = 1 - pow(1 - v->rate, clean);
		bisect_log(o, "step %s: GOOD (%d clean runs: a bug at rate "
		    "%.2f would have shown with %.1f%% probability; %d other "
		    "crashes)", image, clean, v->rate, v->confidence * 100,
		    v->other_crashes);
		return BISECT_GOOD;
	}
	bisect_log(o, "step %s: SKIP (%d clean of %d needed, %d boot "
	    "failures, %d other crashes, %d inconclusive)", image, clean,
	    need, v->boot_failures, v->other_crashes, inconclusive);
	return BISECT_SKIP;
}

/* The git directory of the current tree, or NULL. */
static char *
bisect_git_dir(void)
{
	char *argv[] = { "git", "rev-parse", "--absolute-git-dir", NULL };
	struct buf out = BUF_INIT;
	char *dir = NULL;

	if (run_command(argv, NULL, NULL, "/dev/null", 10, &out, 4096) == 0 &&
	    out.len > 1) {
		out.data[strcspn(out.data, "\n")] = '\0';
		dir = xstrdup(out.data);
	}
	buf_release(&out);
	return dir;
}

/*
 * A bisect step's state and log, unless given: in the git directory of
 * the tree being bisected, where "git bisect run" keeps its own.  The
 * paths set are the caller's to free, as *state and *log.
 */
void
bisect_default_paths(struct bisect_opts *o, char **state, char **log)
{
	char *gd = bisect_git_dir();

	*state = *log = NULL;
	if (o->state_path == NULL && gd != NULL)
		o->state_path = *state = xasprintf("%s/racerig-bisect.json",
		    gd);
	if (o->log_path == NULL && gd != NULL)
		o->log_path = *log = xasprintf("%s/racerig-bisect.log", gd);
	free(gd);
}

/*
 * The image a bisect step tests, when it is built from the tree being
 * bisected (kernel_tree, modules_src): built here, its name in *name
 * (the caller's to free); *name stays NULL when neither is given.
 * Returns 0, or BISECT_SKIP (logged) when this version does not build.
 */
int
bisect_step_image(const struct bisect_opts *o, const char *kernel,
    const char *kernel_tree, const char *modules_src, char **name)
{
	char *cwd;
	unsigned long h = 5381;

	*name = NULL;
	if (modules_src == NULL && kernel_tree == NULL)
		return 0;
	/* one image directory per tree being bisected */
	cwd = getcwd(NULL, 0);
	for (const char *p = cwd ? cwd : ""; *p; p++)
		h = h * 33 + (unsigned char)*p;
	*name = xasprintf("bisect-%08lx", h & 0xffffffffUL);
	free(cwd);
	/* bisection builds an image per step: no kdump variant */
	setenv("RR_KDUMP", "0", 1);
	if (kernel_tree != NULL) {
		/* the step's kernel, incrementally in the tree */
		char *kargs[] = { "--in-place", (char *)kernel_tree, NULL };
		char *tree = NULL;

		if (kernel_build(kargs, &tree) != 0) {
			bisect_log(o, "kernel build failed: skipping this "
			    "version");
			return BISECT_SKIP;
		}
		free(tree);
	}
	if (image_build(kernel, kernel_tree, 0, *name, modules_src) != 0) {
		bisect_log(o, "build failed: skipping this version");
		return BISECT_SKIP;
	}
	return 0;
}

/*
 * Bisect over n images, oldest first: the newest must be bad and the
 * oldest good; then halve until the first bad one is next to a good one.
 * Prints the verdicts; returns EXIT_PASS (found), EXIT_VERDICT (the
 * newest is not bad) or EXIT_INFRA (an image could not be tested).
 */
int
bisect_images(const struct bisect_opts *o, char *const *imgs, int n)
{
	struct bisect_verdict v;
	int lo, hi, rc = EXIT_INFRA, *verdict;

	verdict = xcalloc((size_t)n, sizeof(int));
	for (int i = 0; i < n; i++) {
		struct image img;

		verdict[i] = -1;
		if (image_open(imgs[i], &img) != 0)
			goto cleanup;
		image_release(&img);
	}
	if (n < 2) {
		error("bisect needs at least two images");
		goto cleanup;
	}
	/* the newest must be bad and the oldest good, or there is no edge */
	verdict[n - 1] = bisect_step(o, imgs[n - 1], &v);
	if (verdict[n - 1] != BISECT_BAD) {
		printf("the newest image %s is not bad: nothing to bisect\n",
		    imgs[n - 1]);
		rc = EXIT_VERDICT;
		goto cleanup;
	}
	verdict[0] = bisect_step(o, imgs[0], &v);
	if (verdict[0] == BISECT_BAD) {
		printf("first bad image: %s (already bad at the oldest)\n",
		    imgs[0]);
		rc = EXIT_PASS;
		goto cleanup;
	}
	if (verdict[0] != BISECT_GOOD) {
		printf("the oldest image %s cannot be tested\n", imgs[0]);
		goto cleanup;
	}
	lo = 0;
	hi = n - 1;
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		verdict[mid] = bisect_step(o, imgs[mid], &v);
		if (verdict[mid] == BISECT_BAD)
			hi = mid;
		else if (verdict[mid] == BISECT_GOOD)
			lo = mid;
		else {
			printf("image %s cannot be tested: stopping between "
			    "%s (good) and %s (bad)\n", imgs[mid], imgs[lo],
			    imgs[hi]);
			goto cleanup;
		}
	}
	printf("first bad image: %s (last good: %s)\n", imgs[hi], imgs[lo]);
	for (int i = 0; i < n; i++)
		printf("  %-40s %s\n", imgs[i], verdict[i] == BISECT_BAD ?
		    "bad" : verdict[i] == BISECT_GOOD ? "good" :
		    verdict[i] == BISECT_SKIP ? "skip" : "-");
	if (o->log_path != NULL)
		printf("log: %s\n", o->log_path);
	rc = EXIT_PASS;
cleanup:
	free(verdict);
	return rc;
}
