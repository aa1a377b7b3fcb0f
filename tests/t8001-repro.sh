#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='racerig repro: reported crashes are matched to scenarios and reproduced, or refused quickly'
. "$(dirname "$0")/lib-test.sh"

D="$TEST_ROOT/tests/data/reports"

test_expect_success 'an unrelated report gets "no matching scenario" within seconds' '
	t0=$(date +%s) &&
	"$RACERIG" repro "$D/unrelated-ext4-warning.log" >out; test $? = 1 &&
	test $(( $(date +%s) - t0 )) -le 5 &&
	grep -q "^no matching scenario" out &&
	grep -q "rcu-peer-update *rejected: bug class rcu-callback-double-queue, no signature frame" out
'

# A scenario that cannot be loaded is named and rejected with that reason;
# on 4d8536d its line showed whatever the previous scenario's reason was.
test_expect_success 'a scenario that fails to load is rejected as such' '
	cp -r "$TEST_ROOT/scenarios" sc && mkdir sc/zz-broken &&
	echo "{ \"name\": " >sc/zz-broken/scenario.json &&
	RACERIG_SCENARIOS="$TRASH/sc" "$RACERIG" repro "$D/unrelated-ext4-warning.log" >out 2>err;
	test $? = 1 &&
	grep -q "^  zz-broken *rejected: cannot be loaded" out &&
	grep -q "zz-broken/scenario.json:2:0" err
'

test_expect_success 'a report without a crash is a usage error' '
	echo "nothing to see" >empty.log &&
	"$RACERIG" repro empty.log 2>err; test $? = 129 && grep -q "holds no kernel crash" err
'

test_expect_success QEMU,IMAGE 'a 3.10-era report of seed race 1 is reproduced, reliability over 10 runs' '
	"$RACERIG" repro "$D/rcu-double-queue-3.10.log" --out bundle >out &&
	grep -q "rcu-peer-update *candidate: bug class rcu-callback-double-queue" out &&
	test "$(json_get bundle/repro.json "d[\"runs\"]")" = 10 &&
	k=$(json_get bundle/repro.json "d[\"matching_runs\"]") && test "$k" -ge 1 &&
	test "$(json_get bundle/repro.json "d[\"scenario\"]")" = rcu-peer-update &&
	test -s bundle/console.log && test -s bundle/vmcore && test -s bundle/scenario.json &&
	grep -q "^  racerig run rcu-peer-update --image .* --seed [0-9]* --param" bundle/README.txt &&
	echo "# $(grep "^reliability" out)" >&3
'

test_expect_success QEMU,IMAGE 'a crash-utility backtrace of seed race 1 is reproduced too' '
	"$RACERIG" repro "$D/rcu-double-queue-crash-bt.txt" --runs 3 --out bundle2 >out &&
	test "$(json_get bundle2/repro.json "d[\"scenario\"]")" = rcu-peer-update &&
	test "$(json_get bundle2/repro.json "d[\"runs\"]")" = 3
'
test_done
