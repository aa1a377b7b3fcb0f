#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nfqueue-udp-clash topology: client netns "cli" -> forwarding netns
# "fwd" -> the init netns, which is the server (so the agent's samples of
# /proc/net/stat/nf_conntrack see its clashes).  New UDP flows to the
# server port are queued to userspace after conntrack created their entry
# and before it is confirmed: in fwd at postrouting, on the server at
# input, fanned out over QUEUES queues.  A second client netns "load"
# reaches the server over its own veth for the softirq flood.
#
#   topology.sh QUEUES PORT
set -eu
# iproute2, not busybox's ip applet (busybox sh prefers its applets)
ip() { /usr/bin/ip "$@"; }
queues=${1:-2}
port=${2:-53}
last=$((queues - 1))

for m in veth nf_conntrack nf_tables nft_ct nft_queue nfnetlink_queue \
	 nf_conntrack_netlink; do
	modprobe "$m"
done

. /scenarios/lib/netns-topology.sh
netns_topology_up

# every round is a new flow: keep the table from filling up (the
# maximum is global, the timeout and events per namespace)
echo 262144 >/proc/sys/net/netfilter/nf_conntrack_max
for ns in "" "ip netns exec fwd"; do
	$ns sh -c 'echo 5 >/proc/sys/net/netfilter/nf_conntrack_udp_timeout;
		   echo 1 >/proc/sys/net/netfilter/nf_conntrack_events'
done

rules="table inet racerig {
	chain input {
		type filter hook input priority 0;
		udp dport $port ct state new queue num 0-$last fanout,bypass
	}
	chain post {
		type filter hook postrouting priority 0;
		udp dport $port ct state new queue num 0-$last fanout,bypass
	}
}"
echo "$rules" | /usr/sbin/nft -f -
echo "$rules" | ip netns exec fwd /usr/sbin/nft -f -
echo "topology: cli 10.1.0.2 -> fwd -> server 10.2.0.2:$port, $queues queues; load 10.3.0.2 -> 10.3.0.1"
