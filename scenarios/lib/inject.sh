#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load racerig_delay (guest/modules/rrdelay) at a named injection point.
# The names are the scenarios' "inject" parameter values; each maps to a
# probe in the race window it widens.  "none" loads the module as a
# no-op, so a scenario's steps stay the same either way.
#
#   inject.sh POINT DELAY_US PERMILLE [CPUS [FUNCTION [entry|return]]]
#                   FUNCTION (not none): any kernel function instead of a
#                   named point (POINT none or symbol), as racerig repro
#                   plans them from a report's frames
point=$1 delay=$2 permille=$3 cpus=${4:-all}
if [ "${5:-none}" != none ]; then
	case "$point" in
	none|symbol) point=symbol ;;
	*)	echo "inject.sh: inject=$point and inject_symbol=$5: one or the other" >&2
		exit 2 ;;
	esac
fi
case "$point" in
none)		exec modprobe racerig_delay ;;
symbol)		case "${5:-none}" in
		none)	exec modprobe racerig_delay ;;
		esac
		set -- symbol="$5"
		[ "${6:-entry}" = return ] && set -- "$@" on_return=1 ;;
# seed race 1: the module's own call_rcu() of a link (not every call_rcu)
rcu-queue)	set -- symbol=call_rcu arg2_symbol=rp_reinsert_rcu ;;
# seed race 1: once the module's call_rcu() of a link returns, the CPU
# that queued it spins without a quiescent state, so the grace period,
# and with it the window for a second call_rcu(), stays open that long
rcu-queued)	set -- symbol=call_rcu on_return=1 arg2_symbol=rp_reinsert_rcu ;;
# seed race 1: two CPUs about to queue a link meet at call_rcu() and
# queue it together (the first waits up to DELAY_US for the second)
rcu-pair)	set -- symbol=call_rcu arg2_symbol=rp_reinsert_rcu rendezvous=1 ;;
# seed race 1: the link's callback runs late (its pending bit stays set)
rcu-callback)	set -- symbol=rp_reinsert_rcu ;;
# seed race 1: a CPU's callback batch starts late, so what it queued
# (the link's rcu_head among it) stays on its list longer
rcu-batch)	set -- symbol=rcu_do_batch ;;
# seed race 2: a new conntrack stays unconfirmed longer
confirm)	set -- symbol=__nf_conntrack_confirm ;;
# seed race 2: after the clash is resolved, before the caller goes on
clash-return)	set -- symbol=nf_ct_resolve_clash on_return=1 ;;
*)		echo "inject.sh: unknown injection point '$point'" >&2; exit 2 ;;
esac
[ "$cpus" = all ] && cpus=""
exec modprobe racerig_delay "$@" delay_us="$delay" permille="$permille" ${cpus:+cpus=$cpus}
