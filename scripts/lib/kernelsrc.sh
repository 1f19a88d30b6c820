# shellcheck shell=bash
# A Debian linux-source package as a kernel git tree.
#
# scripts/kbuild builds revisions of git trees.  Debian ships its kernel
# source as a tarball (linux-source-X.Y: /usr/src/linux-source-X.Y.tar.xz),
# so we unpack it once under the cache and commit it as one revision.  The
# commit's author, committer and dates are fixed, so the same package gives
# the same commit id on every machine.  Debian's .gitignore ignores the
# whole top level (their packaging repo), hence "git add -f".
#
# Needs debarchive.sh (deb_update, deb_download, say, die).

# Print the git tree of Debian package $1 ("linux-source-7.2" or
# "linux-source-7.2=7.2.13-1"), preparing it on first use.
ksrc_debian_tree()
{
	local spec=$1 pkg ver deb dir tarball top

	pkg=${spec%%=*}
	# A pinned version already unpacked needs no mirror at all.
	if [ "$spec" != "$pkg" ] && [ -f "$SEPTBENCH_CACHE/kbuild/trees/$pkg-${spec#*=}/.git/septbench-source" ]; then
		printf '%s\n' "$SEPTBENCH_CACHE/kbuild/trees/$pkg-${spec#*=}"
		return 0
	fi
	deb_update
	ver=$(deb_version "$spec")
	[ -n "$ver" ] || die "package $spec not found in $DEB_SUITES" 2
	dir=$SEPTBENCH_CACHE/kbuild/trees/$pkg-$ver
	if [ -f "$dir/.git/septbench-source" ]; then
		printf '%s\n' "$dir"
		return 0
	fi
	deb=$(deb_download "$pkg=$ver") || exit 1
	say "unpacking $pkg $ver into $dir (once; about a minute)"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp/deb"
	dpkg-deb -x "$deb" "$dir.tmp/deb" || die "cannot extract $deb"
	tarball=$(find "$dir.tmp/deb/usr/src" -maxdepth 1 -name 'linux-source-*.tar.*' | head -n 1)
	[ -n "$tarball" ] || die "$deb holds no linux-source tarball"
	tar -xf "$tarball" -C "$dir.tmp" || die "cannot unpack $tarball"
	top=$(find "$dir.tmp" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*' | head -n 1)
	[ -f "$top/Makefile" ] || die "$tarball holds no kernel tree"
	rm -rf "$dir.tmp/deb"
	mv "$top" "$dir.tmp/tree"
	say "committing $pkg $ver as one git revision (once)"
	(
		cd "$dir.tmp/tree" &&
		export GIT_AUTHOR_NAME=septbench GIT_AUTHOR_EMAIL=septbench@localhost \
		       GIT_COMMITTER_NAME=septbench GIT_COMMITTER_EMAIL=septbench@localhost \
		       GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' &&
		git init -q -b main &&
		git config gc.auto 0 &&
		git -c core.looseCompression=1 add -A -f . &&
		git commit -q -m "Debian $pkg $ver" &&
		git tag "debian-$(printf '%s' "$ver" | tr '~:' '__')"
	) >"$dir.tmp/git.log" 2>&1 || die "cannot make a git tree of $pkg (see $dir.tmp/git.log)"
	rm -rf "$dir"
	mv "$dir.tmp/tree" "$dir"
	rm -rf "$dir.tmp"
	printf '%s %s\n' "$pkg" "$ver" >"$dir/.git/septbench-source"
	printf '%s\n' "$dir"
}
