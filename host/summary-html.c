/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A campaign's HTML report (racerig report --html): one self-contained
 * page, inline CSS and SVG, no script and no outside asset, so that it
 * opens from a CI artifact or a mail as well as from disk.
 *
 * What it owes its reader:
 *  - what needs a look comes first: new buckets and findings head their
 *    tables;
 *  - every bucket and finding links to its example run's console log and
 *    report.json, and shows the command that reruns that run;
 *  - a section with nothing in it says so, and why;
 *  - a plot is drawn only for what varied (a parameter drawn with one
 *    value is no plot), with named axes and units;
 *  - the runs table can be read by outcome, kernel, scenario or time
 *    (CSS :target views of the same rows, as there is no script);
 *  - the history of the database's campaigns (a nightly database: one
 *    line per night).
 *
 * Titles, reasons and frames came from guests: everything is escaped
 * where it is written (summary_esc()).  Links are relative to the page
 * when both it and the run directory have absolute paths, so a report
 * written beside its runs can be moved with them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util.h"
#include "report.h"
#include "db.h"
#include "db-impl.h"

struct page {
	struct db	*db;
	long long	 cid;
	const char	*name;
	char		*dir;		/* the page's directory, absolute */
	FILE		*f;
	char		*db_path;	/* for rerun commands, absolute */
};

/* Runs listed in the runs table (newest first past this). */
#define PAGE_RUNS	500
/* Campaigns drawn in the pairs plot, and listed in the history. */
#define PAGE_PAIR_LINES	8
#define PAGE_HISTORY	60

/*
 * Write the href of file in run directory dir: relative to the page's
 * directory when both are absolute (the run directory resolved if it
 * still exists), else a file:// URL.
 */
static void
page_href(const struct page *p, const char *dir, const char *file)
{
	char *real = realpath(dir, NULL);
	const char *x = p->dir, *y = real ? real : dir;
	struct buf rel = BUF_INIT;

	if (p->dir == NULL || y[0] != '/') {
		fputs(y[0] == '/' ? "file://" : "", p->f);
		summary_esc(p->f, y);
		fputc('/', p->f);
		summary_esc(p->f, file);
		free(real);
		return;
	}
	/* past the components both paths share */
	for (;;) {
		size_t lx, ly;

		x += strspn(x, "/");
		y += strspn(y, "/");
		lx = strcspn(x, "/");
		ly = strcspn(y, "/");
		if (lx == 0 || lx != ly || strncmp(x, y, lx) != 0)
			break;
		x += lx;
		y += ly;
	}
	/* up from the page's own, then down into the run's */
	while (*(x += strspn(x, "/")) != '\0') {
		buf_addstr(&rel, "../");
		x += strcspn(x, "/");
	}
	if (*y != '\0')
		buf_addf(&rel, "%s/", y);
	summary_esc(p->f, rel.data ? rel.data : "");
	summary_esc(p->f, file);
	buf_release(&rel);
	free(real);
}

static int
page_has(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	int ok = access(path, R_OK) == 0;

	free(path);
	return ok;
}

/*
 * The example run's links: its console log and report.json (those it
 * still has: a pruned run has neither), and the command that reruns it.
 */
static void
page_run_links(const struct page *p, const char *dir, const char *run_id)
{
	int any = 0;

	if (*dir != '\0' && page_has(dir, "console.log")) {
		fputs("<a href=\"", p->f);
		page_href(p, dir, "console.log");
		fputs("\">console.log</a>", p->f);
		any = 1;
	}
	if (*dir != '\0' && page_has(dir, "report.json")) {
		fputs(any ? " · <a href=\"" : "<a href=\"", p->f);
		page_href(p, dir, "report.json");
		fputs("\">report.json</a>", p->f);
		any = 1;
	}
	if (!any)
		fputs("<span class=\"quiet\">run directory pruned</span>", p->f);
	if (*run_id != '\0') {
		fputs("<br><code class=\"rerun\">racerig run --replay ", p->f);
		summary_esc(p->f, run_id);
		fputs(" --db ", p->f);
		summary_esc(p->f, p->db_path ? p->db_path : p->db->path);
		fputs("</code>", p->f);
	}
}

