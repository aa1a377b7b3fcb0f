#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='a hostile guest: garbage agent frames and a console flood end as recorded runs'
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

test_done
