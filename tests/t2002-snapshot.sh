#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='snapshot fast reset: runs restored from one snapshot reach agent-ready, draw different random numbers and take the host clock'
. "$(dirname "$0")/lib-test.sh"

OUT="$TRASH/runs"

test_expect_success QEMU,IMAGE 'boot --snapshot saves once, then restores to agent-ready' '
	"$RACERIG" boot --snapshot --count 2 >out 2>err &&
	grep -q "^boot 2: agent ready in" out &&
	{ grep -q "racerig: snapshot: saved in" err || true; } &&
	echo "# $(grep "^boot_to_agent_median_s" out) (restored)" >&3
'

# The snapshot was saved at least a few seconds before the runs below;
# a restored guest whose clock was not set would be that far behind.
test_expect_success QEMU,IMAGE 'two runs from one snapshot draw different random numbers, on the host clock' '
	sleep 5 &&
	for i in 1 2; do
		"$RACERIG" run random-draw --snapshot --out "$OUT" >out$i 2>&1 &&
		grep -q "^outcome: *ok" out$i || exit 1
		dir=$(run_dir_of out$i) &&
		test "$(json_get "$dir/run.json" "d[\"restored_from_snapshot\"]")" = True &&
		sed -n "s/^\[1:out\] random=//p" "$dir/steps.log" >r$i &&
		test "$(wc -c <r$i)" = 33 &&
		guest=$(sed -n "s/^\[1:out\] clock=//p" "$dir/steps.log") &&
		host=$(date +%s) &&
		test $((host - guest)) -le 3 && test $((guest - host)) -le 1 || exit 1
	done &&
	! cmp -s r1 r2 &&
	echo "# random draws: $(cat r1) $(cat r2)" >&3
'

test_expect_success QEMU,IMAGE 'a snapshot run can crash and be dumped like a booted one' '
	"$RACERIG" run sysrq-crash --snapshot --out "$OUT" >out; test $? = 1 &&
	grep -q "^outcome: *crashed" out && dir=$(run_dir_of out) && test -s "$dir/vmcore" &&
	makedumpfile --dump-dmesg "$dir/vmcore" dmesg.txt >/dev/null 2>&1 &&
	grep -q "sysrq: Trigger a crash" dmesg.txt
'

# A private cache (the real one's entries linked in, snapshots not), so
# that damaging the snapshot below touches no other test's.
test_expect_success QEMU,IMAGE 'a damaged snapshot is an error naming it, and is made again once removed' '
	real=${RACERIG_CACHE:-$HOME/.cache/racerig} &&
	mkdir cache && for e in "$real"/*; do
		test "${e##*/}" = snapshots || ln -s "$e" cache/ || exit 1
	done &&
	RACERIG_CACHE=$PWD/cache "$RACERIG" run noop --snapshot --out "$OUT" >out 2>err &&
	state=$(ls cache/snapshots/*/state) && test -s "$state" &&
	head -c 1000 "$state" >cut && cat cut >"$state" &&
	RACERIG_CACHE=$PWD/cache "$RACERIG" run noop --snapshot --out "$OUT" >out 2>err; test $? = 2 &&
	grep -q "^outcome: *error" out &&
	grep -q "could not load the snapshot state .*$state" err &&
	rm -rf "${state%/state}" &&
	RACERIG_CACHE=$PWD/cache "$RACERIG" run noop --snapshot --out "$OUT" >out 2>err &&
	grep -q "^outcome: *ok" out && grep -q "snapshot: saved in" err
'

# Ten old snapshots (2..11 days unused), one of them locked as if being
# saved, and a directory that is not a snapshot; a new save keeps the 8
# most recently used (itself and 2..8 days), the locked one and the
# stranger, and removes the rest.
test_expect_success QEMU,IMAGE 'a new snapshot prunes old unused ones, never a locked one' '
	mkdir -p prune && for e in cache/*; do
		test "${e##*/}" = snapshots || ln -s "$PWD/$e" prune/ || exit 1
	done &&
	for d in 2 3 4 5 6 7 8 9 10 11; do
		k=prune/snapshots/$(printf "%016x" $d) &&
		mkdir -p $k && echo x >$k/ram && echo x >$k/state && : >$k/lock &&
		touch -d "$d days ago" $k || exit 1
	done &&
	mkdir prune/snapshots/notakey && touch -d "30 days ago" prune/snapshots/notakey &&
	( exec 9>prune/snapshots/000000000000000a/lock && flock 9 && exec sleep 60 ) \
		>/dev/null 2>&1 3>&- &
	locker=$! && sleep 0.5 &&
	RACERIG_CACHE=$PWD/prune "$RACERIG" run noop --snapshot --out "$OUT" >out 2>err;
	rc=$?; kill $locker; test $rc = 0 &&
	grep -q "snapshot: saved in" err &&
	for d in 2 3 4 5 6 7 8 10; do
		test -f prune/snapshots/$(printf "%016x" $d)/state || exit 1
	done &&
	! test -e prune/snapshots/0000000000000009 &&
	! test -e prune/snapshots/000000000000000b &&
	test -d prune/snapshots/notakey &&
	grep -q "removed unused .*/0000000000000009" err &&
	test "$(ls prune/snapshots | wc -l)" = 10
