/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Campaign results for machines, read from the database: the JSON
 * summary (counts, buckets and findings new ones first, race pairs, the
 * database's campaigns as history) and JUnit XML (a test case per
 * scenario and kernel); and the queries and helpers the HTML page
 * (summary-html.c) shares with them.
 *
 * Titles and reasons came from guests: everything is escaped for HTML
 * and XML where it is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util.h"
#include "report.h"
#include "db.h"
#include "db-impl.h"

void
summary_esc(FILE *f, const char *s)
{
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&#39;", f);
		else if (c < 0x20 && c != '\n' && c != '\t')
			fputc('?', f);
		else
			fputc(c, f);
	}
}

const char *
summary_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

void
summary_fmt_time(double t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The campaign's id (name NULL: the newest), or -1. */
long long
summary_campaign(struct db *db, const char *name, char **name_out)
{
	sqlite3_stmt *st;
	long long id = -1;

	sqlite3_prepare_v2(db->h, name ? "SELECT id, name FROM campaigns WHERE "
	    "name = ?" : "SELECT id, name FROM campaigns ORDER BY id DESC "
	    "LIMIT 1", -1, &st, NULL);
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*name_out = xstrdup(summary_col(st, 1));
	}
	sqlite3_finalize(st);
	return id;
}

/*
 * Count of the campaign's runs, of those with a crash, and of the
 * buckets it opened.
 */
void
summary_counts(struct db *db, long long cid, long long *runs,
    long long *crashes, long long *new_buckets)
{
	sqlite3_stmt *st;

	sqlite3_prepare_v2(db->h, "SELECT COUNT(*), SUM(outcome IN ('crashed', "
	    "'hung')) FROM runs WHERE campaign_id = ?", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	*runs = *crashes = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*runs = sqlite3_column_int64(st, 0);
		*crashes = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db->h, "SELECT COUNT(*) FROM buckets WHERE "
	    "campaign_id = ?", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	*new_buckets = sqlite3_step(st) == SQLITE_ROW ?
	    sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
}

/*
 * The campaign's findings by bucket (bucket, title, runs, reports, first
 * seen, kernels, the first run's dir, new, the first one's text, the
 * first run's id), new ones first, then most reported.  "new": no run of
 * an earlier campaign in the database had it (a persistent nightly
 * database keeps "new" meaning never seen before tonight).
 */
const char summary_findings_sql[] =
	"SELECT f.bucket, MIN(f.title), COUNT(DISTINCT f.run_id), "
	"SUM(f.count), MIN(f.first_seen), GROUP_CONCAT(DISTINCT r.kernel), "
	"(SELECT r4.dir FROM findings f4 JOIN runs r4 ON r4.run_id = f4.run_id "
	"WHERE f4.bucket = f.bucket AND r4.campaign_id = ?1 ORDER BY "
	"f4.first_seen LIMIT 1), NOT EXISTS (SELECT 1 FROM findings f2 JOIN "
	"runs r2 ON r2.run_id = f2.run_id WHERE f2.bucket = f.bucket AND "
	"r2.campaign_id < ?1) AS new, (SELECT f3.text FROM findings f3 JOIN "
	"runs r3 ON r3.run_id = f3.run_id WHERE f3.bucket = f.bucket AND "
	"r3.campaign_id = ?1 ORDER BY f3.first_seen LIMIT 1), (SELECT "
	"f5.run_id FROM findings f5 JOIN runs r5 ON r5.run_id = f5.run_id "
	"WHERE f5.bucket = f.bucket AND r5.campaign_id = ?1 ORDER BY "
	"f5.first_seen LIMIT 1) "
	"FROM findings f JOIN runs r ON r.run_id = f.run_id "
	"WHERE r.campaign_id = ?1 GROUP BY f.bucket "
	"ORDER BY new DESC, SUM(f.count) DESC, MIN(f.title)";

/*
 * The campaign's libvirt hosts over all its sessions (a resumed campaign
 * included): [{"host" (URI), "runs", "crashes" (crashed or hung),
 * "errors"}] by URI; empty for a campaign of local runs.
 */
json_t *
summary_hosts(struct db *db, long long cid)
{
	json_t *a = json_array();
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, "SELECT host, COUNT(*), SUM(outcome IN "
	    "('crashed', 'hung')), SUM(outcome = 'error') FROM runs WHERE "
	    "campaign_id = ? AND host IS NOT NULL GROUP BY host ORDER BY host",
	    -1, &st, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:I}", "host",
		    summary_col(st, 0), "runs", (json_int_t)
		    sqlite3_column_int64(st, 1), "crashes", (json_int_t)
		    sqlite3_column_int64(st, 2), "errors", (json_int_t)
		    sqlite3_column_int64(st, 3)));
	sqlite3_finalize(st);
	return a;
}

/*
 * The campaign's distinct KCSAN racing pairs: finding buckets titled
 * "KCSAN: data-race in f / g", each bucket a pair.
 */
long long
summary_pairs(struct db *db, long long cid)
{
	sqlite3_stmt *st;
	long long n = 0;

	if (sqlite3_prepare_v2(db->h, "SELECT COUNT(DISTINCT f.bucket) FROM "
	    "findings f JOIN runs r ON r.run_id = f.run_id WHERE "
	    "r.campaign_id = ? AND f.title LIKE 'KCSAN: data-race%'", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, cid);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * The campaign's findings as JSON: [{"bucket", "title", "runs",
 * "reports", "first_seen", "kernels", "new"}], new ones first, then
 * most reported.
 */
