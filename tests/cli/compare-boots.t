#!/usr/bin/env bash
# Several runs (boots) per side: --base RUN... --new RUN... and an A/B
# folder's plan.json; Welch's t on per-boot means when both sides have 2
# or more boots, the hierarchical bootstrap (wider than the flat one when
# boots differ), variance components and the hint, run names (label,
# build id), build warnings; one run per side is the positional form's
# report exactly; bad input is one line and exit 2.
. "$(dirname "$0")/compare-lib.sh"
plan 44

A40=$(printf 'a%.0s' $(seq 40))
B40=$(printf 'b%.0s' $(seq 40))
C40=$(printf 'c%.0s' $(seq 40))
f=(1.000 1.015 0.990)
g=(1.010 0.985 1.005)
for i in 1 2 3; do
	"$GEN" "$T/b$i" --seed "1$i" --reps 8 --boot-factor "${f[i - 1]}" --build-id "$A40"
	"$GEN" "$T/n$i" --seed "2$i" --reps 8 --boot-factor "${g[i - 1]}" --build-id "$B40" \
		--kernel 7.2.13+deb13-amd64 --variant after --slow fault-4k=15
done

# 1. Three boots a side, a 15% slowdown in fault-4k.
run "$SEPTBENCH" compare --base "$T/b1" "$T/b2" "$T/b3" --new "$T/n1" "$T/n2" "$T/n3" \
	--out "$T/out" --no-plots
J=$T/out/report.json
is "$RC" 1 "--base b1 b2 b3 --new n1 n2 n3: exit 1 (fault-4k slower)"
sc() { jq -c --arg s "$1" ".comparisons[0].scenarios[] | select(.scenario == \$s) | $2" "$J"; }
is "$(sc fault-4k .verdict)" '"worse"' "fault-4k is worse"
is "$(jq '[.comparisons[0].scenarios[] | select(.scenario != "fault-4k" and .verdict != "no change")] | length' "$J")" 0 \
	"the 12 others: no change"
is "$(jq -c '[.comparisons[0].scenarios[] | select(.state == "compared") | [.test, .boots.base, .boots.new]] | unique' "$J")" \
	'[["welch-boots",3,3]]' "every scenario: Welch on boots, 3 and 3 boots"
is "$(sc fault-4k '.stats[] | select(.timed and .metric == "ns_per_op") | [.welch_scale, has("t"), has("df"), has("u"), .base.n]')" \
	'["log",true,true,false,24]' "ns_per_op: t and df on log values, no U, 24 repetitions of A"
is "$(sc fault-4k '.stats[] | select(.timed and .metric == "ns_per_op") | .variance | [.base.boots, .base.repetitions, .new.boots, (.base.within_sd_pct > 0.5 and .base.within_sd_pct < 5)]')" \
	'[3,24,3,true]' "variance components of A and B: 3 boots, 24 repetitions, within-boot SD 0.5..5%"
sc fault-4k .hint | grep -q 'would narrow the CI most'
ok $? "a hint for fault-4k"
printf '%s\n' "$OUT" | grep -qE '^SDboot% +fault-4k ' && printf '%s\n' "$OUT" | grep -qE '^p\(Welch\) +fault-4k '
ok $? "text report: SDboot% row, p(Welch) row"
printf '%s\n' "$OUT" | grep -qE '^  A \(base\) aaaaaaaa: 3 runs \(boots\)'
ok $? "text report: side A named by its short build id, 3 runs"
is "$(jq -c '[.runs[0].run_id, (.runs[0].boots | length), .runs[0].boots[1].display_name, .runs[1].boots[2].build_id == "'"$B40"'"]' "$J")" \
	'["b1+2",3,"aaaaaaaa",true]' "report.json: side id b1+2, its boots, names and build ids"
jq -e '.warnings | map(select(test("has 1 run|mixes|same build"))) | length == 0' "$J" >/dev/null
ok $? "no boots or build warning"

