#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='classifier titles agree with syzkaller on its 747-log corpus'
. "$(dirname "$0")/lib-test.sh"

# The agreement reached so far; raise it as the classifier improves,
# never lower it.
MIN=98.1
CORPUS="$SHARED/crashlogs/syzkaller-linux"

if [ -d "$CORPUS" ]; then
	test_expect_success "grade-titles agreement is at least $MIN%" '
		"$SHARED/tools/grade-titles" --corpus "$CORPUS" --show 0 --min $MIN \
			-- "$RACERIG" classify - >out; rc=$?
		grep "^agreement" out | sed "s/^/# /" >&3
		test $rc = 0
	'
else
	echo "ok 1 # skip grade-titles (no corpus at $CORPUS)"
	test_count=1
fi
test_done
