#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='scenario files and parameters are validated before any VM starts'
. "$(dirname "$0")/lib-test.sh"

mk() {	# mk NAME JSON: a scenario in the private scenarios dir
	mkdir -p "$TRASH/sc/$1" && printf '%s\n' "$2" >"$TRASH/sc/$1/scenario.json"
}
export RACERIG_SCENARIOS="$TRASH/sc"
mk good '{"name":"good","steps":[{"argv":["/bin/true"],"timeout_s":"${n}+5"}],
  "params":{"n":{"type":"int","default":2,"min":1,"max":8},
            "d":{"type":"choice","default":"exp","values":["fixed","exp"]}}}'
mk broken '{"name":"broken", "steps": [ }'
mk noname '{"steps":[{"argv":["x"]}]}'
mk wrongdir '{"name":"other","steps":[{"argv":["x"]}]}'
mk nosteps '{"name":"nosteps","steps":[]}'
mk badparam '{"name":"badparam","steps":[{"argv":["x"]}],
  "params":{"n":{"type":"int","default":9,"min":1,"max":8}}}'
mk badtype '{"name":"badtype","steps":[{"argv":["x"]}],"params":{"n":{"type":"float"}}}'
mk badcpus '{"name":"badcpus","steps":[{"argv":["x"],"cpus":"some"}]}'

test_expect_success 'a good scenario and good values pass' '
	"$RACERIG" scenario check good n=8 d=fixed >out && grep -q "good: ok" out
'
test_expect_success 'a JSON syntax error names file, line and column' '
	! "$RACERIG" scenario check broken 2>err &&
	grep -q "broken/scenario.json:1:[0-9]*: " err
'
test_expect_success 'missing name is named' '
	! "$RACERIG" scenario check noname 2>err && grep -q "missing .name." err
'
test_expect_success 'a name that differs from the directory is refused' '
	! "$RACERIG" scenario check wrongdir 2>err && grep -q "but the directory is" err
'
test_expect_success 'a scenario without steps is refused' '
	! "$RACERIG" scenario check nosteps 2>err && grep -q "steps. must be a non-empty list" err
'
test_expect_success 'a default outside its range is refused' '
	! "$RACERIG" scenario check badparam 2>err && grep -q "default 9 is outside \[1, 8\]" err
'
test_expect_success 'an unknown parameter type is refused' '
	! "$RACERIG" scenario check badtype 2>err && grep -q "unknown type .float." err
'
test_expect_success 'bad cpus are refused' '
	! "$RACERIG" scenario check badcpus 2>err && grep -q "cpus. is \"all\"" err
'
test_expect_success 'a value out of range is refused with the range' '
	! "$RACERIG" scenario check good n=0 2>err && grep -q "must be an integer in \[1, 8\], not .0." err
'
test_expect_success 'a choice outside its values lists the values' '
	! "$RACERIG" scenario check good d=normal 2>err && grep -q "one of fixed, exp" err
'
test_expect_success 'an unknown parameter is refused' '
	! "$RACERIG" scenario check good x=1 2>err && grep -q "has no parameter .x." err
'
test_expect_success 'racerig run refuses bad parameters with 129 before booting' '
	"$RACERIG" run good --param n=99 >out 2>err; test $? = 129 &&
	grep -q "must be an integer" err && ! test -s out
'
test_expect_success 'a scenario name cannot climb out of the scenarios dir' '
	! "$RACERIG" scenario check "..%2f" 2>err && grep -q "bad scenario name" err
'
test_expect_success 'nfqueue-udp-clash: zero queues, an unknown CPU, an unreachable rate' '
	unset RACERIG_SCENARIOS &&
	"$RACERIG" run nfqueue-udp-clash -p queues=0 >out 2>err; test $? = 129 &&
	grep -q "queues. must be an integer in \[1, 64\], not .0." err &&
	"$RACERIG" run nfqueue-udp-clash -p load_cpus=2 >out 2>err; test $? = 129 &&
	grep -q "CPU 2 does not exist in a 2-vCPU guest" err &&
	"$RACERIG" run nfqueue-udp-clash --smp 4 -p load_cpus=3 -p rate=30000 \
		>out 2>err; test $? = 129 &&
	grep -q "rate.: 30000 is more than a 4-vCPU guest can reach" err &&
	! test -s out &&
	"$RACERIG" scenario check nfqueue-udp-clash load_cpus=0,1 rate=9000
'
test_expect_success 'every shipped scenario is valid' '
	unset RACERIG_SCENARIOS &&
	for s in $(ls "$TEST_ROOT/scenarios"); do
		[ -f "$TEST_ROOT/scenarios/$s/scenario.json" ] || continue
		"$RACERIG" scenario check "$s" || exit 1
	done
'
test_done
