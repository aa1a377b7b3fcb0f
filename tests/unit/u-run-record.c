/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for the run record (run-record.c) against real files: a
 * record saved and loaded back is the same record and the same bytes;
 * an unknown outcome, a truncated file and garbage are errors that name
 * the file, and loading never touches what is on disk.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"
#include "run.h"

static char dir[] = "/tmp/u-run-record.XXXXXX";

static char *
record_path(void)
{
	return xasprintf("%s/run.json", dir);
}

/*
 * run_record_load(dir) with what it reports caught in err: stderr is a
 * memory stream meanwhile.
 */
static int
load_caught(struct run_record *r, char *err, size_t n)
{
	FILE *saved = stderr;
	char *text = NULL;
	size_t len = 0;
	int rc;

	stderr = open_memstream(&text, &len);
	assert_non_null(stderr);
	rc = run_record_load(dir, r);
	fclose(stderr);
	stderr = saved;
	snprintf(err, n, "%s", text ? text : "");
	free(text);
	return rc;
}

static void
write_text(const char *text)
{
	char *path = record_path();

	assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
	free(path);
}

static char *
read_text(void)
{
	char *path = record_path();
	struct buf b = BUF_INIT;
	char *s;

	assert_int_equal(read_file(path, &b, 1u << 20), 0);
	s = xstrdup(b.data ? b.data : "");
	buf_release(&b);
	free(path);
	return s;
}

/* A crashed run with every optional part set. */
static void
full_record(struct run_record *r)
{
	memset(r, 0, sizeof(*r));
	r->id = xstrdup("20261202-171500-sysrq-crash-0a9f");
	r->dir = xstrdup(dir);
	r->scenario = xstrdup("sysrq-crash");
	r->params = json_pack("{s:s,s:s}", "delay", "3", "mode", "c");
	r->expect = xstrdup("crash");
	r->duration_s = 30;
	r->expected_bug_class = xstrdup("sysrq");
	r->outcome = RUN_CRASHED;
	snprintf(r->reason, sizeof(r->reason), "guest panicked");
	r->image = xstrdup("/cache/images/default");
	snprintf(r->image_release, sizeof(r->image_release), "6.1.0-57");
	snprintf(r->guest_release, sizeof(r->guest_release), "6.1.0-57x");
	r->cmdline = xstrdup("console=ttyS0 panic=-1");
	r->accel = xstrdup("tcg");
	r->backend = xstrdup("qemu");
	r->connect = xstrdup("qemu+ssh://h/system");
	r->smp = 2;
	r->mem_mb = 512;
	r->seed = 0x7fffffffffffff01ULL;
	r->started_at = 1764695700.25;
	r->agent_ready_s = 1.5;
	r->restored = 1;
	r->crash_s = 4.25;
	r->dump_s = 0.75;
	r->total_s = 6.5;
	r->console_bytes = 1000;
	r->console_logged = 900;
	r->console_dropped = 100;
	r->vmcore = xasprintf("%s/vmcore", dir);
	snprintf(r->vmcore_source, sizeof(r->vmcore_source), "qemu");
	snprintf(r->vmcore_release, sizeof(r->vmcore_release), "6.1.0-57");
	r->capture_error = xstrdup("cannot extract dmesg from vmcore");
	r->dump_skipped = 1;
	r->agent_error = xstrdup("bad frame");
	r->steps = json_pack("[{s:i,s:s}]", "step", 1, "command", "echo c");
	r->metrics_first = json_pack("{s:i}", "uptime_ms", 1000);
	r->metrics_last = json_pack("{s:i}", "uptime_ms", 3000);
	r->rates.seconds = 2;
	r->rates.clash_per_s = -1;
	r->rates.insert_failed_per_s = 0.5;
	r->rates.net_rx_per_s = 120;
	r->have_rates = 1;
	r->report = json_pack("{s:s,s:s}", "title", "kernel panic",
	    "bucket", "0123456789abcdef");
	r->peak_rss_kb = 4096;
	r->ntransfers = 2;
	r->transfers[0] = (struct vm_transfer){ "kernel", 1,
	    "racerig-00ff-kernel", 14155776, 0.09 };
	r->transfers[1] = (struct vm_transfer){ "vmcore", 0,
	    "racerig-vmcore-x", 42886144, 0.27 };
}

