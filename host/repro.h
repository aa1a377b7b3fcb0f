/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reproducing a reported crash (repro.c): which scenarios to try, when a
 * run matches the report, and the reliability figure.
 */
#ifndef RACERIG_REPRO_H
#define RACERIG_REPRO_H

#include "report.h"

struct run_crash;

/* How hard and where to search (repro_search()). */
struct repro_opts {
	const char	*const *kernels;	/* images to try; NULL: default */
	size_t		 nkernels;
	const char	*out;		/* the bundle; NULL: CACHE/repro/TIME */
	long		 budget;	/* seconds from t0 */
	double		 t0;
	int		 jobs;		/* runs at once */
	int		 nruns;		/* runs that measure reliability */
	int		 snapshot;
	int		 out_of_tree;	/* the report's kernel ran one */
};

/* How a run's crash matches the reported one, worst first. */
enum repro_level {
	REPRO_NONE,
	REPRO_SIMILAR,		/* same guilty frame or data-race pair */
	REPRO_SAME_CLASS,	/* same root-cause class */
	REPRO_SAME_TITLE,	/* same title or bucket */
	REPRO_NLEVELS
};

/* repro.c */
enum repro_level repro_match(const struct report *want,
		     const struct run_crash *got);
const char	*repro_level_name(enum repro_level l);
int		 repro_candidates(const struct report *r, char ***out,
		     size_t *nout, FILE *explain);
void		 repro_wilson(int k, int n, double *lo, double *hi);
int		 repro_search(const struct report *want, char *const *cands,
		     size_t nc, const struct repro_opts *ro);

#endif
