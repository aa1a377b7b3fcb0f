#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='every command answers -h without a VM'
. "$(dirname "$0")/lib-test.sh"

test_expect_success 'racerig help lists commands' '
	"$RACERIG" help >out && grep -q "^  run " out && grep -q "^  boot " out
'

for cmd in $("$RACERIG" help | sed -n "s/^  \([a-z-]*\) .*/\1/p"); do
	test_expect_success "racerig $cmd -h prints its usage" "
		\"\$RACERIG\" $cmd -h >out && grep -q '^usage: racerig $cmd' out
	"
done

test_expect_success 'an unknown command is a usage error (129)' '
	"$RACERIG" no-such-command 2>err; test $? = 129 &&
	grep -q "unknown command .no-such-command." err
'

test_done