'

test_expect_success QEMU,IMAGE 'a campaign with "snapshot": true restores every run, crashes dumped' '
	cat >camp.json <<-JSON &&
	{ "name": "t2002", "duration_s": 20, "jobs": 2, "seed": 9, "snapshot": true,
	  "kernels": ["$(basename "$("$RACERIG" image show --dir 2>/dev/null)")"],
	  "scenarios": [ { "name": "noop", "params": {} },
	                 { "name": "sysrq-crash", "params": {} } ] }
	JSON
	"$RACERIG" stress camp.json --db camp.db --out camp 2>log &&
	n=$(sqlite3 camp.db "select count(*) from runs") && test "$n" -ge 4 &&
	test "$(ls camp/t2002/*/run.json | wc -l)" = "$n" &&
	for j in camp/t2002/*/run.json; do
		test "$(json_get "$j" "d[\"restored_from_snapshot\"]")" = True || exit 1
	done &&
	test "$(sqlite3 camp.db "select count(*) from runs where outcome not in (\"ok\", \"crashed\")")" = 0 &&
	d=$(sqlite3 camp.db "select dir from runs where outcome=\"crashed\" limit 1") &&
	test -s "$d/vmcore" &&
	echo "# $n restored runs in 20 s with 2 jobs" >&3
'

test_expect_success 'a campaign cannot ask for snapshots on libvirt hosts' '
	test_have_prereq IMAGE || exit 0
	cat >bad.json <<-JSON &&
	{ "name": "bad", "duration_s": 20, "snapshot": true,
	  "hosts": [ { "uri": "qemu:///system", "capacity": 1 } ],
	  "kernels": ["x"], "scenarios": [ { "name": "noop", "params": {} } ] }
	JSON
	! "$RACERIG" stress bad.json --db bad.db --out bad 2>err &&
	grep -q "bad.json: .snapshot. needs the local QEMU backend" err
'

test_expect_success QEMU,IMAGE 'repro --snapshot reproduces seed race 1 from restored runs' '
	"$RACERIG" repro "$TEST_ROOT/tests/data/reports/rcu-double-queue-3.10.log" \
		--runs 3 --snapshot --out bundle >out &&
	test "$(json_get bundle/repro.json "d[\"scenario\"]")" = rcu-peer-update &&
	test "$(json_get bundle/repro.json "d[\"matching_runs\"]")" -ge 1 &&
	grep -q -- "--snapshot\$" bundle/README.txt &&
	run=$(json_get bundle/repro.json "d[\"run_dir\"]") &&
	test "$(json_get "$run/run.json" "d[\"restored_from_snapshot\"]")" = True
'

test_expect_success '--snapshot with --dump kdump is refused' '
	test_have_prereq IMAGE || exit 0
	"$RACERIG" run noop --snapshot --dump kdump --out "$OUT" >out 2>err; test $? != 0 &&
	grep -q "snapshot and --dump kdump do not go together" err
'
test_done
