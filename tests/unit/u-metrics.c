/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for metrics.c on counter texts as 6.1 guests print them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "run.h"

static const char ct0[] =
    "entries  clashres found new invalid ignore delete chainlength insert "
    "insert_failed drop early_drop icmp_error  expect_new expect_create "
    "expect_delete search_restart\n"
    "00000672  0000000d 00000000 00000000 00000000 00000000 00000000 "
    "00000000 00000000 00000003 00000000 00000000 00000000  00000000 "
    "00000000 00000000 00000000\n"
    "00000672  00000010 00000000 00000000 00000000 00000000 00000000 "
    "00000000 00000000 00000001 00000000 00000000 00000000  00000000 "
    "00000000 00000000 00000000\n";

static const char si0[] =
    "                    CPU0       CPU1       \n"
    "          HI:          0          0\n"
    "      NET_TX:          0          1\n"
    "      NET_RX:       4114       3927\n"
    "         RCU:       3033         27\n";

static void
test_sums(void **state)
{
	unsigned long long v;

	assert_int_equal(metrics_conntrack_sum(ct0, "clashres",
	    "clash_resolve", &v), 0);
	assert_int_equal(v, 0xd + 0x10);
	assert_int_equal(metrics_conntrack_sum(ct0, "insert_failed", NULL,
	    &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(metrics_conntrack_sum(ct0, "nosuch", NULL, &v), -1);
	assert_int_equal(metrics_softirq_sum(si0, "NET_RX", &v), 0);
	assert_int_equal(v, 4114 + 3927);
	/* NET_TX must not be mistaken for NET_RX and vice versa */
	assert_int_equal(metrics_softirq_sum(si0, "NET_TX", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(metrics_softirq_sum("garbage", "NET_RX", &v), -1);
}

static void
test_rates(void **state)
{
	char ct1[sizeof(ct0)], si1[sizeof(si0)];
	struct metrics_rates m;
	json_t *a, *b;

	memcpy(ct1, ct0, sizeof(ct0));
	memcpy(si1, si0, sizeof(si0));
	/* 0x0d -> 0x2d on CPU0: 32 more clashes; NET_RX +2000 */
	*strstr(ct1, "0000000d") = '\0';
	{
		char buf[sizeof(ct0) + 8];
		const char *rest = strstr(ct0, "0000000d") + 8;

		snprintf(buf, sizeof(buf), "%s0000002d%s", ct1, rest);
		memcpy(ct1, buf, sizeof(ct1));
	}
	memcpy(strstr(si1, "4114"), "6114", 4);
	a = json_pack("{s:i,s:{s:s,s:s}}", "uptime_ms", 1000, "files",
	    "/proc/net/stat/nf_conntrack", ct0, "/proc/softirqs", si0);
	b = json_pack("{s:i,s:{s:s,s:s}}", "uptime_ms", 3000, "files",
	    "/proc/net/stat/nf_conntrack", ct1, "/proc/softirqs", si1);
	metrics_rates(a, b, &m);
	assert_true(m.seconds > 1.99 && m.seconds < 2.01);
	assert_true(m.clash_per_s > 15.99 && m.clash_per_s < 16.01);
	assert_true(m.net_rx_per_s > 999 && m.net_rx_per_s < 1001);
	json_decref(a);
	json_decref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_rates),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
