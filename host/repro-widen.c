/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Window widening for repro: the report's frames that the target kernel
 * has (the plan's injection points) each get a delay injected, as the
 * function is entered and once it returns, one run each, against a run
 * without; the setting that raises the race's hits the most (the
 * scenario's hit_metric, or the speed of its crash) is kept if it raises
 * them by REPRO_WIDEN_GAIN at least.  No hand-written injection point of
 * a scenario is used: only its inject_symbol parameter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "scenario.h"
#include "run.h"
#include "repro.h"

/* the gain a setting must bring to be kept */
#define REPRO_WIDEN_GAIN	1.5
/* each widening run's length, at most */
#define REPRO_WIDEN_RUN_S	20
/* the delay tried: as seed race 2's hand-written point uses */
#define REPRO_WIDEN_DELAY_US	2000
#define REPRO_WIDEN_PERMILLE	1000

/*
 * How much of the race a run shows: its hit rate where the scenario
 * names one, else 1 / its time to crash (a run that did not crash
 * counts as crashing at its end).  -1: the run did not finish.
 */
static double
widen_score(const struct scenario *s, const struct run_child_result *res,
    long duration)
{
	const struct run_record *r = &res->rec;
	double v, ttc;

	if (res->how != RUN_CHILD_DONE || r->outcome == RUN_FAILED ||
	    r->outcome == RUN_ERROR || r->outcome == RUN_BOOT_FAILED)
		return -1;
	if (s->hit_metric != NULL)
		return run_record_rate(r, s->hit_metric, &v) == 0 && v > 0 ?
		    v : 0;
	ttc = r->outcome == RUN_CRASHED && r->crash_s > r->agent_ready_s ?
	    r->crash_s - r->agent_ready_s : (double)duration;
	return 1.0 / (ttc > 0.01 ? ttc : 0.01);
}

/* One run of c with extra parameters; its score. */
static double
widen_run(const struct repro_cand *c, const struct scenario *s,
    const struct repro_opts *ro, char *const *extra, size_t nextra,
    long duration)
{
	char *params[16];
	size_t np = 0;
	struct run_child_result *res;
	struct run_opts o;
	double score = -1;
	size_t n;

	for (size_t i = 0; i < c->nparams && np < 10; i++)
		params[np++] = c->params[i];
	for (size_t i = 0; i < nextra && np < 16; i++)
		params[np++] = extra[i];
	run_opts_init(&o);
	o.scenario = c->scenario;
	o.image = ro->kernels[0];
	o.duration_s = duration;
	o.params = params;
	o.nparams = np;
	n = run_pool_batch(&o, 1, &res);
	if (n == 1)
		score = widen_score(s, &res[0], duration);
	for (size_t i = 0; i < n; i++)
		run_child_result_release(&res[i]);
	free(res);
	return score;
}

int
repro_widen(const struct repro_plan *plan, const struct repro_cand *c,
    const struct repro_opts *ro, struct repro_widened *w)
{
	static const char *const at[] = { "entry", "return" };
	struct scenario s;
	long duration;
	double base;

	memset(w, 0, sizeof(*w));
	if (!c->injectable || scenario_load(c->scenario, &s) != 0)
		return 0;
	duration = s.duration_s < REPRO_WIDEN_RUN_S ? s.duration_s :
	    REPRO_WIDEN_RUN_S;
	/* the run without and one with, at least, must fit the budget */
	if (now_mono() - ro->t0 + 2 * (duration + 20) > ro->budget) {
		scenario_release(&s);
		return 0;
	}
	printf("window widening for %s (%s; one %ld s run each):\n",
	    c->scenario, s.hit_metric ? s.hit_metric : "1 / time to crash",
	    duration);
	fflush(stdout);
	base = widen_run(c, &s, ro, NULL, 0, duration);
	printf("  %-44s %8.2f\n", "no injection", base);
	w->base = base;
	for (size_t j = 0; j < plan->ninject; j++) {
		if (!c->inject_ok[j])
			continue;
		for (size_t a = 0; a < ARRAY_SIZE(at); a++) {
			char *extra[4], label[160];
			double v;

			if (now_mono() - ro->t0 + duration + 20 > ro->budget)
				break;
			extra[0] = xasprintf("inject_symbol=%s",
			    plan->inject[j]->fn);
			extra[1] = xasprintf("inject_at=%s", at[a]);
			extra[2] = xasprintf("inject_delay_us=%d",
			    REPRO_WIDEN_DELAY_US);
			extra[3] = xasprintf("inject_permille=%d",
			    REPRO_WIDEN_PERMILLE);
			v = widen_run(c, &s, ro, extra, 4, duration);
			snprintf(label, sizeof(label), "%s %s",
			    plan->inject[j]->fn, at[a]);
			if (v < 0)
				printf("  %-44s   (the run did not finish)\n",
				    label);
			else
				printf("  %-44s %8.2f  (%.2fx)\n", label, v,
				    base > 0 ? v / base : 0);
			fflush(stdout);
			if (v > 0 && v >= (base > 0 ? base : 0) *
			    REPRO_WIDEN_GAIN && v > w->best) {
				for (size_t k = 0; k < 4; k++) {
					free(w->params[k]);
					w->params[k] = extra[k];
				}
				w->best = v;
				w->found = 1;
			} else {
				for (size_t k = 0; k < 4; k++)
					free(extra[k]);
			}
		}
	}
	if (w->found)
		printf("settled: %s %s %s %s (%.2fx the hits without)\n",
		    w->params[0], w->params[1], w->params[2], w->params[3],
		    base > 0 ? w->best / base : 0);
	else
		printf("settled: no injection (none raised the hits %.1fx)\n",
		    REPRO_WIDEN_GAIN);
	scenario_release(&s);
	return w->found;
}

void
repro_widened_release(struct repro_widened *w)
{
	for (size_t k = 0; k < 4; k++)
		free(w->params[k]);
	memset(w, 0, sizeof(*w));
}
