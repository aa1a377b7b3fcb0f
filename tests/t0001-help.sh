#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='every command answers -h without a VM; the man page and make install'
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

# image kernel checks its options against its own table before it runs
# images/build-kernel: an option added to the script must be added there.
test_expect_success 'image kernel knows every option of images/build-kernel' '
	sed -n "s/^	\(--[a-z-]*\)).*/\1/p" "$TEST_ROOT/images/build-kernel" |
		grep -v "^--cache\$" | sort >expect &&
	test -s expect &&
	"$RACERIG" help image kernel | sed -n "s/^    \(--[a-z-]*\).*/\1/p" |
		sort >actual &&
	cmp expect actual
'

# Options come from one table that both the parser and the help read.
test_expect_success 'a value out of range is the usage error the help documents' '
	"$RACERIG" help image kernel >help &&
	sed -n "/^    --jobs/,/^    --/p" help | tr "\n" " " |
		grep -q "Range: 1\.\.4096\. Default: all cores\." &&
	"$RACERIG" image kernel --jobs 0 >out 2>err; test $? = 129 &&
	grep -qx "racerig: error: --jobs must be 1\.\.4096, not .0." err &&
	! test -s out &&
	"$RACERIG" classify --no-such-option x 2>err; test $? = 129 &&
	grep -qx "racerig: error: unknown option .--no-such-option." err
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

# The installed binary must find scenarios, scripts and rules through its
# own location: no RACERIG_ROOT, another working directory.
test_expect_success 'make install PREFIX=... installs a racerig that finds its data' '
	make -s -C "$TEST_ROOT" install PREFIX="$TRASH/inst" \
		DESTDIR= >make.out 2>&1 &&
	test -L "$TRASH/inst/bin/racerig" &&
	mkdir elsewhere && cd elsewhere &&
	env -u RACERIG_ROOT "$TRASH/inst/bin/racerig" scenario list >out &&
	grep -q "^noop " out &&
	env -u RACERIG_ROOT "$TRASH/inst/bin/racerig" scenario check noop >out &&
	grep -q "^noop: ok" out &&
	env -u RACERIG_ROOT -u RACERIG_RULES "$TRASH/inst/bin/racerig" \
		classify "$TEST_ROOT/tests/data/reports/conntrack-clash-kasan-6.1.log" \
		>out &&
	grep -q "^classes: .*nf-conntrack-clash-uaf" out
'

if command -v man >/dev/null 2>&1; then
	test_expect_success 'man finds the installed page' '
		MANPATH="$TRASH/inst/share/man" man -w racerig >out &&
		test "$(cat out)" = "$TRASH/inst/share/man/man1/racerig.1"
	'
fi

test_expect_success 'make install DESTDIR=... stages under DESTDIR' '
	make -s -C "$TEST_ROOT" install PREFIX=/opt/rr DESTDIR="$TRASH/stage" \
		>make.out 2>&1 &&
	test "$(readlink "$TRASH/stage/opt/rr/bin/racerig")" = \
		../lib/racerig/build/racerig &&
	test -x "$TRASH/stage/opt/rr/lib/racerig/build/guest/racerig-agent" &&
	test -f "$TRASH/stage/opt/rr/lib/racerig/host/bug-classes.rules" &&
	test -f "$TRASH/stage/opt/rr/lib/racerig/host/kernel-areas.rules" &&
	test -f "$TRASH/stage/opt/rr/share/man/man1/racerig.1"
'

test_done
