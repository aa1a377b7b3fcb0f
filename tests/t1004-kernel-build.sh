#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='racerig image kernel: bad requests are named before anything builds; --check builds nothing'
. "$(dirname "$0")/lib-test.sh"

# A private cache: nothing here may download or build a kernel.
export RACERIG_CACHE="$TRASH/cache"

test_expect_success 'a patch that does not exist is named' '
	"$RACERIG" image kernel --check --patch "$TRASH/nope.patch" 2>err; test $? = 129 &&
	grep -q "no patch file .*nope.patch" err
'
test_expect_success 'a bad --jobs is named' '
	"$RACERIG" image kernel --check --jobs 0 2>err; test $? = 129 &&
	grep -q "^racerig: error: --jobs must be 1\.\.4096, not .0.$" err
'
test_expect_success 'a directory that is not a kernel tree is named' '
	mkdir notakernel &&
	"$RACERIG" image kernel --check --source notakernel 2>err; test $? = 129 &&
	grep -q "notakernel. is not a kernel tree" err
'
test_expect_success '--cache is racerig'"'"'s own' '
	"$RACERIG" image kernel --cache /tmp 2>err; test $? = 129 && grep -q "cache is racerig" err
'
test_expect_success '--check on an empty cache says what is missing and exits 1' '
	"$RACERIG" image kernel --check --kasan >out 2>err; test $? = 1 &&
	grep -q "linux-source-6.1 is not downloaded" err && ! test -s out &&
	! test -d "$RACERIG_CACHE/kbuild"
'
test_expect_success '--check on a tree that was never built says so' '
	mkdir -p tree/kernel && echo "all:" >tree/Makefile &&
	"$RACERIG" image kernel --check --source tree >out 2>err; test $? = 1 &&
	grep -q "is not built" err && ! test -s out
'
test_done
