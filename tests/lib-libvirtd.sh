# SPDX-License-Identifier: GPL-2.0
# A private libvirt daemon for tests: its own config, state and sockets,
# in a mount namespace, so the system's libvirt files are neither read
# nor written (CI has no systemd, and tests must not touch the host).
#
#   uri=$(libvirtd_start DIR)    starts virtlogd and libvirtd, prints the URI
#   uri=$(libvirtd_start DIR NETNS IP)
#                                the same inside network namespace NETNS,
#                                also listening on IP:16509 over plain TCP
#                                without authentication (a stand-in for a
#                                remote host); prints qemu+tcp://IP/system
#   uri=$(libvirtd_start DIR NETNS IP HIDDEN...)
#                                and the daemon and its QEMUs see each
#                                HIDDEN directory empty (a tmpfs over it
#                                in their mount namespace): a remote host
#                                that shares no files with this one.  DIR
#                                must not be under one of them.
#   libvirtd_stop DIR            stops them
#   netns_host_up DIR NS VETH NET N [HIDDEN...]
#                                a stand-in for remote host N: network
#                                namespace NS$N, a veth VETH${N}a here
#                                (NET.N.1/24) to VETH${N}b there (NET.N.2),
#                                and libvirtd_start DIR there on NET.N.2
#   netns_host_down NS VETH N    kills what runs in NS$N (the daemon and
#                                its QEMUs) and removes namespace and veth
#
# Settings from what was measured to work without systemd: root, no
# dynamic ownership, no security driver, no cgroups, no namespaces.

libvirtd_start() {
	d=$1 netns=${2:-} addr=${3:-}
	shift $(($# < 3 ? $# : 3))
	hide=""
	for h in "$@"; do
		hide="$hide
	mount -t tmpfs racerig-hidden '$h'"
	done
	mkdir -p "$d/etc" "$d/lib" "$d/cache" "$d/log" "$d/sock"
	cp -a /etc/libvirt/. "$d/etc/"
	cat >"$d/etc/qemu.conf" <<-CONF
	user = "root"
	group = "root"
	dynamic_ownership = 0
	security_driver = "none"
	cgroup_controllers = [ ]
	namespaces = [ ]
	CONF
	cat >"$d/libvirtd.conf" <<-CONF
	unix_sock_dir = "$d/sock"
	unix_sock_rw_perms = "0700"
	auth_unix_rw = "none"
	auth_unix_ro = "none"
	CONF
	listen=""
	if [ -n "$netns" ]; then
		cat >>"$d/libvirtd.conf" <<-CONF
		listen_tls = 0
		listen_tcp = 1
		auth_tcp = "none"
		listen_addr = "$addr"
		CONF
		listen="--listen"
	fi
	cat >"$d/start" <<-SH
	#!/bin/sh
	set -e
	mount --make-rprivate /
	mount -t tmpfs racerig-run /run
	mount --bind "$d/etc" /etc/libvirt
	mount --bind "$d/lib" /var/lib/libvirt
	mount --bind "$d/cache" /var/cache/libvirt
	mount --bind "$d/log" /var/log/libvirt$hide
	virtlogd -d -p "$d/virtlogd.pid"
	libvirtd -d $listen -f "$d/libvirtd.conf" -p "$d/libvirtd.pid"
	SH
	chmod +x "$d/start"
	if [ -n "$netns" ]; then
		set -- ip netns exec "$netns" unshare -m "$d/start"
	else
		set -- unshare -m "$d/start"
	fi
	"$@" >"$d/start.log" 2>&1 || { cat "$d/start.log" >&2; return 1; }
	for i in $(seq 100); do
		[ -S "$d/sock/libvirt-sock" ] && break
		sleep 0.1
	done
	[ -S "$d/sock/libvirt-sock" ] || { echo "libvirtd did not start" >&2; return 1; }
	if [ -n "$netns" ]; then
		echo "qemu+tcp://$addr/system"
	else
		echo "qemu:///system?socket=$d/sock/libvirt-sock"
	fi
}

libvirtd_stop() {
	for p in libvirtd virtlogd; do
		[ -f "$1/$p.pid" ] && kill "$(cat "$1/$p.pid")" 2>/dev/null
	done
	return 0
}

netns_host_up() {
	d=$1 ns=$2$5 veth=$3$5 net=$4.$5
	shift 5
	ip netns add "$ns" &&
	ip link add "${veth}a" type veth peer name "${veth}b" &&
	ip link set "${veth}b" netns "$ns" &&
	ip addr add "$net.1/24" dev "${veth}a" &&
	ip link set "${veth}a" up &&
	ip -n "$ns" addr add "$net.2/24" dev "${veth}b" &&
	ip -n "$ns" link set "${veth}b" up &&
	ip -n "$ns" link set lo up &&
	libvirtd_start "$d" "$ns" "$net.2" "$@" >/dev/null
}

netns_host_down() {
	pids=$(ip netns pids "$1$3" 2>/dev/null)
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	ip netns del "$1$3" 2>/dev/null
	ip link del "$2${3}a" 2>/dev/null
	return 0
}
