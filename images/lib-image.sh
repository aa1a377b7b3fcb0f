# SPDX-License-Identifier: GPL-2.0
# Helpers of images/build-image: fetching Debian kernels, resolving and
# installing modules, copying programs with their libraries, the manifest.

# Modules every guest loads at boot, in two groups: the agent's port
# before it says HELLO; memory dumps with VMCOREINFO (qemu_fw_cfg) and
# GUEST_PANICKED (pvpanic) right after, while the host answers.  The
# kdump capture kernel also needs virtio_blk for its disk.
EARLY_MODULES="virtio_pci virtio_console"
LATE_MODULES="qemu_fw_cfg pvpanic pvpanic_mmio"
CAPTURE_MODULES="virtio_pci virtio_blk"
BOOT_MODULES="$EARLY_MODULES $LATE_MODULES $CAPTURE_MODULES"

log() { echo "racerig: image: $*" >&2; }
die() { echo "racerig: error: image: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { printf '%.2f' "$(echo "$(now) - $1" | bc -l)"; }
t_stage=$(date +%s.%N)
stage_done() { log "$1 ($(elapsed "$t_stage") s)"; t_stage=$(now); }

# The release of Debian 12's default cloud kernel: what the
# linux-image-cloud-amd64 meta package depends on.  apt-cache costs
# 0.6 s a call, so the answer is kept until apt's lists change.
default_release() {
	local dep memo="$cache/default-release" lists=/var/lib/apt/lists
	if [ -f "$memo" ] && [ "$memo" -nt "$lists" ]; then
		cat "$memo"
		return
	fi
	dep=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(.*-cloud-amd64\)$/\1/p' | head -1) || true
	if [ -z "$dep" ]; then
		apt-get update -q >&2 || die "apt-get update failed"
		dep=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-\(.*-cloud-amd64\)$/\1/p' | head -1) || true
	fi
	[ -n "$dep" ] || die "cannot find Debian's default cloud kernel (linux-image-cloud-amd64)"
	mkdir -p "$cache" && echo "$dep" >"$memo"
	echo "$dep"
}

# Fetch and unpack a Debian kernel with its headers into a private root
# (never into the system).  Sets release kroot kdir vmlinuz sysmap config
# deb_version.
kernel_from_debian() {
	local rel=$1 cache=$2 debs="$2/debs" pkgs p f kbuild common
	kroot="$cache/kernels/$rel/root"
	mkdir -p "$debs"
	case "$rel" in
	*-cloud-amd64) ;;
	*) die "'$rel' is not a Debian cloud kernel release (like 6.1.0-56-cloud-amd64)" ;;
	esac
	pkgs="linux-image-$rel-unsigned linux-headers-$rel"
	if [ -f "$kroot/.unpacked" ]; then
		# unpacked before: what apt said then still holds
		read -r common kbuild deb_version <"$kroot/.unpacked"
		set_kernel_paths "$rel"
		return
	fi
	# headers depend on a -common package and a kbuild package
	# (|| true: an unknown package is reported below, not by set -e)
	common=$(apt-cache depends "linux-headers-$rel" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-headers-.*-common\)$/\1/p' | head -1) || true
	kbuild=$(apt-cache depends "linux-headers-$rel" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-kbuild-[0-9.]*[^ ]*\)$/\1/p' | head -1) || true
	if [ -z "$common" ] || [ -z "$kbuild" ]; then
		apt-get update -q >&2 || die "apt-get update failed"
		common=$(apt-cache depends "linux-headers-$rel" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-headers-.*-common\)$/\1/p' | head -1) || true
		kbuild=$(apt-cache depends "linux-headers-$rel" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-kbuild-[0-9.]*[^ ]*\)$/\1/p' | head -1) || true
	fi
	[ -n "$common" ] && [ -n "$kbuild" ] || die "no Debian packages for kernel '$rel'"
	deb_version=$(apt-cache show "linux-image-$rel-unsigned" 2>/dev/null |
		sed -n 's/^Version: //p' | head -1) || true
	for p in $pkgs $common $kbuild; do
		if ! ls "$debs/${p}_"*.deb >/dev/null 2>&1; then
			log "downloading $p"
			(cd "$debs" && apt-get download -q "$p" >&2) ||
				die "cannot download '$p' for kernel '$rel'"
		fi
	done
	if [ ! -f "$kroot/.unpacked" ]; then
		log "unpacking $rel into $kroot"
		rm -rf "$kroot"; mkdir -p "$kroot"
		for p in $pkgs $common $kbuild; do
			for f in "$debs/${p}_"*.deb; do dpkg-deb -x "$f" "$kroot"; done
		done
		# the headers include their -common part by absolute path
		sed -i "s|^include /usr/src/|include $kroot/usr/src/|" \
			"$kroot/usr/src/linux-headers-$rel/Makefile"
		echo "$common $kbuild $deb_version" >"$kroot/.unpacked"
	fi
	set_kernel_paths "$rel"
}