# 2. A big boot effect, little noise: more boots; no boot effect: more repetitions.
for i in 1 2 3; do
	"$GEN" "$T/vb$i" --count 1 --seed "3$i" --reps 10 --noise 0.002 \
		--boot-factor "$(echo "0.9 1.1 1.0" | cut -d' ' -f"$i")"
	"$GEN" "$T/vn$i" --count 1 --seed "4$i" --reps 10 --noise 0.002 \
		--boot-factor "$(echo "1.05 0.95 1.0" | cut -d' ' -f"$i")"
done
# The same values in every boot, in another order: boot means equal.
for v in 97,100,103,101 103,97,101,100 101,103,100,97; do
	"$GEN" "$T/wb$v" --count 1 --values "s000=$v"
	"$GEN" "$T/wn$v" --count 1 --values "s000=$v"
done
run "$SEPTBENCH" compare --base "$T"/vb{1,2,3} --new "$T"/vn{1,2,3} --out "$T/v" --no-plots
V=$T/v/report.json
is "$(jq -c '.comparisons[0].scenarios[0] | [(.hint | startswith("more boots (rounds)")), (.stats[0].variance.base.between_sd_pct > 5 and .stats[0].variance.base.between_sd_pct < 15), (.stats[0].variance.base.within_sd_pct < 1)]' "$V")" \
	'[true,true,true]' "boots 0.9 1.1 1.0, noise 0.2%: between-boot SD 5..15%, within < 1%, hint: more boots"
run "$SEPTBENCH" compare --base "$T"/wb* --new "$T"/wn* --out "$T/w" --no-plots
is "$(jq -c '.comparisons[0].scenarios[0] | [(.hint | startswith("more repetitions")), .stats[0].variance.base.between_sd_pct]' "$T/w/report.json")" \
	'[true,0]' "equal boot means: between-boot SD 0, hint: more repetitions"
grep -q 'Spread of log values' "$T/v/report.md" && grep -q 'between-boot SD' "$T/v/report.md"
ok $? "report.md: the variance components table"

# 3. The nesting matters: boots {90,91} {100,101} {110,111} against the
# same values in one run each: the hierarchical CI is wider.
"$GEN" "$T/h1" --count 1 --values s000=90,91,90,91
"$GEN" "$T/h2" --count 1 --values s000=100,101,100,101
"$GEN" "$T/h3" --count 1 --values s000=110,111,110,111
"$GEN" "$T/hn1" --count 1 --values s000=91,90,91,90
"$GEN" "$T/hn2" --count 1 --values s000=101,100,101,100
"$GEN" "$T/hn3" --count 1 --values s000=111,110,111,110
"$GEN" "$T/hflat" --count 1 --values s000=90,91,90,91,100,101,100,101,110,111,110,111
"$GEN" "$T/hnflat" --count 1 --values s000=91,90,91,90,101,100,101,100,111,110,111,110
run "$SEPTBENCH" compare --base "$T"/h{1,2,3} --new "$T"/hn{1,2,3} --out "$T/hier" --no-plots
run "$SEPTBENCH" compare "$T/hflat" "$T/hnflat" --out "$T/flat" --no-plots
width() { jq '.comparisons[0].scenarios[0].stats[] | select(.timed and .metric == "ns_per_op") | .ci95[1] - .ci95[0]' "$1"; }
wh=$(width "$T/hier/report.json") wf=$(width "$T/flat/report.json")
python3 -c "import sys; sys.exit(0 if $wh > 1.5 * $wf else 1)"
ok $? "boots that differ: hierarchical CI width $wh, over 1.5 x the flat one's $wf"

# 4. One run a side: the positional form's report, byte for byte.
run "$SEPTBENCH" compare "$T/b1" "$T/n1" --out "$T/pos" --no-plots
run "$SEPTBENCH" compare --base "$T/b1" --new "$T/n1" --out "$T/lists" --no-plots
cmp -s "$T/pos/report.json" "$T/lists/report.json" && cmp -s "$T/pos/report.txt" "$T/lists/report.txt"
ok $? "--base b1 --new n1: report.json and report.txt identical to 'compare b1 n1'"
is "$(jq -c '[.comparisons[0].scenarios[] | select(.state == "compared") | [.test, .boots.base, .boots.new]] | unique' "$T/pos/report.json")" \
	'[["mwu",1,1]]' "one run a side: the Mann-Whitney U, 1 and 1 boots"
