# shellcheck shell=bash
# Debian archive access with a private apt state.
#
# Newer suites (sid, trixie-backports) hold the kernels, linux-libc-dev and
# QEMU builds the suite needs, but the system's apt sources must not be
# touched.  We read the mirror the machine already uses and keep lists and
# downloads under our own cache folder.

SEPTBENCH_CACHE=${SEPTBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/septbench}
DEB_APT_DIR=$SEPTBENCH_CACHE/apt
DEB_SUITES=${SEPTBENCH_DEB_SUITES:-"sid trixie-backports trixie"}

say() { printf 'septbench: %s\n' "$*" >&2; }
die() { printf 'septbench: %s\n' "$1" >&2; exit "${2:-1}"; }

# The first Debian mirror URI from the system's apt sources (deb822 or
# one-line format); SEPTBENCH_DEB_MIRROR overrides.
deb_mirror()
{
	local f uri

	if [ -n "${SEPTBENCH_DEB_MIRROR:-}" ]; then
		printf '%s\n' "$SEPTBENCH_DEB_MIRROR"
		return 0
	fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri=$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" |
		      grep -E '/debian/?$' | head -n 1)
		[ -n "$uri" ] && { printf '%s\n' "${uri%/}"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f" |
		      grep -E '/debian/?$' | head -n 1)
		[ -n "$uri" ] && { printf '%s\n' "${uri%/}"; return 0; }
	done
	return 1
}

deb_apt_opts()
{
	local d=$DEB_APT_DIR

	printf '%s\n' -o "Dir::State=$d" -o "Dir::State::Lists=$d/lists" \
		-o "Dir::State::status=$d/status" -o "Dir::Cache=$d" \
		-o "Dir::Cache::archives=$d/archives" \
		-o "Dir::Cache::pkgcache=$d/pkgcache.bin" \
		-o "Dir::Cache::srcpkgcache=$d/srcpkgcache.bin" \
		-o "Dir::Etc::SourceList=$d/sources.list" \
		-o "Dir::Etc::SourceParts=$d/sources.list.d" \
		-o "Dir::Etc::Preferences=$d/preferences" \
		-o "Dir::Etc::PreferencesParts=$d/preferences.d" \
		-o "APT::Architecture=amd64" -o "APT::Sandbox::User=root" \
		-o "Acquire::Languages=none"
}

# Refresh the private package lists, at most once every 12 hours.
deb_update()
{
	local d=$DEB_APT_DIR mirror suite keyring opts

	command -v apt-get >/dev/null ||
		die "apt-get is needed to fetch Debian packages (kernels, headers)"
	mirror=$(deb_mirror) ||
		die "no Debian mirror found in /etc/apt/sources.list*; set SEPTBENCH_DEB_MIRROR"
	mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/sources.list.d" "$d/preferences.d"
	: >>"$d/status"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	{
		for suite in $DEB_SUITES; do
			printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite"
		done
	} >"$d/sources.list.new"
	if cmp -s "$d/sources.list.new" "$d/sources.list" &&
	   [ -n "$(find "$d/lists" -maxdepth 1 -name '*Packages*' -mmin -720 2>/dev/null | head -n 1)" ]; then
		rm -f "$d/sources.list.new"
		return 0
	fi
	mv "$d/sources.list.new" "$d/sources.list"
	say "refreshing package lists for $DEB_SUITES from $mirror (private apt state in $d)"
	mapfile -t opts < <(deb_apt_opts)
	apt-get "${opts[@]}" -q update >"$d/update.log" 2>&1 ||
		die "apt-get update of the private lists failed; see $d/update.log"
}

deb_apt_cache()
{
	local opts

	mapfile -t opts < <(deb_apt_opts)
	apt-cache "${opts[@]}" "$@"
}

# The cached .deb of package $1 at version $2, if any.
deb_cached()
{
	local f

	for f in "$DEB_APT_DIR/debs/$1"_*.deb; do
		[ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version 2>/dev/null)" = "$2" ] &&
			{ printf '%s\n' "$f"; return 0; }
	done
	return 1
}

# Version of package $1 (optionally name=version) the private lists offer.
deb_version()
{
	deb_apt_cache show --no-all-versions "$1" 2>/dev/null | awk '/^Version:/ { print $2; exit }'
}

# Download package $1 (optionally name=version) into the cache; print the .deb path.
deb_download()
{
	local d=$DEB_APT_DIR/debs name=${1%%=*} ver opts

	ver=$(deb_version "$1")
	[ -n "$ver" ] || die "package $1 not found in $DEB_SUITES"
	deb_cached "$name" "$ver" && return 0
	mkdir -p "$d"
	say "downloading $name $ver"
	mapfile -t opts < <(deb_apt_opts)
	(cd "$d" && apt-get "${opts[@]}" -q download "$name=$ver") >"$d/download.log" 2>&1 ||
		die "download of $name $ver failed; see $d/download.log"
	deb_cached "$name" "$ver" || die "download of $name $ver left no file in $d"
}

# Extract a .deb into directory $2 (created); idempotent by stamp.
deb_extract()
{
	local deb=$1 dest=$2

	[ -f "$dest/.extracted" ] && return 0
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	dpkg-deb -x "$deb" "$dest.tmp" || die "cannot extract $deb"
	touch "$dest.tmp/.extracted"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
}
