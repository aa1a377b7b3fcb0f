/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for the results database (db.c) against a real SQLite file
 * that a second connection holds locked: a run reported as not recorded
 * must leave no row behind, and one reported as recorded must be whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "util.h"
#include "run.h"
#include "db.h"
#include "db-impl.h"

static char dir[] = "/tmp/u-db.XXXXXX";
static char path[64];

/* A finished crashed run, as run.json has it, read as its record. */
static void
crashed_run(const char *id, struct run_record *r)
{
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:{},s:i,s:i,s:s,s:s,"
	    "s:{s:f},s:{s:s,s:s,s:s,s:s,s:[s]},s:{s:f}}",
	    "id", id, "scenario", "sysrq-crash", "image", "/img",
	    "kernel_release", "6.1.0-57-cloud-amd64", "params", "seed", 7,
	    "smp", 2, "outcome", "crashed", "reason", "guest panicked",
	    "timings", "total_s", 3.0,
	    "report", "title", "kernel panic: sysrq triggered crash",
	    "bucket", "0123456789abcdef", "type", "panic", "frame", "sysrq",
	    "classes", "sysrq",
	    "rates", "clash_per_s", 1.5);

	assert_non_null(j);
	assert_int_equal(run_record_from_json(j, "/runs/x", "u-db", r), 0);
	json_decref(j);
}

static long long
count(sqlite3 *h, const char *table)
{
	char *q = sqlite3_mprintf("SELECT COUNT(*) FROM %s", table);
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(h, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_free(q);
	return n;
}

/*
 * The busy handler of the recording connection: the first time it is
 * asked (at BEGIN IMMEDIATE), it lets the other connection commit and
 * gives up, so BEGIN fails but every later statement would find the
 * database free.  Before the fix each of them then committed on its
 * own: the run was reported as not recorded, and recorded in part.
 */
static int
release_then_give_up(void *arg, int tries)
{
	sqlite3 *holder = arg;

	if (tries == 0)
		assert_int_equal(sqlite3_exec(holder, "COMMIT", NULL, NULL,
		    NULL), SQLITE_OK);
	return 0;
}

static void
test_busy_database_records_nothing(void **state)
{
	struct db *db;
	sqlite3 *holder;
	struct run_record run;
	long long cid;
	int resumed;
	double el;
	unsigned long long seed;

	crashed_run("20261202-000000-sysrq-crash-0001", &run);
	assert_non_null(db = db_open(path));
	cid = db_campaign(db, "u", "u.json", 1, 10, "random", &resumed, &el,
	    &seed);
	assert_true(cid >= 0);

	assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
	assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_busy_handler(db->h, release_then_give_up, holder);

	assert_int_equal(db_add_run(db, cid, 0, &run, 0), -1);
	assert_int_equal(count(db->h, "runs"), 0);
	assert_int_equal(count(db->h, "kernels"), 0);
	assert_int_equal(count(db->h, "crashes"), 0);
	assert_int_equal(count(db->h, "buckets"), 0);
	assert_int_equal(count(db->h, "metrics"), 0);

	/* once the database is free, the same run is recorded whole */
	sqlite3_busy_timeout(db->h, 1000);
	assert_int_equal(db_add_run(db, cid, 0, &run, 0), 1);
	assert_int_equal(count(db->h, "runs"), 1);
	assert_int_equal(count(db->h, "crashes"), 1);
	assert_int_equal(count(db->h, "buckets"), 1);
	/* a record's rates are whole: the three it lacked are -1, n/a */
	assert_int_equal(count(db->h, "metrics"), 4);
	assert_int_equal(db_has_run(db, "20261202-000000-sysrq-crash-0001"),
	    1);

	sqlite3_close(holder);
	db_close(db);
	run_record_release(&run);
}

/* A database held locked for longer than the busy timeout: an error. */
static void
test_locked_database_is_an_error(void **state)
{
	struct db *db;
	sqlite3 *holder;
	struct run_record run;
	long long cid;
	int resumed;
	double el;
	unsigned long long seed;

	crashed_run("20261202-000000-sysrq-crash-0002", &run);
	assert_non_null(db = db_open(path));
	cid = db_campaign(db, "u", "u.json", 1, 10, "random", &resumed, &el,
	    &seed);
	assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
	assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db->h, 200);
	assert_int_equal(db_add_run(db, cid, 1, &run, 0), -1);
	assert_int_equal(sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(db_has_run(db, "20261202-000000-sysrq-crash-0002"),
	    0);
	/* and the seq is still free for the run when it is retried */
	assert_int_equal(db_add_run(db, cid, 1, &run, 0), 0);
	sqlite3_close(holder);
	db_close(db);
	run_record_release(&run);
}

/* An ok run with two findings, as run.json has them. */
static void
run_with_findings(const char *id, struct run_record *r)
{
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:{},s:i,s:i,s:s,s:s,"
	    "s:f,s:[{s:s,s:s,s:s,s:i,s:f},{s:s,s:s,s:s,s:i}],"
	    "s:{s:i,s:i}}",
	    "id", id, "scenario", "stress-ng", "image", "/img",
	    "kernel_release", "6.1.192-kcsan", "params", "seed", 7,
	    "smp", 2, "outcome", "ok", "reason", "all 1 steps finished",
	    "started_at", 1000.0,
	    "findings",
	    "title", "KCSAN: data-race in pipe_poll / pipe_write",
	    "bucket", "aaaaaaaaaaaaaaaa", "text", "BUG: KCSAN: ...",
	    "count", 3, "uptime_s", 12.5,
	    "title", "WARNING in dev_watchdog", "bucket", "bbbbbbbbbbbbbbbb",
	    "text", "WARNING: CPU: 1 ...", "count", 1,
	    "findings_count", "reports", 4, "dropped", 0);

	assert_non_null(j);
	assert_int_equal(run_record_from_json(j, "/runs/y", "u-db", r), 0);
	json_decref(j);
}

