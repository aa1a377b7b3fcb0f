/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reproducing a reported crash (repro.c): which scenarios to try, when a
 * run matches the report, and the reliability figure.
 */
#ifndef RACERIG_REPRO_H
#define RACERIG_REPRO_H

#include "report.h"

/* repro.c */
const char	*repro_match(const struct report *want, json_t *got);
int		 repro_candidates(const struct report *r, char ***out,
		     size_t *nout, FILE *explain);
void		 repro_wilson(int k, int n, double *lo, double *hi);

#endif
