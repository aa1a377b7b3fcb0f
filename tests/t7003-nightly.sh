#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='ci/nightly: a campaign per night in a database that persists; new means never seen before'
. "$(dirname "$0")/lib-test.sh"

# Two short nights of a crashing scenario on the default kernel: the
# campaign file is this test's, the kernels are given (the real file's
# @6.1/@6.12 series need a download), the database is kept between them.
cat >"$TRASH/night.json" <<JSON
{ "name": "nightly", "duration_s": 5, "jobs": 1, "seed": 5, "mode": "random",
  "kernels": ["@6.1"],
  "scenarios": [ { "name": "sysrq-crash", "params": {} } ] }
JSON
night() {
	RACERIG_NIGHTLY_CAMPAIGN="$TRASH/night.json" \
	RACERIG_NIGHTLY_KERNELS="$(basename "$("$RACERIG" image show --dir)")" \
	RACERIG_NIGHTLY_DB="$TRASH/nightly.db" \
		"$TEST_ROOT/ci/nightly" "$TRASH/$1" >"$1.out" 2>"$1.err"
}

test_expect_success QEMU,IMAGE 'the first night finds its buckets new and exits 1' '
	night n1; test $? = 1 &&
	grep -q "^nightly: nightly-[0-9]*-[0-9]* on: " n1.out &&
	grep -q "^crash buckets: 1$" n1.out &&
	grep -q "^  NEW  kernel panic: sysrq triggered crash" n1.out &&
	test "$(json_get "$TRASH/n1/report.json" "d[\"new_buckets\"]")" = 1 &&
	test -s "$TRASH/n1/report.html"
'

test_expect_success QEMU,IMAGE 'the second night sees the same bucket again and exits 0' '
	sleep 1 && night n2; rc=$?; test $rc = 0 || { cat n2.out n2.err; exit 1; }
	grep -q "^  *kernel panic: sysrq triggered crash" n2.out &&
	! grep -q "NEW" n2.out &&
	test "$(json_get "$TRASH/n2/report.json" "d[\"new_buckets\"]")" = 0 &&
	# one database, two nights in its history, newest first
	test "$(sqlite3 "$TRASH/nightly.db" "select count(*) from campaigns")" = 2 &&
	json_get "$TRASH/n2/report.json" "[(h[\"new_buckets\"], h[\"runs\"] > 0, h[\"crashes\"] > 0) for h in d[\"history\"]]" >hist &&
	echo "[(0, True, True), (1, True, True)]" >want && diff -u want hist &&
	grep -q "<table id=\"history-table\">" "$TRASH/n2/report.html"
'

test_expect_success 'the kernels are the newest of each series on the mirror' '
	command -v apt-cache >/dev/null &&
	test -n "$(apt-cache search --names-only "^linux-image-6\.12\..*-cloud-amd64\$")" ||
		{ echo "# skipped: no 6.12 package in the apt lists" >&3; exit 0; }
	"$TEST_ROOT/ci/nightly" --kernels >k 2>kerr &&
	grep -q "no KCSAN kernel cached\|^/" kerr k &&
	want61=$(apt-cache search --names-only "^linux-image-6\.1\.0-[0-9]+-cloud-amd64\$" |
		sed "s/^linux-image-//; s/ .*//" | sort -V | tail -1) &&
	want612=$(apt-cache search --names-only "^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64\$" |
		sed "s/^linux-image-//; s/ .*//" | sort -V | tail -1) &&
	echo "# tonight: $(cat k | tr "\n" " ")" >&3 &&
	sed -n 1p k | grep -qx "$want61" && sed -n 2p k | grep -qx "$want612"
'
test_done
