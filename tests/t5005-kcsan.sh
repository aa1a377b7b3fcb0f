#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='the general race workloads on a KCSAN kernel: data races are findings beside an ok outcome, one bucket per pair, and no workload gets a false verdict'
. "$(dirname "$0")/lib-test.sh"

# The kernel is 6.1 from Debian's linux-source with KCSAN
# (images/kernel-configs/kcsan.config), built by ci/kcsan or
# "racerig image kernel --kcsan"; without it cached these tests skip.
OUT="$TRASH/runs"
SECS=${RACERIG_TEST_WORKLOAD_S:-60}

# KCSAN samples: a 60 s stress-ng run here showed a pair in most runs,
# not in all (10-minute campaign: 3 of 5 stress-ng runs).  Up to three
# runs, every one ok, until one has a KCSAN finding.
test_expect_success QEMU,KCSAN "stress-ng on the KCSAN kernel: ok, with KCSAN data races as findings" '
	img=$(kcsan_kernel) && n=0 &&
	for try in 1 2 3; do
		"$RACERIG" run stress-ng --image "$img" --param set=mix --param instances=2 \
			--duration $SECS --out "$OUT" >out &&
		grep -q "^outcome: *ok" out &&
		dir=$(run_dir_of out) &&
		grep -q "panic_on_warn=0" "$dir/run.json" &&
		n=$(json_get "$dir/run.json" "sum(1 for f in d[\"findings\"] if f[\"title\"].startswith(\"KCSAN: data-race in \"))") || exit 1
		echo "# run $try: $n distinct KCSAN pairs in $SECS s" >&3
		test "$n" -gt 0 && break
	done &&
	json_get "$dir/run.json" "chr(10).join(\"#   \" + f[\"title\"] for f in d[\"findings\"])" >&3 &&
	test "$n" -gt 0 &&
	json_get "$dir/run.json" "[f for f in d[\"findings\"] if f[\"title\"].startswith(\"KCSAN\")][0][\"text\"]" |
		grep -q "Reported by Kernel Concurrency Sanitizer"
'

for s in trinity net-mix; do
	test_expect_success QEMU,KCSAN "$s on the KCSAN kernel ends ok (its data races are findings)" "
		img=\$(kcsan_kernel) &&
		\"\$RACERIG\" run $s --image \"\$img\" --duration $SECS --out \"\$OUT\" >out &&
		grep -q '^outcome: *ok' out &&
		dir=\$(run_dir_of out) &&
		echo \"# $s: \$(json_get \"\$dir/run.json\" 'len(d[\"findings\"])') findings\" >&3
	"
done
test_done