static void
test_round_trip(void **state)
{
	struct run_record a, b;
	char *first, *second;
	double v;

	full_record(&a);
	assert_int_equal(run_record_save(&a), 0);
	first = read_text();
	assert_int_equal(run_record_load(dir, &b), 0);

	assert_string_equal(b.id, a.id);
	assert_string_equal(b.dir, dir);
	assert_string_equal(b.scenario, a.scenario);
	assert_true(json_equal(b.params, a.params));
	assert_string_equal(b.expect, a.expect);
	assert_int_equal(b.duration_s, 30);
	assert_string_equal(b.expected_bug_class, "sysrq");
	assert_int_equal(b.outcome, RUN_CRASHED);
	assert_string_equal(b.reason, a.reason);
	assert_string_equal(b.image, a.image);
	assert_string_equal(b.image_release, a.image_release);
	assert_string_equal(b.guest_release, a.guest_release);
	assert_string_equal(b.cmdline, a.cmdline);
	assert_string_equal(b.accel, "tcg");
	assert_string_equal(b.backend, "qemu");
	assert_string_equal(b.connect, a.connect);
	assert_int_equal(b.smp, 2);
	assert_int_equal(b.mem_mb, 512);
	assert_true(b.seed == a.seed);
	assert_true(b.started_at == a.started_at);
	assert_true(b.agent_ready_s == 1.5 && b.crash_s == 4.25 &&
	    b.dump_s == 0.75 && b.total_s == 6.5);
	assert_int_equal(b.restored, 1);
	assert_int_equal(b.console_bytes, 1000);
	assert_int_equal(b.console_logged, 900);
	assert_int_equal(b.console_dropped, 100);
	assert_string_equal(b.vmcore, a.vmcore);
	assert_string_equal(b.vmcore_source, "qemu");
	assert_string_equal(b.vmcore_release, a.vmcore_release);
	assert_string_equal(b.capture_error, a.capture_error);
	assert_int_equal(b.dump_skipped, 1);
	assert_string_equal(b.agent_error, a.agent_error);
	assert_true(json_equal(b.steps, a.steps));
	assert_true(json_equal(b.metrics_first, a.metrics_first));
	assert_true(json_equal(b.metrics_last, a.metrics_last));
	assert_true(json_equal(b.report, a.report));
	assert_int_equal(b.have_rates, 1);
	assert_int_equal(run_record_rate(&b, "clash_per_s", &v), 0);
	assert_true(v == -1);
	assert_int_equal(run_record_rate(&b, "net_rx_per_s", &v), 0);
	assert_true(v == 120);
	assert_int_equal(run_record_rate(&b, "no_such_rate", &v), -1);
	assert_int_equal(b.peak_rss_kb, 4096);
	assert_int_equal(b.ntransfers, 2);
	assert_string_equal(b.transfers[0].what, "kernel");
	assert_int_equal(b.transfers[0].up, 1);
	assert_string_equal(b.transfers[0].volume, "racerig-00ff-kernel");
	assert_true(b.transfers[0].bytes == 14155776);
	assert_true(b.transfers[0].seconds == 0.09);
	assert_string_equal(b.transfers[1].what, "vmcore");
	assert_int_equal(b.transfers[1].up, 0);
	assert_true(b.transfers[1].bytes == 42886144);

	/* what was loaded saves to the very same bytes */
	assert_int_equal(run_record_save(&b), 0);
	second = read_text();
	assert_string_equal(first, second);
	free(first);
	free(second);
	run_record_release(&a);
	run_record_release(&b);
}

