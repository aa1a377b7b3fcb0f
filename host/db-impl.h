/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the results database: the SQLite handle, which only the db
 * layer's files (db.c, summary*.c) and its unit test touch.  Everything
 * else holds a struct db pointer and calls db.h.
 */
#ifndef RACERIG_DB_IMPL_H
#define RACERIG_DB_IMPL_H

#include <stdio.h>

#include <sqlite3.h>

struct db {
	sqlite3		*h;
	char		*path;		/* as opened: for commands shown */
};

/* summary.c, for the summary writers (summary-html.c) */
void		 summary_esc(FILE *f, const char *s);
const char	*summary_col(sqlite3_stmt *st, int i);
void		 summary_fmt_time(double t, char *out, size_t n);
void		 summary_counts(struct db *db, long long cid, long long *runs,
		     long long *crashes, long long *new_buckets);
long long	 summary_pairs(struct db *db, long long cid);
extern const char summary_findings_sql[];

#endif
