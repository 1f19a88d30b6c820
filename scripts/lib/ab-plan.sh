# shellcheck shell=bash disable=SC2016 # jq's $variables
# The plan and state of one A/B comparison (scripts/ab), and the pointer
# naming the one in progress.
#
#   $AB_RESULTS/ab.current       name of the ab in progress (ab-<id>)
#   $AB_RESULTS/ab-<id>/plan.json  what to run, what ran, what booted
#
# plan.json is the state: each change is a whole new file renamed over
# the old one, so a crash, Ctrl-C or kexec at any moment leaves the last
# consistent plan.  Schema "septbench-ab/1"; `septbench compare ABDIR`
# reads kind, sides and steps[].side/status/run.  Needs jq and die().

ab_pointer() { printf '%s/ab.current\n' "$AB_RESULTS"; }

# Set AB_DIR/AB_PLAN to the ab in progress.  Status 1: none; 2: the
# pointer names a folder without a plan (removed by hand).
ab_find_current()
{
	local p name

	p=$(ab_pointer)
	[ -f "$p" ] || return 1
	name=$(head -n 1 "$p")
	case "$name" in ab-*) ;; *) return 2 ;; esac
	[ -f "$AB_RESULTS/$name/plan.json" ] || return 2
	AB_DIR=$AB_RESULTS/$name
	AB_PLAN=$AB_DIR/plan.json
}

# Claim the pointer for ab-<id>; fails if another ab got there first.
ab_pointer_claim() { (set -C && printf '%s\n' "$1" >"$(ab_pointer)") 2>/dev/null; }

ab_pointer_drop()
{
	local p

	p=$(ab_pointer)
	[ "$(head -n 1 "$p" 2>/dev/null)" = "${AB_DIR##*/}" ] && rm -f "$p"
	return 0
}

# plan_get [jq options] FILTER: raw output of FILTER on the plan.
plan_get() { jq -r "$@" "$AB_PLAN"; }

# plan_set [jq options] FILTER: replace the plan by FILTER's output.
plan_set()
{
	local tmp=$AB_PLAN.tmp.$$

	if jq "$@" "$AB_PLAN" >"$tmp" && [ -s "$tmp" ]; then
		mv -f "$tmp" "$AB_PLAN" && return 0
	fi
	rm -f "$tmp"
	die "cannot update $AB_PLAN"
}

# step_set I FILTER [jq options]: FILTER applied to steps[I] (as `.`).
step_set()
{
	local i=$1 f=$2

	shift 2
	plan_set --argjson i "$i" "$@" ".steps[\$i] |= ($f)"
}

# The sides in run order for N rounds, one a line.  Round r runs AB when
# r-1 has an even number of one bits, else BA (the Thue-Morse sequence):
# ABBA BAAB BAAB ABBA ...  Every round boots each kernel once; the steps
# then follow the Thue-Morse sequence, so any even number of rounds
# cancels a linear drift and 2^k rounds a polynomial one of degree k.
ab_sequence()
{
	local n=$1 r b c

	for ((r = 0; r < n; r++)); do
		c=0
		for ((b = r; b > 0; b >>= 1)); do
			c=$((c ^ (b & 1)))
		done
		if [ "$c" = 0 ]; then
			printf 'A\nB\n'
		else
			printf 'B\nA\n'
		fi
	done
}

# Index of the first step not done, or nothing.
plan_next_step() { plan_get '[.steps[] | select(.status != "done")][0].index // empty'; }

# A step left "running" belongs to a process that is gone (crash, power
# cut, kill -9): it did not finish, so it is redone.
plan_mark_stale()
{
	plan_set '(.steps[] | select(.status == "running")) |=
		(.status = "incomplete" | .reason = "left running (crash or power loss)" | .ended = (now | todate))'
}

# --status: one line for the ab, one per step.
plan_print()
{
	jq -r --argjson n "$(plan_get '.steps | length')" '
	def side(s): "\(s): \(.sides[s].spec) (\(.sides[s].release // "release unknown"))";
	def r(x): x | tostring;
	"\(.id): \(.status), driver \(.driver), \(r(.rounds)) round(s), \(side("A")), \(side("B"))",
	"  run: septbench run \(.run_args | join(" "))",
	(.steps[] | "  step \(r(.index + 1))/\(r($n))  round \(r(.round))  \(.side)  \(.status)" +
		(if .run then "  \(.run)" else "" end) +
		(if .booted then "  booted \(.booted.release)" +
			(if .booted.build_id then " (\(.booted.build_id[0:12]))" else "" end) else "" end) +
		(if .reason and .status != "done" then "  (\(.reason))" else "" end)),
	(if .compare then "  compare: \(.compare)" else empty end)
	' "$AB_PLAN"
}
