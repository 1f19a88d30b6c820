#!/usr/bin/env bash
# Runs with instrumentation: compare plots each probed function's latency
# distribution (CDF over log2 buckets) from the attribution pass, one line
# per run, and takes perf counters per op as verdict metrics.
. "$(dirname "$0")/../lib/tap.sh"

GEN=$TOP/tests/lib/gen-results
command -v python3 >/dev/null || skip_all "python3 needed by the result generator"
plan 8
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$GEN" "$T/base" --seed 1 --reps 6 --attribute fault-4k --counters
"$GEN" "$T/new" --seed 2 --reps 6 --attribute fault-4k --slow fault-4k=300 --kernel 7.3.4+deb13-amd64 --variant after --counters

run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/out"
case $RC in 0 | 1) r=0 ;; *) r=1 ;; esac
ok $r "compare runs with attribution data (exit $RC)"
tsv=$T/out/fault-4k-hook-kvm_tdp_mmu_map.tsv
[ -s "$tsv" ] && [ -s "${tsv%.tsv}.png" ] && [ -s "${tsv%.tsv}.svg" ]
ok $? "fault-4k: a latency plot (TSV, PNG, SVG) for kvm_tdp_mmu_map"
is "$(head -c 8 "${tsv%.tsv}.png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "...a real PNG"
is "$(sed -n 2p "$tsv" | cut -f2,3)" "$(printf '0\t0')" "the CDF starts at 0 for both runs"
is "$(tail -n 1 "$tsv" | cut -f2,3)" "$(printf '1\t1')" "...and ends at 1 for both runs"
run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/ctr" --no-plots --metric counter.instructions
is "$RC" 1 "--metric counter.instructions: the 4x instruction count per page is a regression (exit 1)"
is "$(jq -r '.comparisons[0].scenarios[] | select(.scenario == "fault-4k") | .verdict' "$T/ctr/report.json")" worse \
	"fault-4k: worse on instructions per op"
run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/cyc" --no-plots --metric counter.cycles
is "$RC" 2 "an uncountable counter (cycles, no PMU) is no metric: exit 2"
done_testing
