#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='field reports (3.10-era, crash bt, modern) are titled, bucketed and tied to bug classes'
. "$(dirname "$0")/lib-test.sh"

D="$TEST_ROOT/tests/data/reports"

expect() {	# expect FILE TITLE CLASS
	test_expect_success "$1" "
		\"\$RACERIG\" classify \"$D/$1\" >out &&
		test \"\$(head -1 out)\" = \"$2\" &&
		grep -q '^classes:.* $3\$' out
	"
}
expect rcu-double-queue-6.1.log \
	"BUG: unable to handle kernel NULL pointer dereference in rcu_do_batch" \
	rcu-callback-double-queue
expect rcu-double-queue-stall-6.1.log \
	"kernel panic: racerig_rcupeer: RCU callbacks stopped running" \
	rcu-callback-double-queue
expect rcu-double-queue-3.10.log "WARNING in dst_destroy" rcu-callback-double-queue
# Lines of a real rcu-pair run's console (Debian 6.1.0-57-cloud-amd64),
# kept as they came when the other updater's oops cut into the warning
# before its RIP and stack (t5003 saw this once): the warning line alone
# must still name the class.
expect rcu-double-queue-interleaved-6.1.log "WARNING in corrupted" \
	rcu-callback-double-queue
expect rcu-double-queue-crash-bt.txt \
	"general protection fault in rcu_process_callbacks" rcu-callback-double-queue
expect conntrack-clash-3.10.log \
	"BUG: unable to handle kernel NULL pointer dereference in nf_ct_deliver_cached_events" \
	nf-conntrack-clash-uaf
expect conntrack-clash-crash-bt.txt \
	"BUG: unable to handle kernel paging request in nf_ct_deliver_cached_events" \
	nf-conntrack-clash-uaf
expect conntrack-clash-kasan-6.1.log \
	"KASAN: use-after-free Read in nf_ct_deliver_cached_events" nf-conntrack-clash-uaf

