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

test_expect_success '--snapshot with --dump kdump is refused' '
	test_have_prereq IMAGE || exit 0
	"$RACERIG" run noop --snapshot --dump kdump --out "$OUT" >out 2>err; test $? != 0 &&
	grep -q "snapshot and --dump kdump do not go together" err
'
test_done
