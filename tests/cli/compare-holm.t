#!/usr/bin/env bash
# Multiple comparisons: verdicts use p adjusted by Holm's method over all
# scenario x new-run tests of the verdict metric.  A real 10% slowdown
# among 14 scenarios stays worse; a scenario whose raw p is just below
# 0.05 (CI above 1, change above the threshold) is no change among 14,
# though alone it would be worse.
. "$(dirname "$0")/compare-lib.sh"
plan 12

# 10 vs 10 ns/op, no ties: U = 77, exact two-sided p = 0.0433, medians
# 99.3 vs 103.9 (+4.6%), bootstrap CI of the ratio about [1.008, 1.07].
A=108.7,95.6,101.3,99.0,96.5,97.7,97.9,99.6,101.5,104.1
B=104.8,108.3,105.7,104.3,103.0,99.9,97.5,103.5,103.1,105.1
"$GEN" "$T/base" --count 14 --seed 11 --values "s005=$A"
"$GEN" "$T/new" --count 14 --seed 12 --slow s000=10 --values "s005=$B"

sel() { jq -c ".comparisons[0].scenarios[] | select(.scenario == \"$1\") | $2" "$T/out/report.json"; }
st() { sel "$1" ".stats[] | select(.timed and .metric == \"ns_per_op\") | $2"; }

run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/out" --no-plots
is "$RC" 1 "14 scenarios, one 10% slowdown: exit 1"
is "$(jq -c '.settings | [.p_adjust, .family_size]' "$T/out/report.json")" '["holm",14]' \
	"report.json: Holm over a family of 14 tests"
is "$(sel s000 .verdict)" '"worse"' "the 10% slowdown stays worse"
is "$(st s000 '.p_adj == ([.p * 14, 1] | min) and .p_adj < 0.001')" true \
	"its p_adj is 14 x its raw p (the smallest p of the family), still tiny"
is "$(st s005 '.p | . > 0.04 and . < 0.05')" true "s005: raw p just below 0.05"
is "$(st s005 '.ci95[0] > 1 and .ratio > 1.02')" true "s005: CI above 1, change above 2%"
is "$(st s005 '.p_adj >= 0.05 and .p_adj >= 10 * .p')" true "s005: p_adj >= 0.05"
is "$(sel s005 .verdict)" '"no change"' "s005: no change after the adjustment"
is "$(jq '[.comparisons[0].scenarios[] | select(.scenario != "s000" and .verdict != "no change")] | length' "$T/out/report.json")" 0 \
	"the 13 others: no change"
printf '%s\n' "$OUT" | grep -qE '^p\(Holm\) +s005 +[0-9.]+$'
ok $? "text report: p(Holm) row beside p(MWU)"

# The same s005 alone: a family of one, p_adj = p, and it is worse.
"$GEN" "$T/base1" --count 1 --values "s000=$A"
"$GEN" "$T/new1" --count 1 --values "s000=$B"
run "$SEPTBENCH" compare "$T/base1" "$T/new1" --out "$T/one" --no-plots
is "$RC:$(jq -r '.comparisons[0].scenarios[0].verdict' "$T/one/report.json")" 1:worse \
	"the same samples alone (family of 1): worse, exit 1"
is "$(jq '.comparisons[0].scenarios[0].stats[] | select(.timed and .metric == "ns_per_op") | .p_adj == .p' "$T/one/report.json")" true \
	"...with p_adj equal to p"
done_testing
