#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='bisection: git bisect run with bisect-step over a module history, and bisect over images'
. "$(dirname "$0")/lib-test.sh"

MOD="$TEST_ROOT/guest/modules/rcupeer"
touch "$TRASH/.start"
# Runs take fixed=1: the guard in the code is what is bisected.
STEP_ARGS="--scenario rcu-peer-update --param fixed=1 --param stall_s=3 --duration 8 --jobs 2
	--target-class rcu-callback-double-queue --prior-rate 0.9"

# A history of the module: commit 5 of 9 removes the fix (the guard on
# the rcu_head); the other commits touch comments and messages only.
make_history() {
	git init -q repo && cd repo &&
	git config user.email t@racerig && git config user.name test &&
	mkdir rcupeer && cp "$MOD"/Kbuild "$MOD"/racerig_rcupeer.c rcupeer/ &&
	git add . && git commit -qm "c1: import" &&
	for i in 2 3 4; do
		echo "/* note $i */" >>rcupeer/racerig_rcupeer.c &&
		git commit -qam "c$i: note $i" || return 1
	done &&
	sed -i "/^		if (fixed)$/{N;d}" rcupeer/racerig_rcupeer.c &&
	! grep -q "^		if (fixed)$" rcupeer/racerig_rcupeer.c &&
	git commit -qam "c5: drop the pending check" &&
	for i in 6 7 8 9; do
		echo "/* later note $i */" >>rcupeer/racerig_rcupeer.c &&
		git commit -qam "c$i: later note $i" || return 1
	done
}

test_expect_success QEMU,IMAGE 'git bisect run with bisect-step finds the commit that removed the fix' '
	make_history &&
	git bisect start HEAD HEAD~8 >/dev/null &&
	git bisect run "$RACERIG" bisect-step --modules-src "$PWD" \
		--out "$TRASH/runs" $STEP_ARGS >../bisect.out 2>&1;
	grep -q "is the first bad commit" ../bisect.out &&
	grep -A5 "is the first bad commit" ../bisect.out | grep -q "c5: drop the pending check" &&
	grep -q "GOOD (" .git/racerig-bisect.log && grep -q "BAD (" .git/racerig-bisect.log &&
	echo "# $(grep -c "^step .*: \(GOOD\|BAD\)" .git/racerig-bisect.log) steps, $(grep -c "^  run" .git/racerig-bisect.log) runs" >&3
'

test_expect_success QEMU,IMAGE 'a version that does not build is skipped (125)' '
	cd repo && git bisect reset >/dev/null 2>&1;
	git checkout -q "$(git rev-list --max-parents=0 HEAD)" &&
	echo "broken;" >>rcupeer/racerig_rcupeer.c &&
	"$RACERIG" bisect-step --modules-src "$PWD" --out "$TRASH/runs" $STEP_ARGS >/dev/null 2>&1;
	test $? = 125
'

test_expect_success QEMU,IMAGE 'racerig bisect over four images names the first bad one' '
	cd repo && git checkout -q -f - &&
	for i in 1 2 3 4; do
		c=$(git rev-list --reverse HEAD | sed -n "$((2 * i))p") &&
		rm -rf "../src$i" && mkdir "../src$i" &&
		git archive "$c" rcupeer | tar -x -C "../src$i" &&
		RR_KDUMP=0 "$RACERIG" image build --name "bisect-test-$i" \
			--modules-src "$TRASH/src$i" >/dev/null 2>&1 || exit 1
	done &&
	"$RACERIG" bisect --images bisect-test-1,bisect-test-2,bisect-test-3,bisect-test-4 \
		--state "$TRASH/state.json" --log "$TRASH/bisect.log" \
		--out "$TRASH/runs" $STEP_ARGS >../images.out 2>/dev/null &&
	grep -q "^first bad image: bisect-test-3 (last good: bisect-test-2)" ../images.out
'

# the image variants this script built go again (they are per tree)
images=$(dirname "$("$RACERIG" image show --dir 2>/dev/null)")
find "$images" -maxdepth 1 -name "bisect-*" -newer "$TRASH/.start" -exec rm -rf {} + 2>/dev/null
test_done
