#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# net-mix topology, the shape of nfqueue-udp-clash's without the queues:
# client netns "cli" -> forwarding netns "fwd" (conntrack, and with NAT 1
# source NAT of the clients behind 10.2.0.1) -> the init netns, the
# server; a second client netns "load" reaches the server over its own
# veth for the softirq flood.  Conntrack tracks every flow in fwd and on
# the server, so UDP, TCP and ICMP flows all insert, confirm and expire
# entries from every vCPU.
#
#   topology.sh NAT
set -eu
ip() { /usr/bin/ip "$@"; }	# iproute2, not busybox's applet
nat=${1:-0}

for m in veth nf_conntrack nf_tables nft_ct nft_nat nft_masq nft_chain_nat nf_nat; do
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
ip link set lo up
ip route add 10.1.0.0/24 via 10.2.0.1
ip -n load addr add 10.3.0.2/24 dev load0
ip -n load link set load0 up
ip -n load link set lo up
ip addr add 10.3.0.1/24 dev srv1
ip link set srv1 up

echo 262144 >/proc/sys/net/netfilter/nf_conntrack_max
for ns in "" "ip netns exec fwd"; do
	$ns sh -c 'echo 5 >/proc/sys/net/netfilter/nf_conntrack_udp_timeout;
		   echo 10 >/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait'
done

# conntrack state matches on both sides: every packet looks its entry up
rules="table inet racerig {
	chain through {
		type filter hook forward priority 0;
		ct state invalid counter
		ct state established,related counter accept
		ct state new counter accept
	}
	chain input {
		type filter hook input priority 0;
		ct state new counter
		ct state established counter
	}
}"
echo "$rules" | /usr/sbin/nft -f -
echo "$rules" | ip netns exec fwd /usr/sbin/nft -f -
if [ "$nat" = 1 ]; then
	echo "table ip racerig_nat {
		chain post {
			type nat hook postrouting priority 100;
			oifname fwd1 masquerade
		}
	}" | ip netns exec fwd /usr/sbin/nft -f -
fi
echo "topology: cli 10.1.0.2 -> fwd (nat $nat) -> server 10.2.0.2; load 10.3.0.2 -> 10.3.0.1"
