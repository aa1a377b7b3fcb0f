/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Campaign results for people and machines, read from the database: a
 * self-contained HTML page (inline CSS and SVG, no external assets), a
 * JSON summary and JUnit XML (a test case per scenario and kernel).
 *
 * Titles and reasons came from guests: everything is escaped for HTML
 * and XML where it is written.
 */
#include <math.h>
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

static void
esc(FILE *f, const char *s)
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

static const char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

static void
fmt_time(double t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/*
 * The other CPUs at the crash of the run in dir, from its report.json:
 * each CPU's innermost frames, so the racing partner shows beside the
 * bucket's title.  Nothing when the run directory or its report is gone
 * (a pruned campaign): the page is still written.
 */
#define SUMMARY_CPU_FRAMES 4
static void
html_other_cpus(FILE *f, const char *dir)
{
	struct buf b = BUF_INIT;
	struct report_cpus oc;
	json_t *j = NULL;
	char *path;

	if (*dir == '\0')
		return;
	path = xasprintf("%s/report.json", dir);
	if (access(path, R_OK) == 0 && read_file(path, &b, 16u << 20) == 0)
		j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
	report_cpus_from_json(j, &oc);
	for (size_t i = 0; i < oc.n; i++) {
		const struct report_cpu *c = &oc.cpu[i];

		fprintf(f, "%s<span class=\"cpu\">cpu %d</span>", i > 0 ?
		    "<br>" : "", c->cpu);
		for (size_t k = 0; k < c->nframes && k < SUMMARY_CPU_FRAMES;
		    k++) {
			fputs(k > 0 ? " &lt; " : " ", f);
			esc(f, c->frames[k]);
		}
		if (c->nframes > SUMMARY_CPU_FRAMES)
			fputs(" &lt; ...", f);
		if (c->nframes == 0 && !c->user)
			fputs(" (no frames)", f);
		if (c->user)
			fputs(" (in user space", f);
		if (c->pid >= 0) {
			fputs(c->user ? ": " : " (", f);
			esc(f, c->comm);
			fprintf(f, ", pid %d", c->pid);
		}
		if (c->user || c->pid >= 0)
			fputs(")", f);
	}
	report_cpus_release(&oc);
	json_decref(j);
	buf_release(&b);
	free(path);
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
		*name_out = xstrdup(col_text(st, 1));
	}
	sqlite3_finalize(st);
	return id;
}

/* Count of the campaign's runs, and of those with a crash. */
static void
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

/* Inline SVG: crashes and runs per time bin of the campaign. */
static void
svg_rate(FILE *f, struct db *db, long long cid)
{
	enum { BINS = 20, W = 640, H = 180, PAD = 36 };
	double t0 = 0, t1 = 0, runs[BINS] = { 0 }, crashes[BINS] = { 0 };
	double max = 1;
	sqlite3_stmt *st;

	sqlite3_prepare_v2(db->h, "SELECT MIN(started_at), MAX(started_at + "
	    "total_s) FROM runs WHERE campaign_id = ?", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		t0 = sqlite3_column_double(st, 0);
		t1 = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	if (t1 <= t0)
		t1 = t0 + 1;
	sqlite3_prepare_v2(db->h, "SELECT started_at + total_s, outcome IN "
	    "('crashed', 'hung') FROM runs WHERE campaign_id = ?", -1, &st,
	    NULL);
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int b = (int)((sqlite3_column_double(st, 0) - t0) / (t1 - t0) *
		    BINS);

		if (b >= BINS)
			b = BINS - 1;
		if (b < 0)
			b = 0;
		runs[b]++;
		crashes[b] += sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	for (int i = 0; i < BINS; i++)
		max = runs[i] > max ? runs[i] : max;
	fprintf(f, "<svg class=\"plot\" id=\"crash-rate\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\""
	    "crashes over time\">\n", W, H, W, H);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#888\"/>\n", PAD, H - PAD, W - 8, H - PAD);
	for (int i = 0; i < BINS; i++) {
		double bw = (double)(W - PAD - 8) / BINS;
		double x = PAD + i * bw;
		double hr = runs[i] / max * (H - 2 * PAD);
		double hc = crashes[i] / max * (H - 2 * PAD);

		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#cfe0f5\"><title>%.0f runs</title>"
		    "</rect>\n", x + 1, H - PAD - hr, bw - 2, hr, runs[i]);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#d9534f\"><title>%.0f crashes"
		    "</title></rect>\n", x + 1, H - PAD - hc, bw - 2, hc,
		    crashes[i]);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0</text>"
	    "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">"
	    "%.0f s</text>\n", PAD, H - PAD + 14, W - 8, H - PAD + 14, t1 - t0);
	fprintf(f, "<text x=\"4\" y=\"%d\" font-size=\"11\">%.0f</text>\n",
	    PAD, max);
	fprintf(f, "</svg>\n");
}

