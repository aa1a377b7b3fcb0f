#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='a fleet without a shared filesystem: two libvirt hosts that see neither racerig'"'"'s cache nor its run directories boot from uploaded volumes, send vmcores down, and a host cut off mid-run is left with no stray domain'
. "$(dirname "$0")/lib-test.sh"
. "$(dirname "$0")/lib-libvirtd.sh"

# Two "hosts" as in t9002 (network namespaces rr-f1 and rr-f2, veths,
# a private libvirtd on 10.79.N.2:16509), each also in a mount
# namespace where racerig's cache, this checkout and the test's own
# directory (campaign run directories included) are empty tmpfs.  Their
# daemon directories live elsewhere, for the test to reach their sockets.
CACHE=${RACERIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/racerig}
DB="$TRASH/results.db"
OUT="$TRASH/campaigns"
H1="qemu+tcp://10.79.1.2/system"
H2="qemu+tcp://10.79.2.2/system"
LV=""

hosts_down() {
	netns_host_down rr-f rrf 1 && netns_host_down rr-f rrf 2
	[ -n "$LV" ] && rm -rf "$LV"
	return 0
}

host_up() {	# host_up N: namespace, veth, daemon that sees none of ours
	netns_host_up "$LV/lv$1" rr-f rrf 10.79 "$1" "$TRASH" "$CACHE" "$TEST_ROOT"
}

UP=""
if test_have_prereq ROOT && test_have_prereq QEMU && test_have_prereq IMAGE &&
    command -v libvirtd >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
    ! ip netns list | grep -q '^rr-f[12]\b'; then
	LV=$(mktemp -d /var/tmp/racerig-t9003.XXXXXX) &&
	host_up 1 && host_up 2 && UP=1
fi
trap 'hosts_down; [ "${RACERIG_TEST_KEEP:-0}" = 1 ] || rm -rf "$TRASH"' EXIT

campaign() {	# NAME DURATION SCENARIOS-JSON
	cat <<JSON
{ "name": "$1", "duration_s": $2, "seed": 9, "mode": "random",
  "hosts": [ { "uri": "$H1", "capacity": 1, "callback": "10.79.1.1" },
             { "uri": "$H2", "capacity": 1, "callback": "10.79.2.1" } ],
  "kernels": ["$(basename "$("$RACERIG" image show --dir 2>/dev/null)")"],
  "scenarios": $3 }
JSON
}

# what a process in host N's mount namespace sees of a directory
seen_by_host() {
	nsenter -t "$(cat "$LV/lv$1/libvirtd.pid")" -m ls -A "$2"
}

test_expect_success ROOT,QEMU,IMAGE 'neither host sees racerig'"'"'s cache, checkout or run directories' '
	test -n "$UP" &&
	ls -A "$CACHE" | grep -q images &&
	test -z "$(seen_by_host 1 "$CACHE")" && test -z "$(seen_by_host 2 "$CACHE")" &&
	test -z "$(seen_by_host 1 "$TEST_ROOT")" && test -z "$(seen_by_host 2 "$TRASH")"
'

# Old volumes on host 1, as earlier campaigns would leave them: 20 last
# used two days ago (a second apart), one ten minutes ago, in a pool
# defined as racerig defines it.
fake_volumes() {
	now=$(date +%s) &&
	for i in $(seq 20) 99; do
		v=racerig-$(printf %032x "$i")-fake
		t=$((now - 2 * 86400 + i))
		[ "$i" = 99 ] && t=$((now - 600))
		virsh -c "$H1" vol-create-as racerig "$v" 4096 >/dev/null &&
		virsh -c "$H1" vol-create-as racerig "$v.used-$t" 0 >/dev/null || return 1
	done
}

test_expect_success ROOT,QEMU,IMAGE 'a campaign boots from uploaded volumes and downloads its vmcores' '
	test -n "$UP" &&
	virsh -c "$H1" pool-define-as racerig dir --target /var/lib/libvirt/racerig >/dev/null &&
	virsh -c "$H1" pool-build racerig >/dev/null && virsh -c "$H1" pool-start racerig >/dev/null &&
	fake_volumes &&
	campaign t9003 40 "[{ \"name\": \"sysrq-crash\", \"params\": {} },
			   { \"name\": \"noop\", \"params\": {} }]" >camp.json &&
	"$RACERIG" stress camp.json --db "$DB" --out "$OUT" 2>log &&
	grep " \(up\|down\)loaded " log | sed "s/^/# /" >&3 &&
	test "$(sqlite3 "$DB" "select count(*) from runs where outcome not in (\"ok\", \"crashed\")")" = 0 &&
	# (which host draws which scenario is the scheduler'"'"'s affair)
	test "$(sqlite3 "$DB" "select count(distinct host) from runs")" = 2 &&
	test "$(sqlite3 "$DB" "select count(*) from runs where outcome=\"crashed\"")" -gt 0 &&
	# each crashed run has a whole vmcore here, rearranged from the
	# flattened stream into makedumpfile'"'"'s format
	for d in $(sqlite3 "$DB" "select dir from runs where outcome=\"crashed\""); do
		test "$(head -c 8 "$d/vmcore")" = "KDUMP   " || exit 1
	done &&
	test "$(grep -c ": downloaded vmcore racerig-vmcore-" log)" = "$(sqlite3 "$DB" "select count(*) from runs where outcome=\"crashed\"")" &&
	# the domains booted from the volumes, not from our paths
	grep -q "<kernel>/var/lib/libvirt/racerig/racerig-[0-9a-f]*-kernel</kernel>" "$(sqlite3 "$DB" "select dir from runs limit 1")/domain.xml"
