#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='multi-host campaigns: two libvirt daemons in network namespaces stand in for remote hosts; one is killed midway and its runs go to the other, each seq recorded once'
. "$(dirname "$0")/lib-test.sh"
. "$(dirname "$0")/lib-libvirtd.sh"

# Two "hosts": network namespaces rr-h1 and rr-h2, each with a veth pair
# to this namespace (10.77.N.1 here, 10.77.N.2 there) and a private
# libvirtd listening on 10.77.N.2:16509.  They share this filesystem,
# and the campaign says so ("storage": "shared"): the hosts read kernels
# and write vmcores at racerig's own paths (t9003 has hosts that share
# nothing).
DB="$TRASH/results.db"
OUT="$TRASH/campaigns"
H1="qemu+tcp://10.77.1.2/system"
H2="qemu+tcp://10.77.2.2/system"

hosts_down() {
	# only what runs in our own namespaces: daemons and their QEMUs
	netns_host_down rr-h rrh 1 && netns_host_down rr-h rrh 2
}

host_up() {	# host_up N: namespace, veth, daemon
	netns_host_up "$TRASH/lv$1" rr-h rrh 10.77 "$1"
}

UP=""
if test_have_prereq ROOT && test_have_prereq QEMU && test_have_prereq IMAGE &&
    command -v libvirtd >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
    ! ip netns list | grep -q '^rr-h[12]\b'; then
	host_up 1 && host_up 2 && UP=1
fi
trap 'hosts_down; rm -rf "$TRASH"' EXIT

# A campaign file; $1 is the "hosts" list
campaign() {
	cat <<JSON
{ "name": "t9002", "duration_s": 70, "seed": 5, "mode": "random",
  "hosts": $1,
  "kernels": ["$(basename "$("$RACERIG" image show --dir 2>/dev/null)")"],
  "scenarios": [
    { "name": "noop", "params": {} },
    { "name": "sysrq-crash", "params": {} } ] }
JSON
}

test_expect_success 'bad hosts are refused naming the file and the field' '
	campaign "[{\"uri\": \"$H1\", \"capacity\": 0, \"callback\": \"127.0.0.1\"}]" >c1.json &&
	! "$RACERIG" stress c1.json --db "$TRASH/bad.db" --out "$TRASH/bad" 2>err &&
	grep -q "c1.json: hosts\[0\].capacity must be an integer in 1..32" err &&
	campaign "[{\"uri\": \"http://10.77.1.2/system\", \"capacity\": 1}]" >c2.json &&
	! "$RACERIG" stress c2.json --db "$TRASH/bad.db" --out "$TRASH/bad" 2>err &&
	grep -q "c2.json: hosts\[0\].uri .http://10.77.1.2/system. is not a libvirt QEMU URI" err &&
	campaign "[{\"uri\": \"$H1\", \"capacity\": 1}]" >c3.json &&
	! "$RACERIG" stress c3.json --db "$TRASH/bad.db" --out "$TRASH/bad" 2>err &&
	grep -q "c3.json: hosts\[0\].callback is needed" err &&
	campaign "[{\"uri\": \"$H1\", \"capacity\": 1, \"callback\": \"10.0.0\"}]" >c4.json &&
	! "$RACERIG" stress c4.json --db "$TRASH/bad.db" --out "$TRASH/bad" 2>err &&
	grep -q "c4.json: hosts\[0\].callback .10.0.0. is not an IPv4 or IPv6 address" err &&
	campaign "[{\"uri\": \"$H1\", \"capacity\": 1, \"callback\": \"127.0.0.1\"},
		   {\"uri\": \"$H1\", \"capacity\": 2, \"callback\": \"127.0.0.1\"}]" >c5.json &&
	! "$RACERIG" stress c5.json --db "$TRASH/bad.db" --out "$TRASH/bad" 2>err &&
	grep -q "c5.json: hosts\[1\].uri .* is listed twice" err &&
	campaign "[{\"uri\": \"$H1\", \"capacity\": 1, \"callback\": \"127.0.0.1\", \"storage\": \"nfs\"}]" >c6.json &&
	! "$RACERIG" stress c6.json --db "$TRASH/bad.db" --out "$TRASH/bad" 2>err &&
	grep -q "c6.json: hosts\[0\].storage must be \"volumes\" or \"shared\"" err &&
	test ! -e "$TRASH/bad.db"
'

test_expect_success ROOT,QEMU,IMAGE 'both daemons answer over TCP from their namespaces' '
	test -n "$UP" &&
	virsh -c "$H1" list >/dev/null && virsh -c "$H2" list >/dev/null &&
	test "$(ip netns identify "$(cat "$TRASH/lv2/libvirtd.pid")")" = rr-h2
'

# The channel ports listen on this machine's side of the veth while the
# domain starts: a connection from anywhere but the host is refused and
# QEMU's still gets the console.  (domain.xml, with the ports, is written
# before the domain is created, so the intruder comes first.)
test_expect_success ROOT,QEMU,IMAGE 'a channel connection not from the host is refused' '
	test -n "$UP" &&
	"$RACERIG" run noop --backend libvirt --connect "$H1" --callback 10.77.1.1 \
		--out "$TRASH/intr" >out 2>err &
	pid=$! &&
	python3 - "$TRASH/intr" <<-PY &&
	import glob, re, socket, sys, time
	for _ in range(1000):
	    x = glob.glob(sys.argv[1] + "/*/domain.xml")
	    if x:
	        break
	    time.sleep(0.01)
	port = re.search(r"<serial type=.tcp.><source mode=.connect. host=.10.77.1.1. service=.(\d+)", open(x[0]).read()).group(1)
	s = socket.create_connection(("10.77.1.1", int(port)), source_address=("10.77.1.1", 0))
	s.sendall(b"Kernel panic - not syncing: fake\n")
	time.sleep(1)
	PY
	wait $pid && grep -q "^outcome: *ok" out &&
	grep -q "refused a connection to the console channel from 10.77.1.1" err
'

# 10.77.2.1 is this machine, but not reachable from rr-h1 (no route):
# host 1's QEMU cannot connect its channels, its daemon still answers.
test_expect_success ROOT,QEMU,IMAGE 'a host that cannot run VMs goes down after 3 error runs' '
	test -n "$UP" &&
	campaign "[{\"uri\": \"$H1\", \"capacity\": 1, \"callback\": \"10.77.2.1\"},
		   {\"uri\": \"$H2\", \"capacity\": 1, \"callback\": \"10.77.2.1\"}]" |
		sed "s/\"duration_s\": 70/\"duration_s\": 25/; s/\"t9002\"/\"t9002e\"/" >err.json &&
	"$RACERIG" stress err.json --db "$TRASH/err.db" --out "$TRASH/errcamp" 2>log &&
	grep -q "host 10.77.1.2 is down.*could not run a VM" log &&
	test "$(sqlite3 "$TRASH/err.db" "select count(*) from runs where host=\"$H1\"")" = 3 &&
	test "$(sqlite3 "$TRASH/err.db" "select count(*) from runs where host=\"$H1\" and outcome != \"error\"")" = 0 &&
	test "$(sqlite3 "$TRASH/err.db" "select count(*) from runs where host=\"$H2\" and outcome in (\"ok\", \"crashed\")")" -gt 0