/* Inline SVG per scenario and numeric parameter: hits/s against value. */
static void
svg_params(FILE *f, struct db *db, long long cid)
{
	enum { W = 300, H = 160, PAD = 30 };
	sqlite3_stmt *st;
	json_t *series = json_object();	/* "scenario/param" -> [[x,y],...] */
	const char *key;
	json_t *pts;

	sqlite3_prepare_v2(db->h, "SELECT scenario, params, hits_per_s FROM "
	    "runs WHERE campaign_id = ?", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *p = json_loads(col_text(st, 1), 0, NULL);
		const char *k;
		json_t *v;

		json_object_foreach(p, k, v) {
			char *end, *name;
			double x = strtod(json_string_value(v) ?: "", &end);

			if (json_string_value(v) == NULL || *end != '\0')
				continue;	/* numeric parameters only */
			name = xasprintf("%s / %s", col_text(st, 0), k);
			if (json_object_get(series, name) == NULL)
				json_object_set_new(series, name, json_array());
			json_array_append_new(json_object_get(series, name),
			    json_pack("[f,f]", x, sqlite3_column_double(st,
			    2)));
			free(name);
		}
		json_decref(p);
	}
	sqlite3_finalize(st);
	json_object_foreach(series, key, pts) {
		double xmin = INFINITY, xmax = -INFINITY, ymax = 0;
		size_t i;
		json_t *pt;

		json_array_foreach(pts, i, pt) {
			double x = json_real_value(json_array_get(pt, 0));
			double y = json_real_value(json_array_get(pt, 1));

			xmin = fmin(xmin, x);
			xmax = fmax(xmax, x);
			ymax = fmax(ymax, y);
		}
		if (xmax <= xmin)
			xmax = xmin + 1;
		if (ymax <= 0)
			ymax = 1;
		fprintf(f, "<figure class=\"param\"><svg class=\"plot\" "
		    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", W, H,
		    W, H);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"#888\"/><line x1=\"%d\" y1=\"8\" x2=\"%d\" "
		    "y2=\"%d\" stroke=\"#888\"/>\n", PAD, H - PAD, W - 8,
		    H - PAD, PAD, PAD, H - PAD);
		json_array_foreach(pts, i, pt) {
			double x = json_real_value(json_array_get(pt, 0));
			double y = json_real_value(json_array_get(pt, 1));

			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
			    "fill=\"#337ab7\"/>\n", PAD + (x - xmin) /
			    (xmax - xmin) * (W - PAD - 8), H - PAD - y / ymax *
			    (H - PAD - 8));
		}
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%.0f"
		    "</text><text x=\"%d\" y=\"%d\" font-size=\"10\" "
		    "text-anchor=\"end\">%.0f</text><text x=\"2\" y=\"14\" "
		    "font-size=\"10\">%.1f</text>\n", PAD, H - PAD + 12, xmin,
		    W - 8, H - PAD + 12, xmax, ymax);
		fprintf(f, "</svg><figcaption>");
		esc(f, key);
		fprintf(f, ": race hits/s by value</figcaption></figure>\n");
	}
	if (json_object_size(series) == 0)
		fprintf(f, "<p>No numeric parameters were drawn.</p>\n");
	json_decref(series);
}

/* A table row's last cell, a link to run dir's console log, and its end. */
static void
html_console_link(FILE *f, const char *dir)
{
	fprintf(f, "<td><a href=\"file://");
	esc(f, dir);
	fprintf(f, "/console.log\">console.log</a></td></tr>\n");
}

/*
 * The campaign's findings by bucket (bucket, title, runs, reports, first
 * seen, kernels, an example run's dir, new, the first one's text), most
 * reported first.  "new": no run of another
 * campaign in the database had it.
 */
