# shellcheck shell=bash disable=SC2034 # IRD_<group> are read via eval
# Build the vmtest initramfs: static busybox, an init script and the few
# kernel modules needed to reach the host's root over 9p and to use KVM.
#
# Needs say/die from scripts/lib/debarchive.sh.  Debian compresses modules
# (.ko.xz, lately .ko.zst) and busybox insmod cannot unpack them, so they
# are stored decompressed; the host needs xz (xz-utils) or zstd for that.
# No modules.dep is shipped in Debian packages (depmod runs at install
# time), so dependencies come from each module's own .modinfo "depends=".

# Module groups the init loads; kvm_amd/kvm_intel only if the guest CPU
# offers svm/vmx.  Anything that modules.builtin lists is skipped.
IRD_GROUPS="fs kvm kvm_amd kvm_intel"
IRD_fs="9pnet_virtio 9p"
IRD_kvm="kvm"
IRD_kvm_amd="kvm_amd"
IRD_kvm_intel="kvm_intel"

IRD_BUSYBOX=${SEPTBENCH_BUSYBOX:-/bin/busybox}

# Guest init.  Runs as PID 1 from busybox sh; /vmtest (9p tag "vmtest")
# holds config.sh and cmd.sh written by scripts/vmtest.
ird_init_script()
{
	cat <<'EOF'
#!/bin/sh
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1

# Everything fatal ends in a poweroff without an exit marker; vmtest
# then reports the console log.
fail()
{
	echo "vmtest-init: $*"
	echo VMTEST_FAILED
	sync
	poweroff -f
	sleep 10
}

load()
{
	local m

	[ -f /etc/vmtest/$1.list ] || return 0
	for m in $(cat /etc/vmtest/$1.list); do
		[ -d /sys/module/$m ] && continue
		insmod /lib/modules/$m.ko || echo "vmtest-init: insmod $m failed"
	done
}

# 9p needs to be up before anything else is reachable.
load fs
P9="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o $P9,cache=none vmtest /vmtest || fail "cannot mount the vmtest 9p share"
. /vmtest/config.sh || fail "no /vmtest/config.sh"

# kvm_amd refuses non-AMD CPUs and kvm_intel non-VMX ones; load the one
# that fits so its deps (ccp etc.) are not pulled in for nothing.
load kvm
if grep -qw svm /proc/cpuinfo; then
	load kvm_amd
elif grep -qw vmx /proc/cpuinfo; then
	load kvm_intel
else
	echo "vmtest-init: guest CPU has neither svm nor vmx; no /dev/kvm"
fi

# The host's / is shared read-only: loose caching is safe enough and makes
# exec and library loads much cheaper under TCG.
R=/newroot
mount -t 9p -o $P9,ro,cache=loose hostroot $R || fail "cannot mount the host root"

# Keep $SEPTBENCH_CACHE reachable even when a tmpfs below hides it.
if [ -n "$V_CACHE" ] && [ -d "$R$V_CACHE" ]; then
	mkdir -p /keep
	mount -o bind "$R$V_CACHE" /keep || V_CACHE=
fi

mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
ln -sf /proc/self/fd $R/dev/fd
ln -sf /proc/self/fd/0 $R/dev/stdin
ln -sf /proc/self/fd/1 $R/dev/stdout
ln -sf /proc/self/fd/2 $R/dev/stderr
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
for d in /tmp /var/tmp; do
	mount -t tmpfs -o mode=1777 tmpfs $R$d || fail "cannot mount tmpfs on $d"
done
for d in /run /root; do
	mount -t tmpfs -o mode=0755 tmpfs $R$d || fail "cannot mount tmpfs on $d"
done

# The project tree, read-write; mmap caching keeps shared writable
# mappings working and writes visible on the host right away.
mkdir -p "$R$V_SHARE" 2>/dev/null
mount -t 9p -o $P9,cache=mmap share "$R$V_SHARE" || fail "cannot mount $V_SHARE"

if [ -n "$V_CACHE" ]; then
	case "$V_CACHE/" in
	"$V_SHARE"/*) umount /keep ;;	# visible read-write already
	*)
		mkdir -p "$R$V_CACHE" 2>/dev/null
		mount -o move /keep "$R$V_CACHE" || umount /keep
		;;
	esac
fi
hostname vmtest

# COMMAND's output goes to virtio serial ports that the host copies to
# vmtest's own stdout/stderr: no kernel messages mixed in, no tty.
out=/vmtest/stdout
err=/vmtest/stderr
for p in /sys/class/virtio-ports/*; do
	[ -f "$p/name" ] || continue
	case "$(cat "$p/name")" in
	vmtest.out) out=/dev/${p##*/} ;;
	vmtest.err) err=/dev/${p##*/} ;;
	esac
done

env -i /bin/chroot $R "$V_BASH" -c "$(cat /vmtest/cmd.sh)" </dev/null >"$out" 2>"$err"
rc=$?
echo $rc >/vmtest/status
sync
echo "VMTEST_EXIT=$rc"
poweroff -f
sleep 10
EOF
}

