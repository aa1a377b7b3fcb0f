/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for campaign files (campaign.c): names and fields, the
 * "hosts" and the libvirt URI check behind them (vm-libvirt.c), and the
 * run-directory names a resume may remove (run.c).  Hosts are checked before
 * kernels and scenarios, so these files need no image; parameter checks
 * use a fixture with a fake image and scenario.
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

#include "util.h"
#include "vm.h"
#include "run.h"
#include "campaign.h"

static void
test_uri(void **state)
{
	char host[64];

	assert_int_equal(uri_host("qemu+tcp://10.77.1.2/system",
	    host, sizeof(host)), 0);
	assert_string_equal(host, "10.77.1.2");
	assert_int_equal(uri_host("qemu:///system", host,
	    sizeof(host)), 0);
	assert_string_equal(host, "");
	assert_int_equal(uri_host("qemu:///system?socket=/x/sock",
	    host, sizeof(host)), 0);
	assert_int_equal(uri_host(
	    "qemu+ssh://root@lab-3:2222/system", host, sizeof(host)), 0);
	assert_string_equal(host, "lab-3");
	assert_int_equal(uri_host("qemu+tls://[fd00::2]/system",
	    host, sizeof(host)), 0);
	assert_string_equal(host, "fd00::2");

	/* not QEMU, unknown transport, no path, bad port, odd characters */
	assert_int_equal(uri_host("xen://h/system", host,
	    sizeof(host)), -1);
	assert_int_equal(uri_host("qemu+http://h/system", host,
	    sizeof(host)), -1);
	assert_int_equal(uri_host("qemu+tcp://h", host,
	    sizeof(host)), -1);
	assert_int_equal(uri_host("qemu+tcp://h/systemd", host,
	    sizeof(host)), -1);
	assert_int_equal(uri_host("qemu+tcp://h:0/system", host,
	    sizeof(host)), -1);
	assert_int_equal(uri_host("qemu+tcp://h:70000/system",
	    host, sizeof(host)), -1);
	assert_int_equal(uri_host("qemu+tcp://h'x/system", host,
	    sizeof(host)), -1);
	assert_int_equal(uri_host("qemu+tcp://h /system", host,
	    sizeof(host)), -1);
	assert_int_equal(uri_host("qemu+tcp://[::1/system", host,
	    sizeof(host)), -1);
	/* a host part longer than the caller's buffer */
	assert_int_equal(uri_host("qemu+tcp://abcdefgh/system",
	    host, 4), -1);
}

/* Load a campaign whose "hosts" is hosts; returns campaign_load()'s. */
static int
load_hosts(const char *hosts, struct campaign *c)
{
	char path[] = "/tmp/u-campaign.XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "{ \"name\": \"u\", \"duration_s\": 10, \"hosts\": %s, "
	    "\"kernels\": [], \"scenarios\": [] }", hosts);
	fclose(f);
	rc = campaign_load(path, c);
	unlink(path);
	return rc;
}

static void
test_bad_hosts(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{}",
		"[ 1 ]",
		"[ { \"uri\": \"qemu:///system\", \"capacity\": 0 } ]",
		"[ { \"uri\": \"qemu:///system\", \"capacity\": 33 } ]",
		"[ { \"uri\": \"qemu:///system\", \"capacity\": \"2\" } ]",
		"[ { \"uri\": \"qemu:///system\" } ]",
		"[ { \"uri\": \"ftp://h/system\", \"capacity\": 1 } ]",
		"[ { \"capacity\": 1 } ]",
		"[ { \"uri\": \"qemu:///system\", \"capacity\": 1, "
		    "\"cpus\": 2 } ]",
		/* remote without a callback; callbacks that are no address */
		"[ { \"uri\": \"qemu+tcp://h/system\", \"capacity\": 1 } ]",
		"[ { \"uri\": \"qemu+tcp://h/system\", \"capacity\": 1, "
		    "\"callback\": \"h\" } ]",
		"[ { \"uri\": \"qemu+tcp://h/system\", \"capacity\": 1, "
		    "\"callback\": \"0.0.0.0\" } ]",
		"[ { \"uri\": \"qemu+tcp://h/system\", \"capacity\": 1, "
		    "\"callback\": \"192.0.2.1\" } ]",
		/* a local URI names no host to take TCP channels from */
		"[ { \"uri\": \"qemu:///system\", \"capacity\": 1, "
		    "\"callback\": \"127.0.0.1\" } ]",
		"[ { \"uri\": \"qemu:///system\", \"capacity\": 1 }, "
		    "{ \"uri\": \"qemu:///system\", \"capacity\": 1 } ]",
	};
	struct campaign c;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (load_hosts(bad[i], &c) != -1)
			fail_msg("accepted: %s", bad[i]);
	}
}

