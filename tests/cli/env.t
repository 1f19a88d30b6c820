#!/usr/bin/env bash
# septbench env on this host: always exit 0, every "no" with its reason,
# JSON that tools can read; bad input is one line and exit 2.
. "$(dirname "$0")/../lib/tap.sh"

plan 14

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

run "$SEPTBENCH" env --bogus
is "$RC:$(lines "$ERR"):$(lines "$OUT")" "2:1:0" "unknown option: exit 2, one line on stderr, nothing on stdout"
run "$SEPTBENCH" env extra
is "$RC:$(lines "$ERR")" "2:1" "stray argument: exit 2, one line"
run "$SEPTBENCH" frobnicate
is "$RC:$(lines "$ERR")" "2:1" "unknown command: exit 2, one line"
run "$SEPTBENCH"
is "$RC:$(lines "$ERR")" "2:1" "no command: exit 2, one line"
done_testing
