#!/usr/bin/env bash
# septbench bundle RUN: one tar.gz holding the run's files, env --json,
# the config's KVM/TDX lines, the kernel log's TDX lines, the TDX
# module's sysfs attributes and the version, and nothing else (tar -tzf).
# Bad input (an existing or unwritable target, a folder that is not a
# run) exits 2 with one line and leaves nothing behind; check tdx
# --bundle refuses the same before it runs anything.
. "$(dirname "$0")/../lib/tap.sh"

plan 27
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fix=$(ls -d "$TOP"/tests/fixtures/7.3.4*-fixture | head -n 1)
id=$(basename "$fix")

run "$SEPTBENCH" bundle "$fix" --out "$tmp/b.tar.gz"
is "$RC:$OUT" "0:bundle: $tmp/b.tar.gz" "a fixture run: exit 0, the bundle named"
tar -tzf "$tmp/b.tar.gz" 2>/dev/null | sort >"$tmp/listed"
{
	for f in env.json kernel-config.txt dmesg-tdx.txt tdx-module-sysfs.txt version.txt; do
		echo "septbench-bundle/$f"
	done
	for f in "$fix"/*; do echo "septbench-bundle/results/$id/$(basename "$f")"; done
} | sort >"$tmp/want"
diff "$tmp/want" "$tmp/listed" >"$tmp/diff"
ok $? "tar -tzf: env.json, config and dmesg lines, TDX sysfs, version, the run's $(ls "$fix" | wc -l) files, nothing else"
[ -s "$tmp/diff" ] && sed 's/^/#   /' "$tmp/diff"
mkdir "$tmp/x"
tar -xzf "$tmp/b.tar.gz" -C "$tmp/x" 2>/dev/null
diff -r "$fix" "$tmp/x/septbench-bundle/results/$id" >/dev/null
ok $? "the run's files are in it byte for byte"
is "$(cat "$tmp/x/septbench-bundle/version.txt")" "$("$SEPTBENCH" --version)" "version.txt: septbench --version"
is "$(jq -r '.schema, (.tdx | has("ready"))' "$tmp/x/septbench-bundle/env.json" 2>/dev/null | tr '\n' ' ')" \
	"$("$SEPTBENCH" env --json | jq -r .schema) true " "env.json: septbench env --json, with its tdx section"
n=$(grep -v '^#' "$tmp/x/septbench-bundle/kernel-config.txt" | grep -cv 'CONFIG_[A-Z0-9_]*\(KVM\|TDX\)')
is "$n" 0 "kernel-config.txt: only CONFIG_ lines naming KVM or TDX"
n=$(grep -v '^#' "$tmp/x/septbench-bundle/dmesg-tdx.txt" | grep -civ 'tdx\|seam')
is "$n" 0 "dmesg-tdx.txt: only kernel log lines naming TDX or SEAM"
if [ -d /sys/devices/faux/tdx_host ]; then
	grep -q '^version: ' "$tmp/x/septbench-bundle/tdx-module-sysfs.txt"
	ok $? "tdx-module-sysfs.txt: the TDX module's version"
else
	grep -q '^# /sys/devices/faux/tdx_host: absent' "$tmp/x/septbench-bundle/tdx-module-sysfs.txt"
	ok $? "tdx-module-sysfs.txt: says the TDX host driver's folder is absent here"
fi

# The default name, in the current folder; a trailing slash on RUN is fine.
mkdir "$tmp/cwd"
(cd "$tmp/cwd" && "$SEPTBENCH" bundle "$fix/" >/dev/null 2>&1)
is "$?:$(ls "$tmp/cwd")" "0:septbench-bundle-$id.tar.gz" "no --out: septbench-bundle-<run id>.tar.gz here"

# bad WHAT WANT ARGS...: exit 2, one line naming WANT, the folder as it was.
bad()
{
	local what=$1 want=$2 before after
	shift 2
	before=$(cd "$tmp" && find . | sort | md5sum)
	run "$SEPTBENCH" "$@"
	after=$(cd "$tmp" && find . | sort | md5sum)
	is "$RC:$(lines "$ERR"):$([ "$before" = "$after" ] && echo untouched || echo changed)" \
		"2:1:untouched" "$what: exit 2, one line, nothing written"
	case $ERR in *"$want"*) r=0 ;; *) r=1 ;; esac
	ok $r "$what: the line says '$want'"
	[ $r = 0 ] || diag "stderr: $ERR"
}

echo keep >"$tmp/exists.tar.gz"
mkdir "$tmp/dir" "$tmp/notarun"
echo '{"schema": "septbench-compare/1"}' >"$tmp/notarun/meta.json"
bad "an existing --out" "exists: a bundle never replaces anything" bundle "$fix" --out "$tmp/exists.tar.gz"
is "$(cat "$tmp/exists.tar.gz")" keep "the existing file is untouched"
bad "--out an existing folder" "exists" bundle "$fix" --out "$tmp/dir"
bad "--out in a missing folder" "No such file or directory" bundle "$fix" --out "$tmp/none/b.tar.gz"
bad "--out through a file" "Not a directory" bundle "$fix" --out "$tmp/exists.tar.gz/b.tar.gz"
bad "RUN a folder of runs" "not a septbench run (no meta.json)" bundle "$TOP/tests/fixtures" --out "$tmp/c.tar.gz"
bad "RUN with a meta.json of another kind" "not a septbench run" bundle "$tmp/notarun" --out "$tmp/c.tar.gz"
bad "check tdx --bundle over an existing file" "exists" check tdx --bundle "$tmp/exists.tar.gz"
if [ "$(id -u)" != 0 ]; then
	mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
	bad "--out in a folder that is not writable" "not writable" bundle "$fix" --out "$tmp/ro/b.tar.gz"
else
	bad "check tdx --bundle in a missing folder" "No such file or directory" check tdx --bundle "$tmp/none/b.tar.gz"
fi
ls -a "$tmp" | grep -q '^\.septbench-bundle' && r=1 || r=0
ok $r "no temporary file left behind"
done_testing
