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
	# its kernel ran an out-of-tree module (vpnlink, OE): the model counts
	grep -q "^the report.s kernel ran an out-of-tree module: yes" out &&
	grep -q "^verdict: reproduced [0-9]* of 10 runs: same title" out &&
	test "$(json_get bundle/repro.json "d[\"model\"]")" = False &&
	echo "# $(grep "^reliability" out)" >&3
'

# syzbot's use-after-free in put_ucounts from an RCU callback (a
# refcount bug in the kernel's own code, "Not tainted") fits the class
# that rcu-peer-update models; its crash there is the model's, and the
# verdict says so.
test_expect_success QEMU,IMAGE 'a report that only a model matches gets a verdict saying "model"' '
	"$RACERIG" repro "$TEST_ROOT/tests/data/syzkaller-linux/report/638" --runs 2 \
		--budget 300 --out bundle3 >out &&
	grep -q "^the report.s kernel ran an out-of-tree module: no" out &&
	grep -q "^  run [12] of 2: " out &&
	grep -q "^verdict: model: consistent with bug class rcu-callback-double-queue as modelled by scenario rcu-peer-update" out &&
	grep -q "not reproduced on the kernel.s own code" out &&
	test "$(json_get bundle3/repro.json "d[\"model\"]")" = True &&
	echo "# $(grep "^verdict" out)" >&3
'

test_expect_success QEMU,IMAGE 'a crash-utility backtrace of seed race 1 is reproduced too' '
	"$RACERIG" repro "$D/rcu-double-queue-crash-bt.txt" --runs 3 --out bundle2 >out &&
	test "$(json_get bundle2/repro.json "d[\"scenario\"]")" = rcu-peer-update &&
	test "$(json_get bundle2/repro.json "d[\"runs\"]")" = 3
'
test_done