/*
 * Good hosts get past the hosts check: the load then fails on the empty
 * kernel list, and says so (stderr is caught in a file).
 */
static void
test_good_hosts_reach_kernels(void **state)
{
	char path[] = "/tmp/u-campaign-err.XXXXXX", text[512] = "";
	int fd = mkstemp(path), saved = dup(2), rc;
	struct campaign c;
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	rc = load_hosts("[ { \"uri\": \"qemu+tcp://127.0.0.2/system\", "
	    "\"capacity\": 2, \"callback\": \"127.0.0.1\" }, "
	    "{ \"uri\": \"qemu:///system\", \"capacity\": 1 } ]", &c);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	unlink(path);
	assert_int_equal(rc, -1);
	assert_true(n > 0);
	assert_non_null(strstr(text, "'kernels' must list"));
	assert_null(strstr(text, "hosts"));
}

/* Load a campaign file whose text is json; returns campaign_load()'s. */
static int
load_text(const char *json, struct campaign *c)
{
	char path[] = "/tmp/u-campaign.XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	rc = campaign_load(path, c);
	unlink(path);
	return rc;
}

/*
 * A campaign's name becomes a directory that --resume cleans: an empty
 * name made the output root itself the campaign's directory, and a
 * resume deleted every other campaign's runs.
 */
static void
test_names(void **state)
{
	static const char *const bad[] = { "", ".", "..", "-x", "_x", "a/b",
	    "A", "a b", "a.b", "../x",
	    "a2345678901234567890123456789012345678901234567890123456789012345" };
	static const char *const good[] = { "a", "0", "nightly-6.1_x",
	    "t7001", "a23456789012345678901234567890123456789012345678901234567890123" };
	struct campaign c;
	char json[256];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (campaign_name_ok(bad[i]))
			fail_msg("name accepted: '%s'", bad[i]);
		snprintf(json, sizeof(json), "{ \"name\": \"%s\", "
		    "\"duration_s\": 10, \"kernels\": [], "
		    "\"scenarios\": [] }", bad[i]);
		if (load_text(json, &c) != -1)
			fail_msg("campaign accepted: %s", json);
	}
	assert_false(campaign_name_ok(good[2]));	/* the dot */
	assert_true(campaign_name_ok("nightly-61_x"));
	assert_true(campaign_name_ok(good[0]));
	assert_true(campaign_name_ok(good[1]));
	assert_true(campaign_name_ok(good[3]));
	assert_true(campaign_name_ok(good[4]));
}

/* Fields whose bad values went through: smp, duration_s, the budget. */
static void
test_bad_fields(void **state)
{
	static const char *const bad[] = {
		"\"duration_s\": 0",
		"\"duration_s\": -5",
		"\"duration_s\": \"10\"",
		"\"duration_s\": 1e300",
		"\"duration_s\": 10, \"smp\": 0",
		"\"duration_s\": 10, \"smp\": -2",
		"\"duration_s\": 10, \"smp\": 65",
		"\"duration_s\": 10, \"smp\": \"2\"",
		"\"duration_s\": 10, \"smp\": 2.5",
		"\"duration_s\": 10, \"jobs\": 17",
		"\"duration_s\": 10, \"jobs\": -1",
		/* << 20 of this wrapped around to a tiny budget */
		"\"duration_s\": 10, \"disk_budget_mb\": 17592186044416",
		"\"duration_s\": 10, \"disk_budget_mb\": 0",
	};
	struct campaign c;
	char json[256];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(json, sizeof(json), "{ \"name\": \"u\", %s, "
		    "\"kernels\": [], \"scenarios\": [] }", bad[i]);
		if (load_text(json, &c) != -1)
			fail_msg("campaign accepted: %s", json);
	}
}