/*
 * The other CPUs at the crash of the run in dir, from its report.json:
 * each CPU's innermost frames, so the racing partner shows beside the
 * bucket's title.  Nothing when the run directory or its report is gone.
 */
#define PAGE_CPU_FRAMES 4
static void
page_other_cpus(const struct page *p, const char *dir)
{
	struct buf b = BUF_INIT;
	struct report_cpus oc;
	json_t *j = NULL;
	char *path, note[64];

	if (*dir == '\0')
		return;
	path = xasprintf("%s/report.json", dir);
	if (access(path, R_OK) == 0 && read_file(path, &b, 16u << 20) == 0)
		j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
	report_cpus_from_json(j, &oc);
	for (size_t i = 0; i < oc.n; i++) {
		const struct report_cpu *c = &oc.cpu[i];

		fprintf(p->f, "%s<span class=\"cpu\">cpu %d</span>", i > 0 ?
		    "<br>" : "", c->cpu);
		for (size_t k = 0; k < c->nframes && k < PAGE_CPU_FRAMES;
		    k++) {
			fputs(k > 0 ? " &lt; " : " ", p->f);
			summary_esc(p->f, c->frames[k]);
		}
		if (c->nframes > PAGE_CPU_FRAMES)
			fputs(" &lt; ...", p->f);
		report_cpu_note(c, note, sizeof(note));
		summary_esc(p->f, note);
	}
	if (oc.n == 0)
		fputs("<span class=\"quiet\">not shown</span>", p->f);
	report_cpus_release(&oc);
	json_decref(j);
	buf_release(&b);
	free(path);
}

static sqlite3_stmt *
page_query(const struct page *p, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(p->db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		error("report: %s", sqlite3_errmsg(p->db->h));
		return NULL;
	}
	sqlite3_bind_int64(st, 1, p->cid);
	return st;
}

/*
 * Start row number i of a bucket table (the table itself, head for its
 * first row): a new bucket is marked, then its title's cell is opened
 * and filled.
 */
static void
page_row(const struct page *p, int i, const char *head, int is_new,
    const char *title)
{
	if (i == 0)
		fputs(head, p->f);
	fprintf(p->f, "<tr%s><td>%s", is_new ? " class=\"new\"" : "",
	    is_new ? "<span class=\"badge\">new</span> " : "");
	summary_esc(p->f, title);
}

/* Crashes by bucket, new ones first, with the first run's links. */
static void
page_buckets(const struct page *p)
{
	sqlite3_stmt *st = page_query(p, "SELECT b.title, b.bug_class, "
	    "COUNT(*), MIN(r.started_at), GROUP_CONCAT(DISTINCT r.kernel), "
	    "b.campaign_id = ?1 AS new, (SELECT r2.dir FROM runs r2 JOIN "
	    "crashes c2 ON c2.run_id = r2.run_id WHERE c2.bucket = b.bucket "
	    "AND r2.campaign_id = ?1 ORDER BY r2.started_at LIMIT 1), (SELECT "
	    "r3.run_id FROM runs r3 JOIN crashes c3 ON c3.run_id = r3.run_id "
	    "WHERE c3.bucket = b.bucket AND r3.campaign_id = ?1 ORDER BY "
	    "r3.started_at LIMIT 1) FROM crashes c JOIN runs r ON r.run_id = "
	    "c.run_id JOIN buckets b ON b.bucket = c.bucket WHERE "
	    "r.campaign_id = ?1 GROUP BY b.bucket ORDER BY new DESC, COUNT(*) "
	    "DESC, b.title");
	char t[32];
	int n = 0;

	fputs("<h2 id=\"crashes\">Crashes by bucket</h2>\n", p->f);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		page_row(p, n++, "<table id=\"buckets\"><tr><th>title</th>"
		    "<th>bug class</th><th>runs</th><th>first</th><th>kernels"
		    "</th><th>other CPUs at the crash</th><th>first run</th>"
		    "</tr>\n", sqlite3_column_int(st, 5), summary_col(st, 0));
		fputs("</td><td>", p->f);
		summary_esc(p->f, summary_col(st, 1));
		summary_fmt_time(sqlite3_column_double(st, 3), t, sizeof(t));
		fprintf(p->f, "</td><td>%lld</td><td>%s</td><td>",
		    (long long)sqlite3_column_int64(st, 2), t);
		summary_esc(p->f, summary_col(st, 4));
		fputs("</td><td class=\"cpus\">", p->f);
		page_other_cpus(p, summary_col(st, 6));
		fputs("</td><td>", p->f);
		page_run_links(p, summary_col(st, 6), summary_col(st, 7));
		fputs("</td></tr>\n", p->f);
	}
	sqlite3_finalize(st);
	fputs(n > 0 ? "</table>\n" : "<p class=\"empty\">No crashes: no run "
	    "of this campaign crashed or hung.</p>\n", p->f);
}

