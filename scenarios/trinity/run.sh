#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The trinity workload: CHILDREN fuzzing children per vCPU for SECONDS,
# seeded by the run's seed, on the system calls of GROUP.  Trinity runs
# as nobody (through su: its own --dropprivs is experimental and crashes)
# in a scratch directory, so its random kills and writes reach neither
# the agent (PID 1), nor /proc/sysrq-trigger (a crash of its making would
# be a false verdict), nor the guest's own files.
# Trinity does not stop by time, so the run stops it: SIGINT, which it
# answers by reaping its children and exiting; status 0 then.  Any other
# end (trinity died, was OOM-killed) exits non-zero, which racerig records
# as the workload's failure, not the kernel's.
#
#	run.sh GROUP CHILDREN SECONDS SEED VCPUS
set -u
group=$1 children=$2 seconds=$3 seed=$4 vcpus=$5

case "$group" in
all)	sel="" ;;
vfs|vm)	sel="-g $group" ;;
net)	sel="-c socket -c bind -c connect -c sendto -c recvfrom -c sendmsg -c recvmsg -c setsockopt -c getsockopt -c shutdown -c accept -c listen -c socketpair" ;;
*)	echo "run.sh: unknown group '$group'" >&2; exit 2 ;;
esac

# the image has no user nobody
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null ||
	echo 'nogroup:x:65534:' >>/etc/group
mkdir -p /tmp/trinity && chmod 1777 /tmp/trinity && cd /tmp/trinity || exit 2
# trinity takes a 32-bit seed
seed=$((seed % 4294967296))
# -T: trinity stops when the kernel becomes tainted, by default for any
# flag; Debian's kernel taints itself (AUX) when fanotify permission
# events are used, which trinity does, so only the flags of a kernel
# error count.  Not WARN: the scenario boots with panic_on_warn=0, a
# WARN is one of the run's findings (the host reads it off the console)
# and fuzzing goes on after it.
su -s /bin/sh nobody -c "exec /usr/bin/trinity -q -l off --disable-fds=perf,sockets \
	-T DIE,BAD_PAGE,MACHINE_CHECK \
	-C $((children * vcpus)) -s $seed $sel" &
pid=$!
left=$seconds
while [ "$left" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 1
	left=$((left - 1))
done
if ! kill -0 "$pid" 2>/dev/null; then
	wait "$pid"
	rc=$?
	echo "trinity ended by itself after $((seconds - left)) s (status $rc)" >&2
	exit $((rc == 0 ? 3 : rc))
fi
kill -INT "$pid"
for i in 1 2 3 4 5 6 7 8 9 10; do
	kill -0 "$pid" 2>/dev/null || break
	sleep 1
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
echo "trinity ran ${seconds} s"
exit 0
