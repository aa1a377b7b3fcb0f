#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='runs and campaigns lose nothing and delete nothing not theirs: names, the campaign lock, resume, disk limits'
. "$(dirname "$0")/lib-test.sh"

DB="$TRASH/results.db"
OUT="$TRASH/campaigns"
KERNEL=$(basename "$("$RACERIG" image show --dir 2>/dev/null)" 2>/dev/null)

# campaign NAME DURATION: a one-job noop campaign file, printed to stdout
campaign() {
	cat <<JSON
{ "name": "$1", "duration_s": $2, "jobs": 1, "seed": 1,
  "kernels": ["$KERNEL"], "scenarios": [ { "name": "noop", "params": {} } ] }
JSON
}

# Another campaign's run with its vmcore: what the review saw deleted.
sibling="$OUT/other/20261201-120000-noop-abcd"
mkdir -p "$sibling" && echo core >"$sibling/vmcore"

# An empty name made the output root the campaign's directory, and its
# --resume removed every other campaign's runs.  On 4d8536d the first
# call ran the campaign.
test_expect_success 'a campaign named "" is refused before it runs, and its siblings stay' '
	campaign "" 2 >empty.json &&
	{ "$RACERIG" stress empty.json --db "$DB" --out "$OUT" 2>err; test $? = 129 || test $? = 2; } &&
	grep -q "campaign name .* must be 1 to 64 characters" err &&
	{ "$RACERIG" stress empty.json --resume --db "$DB" --out "$OUT" 2>err; test $? != 0; } &&
	test -f "$sibling/vmcore" &&
	test "$(sqlite3 "$DB" "select count(*) from campaigns" 2>/dev/null || echo 0)" = 0
'

test_expect_success QEMU,IMAGE 'resume removes its own unfinished runs and nothing else' '
	campaign t7002 3 >c.json &&
	"$RACERIG" stress c.json --db "$DB" --out "$OUT" 2>log1 &&
	mkdir -p "$OUT/t7002/keep-me" "$OUT/t7002/20261201-120000-noop-beef" \
		"$OUT/t7002/20261201-120000-sysrq-crash-beef" &&
	echo mine >"$OUT/t7002/keep-me/file" && echo notes >"$OUT/t7002/notes.txt" &&
	ln -s "$sibling" "$OUT/t7002/20261201-120001-noop-cafe" &&
	"$RACERIG" stress c.json --resume --db "$DB" --out "$OUT" 2>log2 &&
	test -f "$OUT/t7002/keep-me/file" && test -f "$OUT/t7002/notes.txt" &&
	test -d "$OUT/t7002/20261201-120000-sysrq-crash-beef" &&
	test -L "$OUT/t7002/20261201-120001-noop-cafe" && test -f "$sibling/vmcore" &&
	! test -e "$OUT/t7002/20261201-120000-noop-beef" &&
	grep -q "leaving .*keep-me. alone" log2 &&
	test -f "$sibling/vmcore"
'

test_expect_success QEMU,IMAGE 'a second process refuses a campaign that is running' '
	campaign t7002b 40 >b.json &&
	"$RACERIG" stress b.json --db "$DB" --out "$OUT" 2>log3 &
	pid=$! &&
	for i in $(seq 50); do
		sqlite3 "$DB" "select 1 from campaigns where name=\"t7002b\"" 2>/dev/null | grep -q 1 && break
		sleep 0.2
	done &&
	{ "$RACERIG" stress b.json --resume --db "$DB" --out "$OUT" 2>err; rc=$?; } &&
	kill $pid; wait $pid;
	echo "# second process: exit $rc: $(head -1 err)" >&3 &&
	test "$rc" != 0 && grep -q "running in another process" err
'

# A guest that prints a new made-up title each run opens a bucket per run,
# and a bucket's first run was never pruned: on 4d8536d every one of
# these runs kept its vmcore.
test_expect_success QEMU,IMAGE 'a campaign keeps at most max_vmcores vmcores, however many buckets its guests mint' '
	cat >mint.json <<-JSON &&
	{ "name": "t7002-mint", "duration_s": 30, "jobs": 2, "seed": 5, "max_vmcores": 2,
	  "kernels": ["$KERNEL"], "scenarios": [ { "name": "made-up-bug", "params": {} } ] }
	JSON
	"$RACERIG" stress mint.json --db "$DB" --out "$OUT" 2>log4;
	runs=$(sqlite3 "$DB" "select count(*) from runs r join campaigns c on c.id = r.campaign_id where c.name = \"t7002-mint\" and outcome = \"crashed\"") &&
	buckets=$(sqlite3 "$DB" "select count(distinct bucket) from crashes where run_id like \"%made-up-bug%\"") &&
	cores=$(ls "$OUT"/t7002-mint/*/vmcore 2>/dev/null | wc -l) &&
	reports=$(ls "$OUT"/t7002-mint/*/report.json | wc -l) &&
	echo "# $runs crashed runs, $buckets buckets, $cores vmcores kept" >&3 &&
	test "$runs" -ge 4 && test "$cores" -le 2 && test "$reports" = "$runs"
'

# A crash on a disk too small for its vmcore: the run is recorded, the
# capture says why there is no vmcore.  On 4d8536d the dump was tried and
# failed as "memory dump failed", with part of a file left behind.
test_expect_success QEMU,IMAGE,ROOT 'a crash on a disk too short for a vmcore is recorded and says so' '
	mkdir small && mount -t tmpfs -o size=300m tmpfs small &&
	{ "$RACERIG" run sysrq-crash --out "$TRASH/small" >out; rc=$?; } ;
	dir=$(run_dir_of out) &&
	ok=$(test "$rc" = 1 && grep -q "^outcome: *crashed" out &&
		grep -q "^capture: *vmcore not saved: [0-9]* MiB free" out &&
		test -s "$dir/console.log" && test -s "$dir/report.json" &&
		! ls "$dir" | grep -q vmcore &&
		test "$(json_get "$dir/run.json" "d[\"dump_skipped\"]")" = "disk short" &&
		echo yes);
	umount small; test "$ok" = yes
'

# Run directories are named by the second and 16 random bits; on
# 4d8536d a name that existed was used again, so two runs could share a
# directory.  A preloaded getrandom() that returns zeros (a fake: the
# real collision needs 65536 names a second, which a slow machine cannot
# make ahead of the clock) makes every name the run tries
# <stamp>-noop-0000; those of the next seconds exist already, so the run
# must refuse rather than write into one of them.
test_expect_success QEMU,IMAGE 'a run never reuses an existing run directory' '
	printf "%s\n" "#include <string.h>" "#include <sys/types.h>" \
		"ssize_t getrandom(void *b, size_t n, unsigned f)" \
		"{ (void)f; memset(b, 0, n); return (ssize_t)n; }" >zero.c &&
	cc -shared -fPIC -o zero.so zero.c &&
	mkdir taken && now=$(date +%s) &&
	for s in $(seq 0 20); do
		mkdir "taken/$(date -d "@$((now + s))" +%Y%m%d-%H%M%S)-noop-0000" || exit 1
	done &&
	{ ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$TRASH/zero.so" \
		"$RACERIG" run noop --out "$TRASH/taken" >out 2>err; rc=$?; } ;
	echo "# exit $rc: $(cat err)" >&3 &&
	test "$rc" = 2 && grep -q "cannot create a fresh run directory" err &&
	test -z "$(find taken -mindepth 2 | head -1)"
'

test_done
