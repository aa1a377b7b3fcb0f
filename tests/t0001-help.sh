#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='every command answers -h without a VM; the man page'
. "$(dirname "$0")/lib-test.sh"

test_expect_success 'racerig help lists commands' '
	"$RACERIG" help >out && grep -q "^  run " out && grep -q "^  boot " out
'

for cmd in $("$RACERIG" help | sed -n "s/^  \([a-z-]*\) .*/\1/p"); do
	test_expect_success "racerig $cmd -h prints its manual" "
		\"\$RACERIG\" $cmd -h >out &&
		grep -q '^    racerig $cmd' out && grep -q '^SYNOPSIS' out &&
		\"\$RACERIG\" help $cmd >expect && cmp expect out
	"
done

for verb in 'image build' 'image show' 'image kernel' 'scenario check'; do
	test_expect_success "racerig $verb -h describes the verb" "
		\"\$RACERIG\" $verb -h >out &&
		grep -q '^    racerig $verb' out
	"
done

# u-help checks every option of every command; this checks the binary.
test_expect_success 'racerig help run lists its options with defaults' '
	"$RACERIG" help run >out &&
	for o in param image smp mem duration seed out dump cmdline backend \
	    accel json console-limit boot-timeout heartbeat-timeout \
	    raw-channel count replay db snapshot connect callback verbose; do
		grep -q "^    \(-., \)\?--$o\b" out || { echo "no --$o"; return 1; }
	done &&
	sed -n "/^    --boot-timeout/,/^    --/p" out | tr "\n" " " |
		grep -q "Default: 120\." &&
	sed -n "/^    --heartbeat-timeout/,/^    --/p" out | tr "\n" " " |
		grep -q "Default: 30\." &&
	grep -q "^EXIT STATUS" out && grep -q "^EXAMPLES" out
'

test_expect_success 'racerig help bisect-step gives git bisect run statuses' '
	"$RACERIG" help bisect-step >out &&
	sed -n "/^EXIT STATUS/,/^EXAMPLES/p" out >exits &&
	grep -q "^    0$" exits && grep -q "^    1$" exits &&
	grep -q "^    125$" exits
'

test_expect_success 'an unknown command is a usage error (129)' '
	"$RACERIG" no-such-command 2>err; test $? = 129 &&
	grep -q "unknown command .no-such-command." err
'

test_expect_success 'host/racerig.1 is what racerig help --man prints (make man)' '
	"$RACERIG" help --man >racerig.1 &&
	cmp racerig.1 "$TEST_ROOT/host/racerig.1"
'

if command -v man >/dev/null 2>&1; then
	test_expect_success 'the man page renders without warnings' '
		MANWIDTH=80 man --warnings -l "$TEST_ROOT/host/racerig.1" \
			>out 2>err &&
		test ! -s err && grep -q "^COMMANDS" out
	'
else
	echo "ok $((test_count += 1)) # skip the man page renders (man-db is not installed)"
fi

test_done
