#!/usr/bin/env bash
# sept-emu on the host: --sept-delay / --sept-busy-every are checked before
# anything runs (bad input: exit 2, one line, no results folder); meta.json's
# "sept_emu" travels into compare, which warns when the sides differ in it
# (delays, busy_every, one side emulated and the other not) and not when
# they agree.
. "$(dirname "$0")/compare-lib.sh"
plan 16

bad()
{
	local what=$1 want=$2
	shift 2
	run "$SEPTBENCH" run --scenario fault-4k "$@" --out "$T/bad"
	is "$RC:$(lines "$ERR"):$([ -e "$T/bad" ] && echo folder || echo none)" "2:1:none" \
		"$what: exit 2, one line, no results folder"
	case $ERR in *"$want"*) r=0 ;; *) r=1; diag "stderr: $ERR" ;; esac
	ok $r "$what: says '$want'"
}
bad "unknown operation" "unknown operation" --vm-type sept-emu --sept-delay demote=10
bad "delay above the kernel's cap" "0 to 100000" --vm-type sept-emu --sept-delay aug=100001
bad "--sept-busy-every not a number" "--sept-busy-every" --vm-type sept-emu --sept-busy-every often
bad "knobs for another VM type" "need --vm-type sept-emu" --vm-type tdx --sept-delay aug=10

"$GEN" "$T/a" --seed 1 --reps 6
"$GEN" "$T/b" --seed 2 --reps 6
emu() { mkdir -p "$2"; cp -r "$T/$1"/. "$2"; jq --argjson s "$3" '.vm_type = "sept-emu" | .sept_emu = $s' "$T/$1/meta.json" >"$2/meta.json"; }
emu a "$T/e0" '{"emulated": true, "shared_bit": 39, "delays_ns": {"add": 0, "aug": 0, "block": 0, "track": 0, "remove": 0, "reclaim": 0}, "busy_every": 0}'
emu b "$T/e1" '{"emulated": true, "shared_bit": 39, "delays_ns": {"add": 0, "aug": 2000, "block": 0, "track": 0, "remove": 0, "reclaim": 0}, "busy_every": 0}'
emu b "$T/e2" '{"emulated": true, "shared_bit": 39, "delays_ns": {"add": 0, "aug": 0, "block": 0, "track": 0, "remove": 0, "reclaim": 0}, "busy_every": 0}'
emu b "$T/e3" '{"emulated": true, "shared_bit": 39, "delays_ns": {"add": 0, "aug": 0, "block": 0, "track": 0, "remove": 0, "reclaim": 0}, "busy_every": 5}'
w() { jq '[.warnings[] | select(test("differ in the emulated S-EPT"))] | length' "$1/report.json" 2>/dev/null; }

run "$SEPTBENCH" compare "$T/e0" "$T/e1" --out "$T/c1" --no-plots
is "$RC:$(w "$T/c1")" 0:1 "delays differ (aug 0 vs 2000): compare warns"
jq -e '[.warnings[] | select(test("differ in the emulated S-EPT") and test("\"aug\":0") and test("\"aug\":2000"))] | length == 1' \
	"$T/c1/report.json" >/dev/null 2>&1
ok $? "...naming both settings"
run "$SEPTBENCH" compare "$T/e0" "$T/e3" --out "$T/c3" --no-plots
is "$(w "$T/c3")" 1 "busy_every differs (0 vs 5): compare warns"
run "$SEPTBENCH" compare "$T/e0" "$T/b" --out "$T/c4" --no-plots
is "$(w "$T/c4")" 1 "an emulated S-EPT against a run without one: compare warns"
run "$SEPTBENCH" compare "$T/e0" "$T/e2" --out "$T/c2" --no-plots
is "$RC:$(w "$T/c2")" 0:0 "the same emulation settings: no such warning"
jq -e '[.. | objects | select((.key? // "" | tostring | test("sept_emu.delays_ns.aug")))] | length > 0' \
	"$T/c1/report.json" >/dev/null 2>&1
ok $? "the differing delay is in the environment diff (sept_emu.delays_ns.aug)"

# meta.json's sept_emu against results/schema.json, on a real run's meta.
fx=$(ls -d "$TOP"/tests/fixtures/*-fixture 2>/dev/null | head -n 1)
if python3 -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null && [ -n "$fx" ]; then
	mkdir -p "$T/v"
	jq '.vm_type = "sept-emu" | .sept_emu = {"emulated": true, "shared_bit": 39, "delays_ns": {"add": 0, "aug": 2000}, "busy_every": 5}' \
		"$fx/meta.json" >"$T/v/meta.json"
	"$TOP/tests/lib/validate-results" --quiet "$T/v/meta.json" >"$T/v.out" 2>&1
	r=$?
	[ $r = 0 ] || sed 's/^/#   /' "$T/v.out" | head -n 5
	ok $r "a meta.json with vm_type sept-emu and sept_emu validates"
	jq '.sept_emu.delays_ns.demote = 1' "$T/v/meta.json" >"$T/v/m2" && mv "$T/v/m2" "$T/v/meta.json"
	"$TOP/tests/lib/validate-results" --quiet "$T/v/meta.json" >"$T/v.out" 2>&1
	is "$?:$(grep -c 'demote' "$T/v.out")" "1:1" "...and one with an unknown emulated operation does not"
else
	for i in 1 2; do
		_tap_n=$((_tap_n + 1))
		printf 'ok %d # SKIP python3-jsonschema (draft 2020-12) or tests/fixtures missing\n' "$_tap_n"
	done
fi
done_testing
