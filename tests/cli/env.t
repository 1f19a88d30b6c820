#!/usr/bin/env bash
# septbench env on this host: always exit 0, every "no" with its reason,
# JSON that tools can read; bad input is one line and exit 2.  The
# kernel's identity (env.kernel) against independent readings of the same
# files: /sys/kernel/notes parsed by python, the config by zcat|sha256sum,
# and the scripts/kbuild record looked up in a cache folder of our own.
. "$(dirname "$0")/../lib/tap.sh"

plan 25
tmp_cache=$(mktemp -d)
trap 'rm -rf "$tmp_cache"' EXIT

run "$SEPTBENCH" env
is "$RC" 0 "env exits 0 whatever the host has"
printf '%s\n' "$OUT" | grep -qE '^  usable: (yes|no \(.+\))$'
ok $? "text output has kvm usable with a reason when no"

run "$SEPTBENCH" env --json
is "$RC" 0 "env --json exits 0"
printf '%s' "$OUT" | jq -e . >/dev/null 2>&1
ok $? "env --json is valid JSON"
v=$(printf '%s' "$OUT" | jq -r '.hooks.variant')
case $v in before | after | none | unknown) r=0 ;; *) r=1 ;; esac
ok $r "hook variant is one of before/after/none/unknown (got $v)"
printf '%s' "$OUT" | jq -e '.kvm.usable.ok | type == "boolean"' >/dev/null
ok $? "kvm.usable.ok is a boolean"
printf '%s' "$OUT" | jq -e '[.. | objects | select(.ok == false) | select((.reason // "") == "")] | length == 0' >/dev/null
ok $? "every failed check carries a reason"

# Hide /dev/kvm in a private mount namespace: the no-KVM path, for real.
if unshare -m true 2>/dev/null; then
	run unshare -m sh -c "mount -t tmpfs none /dev && exec '$SEPTBENCH' env --json"
	is "$RC" 0 "env exits 0 without /dev/kvm"
	r=$(printf '%s' "$OUT" | jq -r '.kvm.usable.reason')
	case $r in *"cannot open /dev/kvm"*) rc=0 ;; *) rc=1 ;; esac
	ok $rc "without /dev/kvm the reason names the device (got: $r)"
	printf '%s' "$OUT" | jq -e '.tdx.ready == false' >/dev/null
	ok $? "without /dev/kvm a TD cannot be created"
else
	for i in 1 2 3; do ok 0 "# SKIP unshare -m not permitted"; done
fi

# env.kernel on this host.
kj() { printf '%s' "$KOUT" | jq -r "$1"; }
KOUT=$OUT
is "$(kj .kernel.release)" "$(uname -r)" "env.kernel.release is uname -r"
is "$(kj .kernel.hook_variant)" "$(kj .hooks.variant)" "env.kernel.hook_variant is env.hooks.variant"
# An independent reading of the notes: the first GNU build id, or none.
want_id=$(python3 - 2>/dev/null <<'PY'
import struct
b = open('/sys/kernel/notes', 'rb').read()
o = 0
while o + 12 <= len(b):
    n, d, t = struct.unpack_from('=III', b, o)
    name = b[o + 12:o + 12 + n]
    desc = o + 12 + ((n + 3) & ~3)
    if t == 3 and name == b'GNU\0':
        print(b[desc:desc + d].hex())
        break
    o = desc + ((d + 3) & ~3)
PY
)
if [ -n "$want_id" ]; then
	is "$(kj .kernel.build_id)" "$want_id" "env.kernel.build_id is the GNU build id of /sys/kernel/notes"
else
	is "$(kj '.kernel.build_id'):$(kj '.kernel.build_id_reason | length > 0')" "null:true" \
		"no build id readable here: build_id null with a reason"
fi
printf '%s' "$KOUT" | jq -e '.kernel.modules.kvm | (.builtin | type == "boolean") and
	((.build_id | type == "string") or (.reason | length > 0))' >/dev/null
