#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='seed race 2: nfqueue-udp-clash crashes a kernel with 56b14ecec97f reverted (KASAN) in class nf-conntrack-clash-uaf; the same kernel without the revert does not'
. "$(dirname "$0")/lib-test.sh"

# Both kernels are 6.1.192 from Debian's linux-source with KASAN, built
# by images/build-kernel (ci/nightly-bisect, or RACERIG_TEST_BUILD_KERNELS=1).
OUT="$TRASH/runs"

# The KASAN kernels have, once in about 30 boots here, oopsed 2 ms into
# boot under TCG (KASAN wild-memory-access in handle_edge_irq), long
# before any scenario ran: such a boot-failed run is retried once.
# run_once_more IMAGE DURATION: racerig run into out; its exit status.
run_once_more() {
	for try in 1 2; do
		"$RACERIG" run nfqueue-udp-clash --image "$1" --duration "$2" --out "$OUT" >out
		rc=$?
		grep -q "^outcome: *boot-failed" out || return $rc
		echo "# boot $try failed: $(grep "^reason:" out)" >&3
	done
	return $rc
}

test_expect_success QEMU,SRCKERNELS 'the vulnerable kernel crashes, classified nf-conntrack-clash-uaf' '
	img=$(src_kernel bad) &&
	run_once_more "$img" 120; test $? = 1 &&
	grep -q "^outcome: *crashed" out &&
	grep -q "^title: *KASAN: use-after-free" out &&
	grep -q "^bug class: nf-conntrack-clash-uaf" out &&
	dir=$(run_dir_of out) && test -s "$dir/vmcore" &&
	json_get "$dir/run.json" "d[\"report\"][\"classes\"]" | grep -q nf-conntrack-clash-uaf &&
	echo "# time to crash after agent-ready: $(json_get "$dir/run.json" \
		"round(d[\"timings\"][\"crash_s\"] - d[\"timings\"][\"agent_ready_s\"], 1)") s" >&3
'

# 30 s is five times the vulnerable kernel's median time to crash (t8002:
# 10 of 10 runs crashed, median 5.7 s).
test_expect_success QEMU,SRCKERNELS 'the stock kernel runs clean for as long while clashes happen' '
	img=$(src_kernel good) &&
	run_once_more "$img" 30 &&
	grep -q "^outcome: *ok" out &&
	dir=$(run_dir_of out) &&
	rate=$(json_get "$dir/run.json" "d[\"rates\"][\"clash_per_s\"]") &&
	echo "# clashes per second survived by the fixed kernel: $rate" >&3 &&
	python3 -c "import sys; sys.exit(0 if float(\"$rate\") > 0 else 1)"
'
test_done
