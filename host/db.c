/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The results database (SQLite): campaigns, runs, crashes, buckets,
 * kernels, metrics and findings.
 *
 * Every finished run is written in one transaction, in WAL mode with
 * synchronous=FULL, so killing racerig at any moment loses no finished
 * run and never leaves half of one.  Readers (the report) can read while
 * a campaign writes.
 *
 * Schema changes are additive and made on open, so an older database
 * keeps working: runs.host (the libvirt URI a run used) is added if
 * missing, and a unique index keeps each (campaign, seq) to one run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util.h"
#include "run.h"
#include "db.h"
#include "db-impl.h"

static const char db_schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS campaigns ("
	"  id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, file TEXT,"
	"  seed INTEGER, duration_s REAL, mode TEXT,"
	"  started_at REAL, elapsed_s REAL DEFAULT 0, finished INTEGER DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS kernels ("
	"  release TEXT PRIMARY KEY, image TEXT);"
	"CREATE TABLE IF NOT EXISTS runs ("
	"  id INTEGER PRIMARY KEY, campaign_id INTEGER, run_id TEXT UNIQUE,"
	"  seq INTEGER, scenario TEXT, kernel TEXT, image TEXT, params TEXT,"
	"  seed INTEGER, smp INTEGER, duration_s INTEGER, outcome TEXT,"
	"  reason TEXT,"
	"  started_at REAL, total_s REAL, crash_s REAL, hits_per_s REAL,"
	"  dir TEXT, kept INTEGER DEFAULT 1);"
	"CREATE TABLE IF NOT EXISTS buckets ("
	"  bucket TEXT PRIMARY KEY, title TEXT, bug_class TEXT,"
	"  first_seen REAL, last_seen REAL, count INTEGER,"
	"  first_run TEXT, campaign_id INTEGER);"
	"CREATE TABLE IF NOT EXISTS crashes ("
	"  run_id TEXT PRIMARY KEY, bucket TEXT, title TEXT, type TEXT,"
	"  frame TEXT, classes TEXT, corrupted INTEGER);"
	"CREATE TABLE IF NOT EXISTS metrics ("
	"  run_id TEXT, name TEXT, value REAL, PRIMARY KEY (run_id, name));"
	/*
	 * a run's findings (run-classify.c), one row per bucket; first_seen
	 * is the run's start plus the report's printk time, or the run's
	 * start when it had none
	 */
	"CREATE TABLE IF NOT EXISTS findings ("
	"  run_id TEXT, bucket TEXT, title TEXT, first_seen REAL,"
	"  count INTEGER, text TEXT, PRIMARY KEY (run_id, bucket));"
	"CREATE INDEX IF NOT EXISTS findings_bucket ON findings (bucket);";

/*
 * Prepare sql into *st; 0, or -1 with *st NULL (the caller reports
 * sqlite3_errmsg()).  Every statement of a write goes through this so
 * that no write is attempted on a statement that failed to compile.
 */
static int
db_prepare(struct db *db, const char *sql, sqlite3_stmt **st)
{
	*st = NULL;
	return sqlite3_prepare_v2(db->h, sql, -1, st, NULL) == SQLITE_OK ?
	    0 : -1;
}

/* Does table have column?  (PRAGMA table_info lists them.) */
static int
db_has_column(struct db *db, const char *table, const char *column)
{
	sqlite3_stmt *st;
	char *q = sqlite3_mprintf("PRAGMA table_info(%q)", table);
	int found = 0;

	if (db_prepare(db, q, &st) != 0) {
		sqlite3_free(q);
		return 0;
	}
	while (!found && sqlite3_step(st) == SQLITE_ROW)
		found = strcmp((const char *)sqlite3_column_text(st, 1),
		    column) == 0;
	sqlite3_finalize(st);
	sqlite3_free(q);
	return found;
}

/*
 * Bring an older database up to this schema.  The unique index cannot
 * be made where old runs already share a seq: db_add_run()'s own check
 * still keeps new runs apart then.
 */
static int
db_migrate(struct db *db, const char *path)
{
	char *err = NULL;

	if (!db_has_column(db, "runs", "host") &&
	    sqlite3_exec(db->h, "ALTER TABLE runs ADD COLUMN host TEXT", NULL,
	    NULL, &err) != SQLITE_OK) {
		error("cannot add runs.host to database '%s': %s", path, err);
		sqlite3_free(err);
		return -1;
	}
	if (sqlite3_exec(db->h, "CREATE UNIQUE INDEX IF NOT EXISTS "
	    "runs_campaign_seq ON runs (campaign_id, seq)", NULL, NULL,
	    &err) != SQLITE_OK) {
		warning("database '%s': runs share a seq, no unique index: %s",
		    path, err);
		sqlite3_free(err);
	}
	return 0;
}

/*
 * Open (creating or migrating) the database at path.  Returns it, or
 * NULL after reporting why not; db_close() frees it.
 */
struct db *
db_open(const char *path)
{
	struct db *db = xcalloc(1, sizeof(*db));
	char *err = NULL;

	db->path = xstrdup(path);
	if (sqlite3_open(path, &db->h) != SQLITE_OK) {
		error("cannot open database '%s': %s", path,
		    db->h ? sqlite3_errmsg(db->h) : "out of memory");
		db_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->h, 10000);
	if (sqlite3_exec(db->h, db_schema, NULL, NULL, &err) != SQLITE_OK) {
		error("cannot set up database '%s': %s", path, err);
		sqlite3_free(err);
		db_close(db);
		return NULL;
	}
	if (db_migrate(db, path) != 0) {
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

/*
 * Find or create the campaign called name.  *resumed says whether it
 * existed (with its elapsed time in *elapsed_s).  Returns its id or -1.
 */
long long
db_campaign(struct db *db, const char *name, const char *file,
    unsigned long long seed, double duration_s, const char *mode,
    int *resumed, double *elapsed_s, unsigned long long *seed_out)
{
	sqlite3_stmt *st;
	long long id = -1;

	*resumed = 0;
	*elapsed_s = 0;
	if (db_prepare(db, "SELECT id, elapsed_s, seed FROM campaigns "
	    "WHERE name = ?", &st) != 0)
		return error("cannot read campaign '%s': %s", name,
		    sqlite3_errmsg(db->h));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*elapsed_s = sqlite3_column_double(st, 1);
		*seed_out = (unsigned long long)sqlite3_column_int64(st, 2);
		*resumed = 1;
	}
	sqlite3_finalize(st);
	if (id >= 0)
		return id;
	if (db_prepare(db, "INSERT INTO campaigns (name, file, seed, "
	    "duration_s, mode, started_at) VALUES (?, ?, ?, ?, ?, ?)",
	    &st) != 0)
		return error("cannot record campaign '%s': %s", name,
		    sqlite3_errmsg(db->h));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seed);
	sqlite3_bind_double(st, 4, duration_s);
	sqlite3_bind_text(st, 5, mode, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 6, now_wall());
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db->h);
	else
		error("cannot record campaign '%s': %s", name,
		    sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	*seed_out = seed;
	return id;
}

/* The one number sql (one "?": the campaign id) counts, or -1. */
static long long
db_campaign_count(struct db *db, const char *sql, long long campaign_id)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (db_prepare(db, sql, &st) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * Where a campaign's runs stand.  Runs finish out of order, so a kill
 * can leave seqs below the highest one unrecorded: *next is one past the
 * highest recorded seq, and the seqs below it without a run go into
 * *missing (ascending, caller frees), to be run on resume.  Returns the
 * number of runs recorded.
 */
long long
db_campaign_runs(struct db *db, long long campaign_id, long long *next,
    long long **missing, size_t *nmissing)
{
	sqlite3_stmt *st;
	long long n = 0, want = 0;

	*next = 0;
	*missing = NULL;
	*nmissing = 0;
	if (db_prepare(db, "SELECT DISTINCT seq FROM runs WHERE "
	    "campaign_id = ? AND seq >= 0 ORDER BY seq", &st) != 0)
		return error("cannot read the campaign's runs: %s",
		    sqlite3_errmsg(db->h));
	sqlite3_bind_int64(st, 1, campaign_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long seq = sqlite3_column_int64(st, 0);

		for (; want < seq; want++) {
			*missing = xrealloc(*missing, (*nmissing + 1) *
			    sizeof(**missing));
			(*missing)[(*nmissing)++] = want;
		}
		want = seq + 1;
		*next = seq + 1;
	}
	sqlite3_finalize(st);
	n = db_campaign_count(db, "SELECT COUNT(*) FROM runs WHERE "
	    "campaign_id = ?", campaign_id);
	if (n < 0)
		return error("cannot count the campaign's runs: %s",
		    sqlite3_errmsg(db->h));
	return n;
}

/*
 * How many distinct finding buckets the campaign's runs have (for its
 * progress line), or -1 if the database could not say.
 */
long long
db_campaign_findings(struct db *db, long long campaign_id)
{
	return db_campaign_count(db, "SELECT COUNT(DISTINCT f.bucket) FROM "
	    "findings f JOIN runs r ON r.run_id = f.run_id WHERE "
	    "r.campaign_id = ?", campaign_id);
}

/*
 * How many of run's finding buckets no recorded run of the campaign has
 * (call before db_add_run() records it), or -1 if the database could not
 * say.
 */
long long
db_new_findings(struct db *db, long long campaign_id,
    const struct run_record *run)
{
	sqlite3_stmt *st;
	long long n = 0;

	if (run->nfindings == 0)
		return 0;
	if (db_prepare(db, "SELECT 1 FROM findings f JOIN runs r ON "
	    "r.run_id = f.run_id WHERE r.campaign_id = ? AND f.bucket = ? "
	    "LIMIT 1", &st) != 0)
		return -1;
	for (size_t i = 0; i < run->nfindings; i++) {
		int rc;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, campaign_id);
		sqlite3_bind_text(st, 2, run->findings[i].bucket, -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			n++;
		else if (rc != SQLITE_ROW) {
			n = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return n;
}

/* Is seq of the campaign recorded? */
static int
db_has_seq(struct db *db, long long campaign_id, long long seq)
{
	sqlite3_stmt *st;
	int found;

	if (db_prepare(db, "SELECT 1 FROM runs WHERE campaign_id = ? "
	    "AND seq = ?", &st) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, seq);
	found = sqlite3_step(st);
	found = found == SQLITE_ROW ? 1 : found == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return found;
}

int
db_campaign_progress(struct db *db, long long campaign_id, double elapsed_s,
    int finished)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, "UPDATE campaigns SET elapsed_s = ?, "
	    "finished = ? WHERE id = ?", &st) != 0)
		return -1;
	sqlite3_bind_double(st, 1, elapsed_s);
	sqlite3_bind_int(st, 2, finished);
	sqlite3_bind_int64(st, 3, campaign_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/* Bind s, NULL as SQL NULL. */
static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Each whole-run rate of a run, as a metrics row (see db_add_run()). */
struct db_rate_ctx {
	struct db	*db;
	const char	*run_id;
	int		 failed;
};

static void
db_add_rate(void *arg, const char *name, double v)
{
	struct db_rate_ctx *c = arg;
	sqlite3_stmt *st;

	if (c->failed || db_prepare(c->db, "INSERT OR REPLACE INTO metrics "
	    "(run_id, name, value) VALUES (?, ?, ?)", &st) != 0) {
		c->failed = 1;
		return;
	}
	sqlite3_bind_text(st, 1, c->run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, v);
	if (sqlite3_step(st) != SQLITE_DONE)
		c->failed = 1;
	sqlite3_finalize(st);
}

/*
 * Record one finished run, in one transaction: the
 * run, its kernel, its crash and bucket, its rates.  Returns 1 if the
 * crash opened a new bucket, 0 if not, -1 on error (reported; nothing of
 * the run is then recorded).
 */
int
db_add_run(struct db *db, long long campaign_id, long long seq,
    const struct run_record *run, double hits_per_s)
{
	struct run_crash crash;
	const char *run_id = run->id;
	const char *bucket;
	char *params = run->params != NULL ? json_dumps(run->params,
	    JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	sqlite3_stmt *st = NULL;
	int new_bucket = 0, rc = -1;

	memset(&crash, 0, sizeof(crash));
	if (run_id == NULL) {
		free(params);
		return error("run '%s' has no run id", run->dir);
	}
	/*
	 * Nothing is written unless the transaction began: statements run
	 * outside one would each commit on their own, and a run reported
	 * as not recorded would be recorded in part.
	 */
	if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		free(params);
		return error("cannot record run '%s': %s", run_id,
		    sqlite3_errmsg(db->h));
	}
	/* inside the transaction: no other writer records seq meanwhile */
	switch (db_has_seq(db, campaign_id, seq)) {
	case 0:
		break;
	case 1:
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		free(params);
		return error("run '%s': seq %lld of the campaign is recorded "
		    "already", run_id, seq);
	default:
		goto fail;
	}
	(void)run_record_crash(run, &crash);
	bucket = crash.bucket;

	if (db_prepare(db, "INSERT OR IGNORE INTO kernels (release, "
	    "image) VALUES (?, ?)", &st) != 0)
		goto fail;
	bind_text(st, 1, run->image_release);
	bind_text(st, 2, run->image != NULL ? run->image : "");
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);

	if (db_prepare(db, "INSERT INTO runs (campaign_id, run_id, seq, "
	    "scenario, kernel, image, params, seed, smp, outcome, reason, "
	    "started_at, total_s, crash_s, hits_per_s, dir, duration_s, host) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    &st) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_text(st, 2, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, seq);
	bind_text(st, 4, run->scenario);
	bind_text(st, 5, run->image_release);
	bind_text(st, 6, run->image != NULL ? run->image : "");
	sqlite3_bind_text(st, 7, params ? params : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)run->seed);
	sqlite3_bind_int(st, 9, run->smp);
	bind_text(st, 10, run_outcome_name(run->outcome));
	bind_text(st, 11, run->reason);
	sqlite3_bind_double(st, 12, run->started_at);
	sqlite3_bind_double(st, 13, run->total_s);
	sqlite3_bind_double(st, 14, run->crash_s);
	sqlite3_bind_double(st, 15, hits_per_s);
	sqlite3_bind_text(st, 16, run->dir, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 17, run->duration_s);
	/* the libvirt URI; NULL for a local QEMU run */
	bind_text(st, 18, run->connect);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;

	if (bucket != NULL) {
		const char *cls = crash.nclasses > 0 ? crash.classes[0] : NULL;
		json_t *classes = json_array();
		char *cl;

		for (size_t i = 0; i < crash.nclasses; i++)
			json_array_append_new(classes,
			    json_string(crash.classes[i]));
		cl = json_dumps(classes, JSON_COMPACT);
		json_decref(classes);
		if (db_prepare(db, "INSERT INTO crashes (run_id, bucket, "
		    "title, type, frame, classes, corrupted) VALUES (?, ?, ?, ?, "
		    "?, ?, ?)", &st) != 0) {
			free(cl);
			goto fail;
		}
		sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, bucket, -1, SQLITE_STATIC);
		bind_text(st, 3, crash.title);
		bind_text(st, 4, crash.type);
		bind_text(st, 5, crash.frame);
		sqlite3_bind_text(st, 6, cl ? cl : "[]", -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 7, crash.corrupted);
		free(cl);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);

		if (db_prepare(db, "UPDATE buckets SET count = count + 1, "
		    "last_seen = ? WHERE bucket = ?", &st) != 0)
			goto fail;
		sqlite3_bind_double(st, 1, now_wall());
		sqlite3_bind_text(st, 2, bucket, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		if (sqlite3_changes(db->h) == 0) {
			new_bucket = 1;
			if (db_prepare(db, "INSERT INTO buckets (bucket, "
			    "title, bug_class, first_seen, last_seen, count, "
			    "first_run, campaign_id) VALUES (?, ?, ?, ?, ?, 1, "
			    "?, ?)", &st) != 0)
				goto fail;
			sqlite3_bind_text(st, 1, bucket, -1, SQLITE_STATIC);
			bind_text(st, 2, crash.title);
			if (cls != NULL)
				sqlite3_bind_text(st, 3, cls, -1,
				    SQLITE_STATIC);
			sqlite3_bind_double(st, 4, now_wall());
			sqlite3_bind_double(st, 5, now_wall());
			sqlite3_bind_text(st, 6, run_id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 7, campaign_id);
			if (sqlite3_step(st) != SQLITE_DONE)
				goto fail;
			sqlite3_finalize(st);
		}
		st = NULL;
	}
	for (size_t i = 0; i < run->nfindings; i++) {
		const struct run_finding *f = &run->findings[i];

		if (db_prepare(db, "INSERT OR IGNORE INTO findings (run_id, "
		    "bucket, title, first_seen, count, text) VALUES (?, ?, ?, "
		    "?, ?, ?)", &st) != 0)
			goto fail;
		sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
		bind_text(st, 2, f->bucket);
		bind_text(st, 3, f->title);
		sqlite3_bind_double(st, 4, run->started_at +
		    (f->uptime_s > 0 ? f->uptime_s : 0));
		sqlite3_bind_int64(st, 5, (sqlite3_int64)f->count);
		bind_text(st, 6, f->text);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		st = NULL;
	}
	{
		struct db_rate_ctx rates = { db, run_id, 0 };

		run_record_each_rate(run, db_add_rate, &rates);
		if (rates.failed)
			goto fail;
	}
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	rc = new_bucket;
	goto out;
fail:
	error("cannot record run '%s': %s", run_id, sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
out:
	run_crash_release(&crash);
	free(params);
	return rc;
}

/* Is run_id recorded? (a resumed campaign must not count it twice) */
int
db_has_run(struct db *db, const char *run_id)
{
	sqlite3_stmt *st;
	int found;

	if (db_prepare(db, "SELECT 1 FROM runs WHERE run_id = ?", &st) != 0)
		return error("cannot look up run '%s': %s", run_id,
		    sqlite3_errmsg(db->h));
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	found = sqlite3_step(st);
	if (found != SQLITE_ROW && found != SQLITE_DONE)
		error("cannot look up run '%s': %s", run_id,
		    sqlite3_errmsg(db->h));
	found = found == SQLITE_ROW ? 1 : found == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return found;
}

/*
 * The recorded run run_id into *r (its scenario, image, params, seed,
 * smp and duration_s; the rest zero): 0, 1 if there is no such run, -1
 * after reporting an error.  *r is to be released in every case.
 */
int
db_run(struct db *db, const char *run_id, struct run_record *r)
{
	sqlite3_stmt *st;
	int rc = 1;

	memset(r, 0, sizeof(*r));
	if (db_prepare(db, "SELECT scenario, image, params, seed, smp, "
	    "duration_s FROM runs WHERE run_id = ?", &st) != 0)
		return error("cannot look up run '%s': %s", run_id,
		    sqlite3_errmsg(db->h));
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *params = (const char *)sqlite3_column_text(st, 2);

		r->id = xstrdup(run_id);
		r->scenario = xstrdup((const char *)sqlite3_column_text(st,
		    0) ?: "");
		r->image = xstrdup((const char *)sqlite3_column_text(st,
		    1) ?: "");
		r->params = json_loads(params ? params : "{}", 0, NULL);
		if (!json_is_object(r->params)) {
			json_decref(r->params);
			r->params = json_object();
		}
		r->seed = (unsigned long long)sqlite3_column_int64(st, 3);
		r->smp = sqlite3_column_int(st, 4);
		r->duration_s = (long)sqlite3_column_int64(st, 5);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Directories of the campaign's runs whose files may go when its disk
 * budget or vmcore cap is exceeded, oldest first: with firsts 0, all but
 * the first run of each bucket; with firsts 1, those first runs.
 */
json_t *
db_prunable_runs(struct db *db, long long campaign_id, int firsts)
{
	sqlite3_stmt *st;
	json_t *a = json_array();

	if (db_prepare(db, firsts ?
	    "SELECT dir FROM runs WHERE campaign_id = ? AND run_id IN "
	    "(SELECT first_run FROM buckets WHERE first_run IS NOT NULL) "
	    "ORDER BY id" :
	    "SELECT dir FROM runs WHERE campaign_id = ? "
	    "AND run_id NOT IN (SELECT first_run FROM buckets WHERE first_run "
	    "IS NOT NULL) ORDER BY id", &st) != 0) {
		error("cannot list the campaign's runs: %s",
		    sqlite3_errmsg(db->h));
		return a;
	}
	sqlite3_bind_int64(st, 1, campaign_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, json_string((const char *)
		    sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	return a;
}
