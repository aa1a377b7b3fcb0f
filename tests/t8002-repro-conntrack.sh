#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='racerig repro: field reports of seed race 2 reproduced on a kernel where the bug is live'
. "$(dirname "$0")/lib-test.sh"

D="$TEST_ROOT/tests/data/reports"
# The KASAN kernel takes 13 s to boot and 6 s to crash: the runs start
# from a snapshot (t8001 covers repro with booted runs).

test_expect_success QEMU,SRCKERNELS 'a 3.10-era conntrack clash report is reproduced on the vulnerable kernel, over 10 runs' '
	img=$(src_kernel bad) &&
	"$RACERIG" repro "$D/conntrack-clash-3.10.log" --kernel "$img" --snapshot --out bundle >out &&
	grep -q "nfqueue-udp-clash *candidate: bug class nf-conntrack-clash-uaf" out &&
	test "$(json_get bundle/repro.json "d[\"scenario\"]")" = nfqueue-udp-clash &&
	test "$(json_get bundle/repro.json "d[\"runs\"]")" = 10 &&
	k=$(json_get bundle/repro.json "d[\"matching_runs\"]") && test "$k" -ge 1 &&
	test -s bundle/console.log && test -s bundle/vmcore &&
	grep -q "^  racerig run nfqueue-udp-clash --image $img .*--seed [0-9]* .*--snapshot\$" bundle/README.txt &&
	run=$(json_get bundle/repro.json "d[\"run_dir\"]") &&
	test "$(json_get "$run/run.json" "d[\"restored_from_snapshot\"]")" = True &&
	echo "# $(grep "^reliability" out)" >&3
'

test_expect_success QEMU,SRCKERNELS 'a crash-utility backtrace of the same bug is reproduced too' '
	img=$(src_kernel bad) &&
	"$RACERIG" repro "$D/conntrack-clash-crash-bt.txt" --kernel "$img" --runs 3 --snapshot --out bundle2 >out &&
	test "$(json_get bundle2/repro.json "d[\"scenario\"]")" = nfqueue-udp-clash &&
	test "$(json_get bundle2/repro.json "d[\"matching_runs\"]")" -ge 1
'
test_done
