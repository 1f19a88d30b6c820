#!/usr/bin/env bash
# On a host that cannot create TDs, asking for the tdx VM type refuses to
# start: exit 4, the first readiness step that fails as the reason, and
# no results folder.
. "$(dirname "$0")/../lib/tap.sh"

[ "$("$SEPTBENCH" env --json | jq -r .tdx.ready)" = false ] || skip_all "this host can create TDs"
plan 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
want=$("$SEPTBENCH" env --json | jq -r .tdx.first_missing.reason)
for s in fault-4k zap-convert; do
	run "$SEPTBENCH" run --scenario "$s" --vm-type tdx --out "$tmp/out"
	is "$RC:$(lines "$ERR"):$([ -e "$tmp/out" ] && echo folder || echo none)" "4:1:none" \
		"$s on tdx: exit 4, one line, no results folder"
	case $ERR in *"$want"*) r=0 ;; *) r=1 ;; esac
	ok $r "$s on tdx: the reason is the readiness step that fails"
done
done_testing