set_kernel_paths() {
	kdir="$kroot/usr/src/linux-headers-$1"
	vmlinuz="$kroot/boot/vmlinuz-$1"
	sysmap="$kroot/boot/System.map-$1"
	config="$kroot/boot/config-$1"
	release=$1
	[ -f "$vmlinuz" ] || die "package for '$1' has no kernel image"
}

# A kernel build tree: its bzImage, and modules installed into a private
# root with make modules_install.  Sets the same variables.
kernel_from_tree() {
	local t
	t=$(cd "$1" && pwd) || die "no kernel tree '$1'"
	[ -f "$t/arch/x86/boot/bzImage" ] || die "'$t' has no arch/x86/boot/bzImage (build it first)"
	release=$(make -s -C "$t" kernelrelease 2>/dev/null) || die "cannot get the release of '$t'"
	kroot="$cache/kernels/$release/root"
	# reinstall when the kernel or any module was rebuilt since (a
	# bisection step may rebuild modules only)
	if [ ! -f "$kroot/.installed" ] || [ "$t/arch/x86/boot/bzImage" -nt "$kroot/.installed" ] ||
	    [ -n "$(find "$t" -name '*.ko' -newer "$kroot/.installed" -print -quit)" ]; then
		rm -rf "$kroot"; mkdir -p "$kroot"
		log "installing the modules of $t"
		make -s -C "$t" modules_install INSTALL_MOD_PATH="$kroot" >&2 ||
			die "make modules_install failed in '$t'"
		touch "$kroot/.installed"
	fi
	kdir=$t
	vmlinuz="$t/arch/x86/boot/bzImage"
	sysmap="$t/System.map"
	config="$t/.config"
	deb_version=""
}

# A hash of everything the image is made of.
input_stamp() {
	{
		cat "$(dirname "$0")/build-image" "$(dirname "$0")/lib-image.sh"
		echo "$release $source_desc"
		ls -l --time-style=+%s "$vmlinuz" "$config"
		# the modules, as installed or unpacked
		ls -l --time-style=+%s "$kroot"/.installed "$kroot"/.unpacked 2>/dev/null
		echo "modules: $BOOT_MODULES $RR_MODULES"
		echo "guest modules: $RR_GUEST_MODULES"
		echo "binaries: $RR_BINARIES kdump: $RR_KDUMP"
		echo "workload binaries: $RR_WORKLOAD_BINARIES"
		for b in $RR_BINARIES $RR_WORKLOAD_BINARIES; do
			ls -lL --time-style=+%s "$b" 2>&1
		done
		sha256sum <"$agent"
		# relative paths: two checkouts of one tree make one image;
		# racerig's own modules fill in what a --modules-src lacks
		for d in "$modsrc" "$src/guest/modules"; do
			(cd "$d" && find . -path ./.git -prune -o -type f \( -name '*.[ch]' \
				-o -name Kbuild -o -name Makefile \) -print | LC_ALL=C sort |
				xargs -r sha256sum)
		done
		(cd "$src" && find scenarios -type f \
			\( -name '*.json' -o -name '*.sh' -o -name '*.c' -o -name '*.h' \
			   -o -name 'Kbuild' -o -name 'Makefile' \) 2>/dev/null |
			LC_ALL=C sort | xargs -r sha256sum)
		(cd "$build" && find scenarios -type f 2>/dev/null | LC_ALL=C sort |
			xargs -r sha256sum)
		true	# a missing directory is no error here
	} | sha256sum | cut -d' ' -f1
}

install_busybox() {
	local r=$1 a
	install -m 0755 /bin/busybox "$r/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
	done
}

# Copy a module file, decompressing it: busybox and finit_module then
# need no decompressor in the guest.
copy_module() {
	local from=$1 to=$2
	mkdir -p "$(dirname "$to")"
	case "$from" in
	*.ko.xz) xz -dc "$from" >"${to%.xz}" ;;
	*.ko.zst) zstd -qdc "$from" >"${to%.zst}" ;;
	*.ko.gz) gzip -dc "$from" >"${to%.gz}" ;;
	*) cp "$from" "$to" ;;
	esac
}

