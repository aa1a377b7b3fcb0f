# SPDX-License-Identifier: GPL-2.0
# Shared helpers for tests/tNNNN-*.sh: TAP output, prerequisites, a
# private temp directory per test script.
#
#   test_description='what this script tests'
#   . "$(dirname "$0")/lib-test.sh"
#   test_expect_success 'name' 'commands'
#   test_expect_success PREREQ 'name' 'commands'
#   test_done
#
# Prerequisites: ROOT, QEMU, IMAGE (the default guest image is built),
# SAN (the sanitizer build exists), SRCKERNELS (6.1 built from source
# with KASAN, stock and with 56b14ecec97f reverted: ci/nightly-bisect
# builds them, or RACERIG_TEST_BUILD_KERNELS=1 lets a test build them),
# KCSAN (6.1 built from source with KCSAN, the same way).  A missing one skips the test and
# says why.  RACERIG is the binary under test (build/racerig, or the
# sanitized one when RACERIG_SAN_BUILD is set and it exists).

set -u
TEST_ROOT=$(cd "$(dirname "$0")/.." && pwd)
export RACERIG_ROOT="$TEST_ROOT"
RACERIG="$TEST_ROOT/build/racerig"
if [ -n "${RACERIG_SAN_BUILD:-}" ] && [ -x "$TEST_ROOT/$RACERIG_SAN_BUILD/racerig" ]; then
	RACERIG="$TEST_ROOT/$RACERIG_SAN_BUILD/racerig"
fi
export RACERIG
SHARED="$TEST_ROOT/../shared"
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/racerig-test.XXXXXX")
# RACERIG_TEST_KEEP=1 keeps the scratch directory, to look at afterwards
if [ "${RACERIG_TEST_KEEP:-0}" = 1 ]; then
	echo "# scratch directory kept: $TRASH" >&2
else
	trap 'rm -rf "$TRASH"' EXIT
fi
test_count=0
test_failed=0

test_have_prereq() {
	case "$1" in
	ROOT)	[ "$(id -u)" = 0 ] ;;
	QEMU)	command -v qemu-system-x86_64 >/dev/null 2>&1 ;;
	IMAGE)	"$RACERIG" image show >/dev/null 2>&1 ;;
	SAN)	[ -x "$TEST_ROOT/build-san/racerig" ] ;;
	SRCKERNELS) src_kernel good >/dev/null 2>&1 && src_kernel bad >/dev/null 2>&1 ;;
	KCSAN)	kcsan_kernel >/dev/null 2>&1 ;;
	*)	echo "unknown prerequisite $1" >&2; return 1 ;;
	esac
}

# src_kernel good|bad: the guest image of 6.1 built from source with
# KASAN, stock (good) or with 56b14ecec97f reverted (bad); prints the
# image name.  Builds the kernel only if RACERIG_TEST_BUILD_KERNELS=1
# (about 25 minutes for both on 2 cores).
src_kernel() {
	set -- "$1" --kasan
	[ "$1" = bad ] && set -- "$@" --patch "$TEST_ROOT/images/patches/revert-56b14ecec97f.patch"
	shift
	if [ "${RACERIG_TEST_BUILD_KERNELS:-0}" != 1 ]; then
		set -- "$@" --check
	fi
	tree=$("$RACERIG" image kernel "$@" | tail -1) && [ -n "$tree" ] &&
	RR_KDUMP=0 "$RACERIG" image build --kernel-tree "$tree" | tail -1 | xargs basename
}

# kcsan_kernel: the guest image of 6.1 built from source with KCSAN
# ("racerig image kernel --kcsan"); prints the image name.  Builds the
# kernel only if RACERIG_TEST_BUILD_KERNELS=1 (about 25 minutes).
kcsan_kernel() {
	set -- --kcsan
	if [ "${RACERIG_TEST_BUILD_KERNELS:-0}" != 1 ]; then
		set -- "$@" --check
	fi
	tree=$("$RACERIG" image kernel "$@" | tail -1) && [ -n "$tree" ] &&
	RR_KDUMP=0 "$RACERIG" image build --kernel-tree "$tree" | tail -1 | xargs basename
}

# test_expect_success [PREREQ[,PREREQ]] NAME COMMANDS
test_expect_success() {
	prereqs=""
	if [ $# = 3 ]; then prereqs=$1; shift; fi
	test_count=$((test_count + 1))
	for p in $(echo "$prereqs" | tr ',' ' '); do
		if ! test_have_prereq "$p"; then
			echo "ok $test_count # skip $1 (missing $p)"
			return 0
		fi
	done
	before=$(cd "$TRASH" && stat -c '%n %i %s %y' out err 2>/dev/null)
	if (cd "$TRASH" && eval "$2") 3>&1 >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out" | tail -40
		# most tests keep racerig's output in out or err: show it too
		for f in out err; do
			[ -f "$TRASH/$f" ] || continue
			case "$before" in
			*"$(cd "$TRASH" && stat -c '%n %i %s %y' $f)"*) continue ;;
			esac
			echo "#   --- $f:"
			sed 's/^/#   /' "$TRASH/$f" | tail -20
		done
	fi
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" = 0 ]
}

# json_get FILE EXPR: print a field of a JSON file (python3 is in
# Debian's base system; used by tests only, never by racerig).
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$1" "$2"
}

# run_dir_of OUTPUT_FILE: the "dir:" line of racerig run's output.
run_dir_of() {
	sed -n 's/^dir: *//p' "$1" | tail -1
}