/*
 * A run's findings are rows of their own, and the campaign summary
 * lists each bucket once with its runs and reports; one that an
 * earlier campaign had is not new.
 */
static void
test_findings_recorded(void **state)
{
	struct db *db;
	struct run_record a, b;
	long long c1, c2;
	int resumed;
	double el;
	unsigned long long seed;
	json_t *j, *f;
	size_t i;
	int saw_kcsan = 0;

	(void)state;
	assert_non_null(db = db_open(path));
	c1 = db_campaign(db, "f1", "f.json", 1, 10, "random", &resumed, &el,
	    &seed);
	c2 = db_campaign(db, "f2", "f.json", 1, 10, "random", &resumed, &el,
	    &seed);
	run_with_findings("20261203-000000-stress-ng-0001", &a);
	assert_int_equal(a.nfindings, 2);
	assert_int_equal(a.findings_total, 4);
	/* guided mode's new_findings: both are new to campaign f1 ... */
	assert_int_equal(db_new_findings(db, c1, &a), 2);
	assert_int_equal(db_add_run(db, c1, 0, &a, 0), 0);
	/* ... and not once a run of it had them */
	assert_int_equal(db_new_findings(db, c1, &a), 0);
	run_with_findings("20261203-000001-stress-ng-0002", &b);
	/* another campaign's runs do not count */
	assert_int_equal(db_new_findings(db, c2, &b), 2);
	assert_int_equal(db_add_run(db, c2, 0, &b, 0), 0);
	assert_int_equal(count(db->h, "findings WHERE bucket = "
	    "'aaaaaaaaaaaaaaaa' AND first_seen = 1012.5"), 2);
	/* an ok run opens no crash bucket */
	assert_int_equal(count(db->h, "buckets WHERE first_run LIKE "
	    "'%stress-ng%'"), 0);

	j = summary_json(db, c2, "f2");
	assert_int_equal(json_array_size(json_object_get(j, "findings")), 2);
	json_array_foreach(json_object_get(j, "findings"), i, f) {
		if (strcmp(json_string_value(json_object_get(f, "title")),
		    "KCSAN: data-race in pipe_poll / pipe_write") != 0)
			continue;
		saw_kcsan = 1;
		assert_int_equal(json_integer_value(json_object_get(f,
		    "reports")), 3);
		assert_int_equal(json_integer_value(json_object_get(f,
		    "runs")), 1);
		/* campaign f1 had it first */
		assert_false(json_is_true(json_object_get(f, "new")));
	}
	assert_true(saw_kcsan);
	/* one KCSAN pair; both campaigns in the history, newest first */
	assert_int_equal(json_integer_value(json_object_get(j, "pairs")), 1);
	f = json_object_get(j, "history");
	assert_true(json_array_size(f) >= 2);	/* the earlier tests' too */
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(f, 0), "campaign")), "f2");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(f, 1), "campaign")), "f1");
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(f, 1), "pairs")), 1);
	json_decref(j);
	/*
	 * A later campaign having it does not make it old for f1, which
	 * was the first: "new" is "not seen in an earlier campaign".
	 */
	j = summary_json(db, c1, "f1");
	json_array_foreach(json_object_get(j, "findings"), i, f)
		assert_true(json_is_true(json_object_get(f, "new")));
	json_decref(j);
	/*
	 * The page: the pairs plot has a line for each campaign with a
	 * pair, and neither the findings nor the pairs section is empty.
	 */
	{
		char *html = NULL, *q;
		size_t len = 0;
		FILE *mf = open_memstream(&html, &len);
		int lines = 0;

		assert_int_equal(summary_html(db, c2, "f2", NULL, mf), 0);
		fclose(mf);
		assert_non_null(strstr(html, "id=\"pairs-plot\""));
		for (q = html; (q = strstr(q, "<polyline")) != NULL; q++)
			lines++;
		assert_int_equal(lines, 2);
		assert_null(strstr(html, "No findings"));
		assert_null(strstr(html, "No KCSAN data-race pairs"));
		assert_non_null(strstr(html, "pipe_poll / pipe_write"));
		free(html);
	}
	run_record_release(&a);
	run_record_release(&b);
	db_close(db);
}

static int
setup(void **state)
{
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/results.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char *f;

	unlink(path);
	f = xasprintf("%s-wal", path);
	unlink(f);
	free(f);
	f = xasprintf("%s-shm", path);
	unlink(f);
	free(f);
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_busy_database_records_nothing),
		cmocka_unit_test(test_locked_database_is_an_error),
		cmocka_unit_test(test_findings_recorded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
