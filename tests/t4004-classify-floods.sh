#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='a 64 MiB flood of newlines, NULs or CRs around a crash is classified in bounded memory and time'
. "$(dirname "$0")/lib-test.sh"

# Each stress worker classifies its own crashes, and a guest writes what
# it likes to its console.  On 4d8536d indexing every line of a 64 MiB
# newline flood took 1.65 GB and 37 s; lines are now indexed in a window
# of fixed size, so the peak is the log itself (64 MiB) plus a little.
MAX_KB=153600
MAX_S=15
# ASan's shadow and quarantine add to the peak: bound the log's own share
SAN_MAX_KB=307200
case "$RACERIG" in
*build-san*) MAX_KB=$SAN_MAX_KB; MAX_S=60 ;;
esac

D="$TEST_ROOT/tests/data/reports"
BUG_TITLE="BUG: unable to handle kernel NULL pointer dereference in rcu_do_batch"
PANIC_TITLE="kernel panic: Attempted to kill init!"

# flood KIND WHERE CRASHFILE OUT: a 64 MiB log of KIND filler with the
# lines of CRASHFILE at its start, middle or end (the file stays within
# the 64 MiB the classifier reads).
flood() {
	python3 - "$@" <<'EOF'
import sys
kind, where, crash, out = sys.argv[1:5]
unit = {"newline": b"\n", "nul": b"\0", "cr": b"\r",
        "mixed": b"\n\0\r\r\n \t\0x\n\r\n"}[kind]
body = b"\n" + open(crash, "rb").read() + b"\n"
size = (64 << 20) - len(body)
fill = (unit * (size // len(unit) + 1))[:size]
at = {"start": 0, "middle": size // 2, "end": size}[where]
with open(out, "wb") as f:
    f.write(fill[:at] + body + fill[at:])
EOF
}

printf '[   12.000000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\n' \
	>"$TRASH/panic.txt"

# classify_flood KIND WHERE CRASHFILE TITLE
classify_flood() {
	test_expect_success "$1 flood, crash at $2: $4" "
		flood $1 $2 \"$3\" flood.log &&
		/usr/bin/time -o time.txt -f '%M %e' \"\$RACERIG\" classify flood.log >out &&
		rm -f flood.log &&
		read kb s <time.txt && echo \"# \$kb KB, \$s s\" >&3 &&
		test \"\$(head -1 out)\" = \"$4\" &&
		test \"\$kb\" -lt $MAX_KB &&
		awk -v s=\"\$s\" 'BEGIN { exit !(s < $MAX_S) }'
	"
}

for kind in newline nul cr mixed; do
	classify_flood $kind start "$D/rcu-double-queue-6.1.log" "$BUG_TITLE"
	classify_flood $kind middle "$TRASH/panic.txt" "$PANIC_TITLE"
	classify_flood $kind end "$D/rcu-double-queue-6.1.log" "$BUG_TITLE"
done

test_expect_success 'a flood with no crash prints nothing' '
	head -c 67108864 /dev/zero | tr "\0" "\n" >flood.log &&
	/usr/bin/time -o time.txt -f "%M" "$RACERIG" classify flood.log >out &&
	rm -f flood.log && ! test -s out && test "$(cat time.txt)" -lt $MAX_KB
'

test_done
