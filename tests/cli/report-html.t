#!/usr/bin/env bash
# report.html of a compare folder: a known 10% slowdown shows as worse in
# the verdict table and in the ratio plot; identical runs show "no
# change" and the same-run warning; the page is well-formed, every inline
# SVG parses, every link resolves; `septbench report` rebuilds it byte for
# byte, names a missing plot, and refuses (exit 2, nothing touched) a
# folder that is not a compare output.  In headless chromium: the page
# loads without console messages and a 1280 px screenshot is not blank;
# so does the report of the two fixture runs (real emulated runs), which
# is what docs/report.png shows.
. "$(dirname "$0")/compare-lib.sh"
HC=$TOP/tests/lib/html-check
plan 43

R=$T/results
"$GEN" "$R/base" --seed 1 --reps 8 --label base >/dev/null
"$GEN" "$R/new" --seed 2 --reps 8 --slow fault-4k=10 --label new >/dev/null

tree_sum()
{
	(cd "$1" && find . -printf '%p %y %m %s\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum
}

# 1. fault-4k 10% slower.
S=$R/cmp-slow
run "$SEPTBENCH" compare "$R/base" "$R/new" --out "$S"
is "$RC:$([ -s "$S/report.html" ] && echo html)" 1:html "a 10% slowdown: exit 1, report.html written"
grep -q '<tr class="worse"><td><a href="#s-fault-4k">fault-4k</a></td><td>B</td>' "$S/report.html"
ok $? "the verdict table has fault-4k's row as worse"
grep -q '<td class="verdict worse">worse</td>' "$S/report.html"
ok $? "...its verdict cell says worse"
is "$(grep -c '<tr class="worse">' "$S/report.html")" 1 "no other row is worse"
fig=$(sed -n '/<figure class="plot" id="plot-summary">/,/<\/figure>/p' "$S/report.html")
printf '%s' "$fig" | grep -q '<text>worse</text>'
ok $? "the ratio plot (inline SVG) labels a bar worse"
is "$(awk -F'\t' '$2 == "fault-4k" { print $NF }' "$S/summary.tsv")" worse \
	"...the bar of fault-4k (summary.tsv's verdict column)"
printf '%s' "$fig" | grep -q '<text>better</text>'
is "$?" 1 "...and none better"
grep -q 'Result: a significant regression' "$S/report.html"
ok $? "the result line says regression"
for id in runs verdicts regression scenarios env commands; do
	grep -q "<section id=\"$id\">" "$S/report.html" || break
done
ok $? "sections: runs, verdicts, the ratio plot, scenarios, environment, commands"
is "$(grep -c '<details id="s-' "$S/report.html")" 13 "one collapsed <details> per scenario"
sed -n '/<details id="s-fault-4k">/,/<\/details>/p' "$S/report.html" >"$T/f4k"
grep -q 'id="plot-fault-4k-dist"' "$T/f4k" && grep -q 'id="plot-fault-4k-reps"' "$T/f4k"
ok $? "fault-4k: its distribution and per-repetition plots"
grep -q 'KVM statistics per op' "$T/f4k" && grep -q '<td class="mono">vcpu.exits</td>' "$T/f4k"
ok $? "fault-4k: its KVM statistics per op"
grep -q 'Kernel identity\|hook variant' "$S/report.html" && grep -q 'Intel(R) Xeon(R) Platinum 8580' "$S/report.html"
ok $? "the header names the hook variant and the host"
grep -q '<pre>septbench compare ' "$S/report.html"
ok $? "the compare command is shown"
grep -q '<script' "$S/report.html"
is "$?" 1 "no script in the page"
grep -Eq '(src|href)="(https?:)?//' "$S/report.html"
is "$?" 1 "nothing from the network"

# 2. Well-formed, every inline SVG parses, every link resolves.
if command -v xmllint >/dev/null; then
	"$HC" wellformed "$S/report.html"
	ok $? "well-formed (xmllint, as XML and as HTML)"
	n=$("$HC" svgs "$S/report.html")
	is "$?:$n" "0:$(ls "$S"/*.svg | wc -l)" "every plot inline, every inline SVG parses ($n)"
else
	ok 0 "# SKIP xmllint not installed"
	ok 0 "# SKIP xmllint not installed"
fi
n=$("$HC" links "$S/report.html")
ok $? "every link resolves ($n)"

# 3. septbench report: byte for byte.
cp "$S/report.html" "$T/first.html"
rm "$S/report.html"
run "$SEPTBENCH" report "$S"
is "$RC" 0 "septbench report: exit 0"
cmp -s "$S/report.html" "$T/first.html"
ok $? "septbench report rebuilds report.html byte for byte (plots redrawn)"

# 4. A missing plot is named.
cp -r "$S" "$T/miss"
rm "$T/miss/fault-4k-dist.svg"
run env PATH=/nonexistent "$SEPTBENCH" report "$T/miss"
is "$RC:$(lines "$ERR")" 0:1 "no gnuplot: exit 0, one line (plots not redrawn)"
grep -q '<p class="missing">Plot missing: fault-4k-dist.svg' "$T/miss/report.html" &&
	grep -q 'Missing plots: fault-4k-dist.svg' "$T/miss/report.html"
ok $? "the report says which plot is missing, where it belongs and at the top"
n=$("$HC" links "$T/miss/report.html")
ok $? "...and links to nothing missing ($n links)"

# 5. Not a compare folder: exit 2, one line, nothing touched.
run "$SEPTBENCH" report "$R/base"
is "$RC:$(lines "$ERR"):$(lines "$OUT")" 2:1:0 "a results run: exit 2, one line"
mkdir "$R/foreign" && echo '{"kind": "other"}' >"$R/foreign/report.json"
before=$(tree_sum "$R")
run "$SEPTBENCH" report "$R/foreign"
is "$RC:$(lines "$ERR")" 2:1 "a foreign report.json: exit 2, one line"
[ "$(tree_sum "$R")" = "$before" ] && [ ! -e "$R/foreign/report.html" ]
ok $? "...nothing touched"
run "$SEPTBENCH" report "$R/nope"
is "$RC:$(lines "$ERR")" 2:1 "a missing folder: exit 2, one line"
run "$SEPTBENCH" report
is "$RC:$(lines "$ERR")" 2:1 "no folder: exit 2, one line"

# 6. A run against itself: no change, the same-run warning, noise.
I=$R/cmp-same
run "$SEPTBENCH" compare "$R/base" "$R/base" --out "$I"
is "$RC" 0 "the same run twice: exit 0"
is "$(grep -c '<td class="verdict same">no change</td>' "$I/report.html"):$(grep -c '<td class="verdict \(worse\|better\)">' "$I/report.html")" \
	"$(jq '[.comparisons[0].scenarios[] | select(.state == "compared")] | length' "$I/report.json"):0" \
	"every compared scenario says no change"
grep -q 'A and B are the same run' "$I/report.html" && jq -e '.measures_noise' "$I/report.json" >/dev/null
ok $? "the same-run warning, and measures_noise in report.json"
grep -q '<p class="loud noise">This comparison measures noise' "$I/report.html"
ok $? "the page says the comparison measures noise"
printf '%s' "$ERR" | grep -q 'WARNING: A and B are the same run'
ok $? "compare says so on stderr"

# 7. The fixture runs (real emulated runs): per-vCPU and hook plots where they have them.
F=$T/fix
run "$SEPTBENCH" compare "$TOP"/tests/fixtures/6.18.15*-fixture "$TOP"/tests/fixtures/7.3.4*-fixture --out "$F"
sed -n '/<details id="s-churn-concurrent">/,/<\/details>/p' "$F/report.html" | grep -q 'id="plot-churn-concurrent-vcpus"'
ok $? "fixtures: churn-concurrent (2 vCPUs) has its per-vCPU plot"
sed -n '/<details id="s-fault-4k">/,/<\/details>/p' "$F/report.html" | grep -q 'id="plot-fault-4k-hook-kvm_tdp_mmu_map"'
ok $? "fixtures: fault-4k (attribution pass) has its hook latency CDF"
"$HC" links "$F/report.html" >/dev/null && { ! command -v xmllint >/dev/null || "$HC" svgs "$F/report.html" >/dev/null; }
ok $? "fixtures: every link resolves, every inline SVG parses"

# 8. In the browser.
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
	"$HC" load "$S/report.html" "$T/dom.html"
	ok $? "chromium loads report.html without console messages"
	grep -q 'fault-4k' "$T/dom.html" && grep -q 'class="verdict worse"' "$T/dom.html"
	ok $? "...its DOM has the verdict table"
	"$HC" shot "$S/report.html" "$T/slow.png" 1600 >/dev/null
	ok $? "a 1280 px screenshot is not blank"
	printf '<!DOCTYPE html><html><body><img src="nope.png" /><script>x(</script></body></html>\n' >"$T/bad.html"
	"$HC" load "$T/bad.html" 2>/dev/null
	is "$?" 1 "the load check fails on a page with a script error and a missing image"
	printf '<!DOCTYPE html><html><body></body></html>\n' >"$T/empty.html"
	"$HC" shot "$T/empty.html" "$T/empty.png" 600 >/dev/null 2>&1
	is "$?" 1 "the screenshot check fails on a blank page"
	"$TOP/tests/lib/report-shot" "$T/fixtures.png" >/dev/null
	ok $? "the fixture runs' report renders, not blank (docs/report.png: make docs/report.png)"
else
	for i in 1 2 3 4 5 6; do ok 0 "# SKIP chromium not installed (scripts/deps test)"; done
fi

done_testing
