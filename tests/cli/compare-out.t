#!/usr/bin/env bash
# compare never destroys data: an existing --out (or default output
# folder) that is not a compare output is refused with exit 2 and left
# byte for byte as it was; an earlier compare output is replaced only
# with --force; a file is refused; all before any statistics run.
. "$(dirname "$0")/compare-lib.sh"
plan 27

"$GEN" "$T/results/base" --seed 1 --reps 8
"$GEN" "$T/results/new" --seed 2 --reps 8 --slow fault-4k=10

# Every path, type, mode, size and content below $1: one line to compare.
tree_sum()
{
	[ -d "$1" ] || { sha256sum <"$1"; return; }
	(cd "$1" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum
}

# refused WHAT DIR ARGS...: exit 2, one line on stderr, nothing on stdout,
# DIR and its parent as they were (no temporary folder left behind).
refused()
{
	local what=$1 dir=$2 before parent
	shift 2
	before=$(tree_sum "$dir")
	parent=$(tree_sum "$(dirname "$dir")")
	run "$SEPTBENCH" compare "$@"
	is "$RC:$(lines "$ERR"):$(lines "$OUT")" "2:1:0" "$what: exit 2, one line on stderr"
	[ "$(tree_sum "$dir")" = "$before" ] && [ "$(tree_sum "$(dirname "$dir")")" = "$parent" ]
	ok $? "$what: byte for byte intact"
}

B=$T/results/base N=$T/results/new
refused "--out a results run (the BASE itself)" "$B" "$B" "$N" --out "$B"
printf '%s' "$ERR" | grep -q 'is not a septbench compare output'
ok $? "the line says it is not a compare output"
refused "--out a results run and an unknown metric" "$B" "$B" "$N" --out "$B" --metric vcpu.nope
printf '%s' "$ERR" | grep -q 'is not a septbench compare output'
ok $? "...the output folder is checked first, before any statistics"
refused "--out the results folder" "$T/results" "$B" "$N" --out "$T/results"
refused "--out the results folder, --force" "$T/results" "$B" "$N" --out "$T/results" --force
mkdir -p "$T/mine/sub"
echo "my notes" >"$T/mine/notes.txt"
echo '{"kind": "not-septbench"}' >"$T/mine/report.json"
echo data >"$T/mine/sub/x"
refused "a folder with a user's files and a foreign report.json" "$T/mine" "$B" "$N" --out "$T/mine/" --force
echo "a file" >"$T/file"
refused "--out a regular file" "$T/file" "$B" "$N" --out "$T/file"
printf '%s' "$ERR" | grep -q 'is not a folder'
ok $? "the line says it is not a folder"

run "$SEPTBENCH" compare "$B" "$N" --out ''
is "$RC:$(lines "$ERR"):$(lines "$OUT")" 2:1:0 "--out '': exit 2, one line"

# An earlier compare output: refused without --force, replaced with it.
run "$SEPTBENCH" compare "$B" "$N" --out "$T/cmp" --no-plots --threshold 15
is "$RC:$(jq -r .kind "$T/cmp/report.json")" 0:septbench-compare "report.json carries kind septbench-compare"
refused "an earlier compare output without --force" "$T/cmp" "$B" "$N" --out "$T/cmp" --no-plots
printf '%s' "$ERR" | grep -q 'add --force'
ok $? "the line says to add --force"
run "$SEPTBENCH" compare "$B" "$N" --out "$T/cmp" --no-plots --force
is "$RC:$(jq .settings.threshold "$T/cmp/report.json")" 1:0.02 "--force replaces it (threshold 2 now, exit 1)"
is "$(ls -d "$T"/cmp.* 2>/dev/null | wc -l)" 0 "no temporary or old folder left beside it"

# The default folder, results/compare-<base>-vs-<new>, follows the same rule.
D=$T/results/compare-base-vs-new
mkdir "$D"
echo keep >"$D/keep"
refused "the default output folder holding a user's file" "$D" "$B" "$N" --no-plots
rm -r "$D"
run "$SEPTBENCH" compare "$B" "$N" --no-plots
is "$RC:$(jq -r .kind "$D/report.json" 2>/dev/null)" 1:septbench-compare "the default output folder is created when absent"
refused "the default output folder, an earlier compare, no --force" "$D" "$B" "$N" --no-plots
done_testing