# The boot modules and RR_MODULES, each with its dependencies as
# modprobe resolves them, plus /etc/racerig/boot-modules in load order.
install_modules() {
	local r=$1 rel=$2 kr=$3 mdir m path gpath seen=" "
	mdir="$kr/lib/modules/$rel"
	[ -d "$mdir" ] || die "kernel '$rel' has no modules in '$mdir'"
	[ -f "$mdir/modules.dep" ] || depmod -b "$kr" "$rel"
	mkdir -p "$r/lib/modules/$rel"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$mdir/$f" ] && cp "$mdir/$f" "$r/lib/modules/$rel/"
	done
	: >"$r/etc/racerig/boot-modules"
	: >"$r/etc/racerig/late-modules"
	: >"$r/etc/racerig/capture-modules"
	for m in $BOOT_MODULES $RR_MODULES; do
		local deps
		deps=$(modprobe -d "$kr" -S "$rel" --show-depends "$m" 2>&1) ||
			die "kernel '$rel' has no module '$m': $deps"
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			gpath=${path#"$kr"}
			gpath=${gpath%.xz}; gpath=${gpath%.zst}; gpath=${gpath%.gz}
			# a module goes on each list that needs it, once
			for l in early:"$EARLY_MODULES":boot-modules \
				 late:"$LATE_MODULES":late-modules \
				 capture:"$CAPTURE_MODULES":capture-modules; do
				local want=${l#*:} file=${l##*:} tag=${l%%:*}
				want=${want%:*}
				case " $want " in *" $m "*) ;; *) continue ;; esac
				case "$seen" in *" $tag:$gpath "*) continue ;; esac
				seen="$seen$tag:$gpath "
				echo "$gpath" >>"$r/etc/racerig/$file"
			done
			case "$seen" in *" file:$gpath "*) continue ;; esac
			seen="${seen}file:$gpath "
			copy_module "$path" "$r${path#"$kr"}"
		done <<<"$deps"
	done
}

# Build each of RR_GUEST_MODULES against the image's kernel, from s
# (--modules-src: a tree being bisected) where s has it, else from
# racerig's own guest/modules.
build_guest_modules() {
	local r=$1 rel=$2 kd=$3 s=$4 m w from
	for m in $RR_GUEST_MODULES; do
		from=$s
		[ -d "$from/$m" ] || from="$src/guest/modules"
		[ -d "$from/$m" ] || die "no guest module '$m' in '$s'"
		[ -n "$kd" ] && [ -d "$kd" ] || die "no kernel headers for '$rel' to build guest module '$m'"
		w="$work/kmod-$m"
		cp -r "$from/$m" "$w"
		if ! make -C "$kd" M="$w" modules >"$work/kmod-$m.log" 2>&1; then
			grep -E 'error|Error' "$work/kmod-$m.log" | head -20 >&2
			die "guest module '$m' does not build against kernel $rel (log above)"
		fi
		mkdir -p "$r/lib/modules/$rel/extra"
		find "$w" -name '*.ko' -exec cp {} "$r/lib/modules/$rel/extra/" \;
	done
}

