#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run a workload that stops its own workers at its deadline, and kill the
# workers that miss it.
#
#	deadline.sh SECONDS COMMAND [ARG...]
#
# COMMAND runs as a child.  If it is still running SECONDS later, every
# process below it (not COMMAND itself) is reported on stderr (pid, comm,
# state, wchan and the top kernel frames of each thread) and killed with
# SIGKILL, so that COMMAND, waiting for them, ends on its own and reports
# what it did.  The exit status is COMMAND's.
#
# Why: stress-ng 0.15 signals each stressor once at the end (SIGALRM) and
# then waits for it without limit.  A stressor that misses the signal (a
# procfs reader thread blocked in a read, say) kept a whole 30 s run going
# until the agent killed the step at its time limit, and the run was lost
# as workload-failed.  stress-ng counts a stressor killed by SIGKILL as
# killed from outside, not as a failure of the run.  A task that SIGKILL
# cannot move (uninterruptible sleep) is left alone: the step's own time
# limit still catches it, and the agent lists it in steps.log.
set -eu

[ $# -ge 2 ] || { echo "usage: deadline.sh SECONDS COMMAND [ARG...]" >&2; exit 2; }
case $1 in
''|*[!0-9]*) echo "deadline.sh: '$1' is not a number of seconds" >&2; exit 2 ;;
esac
limit=$1
shift

# The pids whose parent is $1, from /proc/PID/stat ("pid (comm) state
# ppid ..."; comm may hold spaces and parentheses, so split after the last
# ")").
children_of() {
	for f in /proc/[0-9]*/stat; do
		st=$(cat "$f" 2>/dev/null) || continue
		rest=${st##*) }
		# shellcheck disable=SC2086
		set -- "$1" $rest
		[ "${3:-}" != "$1" ] || echo "${st%% *}"
	done
}

descendants_of() {
	for c in $(children_of "$1"); do
		echo "$c"
		descendants_of "$c"
	done
}

# Say where each straggler is, then kill them all.
reap() {
	pids=$(descendants_of "$1")
	[ -n "$pids" ] || return 0
	for p in $pids; do
		state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$p/status" 2>/dev/null) || continue
		echo "deadline.sh: $(cat "/proc/$p/comm" 2>/dev/null) (pid $p) still running ${limit} s after the start: state ${state:-?} wchan $(cat "/proc/$p/wchan" 2>/dev/null || echo ?); killing it" >&2
		for t in /proc/"$p"/task/*; do
			[ -r "$t/stack" ] || continue
			head -n 4 "$t/stack" 2>/dev/null | sed "s|^|deadline.sh:   task ${t##*/}: |" >&2
		done
	done
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null || :
}

"$@" &
cmd=$!
(
	i=0
	while [ "$i" -lt "$limit" ]; do
		sleep 1
		kill -0 "$cmd" 2>/dev/null || exit 0
		i=$((i + 1))
	done
	reap "$cmd"
) &
watch=$!
rc=0
wait "$cmd" || rc=$?
wait "$watch" || :
exit "$rc"