/* Resume removes only directories named as its runs are named. */
static void
test_run_ids(void **state)
{
	assert_true(run_id_is("20261202-031500-noop-0a9f", "noop"));
	assert_true(run_id_is("20261202-031500-rcu-peer-update-ffff",
	    "rcu-peer-update"));
	assert_false(run_id_is("20261202-031500-noop-0a9f", "noo"));
	assert_false(run_id_is("20261202-031500-noop-0a9F", "noop"));
	assert_false(run_id_is("20261202-031500-noop-0a9", "noop"));
	assert_false(run_id_is("20261202-031500-noop-0a9f0", "noop"));
	assert_false(run_id_is("20261202-031500-noop-0a9f/", "noop"));
	assert_false(run_id_is("2026120-031500-noop-0a9f", "noop"));
	assert_false(run_id_is("20261202_031500-noop-0a9f", "noop"));
	assert_false(run_id_is("other-campaign", "noop"));
	assert_false(run_id_is("", "noop"));
	assert_false(run_id_is(".lock", "noop"));
}

/*
 * A throw-away cache with one image, k1, and a scenarios directory with
 * one scenario, "long", whose choice parameter "mode" allows a value of
 * 63 characters; for campaigns that get past the kernels.
 */
static char fixture[] = "/tmp/u-campaign-fix.XXXXXX";

static void
put(const char *path, const char *text)
{
	assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
}

static void
make_fixture(void)
{
	char path[512];

	if (mkdtemp(fixture) == NULL)
		fatal("cannot make a fixture directory");
	snprintf(path, sizeof(path), "%s/images/k1", fixture);
	mkdir_p(path, 0700);
	snprintf(path, sizeof(path), "%s/images/k1/manifest.json", fixture);
	put(path, "{ \"kernel_release\": \"k1\" }");
	snprintf(path, sizeof(path), "%s/images/k1/vmlinuz", fixture);
	put(path, "");
	snprintf(path, sizeof(path), "%s/images/k1/initramfs.cpio", fixture);
	put(path, "");
	snprintf(path, sizeof(path), "%s/scenarios/long", fixture);
	mkdir_p(path, 0700);
	snprintf(path, sizeof(path), "%s/scenarios/long/scenario.json",
	    fixture);
	put(path, "{ \"name\": \"long\", \"params\": { \"mode\": { "
	    "\"type\": \"choice\", \"default\": \"y\", \"values\": [\"y\", "
	    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"] "
	    "} }, \"steps\": [ { \"argv\": [\"true\"] } ] }");
	snprintf(path, sizeof(path), "%s", fixture);
	setenv("RACERIG_CACHE", path, 1);
	snprintf(path, sizeof(path), "%s/scenarios", fixture);
	setenv("RACERIG_SCENARIOS", path, 1);
}

static void
remove_fixture(void)
{
	char *argv[] = { "rm", "-rf", fixture, NULL };

	run_command(argv, NULL, NULL, NULL, 60, NULL, 0);
}

/*
 * Parameter values are checked whole: campaign_check_param() copied
 * each into 64 bytes, so a value that began with an allowed one of 63
 * characters passed, and every run drawing it failed its scenario.
 */
static void
test_long_values(void **state)
{
	static const char *const bad[] = {
		"[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "-and-more\"]",
		"\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xx\"",
		"[\"y\", 1]",
	};
	char json[512];
	struct campaign c;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(json, sizeof(json), "{ \"name\": \"u\", "
		    "\"duration_s\": 10, \"kernels\": [\"k1\"], "
		    "\"scenarios\": [ { \"name\": \"long\", \"params\": "
		    "{ \"mode\": %s } } ] }", bad[i]);
		if (load_text(json, &c) != -1)
			fail_msg("campaign accepted: %s", json);
	}
	snprintf(json, sizeof(json), "{ \"name\": \"u\", \"duration_s\": 10, "
	    "\"kernels\": [\"k1\"], \"scenarios\": [ { \"name\": \"long\", "
	    "\"params\": { \"mode\": [\"y\", \"xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"] } } ] }");
	assert_int_equal(load_text(json, &c), 0);
	campaign_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_run_ids),
		cmocka_unit_test(test_bad_hosts),
		cmocka_unit_test(test_good_hosts_reach_kernels),
		cmocka_unit_test(test_long_values),
	};
	int rc;

	make_fixture();
	rc = cmocka_run_group_tests_name("campaign", tests, NULL, NULL);
	remove_fixture();
	return rc;
}
