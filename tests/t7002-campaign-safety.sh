#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='campaigns never delete what is not theirs: names, the campaign lock, resume'
. "$(dirname "$0")/lib-test.sh"

DB="$TRASH/results.db"
OUT="$TRASH/campaigns"
KERNEL=$(basename "$("$RACERIG" image show --dir 2>/dev/null)" 2>/dev/null)

# campaign NAME DURATION: a one-job noop campaign file, printed to stdout
campaign() {
	cat <<JSON
{ "name": "$1", "duration_s": $2, "jobs": 1, "seed": 1,
  "kernels": ["$KERNEL"], "scenarios": [ { "name": "noop", "params": {} } ] }
JSON
}

# Another campaign's run with its vmcore: what the review saw deleted.
sibling="$OUT/other/20261201-120000-noop-abcd"
mkdir -p "$sibling" && echo core >"$sibling/vmcore"

# An empty name made the output root the campaign's directory, and its
# --resume removed every other campaign's runs.  On 4d8536d the first
# call ran the campaign.
test_expect_success 'a campaign named "" is refused before it runs, and its siblings stay' '
	campaign "" 2 >empty.json &&
	{ "$RACERIG" stress empty.json --db "$DB" --out "$OUT" 2>err; test $? = 129 || test $? = 2; } &&
	grep -q "campaign name .* must be 1 to 64 characters" err &&
	{ "$RACERIG" stress empty.json --resume --db "$DB" --out "$OUT" 2>err; test $? != 0; } &&
	test -f "$sibling/vmcore" &&
	test "$(sqlite3 "$DB" "select count(*) from campaigns" 2>/dev/null || echo 0)" = 0
'

test_expect_success QEMU,IMAGE 'resume removes its own unfinished runs and nothing else' '
	campaign t7002 3 >c.json &&
	"$RACERIG" stress c.json --db "$DB" --out "$OUT" 2>log1 &&
	mkdir -p "$OUT/t7002/keep-me" "$OUT/t7002/20261201-120000-noop-beef" \
		"$OUT/t7002/20261201-120000-sysrq-crash-beef" &&
	echo mine >"$OUT/t7002/keep-me/file" && echo notes >"$OUT/t7002/notes.txt" &&
	ln -s "$sibling" "$OUT/t7002/20261201-120001-noop-cafe" &&
	"$RACERIG" stress c.json --resume --db "$DB" --out "$OUT" 2>log2 &&
	test -f "$OUT/t7002/keep-me/file" && test -f "$OUT/t7002/notes.txt" &&
	test -d "$OUT/t7002/20261201-120000-sysrq-crash-beef" &&
	test -L "$OUT/t7002/20261201-120001-noop-cafe" && test -f "$sibling/vmcore" &&
	! test -e "$OUT/t7002/20261201-120000-noop-beef" &&
	grep -q "leaving .*keep-me. alone" log2 &&
	test -f "$sibling/vmcore"
'

test_expect_success QEMU,IMAGE 'a second process refuses a campaign that is running' '
	campaign t7002b 40 >b.json &&
	"$RACERIG" stress b.json --db "$DB" --out "$OUT" 2>log3 &
	pid=$! &&
	for i in $(seq 50); do
		sqlite3 "$DB" "select 1 from campaigns where name=\"t7002b\"" 2>/dev/null | grep -q 1 && break
		sleep 0.2
	done &&
	{ "$RACERIG" stress b.json --resume --db "$DB" --out "$OUT" 2>err; rc=$?; } &&
	kill $pid; wait $pid;
	echo "# second process: exit $rc: $(head -1 err)" >&3 &&
	test "$rc" != 0 && grep -q "running in another process" err
'

test_done
