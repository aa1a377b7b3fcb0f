#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='TCP channels of a remote libvirt host: impostors on the agent channel are dropped, the accept deadline is absolute, a URI without a host is refused, domain.xml is private'
. "$(dirname "$0")/lib-test.sh"
. "$(dirname "$0")/lib-libvirtd.sh"

# One "remote host": network namespace rr-a1 with a veth pair to this
# namespace (10.78.1.1 here, 10.78.1.2 there) and a private libvirtd on
# 10.78.1.2:16509.  Processes started in rr-a1 connect from the host's
# own address, so they pass the source-address check as an impostor on
# the libvirt host would.  (Names apart from t9002's, which may run at
# the same time.)
NS=rr-a1
URI="qemu+tcp://10.78.1.2/system"
OUT="$TRASH/runs"

host_down() {
	netns_host_down rr-a rra 1
}

UP=""
if test_have_prereq ROOT && test_have_prereq QEMU && test_have_prereq IMAGE &&
    command -v libvirtd >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
    ! ip netns list | grep -q "^$NS\b"; then
	netns_host_up "$TRASH/lv" rr-a rra 10.78 1 &&
	ip -n "$NS" addr add 10.78.1.3/24 dev rra1b && UP=1
fi
trap 'host_down; rm -rf "$TRASH"' EXIT

# chan_port XML ELEMENT: the TCP port of the <serial> or <channel>
chan_port() {
	sed -n "s/.*<$2 type='tcp'><source mode='connect' host='[^']*' service='\([0-9]*\)'.*/\1/p" "$1"
}

# Impostors on the libvirt host reach the agent channel's listener before
# QEMU does (domain.xml, with the port, is written before the domain is
# created): one presents a wrong token, one a frame that is no AUTH, one
# says nothing at all.  On 4d8536d the first connection became the agent
# channel and the run failed on its frame.
test_expect_success ROOT,QEMU,IMAGE 'impostors on the agent channel are dropped; the real agent gets through' '
	test -n "$UP" &&
	mkdir -p "$OUT/imp" &&
	"$RACERIG" run noop --backend libvirt --connect "$URI" --callback 10.78.1.1 \
		--out "$OUT/imp" >out 2>err &
	pid=$! &&
	ip netns exec "$NS" python3 - "$OUT/imp" "$pid" <<-\PY &&
	import glob, os, re, socket, struct, sys, time
	for _ in range(3000):
	    x = glob.glob(sys.argv[1] + "/*/domain.xml")
	    if x:
	        break
	    time.sleep(0.01)
	port = int(re.search(r"<channel type=.tcp.><source mode=.connect. host=.10.78.1.1. service=.(\d+)", open(x[0]).read()).group(1))
	def frame(t, p):
	    return struct.pack("<HHI", 0x5252, t, len(p)) + p
	held = []
	for data in (frame(13, b"{\"token\":\"" + b"0" * 64 + b"\"}"),
	             frame(1, b"{\"proto\":1,\"release\":\"x\",\"ncpus\":1}"),
	             b""):
	    s = socket.create_connection(("10.78.1.1", port))
	    s.sendall(data)
	    held.append(s)
	# hold them while the run goes on
	pid = int(sys.argv[2])
	for _ in range(1800):
	    try:
	        os.kill(pid, 0)
	    except OSError:
	        break
	    time.sleep(0.1)
	PY
	wait $pid && grep -q "^outcome: *ok" out &&
	grep -q "dropped a connection to the agent channel from 10.78.1.2: it presented a wrong token" err &&
	grep -q "dropped a connection to the agent channel from 10.78.1.2: its first frame is not an auth frame" err &&
	grep -q "dropped a connection to the agent channel from 10.78.1.2: the agent authenticated on another" err
'

