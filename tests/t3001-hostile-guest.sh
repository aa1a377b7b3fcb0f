#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='a hostile guest: garbage agent frames, a console flood and a channel it stops reading end as recorded runs'
. "$(dirname "$0")/lib-test.sh"

OUT="$TRASH/runs"

for mode in random:"bad frame magic" oversize:"exceeds the 262144 byte limit" \
	    badjson:"malformed exit frame" badfield:"'status' is not an exit status"; do
	m=${mode%%:*} why=${mode#*:}
	test_expect_success QEMU,IMAGE "garbage frames ($m) fail the run with a clear reason" "
		\"\$RACERIG\" run agent-garbage --param mode=$m --out \"\$OUT\" >out; test \$? = 1 &&
		grep -q '^outcome: *failed' out &&
		grep -q \"^reason: *agent channel broken: .*$why\" out &&
		dir=\$(run_dir_of out) &&
		json_get \"\$dir/run.json\" 'd[\"agent_error\"]' | grep -q \"$why\"
	"
done

# A guest that claims another kernel, escapes included, in a second
# HELLO: on 4d8536d the run was attributed to "6.66.6-evil" and the
# escapes reached the terminal.
test_expect_success QEMU,IMAGE 'the image names the kernel, not the guest; guest strings print clean' '
	"$RACERIG" run agent-garbage --param mode=hello --out "$OUT" >out &&
	dir=$(run_dir_of out) &&
	release=$("$RACERIG" image show | sed -n "s/^release: *//p") &&
	test -n "$release" &&
	test "$(json_get "$dir/run.json" "d[\"kernel_release\"]")" = "$release" &&
	! grep -q "evil" "$dir/run.json" &&
	grep -q "HELLO out of turn ignored" "$dir/steps.log" &&
	! grep -q "$(printf "\033")" out
'

# The guest writes FLOOD_MB MiB (default 100) of random bytes to its
# serial console; the host keeps 16 MiB of log plus the tail, and its own
# peak memory is recorded in run.json.
FLOOD_MB=${FLOOD_MB:-100}
test_expect_success QEMU,IMAGE "a ${FLOOD_MB} MiB console flood is recorded with bounded host memory" '
	"$RACERIG" run console-flood --param mb=$FLOOD_MB --out "$OUT" >out &&
	grep -q "^outcome: *ok" out &&
	dir=$(run_dir_of out) &&
	rss=$(json_get "$dir/run.json" "d[\"host\"][\"peak_rss_kb\"]") &&
	dropped=$(json_get "$dir/run.json" "d[\"console\"][\"dropped\"]") &&
	echo "# host peak RSS: $rss KiB; console bytes dropped: $dropped" >&3 &&
	test "$rss" -lt 65536 &&
	test "$dropped" -gt $(( (FLOOD_MB - 17) * 1048576 )) &&
	size=$(stat -c %s "$dir/console.log") &&
	test "$size" -lt $((18 * 1048576)) &&
	grep -aq "console.log limit of 16777216 bytes reached" "$dir/console.log"
'

# Floods of one byte over and over: a line-oriented parser's worst case.
# The newline flood ends in a crash (sysrq) without a vmcore, so the host
# classifies the flooded console log itself: 16 MiB of empty lines and
# one BUG took 449 MB and 7.8 s to index on 4d8536d.  The bound is the
# 16 MiB log plus a window (about 32 MB measured); ASan's shadow memory
# and quarantine more than double what the sanitized build holds (84 MB).
RSS_MAX_KB=65536
case "$RACERIG" in */build-san/*) RSS_MAX_KB=$((160 * 1024)) ;; esac
for flood in newline:17:crash nul:6:none cr:6:none; do
	fill=${flood%%:*} rest=${flood#*:} mb=${rest%%:*} then=${rest#*:}
	test_expect_success QEMU,IMAGE "a $mb MiB $fill flood ($then after) is recorded with bounded host memory" "
		\"\$RACERIG\" run console-flood --param mb=$mb --param fill=$fill \\
			--param then=$then --dump none --out \"\$OUT\" >out;
		rc=\$? && dir=\$(run_dir_of out) &&
		rss=\$(json_get \"\$dir/run.json\" 'd[\"host\"][\"peak_rss_kb\"]') &&
		total=\$(json_get \"\$dir/run.json\" 'd[\"timings\"][\"total_s\"]') &&
		echo \"# $fill: exit \$rc, host peak RSS \$rss KiB, \$total s\" >&3 &&
		{ ! grep -q '^outcome: *boot-failed' out ||
		  { tail -c 3000 \"\$dir/console.log\" | tr -c '[:print:]\\n' . |
		    sed 's/^/# console: /' >&3; false; }; } &&
		test \"\$rss\" -lt $RSS_MAX_KB &&
		size=\$(stat -c %s \"\$dir/console.log\") && test \"\$size\" -lt \$((18 * 1048576)) &&
		if test $then = crash; then
			test \$rc = 1 && grep -q '^outcome: *crashed' out &&
			json_get \"\$dir/report.json\" 'd[\"title\"]' | grep -q 'sysrq'
		else
			test \$rc = 0 && grep -q '^outcome: *ok' out
		fi
	"
done

# A flood of findings: the guest prints about 20,000 made-up KCSAN data
# races and WARNINGs, each of its own bucket, and the run goes on.  The
# record keeps RUN_FINDINGS_MAX (64) buckets of bounded text and counts
# the rest, so run.json and the host's memory stay small: 26 MB measured.
# Under ASan every report titled leaves its freed memory in the
# quarantine (256 MB by default), which the sanitized build's peak shows
# (185 MB measured): its bound is the quarantine's, not the log's.
FINDINGS_RSS_MAX_KB=65536
case "$RACERIG" in */build-san/*) FINDINGS_RSS_MAX_KB=$((300 * 1024)) ;; esac
test_expect_success QEMU,IMAGE 'a flood of findings is counted with bounded memory and record' '
	"$RACERIG" run console-flood --param mb=8 --param fill=findings \
		--dump none --out "$OUT" >out &&
	grep -q "^outcome: *ok" out &&
	grep -q "^findings: *[0-9]* reports in 64+ buckets" out &&
	dir=$(run_dir_of out) &&
	rss=$(json_get "$dir/run.json" "d[\"host\"][\"peak_rss_kb\"]") &&
	kept=$(json_get "$dir/run.json" "len(d[\"findings\"])") &&
	reports=$(json_get "$dir/run.json" "d[\"findings_count\"][\"reports\"]") &&
	dropped=$(json_get "$dir/run.json" "d[\"findings_count\"][\"dropped\"]") &&
	longest=$(json_get "$dir/run.json" "max(len(f[\"text\"]) for f in d[\"findings\"])") &&
	size=$(stat -c %s "$dir/run.json") &&
	echo "# findings: $reports reports, $kept kept, $dropped dropped; run.json $size bytes; host peak RSS $rss KiB" >&3 &&
	test "$kept" = 64 && test "$reports" -gt 10000 &&
	test "$dropped" = $((reports - 64)) && test "$longest" -le 8192 &&
	test "$size" -lt 1048576 && test "$rss" -lt $FINDINGS_RSS_MAX_KB &&
	json_get "$dir/run.json" "d[\"findings\"][1][\"title\"]" |
		grep -qx "KCSAN: data-race in reader_1 / writer_1"
'

# QEMU killed under a running guest: the agent channel's end comes first,
# the process exit a moment later.  On 4d8536d that was a kernel verdict
# ("failed: agent channel broken"); it is the infrastructure's: lost.
test_expect_success QEMU,IMAGE 'QEMU killed mid-run ends lost, not failed' '
	mkdir -p "$OUT/kill" &&
	"$RACERIG" run console-flood --param mb=4000 --param via=tty --out "$OUT/kill" >out 2>err &
	pid=$! && dir="" &&
	for i in $(seq 600); do
		dir=$(ls -d "$OUT"/kill/*/ 2>/dev/null | head -1) &&
		test -n "$dir" && grep -q "\[1:exec\]" "$dir/steps.log" 2>/dev/null && break
		sleep 0.2
	done &&
	sleep 1 && pkill -KILL -P $pid -f qemu-system &&
	wait $pid; rc=$? &&
	echo "# exit $rc: $(grep "^reason" out)" >&3 &&
	test $rc = 2 && grep -q "^outcome: *lost" out &&
	grep -q "^reason: *QEMU killed by signal 9" out &&
	test "$(json_get "$dir/run.json" "d[\"outcome\"]")" = lost
'

# A guest that stops reading its agent channel while the host has 3 MiB
# of steps to send.  On 4d8536d the first send to meet a full channel
# gave up on EAGAIN and the run was an error, the host's fault (three of
# them take a campaign host down); it is the guest's: hung, and the host
# waits for the stalled send only to its deadline.
test_expect_success QEMU,IMAGE 'a guest that stops reading its channel ends hung, naming the stalled send' '
	"$RACERIG" run agent-stall --dump none --out "$OUT" >out 2>err; rc=$? &&
	echo "# exit $rc: $(grep "^reason" out)" >&3 &&
	test $rc = 1 && grep -q "^outcome: *hung" out &&
	grep -q "^reason: *the guest stopped reading its agent channel: sending the exec frame stalled: [0-9]* of [0-9]* bytes went out in 10 s" out &&
	dir=$(run_dir_of out) &&
	test "$(json_get "$dir/run.json" "d[\"outcome\"]")" = hung &&
	total=$(json_get "$dir/run.json" "d[\"timings\"][\"total_s\"]") &&
	test "${total%.*}" -lt 60 &&
	grep -q "test: no longer reading the channel" "$dir/console.log"
'

test_done