/* A minimal ok run leaves the optional keys out, and loads as such. */
static void
test_optional_parts_absent(void **state)
{
	struct run_record a, b;
	char *text;
	double v;

	memset(&a, 0, sizeof(a));
	a.id = xstrdup("20261202-171500-noop-0001");
	a.dir = xstrdup(dir);
	a.outcome = RUN_OK;
	assert_int_equal(run_record_save(&a), 0);
	text = read_text();
	assert_null(strstr(text, "\"vmcore\""));
	assert_null(strstr(text, "\"rates\""));
	assert_null(strstr(text, "\"connect\""));
	assert_null(strstr(text, "\"transfers\""));
	assert_null(strstr(text, "\"report\""));
	assert_non_null(strstr(text, "\"outcome\": \"ok\""));
	free(text);
	assert_int_equal(run_record_load(dir, &b), 0);
	assert_null(b.vmcore);
	assert_null(b.connect);
	assert_null(b.report);
	assert_int_equal(b.have_rates, 0);
	assert_int_equal(run_record_rate(&b, "clash_per_s", &v), -1);
	run_record_release(&a);
	run_record_release(&b);
}

static void
test_outcome_names(void **state)
{
	enum run_outcome o;

	for (int i = RUN_OK; i <= RUN_WORKLOAD_FAILED; i++) {
		assert_int_equal(run_outcome_parse(run_outcome_name(i), &o), 0);
		assert_int_equal(o, i);
	}
	assert_int_equal(run_outcome_parse("exploded", &o), -1);
	assert_int_equal(run_outcome_parse("OK", &o), -1);
	assert_int_equal(run_outcome_parse("", &o), -1);
	assert_int_equal(run_outcome_parse(NULL, &o), -1);
	assert_string_equal(run_outcome_name((enum run_outcome)99),
	    "unknown");
}

/* An outcome nobody knows is an error naming the file and the name. */
static void
test_unknown_outcome_rejected(void **state)
{
	struct run_record r;
	char err[1024], *path = record_path(), *text;

	write_text("{\"id\": \"x\", \"outcome\": \"exploded\"}");
	assert_int_equal(load_caught(&r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "unknown outcome 'exploded'"));
	assert_null(r.id);
	/* the file is left as it was */
	text = read_text();
	assert_string_equal(text, "{\"id\": \"x\", \"outcome\": \"exploded\"}");
	free(text);
	free(path);
}

/* A record cut short (a full disk, a kill) or garbage: an error, kept. */
static void
test_truncated_and_garbage(void **state)
{
	static const char *const bad[] = {
		"{\"id\": \"20261202-171500-noop-0001\", \"outc",
		"\x7f" "ELF\x01\x01garbage",
		"",
		"[1, 2, 3]",
		"{\"outcome\": \"ok\"}",
		"{\"id\": \"x\"}",
	};
	char err[1024], *path = record_path();
	struct run_record r;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *text;

		write_text(bad[i]);
		assert_int_equal(load_caught(&r, err, sizeof(err)), -1);
		assert_non_null(strstr(err, path));
		text = read_text();
		assert_string_equal(text, bad[i]);
		free(text);
	}
	/* and a missing one */
	unlink(path);
	assert_int_equal(load_caught(&r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_int_equal(run_record_exists(dir), 0);
	free(path);
}

/*
 * The pool has no cap and gives back a result for every child started:
 * children whose run could not be carried out (no such scenario) come
 * back as failed, with no record.
 */
static void
test_pool_failed_children(void **state)
{
	struct run_opts o;
	struct run_child_result *res;
	FILE *saved = stderr;
	char *text = NULL;
	size_t len = 0, n;

	run_opts_init(&o);
	o.scenario = "no-such-scenario-u-run-record";
	o.out_dir = dir;
	/* twenty children say it is missing, into copies of this stream */
	stderr = open_memstream(&text, &len);
	assert_non_null(stderr);
	n = run_pool_batch(&o, 20, &res);
	fclose(stderr);
	stderr = saved;
	free(text);
	assert_int_equal(n, 20);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(res[i].how, RUN_CHILD_FAILED);
		assert_null(res[i].rec.id);
		run_child_result_release(&res[i]);
	}
	free(res);
}

static int
setup(void **state)
{
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *path = record_path();

	unlink(path);
	free(path);
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_optional_parts_absent),
		cmocka_unit_test(test_outcome_names),
		cmocka_unit_test(test_unknown_outcome_rejected),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_pool_failed_children),
	};

	return cmocka_run_group_tests_name("run-record", tests, setup,
	    teardown);
}
