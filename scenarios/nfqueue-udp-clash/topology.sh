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

ip netns add cli
ip netns add fwd
ip netns add load
ip link add cli0 type veth peer name fwd0
ip link add fwd1 type veth peer name srv0
ip link add load0 type veth peer name srv1
ip link set cli0 netns cli
ip link set fwd0 netns fwd
ip link set fwd1 netns fwd
ip link set load0 netns load

ip -n cli addr add 10.1.0.2/24 dev cli0
ip -n cli link set cli0 up
ip -n cli link set lo up
ip -n cli route add default via 10.1.0.1
ip -n fwd addr add 10.1.0.1/24 dev fwd0
ip -n fwd addr add 10.2.0.1/24 dev fwd1
ip -n fwd link set fwd0 up
ip -n fwd link set fwd1 up
ip -n fwd link set lo up
ip netns exec fwd sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
ip addr add 10.2.0.2/24 dev srv0
ip link set srv0 up
ip route add 10.1.0.0/24 via 10.2.0.1
ip -n load addr add 10.3.0.2/24 dev load0
ip -n load link set load0 up
ip -n load link set lo up
ip addr add 10.3.0.1/24 dev srv1
ip link set srv1 up

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
