# shellcheck shell=bash disable=SC2034 # VMK_* are results for the caller
# Pick, fetch and extract a Debian distribution kernel for vmtest.
#
# Needs scripts/lib/debarchive.sh sourced first.  A kernel is cached as
#   $SEPTBENCH_CACHE/kernels/<abi>/vmlinuz
#   $SEPTBENCH_CACHE/kernels/<abi>/lib/modules/<release>/
#   $SEPTBENCH_CACHE/kernels/<abi>/packages   ("name version" lines)
# Debian ships kernels in two shapes: up to 6.18 one linux-image-<abi> holds
# vmlinuz and modules; later builds split them into linux-binary-<abi>
# (vmlinuz), linux-modules-<abi> (modules) and linux-base-<abi>
# (modules.builtin, config), with linux-image-<abi> a metapackage.

VMK_DIR=$SEPTBENCH_CACHE/kernels

# Refresh the private lists; with stale lists still present carry on, so a
# mirror outage does not stop tests that only need cached kernels.
vmk_update()
{
	if ( deb_update ); then
		return 0
	fi
	compgen -G "$DEB_APT_DIR/lists/*Packages*" >/dev/null ||
		die "no Debian package lists; cannot pick a kernel"
	say "warning: using stale package lists in $DEB_APT_DIR/lists"
}

# One "package version depends" line per kernel package of the generic
# amd64 flavour (cloud and rt never match).  apt-cache takes over a second
# per call on the private lists, so the answer is kept next to the kernels
# and only rebuilt when the lists change.
vmk_index()
{
	local idx=$VMK_DIR/index pkgs

	if [ -s "$idx" ] &&
	   [ -z "$(find "$DEB_APT_DIR/lists" "$DEB_APT_DIR/sources.list" -maxdepth 1 \
		   -newer "$idx" 2>/dev/null | head -n 1)" ]; then
		cat "$idx"
		return 0
	fi
	mkdir -p "$VMK_DIR"
	mapfile -t pkgs < <(deb_apt_cache pkgnames linux- 2>/dev/null |
		grep -E '^linux-(image|binary|modules|base)-[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+-amd64$')
	[ ${#pkgs[@]} -gt 0 ] || die "no Debian amd64 kernel packages in $DEB_SUITES"
	deb_apt_cache show --no-all-versions "${pkgs[@]}" 2>/dev/null |
		awk '/^Package:/ { p = $2; v = ""; d = "" }
		     /^Version:/ { v = $2 }
		     /^Depends:/ { d = $0; sub(/^Depends: */, "", d); gsub(/ /, "", d) }
		     /^$/ && p != "" { print p, v, d; p = "" }
		     END { if (p != "") print p, v, d }' >"$idx.$$"
	mv "$idx.$$" "$idx"
	cat "$idx"
}

# All generic amd64 ABIs (e.g. 6.18.15+deb13-amd64), oldest first.
vmk_abis()
{
	sed -nE 's/^linux-(image|binary)-([^ ]+) .*/\2/p' "$VMK_DIR/index" | sort -u -V
}

vmk_has_pkg()
{
	grep -q "^$1 " "$VMK_DIR/index"
}

# Print the packages making up kernel $1, the one holding vmlinuz first;
# fail if the archive cannot supply a bootable set (e.g. a linux-image
# metapackage whose linux-modules package has been dropped already).
vmk_pkgs()
{
	local abi=$1 deps

	if vmk_has_pkg "linux-modules-$abi"; then
		vmk_has_pkg "linux-binary-$abi" || return 1
		printf '%s\n' "linux-binary-$abi" "linux-modules-$abi"
		# base carries modules.builtin, which tells what need not be loaded
		vmk_has_pkg "linux-base-$abi" && printf '%s\n' "linux-base-$abi"
		return 0
	fi
	vmk_has_pkg "linux-image-$abi" || return 1
	deps=$(awk -v p="linux-image-$abi" '$1 == p { print $3 }' "$VMK_DIR/index")
	case "$deps" in
	*"linux-modules-$abi"*) return 1 ;;	# split shape, modules gone
	esac
	printf '%s\n' "linux-image-$abi"
}

# Upstream version part of an ABI: 6.18.15+deb13-amd64 -> 6.18.15
vmk_upstream() { printf '%s\n' "${1%%+*}"; }

# True if upstream version $1 lies in [$2, $3) (sort -V order).
vmk_in_range()
{
	local v=$1 lo=$2 hi=$3

	[ "$(printf '%s\n%s\n' "$lo" "$v" | sort -V | head -n 1)" = "$lo" ] || return 1
	[ -z "$hi" ] && return 0
	[ "$v" != "$hi" ] && [ "$(printf '%s\n%s\n' "$v" "$hi" | sort -V | head -n 1)" = "$v" ]
}

# Newest usable ABI with upstream version in [$1, $2); $2 may be empty.
vmk_newest_in()
{
	local lo=$1 hi=$2 abi

	while read -r abi; do
		vmk_in_range "$(vmk_upstream "$abi")" "$lo" "$hi" || continue
		vmk_pkgs "$abi" >/dev/null && { printf '%s\n' "$abi"; return 0; }
	done < <(vmk_abis | tac)
	return 1
}

# Resolve "old" or "new" to an ABI.
vmk_resolve()
{
	local which=$1 abi

	case "$which" in
	new)
		if [ -n "${SEPTBENCH_KERNEL_NEW:-}" ]; then
			printf '%s\n' "$SEPTBENCH_KERNEL_NEW"
			return 0
		fi
		vmk_update
		vmk_index >/dev/null
		# The series under test landed in 7.2.
		vmk_newest_in 7.2 "" ||
			die "no Debian amd64 kernel >= 7.2 in $DEB_SUITES"
		;;
	old)
		if [ -n "${SEPTBENCH_KERNEL_OLD:-}" ]; then
			printf '%s\n' "$SEPTBENCH_KERNEL_OLD"
			return 0
		fi
		vmk_update
		vmk_index >/dev/null
		# Last release before the series; then anything else before
		# 7.2 that still has the pre-series TDP MMU hooks (6.16+).
		abi=$(vmk_newest_in 6.18 6.19) || abi=$(vmk_newest_in 6.16 7.2) || {
			abi=$(vmk_newest_in 6.12 6.13) ||
				die "no usable Debian amd64 kernel for --kernel old"
			printf 'vmtest: no pre-series kernel left in the archive; falling back to 6.12 (%s)\n' \
				"$abi" >&2
		}
		printf '%s\n' "$abi"
		;;
	*)
		return 1
		;;
	esac
}

