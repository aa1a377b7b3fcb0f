#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='delay injection: racerig_delay probes the named point, delays there, and says so in the run'
. "$(dirname "$0")/lib-test.sh"

OUT="$TRASH/runs"

# the last /proc/racerig_delay sample of a run, as "key value" lines
delay_stats() {
	python3 - "$1/metrics.jsonl" <<'PY'
import json, sys
last = ""
for line in open(sys.argv[1]):
    f = json.loads(line).get("files", {}).get("/proc/racerig_delay")
    if f:
        last = f
print(last)
PY
}

test_expect_success QEMU,IMAGE 'inject=confirm delays conntrack confirmation and the run records it' '
	"$RACERIG" run nfqueue-udp-clash -p inject=confirm -p inject_delay_us=500 \
		-p inject_permille=500 --duration 10 --out "$OUT" >out &&
	grep -q "^outcome: *ok" out && dir=$(run_dir_of out) &&
	test "$(json_get "$dir/run.json" "d[\"params\"][\"inject\"]")" = confirm &&
	delay_stats "$dir" >stats &&
	grep -q "^symbol __nf_conntrack_confirm$" stats &&
	hits=$(sed -n "s/^hits //p" stats) && delays=$(sed -n "s/^delays //p" stats) &&
	echo "# confirm probe: $hits hits, $delays delayed (permille 500)" >&3 &&
	test "$delays" -gt 0 && test "$hits" -gt "$delays"
'

# fixed=1 keeps the guest alive; only the module's call_rcu() of a link
# (second argument rp_reinsert_rcu) may be probed, not the kernel's
# many others, so the probe's hits stay within the updates that queued.
test_expect_success QEMU,IMAGE 'inject=rcu-queued delays the returns of the module call_rcu() only' '
	"$RACERIG" run rcu-peer-update -p fixed=1 -p rate=20 -p jitter_us=1000 \
		-p bg_rate=0 -p mode=dev -p inject=rcu-queued -p inject_delay_us=2000 \
		--duration 6 --out "$OUT" >out &&
	grep -q "^outcome: *ok" out && dir=$(run_dir_of out) &&
	delay_stats "$dir" >stats &&
	grep -q "^symbol call_rcu$" stats && grep -q "^on_return 1$" stats &&
	grep -q "^arg2_symbol rp_reinsert_rcu$" stats &&
	hits=$(sed -n "s/^hits //p" stats) && delays=$(sed -n "s/^delays //p" stats) &&
	done_line=$(grep "^\[4:out\] done:" "$dir/steps.log") &&
	updates=$(echo "$done_line" | sed -n "s/.* updates \([0-9]*\) .*/\1/p") &&
	coll=$(echo "$done_line" | sed -n "s/.* collisions \([0-9]*\) .*/\1/p") &&
	echo "# rcu-queued: $hits hits, $delays delayed, $updates updates, $coll collisions" >&3 &&
	test "$hits" -gt 0 && test "$hits" = "$delays" &&
	test "$hits" -le $((updates - coll))
'

# Updates 0-1 s apart meet when the first waits up to 3 s: the first
# round queues the link twice.  Without the rendezvous, two updates fall
# into one grace period (tens of ms) in under 10 % of such rounds.
test_expect_success QEMU,IMAGE 'inject=rcu-pair makes the first round of sparse updates crash' '
	"$RACERIG" run rcu-peer-update -p rate=0 -p jitter_us=1000000 -p bg_rate=0 \
		-p mode=dev -p inject=rcu-pair -p inject_delay_us=3000000 \
		--duration 60 --out "$OUT" >out; test $? = 1 &&
	grep -q "^outcome: *crashed" out && grep -q "rcu-callback-double-queue" out &&
	dir=$(run_dir_of out) &&
	ttc=$(json_get "$dir/run.json" "round(d[\"timings\"][\"crash_s\"] - d[\"timings\"][\"agent_ready_s\"], 2)") &&
	echo "# rcu-pair: crashed $ttc s after agent-ready" >&3 &&
	python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 4 else 1)" "$ttc"
'

test_expect_success QEMU,IMAGE 'without injection the module is loaded as a no-op' '
	"$RACERIG" run nfqueue-udp-clash --duration 5 --out "$OUT" >out &&
	grep -q "^outcome: *ok" out && dir=$(run_dir_of out) &&
	delay_stats "$dir" >stats && grep -q "^symbol (none)$" stats &&
	grep -q "^delays 0$" stats
'

test_expect_success 'an unknown injection point is refused before the VM starts' '
	"$RACERIG" run rcu-peer-update -p inject=confirm >out 2>err; test $? = 129 &&
	grep -q "parameter .inject. must be one of none, rcu-queue, rcu-queued, rcu-pair, rcu-callback, rcu-batch" err
'
test_done
