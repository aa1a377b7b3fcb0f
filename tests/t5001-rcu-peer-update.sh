#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='seed race 1: rcu-peer-update crashes in class rcu-callback-double-queue; fixed=1 does not'
. "$(dirname "$0")/lib-test.sh"

OUT="$TRASH/runs"

test_expect_success QEMU,IMAGE 'buggy mode crashes and is classified rcu-callback-double-queue' '
	"$RACERIG" run rcu-peer-update --duration 120 --out "$OUT" >out; test $? = 1 &&
	grep -q "^outcome: *crashed" out &&
	grep -q "^bug class: rcu-callback-double-queue" out &&
	dir=$(run_dir_of out) && test -s "$dir/vmcore" &&
	json_get "$dir/run.json" "d[\"report\"][\"classes\"]" | grep -q rcu-callback-double-queue
'

# A CPU that was running user code at the panic has no kernel stack: it
# is listed with "user": true, its task, and the frames of the scenario
# program it ran, named from the host build (run-symbols.c).  The other
# updater spins at the driver's barrier between rounds.
test_expect_success QEMU,IMAGE 'the crash shows every other vCPU with its stack' '
	dir=$(run_dir_of out) &&
	json_get "$dir/report.json" "sorted(c[\"cpu\"] for c in d[\"other_cpus\"] if c[\"frames\"])" >got &&
	echo "# $(json_get "$dir/report.json" "[(c[\"cpu\"], c.get(\"comm\"), c[\"frames\"][:3]) for c in d[\"other_cpus\"]]")" >&3 &&
	json_get "$dir/run.json" "sorted(set(range(d[\"smp\"])) - {d[\"report\"][\"crash_cpu\"]})" >want &&
	echo "# other CPUs shown: $(cat got), in user space: $(json_get "$dir/report.json" "[c[\"cpu\"] for c in d[\"other_cpus\"] if c.get(\"user\")]")" >&3 &&
	test "$(cat want)" != "[]" && diff -u want got &&
	grep -q "^other CPUs at the crash (CPU [0-9]* crashed):" out &&
	test "$(grep -c "^  cpu [0-9]*  *[a-z_]" out)" = "$(json_get "$dir/run.json" "d[\"smp\"] - 1")" &&
	json_get "$dir/report.json" "[c for c in d[\"other_cpus\"] if c.get(\"user\")]" >user &&
	if grep -q "driver" user; then
		grep -q "^  cpu [0-9]*  *[a-z_].* (in user space: driver, pid [0-9]*)$" out &&
		grep -q "worker_main" user
	fi
'

# object=dst: the links keep real IPv4 routes and the background frees
# route lookups, so the frees that run twice are the kernel's own
# dst_destroy_rcu.  On 6.1 the first symptom is still most often the
# double-queued head itself (README: "The dst variant").
test_expect_success QEMU,IMAGE 'object=dst crashes in the same bug class' '
	"$RACERIG" run rcu-peer-update --param object=dst --duration 120 --out "$OUT" >out; test $? = 1 &&
	grep -q "^outcome: *crashed" out &&
	grep -q "^bug class: rcu-callback-double-queue" out &&
	echo "# $(grep "^title:" out)" >&3 &&
	dir=$(run_dir_of out) &&
	grep -q "^\[1:exec\] modprobe racerig_rcupeer object=dst " "$dir/steps.log"
'

test_expect_success QEMU,IMAGE 'object=dst with fixed=1 runs clean: its route handling is sound' '
	"$RACERIG" run rcu-peer-update --param object=dst --param fixed=1 --duration 20 --out "$OUT" >out &&
	grep -q "^outcome: *ok" out &&
	dir=$(run_dir_of out) &&
	grep "^\[4:out\] done: " "$dir/steps.log" >done &&
	grep -q " object dst routes [1-9][0-9]* route_errors 0" done &&
	n=$(grep -o "collisions [0-9]*" done | cut -d" " -f2) && test "$n" -gt 0
'

test_expect_success QEMU,IMAGE 'fixed=1 runs clean while the race is still hit' '
	"$RACERIG" run rcu-peer-update --param fixed=1 --duration 20 --out "$OUT" >out &&
	grep -q "^outcome: *ok" out &&
	dir=$(run_dir_of out) &&
	n=$(grep -o "collisions [0-9]*" "$dir/steps.log" | tail -1 | cut -d" " -f2) &&
	echo "# collisions guarded by the fix: $n" >&3 &&
	test "$n" -gt 0
'

test_expect_success 'the module builds against the image kernel, and a broken one is reported' '
	test_have_prereq IMAGE || exit 0
	kdir=$("$RACERIG" image show --dir)/headers &&
	cp -r "$TEST_ROOT/guest/modules/rcupeer" mod &&
	make -s -C "$kdir" M="$PWD/mod" modules >/dev/null 2>&1 && test -f mod/racerig_rcupeer.ko &&
	mkdir -p src/guest/modules src/scenarios/broken &&
	cp -r "$TEST_ROOT/guest/modules/rcupeer" src/guest/modules/broken &&
	echo "this is not C;" >>src/guest/modules/broken/racerig_rcupeer.c &&
	printf "{\"name\":\"broken\",\"image\":{\"guest_modules\":[\"broken\"]},\"steps\":[{\"argv\":[\"x\"]}]}" \
		>src/scenarios/broken/scenario.json &&
	img=$("$RACERIG" image show --dir) &&
	! RR_GUEST_MODULES=broken RR_MODULES= RR_BINARIES= \
		"$TEST_ROOT/images/build-image" --src "$PWD/src" --build "$TEST_ROOT/build" \
		--cache "$(dirname "$(dirname "$img")")" --release "$(basename "$img")" \
		--force 2>err &&
	grep -q "guest module .broken. does not build against kernel 6" err
'
test_done
