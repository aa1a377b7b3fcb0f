#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='general race workloads: stress-ng, trinity and the networking mix run clean on the default kernel; a workload that dies is the workload-failed outcome, not a kernel verdict'
. "$(dirname "$0")/lib-test.sh"

# How long each workload runs here (60 s when checked by hand: see the
# README); the test asserts the declared outcome, not a duration.
SECS=${RACERIG_TEST_WORKLOAD_S:-30}

test_expect_success 'each workload scenario passes scenario check' '
	for s in stress-ng trinity net-mix; do
		"$RACERIG" scenario check "$s" >out 2>err || { cat err; exit 1; }
	done
'

test_expect_success 'deadline.sh kills what its command left running past the deadline, says where it was, and keeps the command'"'"'s status' '
	dl="$TEST_ROOT/scenarios/lib/deadline.sh" &&
	{ "$dl" 2 sh -c "sleep 60 & wait \$!; echo child \$?; exit 3" >dout 2>derr; rc=$?; } &&
	cat dout derr &&
	test $rc = 3 && grep -qx "child 137" dout &&
	grep -q "^deadline.sh: sleep (pid [0-9]*) still running 2 s after the start: state S wchan [a-z_0-9?]*; killing it" derr &&
	{ "$dl" 30 sh -c "exit 4" 2>derr; rc=$?; } &&
	test $rc = 4 && test ! -s derr &&
	{ "$dl" 2x true 2>derr; rc=$?; } &&
	test $rc = 2 && grep -q "not a number of seconds" derr
'

for s in stress-ng trinity net-mix; do
	test_expect_success QEMU,IMAGE "a ${SECS} s run of $s ends ok, booted with the workload archive only if it needs it" "
		\"\$RACERIG\" run $s --duration $SECS --out runs >out 2>err;
		dir=\$(run_dir_of out) &&
		{ grep -h 'deadline.sh\\|at the time limit' \"\$dir/steps.log\" || :; } &&
		n=\$(grep -c '^\\[.*\\] deadline.sh: .*killing it' \"\$dir/steps.log\") ;
		test \"\$n\" = 0 || echo \"# $s: deadline.sh killed \$n straggler(s) (steps.log)\" >&3 &&
		grep -q '^outcome: *ok' out &&
		case $s in
		net-mix) ! grep -q initramfs-workloads \"\$dir/qemu.cmdline\" ;;
		*) grep -q initramfs-workloads \"\$dir/qemu.cmdline\" ;;
		esac
	"
done

# Scenarios of the test's own (RACERIG_SCENARIOS): steps from busybox.
mk_scenario() {	# NAME WORKLOAD ARGV-JSON [TIMEOUT-S]
	mkdir -p "sc/$1" && cat >"sc/$1/scenario.json" <<JSON
{ "name": "$1", "description": "t5004: a step that $1", "bug_class": null,
  "expect": "ok", "vm": { "smp": 2, "mem_mb": 256, "cmdline": [] },
  "params": {}, "duration_s": 30,
  "steps": [ { "argv": $3, "workload": $2, "timeout_s": ${4:-120} } ] }
JSON
}

test_expect_success QEMU,IMAGE 'a workload that exits non-zero is workload-failed (exit 2); the same step unmarked is failed (exit 1)' '
	cp -r "$TEST_ROOT/scenarios" sc &&
	mk_scenario wl-exit true "[\"/bin/sh\", \"-c\", \"exit 3\"]" &&
	mk_scenario step-exit false "[\"/bin/sh\", \"-c\", \"exit 3\"]" &&
	{ RACERIG_SCENARIOS="$TRASH/sc" "$RACERIG" run wl-exit --out runs >out 2>err; rc=$?; } &&
	test $rc = 2 && grep -q "^outcome: *workload-failed" out &&
	grep -q "^reason: .*(status 3)" out &&
	{ RACERIG_SCENARIOS="$TRASH/sc" "$RACERIG" run step-exit --out runs >out 2>err; rc=$?; } &&
	test $rc = 1 && grep -q "^outcome: *failed" out
'

test_expect_success QEMU,IMAGE 'a workload the OOM killer kills is workload-failed and says so' '
	mk_scenario wl-oom true "[\"/bin/sh\", \"-c\", \"tail /dev/zero\"]" &&
	{ RACERIG_SCENARIOS="$TRASH/sc" "$RACERIG" run wl-oom --out runs >out 2>err; rc=$?; } &&
	echo "# exit $rc: $(grep "^reason" out)" >&3 &&
	test $rc = 2 && grep -q "^outcome: *workload-failed" out &&
	grep -q "^reason: .*(signal 9).*OOM killer" out
'

test_expect_success QEMU,IMAGE 'a workload past its time limit is workload-failed, and the reason names what it left running' '
	# (the shell execs its last command: two sleeps are left)
	mk_scenario wl-stuck true "[\"/bin/sh\", \"-c\", \"sleep 300 & sleep 301\"]" 5 &&
	{ RACERIG_SCENARIOS="$TRASH/sc" "$RACERIG" run wl-stuck --out runs >out 2>err; rc=$?; } &&
	echo "# exit $rc: $(grep "^reason" out)" >&3 &&
	test $rc = 2 && grep -q "^outcome: *workload-failed" out &&
	grep -q "^reason: .*timed out (signal 9); still running: sleep state S wchan [a-z_0-9]* and 1 more (steps.log)" out &&
	dir=$(run_dir_of out) &&
	test $(grep -c "^\[1:err\] racerig-agent: at the time limit: pid [0-9]* sleep state S wchan " "$dir/steps.log") = 2
'

test_done