/* Findings by bucket (summary_findings_sql), new ones first. */
static void
page_findings(const struct page *p)
{
	sqlite3_stmt *st = page_query(p, summary_findings_sql);
	char t[32];
	int n = 0;

	fputs("<h2 id=\"findings\">Findings</h2>\n<p>Reports the kernel "
	    "printed and went on from: KCSAN data races, WARNINGs, lockdep, "
	    "KASAN, stalls.  One row per bucket.</p>\n", p->f);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		page_row(p, n++, "<table id=\"findings-table\"><tr><th>"
		    "title</th><th>runs</th><th>reports</th><th>first seen"
		    "</th><th>kernels</th><th>report</th><th>first run</th>"
		    "</tr>\n", sqlite3_column_int(st, 7), summary_col(st, 1));
		summary_fmt_time(sqlite3_column_double(st, 4), t, sizeof(t));
		fprintf(p->f, "</td><td>%lld</td><td>%lld</td><td>%s</td><td>",
		    (long long)sqlite3_column_int64(st, 2),
		    (long long)sqlite3_column_int64(st, 3), t);
		summary_esc(p->f, summary_col(st, 5));
		fputs("</td><td><details><summary>text</summary><pre>", p->f);
		summary_esc(p->f, summary_col(st, 8));
		fputs("</pre></details></td><td>", p->f);
		page_run_links(p, summary_col(st, 6), summary_col(st, 9));
		fputs("</td></tr>\n", p->f);
	}
	sqlite3_finalize(st);
	fputs(n > 0 ? "</table>\n" : "<p class=\"empty\">No findings: the "
	    "kernel printed no warning, sanitizer or stall report in any "
	    "run.</p>\n", p->f);
}

/* The frame of a plot: axes, their names, and the ranges at the ends. */
static void
svg_axes(FILE *f, int w, int h, int pad, const char *xname, double x0,
    double x1, const char *yname, double y1)
{
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#888\"/><line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#888\"/>\n", pad, h - pad, w - 10, h - pad, pad, pad,
	    h - pad);
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%g</text>"
	    "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%g"
	    "</text>\n", pad, h - pad + 12, x0, w - 10, h - pad + 12, x1);
	fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"10\" text-anchor=\""
	    "end\">%g</text><text x=\"%d\" y=\"%d\" font-size=\"10\" "
	    "text-anchor=\"end\">0</text>\n", pad - 3, y1, pad - 3, h - pad);
	fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%d\" font-size=\"11\" "
	    "text-anchor=\"middle\">", (w + pad) / 2, h - 4);
	summary_esc(f, xname);
	fprintf(f, "</text><text class=\"axis\" x=\"12\" y=\"%d\" font-size="
	    "\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 %d)\">",
	    h / 2, h / 2);
	summary_esc(f, yname);
	fputs("</text>\n", f);
}

/*
 * Distinct KCSAN pairs over each campaign's time, one line per campaign
 * that found any (this one and the PAGE_PAIR_LINES - 1 latest others):
 * a guided and a random campaign side by side show which explored more.
 */
