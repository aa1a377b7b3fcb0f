#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest network the networking scenarios share (sourced, not run):
# client netns "cli" 10.1.0.2 -> forwarding netns "fwd" (10.1.0.1,
# 10.2.0.1, forwarding on) -> the init netns, the server, 10.2.0.2; and a
# second client netns "load" 10.3.0.2 that reaches the server at 10.3.0.1
# over its own veth, for the softirq flood.  The caller loads veth and
# its netfilter modules, then adds its own rules.
#
#   . /scenarios/lib/netns-topology.sh; netns_topology_up

netns_topology_up() {
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
}
