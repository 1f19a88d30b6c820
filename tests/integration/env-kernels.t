#!/usr/bin/env bash
# septbench env inside the test VM, on a kernel from before the S-EPT hook
# series and one from after: KVM usable, the default VM type with
# pre-fault, the hook variant each build really has, and the kernel's
# identity (env.kernel): the kernel's build id equal to what readelf -n
# prints for the vmlinux inside the booted vmlinuz, and the build ids of
# kvm and the vendor module equal to readelf -n's of the same module files
# (all from the vmtest kernel cache, read on the host).
#
# The config hash: Debian's kernels have no /proc/config.gz (no
# IKCONFIG_PROC) and the guest's / is the host's, so there is no
# /boot/config-<release> either: env must say null with a reason.  Then,
# where the cached tree ships the package's config (Debian >= 7.x puts it
# in /usr/lib/modules/<release>/config, which the guest cannot see), the
# same boot mounts a tmpfs on /boot, copies that config to
# /boot/config-<release> and runs env again: config.sha256 must equal
# sha256sum of the file.  That covers the /boot path on a real kernel; the
# /proc/config.gz path is covered on the host by tests/cli/env.t and in
# tests/unit/test_digest.c.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
command -v readelf >/dev/null || skip_all "readelf (binutils) not installed (make deps)"

plan 34
# Guest-visible scratch space: the shared tree (the guest's /tmp is its own).
mkdir -p "$TOP/.scratch"
tmp=$(mktemp -d "$TOP/.scratch/env-kernels.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# VMK_VMLINUZ and VMK_MODDIR of the cached kernel $1 (an ABI), one a line.
cached_kernel()
{
	(
		. "$TOP/scripts/lib/debarchive.sh"
		. "$TOP/scripts/lib/vmkernel.sh"
		vmk_fetch "$1" >/dev/null && printf '%s\n' "$VMK_VMLINUZ" "$VMK_MODDIR"
	)
}

# The build id of the vmlinux in bzImage $1: the first zstd or xz stream
# (by magic) that decompresses to an ELF file readelf -n can read.
vmlinux_build_id()
{
	local magic c off id

	for magic in 'zstd:\x28\xb5\x2f\xfd' 'xz:\xfd7zXZ\x00'; do
		c=${magic%%:*}
		for off in $(LC_ALL=C grep -obUaP "${magic#*:}" "$1" | head -n 4 | cut -d: -f1); do
			# Data after the stream makes the tools complain, not fail the output.
			tail -c +$((off + 1)) "$1" | "$c" -dc 2>/dev/null >"$tmp/vmlinux"
			id=$(readelf -n "$tmp/vmlinux" 2>/dev/null | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p' | head -n 1)
			[ -n "$id" ] && { printf '%s\n' "$id"; rm -f "$tmp/vmlinux"; return 0; }
		done
	done
	rm -f "$tmp/vmlinux"
	return 1
}

# The GNU build id readelf -n finds in module file $1 (.ko, .ko.xz, .ko.zst).
readelf_build_id()
{
	local f=$1 ko=$tmp/module.ko

	case $f in
	*.xz) xz -dc "$f" >"$ko" ;;
	*.zst) zstd -qdc "$f" >"$ko" ;;
	*.gz) gzip -dc "$f" >"$ko" ;;
	*) cp "$f" "$ko" ;;
	esac || return 1
	readelf -n "$ko" | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p' | head -n 1
}

# The module file of module $2 in modules tree $1 (kvm_amd is kvm-amd.ko*).
module_file()
{
	find "$1/kernel" -name "${2//_/-}.ko*" -o -name "$2.ko*" 2>/dev/null | head -n 1
}

