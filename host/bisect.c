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
bisect_matches(const struct bisect_opts *o, json_t *report)
{
	const char *title = json_string_value(json_object_get(report,
	    "title"));
	const char *bucket = json_string_value(json_object_get(report,
	    "bucket"));
	json_t *classes = json_object_get(report, "classes"), *c;
	size_t i;

	if (report == NULL)
		return 0;
	if (o->target_title != NULL && title != NULL &&
	    strcmp(o->target_title, title) == 0)
		return 1;
	if (o->target_bucket != NULL && bucket != NULL &&
	    strcmp(o->target_bucket, bucket) == 0)
		return 1;
	json_array_foreach(classes, i, c) {
		if (o->target_class != NULL && json_string_value(c) != NULL &&
		    strcmp(o->target_class, json_string_value(c)) == 0)
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
			br->outcome = r->outcome;
			snprintf(br->dir, sizeof(br->dir), "%s", r->dir);
			snprintf(br->title, sizeof(br->title), "%s",
			    json_string_value(json_object_get(r->report,
			    "title")) ?: "");
			br->match = bisect_matches(o, r->report);
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
