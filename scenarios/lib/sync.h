/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timing helpers shared by the scenario programs: a monotonic clock and
 * a generation spin barrier that releases all its threads together (the
 * point of a race scenario is that they hit the kernel at one moment).
 * Header-only, so each scenario program stays one file to build.
 */
#ifndef RACERIG_SCENARIO_SYNC_H
#define RACERIG_SCENARIO_SYNC_H

#include <sched.h>
#include <stdatomic.h>
#include <time.h>

static inline double
sync_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct sync_barrier {
	atomic_uint	arrived;
	atomic_uint	generation;
	unsigned	nthreads;
	int		yield;		/* more threads than CPUs: yield */
	atomic_int	*stop;		/* leave early when it becomes set */
};

/*
 * Wait until all nthreads threads called with the same gen.  Each round
 * uses a new gen (0, 1, 2, ...).  Spinning keeps the release instant
 * while every thread has a CPU; with more threads than CPUs, spinning
 * would starve the thread everyone waits for, so it yields.
 */
static inline void
sync_barrier_wait(struct sync_barrier *b, unsigned gen)
{
	if (atomic_fetch_add(&b->arrived, 1) + 1 == b->nthreads) {
		atomic_store(&b->arrived, 0);
		atomic_store(&b->generation, gen + 1);
		return;
	}
	while (atomic_load(&b->generation) == gen &&
	    !(b->stop != NULL && atomic_load(b->stop)))
		if (b->yield)
			sched_yield();
}

/* Release anyone still waiting, for good (at the end of a run). */
static inline void
sync_barrier_break(struct sync_barrier *b)
{
	atomic_store(&b->generation, ~0u);
}

#endif