run "$SEPTBENCH" compare --base="$T/b1" --new "$T/n1" --out "$T/eq" --no-plots
cmp -s "$T/pos/report.json" "$T/eq/report.json"
ok $? "--base=RUN works too"

# 5. One boot against three: U test, and a warning that says why it is weak.
run "$SEPTBENCH" compare --base "$T/b1" --new "$T/n1" "$T/n2" "$T/n3" --out "$T/one" --no-plots
is "$(jq -r '.comparisons[0].scenarios[0].test' "$T/one/report.json")" mwu "1 boot against 3: Mann-Whitney U"
jq -e '.warnings[] | select(startswith("A has 1 run (boot), B 3: between-boot variance cannot be estimated on A"))' \
	"$T/one/report.json" >/dev/null
ok $? "...with a warning: between-boot variance cannot be estimated on A"

# 6. Builds: the same on both sides, or mixed within one side: loud.
"$GEN" "$T/sb" --seed 7 --reps 6 --build-id "$A40"
"$GEN" "$T/cb" --seed 8 --reps 6 --build-id "$C40"
run "$SEPTBENCH" compare "$T/b1" "$T/sb" --out "$T/same" --no-plots
jq -e '.loud_warnings[] | select(startswith("A and B are the same build (build id aaaaaaaa"))' "$T/same/report.json" >/dev/null &&
	printf '%s' "$ERR" | grep -q 'WARNING: A and B are the same build'
ok $? "equal build ids: loud warning, in report.json and on stderr"
run "$SEPTBENCH" compare --base "$T/b1" "$T/cb" --new "$T/n1" "$T/n2" --out "$T/mixed" --no-plots
jq -e '.loud_warnings[] | select(startswith("A mixes kernel builds"))' "$T/mixed/report.json" >/dev/null
ok $? "a side of two builds: loud warning"
run "$SEPTBENCH" compare "$T/b1" "$T/n1" --out "$T/diffb" --no-plots
is "$(jq '.loud_warnings | length' "$T/diffb/report.json")" 0 "two builds: no build warning"

# 7. Names: meta label, the run id's label, the short build id, the run id.
"$GEN" "$T/6.18.15+deb13-amd64-20261127T080000Z-patched" --seed 9 --reps 6
"$GEN" "$T/6.18.15+deb13-amd64-20261127T080100Z-01234567-series" --seed 9 --reps 6 \
	--build-id 0123456789abcdef0123456789abcdef01234567
"$GEN" "$T/lab" --seed 10 --reps 6 --label mine --build-id "$A40"
"$GEN" "$T/nullb" --seed 10 --reps 6 --build-id ''
run "$SEPTBENCH" compare "$T/6.18.15+deb13-amd64-20261127T080000Z-patched" \
	"$T/6.18.15+deb13-amd64-20261127T080100Z-01234567-series" "$T/lab" "$T/n1" "$T/nullb" \
	--out "$T/names" --no-plots
is "$(jq -c '[.runs[].boots[0].display_name]' "$T/names/report.json")" \
	'["patched","series","mine","bbbbbbbb","nullb"]' \
	"names: run id label, label after a short build id, meta label, build id, run id"
is "$(jq -c '[.runs[3].boots[0].build_id == "'"$B40"'", .runs[4].boots[0].build_id]' "$T/names/report.json")" \
	'[true,null]' "build ids: the 40 hex digits, or null"

# 8. An A/B folder.
"$GEN" "$T/ab" --ab 2 --reps 6 --b-slow fault-4k=10
run "$SEPTBENCH" compare "$T/ab" --no-plots
is "$RC:$([ -s "$T/ab/compare/report.json" ] && echo written)" "0:written" \
	"compare ABDIR: report in ABDIR/compare"
