#!/usr/bin/env bash
# results/index.html: compare rewrites it in the results folder it writes
# into (one called "results", or one with our index already); it lists
# every run (date, label, kernel, hook variant, VM type, status,
# emulated) and every compare with its result, A/B folders included,
# every link resolving; `septbench index` rebuilds it byte for byte; a
# compare elsewhere leaves no index behind; bad input exits 2.  In
# headless chromium it loads without console messages and renders.
. "$(dirname "$0")/compare-lib.sh"
HC=$TOP/tests/lib/html-check
plan 22

R=$T/results
"$GEN" "$R/base" --seed 1 --reps 6 --label base >/dev/null
"$GEN" "$R/new" --seed 2 --reps 6 --slow fault-4k=10 --label new --variant after >/dev/null
"$GEN" "$R/ab-1" --seed 3 --reps 4 --ab 2 >/dev/null
cp -r "$TOP"/tests/fixtures/*-fixture "$R/"
nruns=$(find "$R" -name meta.json | wc -l)

[ ! -e "$R/index.html" ]
ok $? "no index before septbench writes one"
run "$SEPTBENCH" compare "$R/base" "$R/new" --no-plots
is "$RC:$([ -s "$R/index.html" ] && echo index)" 1:index "compare into results/: index.html written"
X=$R/index.html
grep -q 'href="compare-[^"]*/report.html">report.html</a>' "$X"
ok $? "the compare is listed with a link to its report.html"
grep -q '<span class="worse">worse: fault-4k</span>' "$X"
ok $? "...with its result: worse fault-4k"
run "$SEPTBENCH" compare "$R/ab-1" --no-plots
grep -q 'href="ab-1/compare/report.html"' "$X"
ok $? "an A/B folder's compare updates the index above it, listed"
is "$(grep -c '<tr><td class="mono">[0-9T:-]*Z</td>' "$X")" "$nruns" "every run listed ($nruns: plain, A/B, fixtures)"
grep -q 'href="ab-1/runs/[^"]*/"' "$X"
ok $? "A/B runs listed with links to their folders"
row=$(grep -F 'href="base/"' "$X")
printf '%s' "$row" | grep -q '<td>base</td><td>6.18.15+deb13-amd64</td><td>before</td><td>tdx</td><td>complete</td><td>host KVM</td>'
ok $? "a run's row: date, label, kernel, hook variant, VM type, status, measured"
# The newer fixture's folder, and its start time as the index writes it.
fx=$(basename "$(ls -d "$TOP"/tests/fixtures/7.3.4+deb13-amd64-*-fixture | head -n 1)")
fx_ts=$(sed -E 's/.*-([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z-fixture$/\1-\2-\3T\4:\5:\6Z/' <<<"$fx")
row=$(grep -F "href=\"$fx/\"" "$X")
printf '%s' "$row" | grep -q '<td>7.3.4+deb13-amd64, build b3997c9b</td><td>after</td><td>default</td><td>complete</td><td class="emulated">emulated</td>'
ok $? "a fixture run: kernel with its build id, emulated in red"
printf '%s' "$row" | grep -qF "<td class=\"mono\">$fx_ts</td><td>fixture</td>"
ok $? "...its start time and label"
n=$("$HC" links "$X")
ok $? "every link of the index resolves ($n)"
if command -v xmllint >/dev/null; then
	"$HC" wellformed "$X"
	ok $? "well-formed (xmllint, as XML and as HTML)"
else
	ok 0 "# SKIP xmllint not installed"
fi

# septbench index rebuilds it, byte for byte.
cp "$X" "$T/first.html"
rm "$X"
run "$SEPTBENCH" index "$R"
is "$RC" 0 "septbench index: exit 0"
cmp -s "$X" "$T/first.html"
ok $? "...the same index, byte for byte"
(cd "$T" && "$SEPTBENCH" index >/dev/null)
cmp -s "$X" "$T/first.html"
ok $? "...of results/ by default"

# A compare elsewhere writes no index there.
mkdir "$T/else"
run "$SEPTBENCH" compare "$R/base" "$R/new" --no-plots --out "$T/else/cmp"
[ -d "$T/else/cmp" ] && [ ! -e "$T/else/index.html" ]
ok $? "a compare outside a results folder leaves no index.html beside it"

# Bad input.
run "$SEPTBENCH" index "$T/nope"
is "$RC:$(lines "$ERR"):$(lines "$OUT")" 2:1:0 "index of a missing folder: exit 2, one line"
run "$SEPTBENCH" index "$R" "$R"
is "$RC:$(lines "$ERR")" 2:1 "two folders: exit 2, one line"
run "$SEPTBENCH" index --bogus
is "$RC:$(lines "$ERR")" 2:1 "an option: exit 2, one line"

# In the browser.
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
	"$HC" load "$X" "$T/dom.html"
	ok $? "chromium loads index.html without console messages"
	grep -q 'ab-1/compare/report.html' "$T/dom.html"
	ok $? "...its DOM lists the comparisons"
	"$HC" shot "$X" "$T/index.png" 1200 >/dev/null
	ok $? "a 1280 px screenshot of the index is not blank"
else
	for i in 1 2 3; do ok 0 "# SKIP chromium not installed (scripts/deps test)"; done
fi

done_testing