static const char summary_findings_sql[] =
	"SELECT f.bucket, MIN(f.title), COUNT(DISTINCT f.run_id), "
	"SUM(f.count), MIN(f.first_seen), GROUP_CONCAT(DISTINCT r.kernel), "
	"MIN(r.dir), NOT EXISTS (SELECT 1 FROM findings f2 JOIN runs r2 ON "
	"r2.run_id = f2.run_id WHERE f2.bucket = f.bucket AND "
	"r2.campaign_id != ?1), (SELECT f3.text FROM findings f3 JOIN runs r3 "
	"ON r3.run_id = f3.run_id WHERE f3.bucket = f.bucket AND "
	"r3.campaign_id = ?1 ORDER BY f3.first_seen LIMIT 1) "
	"FROM findings f JOIN runs r ON r.run_id = f.run_id "
	"WHERE r.campaign_id = ?1 GROUP BY f.bucket "
	"ORDER BY SUM(f.count) DESC, MIN(f.title)";

static void
html_findings(FILE *f, struct db *db, long long cid)
{
	sqlite3_stmt *st;
	char t[32];
	int n = 0;

	fprintf(f, "<h2>Findings</h2>\n<p>Reports the kernel printed and "
	    "went on from (KCSAN data races, WARNINGs, lockdep, KASAN, "
	    "stalls): listed beside each run's outcome, one row per "
	    "bucket.</p>\n<table id=\"findings\"><tr><th>title</th><th>runs"
	    "</th><th>reports</th><th>first seen</th><th>kernels</th><th>"
	    "report</th><th>example</th></tr>\n");
	if (sqlite3_prepare_v2(db->h, summary_findings_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		fprintf(f, "</table>\n");
		return;
	}
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		fprintf(f, "<tr%s><td>", sqlite3_column_int(st, 7) ?
		    " class=\"new\"" : "");
		esc(f, col_text(st, 1));
		fmt_time(sqlite3_column_double(st, 4), t, sizeof(t));
		fprintf(f, "</td><td>%lld</td><td>%lld</td><td>%s</td><td>",
		    (long long)sqlite3_column_int64(st, 2),
		    (long long)sqlite3_column_int64(st, 3), t);
		esc(f, col_text(st, 5));
		fprintf(f, "</td><td><details><summary>text</summary><pre>");
		esc(f, col_text(st, 8));
		fprintf(f, "</pre></details></td>");
		html_console_link(f, col_text(st, 6));
	}
	sqlite3_finalize(st);
	fprintf(f, "</table>\n");
	if (n == 0)
		fprintf(f, "<p>No findings.</p>\n");
}

