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

static int
write_with(const char *path, int (*fn)(struct db *, long long, const char *,
    FILE *), struct db *db, long long cid, const char *name)
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
	rc = fn(db, cid, name, f);
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

/*
 * The campaign's findings, a line each after the summary line: title
 * (from a guest's console: printable only), runs and reports, "new" when
 * no other campaign had it.
 */
#define REPORT_PRINT_FINDINGS 50
static void
report_print_findings(const json_t *a)
{
	const json_t *o;
	char clean[256];
	size_t i, n = json_array_size(a);

	if (n == 0)
		return;
	printf("findings: %zu bucket%s\n", n, n == 1 ? "" : "s");
	json_array_foreach(a, i, o) {
		if (i == REPORT_PRINT_FINDINGS) {
			printf("  ... %zu more in --json or --html\n", n - i);
			break;
		}
		printf("  %s (%lld run%s, %lld report%s)%s\n", str_printable(
		    clean, json_string_value(json_object_get(o, "title")) ?: "",
		    sizeof(clean)),
		    (long long)json_integer_value(json_object_get(o, "runs")),
		    json_integer_value(json_object_get(o, "runs")) == 1 ? "" :
		    "s",
		    (long long)json_integer_value(json_object_get(o,
		    "reports")), json_integer_value(json_object_get(o,
		    "reports")) == 1 ? "" : "s",
		    json_is_true(json_object_get(o, "new")) ? " new" : "");
	}
}

static int
cmd_report_exec(int argc, char **argv)
{
	struct report_opts o = { 0 };
	const char *cname, *html, *jpath, *junit;
	char *dbp, *name = NULL;
	struct db *db;
	long long cid, nb;
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
	if (html && write_with(html, summary_html, db, cid, name) != 0)
		goto close;
	if (junit && write_with(junit, summary_junit, db, cid, name) != 0)
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
		report_print_findings(json_object_get(j, "findings"));
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
