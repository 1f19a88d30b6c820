#!/usr/bin/env bash
# septbench check tdx in the test VM (newest kernel, no TDX): in the
# simulation (SEPTBENCH_TDX_SIM=1) it passes, each check that needs a
# real TD skipped with its reason, the others ok; its bundle holds the
# listed files and nothing else.  Without the simulation it exits 4,
# naming the first readiness step that fails, and runs nothing.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 15
work=$(mktemp -d "$TOP/.check-tdx.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$TOP/scripts/vmtest" --kernel new --mem 1536 --timeout 500 \
	-- "$TOP/tests/integration/vm/check-tdx-checks.sh" "$work" >"$work/vm.out" 2>&1
# The check's output; stdout adds one line after it, the bundle written.
sim=$(grep -v '^bundle: ' "$work/sim.out" 2>/dev/null)
is "$(cat "$work/sim.rc" 2>/dev/null)" 0 "simulation: check tdx exits 0"
[ "$(cat "$work/sim.rc" 2>/dev/null)" = 0 ] || { printf '%s\n' "$sim" | sed 's/^/#   /'; tail -n 8 "$work/vm.out" | sed 's/^/#   /'; }

# One line per assumption: "<result> <name>: <evidence>".
line() { printf '%s\n' "$sim" | grep -E "^(ok|FAILED|skipped) +$1:" | head -n 1; }
result() { line "$1" | awk '{print $1}'; }
is "$(printf '%s\n' "$sim" | grep -c '^FAILED')" 0 "simulation: no line FAILED"
want_ok="every tdx scenario ran|every page accepted exactly once|pages_4k moved by the pages touched|one MapGPA exit per 2 MiB each direction|punch removed the mappings|tracefs and knobs left as found"
got=$(IFS='|'; for n in $want_ok; do printf '%s ' "$(result "$n")"; done)
is "$got" "ok ok ok ok ok ok " "simulation: scenarios, accepts, pages_4k, MapGPA exits, punch, tracefs and knobs: ok"
want_skip="TDX readiness|TD created and finalized|one AUG per page in the fault phase|conversion removed the mappings|teardown reclaimed every page|cycle counts agree with the wall clock within 2%"
got=$(IFS='|'; for n in $want_skip; do printf '%s ' "$(result "$n")"; done)
is "$got" "skipped skipped skipped skipped skipped skipped " \
	"simulation: readiness, TD life cycle, AUG, conversion, teardown, cycles: skipped"
# Every skipped line says why: the simulation, and what it lacks.
n=$(printf '%s\n' "$sim" | grep '^skipped' | grep -c ': SEPTBENCH_TDX_SIM=1: [a-z].\{12,\}')
is "$n" 6 "every skipped line carries its reason"
case $(line "every page accepted exactly once") in
*"fault-4k fault 2048/2048"*"churn fault 2048/2048"*) r=0 ;; *) r=1 ;;
esac
ok $r "accepted: fault-4k's 2048 pages once, churn's every cycle (the evidence is in the line)"
case $(line "one MapGPA exit per 2 MiB each direction") in
*"4 exits to shared, then 4 to private, for 8 MiB"*) r=0 ;; *) r=1 ;;
esac
ok $r "MapGPA: 4 exits each way for 8 MiB"
is "$(printf '%s\n' "$sim" | tail -n 1)" "6 ok, 0 FAILED, 6 skipped" "the summary line counts them"

# The bundle: exactly the listed files, the run's among them.
run_dir=$(printf '%s\n' "$sim" | sed -n 's/^results: //p')
run_id=$(basename "$run_dir")
tar -tzf "$work/sim.tar.gz" 2>/dev/null | sort >"$work/listed"
{
	for f in check.txt env.json kernel-config.txt dmesg-tdx.txt tdx-module-sysfs.txt version.txt; do
		echo "septbench-bundle/$f"
	done
	for f in "$run_dir"/*; do echo "septbench-bundle/results/$run_id/$(basename "$f")"; done
} | sort >"$work/want"
diff "$work/want" "$work/listed" >"$work/diff"
ok $? "bundle: check.txt, env.json, config and dmesg lines, TDX sysfs, version, the run's $(ls "$run_dir" | wc -l) files, nothing else"
[ -s "$work/diff" ] && sed 's/^/#   /' "$work/diff"
tar -xzOf "$work/sim.tar.gz" septbench-bundle/check.txt >"$work/check.txt" 2>/dev/null
printf '%s\n' "$sim" | cmp -s "$work/check.txt" -
ok $? "bundle: check.txt is the check's output"
is "$(tail -n 1 "$work/sim.out")" "bundle: $work/sim.tar.gz" "stdout names the bundle last"
is "$(tar -xzOf "$work/sim.tar.gz" septbench-bundle/results/"$run_id"/meta.json 2>/dev/null | jq -r '"\(.tdx_simulated) \(.label)"')" \
	"true check-tdx" "bundle: the run's meta.json, simulated, labelled check-tdx"

# Without the simulation: no TDX in the test VM.
step=$(jq -r .tdx.first_missing.step "$work/env.json" 2>/dev/null)
reason=$(jq -r .tdx.first_missing.reason "$work/env.json" 2>/dev/null)
is "$(cat "$work/real.rc" 2>/dev/null):$(lines "$(cat "$work/real.err" 2>/dev/null)")" "4:1" \
	"no TDX: exit 4, one line on stderr"
is "$(cat "$work/real.err" 2>/dev/null)" "septbench: check: TDX is not available here: step $step: $reason" \
	"no TDX: the line names the first readiness step that fails ($step)"
[ ! -e "$work/real" ]
ok $? "no TDX: nothing ran, no results folder"
done_testing
