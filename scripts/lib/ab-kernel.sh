# shellcheck shell=bash disable=SC2034 # K_* are results for the caller
# Kernel specs of scripts/ab, and the identity of the running kernel.
#
# A spec is a test-VM kernel (old, new, src), an installed release
# (/boot/vmlinuz-R with /lib/modules/R), BZIMAGE[:MODDIR], or rev:REV of
# the kernel git tree $AB_KSRC (built by scripts/kbuild).  ab_spec_check
# only looks (bad input exits 2 before anything is built or booted);
# ab_spec_resolve then fetches or builds and fills K_* for the plan.
#
# Needs bad(), die(), $TOP, $AB_VMTEST (scripts/vmtest), $AB_ROOT (system
# root: /boot, /lib/modules), $AB_KROOT (where the running kernel's /proc
# and /sys are) and vmk_bzimage_release from scripts/lib/vmkernel.sh.

# Sets K_KIND (testvm|installed|bzimage|rev) and what the spec names.
ab_spec_check()
{
	local side=$1 spec=$2 rev

	K_KIND="" K_SPEC=$spec K_VMLINUZ="" K_MODULES="" K_RELEASE="" K_REV="" K_COMMIT=""
	case "$spec" in
	old | new | src)
		K_KIND=testvm
		;;
	rev:*)
		rev=${spec#rev:}
		[ -n "$rev" ] || bad "$side=rev: needs a revision (rev:REV)"
		[ -n "$AB_KSRC" ] || bad "$side=$spec needs KSRC=TREE, a kernel git tree"
		[ -d "$AB_KSRC" ] || bad "KSRC '$AB_KSRC' is not a directory"
		git -C "$AB_KSRC" rev-parse --git-dir >/dev/null 2>&1 ||
			bad "KSRC '$AB_KSRC' is not a git tree"
		{ [ -f "$AB_KSRC/Kconfig" ] && [ -d "$AB_KSRC/arch/x86" ] &&
		  grep -q '^VERSION = ' "$AB_KSRC/Makefile" 2>/dev/null; } ||
			bad "KSRC '$AB_KSRC' is not a kernel tree (no Kconfig, arch/x86, Makefile VERSION)"
		K_COMMIT=$(git -C "$AB_KSRC" rev-parse --verify -q "$rev^{commit}" 2>/dev/null) ||
			bad "revision '$rev' does not resolve to a commit in $AB_KSRC"
		[ -x "$TOP/scripts/kbuild" ] ||
			bad "$side=$spec needs scripts/kbuild to build it, and this tree has none"
		K_KIND=rev K_REV=$rev
		;;
	*/* | *:*)
		K_VMLINUZ=${spec%%:*}
		[ "$K_VMLINUZ" = "$spec" ] || K_MODULES=${spec#*:}
		{ [ -f "$K_VMLINUZ" ] && [ -r "$K_VMLINUZ" ]; } ||
			bad "kernel image '$K_VMLINUZ' not found"
		K_RELEASE=$(vmk_bzimage_release "$K_VMLINUZ") ||
			bad "'$K_VMLINUZ' is not a bzImage (no boot header with a release)"
		[ -z "$K_MODULES" ] || [ -d "$K_MODULES" ] ||
			bad "modules directory '$K_MODULES' not found"
		K_VMLINUZ=$(realpath "$K_VMLINUZ")
		[ -z "$K_MODULES" ] || K_MODULES=$(realpath "$K_MODULES")
		K_KIND=bzimage
		;;
	*)
		{ [[ $spec =~ ^[A-Za-z0-9][A-Za-z0-9._+~-]*$ ]] && [ -f "$AB_ROOT/boot/vmlinuz-$spec" ]; } ||
			bad "unknown kernel '$spec' (old, new, src, an installed release, BZIMAGE:MODDIR or rev:REV)"
		[ -d "$AB_ROOT/lib/modules/$spec" ] ||
			bad "kernel $spec has no modules at $AB_ROOT/lib/modules/$spec"
		[ -r "$AB_ROOT/boot/vmlinuz-$spec" ] ||
			bad "cannot read $AB_ROOT/boot/vmlinuz-$spec (run as root)"
		K_KIND=installed K_RELEASE=$spec
		K_VMLINUZ=$AB_ROOT/boot/vmlinuz-$spec K_MODULES=$AB_ROOT/lib/modules/$spec
		;;
	esac
}

# The distribution's initramfs for release $1, for kexec.
ab_host_initrd()
{
	local f

	for f in "$AB_ROOT/boot/initrd.img-$1" "$AB_ROOT/boot/initramfs-$1.img"; do
		[ -f "$f" ] && { printf '%s\n' "$f"; return 0; }
	done
	return 1
}

# "key=value" line $2 of text $1.
kv() { sed -n "s/^$2=//p" <<<"$1" | head -n 1; }

# Fetch or build what ab_spec_check named, filling K_VMLINUZ, K_MODULES,
# K_INITRD, K_RELEASE, K_ABI and K_BUILD_ID (when known before booting).
ab_spec_resolve()
{
	local side=$1 driver=$2 out err

	K_INITRD="" K_ABI="" K_BUILD_ID=""
	case "$K_KIND" in
	testvm)
		# vmtest's own kernels: fetched and pinned now, so an archive
		# update in the middle of the rounds cannot change them.
		err=$(mktemp) || die "cannot create a temp file"
		if ! out=$("$AB_VMTEST" --print-boot --kernel "$K_SPEC" 2>"$err"); then
			sed 's/^/ab:   /' "$err" >&2
			rm -f "$err"
			die "$side=$K_SPEC: scripts/vmtest cannot provide this kernel"
		fi
		rm -f "$err"
		K_ABI=$(kv "$out" abi) K_RELEASE=$(kv "$out" release)
		K_VMLINUZ=$(kv "$out" vmlinuz) K_MODULES=$(kv "$out" modules)
		K_INITRD=$(kv "$out" initrd)
		;;
	rev)
		say "$side: building $K_REV (${K_COMMIT:0:12}) with scripts/kbuild"
		out=$("$TOP/scripts/kbuild" --tree "$AB_KSRC" --rev "$K_REV" --print-paths) ||
			die "$side=$K_SPEC: scripts/kbuild failed"
		K_VMLINUZ=$(kv "$out" bzimage) K_MODULES=$(kv "$out" modules)
		K_BUILD_ID=$(kv "$out" build_id)
		[ -f "$K_VMLINUZ" ] || die "$side=$K_SPEC: scripts/kbuild printed no bzimage= that exists"
		K_RELEASE=$(kv "$out" release)
		[ -n "$K_RELEASE" ] || K_RELEASE=$(vmk_bzimage_release "$K_VMLINUZ") || K_RELEASE=""
		;;
	esac
	if [ "$driver" = kexec ] && [ "$K_KIND" != testvm ]; then
		K_INITRD=$(ab_host_initrd "$K_RELEASE") ||
			die "$side=$K_SPEC: no initramfs for $K_RELEASE in $AB_ROOT/boot (install the kernel first)"
	fi
	return 0
}

# The side as plan.json's "sides" entry.
ab_side_json()
{
	jq -n --arg spec "$K_SPEC" --arg kind "$K_KIND" --arg release "$K_RELEASE" \
		--arg abi "$K_ABI" --arg vmlinuz "$K_VMLINUZ" --arg modules "$K_MODULES" \
		--arg initrd "$K_INITRD" --arg bid "$K_BUILD_ID" --arg tree "$AB_KSRC" \
		--arg rev "$K_REV" --arg commit "$K_COMMIT" '
		def opt(v): if v == "" then null else v end;
		{spec: $spec, kind: $kind, release: opt($release), vmlinuz: opt($vmlinuz),
		 modules: opt($modules), initrd: opt($initrd), build_id: opt($bid),
		 build_id_from: (if $bid == "" then null else "kbuild" end)}
		+ (if $kind == "testvm" then {abi: opt($abi)} else {} end)
		+ (if $kind == "rev" then {tree: $tree, rev: $rev, commit: $commit} else {} end)'
}

# --- the running kernel -----------------------------------------------------

# GNU build id (hex) from the kernel's ELF notes: 4-byte aligned records
# of namesz, descsz, type, name, desc; the build id is type 3, name "GNU".
ab_running_build_id()
{
	local -a b
	local i=0 n namesz descsz type j hex

	mapfile -t b < <(od -An -v -tu1 "$AB_KROOT/sys/kernel/notes" 2>/dev/null | tr -s ' ' '\n' | sed '/^$/d')
	n=${#b[@]}
	u32() { echo $((b[$1] | b[$1 + 1] << 8 | b[$1 + 2] << 16 | b[$1 + 3] << 24)); }
	while [ $((i + 12)) -le "$n" ]; do
		namesz=$(u32 "$i") descsz=$(u32 $((i + 4))) type=$(u32 $((i + 8)))
		i=$((i + 12))
		# name "GNU\0": bytes 71 78 85 0
		if [ "$type" = 3 ] && [ "$namesz" = 4 ] && [ "${b[i]}.${b[i + 1]}.${b[i + 2]}" = 71.78.85 ]; then
			i=$((i + 4))
			hex=""
			for ((j = 0; j < descsz && i + j < n; j++)); do
				hex+=$(printf '%02x' "${b[i + j]}")
			done
			printf '%s\n' "$hex"
			return 0
		fi
		i=$((i + (namesz + 3) / 4 * 4 + (descsz + 3) / 4 * 4))
	done
	return 1
}
