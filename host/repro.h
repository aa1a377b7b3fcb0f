/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reproducing a reported crash (repro.c): which scenarios to try, when a
 * run matches the report, and the reliability figure.
 */
#ifndef RACERIG_REPRO_H
#define RACERIG_REPRO_H

#include <stdio.h>

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
	int		 widen_only;	/* settle the injection, run no more */
};

/* How a run's crash matches the reported one, worst first. */
enum repro_level {
	REPRO_NONE,
	REPRO_SIMILAR,		/* same guilty frame or data-race pair */
	REPRO_SAME_CLASS,	/* same root-cause class */
	REPRO_SAME_TITLE,	/* same title or bucket */
	REPRO_NLEVELS
};

/* A frame of the report and where it is in the target kernel. */
struct repro_frame {
	char		 fn[128];
	char		 area[64];	/* "net/netfilter"; "": unknown */
	char		 module[64];	/* "": vmlinux, or not found */
	char		 where[96];	/* "vmlinux", "module nf_conntrack" */
	int		 located;	/* found in the target kernel */
	int		 weight;	/* guilty 3, others 1, per CPU */
};

#define REPRO_PLAN_MAX_INJECT	3
/* A plan's injection try: this delay on entry, this many calls in 1000 */
#define REPRO_INJECT_DELAY_US	200
#define REPRO_INJECT_PERMILLE	100

/* A scenario to try, with the parameters that aim it. */
struct repro_cand {
	char		*scenario;
	char		**params;	/* "k=v" */
	size_t		 nparams;
	int		 score;
	char		 why[256];
	int		 injectable;	/* it has inject_symbol */
	int		 inject_ok[REPRO_PLAN_MAX_INJECT];
};

/* repro-plan.c: the plan drawn from the report's frames. */
struct repro_plan {
	struct repro_frame *frames;
	size_t		 nframes;
	struct repro_cand *cands;	/* best first */
	size_t		 ncands;
	/* frames in the target kernel that may widen the window */
	const struct repro_frame *inject[REPRO_PLAN_MAX_INJECT];
	size_t		 ninject;
};

int		 repro_plan_make(const struct report *r, const char *log,
		     size_t len, const char *image, struct repro_plan *p,
		     FILE *out);
void		 repro_plan_print(const struct repro_plan *p, FILE *out);
void		 repro_cand_release(struct repro_cand *c);
void		 repro_plan_release(struct repro_plan *p);

/* repro-widen.c: the delay setting that raised the hits most, if any */
struct repro_widened {
	int		 found;
	double		 base, best;	/* hits without and with it */
	char		*params[4];	/* inject_symbol, _at, _delay_us, _permille */
};

int		 repro_widen(const struct repro_plan *plan,
		     const struct repro_cand *c, const struct repro_opts *ro,
		     struct repro_widened *w);
void		 repro_widened_release(struct repro_widened *w);

/* repro.c */
enum repro_level repro_match(const struct report *want,
		     const struct run_crash *got);
const char	*repro_level_name(enum repro_level l);
int		 repro_score(const struct report *r, const char *name,
		     char *why, size_t n);
void		 repro_wilson(int k, int n, double *lo, double *hi);
int		 repro_search(const struct report *want,
		     const struct repro_plan *plan, const struct repro_opts *ro);

#endif
