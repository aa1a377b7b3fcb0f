#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='made-up titles from a guest share a few buckets; the corpus keeps one bucket per real bug'
. "$(dirname "$0")/lib-test.sh"

# made_up N SEED: N console logs (one per line, tab for newline) whose
# header is a made-up message: "xyz-" then random numbers, hex, words and
# quoted names, under each header a guest can print free text after.
made_up() {
	awk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		split("alpha beta gamma delta queue node page slab", w, " ")
		split("BUG: |WARNING: |INFO: |Kernel panic - not syncing: ", h, "|")
		for (i = 0; i < n; i++) {
			t = "xyz-"
			for (k = 0; k < 1 + int(rand() * 4); k++) {
				r = int(rand() * 4)
				if (r == 0) t = t int(rand() * 100000)
				else if (r == 1) t = t sprintf("%x%x", int(rand() * 2^31), int(rand() * 2^31))
				else if (r == 2) t = t w[1 + int(rand() * 8)]
				else t = t "\047" w[1 + int(rand() * 8)] int(rand() * 99) "\047"
				t = t (rand() < 0.5 ? "-" : " ")
			}
			printf "[ %4d.%06d] %s%s\t[ %4d.%06d] CPU: %d PID: %d Comm: %s\n",
			    i, int(rand() * 999999), h[1 + i % 4], t,
			    i, int(rand() * 999999), int(rand() * 8),
			    int(rand() * 30000), w[1 + int(rand() * 8)]
		}
	}'
}

test_expect_success '100 made-up titles open at most 8 buckets' '
	made_up 100 42 >logs &&
	while IFS= read -r log; do
		printf "%s\n" "$log" | tr "\t" "\n" | "$RACERIG" classify - >out &&
		title=$(head -1 out) && test -n "$title" &&
		printf "%s\t%s\n" "$(sed -n "s/^bucket: //p" out)" "$title" || exit 1
	done <logs >buckets &&
	titles=$(cut -f2 buckets | sort -u | wc -l) &&
	n=$(cut -f1 buckets | sort -u | wc -l) &&
	echo "# $titles distinct titles, $n buckets" >&3 &&
	test "$(wc -l <buckets)" = 100 && test "$titles" -gt 50 && test "$n" -le 8
'

test_expect_success 'different free-text messages keep different buckets' '
	for t in "BUG: Bad page map" "BUG: Bad rss-counter state" "BUG: Bad page state" \
	    "Kernel panic - not syncing: Attempted to kill init!" "BUG: xyz-1"; do
		printf "[    1.000000] %s\n" "$t" | "$RACERIG" classify - |
			sed -n "s/^bucket: //p"
	done >b &&
	test "$(sort -u b | wc -l)" = 5
'

# Every bug of the corpus the classifier titles right: two different
# titles never share a bucket (one title may have several buckets:
# corrupted reports hash their frames in too).
test_expect_success 'the corpus keeps one bucket per distinct title' '
	"$TEST_ROOT/tests/grade-titles" --each --show 0 --buckets pairs.raw \
		-- "$RACERIG" classify --each >out &&
	sort -u pairs.raw >pairs &&
	echo "# $(cut -f2 pairs | sort -u | wc -l) distinct titles, $(cut -f1 pairs | sort -u | wc -l) buckets" >&3 &&
	test "$(wc -l <pairs)" -gt 500 &&
	test "$(cut -f1 pairs | uniq -d | wc -l)" = 0
'

test_done