ok $? "env.kernel.modules.kvm: builtin, and a build id or the reason for none"
if [ -r /proc/config.gz ]; then
	want="/proc/config.gz $(zcat /proc/config.gz | sha256sum | cut -d' ' -f1)"
elif [ -r "/boot/config-$(uname -r)" ]; then
	want="/boot/config-$(uname -r) $(sha256sum "/boot/config-$(uname -r)" | cut -d' ' -f1)"
elif [ -r "/lib/modules/$(uname -r)/config" ]; then
	want="/lib/modules/$(uname -r)/config $(sha256sum "/lib/modules/$(uname -r)/config" | cut -d' ' -f1)"
else
	want="null null"
fi
is "$(kj '"\(.kernel.config.source) \(.kernel.config.sha256)"')" "$want" \
	"env.kernel.config: the decompressed config's sha256sum, and where it was read"
"$SEPTBENCH" env >"$tmp_cache/env.txt"
grep -qx 'kernel:' "$tmp_cache/env.txt" && grep -qE '^  build_id: ([0-9a-f]+|-)$' "$tmp_cache/env.txt"
ok $? "text output has a kernel section with its build_id"

# The scripts/kbuild record of this build id, in a cache folder of our own.
if [[ $want_id =~ ^[0-9a-f]+$ ]]; then
	mkdir -p "$tmp_cache/kbuild/by-build-id"
	rec=$tmp_cache/kbuild/by-build-id/$want_id.json
	printf '{"id": "abc123", "tree": "/src/linux", "rev": "%s", "describe": "v7.2-12-gabc", "localversion": "-sb-abc1234", "config_sha256": "%s", "fragment": "bench/kernel/septbench.config"}\n' \
		"$(printf %040d 7)" "$(printf %064d 0)" >"$rec"
	run env SEPTBENCH_CACHE="$tmp_cache" "$SEPTBENCH" env --json
	is "$(printf '%s' "$OUT" | jq -c '.kernel.kbuild' 2>/dev/null)" "$(jq -c . "$rec")" \
		"a kbuild record for this build id is embedded as it is"
	is "$(printf '%s' "$OUT" | jq -r '.kernel.kbuild_source' 2>/dev/null)" "$rec" "... and kbuild_source names its file"
	printf '[1, 2]\n' >"$rec"
	run env SEPTBENCH_CACHE="$tmp_cache" "$SEPTBENCH" env --json
	is "$RC:$(printf '%s' "$OUT" | jq -r '.kernel.kbuild')" "0:null" "a record that is no object: ignored, env exits 0"
	printf '%s' "$OUT" | jq -e --arg p "$rec" '.kernel.warnings | length == 1 and (.[0] | contains($p))' >/dev/null
	ok $? "... with one warning naming the file"
	printf '{"id": ' >"$rec"
	run env SEPTBENCH_CACHE="$tmp_cache" "$SEPTBENCH" env --json
	is "$RC:$(printf '%s' "$OUT" | jq -r '.kernel.kbuild'):$(printf '%s' "$OUT" | jq -r '.kernel.warnings | length')" \
		"0:null:1" "a truncated record: ignored with a warning, env exits 0"
else
	for i in 1 2 3 4 5; do ok 0 "# SKIP no build id on this kernel: no kbuild lookup"; done
fi

run "$SEPTBENCH" env --bogus
is "$RC:$(lines "$ERR"):$(lines "$OUT")" "2:1:0" "unknown option: exit 2, one line on stderr, nothing on stdout"
run "$SEPTBENCH" env extra
is "$RC:$(lines "$ERR")" "2:1" "stray argument: exit 2, one line"
run "$SEPTBENCH" frobnicate
is "$RC:$(lines "$ERR")" "2:1" "unknown command: exit 2, one line"
run "$SEPTBENCH"
is "$RC:$(lines "$ERR")" "2:1" "no command: exit 2, one line"
done_testing
