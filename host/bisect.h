/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bisection steps (bisect.c): how many runs decide good or bad, and the
 * verdict of one kernel.
 */
#ifndef RACERIG_BISECT_H
#define RACERIG_BISECT_H

#include "run.h"

/* How a bisection decides a step (bisect.c). */
struct bisect_opts {
	struct run_opts	 run;		/* scenario, params, vCPUs ... */
	const char	*target_class;	/* a match on any one target */
	const char	*target_title;
	const char	*target_bucket;
	double		 confidence;	/* of a good verdict, e.g. 0.95 */
	double		 prior_rate;	/* before any bad step was seen */
	int		 max_runs;	/* per step */
	int		 jobs;		/* parallel VMs */
	const char	*state_path;	/* rate estimate across steps */
	const char	*log_path;	/* the full log, appended to */
};

#define BISECT_GOOD	0
#define BISECT_BAD	1
#define BISECT_SKIP	125	/* git bisect run's "cannot test" */

struct bisect_verdict {
	int		 bad;
	int		 runs;
	int		 matching;
	int		 clean;
	int		 needed;
	int		 other_crashes;
	int		 boot_failures;
	double		 rate;		/* reproduction rate assumed */
	double		 confidence;	/* of a good verdict */
};

/* bisect.c */
int		 bisect_runs_needed(double p, double c);
double		 bisect_rate_estimate(long bad_crashes, long bad_runs,
		     double prior);
int		 bisect_step(const struct bisect_opts *o, const char *image,
		     struct bisect_verdict *v);
void		 bisect_default_paths(struct bisect_opts *o, char **state,
		     char **log);
int		 bisect_step_image(const struct bisect_opts *o,
		     const char *kernel, const char *kernel_tree,
		     const char *modules_src, char **name);
int		 bisect_images(const struct bisect_opts *o, char *const *imgs,
		     int n);
void		 bisect_log(const struct bisect_opts *o, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));

#endif