# Fetch and extract kernel $1 (an ABI) unless cached.  Sets VMK_VMLINUZ,
# VMK_MODDIR, VMK_RELEASE, VMK_PKG (vmlinuz package), VMK_VERSION,
# VMK_PKGS (all packages) and VMK_STATE (cached|downloaded).
vmk_fetch()
{
	local abi=$1 dir=$VMK_DIR/$1 tmp pkg deb ver pkgs=() vers=() i rel f lock=""

	case "$abi" in
	*/*|.*|'') die "bad kernel ABI '$abi'" 2 ;;
	esac
	# Parallel vmtest runs must not replace a tree another one boots.
	# A read-only cache (the test VM's view of it: scripts/ab kexecs
	# there) can only serve cached kernels, and needs no lock.
	mkdir -p "$VMK_DIR" 2>/dev/null
	{ exec {lock}>"$VMK_DIR/.lock"; } 2>/dev/null && flock "$lock"
	if [ -f "$dir/packages" ]; then
		VMK_STATE=cached
	else
		[ -d "$DEB_APT_DIR/lists" ] || vmk_update
		vmk_index >/dev/null
		mapfile -t pkgs < <(vmk_pkgs "$abi")
		[ ${#pkgs[@]} -gt 0 ] ||
			die "kernel $abi is not (or no longer fully) in the archive"
		tmp=$dir.tmp.$$
		rm -rf "$tmp"
		mkdir -p "$tmp/x"
		for pkg in "${pkgs[@]}"; do
			deb=$(deb_download "$pkg") || exit 1
			ver=$(dpkg-deb -f "$deb" Version)
			vers+=("$ver")
			dpkg-deb -x "$deb" "$tmp/x" || die "cannot extract $deb"
		done
		# Normalise both shapes to vmlinuz + lib/modules/<release>.
		f=$(find "$tmp/x/boot" "$tmp/x/usr/lib/modules" "$tmp/x/lib/modules" \
			-maxdepth 2 \( -name 'vmlinuz-*' -o -name vmlinuz \) 2>/dev/null | head -n 1)
		[ -n "$f" ] || die "no vmlinuz in ${pkgs[*]}"
		mv "$f" "$tmp/vmlinuz"
		mkdir -p "$tmp/lib/modules"
		for rel in "$tmp"/x/usr/lib/modules/* "$tmp"/x/lib/modules/*; do
			[ -d "$rel" ] && mv "$rel" "$tmp/lib/modules/"
		done
		rm -rf "$tmp/x"
		for i in "${!pkgs[@]}"; do
			printf '%s %s\n' "${pkgs[$i]}" "${vers[$i]}"
		done >"$tmp/packages"
		rm -rf "$dir"
		mv "$tmp" "$dir"
		VMK_STATE=downloaded
	fi
	[ -z "$lock" ] || exec {lock}>&-
	VMK_VMLINUZ=$dir/vmlinuz
	rel=$(find "$dir/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	[ -n "$rel" ] || die "no lib/modules/<release> in $dir"
	VMK_MODDIR=$rel
	VMK_RELEASE=${rel##*/}
	read -r VMK_PKG VMK_VERSION <"$dir/packages"
	VMK_PKGS=$(awk '{ print $1 }' "$dir/packages" | paste -sd ' ')
}

# Kernel release string from a bzImage's setup header: the 16-bit offset
# at 0x20e points (relative to 0x200) at "6.18.15+deb13-amd64 (...) #1 ...".
vmk_bzimage_release()
{
	local off rel

	# "HdrS" at 0x202 marks a boot protocol header.
	[ "$(dd if="$1" bs=1 skip=$((0x202)) count=4 status=none 2>/dev/null)" = HdrS ] || return 1
	off=$(od -An -t u2 -j $((0x20e)) -N 2 "$1" 2>/dev/null | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	rel=$(dd if="$1" bs=1 skip=$((off + 0x200)) count=128 status=none 2>/dev/null |
	      tr '\0' '\n' | head -n 1 | awk '{ print $1 }')
	[[ $rel =~ ^[0-9][A-Za-z0-9._+~-]*$ ]] || return 1
	printf '%s\n' "$rel"
}