static void
page_pairs(const struct page *p)
{
	enum { W = 640, H = 220, PAD = 44 };
	static const char *const colour[PAGE_PAIR_LINES] = {
		"#d9534f", "#337ab7", "#5cb85c", "#f0ad4e", "#6f42c1",
		"#20c997", "#795548", "#6c757d"
	};
	sqlite3_stmt *cs, *st;
	long long ids[PAGE_PAIR_LINES];
	char *names[PAGE_PAIR_LINES];
	double *pts[PAGE_PAIR_LINES] = { NULL };
	size_t npts[PAGE_PAIR_LINES] = { 0 };
	double tmax = 1, ymax = 1;
	int n = 0;

	fputs("<h2 id=\"pairs\">Distinct race pairs over time</h2>\n", p->f);
	cs = page_query(p, "SELECT c.id, c.name, c.mode FROM campaigns c "
	    "WHERE EXISTS (SELECT 1 FROM findings f JOIN runs r ON r.run_id = "
	    "f.run_id WHERE r.campaign_id = c.id AND f.title LIKE "
	    "'KCSAN: data-race%') ORDER BY c.id = ?1 DESC, c.id DESC");
	while (cs != NULL && n < PAGE_PAIR_LINES &&
	    sqlite3_step(cs) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(cs, 0);
		names[n] = xasprintf("%s (%s)", summary_col(cs, 1),
		    summary_col(cs, 2));
		n++;
	}
	sqlite3_finalize(cs);
	if (n == 0) {
		fputs("<p class=\"empty\">No KCSAN data-race pairs: no run of "
		    "a campaign in this database used a KCSAN kernel, or KCSAN "
		    "reported none.</p>\n", p->f);
		return;
	}
	/*
	 * A pair counts at its first report in the campaign, at its time
	 * since the campaign's first run started.
	 */
	static const char sql[] = "SELECT MIN(f.first_seen) - (SELECT "
	    "MIN(started_at) FROM runs WHERE campaign_id = ?1) AS t FROM "
	    "findings f JOIN runs r ON r.run_id = f.run_id WHERE "
	    "r.campaign_id = ?1 AND f.title LIKE 'KCSAN: data-race%' GROUP BY "
	    "f.bucket ORDER BY t";
	/* each campaign's first-report times, read once, then drawn */
	for (int i = 0; i < n; i++) {
		size_t cap = 0;

		if ((st = page_query(p, sql)) == NULL)
			break;
		sqlite3_bind_int64(st, 1, ids[i]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (npts[i] == cap) {
				cap = cap ? 2 * cap : 16;
				pts[i] = xrealloc(pts[i], cap * sizeof(double));
			}
			pts[i][npts[i]] = fmax(0, sqlite3_column_double(st, 0));
			tmax = fmax(tmax, pts[i][npts[i]++]);
		}
		sqlite3_finalize(st);
		ymax = fmax(ymax, (double)npts[i]);
	}
	fprintf(p->f, "<svg class=\"plot\" id=\"pairs-plot\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\""
	    "distinct pairs over time\">\n", W, H, W, H);
	svg_axes(p->f, W, H, PAD, "campaign time (s)", 0, tmax,
	    "distinct pairs", ymax);
	for (int i = 0; i < n; i++) {
		fprintf(p->f, "<polyline fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"2\" points=\"%d,%d", colour[i], PAD,
		    H - PAD);
		for (size_t k = 0; k < npts[i]; k++) {
			double x = PAD + pts[i][k] / tmax * (W - PAD - 10);

			fprintf(p->f, " %.1f,%.1f %.1f,%.1f", x, H - PAD -
			    (double)k / ymax * (H - PAD - 10), x, H - PAD -
			    (double)(k + 1) / ymax * (H - PAD - 10));
		}
		fputs("\"/>\n", p->f);
		free(pts[i]);
	}
	fputs("</svg>\n<p class=\"legend\">", p->f);
	for (int i = 0; i < n; i++) {
		fprintf(p->f, "<span style=\"color:%s\">&#9632;</span> ",
		    colour[i]);
		summary_esc(p->f, names[i]);
		fputs(i + 1 < n ? " &nbsp; " : "", p->f);
		free(names[i]);
	}
	fputs("</p>\n", p->f);
}

