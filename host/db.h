/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The results database (db.c) and what is read back out of it for
 * people and machines (summary.c).
 */
#ifndef RACERIG_DB_H
#define RACERIG_DB_H

#include "util.h"

struct run_record;

/*
 * The results database (db.c): opaque outside the db layer, whose files
 * (db.c, summary.c) share its definition through db-impl.h.
 */
struct db;

/* db.c */
struct db	*db_open(const char *path);
void		 db_close(struct db *db);
long long	 db_campaign(struct db *db, const char *name, const char *file,
		     unsigned long long seed, double duration_s,
		     const char *mode, int *resumed, double *elapsed_s,
		     unsigned long long *seed_out);
long long	 db_campaign_runs(struct db *db, long long campaign_id,
		     long long *next, long long **missing, size_t *nmissing);
int		 db_campaign_progress(struct db *db, long long campaign_id,
		     double elapsed_s, int finished);
long long	 db_campaign_findings(struct db *db, long long campaign_id);
long long	 db_new_findings(struct db *db, long long campaign_id,
		     const struct run_record *run);
int		 db_add_run(struct db *db, long long campaign_id, long long seq,
		     const struct run_record *run, double hits_per_s);
int		 db_has_run(struct db *db, const char *run_id);
int		 db_run(struct db *db, const char *run_id,
		     struct run_record *r);
json_t		*db_prunable_runs(struct db *db, long long campaign_id,
		     int firsts);

/* summary.c, summary-html.c */
long long	 summary_campaign(struct db *db, const char *name,
		     char **name_out);
int		 summary_html(struct db *db, long long cid, const char *name,
		     const char *html_path, FILE *f);
json_t		*summary_json(struct db *db, long long cid, const char *name);
int		 summary_junit(struct db *db, long long cid, const char *name,
		     FILE *f);
long long	 summary_new_buckets(struct db *db, long long cid);
json_t		*summary_hosts(struct db *db, long long cid);

#endif
