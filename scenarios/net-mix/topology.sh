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

. /scenarios/lib/netns-topology.sh
netns_topology_up

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