static json_t *
summary_findings(struct db *db, long long cid)
{
	json_t *a = json_array();
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, summary_findings_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return a;
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:I,s:f,s:s,"
		    "s:b}", "bucket", summary_col(st, 0), "title", summary_col(st, 1),
		    "runs", (json_int_t)sqlite3_column_int64(st, 2),
		    "reports", (json_int_t)sqlite3_column_int64(st, 3),
		    "first_seen", sqlite3_column_double(st, 4),
		    "kernels", summary_col(st, 5),
		    "new", sqlite3_column_int(st, 7)));
	sqlite3_finalize(st);
	return a;
}

/*
 * Every campaign of the database, newest first (at most 366): name,
 * started_at, mode, runs, crashes, new_buckets, pairs.  For a nightly
 * database that persists, one entry per night.
 */
static json_t *
summary_history(struct db *db)
{
	json_t *a = json_array();
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, "SELECT id, name, started_at, mode FROM "
	    "campaigns ORDER BY id DESC LIMIT 366", -1, &st, NULL) !=
	    SQLITE_OK)
		return a;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0), runs, bad, nb;

		summary_counts(db, id, &runs, &bad, &nb);
		json_array_append_new(a, json_pack("{s:s,s:f,s:s,s:I,s:I,s:I,"
		    "s:I}", "campaign", summary_col(st, 1), "started_at",
		    sqlite3_column_double(st, 2), "mode", summary_col(st, 3),
		    "runs", (json_int_t)runs, "crashes", (json_int_t)bad,
		    "new_buckets", (json_int_t)nb, "pairs",
		    (json_int_t)summary_pairs(db, id)));
	}
	sqlite3_finalize(st);
	return a;
}

json_t *
summary_json(struct db *db, long long cid, const char *name)
{
	long long runs, crashes, nb;
	json_t *j, *buckets = json_array(), *outcomes = json_object();
	sqlite3_stmt *st;

	summary_counts(db, cid, &runs, &crashes, &nb);
	sqlite3_prepare_v2(db->h, "SELECT outcome, COUNT(*) FROM runs WHERE "
	    "campaign_id = ? GROUP BY outcome", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(outcomes, summary_col(st, 0),
		    json_integer(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db->h, "SELECT bucket, title, bug_class, count, "
	    "campaign_id = ? AS new FROM buckets WHERE bucket IN (SELECT "
	    "c.bucket FROM crashes c JOIN runs r ON r.run_id = c.run_id WHERE "
	    "r.campaign_id = ?) ORDER BY new DESC, count DESC, title", -1, &st,
	    NULL);
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, cid);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(buckets, json_pack("{s:s,s:s,s:s,s:I,s:b}",
		    "bucket", summary_col(st, 0), "title", summary_col(st, 1),
		    "bug_class", summary_col(st, 2),
		    "count", (json_int_t)sqlite3_column_int64(st, 3),
		    "new", sqlite3_column_int(st, 4)));
	sqlite3_finalize(st);
	j = json_pack("{s:s,s:I,s:I,s:I,s:o,s:o}", "campaign", name,
	    "runs", (json_int_t)runs, "crashes", (json_int_t)crashes,
	    "new_buckets", (json_int_t)nb, "outcomes", outcomes,
	    "buckets", buckets);
	json_object_set_new(j, "findings", summary_findings(db, cid));
	json_object_set_new(j, "pairs", json_integer(summary_pairs(db, cid)));
	json_object_set_new(j, "hosts", summary_hosts(db, cid));
	json_object_set_new(j, "history", summary_history(db));
	return j;
}

/* JUnit: a test case per scenario and kernel, failing if it crashed. */
int
summary_junit(struct db *db, long long cid, const char *name, FILE *f)
{
	sqlite3_stmt *st;
	long long tests = 0, failures = 0;

	sqlite3_prepare_v2(db->h, "SELECT COUNT(*), SUM(bad > 0) FROM (SELECT "
	    "SUM(outcome IN ('crashed', 'hung')) AS bad FROM runs WHERE "
	    "campaign_id = ? GROUP BY scenario, kernel)", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		tests = sqlite3_column_int64(st, 0);
		failures = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
	    "<testsuite name=\"racerig.");
	summary_esc(f, name);
	fprintf(f, "\" tests=\"%lld\" failures=\"%lld\">\n", tests, failures);
	sqlite3_prepare_v2(db->h, "SELECT scenario, kernel, COUNT(*), "
	    "SUM(outcome IN ('crashed', 'hung')), SUM(total_s), (SELECT "
	    "GROUP_CONCAT(DISTINCT c.title) FROM crashes c JOIN runs r2 ON "
	    "r2.run_id = c.run_id WHERE r2.campaign_id = runs.campaign_id AND "
	    "r2.scenario = runs.scenario AND r2.kernel = runs.kernel) FROM runs "
	    "WHERE campaign_id = ? GROUP BY scenario, kernel", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fprintf(f, "  <testcase classname=\"");
		summary_esc(f, summary_col(st, 0));
		fprintf(f, "\" name=\"");
		summary_esc(f, summary_col(st, 1));
		fprintf(f, "\" time=\"%.1f\">", sqlite3_column_double(st, 4));
		if (sqlite3_column_int64(st, 3) > 0) {
			fprintf(f, "<failure message=\"%lld of %lld runs "
			    "crashed\">", (long long)sqlite3_column_int64(st, 3),
			    (long long)sqlite3_column_int64(st, 2));
			summary_esc(f, summary_col(st, 5));
			fprintf(f, "</failure>");
		}
		fprintf(f, "</testcase>\n");
	}
	sqlite3_finalize(st);
	fprintf(f, "</testsuite>\n</testsuites>\n");
	return ferror(f) ? -1 : 0;
}

/* New buckets the campaign found (the nightly CI's verdict). */
long long
summary_new_buckets(struct db *db, long long cid)
{
	long long runs, crashes, nb;

	summary_counts(db, cid, &runs, &crashes, &nb);
	return nb;
}