'

test_expect_success ROOT,QEMU,IMAGE 'host 2 dies midway: the campaign finishes on host 1 and loses no seq' '
	test -n "$UP" &&
	campaign "[{\"uri\": \"$H1\", \"capacity\": 1, \"callback\": \"10.77.1.1\", \"storage\": \"shared\"},
		   {\"uri\": \"$H2\", \"capacity\": 1, \"callback\": \"10.77.2.1\", \"storage\": \"shared\"}]" >camp.json &&
	"$RACERIG" stress camp.json --db "$DB" --out "$OUT" 2>log &
	pid=$! && sleep 25 &&
	test "$(sqlite3 "$DB" "select count(*) from runs where host=\"$H2\"")" -gt 0 &&
	# kill it with a guest booting in it (the console is streaming),
	# and its daemon with it, as a dying host would
	for i in $(seq 100); do
		booting=$(for x in "$OUT"/t9002/*/domain.xml; do
			r=${x%/domain.xml}
			grep -q "10.77.2.1" "$x" && test -s "$r/console.log" &&
			test ! -e "$r/run.json" && echo "$r"
		done)
		test -n "$booting" && break
		sleep 0.2
	done &&
	kill -9 $(ip netns pids rr-h2) && killed=$(date +%s.%N) &&
	echo "# killed host 2 while $(basename "$booting") was running" >&3 &&
	wait $pid && cat log >&3 &&
	n=$(sqlite3 "$DB" "select count(*) from runs") &&
	echo "# $n runs: host 1 $(sqlite3 "$DB" "select count(*) from runs where host=\"$H1\""), host 2 $(sqlite3 "$DB" "select count(*) from runs where host=\"$H2\"")" >&3 &&
	sqlite3 "$DB" "select \"# host 2: seq \" || seq || \" \" || outcome || \": \" || reason from runs where host=\"$H2\"" >&3 &&
	test "$n" -gt 4 &&
	test "$(sqlite3 "$DB" "select count(*) from runs where outcome in (\"lost\", \"failed\", \"error\")")" = 0 &&
	test "$(sqlite3 "$DB" "select count(distinct seq) || \" \" || min(seq) || \" \" || max(seq) from runs")" = "$n 0 $((n - 1))" &&
	test "$(sqlite3 "$DB" "select count(*) from runs where host=\"$H1\"")" -gt 0 &&
	test "$(sqlite3 "$DB" "select count(*) from runs where started_at > $killed and host != \"$H1\"")" = 0 &&
	test "$(sqlite3 "$DB" "select count(*) from runs where host is null")" = 0 &&
	test "$(ls "$OUT/t9002" | wc -l)" = "$n" &&
	grep -q "host 10.77.2.2 is down" log &&
	grep -q "rescheduled" log &&
	grep -q "10.77.2.2: [0-9]* runs, down" log &&
	test "$(sqlite3 "$DB" "select finished from campaigns where name=\"t9002\"")" = 1
'

test_expect_success ROOT,QEMU,IMAGE 'no domain is left on host 1, and runs crashed there have vmcores' '
	test -n "$UP" &&
	virsh -c "$H1" list --all --name >doms && ! grep -q racerig- doms &&
	d=$(sqlite3 "$DB" "select dir from runs where outcome=\"crashed\" and host=\"$H1\" limit 1") &&
	test -n "$d" && test -s "$d/vmcore" && grep -q "type=.tcp." "$d/domain.xml" &&
	# shared storage: the kernel at its own path, no volume
	grep -q "<kernel>$("$RACERIG" image show --dir)/" "$d/domain.xml"
'
test_done