int
summary_html(struct db *db, long long cid, const char *name, FILE *f)
{
	long long runs, crashes, nb;
	sqlite3_stmt *st;
	char t[32];

	summary_counts(db, cid, &runs, &crashes, &nb);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset="
	    "\"utf-8\"><title>racerig: ");
	esc(f, name);
	fprintf(f, "</title>\n<style>\nbody{font-family:sans-serif;margin:2em;"
	    "color:#222}h1{font-size:1.4em}table{border-collapse:collapse;"
	    "margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
	    "text-align:left;font-size:.9em}th{background:#f3f3f3}.new{"
	    "background:#fff3cd}.stat{display:inline-block;margin-right:2em;"
	    "font-size:1.2em}figure.param{display:inline-block;margin:0 1em 1em"
	    " 0}figcaption{font-size:.8em;color:#555}td.cpus{font-family:"
	    "monospace;font-size:.8em}\n</style></head><body>\n");
	fprintf(f, "<h1>racerig campaign ");
	esc(f, name);
	fprintf(f, "</h1>\n<p><span class=\"stat\">%lld runs</span><span "
	    "class=\"stat\">%lld crashes</span><span class=\"stat\">%lld new "
	    "buckets</span></p>\n", runs, crashes, nb);
	fprintf(f, "<h2>Buckets</h2>\n<table id=\"buckets\"><tr><th>title</th>"
	    "<th>bug class</th><th>count</th><th>first seen</th><th>last seen"
	    "</th><th>kernels</th><th>other CPUs at the crash</th><th>example"
	    "</th></tr>\n");
	sqlite3_prepare_v2(db->h, "SELECT b.bucket, b.title, b.bug_class, "
	    "b.count, b.first_seen, b.last_seen, b.campaign_id, r.dir, "
	    "(SELECT GROUP_CONCAT(DISTINCT r2.kernel) FROM runs r2 JOIN crashes "
	    "c2 ON c2.run_id = r2.run_id WHERE c2.bucket = b.bucket) FROM "
	    "buckets b LEFT JOIN runs r ON r.run_id = b.first_run WHERE "
	    "b.bucket IN (SELECT c.bucket FROM crashes c JOIN runs r3 ON "
	    "r3.run_id = c.run_id WHERE r3.campaign_id = ?) ORDER BY b.count "
	    "DESC", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fprintf(f, "<tr%s><td>", sqlite3_column_int64(st, 6) == cid ?
		    " class=\"new\"" : "");
		esc(f, col_text(st, 1));
		fprintf(f, "</td><td>");
		esc(f, col_text(st, 2));
		fmt_time(sqlite3_column_double(st, 4), t, sizeof(t));
		fprintf(f, "</td><td>%lld</td><td>%s</td>",
		    (long long)sqlite3_column_int64(st, 3), t);
		fmt_time(sqlite3_column_double(st, 5), t, sizeof(t));
		fprintf(f, "<td>%s</td><td>", t);
		esc(f, col_text(st, 8));
		fprintf(f, "</td><td class=\"cpus\">");
		html_other_cpus(f, col_text(st, 7));
		fprintf(f, "</td>");
		html_console_link(f, col_text(st, 7));
	}
	sqlite3_finalize(st);
	fprintf(f, "</table>\n");
	html_findings(f, db, cid);
	fprintf(f, "<h2>Crash rate over time</h2>\n");
	svg_rate(f, db, cid);
	fprintf(f, "<h2>Race hits by parameter</h2>\n");
	svg_params(f, db, cid);
	fprintf(f, "</body></html>\n");
	return ferror(f) ? -1 : 0;
}

/*
 * The campaign's findings as JSON: [{"bucket", "title", "runs",
 * "reports", "first_seen", "kernels", "new"}], most reported first.
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
		    "s:b}", "bucket", col_text(st, 0), "title", col_text(st, 1),
		    "runs", (json_int_t)sqlite3_column_int64(st, 2),
		    "reports", (json_int_t)sqlite3_column_int64(st, 3),
		    "first_seen", sqlite3_column_double(st, 4),
		    "kernels", col_text(st, 5),
		    "new", sqlite3_column_int(st, 7)));
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
		json_object_set_new(outcomes, col_text(st, 0),
		    json_integer(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db->h, "SELECT bucket, title, bug_class, count, "
	    "campaign_id = ? FROM buckets WHERE bucket IN (SELECT c.bucket FROM "
	    "crashes c JOIN runs r ON r.run_id = c.run_id WHERE r.campaign_id "
	    "= ?)", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, cid);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(buckets, json_pack("{s:s,s:s,s:s,s:I,s:b}",
		    "bucket", col_text(st, 0), "title", col_text(st, 1),
		    "bug_class", col_text(st, 2),
		    "count", (json_int_t)sqlite3_column_int64(st, 3),
		    "new", sqlite3_column_int(st, 4)));
	sqlite3_finalize(st);
	j = json_pack("{s:s,s:I,s:I,s:I,s:o,s:o}", "campaign", name,
	    "runs", (json_int_t)runs, "crashes", (json_int_t)crashes,
	    "new_buckets", (json_int_t)nb, "outcomes", outcomes,
	    "buckets", buckets);
	json_object_set_new(j, "findings", summary_findings(db, cid));
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
	esc(f, name);
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
		esc(f, col_text(st, 0));
		fprintf(f, "\" name=\"");
		esc(f, col_text(st, 1));
		fprintf(f, "\" time=\"%.1f\">", sqlite3_column_double(st, 4));
		if (sqlite3_column_int64(st, 3) > 0) {
			fprintf(f, "<failure message=\"%lld of %lld runs "
			    "crashed\">", (long long)sqlite3_column_int64(st, 3),
			    (long long)sqlite3_column_int64(st, 2));
			esc(f, col_text(st, 5));
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
