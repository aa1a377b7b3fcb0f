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

test_expect_success QEMU,IMAGE 'without injection the module is loaded as a no-op' '
	"$RACERIG" run nfqueue-udp-clash --duration 5 --out "$OUT" >out &&
	grep -q "^outcome: *ok" out && dir=$(run_dir_of out) &&
	delay_stats "$dir" >stats && grep -q "^symbol (none)$" stats &&
	grep -q "^delays 0$" stats
'

test_expect_success 'an unknown injection point is refused before the VM starts' '
	"$RACERIG" run rcu-peer-update -p inject=confirm >out 2>err; test $? = 129 &&
	grep -q "parameter .inject. must be one of none, rcu-queue, rcu-callback, rcu-batch" err
'
test_done