/* Runs and crashes per time bin, when the campaign had a crash. */
static void
page_rate(const struct page *p, long long crashes)
{
	enum { BINS = 20, W = 640, H = 190, PAD = 44 };
	double t0 = 0, t1 = 0, runs[BINS] = { 0 }, bad[BINS] = { 0 }, max = 1;
	sqlite3_stmt *st;

	fputs("<h2 id=\"rate\">Crashes over time</h2>\n", p->f);
	if (crashes == 0) {
		fputs("<p class=\"empty\">No crashes to plot: every run ended "
		    "without a crash or hang.</p>\n", p->f);
		return;
	}
	st = page_query(p, "SELECT MIN(started_at), MAX(started_at + "
	    "total_s) FROM runs WHERE campaign_id = ?1");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		t0 = sqlite3_column_double(st, 0);
		t1 = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	if (t1 <= t0)
		t1 = t0 + 1;
	st = page_query(p, "SELECT started_at + total_s, outcome IN "
	    "('crashed', 'hung') FROM runs WHERE campaign_id = ?1");
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		int b = (int)((sqlite3_column_double(st, 0) - t0) / (t1 - t0) *
		    BINS);

		b = b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
		runs[b]++;
		bad[b] += sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	for (int i = 0; i < BINS; i++)
		max = fmax(max, runs[i]);
	fprintf(p->f, "<svg class=\"plot\" id=\"crash-rate\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\""
	    "crashes over time\">\n", W, H, W, H);
	svg_axes(p->f, W, H, PAD, "campaign time (s), by the end of each run",
	    0, round(t1 - t0), "runs (blue), crashed or hung (red)", max);
	for (int i = 0; i < BINS; i++) {
		double bw = (double)(W - PAD - 10) / BINS, x = PAD + i * bw;
		double hr = runs[i] / max * (H - PAD - 10);
		double hc = bad[i] / max * (H - PAD - 10);

		fprintf(p->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#cfe0f5\"><title>%.0f runs</title>"
		    "</rect><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height="
		    "\"%.1f\" fill=\"#d9534f\"><title>%.0f crashed or hung"
		    "</title></rect>\n", x + 1, H - PAD - hr, bw - 2, hr,
		    runs[i], x + 1, H - PAD - hc, bw - 2, hc, bad[i]);
	}
	fputs("</svg>\n", p->f);
}

/* A parameter's unit, from the suffix of its name: "jitter_us" is µs. */
static const char *
param_unit(const char *name)
{
	static const struct { const char *suffix, *unit; } u[] = {
		{ "_us", "µs" }, { "_ms", "ms" }, { "_s", "s" },
		{ "_mb", "MiB" }, { "_kb", "KiB" }, { "rate", "per s" },
		{ NULL, NULL }
	};
	size_t n = strlen(name);

	for (size_t i = 0; u[i].suffix != NULL; i++) {
		size_t k = strlen(u[i].suffix);

		if (n >= k && strcmp(name + n - k, u[i].suffix) == 0)
			return u[i].unit;
	}
	return NULL;
}

/*
 * Race hits per second against each numeric parameter that was drawn
 * with more than one value, for the scenarios whose runs counted hits:
 * a parameter held at one value, or a scenario without a hit metric,
 * has nothing to show.
 */