# Golden other_cpus: each log of tests/data/other-cpus has the CPUs it
# should give in NAME.expected (how it was captured is said there).
for f in "$TEST_ROOT"/tests/data/other-cpus/*.log; do
	test_expect_success "other CPUs at the crash: $(basename "$f")" "
		\"\$RACERIG\" classify --json \"$f\" >out.json &&
		json_get out.json 'd[\"title\"]' >title &&
		echo 'BUG: unable to handle kernel NULL pointer dereference in rcu_do_batch' >want &&
		cmp want title &&
		python3 -c 'import json, sys; d = json.load(sys.stdin); print(\"crash_cpu\", d[\"crash_cpu\"]); [print(c[\"cpu\"], *([\"user\"] if c.get(\"user\") else []), *c[\"frames\"]) for c in d[\"other_cpus\"]]' \\
			<out.json >got &&
		grep -v '^#' \"${f%.log}.expected\" >want &&
		diff -u want got
	"
done

test_expect_success 'an unrelated warning matches no class' '
	"$RACERIG" classify "$D/unrelated-ext4-warning.log" >out &&
	test "$(head -1 out)" = "WARNING in ext4_set_page_dirty" &&
	grep -q "^classes:$" out
'

test_expect_success 'a log without a crash prints nothing' '
	printf "[    0.000000] Linux version 6.1.0\n[    1.0] booted\n" |
		"$RACERIG" classify - >out && ! test -s out
'

test_expect_success 'the same bug with other addresses, times, PIDs and CPUs shares a bucket' '
	sed -e "s/ffff88/ffff99/g; s/\[ *[0-9.]*\]/[ 99.123456]/; s/CPU: 1 PID: 2114/CPU: 3 PID: 77/" \
	    -e "s/+0x2d\/0x110/+0x31\/0x120/; s/6.1.192-2/6.1.170-1/" \
		"$D/conntrack-clash-3.10.log" >other.log &&
	a=$("$RACERIG" classify "$D/conntrack-clash-3.10.log" | sed -n "s/^bucket: //p") &&
	b=$("$RACERIG" classify other.log | sed -n "s/^bucket: //p") &&
	test -n "$a" && test "$a" = "$b"
'

test_expect_success 'different bugs never share a bucket' '
	for f in "$D"/*; do "$RACERIG" classify "$f" | sed -n "s/^bucket: //p"; done >buckets &&
	test "$(sort buckets | uniq -d | wc -l)" = 0 &&
	test "$(wc -l <buckets)" = "$(ls "$D" | wc -l)"
'

test_expect_success 'dmesg with <N> levels and no timestamps works too' '
	sed "s/^\[ *[0-9.]*\] /<4>/" "$D/rcu-double-queue-6.1.log" >levels.log &&
	test "$("$RACERIG" classify levels.log | head -1)" = \
	     "BUG: unable to handle kernel NULL pointer dereference in rcu_do_batch"
'

test_expect_success '--json gives the same title and classes' '
	"$RACERIG" classify --json "$D/conntrack-clash-3.10.log" >out.json &&
	test "$(json_get out.json "d[\"title\"]")" = \
	     "BUG: unable to handle kernel NULL pointer dereference in nf_ct_deliver_cached_events" &&
	test "$(json_get out.json "d[\"classes\"][0]")" = nf-conntrack-clash-uaf
'

test_expect_success 'a user rules file adds a class without recompiling' '
	cat "$TEST_ROOT/host/bug-classes.rules" >my.rules &&
	printf "class ext4-dirty-page\ntitle ^WARNING in ext4_\nexplain test rule\n" >>my.rules &&
	"$RACERIG" classify --rules my.rules "$D/unrelated-ext4-warning.log" >out &&
	grep -q "^classes: ext4-dirty-page$" out
'

test_expect_success 'a bad rules file is an error naming file and line' '
	printf "class x\nbogus y\n" >bad.rules &&
	! "$RACERIG" classify --rules bad.rules "$D/unrelated-ext4-warning.log" 2>err &&
	grep -q "bad.rules:2: unknown keyword .bogus." err
'

test_expect_success 'huge lines, NUL bytes and invalid UTF-8 are handled' '
	{ head -c 200000 /dev/zero | tr "\0" "A"; printf "\n\377\376\0BUG: x\n";
	  cat "$D/rcu-double-queue-6.1.log"; } >junk.log &&
	"$RACERIG" classify junk.log >out && test -s out
'
# classify --bench lists a directory: on 4d8536d through "ls" in a shell,
# so a directory named like a command ran it.
test_expect_success 'classify --bench runs no shell on a directory name' '
	d="$TRASH/b'"'"'x; touch pwned'"'"'" && mkdir -p "$d" &&
	cp "$TEST_ROOT"/tests/data/reports/*.log "$d"/ &&
	"$RACERIG" classify --bench "$d" >out 2>err &&
	! test -e "$TRASH/pwned" && grep -q "^classify_logs_per_s: [0-9]" out
'

# A KCSAN report from a real run: stress-ng (set=mix) on 6.1.192 built
# from Debian's linux-source with KCSAN (images/kernel-configs/
# kcsan.config), 2026-12-03; the console log as it came, four reports of
# the same pair.  The kernel orders the pair in its header; the frames
# are each access's innermost one in the order printed (the interrupt's
# write first), and the bucket is the title's.
test_expect_success 'a KCSAN data race from a real run: title, both frames, bucket' '
	"$RACERIG" classify "$D/kcsan-futex-hrtimer-6.1.log" >out &&
	test "$(head -1 out)" = "KCSAN: data-race in futex_wait_queue / hrtimer_wakeup" &&
	grep -qx "type: DATARACE" out &&
	grep -qx "frames: hrtimer_wakeup futex_wait_queue" out &&
	grep -qx "frame: hrtimer_wakeup" out &&
	grep -qx "corrupted: no" out &&
	grep -qx "bucket: df9ce70e809cda40" out
'

test_done
