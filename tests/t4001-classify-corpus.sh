#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='classifier titles agree with syzkaller on its 747-log corpus'
. "$(dirname "$0")/lib-test.sh"

# The agreement reached so far; raise it as the classifier improves,
# never lower it.  The corpus is vendored (tests/data/syzkaller-linux)
# and graded by tests/grade-titles, so this never skips.  The logs go to
# one "classify --each" per job: a process per log costs minutes on a
# loaded machine, and --each parses each file as "classify FILE" does.
MIN=98.1

test_expect_success "agreement with syzkaller's titles is at least $MIN%" '
	{ "$TEST_ROOT/tests/grade-titles" --each --show 20 --min $MIN \
		-- "$RACERIG" classify --each >out; rc=$?; } &&
	sed "s/^/# /" out >&3 &&
	test $rc = 0
'
test_done
