#!/usr/bin/env bash
# septbench compare on synthetic result sets (tests/lib/gen-results): a
# 10% slowdown is found and nothing else, identical distributions give no
# verdict, bad input is one line and exit 2 with nothing written, the
# plots are real PNG and SVG files.
. "$(dirname "$0")/../lib/tap.sh"

SEPTBENCH=${SEPTBENCH_BIN:-$SEPTBENCH}
GEN=$TOP/tests/lib/gen-results
"$SEPTBENCH" compare --help >/dev/null 2>&1 || skip_all "septbench has no compare command"
command -v python3 >/dev/null || skip_all "python3 needed by the result generator"
command -v jq >/dev/null || skip_all "jq needed"

plan 31

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$GEN" "$T/base" --seed 1
"$GEN" "$T/slow" --seed 2 --kernel 7.2.13+deb13-amd64 --variant after --slow fault-4k=10 \
	--cmdline 'BOOT_IMAGE=/vmlinuz ro quiet kvm_intel.tdx=1 mitigations=off'
"$GEN" "$T/same" --seed 3 --unsupported prefault-2m

# 1. A 10% slowdown in one scenario of 13, 20 repetitions, 1.5% noise.
run "$SEPTBENCH" compare "$T/base" "$T/slow" --out "$T/out"
is "$RC" 1 "10% slowdown: exit 1 (a significant regression)"
J=$T/out/report.json
is "$(jq -r '.comparisons[0].scenarios[] | select(.scenario == "fault-4k") | .verdict' "$J")" worse \
	"fault-4k is worse"
jq -e '.comparisons[0].scenarios[] | select(.scenario == "fault-4k") | .stats[]
	| select(.timed and .metric == "ns_per_op") | .p < 0.05 and .ci95[0] > 1 and .ratio > 1.05' "$J" >/dev/null
ok $? "fault-4k: p < 0.05, CI above 1, ratio about 1.10"
is "$(jq '[.comparisons[0].scenarios[] | select(.scenario != "fault-4k") | select(.verdict != "no change")] | length' "$J")" 0 \
	"the 12 other scenarios: no change"
is "$(jq -r .regression "$J")" true "report.json: regression true"
printf '%s\n' "$OUT" | grep -qE '^  fault-4k +B: worse'
ok $? "text report: verdict line for fault-4k"
printf '%s\n' "$OUT" | grep -qE '^Median +fault-4k .*\*'
ok $? "text report: significant median marked with *"
printf '%s\n' "$OUT" | grep -q "env.host.cmdline: A 'BOOT_IMAGE=/vmlinuz ro quiet kvm_intel.tdx=1', B '.*mitigations=off'"
ok $? "environment difference: kernel cmdline shown"
jq -e '.env_differences[] | select(.key == "env.hooks.variant" and .expected and .values == ["before", "after"])' "$J" >/dev/null
ok $? "hook variant difference shown as expected"
for f in report.txt report.md report.json summary.tsv plots.gp fault-4k-reps.tsv fault-4k-throughput.tsv; do
	[ -s "$T/out/$f" ] || { diag "missing $f"; false; }
done
ok $? "report.txt, report.md, report.json, TSV data and plots.gp written"
run "$SEPTBENCH" compare "$T/base" "$T/slow" --out "$T/out2" --metric ops_per_s --no-plots
is "$RC" 1 "--metric ops_per_s: exit 1 too"
is "$(jq -r '.comparisons[0].scenarios[] | select(.scenario == "fault-4k") | .stats[]
	| select(.timed and .metric == "ops_per_s") | .verdict' "$T/out2/report.json")" worse "ops_per_s (higher is better) down: worse"
run "$SEPTBENCH" compare "$T/base" "$T/slow" --out "$T/out3" --threshold 15 --no-plots
is "$RC" 0 "--threshold 15: a 10% change is no regression"

# 2. Plots: PNG (magic, IHDR 1000x600) and SVG (well-formed XML).
if command -v gnuplot >/dev/null; then
	python3 - "$T/out" <<'PY'