'

# each file went up once per host, and the pools keep nothing else
test_expect_success ROOT,QEMU,IMAGE 'kernel and initramfs were uploaded once per host; no token or vmcore volume is left; old volumes were pruned by last use' '
	test -n "$UP" &&
	# 16 content volumes kept on host 1: our 2, the recent fake, the 13
	# newest old ones; the 7 oldest went with their marks
	virsh -c "$H1" vol-list racerig >vols &&
	test "$(grep -c -- "-fake " vols)" = 14 &&
	grep -q "racerig-0*63-fake " vols && grep -q "racerig-0*8-fake " vols &&
	! grep -q "racerig-0*7-fake" vols && ! grep -q "racerig-0*1-fake" vols &&
	for h in 1 2; do
		test "$(grep -c "uploaded kernel .* to 10.79.$h.2 " log)" = 1 &&
		test "$(grep -c "uploaded initramfs .* to 10.79.$h.2 " log)" = 1 &&
		H=$(eval echo \$H$h) &&
		virsh -c "$H" vol-list racerig >vols &&
		test "$(grep -c "racerig-[0-9a-f]*-kernel " vols)" = 1 &&
		test "$(grep -c "racerig-[0-9a-f]*-initramfs " vols)" = 1 &&
		! grep -q "token\|vmcore" vols || { cat vols; exit 1; }
	done
'

test_expect_success ROOT,QEMU,IMAGE 'a host cut off mid-run comes back, its stray domain is destroyed, and nothing is uploaded again' '
	test -n "$UP" &&
	campaign t9003-cut 45 "[{ \"name\": \"noop\", \"params\": {} }]" >cut.json &&
	"$RACERIG" stress cut.json --db "$DB" --out "$OUT" 2>cutlog &
	pid=$! &&
	for i in $(seq 150); do
		virsh -c "$H2" list --name 2>/dev/null | grep -q "^racerig-" && break
		sleep 0.2
	done &&
	virsh -c "$H2" list --name | grep "^racerig-" >stray &&
	ip link set rrf2a down && sleep 12 && ip link set rrf2a up &&
	back=$(date +%s.%N) &&
	wait $pid && sed "s/^/# /" cutlog >&3 &&
	grep -q "host 10.79.2.2 is down" cutlog &&
	grep -q "destroyed stray domain $(cat stray) on host 10.79.2.2" cutlog &&
	grep -q "host 10.79.2.2 is back" cutlog &&
	virsh -c "$H2" list --all --name >doms && ! grep -q "^racerig-" doms &&
	virsh -c "$H1" list --all --name >doms && ! grep -q "^racerig-" doms &&
	! grep -q " uploaded " cutlog &&
	test "$(sqlite3 "$DB" "select count(*) from runs r join campaigns c on c.id = r.campaign_id where c.name = \"t9003-cut\" and r.host = \"$H2\" and r.started_at > $back")" -gt 0
'
test_expect_success ROOT,QEMU,IMAGE 'the report counts each host'"'"'s runs from the database: text, JSON and HTML' '
	test -n "$UP" &&
	"$RACERIG" report --db "$DB" --campaign t9003-cut --json rep.json --html rep.html >txt &&
	for H in "$H1" "$H2"; do
		runs=$(sqlite3 "$DB" "select count(*) from runs r join campaigns c on c.id = r.campaign_id where c.name = \"t9003-cut\" and r.host = \"$H\"") &&
		test "$runs" -gt 0 &&
		grep -q "^  $H: $runs runs, 0 crashed or hung, 0 could not run a VM$" txt &&
		python3 -c "import json, sys; h = {x[\"host\"]: x[\"runs\"] for x in json.load(open(\"rep.json\"))[\"hosts\"]}; sys.exit(h.get(sys.argv[1]) != int(sys.argv[2]))" "$H" "$runs" &&
		grep -q "<tr><td>$H</td><td>$runs</td>" rep.html || { cat txt; exit 1; }
	done
'
test_done
