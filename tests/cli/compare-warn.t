#!/usr/bin/env bash
# Warnings that travel: a scenario's own "warnings" are repeated in the
# report naming run and scenario; a run on shadow paging (meta.json
# "tdp_mmu": false) is warned about loudly; runs whose repetition order
# differs are warned about; malformed fields are bad input.
. "$(dirname "$0")/compare-lib.sh"
plan 18

"$GEN" "$T/base" --seed 1 --reps 6 --order interleaved:3 \
	--warning 'fault-4k=4K scenario mapped 2M pages'
"$GEN" "$T/new" --seed 2 --reps 6 --order blocks:3 --tdp-mmu false \
	--warning 'teardown=first' --warning 'teardown=second'
"$GEN" "$T/tdp" --seed 3 --reps 6 --order interleaved:9 --tdp-mmu true

run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/out" --no-plots
J=$T/out/report.json
is "$RC" 0 "runs with warnings compare (exit 0)"
w() { jq --arg w "$1" '[.warnings[] | select(. == $w)] | length' "$J"; }
is "$(w 'fault-4k: A (base) warns: 4K scenario mapped 2M pages')" 1 \
	"BASE's scenario warning repeated, naming run and scenario"
is "$(w 'teardown: B (new) warns: first'):$(w 'teardown: B (new) warns: second')" 1:1 \
	"NEW's two warnings of one scenario, each repeated"
tdp='B (new) did not measure the TDP MMU (kvm.tdp_mmu=N)'
is "$(jq --arg w "$tdp" '[.loud_warnings[] | select(startswith($w))] | length' "$J")" 1 \
	"tdp_mmu false: a loud warning in report.json"
printf '%s\n' "$OUT" | sed '/of the timed phase (/q' | grep -qF "!!! WARNING: $tdp"
ok $? "...in the text report above the tables"
printf '%s\n' "$ERR" | grep -qF "WARNING: $tdp"
ok $? "...and on stderr"
grep -qF "> **WARNING:** $tdp" "$T/out/report.md"
ok $? "...and in report.md"
is "$(jq '[.warnings[] | select(startswith("repetition order differs: A (base) '"'interleaved'"', B (new) '"'blocks'"'"))] | length' "$J")" 1 \
	"order modes differ: warned"
is "$(jq '[.warnings[] | select(test("order|TDP"))] | length' "$T/out/report.json")" 2 \
	"exactly those two run warnings"

run "$SEPTBENCH" compare "$T/base" "$T/tdp" --out "$T/out2" --no-plots
is "$(jq '([.warnings[] | select(test("order differs|TDP MMU"))] | length), (.loud_warnings | length)' "$T/out2/report.json" | tr '\n' :)" 0:0: \
	"tdp_mmu true and the same mode (other seed): no such warning"
is "$(lines "$ERR")" 0 "...and nothing on stderr"

bad()
{
	local what=$1
	shift
	run "$SEPTBENCH" compare "$@" --out "$T/bad" --no-plots
	is "$RC:$(lines "$ERR"):$(ls -d "$T"/bad* 2>/dev/null | wc -l)" 2:1:0 "$what: exit 2, one line, nothing written"
}
cp -r "$T/base" "$T/w"
jq '.warnings = "not a list"' "$T/base/fault-4k.json" >"$T/w/fault-4k.json"
bad '"warnings" a string' "$T/base" "$T/w"
printf '%s' "$ERR" | grep -q 'fault-4k.json: "warnings" is not an array of strings'
ok $? "...the line names the file and the field"
jq '.warnings = [1]' "$T/base/fault-4k.json" >"$T/w/fault-4k.json"
bad '"warnings" with a number' "$T/base" "$T/w"
cp -r "$T/base" "$T/m"
jq '.tdp_mmu = "N"' "$T/base/meta.json" >"$T/m/meta.json"
bad '"tdp_mmu" a string' "$T/m" "$T/base"
jq '.order = {"seed": 1}' "$T/base/meta.json" >"$T/m/meta.json"
bad '"order" without a mode' "$T/base" "$T/m"

# Different TDX modules (env.tdx.module_version): a warning; the same: none.
tdxmod() { mkdir -p "$2"; cp -r "$T/$1"/. "$2"; jq --arg v "$3" '.env.tdx.module_version = $v' "$T/$1/meta.json" >"$2/meta.json"; }
tdxmod base "$T/ta" 1.5.06.00.0744
tdxmod new "$T/tb" 1.5.16.00.0945
tdxmod new "$T/tc" 1.5.06.00.0744
run "$SEPTBENCH" compare "$T/ta" "$T/tb" --out "$T/out3" --no-plots
is "$(jq '[.warnings[] | select(. == "A and B ran on different TDX modules (1.5.06.00.0744 vs 1.5.16.00.0945): SEAMCALL costs are part of every TDX figure")] | length' "$T/out3/report.json" 2>/dev/null)" 1 \
	"A and B on different TDX modules: warned, with both versions"
run "$SEPTBENCH" compare "$T/ta" "$T/tc" --out "$T/out4" --no-plots
is "$(jq '[.warnings[] | select(test("TDX modules"))] | length' "$T/out4/report.json" 2>/dev/null)" 0 \
	"the same TDX module: no such warning"
done_testing
