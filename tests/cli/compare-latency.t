#!/usr/bin/env bash
# compare on per-op latency: with --metric p99 (and p99.9, max) the table
# shows each repetition's p99 compared with a CI, a 10% slower tail is
# "worse", and every scenario with latency gets a CDF plot (PNG, SVG and
# its TSV) with a series per side.  The runs are synthetic (gen-results)
# with latency histograms added: lognormal-ish buckets whose tail grows
# by 10% in B.
. "$(dirname "$0")/compare-lib.sh"
plan 10

"$GEN" "$T/base" --seed 1 --reps 8
"$GEN" "$T/new" --seed 2 --reps 8

# add_latency FILE FACTOR: the fault phase of every repetition gets a
# histogram (1 cycle = 1 ns), 1000 ops at 2-3 us and 20 in a tail near
# 100 us times FACTOR, jittered by the repetition.
add_latency()
{
	jq --argjson f "$2" '.reps |= [to_entries[] | .key as $r | .value |
		.phases |= map(if .name == "fault" then
			(100000 * $f * (1 + ($r % 4) / 100)) as $t |
			.latency = {source: "guest-tsc", unit: "ns", tsc_khz: 1000000,
				count: 1020, min: 2048, mean: 4400, p50: 2400, p90: 2900,
				p99: $t, "p99.9": ($t * 1.05), max: ($t * 1.1),
				bucket_unit: "cycles", overflow: 0,
				buckets: [[2048, 2304, 400], [2304, 2560, 350], [2560, 3072, 250],
					  [($t | floor), ($t * 1.1 | floor), 20]]}
		else . end)]' "$1" >"$1.new" && mv "$1.new" "$1"
}
add_latency "$T/base/fault-4k.json" 1
add_latency "$T/new/fault-4k.json" 1.1

run "$SEPTBENCH" compare "$T/base" "$T/new" --metric p99 --out "$T/cmp"
is "$RC" 1 "--metric p99: a 10% slower tail is a regression (exit 1)"
grep -q '^p99 of the timed phase' <<<"$OUT"
ok $? "the table is of p99"
grep -Eq '^CI95 +fault-4k +\[' <<<"$OUT"
ok $? "p99 has a CI"
grep -Eq 'fault-4k +B: worse \(p99 \+1[01]\.[0-9]+%' <<<"$OUT"
ok $? "fault-4k: worse, by about 10%"
is "$(jq -r '[.comparisons[0].scenarios[] | select(.scenario == "fault-4k") | .stats[] | select(.metric == "p99.9" or .metric == "max") | .metric] | sort | join(",")' "$T/cmp/report.json" 2>/dev/null)" \
	"max,p99.9" "report.json also compares p99.9 and max"

f=$T/cmp/fault-4k-latency
is "$(file -b "$f.png" 2>/dev/null | cut -d, -f1)" "PNG image data" "a CDF plot as PNG"
xmllint --noout "$f.svg" 2>/dev/null
ok $? "... and as SVG that parses"
is "$(head -n 1 "$f.tsv" | awk -F'\t' '{ print NF }')" 3 "its TSV: latency, then A and B"
is "$(awk -F'\t' 'NR > 1 && $2 != "nan" && $3 != "nan" { n++ } END { print (n > 0) }' "$f.tsv")" 1 \
	"both series have values"
is "$(tail -n 1 "$f.tsv" | cut -f2-)" "$(printf '1\t1')" "both CDFs reach 1"
done_testing