# Decompress module $1 to $2.
ird_unpack()
{
	case "$1" in
	*.ko.xz)  xz -dc -- "$1" >"$2" ;;
	*.ko.zst) zstd -q -dc -- "$1" >"$2" ;;
	*.ko.gz)  gzip -dc -- "$1" >"$2" ;;
	*.ko)     cp -- "$1" "$2" ;;
	*)        return 1 ;;
	esac
}

# Identity of a modules tree and busybox for the cache key: Debian trees
# carry the package list, user trees change modules.order on install.
ird_key()
{
	local moddir=$1 f

	{
		printf '%s\n' "$moddir"
		for f in "$moddir/../../../packages" "$moddir/modules.order" \
			 "$moddir/modules.builtin" "$moddir/modules.dep"; do
			[ -f "$f" ] && stat -L -c '%n %s %Y' "$f"
		done
		stat -L -c '%s %Y' "$IRD_BUSYBOX"
		ird_init_script
		declare -f ird_build ird_unpack
		for f in $IRD_GROUPS; do
			eval "printf '%s\n' \"\$IRD_$f\""
		done
	} | sha256sum | cut -c1-16
}

# Build (or reuse) the initramfs for modules tree $1 under cache dir $2;
# print its path.  $3 optionally names extra modules to add to group fs.
ird_get()
{
	local moddir=$1 dir=$2 key out

	[ -x "$IRD_BUSYBOX" ] ||
		die "busybox not found at $IRD_BUSYBOX; run 'make deps' (installs busybox-static)"
	key=$(ird_key "$moddir")
	out=$dir/initramfs-${moddir##*/}-$key.cpio
	if [ -s "$out" ]; then
		# The guest sees the cache read-only (scripts/ab kexecs from there).
		touch "$out" 2>/dev/null
	else
		mkdir -p "$dir"
		# Images of edited scripts or old kernels pile up otherwise.
		find "$dir" -name 'initramfs-*.cpio' -mtime +14 -delete 2>/dev/null
		ird_build "$moddir" "$out" || die "cannot build the initramfs"
	fi
	printf '%s\n' "$out"
}

ird_build()
{
	local moddir=$1 out=$2 st f name path seen=" " g m skipwarn
	local -A mods=() builtin=()
	local -a order

	st=$(mktemp -d "${TMPDIR:-/tmp}/vmtest-ird.XXXXXX") || return 1
	mkdir -p "$st/bin" "$st/dev" "$st/proc" "$st/sys" "$st/newroot" \
		 "$st/vmtest" "$st/lib/modules" "$st/etc/vmtest"
	cp "$IRD_BUSYBOX" "$st/bin/busybox"
	ln -s busybox "$st/bin/sh"
	ird_init_script >"$st/init"
	chmod 755 "$st/init"

	# name -> file; module names use "_" where file names may use "-".
	while IFS= read -r -d '' path; do
		name=${path##*/}
		name=${name%%.ko*}
		mods[${name//-/_}]=$path
	done < <(find "$moddir" -name '*.ko*' -print0 2>/dev/null)
	if [ -f "$moddir/modules.builtin" ]; then
		while read -r f; do
			name=${f##*/}
			name=${name%%.ko*}
			builtin[${name//-/_}]=1
		done <"$moddir/modules.builtin"
	fi

	# Depth-first, dependencies before dependents; a module already
	# placed by an earlier group is not listed again.
	ird_add()
	{
		local n=${1//-/_} deps d

		case "$seen" in *" $n "*) return 0 ;; esac
		seen="$seen$n "
		[ -n "${builtin[$n]:-}" ] && return 0
		if [ -z "${mods[$n]:-}" ]; then
			# Say so once per tree that has modules at all; the
			# other vendor's KVM module may well be missing.
			[ ${#mods[@]} -gt 0 ] && [ "$n" != "$skipwarn" ] &&
				say "warning: module $n not in $moddir (assuming built in)"
			return 0
		fi
		ird_unpack "${mods[$n]}" "$st/lib/modules/$n.ko" ||
			die "cannot decompress ${mods[$n]} (xz-utils/zstd installed?)"
		# .modinfo strings: "depends=a,b" and "softdep=pre: c d post: e"
		deps=$(tr '\0' '\n' <"$st/lib/modules/$n.ko" | awk '
			/^depends=/ { s = substr($0, 9); gsub(/,/, " ", s); print s }
			/^softdep=/ && match($0, /pre:[^:]*/) {
				s = substr($0, RSTART + 4, RLENGTH - 4)
				sub(/ *post$/, "", s); print s
			}')
		for d in $deps; do
			ird_add "$d"
		done
		order+=("$n")
	}

	for g in $IRD_GROUPS; do
		order=()
		skipwarn=
		case "$g" in kvm_*) skipwarn=$g ;; esac
		eval "m=\$IRD_$g"
		for name in $m; do
			ird_add "$name"
		done
		printf '%s\n' "${order[@]}" >"$st/etc/vmtest/$g.list"
	done
	unset -f ird_add

	(cd "$st" && find . | LC_ALL=C sort | "$IRD_BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) >"$out.$$" &&
		mv "$out.$$" "$out"
	f=$?
	rm -rf "$st"
	return $f
}