for k in old new; do
	VMTEST_INFO=$tmp/$k.info "$TOP/scripts/vmtest" --kernel "$k" --cpus 1 --mem 1024 --timeout 300 \
		-- "$SEPTBENCH" env --json >"$tmp/$k.json" 2>"$tmp/$k.err"
	rc=$?
	release=$(sed -n 's/^kernel_release=//p' "$tmp/$k.info" 2>/dev/null)
	diag "$k kernel: $(sed -n 's/^kernel_pkg=//p' "$tmp/$k.info" 2>/dev/null) $(sed -n 's/^kernel_version=//p' "$tmp/$k.info" 2>/dev/null) ($release)"
	is "$rc" 0 "$k: env exits 0 in the VM"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$tmp/$k.err" | tail -n 5
	j() { jq -r "$1" "$tmp/$k.json" 2>/dev/null; }
	is "$(j .host.kernel_release)" "$release" "$k: env reports the booted kernel"
	is "$(j .kvm.usable.ok)" true "$k: KVM is usable in the VM"
	is "$(j '.kvm.vm_types.default.ok')" true "$k: the default VM type is offered and created"
	is "$(j '.kvm.vm_types.default.caps.pre_fault_memory.ok')" true "$k: KVM_PRE_FAULT_MEMORY is supported"
	case $k:$release in
	old:6.12.*) want=none ;;	# the fallback vmtest announces
	old:*) want=before ;;
	new:*) want=after ;;
	esac
	is "$(j .hooks.variant)" "$want" "$k: hook variant of $release is $want"

	# The kernel's identity.
	vendor=$(j '.kernel.modules | keys[] | select(. != "kvm")')
	kid=$(j .kernel.build_id)
	[[ $kid =~ ^[0-9a-f]{40}$ ]]
	ok $? "$k: env.kernel.build_id is 40 hex digits (got $kid)"
	{ read -r vmlinuz; read -r moddir; } < <(cached_kernel "$release")
	is "$kid" "$(vmlinux_build_id "$vmlinuz" || echo "no build id from the vmlinuz")" \
		"$k: ... and readelf -n's of the vmlinux inside the booted vmlinuz"
	is "$(j '.kernel.release + " | " + .kernel.hook_variant')" "$release | $want" \
		"$k: env.kernel.release and hook_variant agree with host and hooks"
	is "$(j '.kernel.modules | keys | length')" 2 "$k: two modules recorded, kvm and the vendor's (${vendor:-none})"
	case $(j .kernel.version) in
	"Linux version $release "*) r=0 ;;
	*) r=1 ;;
	esac
	ok $r "$k: env.kernel.version is /proc/version of $release"

	for m in kvm "${vendor:-kvm_amd}"; do
		f=$(module_file "$moddir" "$m")
		want_id=$( [ -n "$f" ] && readelf_build_id "$f")
		got=$(j ".kernel.modules.$m | \"\\(.builtin) \\(.build_id)\"")
		is "$got" "false ${want_id:-no build id from readelf}" \
			"$k: $m is loaded and its build id is readelf -n's of ${f#"$moddir"/}"
	done
	[ "$(j .kernel.modules.kvm.build_id)" != "$kid" ]
	ok $? "$k: the kvm module's build id is not the kernel's"

	# Debian's kernels: no /proc/config.gz, no /boot/config-R in the guest.
	case $(j '.kernel.config // "null"'):$(j '.kernel.config_reason') in
	null:*/proc/config.gz*"/boot/config-$release"*) r=0 ;;
	*) r=1 ;;
	esac
	ok $r "$k: no config visible in the guest: config null, the reason names the places looked at (got: $(j .kernel.config_reason))"
	is "$(j '.kernel.kbuild | tostring'):$(j '.kernel.kbuild_reason | length > 0')" "null:true" \
		"$k: not built by scripts/kbuild: kbuild null with a reason"

	# The /boot/config-<release> path with the package's own config.
	if [ -f "$moddir/config" ]; then
		cp "$moddir/config" "$tmp/config"
		"$TOP/scripts/vmtest" --kernel "$k" --cpus 1 --mem 1024 --timeout 300 -- \
			sh -c 'mount -t tmpfs none /boot && cp "$2" "/boot/config-$(uname -r)" && exec "$1" env --json' \
			sh "$SEPTBENCH" "$tmp/config" >"$tmp/$k.boot.json" 2>"$tmp/$k.boot.err"
		want_sha=$(sha256sum "$moddir/config" | cut -d' ' -f1)
		is "$(jq -r '.kernel.config | "\(.source) \(.sha256)"' "$tmp/$k.boot.json" 2>/dev/null)" \
			"/boot/config-$release $want_sha" \
			"$k: with the package's config at /boot/config-$release: its sha256sum"
	else
		ok 0 "# SKIP $k: the cached $release tree ships no config (Debian < 7 keeps it in /boot only)"
	fi
done
done_testing
