#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='libvirt backend: a private libvirt daemon runs the same scenarios as the QEMU backend, with the same outcomes'
. "$(dirname "$0")/lib-test.sh"
. "$(dirname "$0")/lib-libvirtd.sh"

OUT="$TRASH/runs"
LV="$TRASH/libvirt"
if test_have_prereq ROOT && command -v libvirtd >/dev/null 2>&1 &&
    test_have_prereq IMAGE; then
	URI=$(libvirtd_start "$LV") || URI=""
fi
trap 'libvirtd_stop "$LV"; rm -rf "$TRASH"' EXIT

# outcome and title of one run on a backend ("-" for QEMU's)
outcome_of() {
	backend=$1 scenario=$2; shift 2
	if [ "$backend" = libvirt ]; then
		"$RACERIG" run "$scenario" --backend libvirt --connect "$URI" \
			--out "$OUT" "$@" >"$TRASH/$scenario.$backend" 2>&1
	else
		"$RACERIG" run "$scenario" --out "$OUT" "$@" >"$TRASH/$scenario.$backend" 2>&1
	fi
	sed -n "s/^outcome: *//p; s/^bug class: *//p" "$TRASH/$scenario.$backend" | tr "\n" " "
}

test_expect_success QEMU,IMAGE 'the private daemon answers' '
	test -n "$URI" && virsh -c "$URI" version >out && grep -q "Running hypervisor: QEMU" out
'

for s in noop sysrq-crash rcu-peer-update nfqueue-udp-clash; do
	test_expect_success QEMU,IMAGE "$s: same outcome on libvirt as on QEMU" '
		test -n "$URI" &&
		q=$(outcome_of qemu '"$s"' --duration 20) &&
		l=$(outcome_of libvirt '"$s"' --duration 20) &&
		echo "# '"$s"': qemu: $q libvirt: $l" >&3 &&
		test -n "$q" && test "$q" = "$l"
	'
done

test_expect_success QEMU,IMAGE 'a libvirt crash has a vmcore and its domain is gone after the run' '
	test -n "$URI" && dir=$(run_dir_of "$TRASH/sysrq-crash.libvirt") &&
	test -s "$dir/vmcore" && grep -q "panic model=.isa." "$dir/domain.xml" &&
	makedumpfile --dump-dmesg "$dir/vmcore" dmesg.txt >/dev/null 2>&1 &&
	grep -q "sysrq: Trigger a crash" dmesg.txt &&
	virsh -c "$URI" list --all --name >doms && ! grep -q racerig- doms
'

test_expect_success QEMU,IMAGE 'a bad URI is a clear error' '
	"$RACERIG" run noop --backend libvirt --connect "qemu:///system?socket=$TRASH/none" \
		--out "$OUT" >out 2>err; test $? != 0 &&
	grep -q "libvirt: cannot connect" err
'
test_done