static void
page_params(const struct page *p)
{
	enum { W = 320, H = 190, PAD = 44 };
	sqlite3_stmt *st = page_query(p, "SELECT scenario, params, hits_per_s "
	    "FROM runs WHERE campaign_id = ?1 AND scenario IN (SELECT scenario "
	    "FROM runs WHERE campaign_id = ?1 GROUP BY scenario HAVING "
	    "MAX(hits_per_s) > 0)");
	json_t *series = json_object();	/* "scenario\tparam" -> [[x,y]] */
	const char *key;
	json_t *pts;
	int drawn = 0;

	fputs("<h2 id=\"params\">Race hits by parameter</h2>\n", p->f);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		json_t *prm = json_loads(summary_col(st, 1), 0, NULL);
		const char *k;
		json_t *v;

		json_object_foreach(prm, k, v) {
			char *end, *name;
			const char *s = json_string_value(v);
			double x = strtod(s ? s : "", &end);

			if (s == NULL || *s == '\0' || *end != '\0')
				continue;	/* numeric parameters only */
			name = xasprintf("%s\t%s", summary_col(st, 0), k);
			if (json_object_get(series, name) == NULL)
				json_object_set_new(series, name, json_array());
			json_array_append_new(json_object_get(series, name),
			    json_pack("[f,f]", x, sqlite3_column_double(st,
			    2)));
			free(name);
		}
		json_decref(prm);
	}
	sqlite3_finalize(st);
	json_object_foreach(series, key, pts) {
		double xmin = INFINITY, xmax = -INFINITY, ymax = 0;
		const char *param = strchr(key, '\t') + 1, *unit;
		char *xname;
		size_t i;
		json_t *pt;

		json_array_foreach(pts, i, pt) {
			double x = json_real_value(json_array_get(pt, 0));

			xmin = fmin(xmin, x);
			xmax = fmax(xmax, x);
			ymax = fmax(ymax, json_real_value(json_array_get(pt,
			    1)));
		}
		if (xmax <= xmin)
			continue;	/* drawn with one value: no plot */
		ymax = ymax > 0 ? ymax : 1;
		unit = param_unit(param);
		xname = unit ? xasprintf("%s (%s)", param, unit) :
		    xstrdup(param);
		fputs("<figure class=\"param\"><svg class=\"plot param-plot\" "
		    "data-param=\"", p->f);
		summary_esc(p->f, param);
		fprintf(p->f, "\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
		    "%d\">\n", W, H, W, H);
		svg_axes(p->f, W, H, PAD, xname, xmin, xmax, "race hits/s",
		    ymax);
		json_array_foreach(pts, i, pt) {
			double x = json_real_value(json_array_get(pt, 0));
			double y = json_real_value(json_array_get(pt, 1));

			fprintf(p->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
			    "fill=\"#337ab7\"/>\n", PAD + (x - xmin) /
			    (xmax - xmin) * (W - PAD - 10), H - PAD - y /
			    ymax * (H - PAD - 10));
		}
		fputs("</svg><figcaption>", p->f);
		summary_esc(p->f, key);	/* scenario, tab, parameter */
		fputs("</figcaption></figure>\n", p->f);
		free(xname);
		drawn++;
	}
	json_decref(series);
	if (drawn == 0)
		fputs("<p class=\"empty\">Nothing to plot: no scenario with a "
		    "race-hit metric had a numeric parameter drawn with more "
		    "than one value.</p>\n", p->f);
}

/*
 * Which parameters of each scenario varied over the campaign's runs:
 * {"scenario": {"param": first value, or true once another was seen}}.
 * The runs table shows those only; the rest were the same every run.
 */
static json_t *
page_varied(const struct page *p)
{
	sqlite3_stmt *st = page_query(p, "SELECT scenario, params FROM runs "
	    "WHERE campaign_id = ?1");
	json_t *all = json_object();

	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		json_t *prm = json_loads(summary_col(st, 1), 0, NULL), *v, *seen;
		json_t *sc = json_object_get(all, summary_col(st, 0));
		const char *k;

		if (sc == NULL) {
			sc = json_object();
			json_object_set_new(all, summary_col(st, 0), sc);
		}
		json_object_foreach(prm, k, v) {
			seen = json_object_get(sc, k);
			if (seen == NULL)
				json_object_set(sc, k, v);
			else if (!json_is_true(seen) && !json_equal(seen, v))
				json_object_set_new(sc, k, json_true());
		}
		json_decref(prm);
	}
	sqlite3_finalize(st);
	return all;
}

/* The run's parameters that varied (page_varied()), as "k=v k=v". */
static void
page_run_params(const struct page *p, const json_t *varied,
    const char *scenario, const char *params)
{
	json_t *prm = json_loads(params, 0, NULL), *v;
	const json_t *sc = json_object_get(varied, scenario);
	const char *k;
	int n = 0;

	json_object_foreach(prm, k, v) {
		if (!json_is_true(json_object_get(sc, k)) ||
		    !json_is_string(v))
			continue;
		fputs(n++ ? " " : "", p->f);
		summary_esc(p->f, k);
		fputc('=', p->f);
		summary_esc(p->f, json_string_value(v));
	}
	json_decref(prm);
}

/*
 * The runs, newest PAGE_RUNS, in one table per order; CSS shows the one
 * the address names (#runs-by-kernel, ...), else the last (by time).
 */
