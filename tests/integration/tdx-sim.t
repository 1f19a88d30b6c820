#!/usr/bin/env bash
# The tdx backend end to end in the simulation (SEPTBENCH_TDX_SIM=1): the
# TD payload's shim build in a default VM started in the TD's entry state,
# on real KVM in the test VM (newest kernel), driven by the same runtime
# and commands as a real TD.  No TDX and no S-EPT are involved: this checks
# the engine's tdx path and the payload's accept/convert flow, and that the
# results say they were simulated.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 21
work=$(mktemp -d "$TOP/.tdx-sim.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$TOP/scripts/vmtest" --kernel new --mem 1536 --timeout 400 \
	-- "$TOP/tests/integration/vm/tdx-sim-checks.sh" "$work" >"$work/vm.out" 2>&1
s=$(ls -d "$work"/sim/*/ 2>/dev/null | head -n 1)
c=$(ls -d "$work"/churn/*/ 2>/dev/null | head -n 1)
is "$(cat "$work/sim.rc" 2>/dev/null)" 0 "the simulated run exits 0"
[ -s "$work/sim.rc" ] || sed 's/^/#   /' "$work/vm.out" | tail -n 8
grep -q 'SEPTBENCH_TDX_SIM=1.*no TDX' "$work/sim.err" 2>/dev/null
ok $? "the simulation is announced on stderr"
is "$(jq -r '"\(.status) \(.vm_type) \(.tdx_simulated)"' "$s/meta.json" 2>/dev/null)" "complete tdx true" \
	"meta.json: complete, vm_type tdx, tdx_simulated true"

# Every repetition of phase $2 in $1: jq expression $3, joined.
reps() { jq -r --arg p "$2" "[.reps[].phases[] | select(.name == \$p) | $3] | join(\" \")" "$1" 2>/dev/null; }

for sc in fault-4k prefault-4k zap-convert teardown zap-punch; do
	v=$(jq -r '"\(.status) \(.tdx_simulated) \(.reps | length)"' "$s/$sc.json" 2>/dev/null)
	is "$v" "complete true 2" "$sc: complete, marked simulated, 2 repetitions"
done
# 8 MiB: 2048 pages, 4 chunks of 2 MiB.
is "$(jq -r .timed_phase "$s/fault-4k.json") $(reps "$s/fault-4k.json" fault '"\(.ops)/\(.accepted)"')" \
	"fault 2048/2048 2048/2048" "fault-4k: timed phase fault; every page accepted once, per repetition"
is "$(reps "$s/prefault-4k.json" prefault .ops) $(reps "$s/prefault-4k.json" accept .accepted)" \
	"2048 2048 2048 2048" "prefault-4k: 2048 pages pre-faulted, then 2048 accepts as their own phase"
is "$(reps "$s/zap-convert.json" zap '.map_gpa | "\(.exits_to_shared)/\(.exits_to_private)/\(.pages)"')" \
	"4/0/2048 4/0/2048" "zap-convert: one MapGPA exit per 2 MiB, all to shared"
is "$(reps "$s/zap-convert.json" to-private '.map_gpa | "\(.exits_to_shared)/\(.exits_to_private)/\(.pages)"')" \
	"0/4/2048 0/4/2048" "zap-convert: back to private, one exit per 2 MiB"
is "$(reps "$s/zap-convert.json" fault .accepted)" "2048 2048" "zap-convert: the range was accepted before"
is "$(reps "$s/teardown.json" teardown .ops) $(reps "$s/teardown.json" fault .accepted)" \
	"2048 2048 2048 2048" "teardown: destruction with 2048 accepted pages"
is "$(reps "$s/prefault-4k.json" destroy .ops) $(reps "$s/zap-convert.json" destroy .ops) $(reps "$s/zap-punch.json" destroy .ops)" \
	"2048 2048 0 0 0 0" "destroy reclaims what is mapped: pre-faulted and accepted once, nothing after a conversion or punch"
is "$(jq -r '"\(.status): \(.reason)"' "$s/fault-2m.json" 2>/dev/null)" \
	"unsupported: mainline maps private memory at 4K only (the TDX hugepage series is needed)" \
	"fault-2m: unsupported, with the reason"

is "$(cat "$work/churn.rc" 2>/dev/null) $(jq -r '"\(.status) \(.tdx_simulated)"' "$c/churn.json" 2>/dev/null)" \
	"0 complete true" "churn on 4 vCPUs: complete, marked simulated"
is "$(reps "$c/churn.json" fault .accepted)" "4096 4096 4096 4096" \
	"churn: 4 cycles, every page accepted again after each round trip"
is "$(reps "$c/churn.json" zap '.map_gpa.exits_to_shared') $(reps "$c/churn.json" to-private '.map_gpa.exits_to_private')" \
	"8 8 8 8 8 8 8 8" "churn: 8 exits (16 MiB) each way per cycle, over the 4 vCPUs"

is "$(cat "$work/intr.rc" 2>/dev/null) $(cat "$work/intr.left" 2>/dev/null)" "130 no" \
	"Ctrl-C in a simulated TD phase: exit 130, nothing left running"

# compare says that a simulated TD was measured.
run "$SEPTBENCH" compare "$s" "$s" --no-plots --out "$work/cmp"
case $OUT$ERR in *"simulated TD"*) r=0 ;; *) r=1 ;; esac
ok $r "compare warns that the run was a simulated TD"
done_testing
