#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='guest images: manifest, initramfs content, no-op rebuilds'
. "$(dirname "$0")/lib-test.sh"

test_expect_success IMAGE 'the manifest is JSON and lists the agent, busybox and the port modules' '
	img=$("$RACERIG" image show --dir) &&
	json_get "$img/manifest.json" "d[\"kernel_release\"]" >rel &&
	test -s rel &&
	json_get "$img/manifest.json" "[f[\"path\"] for f in d[\"files\"]]" >files &&
	grep -q "/sbin/racerig-agent" files && grep -q "/bin/busybox" files &&
	grep -q "virtio_console.ko" files &&
	json_get "$img/manifest.json" "d[\"boot_modules\"]" | grep -q "virtio_pci.ko" &&
	json_get "$img/manifest.json" "d[\"boot_modules\"]" | grep -q "qemu_fw_cfg.ko"
'

test_expect_success IMAGE 'the initramfs is a newc cpio with /init, the agent and every scenario' '
	img=$("$RACERIG" image show --dir) &&
	cpio -t <"$img/initramfs.cpio" >list 2>/dev/null &&
	grep -qx "init" list && grep -qx "sbin/racerig-agent" list &&
	grep -qx "etc/racerig/boot-modules" list &&
	for s in $(ls "$TEST_ROOT/scenarios"); do
		[ -f "$TEST_ROOT/scenarios/$s/scenario.json" ] || continue
		grep -qx "scenarios/$s/scenario.json" list || exit 1
	done &&
	grep -q "lib/modules/.*/extra/racerig_rcupeer.ko" list &&
	grep -qx "scenarios/rcu-peer-update/driver" list &&
	grep -qx "scenarios/nfqueue-udp-clash/nfq-verdict" list
'

test_expect_success IMAGE 'a rebuild with nothing changed takes under 2 s and rewrites nothing' '
	img=$("$RACERIG" image show --dir) &&
	"$RACERIG" image build --kernel "$(basename "$img")" >/dev/null 2>&1 &&
	before=$(stat -c "%n %Y" "$img"/* | sort) &&
	t0=$(date +%s%N) &&
	"$RACERIG" image build --kernel "$(basename "$img")" 2>err >/dev/null &&
	t1=$(date +%s%N) &&
	after=$(stat -c "%n %Y" "$img"/* | sort) &&
	test "$before" = "$after" && grep -q "is up to date" err &&
	echo "# no-op rebuild: $(( (t1 - t0) / 1000000 )) ms" >&3 &&
	test $(( (t1 - t0) / 1000000 )) -lt 2000
'

test_expect_success IMAGE 'an image whose scenario programs are not built is refused, naming one' '
	img=$("$RACERIG" image show --dir) &&
	mkdir -p nobuild/guest && cp "$TEST_ROOT/build/guest/racerig-agent" nobuild/guest/ &&
	! RR_KDUMP=0 RR_GUEST_MODULES= "$TEST_ROOT/images/build-image" --src "$TEST_ROOT" \
		--build "$PWD/nobuild" --cache "$(dirname "$(dirname "$img")")" \
		--release "$(basename "$img")" --name t1003-nobuild 2>err &&
	grep -q "runs /scenarios/[a-z-]*/[a-z-]*, which is not built in $PWD/nobuild" err &&
	! test -e "$(dirname "$img")/t1003-nobuild"
'

test_expect_success 'an unknown kernel is an error naming it' '
	! "$RACERIG" image build --kernel 9.9.9-nosuch-cloud-amd64 2>err &&
	grep -q "9.9.9-nosuch-cloud-amd64" err
'
test_done
