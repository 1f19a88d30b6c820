#!/usr/bin/env bash
# scripts/ab with the vmtest driver, as `make ab` runs it here: old
# against new with the short suite, one test-VM boot per step.  Ctrl-C
# in the middle of step 2 stops its VM and marks the step incomplete;
# --resume redoes it.  Then: every step done in the balanced order, each
# run recorded the kernel of its side, and the compare folder printed as
# the last line holds the report and plots.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 11
work=$(mktemp -d "$TOP/.ab-vmtest.XXXXXX")
trap 'rm -rf "$work"' EXIT
unset SEPTBENCH_AB_STOP_AFTER SEPTBENCH_AB_VMTEST SEPTBENCH_VMTEST_ACCEL
res=$work/res
plan_of() { ls "$res"/ab-*/plan.json 2>/dev/null | head -n 1; }

set -m	# the background ab gets SIGINT as it would from a terminal
"$TOP/scripts/ab" --results "$res" --rounds 1 --short old new >"$work/out1" 2>"$work/err1" &
pid=$!
set +m
# Interrupt once step 2's VM is up.
for _ in $(seq 600); do
	p=$(plan_of)
	[ -n "$p" ] && [ "$(jq -r '.steps[1].status' "$p" 2>/dev/null)" = running ] &&
		grep -q '^vmtest: accel' "$(dirname "$p")/logs/step-2.log" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.5
done
sleep 3
kill -INT "$pid"
wait "$pid"
is "$?" 130 "Ctrl-C during step 2: exit 130"
p=$(plan_of)
is "$(jq -r '[.steps[].status] | join(" ")' "$p")" "done incomplete" "step 1 done, step 2 incomplete"
sleep 1
pgrep -f "qemu-system.*$res" >/dev/null
ok $((!$?)) "no QEMU of that step is left running"

t0=$(date +%s)
run "$TOP/scripts/ab" --results "$res" --resume
diag "--resume (one boot, one run, the compare): $(($(date +%s) - t0)) s"
# Its exit status is compare's verdict: 0 or 1 (a regression, which one
# noisy round between two different kernels may well find); 2 or more is
# a failure of the ab itself.
[ "$RC" -le 1 ] && [ "$(jq -r .compare_exit "$p")" = "$RC" ]
ok $? "--resume finishes the ab with compare's status ($RC)"
[ "$RC" -le 1 ] || grep '^ab:' <<<"$ERR" | tail -n 6 | sed 's/^/#   /'
is "$(jq -r '[.driver, .status, (.steps[] | .side + ":" + .status)] | join(" ")' "$p")" \
	"vmtest done A:done B:done" "plan.json: vmtest driver, done, A then B"
is "$(jq -r '.steps[1].attempts | length' "$p")" 1 "step 2 keeps its interrupted attempt"

booted=$(jq -r '.steps[].run' "$p" | while read -r r; do
	jq -r '.env.kernel.release // .env.host.kernel_release' "$(dirname "$p")/$r/meta.json"
done | paste -sd ' ')
want=$(jq -r '[.sequence[] as $s | .sides[$s].release] | join(" ")' "$p")
is "$booted" "$want" "the runs recorded the planned kernels: $want"
[ "$(jq -r .sides.A.release "$p")" != "$(jq -r .sides.B.release "$p")" ]
ok $? "old and new are different kernels"
last=$(tail -n 1 <<<"$OUT")
is "$last" "$(dirname "$p")/compare" "the last line of output is the compare folder"
[ -s "$last/report.md" ] && [ -s "$last/report.json" ] &&
	[ -n "$(ls "$last"/*.png 2>/dev/null)" ] && [ -n "$(ls "$last"/*.svg 2>/dev/null)" ]
ok $? "the compare folder holds the report and plots"
[ ! -e "$res/ab.current" ] && [ ! -e "$(dirname "$p")/lock" ]
ok $? "no pointer and no lock left"
done_testing