AJ=$T/ab/compare/report.json
is "$(jq -c '[.runs[0].spec, .runs[1].spec, [.runs[0].boots[].display_name], [.runs[1].boots[].display_name]]' "$AJ")" \
	'["old","new",["A1","A2"],["B1","B2"]]' "sides A and B from plan.json, their runs in order, named by label"
is "$(jq -r '.comparisons[0].scenarios[0] | "\(.test) \(.boots.base) \(.boots.new)"' "$AJ")" "welch-boots 2 2" \
	"2 rounds: 2 boots a side, Welch"
"$GEN" "$T/abi" --ab 2 --reps 6 --step-status 3=incomplete
run "$SEPTBENCH" compare "$T/abi" --no-plots
is "$(jq -r '.comparisons[0].scenarios[0].boots.base' "$T/abi/compare/report.json")" 1 \
	"an incomplete step is left out"
run "$SEPTBENCH" compare "$T/abi" --no-plots --allow-incomplete --force
is "$(jq -r '.comparisons[0].scenarios[0].boots.base' "$T/abi/compare/report.json")" 2 \
	"...and counted with --allow-incomplete"

# 9. Bad input: one line on stderr, nothing on stdout, exit 2, no folder.
bad()
{
	local what=$1 out=$2
	shift 2
	run "$SEPTBENCH" compare "$@"
	is "$RC:$(lines "$ERR"):$(lines "$OUT"):$(ls -d "$out"* 2>/dev/null | wc -l)" "2:1:0:0" \
		"$what: exit 2, one line, no output folder"
	[ "$RC" = 2 ] || diag "$ERR"
}
bad "--base without --new" "$T/bad" --base "$T/b1" "$T/b2" --out "$T/bad"
printf '%s' "$ERR" | grep -q -- '--base without --new'
ok $? "...the line says --new is missing"
bad "--new with an empty list" "$T/bad" --base "$T/b1" --new --out "$T/bad"
bad "--base with an empty list" "$T/bad" --base --new "$T/n1" --out "$T/bad"
bad "--base twice" "$T/bad" --base "$T/b1" --new "$T/n1" --base "$T/b2" --out "$T/bad"
bad "a folder outside the lists" "$T/bad" "$T/b3" --base "$T/b1" --new "$T/n1" --out "$T/bad"
bad "a missing run in a list" "$T/bad" --base "$T/b1" "$T/nonexistent" --new "$T/n1" --out "$T/bad"
"$GEN" "$T/abk" --ab 1 --reps 4 --kind septbench-other
bad "plan.json of another kind" "$T/abk/compare"  "$T/abk"
printf '%s' "$ERR" | grep -q "kind 'septbench-other', not an A/B plan"
ok $? "...the line names the kind"
"$GEN" "$T/abp" --ab 1 --reps 4 --step-status 0=pending --step-status 1=pending
bad "plan.json without a done step" "$T/abp/compare" "$T/abp"
printf '%s' "$ERR" | grep -q 'no done step of side A'
ok $? "...the line says which side has none"
"$GEN" "$T/abs" --ab 1 --reps 4
jq '.schema = "septbench-ab/9"' "$T/abs/plan.json" >"$T/abs/p" && mv "$T/abs/p" "$T/abs/plan.json"
bad "plan.json of another schema" "$T/abs/compare" "$T/abs"
mkdir -p "$T/abt" && printf '{"kind": "septbench-ab", ' >"$T/abt/plan.json"
bad "truncated plan.json" "$T/abt/compare" "$T/abt"

# 10. A relative --out (no slash) is written where it says.
(cd "$T" && "$SEPTBENCH" compare b1 n1 --out rel --no-plots >/dev/null)
is "$?:$([ -s "$T/rel/report.json" ] && echo written)" "1:written" "--out rel, no slash: written"
done_testing
