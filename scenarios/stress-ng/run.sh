#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The stress-ng workload: run the stressors of one set, INSTANCES of each
# per vCPU, for SECONDS (or OPS bogo operations each), seeded by the run's
# seed so a run can be repeated.  Every stressor of a set shares kernel
# objects across CPUs: one directory tree, one pipe, one futex word, one
# address space, one process table.  Exit status: stress-ng's (0 when
# every stressor ran and finished; racerig records anything else as the
# workload's failure, not the kernel's).
#
#	run.sh SET INSTANCES OPS SECONDS SEED VCPUS
set -eu
set_name=$1 instances=$2 ops=$3 seconds=$4 seed=$5 vcpus=$6

case "$set_name" in
fs)	stressors="dir rename link dentry open flock" ;;
ipc)	stressors="pipe futex sem msg eventfd splice" ;;
net)	stressors="sock udp sockpair netlink-proc" ;;
mm)	stressors="mmap mprotect madvise mremap" ;;
proc)	stressors="fork clone exec sigq kill procfs" ;;
time)	stressors="timer timerfd itimer" ;;
mix)	stressors="rename pipe futex sock mmap fork timer procfs" ;;
*)	echo "run.sh: unknown set '$set_name'" >&2; exit 2 ;;
esac

n=$((instances * vcpus))
args=""
for s in $stressors; do
	args="$args --$s $n"
	[ "$ops" = 0 ] || args="$args --$s-ops $ops"
	# stress-ng maps 256 MiB per mmap or mremap instance by default: in a
	# 1 GiB guest under TCG that is minutes of page faults per bogo op,
	# and the stressor outlives --timeout by more than the step allows
	# (6.12, 60 s: still running at 120 s).  Races need the sharing,
	# not the size.
	case $s in
	mmap|mremap) args="$args --$s-bytes 16m" ;;
	esac
done
lib=$(cd "$(dirname "$0")/../lib" && pwd)
# stress-ng works in a directory of its own; the guest's root is tmpfs
mkdir -p /tmp/stress-ng && cd /tmp/stress-ng
# A stressor that misses stress-ng's one stop signal would keep the run
# going until the step's time limit (deadline.sh says why); 45 s past the
# duration, such stragglers are named on stderr and killed.
# shellcheck disable=SC2086
exec "$lib/deadline.sh" $((seconds + 45)) /usr/bin/stress-ng $args --timeout "${seconds}s" --seed "$seed" \
	--temp-path /tmp/stress-ng --metrics-brief --skip-silent --oomable