import glob, struct, sys
bad = []
pngs = glob.glob(sys.argv[1] + '/*.png')
for p in pngs:
    b = open(p, 'rb').read(24)
    w, h = struct.unpack('>II', b[16:24])
    if b[:8] != b'\x89PNG\r\n\x1a\n' or b[12:16] != b'IHDR' or (w, h) != (1000, 600):
        bad.append(p)
sys.exit(1 if bad or len(pngs) < 40 else 0)
PY
	ok $? "40 PNG plots (summary + 3 per scenario: throughput, repetitions, distribution), valid, 1000x600"
	n=0
	for f in "$T"/out/*.svg; do
		if command -v xmllint >/dev/null; then
			xmllint --noout "$f" 2>/dev/null || n=$((n + 1))
		else
			python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$f" || n=$((n + 1))
		fi
	done
	is "$n:$(ls "$T"/out/*.svg | wc -l)" "0:40" "40 SVG plots, all well-formed XML"
	[ ! -s "$T/out/gnuplot.log" ]
	ok $? "gnuplot printed no warning"
else
	for i in 1 2 3; do ok 0 "# SKIP gnuplot not installed"; done
fi

# 3. Same distribution, another seed: nothing to report.
run "$SEPTBENCH" compare "$T/base" "$T/same" --out "$T/same-out" --no-plots
is "$RC" 0 "identical distributions: exit 0"
is "$(jq '[.comparisons[0].scenarios[] | select(.state == "compared") | select(.verdict != "no change")] | length' "$T/same-out/report.json")" 0 \
	"identical distributions: every scenario no change"
is "$(jq -r '.comparisons[0].scenarios[] | select(.scenario == "prefault-2m") | .state' "$T/same-out/report.json")" unsupported \
	"an unsupported scenario is listed as such"
run "$SEPTBENCH" compare "$T/base" "$T/same" --out "$T/same-out2" --no-plots
cmp -s "$T/same-out/report.json" "$T/same-out2/report.json"
ok $? "same seed: report.json identical, byte for byte"

# 4. Bad input: one line on stderr, nothing on stdout, exit 2, no folder.
bad()
{
	local what=$1
	shift
	run "$SEPTBENCH" compare "$@" --out "$T/bad"
	is "$RC:$(lines "$ERR"):$(lines "$OUT"):$(ls -d "$T"/bad* 2>/dev/null | wc -l)" "2:1:0:0" \
		"$what: exit 2, one line, no output folder"
	[ "$RC" = 2 ] || diag "$ERR"
}
cp -r "$T/base" "$T/trunc"
head -c 300 "$T/base/fault-2m.json" >"$T/trunc/fault-2m.json"
bad "truncated scenario JSON" "$T/base" "$T/trunc"
printf '%s' "$ERR" | grep -q 'fault-2m.json: corrupt or truncated JSON'
ok $? "the line names the file and says truncated"
cp -r "$T/base" "$T/trunc-meta"
head -c 100 "$T/base/meta.json" >"$T/trunc-meta/meta.json"
bad "truncated meta.json" "$T/trunc-meta" "$T/base"
cp -r "$T/base" "$T/schema"
jq '.schema = "septbench/2"' "$T/base/meta.json" >"$T/schema/meta.json"
bad "schema septbench/2" "$T/base" "$T/schema"
printf '%s' "$ERR" | grep -q "schema 'septbench/2', this septbench reads septbench/1"
ok $? "the line names both schema versions"
mkdir "$T/empty"
bad "empty folder" "$T/base" "$T/empty"
bad "missing folder" "$T/base" "$T/nonexistent"
"$GEN" "$T/inc" --seed 4 --status incomplete
bad "run marked incomplete" "$T/base" "$T/inc"
run "$SEPTBENCH" compare "$T/base" "$T/inc" --allow-incomplete --out "$T/inc-out" --no-plots
is "$RC" 0 "--allow-incomplete compares it anyway"
bad "unknown metric" "$T/base" "$T/same" --metric vcpu.no_such_stat
bad "one folder only" "$T/base"
done_testing