# Copy the shared libraries program b needs to the same paths in r.
install_libs() {
	local r=$1 b=$2 lib
	# ldd prints "name => /path (addr)" and "/lib64/ld-linux... (addr)"
	for lib in $(ldd "$b" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
		[ -f "$lib" ] || continue
		mkdir -p "$r$(dirname "$lib")"
		[ -f "$r$lib" ] || cp -L "$lib" "$r$lib"
	done
}

# Copy a host program and its libraries to the same paths.
install_binary() {
	local r=$1 b=$2
	[ -x "$b" ] || die "program '$b' is not installed on the host"
	mkdir -p "$r$(dirname "$b")"
	cp -L "$b" "$r$b"
	install_libs "$r" "$b"
}

# Every scenario's definition, programs (with their libraries) and shell
# helpers, under /scenarios/NAME.
install_scenarios() {
	local r=$1 s=$2 b=$3 d name p
	# helpers several scenarios share
	mkdir -p "$r/scenarios/lib"
	for p in "$s"/scenarios/lib/*.sh; do [ -f "$p" ] && install -m 0755 "$p" "$r/scenarios/lib/"; done
	for d in "$s"/scenarios/*/; do
		name=$(basename "$d")
		[ -f "$d/scenario.json" ] || continue
		mkdir -p "$r/scenarios/$name"
		cp "$d/scenario.json" "$r/scenarios/$name/"
		for p in "$d"/*.sh; do [ -f "$p" ] && install -m 0755 "$p" "$r/scenarios/$name/"; done
		if [ -d "$b/scenarios/$name" ]; then
			for p in "$b/scenarios/$name"/*; do
				[ -f "$p" ] && [ -x "$p" ] || continue
				install -m 0755 "$p" "$r/scenarios/$name/"
				install_libs "$r" "$p"
			done
		fi
	done
	# Every program a scenario names must be in the image: an image
	# built before `make` compiled them would otherwise fail every run
	# with "No such file or directory" inside the guest.
	for d in "$r"/scenarios/*/scenario.json; do
		for p in $(grep -o '"/scenarios/[A-Za-z0-9._/-]*"' "$d" | tr -d '"'); do
			[ -e "$r$p" ] || die "scenario $(basename "$(dirname "$d")") runs $p, which is not built in $b (run make first)"
		done
	done
}

# zstd where the kernel can unpack it (fastest to unpack), else gzip.
compress_initramfs() {
	if grep -q '^CONFIG_RD_ZSTD=y' "$1" 2>/dev/null; then
		zstd -q -10 -T2
	else
		gzip -6
	fi
}

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

write_manifest() {
	local r=$1 first=1 f size sum
	printf '{\n  "kernel_release": %s,\n' "$(json_str "$release")"
	printf '  "source": %s,\n' "$(json_str "$source_desc")"
	printf '  "built_at": %s,\n' "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
	printf '  "stamp": %s,\n' "$(json_str "$stamp")"
	printf '  "boot_modules": ['
	first=1
	while read -r f; do
		[ $first = 1 ] || printf ','; first=0
		printf '%s' "$(json_str "$f")"
	done < <(cat "$r/etc/racerig/boot-modules" "$r/etc/racerig/late-modules")
	printf '],\n  "modules": ['
	first=1
	for f in $BOOT_MODULES $RR_MODULES; do
		[ $first = 1 ] || printf ','; first=0
		printf '%s' "$(json_str "$f")"
	done
	printf '],\n  "guest_modules": ['
	first=1
	for f in $RR_GUEST_MODULES; do
		[ $first = 1 ] || printf ','; first=0
		printf '%s' "$(json_str "$f")"
	done
	printf '],\n  "files": [\n'
	first=1
	(cd "$r" && find . -type f | LC_ALL=C sort) | while read -r f; do
		size=$(stat -c %s "$r/$f")
		sum=$(sha256sum "$r/$f" | cut -d' ' -f1)
		[ $first = 1 ] || printf ',\n'; first=0
		printf '    {"path": %s, "size": %s, "sha256": "%s"}' \
			"$(json_str "${f#.}")" "$size" "$sum"
	done
	printf '\n  ]\n}\n'
}

# The workload archive: the big programs that only workload scenarios
# run (stress-ng, trinity and their libraries: 40 MB, which would cost
# every other boot 2 s under TCG to unpack).  The kernel unpacks
# concatenated cpio archives in turn, so runs of those scenarios boot
# initramfs-workloads.cpio (and kdump-workloads.cpio), the image's
# archives with this one appended; a file in both comes out the same.
build_workload_images() {
	local w=$1 out=$2 wl="$1/workloads" b
	mkdir -p "$wl"
	for b in $RR_WORKLOAD_BINARIES; do install_binary "$wl" "$b"; done
	(cd "$wl" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc --reproducible) >"$w/workloads.cpio"
	cat "$out/initramfs.cpio" "$w/workloads.cpio" >"$out/.initramfs-workloads.tmp"
	mv "$out/.initramfs-workloads.tmp" "$out/initramfs-workloads.cpio"
	if [ -f "$out/kdump.cpio" ] && [ "$RR_KDUMP" = 1 ]; then
		cat "$out/kdump.cpio" "$w/workloads.cpio" >"$out/.kdump-workloads.tmp"
		mv "$out/.kdump-workloads.tmp" "$out/kdump-workloads.cpio"
	fi
}

# The in-guest kdump variant: kdump.cpio is the image plus the kernel and
# a small capture initramfs (busybox, agent, makedumpfile, the boot
# modules) that "kexec -p" loads at boot; the capture kernel saves
# /proc/vmcore to the virtio disk (see guest/agent/kdump.c).
build_kdump_images() {
	local r=$1 w=$2 out=$3 cap="$2/capture" m
	mkdir -p "$cap"/{bin,sbin,etc/racerig,proc,sys,dev,run,tmp,lib/modules}
	install_busybox "$cap"
	install -m 0755 "$r/sbin/racerig-agent" "$cap/sbin/racerig-agent"
	install -m 0755 "$r/init" "$cap/init"
	# the capture kernel loads its list as its boot modules
	cp "$r/etc/racerig/capture-modules" "$cap/etc/racerig/boot-modules"
	while read -r m; do
		mkdir -p "$cap$(dirname "$m")"
		cp "$r$m" "$cap$m"
	done <"$r/etc/racerig/capture-modules"
	install_binary "$cap" "$(command -v makedumpfile)"
	(cd "$cap" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc --reproducible) | compress_initramfs "$config" >"$w/capture.cpio"
	mkdir -p "$r/boot"
	install -m 0644 "$vmlinuz" "$r/boot/vmlinuz"
	install -m 0644 "$w/capture.cpio" "$r/boot/capture.cpio"
	install_binary "$r" "$(command -v kexec)"
	(cd "$r" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc --reproducible) | compress_initramfs "$config" >"$w/kdump.cpio"
	mv "$w/kdump.cpio" "$out/kdump.cpio"
}
