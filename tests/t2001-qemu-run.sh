#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='boot the real Debian kernel under QEMU with 2 vCPUs: agent, steps, crash capture'
. "$(dirname "$0")/lib-test.sh"

OUT="$TRASH/runs"

test_expect_success QEMU,IMAGE 'boot reaches agent-ready and reports the time' '
	"$RACERIG" boot --smp 2 --out "$OUT" >out &&
	grep -q "^boot 1: agent ready in [0-9.]* s (.*, 2 vCPUs" out
'

test_expect_success QEMU,IMAGE 'a step s output, stderr, status, affinity and env come back' '
	"$RACERIG" run exec-check --seed 4242 --out "$OUT" >out &&
	grep -q "^outcome: *ok" out &&
	dir=$(run_dir_of out) &&
	grep -q "^\[1:out\] hello-from-guest$" "$dir/steps.log" &&
	grep -q "^\[1:err\] to-stderr$" "$dir/steps.log" &&
	grep -q "^\[1:out\] cpus=1$" "$dir/steps.log" &&
	grep -q "^\[1:out\] seed=4242$" "$dir/steps.log" &&
	grep -q "^\[1:out\] release=$(json_get "$dir/run.json" "d[\"kernel_release\"]")$" "$dir/steps.log" &&
	test "$(json_get "$dir/run.json" "d[\"steps\"][0][\"status\"]")" = 7 &&
	test "$(json_get "$dir/run.json" "d[\"seed\"]")" = 4242
'

test_expect_success QEMU,IMAGE 'an unexpected exit status fails the run and says which step' '
	"$RACERIG" run exec-check --param status=3 --out "$OUT" >out; test $? = 1 &&
	grep -q "^outcome: *failed" out &&
	grep -q "^reason: *step 1 (/bin/sh) exited with an unexpected status" out
'

test_expect_success QEMU,IMAGE 'sysrq-crash ends crashed with a vmcore that makedumpfile reads' '
	"$RACERIG" run sysrq-crash --out "$OUT" >out; test $? = 1 &&
	grep -q "^outcome: *crashed" out &&
	grep -q "^title: *kernel panic: sysrq triggered crash" out &&
	dir=$(run_dir_of out) &&
	test -s "$dir/vmcore" && test -s "$dir/console.log" &&
	grep -q "sysrq triggered crash" "$dir/dmesg.txt" &&
	makedumpfile --dump-dmesg "$dir/vmcore" "$TRASH/again.txt" >/dev/null 2>&1 &&
	grep -q "sysrq triggered crash" "$TRASH/again.txt" &&
	test "$(json_get "$dir/run.json" "d[\"outcome\"]")" = crashed &&
	test "$(json_get "$dir/run.json" "d[\"vmcore\"][\"source\"]")" = qemu &&
	test "$(json_get "$dir/run.json" "d[\"vmcore\"][\"release\"]")" = \
	     "$(json_get "$dir/run.json" "d[\"kernel_release\"]")"
'

# The run directory's path has a comma: on 4d8536d QEMU read the rest of
# "-drive file=" as options and did not start.
test_expect_success QEMU,IMAGE 'in-guest kdump: the capture kernel saves a vmcore to the virtio disk' '
	"$RACERIG" run sysrq-crash --dump kdump --out "$OUT/with,comma" >out; test $? = 1 &&
	grep -q "^outcome: *crashed" out &&
	grep -q "^vmcore: .*(kdump dump, " out &&
	dir=$(run_dir_of out) &&
	grep -q "sysrq triggered crash" "$dir/dmesg.txt" &&
	grep -q "racerig-kdump: saved" "$dir/console.log" &&
	test "$(json_get "$dir/run.json" "d[\"vmcore\"][\"source\"]")" = kdump &&
	! test -e "$dir/kdump.disk" &&
	# panic() kexecs after the other CPUs backtraces (on 8168ad5 it
	# kexeced first, and other_cpus was empty)
	json_get "$dir/report.json" "sorted(c[\"cpu\"] for c in d[\"other_cpus\"] if c[\"frames\"])" >got &&
	json_get "$dir/run.json" "sorted(set(range(d[\"smp\"])) - {d[\"report\"][\"crash_cpu\"]})" >want &&
	test "$(cat want)" != "[]" && diff -u want got
'

test_expect_success QEMU,IMAGE 'a guest that stops answering ends as hung, with a dump' '
	"$RACERIG" run cpu-hog --heartbeat-timeout 8 --out "$OUT" >out; test $? = 1 &&
	grep -q "^outcome: *hung" out &&
	grep -q "^reason: *no heartbeat from the agent for 8 s" out &&
	dir=$(run_dir_of out) && test -s "$dir/vmcore"
'

test_expect_success QEMU,IMAGE 'racerig classify reads a run directory' '
	dir=$(ls -d "$OUT"/*-sysrq-crash-* | head -1) &&
	"$RACERIG" classify "$dir" >out &&
	test "$(head -1 out)" = "kernel panic: sysrq triggered crash"
'

test_done
