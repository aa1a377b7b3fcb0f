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
#include <unistd.h>

#include "util.h"
#include "scenario.h"
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
 * How a run's crash (report.json object) matches the reported one;
 * NULL if it does not.
 */
const char *
repro_match(const struct report *want, json_t *got)
{
	const char *title = json_string_value(json_object_get(got, "title"));
	const char *bucket = json_string_value(json_object_get(got, "bucket"));
	const char *frame = json_string_value(json_object_get(got, "frame"));
	json_t *classes = json_object_get(got, "classes"), *c;
	size_t i;

	if (got == NULL || title == NULL)
		return NULL;
	if (bucket != NULL && strcmp(bucket, want->bucket) == 0)
		return "same bucket";
	if (strcmp(title, want->title) == 0)
		return "same title";
	if (frame != NULL && want->frame != NULL &&
	    strcmp(frame, want->frame) == 0 &&
	    strcmp(repro_kind(title), repro_kind(want->title)) == 0)
		return "same guilty function and kind of crash";
	json_array_foreach(classes, i, c) {
		for (size_t k = 0; k < want->nclasses; k++) {
			if (json_string_value(c) != NULL &&
			    strcmp(json_string_value(c), want->classes[k]) == 0)
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
