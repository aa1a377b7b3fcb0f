#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Route and neighbour churn under the traffic of net-mix: every PERIOD_MS
# milliseconds, one change that invalidates what the packets in flight
# hold (cached routes and dst entries, neighbour entries, conntrack's
# view of the rules), for SECONDS.  PERIOD_MS 0 does nothing.
#
#   churn.sh PERIOD_MS SECONDS
set -u
ip() { /usr/bin/ip "$@"; }
period=$1 seconds=$2
[ "$period" -gt 0 ] || exit 0
end=$(( $(cut -d. -f1 /proc/uptime) + seconds ))
i=0
while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
	case $((i % 6)) in
	0) if [ $((i % 12)) = 0 ]; then
		ip route replace 10.1.0.0/24 via 10.2.0.1 dev srv0 src 10.2.0.2
	   else
		ip route replace 10.1.0.0/24 via 10.2.0.1 dev srv0
	   fi ;;
	1) ip -n fwd neigh flush dev fwd1 ;;
	2) ip neigh flush dev srv0 ;;
	3) ip -n cli route replace default via 10.1.0.1 ;;
	4) ip -n fwd route flush cache 2>/dev/null; ip route flush cache 2>/dev/null ;;
	5) ip -n fwd link set fwd1 mtu $((1400 + (i % 2) * 100)) ;;
	esac
	i=$((i + 1))
	usleep $((period * 1000)) 2>/dev/null || sleep 1
done
echo "churn: $i changes"