static void
page_runs(const struct page *p, long long nruns)
{
	static const struct { const char *id, *label, *order; } view[] = {
		{ "runs-by-outcome", "outcome", "outcome, kernel, scenario" },
		{ "runs-by-kernel", "kernel", "kernel, scenario, outcome" },
		{ "runs-by-scenario", "scenario", "scenario, kernel, outcome" },
		{ "runs-by-time", "time", "started_at DESC" },
	};
	const size_t nview = sizeof(view) / sizeof(view[0]);
	json_t *varied;

	fprintf(p->f, "<h2 id=\"runs\">Runs</h2>\n");
	if (nruns == 0) {
		fputs("<p class=\"empty\">No runs were recorded.</p>\n", p->f);
		return;
	}
	varied = page_varied(p);
	fputs("<p class=\"sort\">Order by:", p->f);
	for (size_t v = 0; v < nview; v++)
		fprintf(p->f, " <a href=\"#%s\">%s</a>", view[v].id,
		    view[v].label);
	if (nruns > PAGE_RUNS)
		fprintf(p->f, " (the newest %d of %lld runs)", PAGE_RUNS, nruns);
	fputs("</p>\n", p->f);
	for (size_t v = 0; v < nview; v++) {
		char *sql = xasprintf("SELECT * FROM (SELECT r.run_id, "
		    "r.scenario, r.kernel, r.outcome, r.total_s, r.params, "
		    "c.title, r.started_at, r.dir FROM runs r LEFT JOIN crashes "
		    "c ON c.run_id = r.run_id WHERE r.campaign_id = ?1 ORDER BY "
		    "r.started_at DESC LIMIT %d) ORDER BY %s", PAGE_RUNS,
		    view[v].order);
		sqlite3_stmt *st = page_query(p, sql);
		char t[32];

		fprintf(p->f, "<div class=\"runs-view%s\" id=\"%s\"><table "
		    "class=\"runs\"><tr><th>started</th><th>scenario</th><th>"
		    "kernel</th><th>outcome</th><th>s</th><th>parameters that "
		    "varied</th><th>crash</th><th>run</th></tr>\n",
		    v + 1 == nview ?
		    " default" : "", view[v].id);
		while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
			summary_fmt_time(sqlite3_column_double(st, 7), t,
			    sizeof(t));
			fprintf(p->f, "<tr class=\"o-%s\"><td>%s</td><td>",
			    strcmp(summary_col(st, 3), "ok") == 0 ? "ok" :
			    "bad", t);
			summary_esc(p->f, summary_col(st, 1));
			fputs("</td><td>", p->f);
			summary_esc(p->f, summary_col(st, 2));
			fputs("</td><td>", p->f);
			summary_esc(p->f, summary_col(st, 3));
			fprintf(p->f, "</td><td>%.0f</td><td class=\"prm\">",
			    sqlite3_column_double(st, 4));
			page_run_params(p, varied, summary_col(st, 1),
			    summary_col(st, 5));
			fputs("</td><td>", p->f);
			summary_esc(p->f, summary_col(st, 6));
			fputs("</td><td>", p->f);
			page_run_links(p, summary_col(st, 8),
			    summary_col(st, 0));
			fputs("</td></tr>\n", p->f);
		}
		sqlite3_finalize(st);
		free(sql);
		fputs("</table></div>\n", p->f);
	}
	json_decref(varied);
}

/*
 * A multi-host campaign's hosts, over all its sessions; nothing for a
 * campaign of local runs.
 */
static void
page_hosts(const struct page *p)
{
	json_t *hosts = summary_hosts(p->db, p->cid), *h;
	size_t i;

	if (json_array_size(hosts) > 0) {
		fputs("<h2 id=\"hosts\">Hosts</h2>\n<table id=\"hosts-table\">"
		    "<tr><th>libvirt host</th><th>runs</th><th>crashed or hung"
		    "</th><th>could not run a VM</th></tr>\n", p->f);
		json_array_foreach(hosts, i, h) {
			fputs("<tr><td>", p->f);
			summary_esc(p->f, json_string_value(json_object_get(h,
			    "host")));
			fprintf(p->f, "</td><td>%lld</td><td>%lld</td><td>%lld"
			    "</td></tr>\n", (long long)json_integer_value(
			    json_object_get(h, "runs")), (long long)
			    json_integer_value(json_object_get(h, "crashes")),
			    (long long)json_integer_value(json_object_get(h,
			    "errors")));
		}
		fputs("</table>\n", p->f);
	}
	json_decref(hosts);
}

/*
 * Every campaign of the database, newest first: for a persistent
 * nightly database, a line per night.
 */