test_expect_success ROOT,QEMU,IMAGE 'domain.xml is private; the token file is gone, and the token is in no file' '
	test -n "$UP" &&
	dir=$(run_dir_of out) && test -d "$dir" &&
	test "$(stat -c %a "$dir/domain.xml")" = 600 &&
	# the host shares no files with us: the token went up as a volume,
	# deleted once QEMU had read it
	grep -q "<entry name=.opt/racerig/token. file=./var/lib/libvirt/racerig/racerig-token-$(basename "$dir")./>" "$dir/domain.xml" &&
	grep -q "racerig.auth=fw_cfg" "$dir/domain.xml" &&
	test ! -e "$dir/agent.token" &&
	virsh -c "$URI" vol-list racerig >vols && grep -q kernel vols &&
	! grep -q token vols &&
	! grep -rqE "[0-9a-f]{64}" "$dir"
'

# QEMU connects from an address that is not the host's (the route's
# source is switched to 10.78.1.3), so it is refused, while a connector
# knocks on the console listener every 200 ms.  On 4d8536d each knock
# restarted the 30 s wait and the run waited for as long as they came.
test_expect_success ROOT,QEMU,IMAGE 'a connector every 200 ms does not extend the accept deadline' '
	test -n "$UP" &&
	ip -n "$NS" route replace 10.78.1.0/24 dev rra1b src 10.78.1.3 &&
	mkdir -p "$OUT/knock" && start=$(date +%s) || exit 1
	timeout 120 "$RACERIG" run noop --backend libvirt --connect "$URI" \
		--callback 10.78.1.1 --out "$OUT/knock" >out 2>err &
	pid=$!
	python3 - "$OUT/knock" "$pid" <<-\PY &
	import glob, os, re, socket, sys, time
	for _ in range(3000):
	    x = glob.glob(sys.argv[1] + "/*/domain.xml")
	    if x:
	        break
	    time.sleep(0.01)
	port = int(re.search(r"<serial type=.tcp.><source mode=.connect. host=.10.78.1.1. service=.(\d+)", open(x[0]).read()).group(1))
	while os.path.exists("/proc/" + sys.argv[2]):
	    try:
	        socket.create_connection(("10.78.1.1", port), timeout=1).close()
	    except OSError:
	        pass
	    time.sleep(0.2)
	PY
	knocker=$!
	wait $pid; rc=$?
	end=$(date +%s)
	wait $knocker
	ip -n "$NS" route replace 10.78.1.0/24 dev rra1b src 10.78.1.2 &&
	echo "# exit $rc after $((end - start)) s" >&3 &&
	test $rc = 2 && test $((end - start)) -lt 60 &&
	grep -q "QEMU did not connect the console channel" err &&
	test "$(grep -c "refused a connection to the console channel from 10.78.1.1" err)" -gt 20 &&
	grep -q "refused a connection to the console channel from 10.78.1.3" err
'

# A local URI names no host whose addresses alone may connect a channel.
# On 4d8536d it turned the source-address check off.
test_expect_success 'TCP channels are refused with a URI that names no host' '
	{ "$RACERIG" run noop --backend libvirt --connect qemu:///system \
		--callback 127.0.0.1 --out "$OUT/local" 2>err; test $? = 129; } &&
	grep -q "callback needs a --connect URI that names the libvirt host" err &&
	{ "$RACERIG" run noop --backend libvirt --callback 127.0.0.1 \
		--out "$OUT/local" 2>err; test $? = 129; } &&
	grep -q "callback needs a --connect URI that names the libvirt host" err &&
	test ! -e "$OUT/local" &&
	cat >local.json <<-JSON &&
	{ "name": "t3002", "duration_s": 10, "seed": 1, "mode": "random",
	  "hosts": [ { "uri": "qemu:///system", "capacity": 1, "callback": "127.0.0.1" } ],
	  "kernels": ["k"], "scenarios": [ { "name": "noop", "params": {} } ] }
	JSON
	! "$RACERIG" stress local.json --db "$TRASH/local.db" --out "$OUT/local" 2>err &&
	grep -q "local.json: hosts\[0\].callback is refused: .qemu:///system. names no host" err &&
	test ! -e "$TRASH/local.db"
'

test_done
