#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='racerig repro: reported crashes are planned from their frames, matched to scenarios and reproduced, or refused quickly'
. "$(dirname "$0")/lib-test.sh"

D="$TEST_ROOT/tests/data/reports"

# (the first repro of an image boots it once to read its function names:
# Debian'"'"'s System.map is a stub; later ones read them from the image)
test_expect_success 'a report where no scenario fits gets "no matching scenario" without a run' '
	t0=$(date +%s) &&
	"$RACERIG" repro "$D/unplanned-gpu-fault.log" >out; test $? = 1 &&
	test $(( $(date +%s) - t0 )) -le 30 &&
	grep -q "^no matching scenario" out &&
	grep -q "^  amdgpu_vm_bo_update  *-  *not in the target kernel" out &&
	grep -q "rcu-peer-update *rejected: bug class rcu-callback-double-queue, no signature frame" out &&
	grep -q "stress-ng *rejected: exercises none of the report.s areas" out &&
	! grep -q "^trying" out
'

# A scenario that cannot be loaded is named and rejected with that reason;
# on 4d8536d its line showed whatever the previous scenario's reason was.
test_expect_success 'a scenario that fails to load is rejected as such' '
	cp -r "$TEST_ROOT/scenarios" sc && mkdir sc/zz-broken &&
	echo "{ \"name\": " >sc/zz-broken/scenario.json &&
	RACERIG_SCENARIOS="$TRASH/sc" "$RACERIG" repro "$D/unplanned-gpu-fault.log" >out 2>err;
	test $? = 1 &&
	grep -q "^  zz-broken *rejected: cannot be loaded" out &&
	grep -q "zz-broken/scenario.json:2:0" err
'

# A module's functions are placed by the module's path, vmlinux's by
# name; the seed comes first, then the workload aimed closest
# (net/netfilter over net), and injection points go only to scenarios
# that load the frame's module.  --budget 1 leaves no time for a run.
test_expect_success QEMU,IMAGE 'a netfilter report: frames placed by module, the seed first, then workloads aimed at net/netfilter' '
	"$RACERIG" repro "$D/conntrack-clash-3.10.log" --budget 1 >out; test $? = 1 &&
	grep -q "^  nf_ct_deliver_cached_events  *net/netfilter  *module nf_conntrack" out &&
	grep -q "^  nfqnl_recv_verdict  *net/netfilter  *module nfnetlink_queue" out &&
	grep -q "^  netlink_unicast  *net/core  *vmlinux" out &&
	grep -q "^  SyS_sendto  *-  *not in the target kernel" out &&
	grep -q "^  1\. nfqueue-udp-clash: bug class nf-conntrack-clash-uaf" out &&
	grep -q "^  2\. net-mix nat=1: exercises net/netfilter" out &&
	sed -n "/^  2\. net-mix nat=1/,/^  3\./p" out | grep -q "delay injected at __nf_conntrack_confirm" &&
	! sed -n "/^  [0-9]*\. stress-ng set=net/,/^  [0-9]*\. [a-z]/p" out | grep -q "delay injected" &&
	grep -q "^verdict: not reproduced in 0 runs" out
'

# No scenario was written for ext4 or the page cache: the plan places the
# frames in the target kernel (ext4_set_page_dirty is gone from 6.1.192,
# folio_mark_dirty is in vmlinux), aims the general workloads at fs, and
# tries delays at the frames the kernel has; each try gets a quarter of
# the budget, and none starts that could not end within it.
test_expect_success QEMU,IMAGE 'a filesystem report no scenario was written for: a plan from its frames, run within the budget, and a verdict' '
	t0=$(date +%s) &&
	"$RACERIG" repro "$D/unrelated-ext4-warning.log" --budget 60 >out; rc=$? &&
	t1=$(date +%s) &&
	sed -n "/^plan:/,\$p" out | sed "s/^/# /" >&3 &&
	test $rc = 1 &&
	grep -q "^  ext4_set_page_dirty  *fs/ext4  *not in the target kernel" out &&
	grep -q "^  folio_mark_dirty  *mm  *vmlinux" out &&
	grep -q "^  1\. stress-ng set=fs: exercises fs, where 1 of the report.s frames is (ext4_set_page_dirty)" out &&
	grep -q "^  bio_set_pages_dirty  *block  *vmlinux" out &&
	grep -q "^  2\. trinity group=vfs: exercises fs" out &&
	grep -q "^     then with a delay injected at folio_mark_dirty (entry, 200 us, 1 call in 10)" out &&
	grep -A1 "^trying stress-ng set=fs on the default image (defaults)" out | grep -q "^  run: no match (ok)" &&
	grep -A1 "^trying stress-ng set=fs inject_symbol=folio_mark_dirty inject_delay_us=200 inject_permille=100 on" out | grep -q "^  run: no match (ok)" &&
	n=$(sed -n "s/^verdict: not reproduced in \([0-9]*\) runs and [0-9]* s$/\1/p" out) &&
	s=$(sed -n "s/^verdict: not reproduced in [0-9]* runs and \([0-9]*\) s$/\1/p" out) &&
	test "$n" -ge 2 && test "$s" -le 60 &&
	test $((t1 - t0)) -le 90
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