static void
page_history(const struct page *p)
{
	sqlite3_stmt *st = page_query(p, "SELECT id, name, mode, started_at "
	    "FROM campaigns ORDER BY id DESC");
	char t[32];
	int n = 0;

	fputs("<h2 id=\"history\">Campaigns in this database</h2>\n<table "
	    "id=\"history-table\"><tr><th>campaign</th><th>started</th><th>"
	    "mode</th><th>runs</th><th>crashes</th><th>new buckets</th><th>"
	    "distinct pairs</th></tr>\n", p->f);
	while (st != NULL && n < PAGE_HISTORY &&
	    sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0), runs, bad, nb;

		summary_counts(p->db, id, &runs, &bad, &nb);
		summary_fmt_time(sqlite3_column_double(st, 3), t, sizeof(t));
		fprintf(p->f, "<tr%s><td>", id == p->cid ? " class=\"this\"" :
		    "");
		summary_esc(p->f, summary_col(st, 1));
		fprintf(p->f, "</td><td>%s</td><td>", t);
		summary_esc(p->f, summary_col(st, 2));
		fprintf(p->f, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>"
		    "%lld</td></tr>\n", runs, bad, nb, summary_pairs(p->db, id));
		n++;
	}
	sqlite3_finalize(st);
	fputs("</table>\n", p->f);
}

static const char page_css[] =
	"body{font-family:sans-serif;margin:2em;color:#222;max-width:1400px}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.8em}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid "
	"#ccc;padding:4px 8px;text-align:left;font-size:.9em;vertical-align:"
	"top}th{background:#f3f3f3}.new{background:#fff3cd}.badge{background:"
	"#d9534f;color:#fff;border-radius:3px;padding:0 4px;font-size:.8em}"
	".stat{display:inline-block;margin-right:2em;font-size:1.2em}"
	"figure.param{display:inline-block;margin:0 1em 1em 0}figcaption{"
	"font-size:.8em;color:#555;white-space:pre}td.cpus,td.prm,code{"
	"font-family:monospace;font-size:.8em}.empty,.quiet{color:#666;"
	"font-style:italic}.rerun{color:#444}tr.o-bad td:nth-child(4){color:"
	"#b52b27;font-weight:bold}tr.this{background:#e8f0fb}"
	".runs-view{display:none}.runs-view:target,.runs-view.default{"
	"display:block}.runs-view:target~.runs-view.default{display:none}"
	"nav a{margin-right:1em}";

/*
 * Write the page of campaign cid (named name) to f; html_path is where
 * it goes, for relative links.
 */
int
summary_html(struct db *db, long long cid, const char *name,
    const char *html_path, FILE *f)
{
	struct page p = { db, cid, name, NULL, f, realpath(db->path, NULL) };
	long long runs, crashes, nb, pairs = summary_pairs(db, cid);
	char *dir = html_path ? xstrdup(html_path) : NULL, *slash;

	if (dir != NULL && (slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		p.dir = realpath(*dir ? dir : "/", NULL);
	} else if (dir != NULL)
		p.dir = realpath(".", NULL);
	free(dir);
	summary_counts(db, cid, &runs, &crashes, &nb);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8"
	    "\"><title>racerig: ", f);
	summary_esc(f, name);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>racerig "
	    "campaign ", page_css);
	summary_esc(f, name);
	fprintf(f, "</h1>\n<p><span class=\"stat\">%lld runs</span><span "
	    "class=\"stat\">%lld crashed or hung</span><span class=\"stat\">"
	    "%lld new buckets</span><span class=\"stat\">%lld distinct race "
	    "pairs</span></p>\n<nav><a href=\"#crashes\">crashes</a><a href="
	    "\"#findings\">findings</a><a href=\"#pairs\">race pairs</a><a "
	    "href=\"#rate\">over time</a><a href=\"#params\">parameters</a><a "
	    "href=\"#runs\">runs</a><a href=\"#history\">history</a></nav>\n",
	    runs, crashes, nb, pairs);
	page_buckets(&p);
	page_findings(&p);
	page_pairs(&p);
	page_rate(&p, crashes);
	page_params(&p);
	page_runs(&p, runs);
	page_hosts(&p);
	page_history(&p);
	fputs("</body></html>\n", f);
	free(p.dir);
	free(p.db_path);
	return ferror(f) ? -1 : 0;
}
