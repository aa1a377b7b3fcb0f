#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='stress campaigns: parallel runs into SQLite, SIGKILL and resume, reports, replay'
. "$(dirname "$0")/lib-test.sh"

DB="$TRASH/results.db"
OUT="$TRASH/campaigns"
cat >"$TRASH/camp.json" <<JSON
{ "name": "t7001", "duration_s": 75, "jobs": 2, "seed": 3, "mode": "guided",
  "disk_budget_mb": 100,
  "kernels": ["$(basename "$("$RACERIG" image show --dir 2>/dev/null)")"],
  "scenarios": [
    { "name": "exec-check", "params": {} },
    { "name": "sysrq-crash", "params": {} },
    { "name": "rcu-peer-update", "duration_s": 8,
      "params": { "jitter_us": [0, 3000], "fixed": [0, 1] },
      "hit_metric": "collisions" } ] }
JSON

test_expect_success QEMU,IMAGE 'a campaign killed with SIGKILL midway resumes and loses nothing' '
	"$RACERIG" stress "$TRASH/camp.json" --db "$DB" --out "$OUT" 2>log1 &
	pid=$! &&
	for i in $(seq 1 100); do
		# kill it once it has recorded a run (35 s on a quiet machine)
		n=$(sqlite3 "$DB" "select count(*) from runs" 2>/dev/null) &&
			test "${n:-0}" -gt 0 && test $i -ge 35 && break
		sleep 1
	done && kill -9 $pid && wait $pid;
	before=$(sqlite3 "$DB" "select count(*) from runs") &&
	test "$before" -gt 0 &&
	! "$RACERIG" stress "$TRASH/camp.json" --db "$DB" --out "$OUT" 2>err &&
	grep -q "use --resume" err &&
	"$RACERIG" stress "$TRASH/camp.json" --resume --db "$DB" --out "$OUT" 2>log2 &&
	grep -q "(resumed)" log2 &&
	after=$(sqlite3 "$DB" "select count(*) from runs") &&
	dirs=$(ls "$OUT/t7001" | wc -l) &&
	withjson=$(ls "$OUT"/t7001/*/run.json | wc -l) &&
	echo "# runs before the kill: $before, after resume: $after, run dirs: $dirs" >&3 &&
	test "$after" -gt "$before" && test "$after" = "$dirs" && test "$dirs" = "$withjson" &&
	test "$(sqlite3 "$DB" "select count(distinct seq) from runs")" = "$after" &&
	test "$(sqlite3 "$DB" "select finished from campaigns where name=\"t7001\"")" = 1
'

test_expect_success QEMU,IMAGE 'run directories are pruned to the budget, keeping each bucket s first vmcore' '
	crashed=$(sqlite3 "$DB" "select count(*) from runs where outcome=\"crashed\"") &&
	cores=$(ls "$OUT"/t7001/*/vmcore 2>/dev/null | wc -l) &&
	kb=$(du -sk "$OUT/t7001" | cut -f1) &&
	echo "# $crashed crashed runs, $cores vmcores kept, $kb KiB on disk" >&3 &&
	test "$crashed" -gt "$cores" && test "$kb" -lt $((200 * 1024)) &&
	for d in $(sqlite3 "$DB" "select r.dir from buckets b join runs r on r.run_id = b.first_run"); do
		test -f "$d/vmcore" && test -f "$d/console.log" || exit 1
	done
'

test_expect_success QEMU,IMAGE 'the report: HTML with buckets and plots, JSON, JUnit; exit 1 on a new bucket' '
	"$RACERIG" report --db "$DB" --campaign t7001 --html r.html --json r.json \
		--junit r.xml >out; test $? = 1 &&
	grep -q "kernel panic: sysrq triggered crash" r.html &&
	! grep -q "<script\|https\?://" r.html &&
	test "$(json_get r.json "d[\"new_buckets\"]")" -ge 1 &&
	python3 -c "import xml.etree.ElementTree as E; t=E.parse(\"r.xml\"); \
		cases=t.findall(\".//testcase\"); assert len(cases) == 3, cases; \
		assert any(c.find(\"failure\") is not None for c in cases)"
'

test_expect_success QEMU,IMAGE 'headless Chromium renders the report with its table and plots' '
	command -v chromium >/dev/null || { echo "# chromium missing" >&3; exit 1; }
	flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
		--disable-background-networking --disable-component-update --disable-sync
		--user-data-dir=$TRASH/chromium"
	timeout 120 chromium $flags --window-size=1100,1400 --screenshot="$TRASH/report.png" \
		"file://$TRASH/r.html" >/dev/null 2>&1 &&
	test "$(stat -c %s "$TRASH/report.png")" -gt 20000 &&
	timeout 120 chromium $flags --dump-dom "file://$TRASH/r.html" 2>/dev/null >dom.html &&
	grep -q "<table id=\"buckets\">" dom.html &&
	grep -q "<svg class=\"plot\" id=\"crash-rate\"" dom.html &&
	test "$(grep -c "<circle" dom.html)" -gt 0 &&
	python3 "$TEST_ROOT/tests/report-check.py" dom.html "$TRASH" "$DB" >check 2>&1 ||
		{ cat check; exit 1; }
	sed "s/^/# /" check >&3 &&
	echo "# screenshot: $TRASH/report.png" >&3
'

test_expect_success QEMU,IMAGE 'run --replay repeats a recorded run with its parameters and seed' '
	id=$(sqlite3 "$DB" "select run_id from runs where scenario=\"exec-check\" limit 1") &&
	"$RACERIG" run --replay "$id" --db "$DB" --out "$TRASH/replay" >out &&
	dir=$(run_dir_of out) &&
	test "$(json_get "$dir/run.json" "d[\"seed\"]")" = \
	     "$(sqlite3 "$DB" "select seed from runs where run_id=\"$id\"")"
'
test_done
