/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Write a campaign's results as HTML, JSON and JUnit XML
 * ("racerig report"); exit 1 when the campaign found a new bucket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "db.h"
#include "cmd.h"

/* What a page is written from: one campaign of one database. */
struct report_page {
	struct db	*db;
	long long	 cid;
	const char	*name;
};

/*
 * Write path atomically (a temporary file beside it, then renamed) with
 * fn, which gets the page and the path it is for.
 */
static int
write_with(const char *path, int (*fn)(const struct report_page *,
    const char *, FILE *), const struct report_page *pg)
{
	char *tmp;
	int fd = tmp_create_beside(path, &tmp), rc;
	FILE *f;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		int e = errno;

		close(fd);
		unlink(tmp);
		free(tmp);
		return error("cannot write '%s': %s", path, strerror(e));
	}
	rc = fn(pg, path, f);
	if (fclose(f) != 0 || rc != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		rc = error("cannot write '%s'", path);
	}
	free(tmp);
	return rc;
}

struct report_opts {
	const char	*db;
	const char	*campaign;
	const char	*html;
	const char	*json;
	const char	*junit;
};

static const struct cmd_opt report_opts[] = {
	OPT_STRING(0, "db", "FILE", struct report_opts, db, "CACHE/results.db",
	    "The results database."),
	OPT_STRING(0, "campaign", "NAME", struct report_opts, campaign,
	    "the latest campaign", "The campaign to report."),
	OPT_STRING(0, "html", "FILE", struct report_opts, html, "none",
	    "Write an HTML report to FILE."),
	OPT_STRING(0, "json", "FILE", struct report_opts, json, "none",
	    "Write the summary as JSON to FILE."),
	OPT_STRING(0, "junit", "FILE", struct report_opts, junit, "none",
	    "Write JUnit XML to FILE for CI: a test case per scenario and "
	    "kernel, failed when one of its runs crashed or hung."),
	OPT_OPERANDS(0, 0, NULL),
	OPT_END()
};

static int
write_html(const struct report_page *pg, const char *path, FILE *f)
{
	return summary_html(pg->db, pg->cid, pg->name, path, f);
}

static int
write_junit(const struct report_page *pg, const char *path, FILE *f)
{
	(void)path;
	return summary_junit(pg->db, pg->cid, pg->name, f);
}

/*
 * The summary's crash buckets or findings (what), a line each, new ones
 * first as the JSON summary orders them: "NEW", the title (from a
 * guest's console: printable only), then how often: a bucket's count,
 * a finding's runs and reports.  What a nightly job's log shows first.
 */
#define REPORT_PRINT_MAX 50
static void
report_print_list(const json_t *a, const char *what)
{
	const json_t *o;
	char clean[256];
	size_t i, n = json_array_size(a);

	if (n == 0)
		return;
	printf("%s: %zu\n", what, n);
	json_array_foreach(a, i, o) {
		long long runs = json_integer_value(json_object_get(o, "runs"));
		long long reps = json_integer_value(json_object_get(o,
		    "reports"));

		if (i == REPORT_PRINT_MAX) {
			printf("  ... %zu more in --json or --html\n", n - i);
			break;
		}
		printf("  %-4s %s ", json_is_true(json_object_get(o, "new")) ?
		    "NEW" : "", str_printable(clean, json_string_value(
		    json_object_get(o, "title")) ?: "", sizeof(clean)));
		if (json_object_get(o, "count") != NULL)
			printf("(%lld)\n", (long long)json_integer_value(
			    json_object_get(o, "count")));
		else
			printf("(%lld run%s, %lld report%s)\n", runs,
			    runs == 1 ? "" : "s", reps, reps == 1 ? "" : "s");
	}
}

/* A multi-host campaign's hosts, a line each (none: nothing printed). */
static void
report_print_hosts(const json_t *a)
{
	size_t i;
	json_t *h;

	if (json_array_size(a) == 0)
		return;
	printf("hosts:\n");
	json_array_foreach(a, i, h)
		printf("  %s: %lld runs, %lld crashed or hung, %lld could not "
		    "run a VM\n", json_string_value(json_object_get(h,
		    "host")), (long long)json_integer_value(json_object_get(h,
		    "runs")), (long long)json_integer_value(json_object_get(h,
		    "crashes")), (long long)json_integer_value(
		    json_object_get(h, "errors")));
}

static int
cmd_report_exec(int argc, char **argv)
{
	struct report_opts o = { 0 };
	const char *cname, *html, *jpath, *junit;
	char *dbp, *name = NULL;
	struct db *db;
	long long cid, nb;
	struct report_page pg;
	int rc = EXIT_INFRA;

	if (parse_options(argc, argv, report_opts, &o, 0) < 0)
		return EXIT_USAGE;
	cname = o.campaign;
	html = o.html;
	jpath = o.json;
	junit = o.junit;
	dbp = stress_db_path(o.db);
	if ((db = db_open(dbp)) == NULL)
		goto out;
	cid = summary_campaign(db, cname, &name);
	if (cid < 0) {
		error("no campaign%s%s in '%s'", cname ? " " : "",
		    cname ? cname : "", dbp);
		goto close;
	}
	pg = (struct report_page){ db, cid, name };
	if (html && write_with(html, write_html, &pg) != 0)
		goto close;
	if (junit && write_with(junit, write_junit, &pg) != 0)
		goto close;
	{
		json_t *j = summary_json(db, cid, name);

		if (jpath != NULL && json_write_atomic(jpath, j) != 0) {
			json_decref(j);
			goto close;
		}
		printf("campaign %s: %lld runs, %lld crashes, %lld new "
		    "buckets\n", name,
		    (long long)json_integer_value(json_object_get(j, "runs")),
		    (long long)json_integer_value(json_object_get(j,
		    "crashes")), (long long)json_integer_value(
		    json_object_get(j, "new_buckets")));
		report_print_list(json_object_get(j, "buckets"),
		    "crash buckets");
		report_print_list(json_object_get(j, "findings"),
		    "finding buckets");
		report_print_hosts(json_object_get(j, "hosts"));
		json_decref(j);
	}
	nb = summary_new_buckets(db, cid);
	/* nightly CI: a new bucket is a finding */
	rc = nb > 0 ? EXIT_VERDICT : EXIT_PASS;
close:
	db_close(db);
out:
	free(name);
	free(dbp);
	return rc;
}

/* A nightly job fails on a new bucket. */
static const struct cmd_exit_doc report_exits[] = {
	{ EXIT_PASS, "The campaign found no new bucket." },
	{ EXIT_VERDICT, "The campaign found a new bucket." },
	{ EXIT_INFRA, "No such campaign, or the database or a report could "
	    "not be read or written." },
	{ EXIT_USAGE, "A bad command line." },
	{ 0, NULL }
};

static const struct cmd_example report_examples[] = {
	{ "racerig report --html report.html --junit junit.xml",
	    "Report the latest campaign for a CI job." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "racerig report [--db FILE] [--campaign NAME] [--html FILE] "
	    "[--json FILE] [--junit FILE]",
	.help = "write a campaign's results (HTML, JSON, JUnit); exit 1 on "
	    "a new bucket",
	.exec = cmd_report_exec,
	.description = "Summarize a campaign recorded by racerig stress: "
	    "runs, crashes and new buckets (buckets this campaign was the "
	    "first in the database to find), printed as one line and written "
	    "in the formats asked for, then its findings (reports the kernel "
	    "went on from, such as KCSAN data races and WARNINGs) a line per "
	    "bucket, \"new\" when no other campaign in the database had it.",
	.opts = report_opts,
	.exits = report_exits,
	.examples = report_examples,
};
