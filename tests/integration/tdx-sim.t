#!/usr/bin/env bash
# The tdx backend end to end in the simulation (SEPTBENCH_TDX_SIM=1): the
# TD payload's shim build in a default VM started in the TD's entry state,
# on real KVM in the test VM (newest kernel), driven by the same runtime
# and commands as a real TD.  No TDX and no S-EPT are involved: this checks
# the engine's tdx path and the payload's accept/convert flow, that the
# results say they were simulated, that the driver and every vCPU thread
# are counted per phase (counters and the tracepoint pass), and that a
# guest phase's interval runs from the barrier release to the last DONE,
# as on the default backend.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 37
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
# Per-op latency: the guest's histogram, sent after the window, one op
# per page touched (td_run.c refuses any other), percentiles in order.
latok='.latency | "\(.source) \(.count) \(.unit) \(.tsc_khz > 0) \(.min <= .p50 and .p50 <= .p99 and .p99 <= .max)"'
is "$(reps "$s/fault-4k.json" fault "$latok") / $(reps "$s/fault-4k.json" fault '.ops')" \
	"guest-tsc 2048 ns true true guest-tsc 2048 ns true true / 2048 2048" \
	"fault-4k: latency on every repetition, count == pages touched, min <= p50 <= p99 <= max (ns)"
diag "simulated TD fault-4k latency (ns), per repetition: $(reps "$s/fault-4k.json" fault \
	'.latency | "p50 \(.p50) p99 \(.p99) max \(.max)"')"
is "$(reps "$s/prefault-4k.json" accept "$latok") $(reps "$s/prefault-4k.json" accept '.latency.vcpus | length')" \
	"guest-tsc 2048 ns true true guest-tsc 2048 ns true true 1 1" \
	"prefault-4k: the accept phase's ops timed too, one vCPU"
is "$(reps "$s/prefault-4k.json" prefault '.latency | "\(.source)/\(.per)/\(.count >= 2048)"') $(reps "$s/teardown.json" teardown .latency.count) $(reps "$s/zap-punch.json" zap .latency.count) $(reps "$s/zap-convert.json" zap '.latency // "none"')" \
	"host-clock/call/true host-clock/call/true 1 1 1 1 none none" \
	"host phases: each KVM_PRE_FAULT_MEMORY timed, a punch and a teardown as one call; a conversion has none"
is "$(cat "$work/nolat.rc" 2>/dev/null) $(jq -r '.latency.enabled' "$(ls "$work"/nolat/*/meta.json 2>/dev/null | head -n 1)" 2>/dev/null) $(jq -rs '[.[] | .reps[]?.phases[] | select(.latency)] | length' "$work"/nolat/*/fault-4k.json "$work"/nolat/*/prefault-4k.json 2>/dev/null) $(jq -rs '[.[] | .reps[]?.phases[] | select(.name == "fault" or .name == "accept") | .ops] | join(",")' "$work"/nolat/*/fault-4k.json "$work"/nolat/*/prefault-4k.json 2>/dev/null)" \
	"0 false 0 2048,2048" "--no-latency: exits 0, no phase has latency, the guest phases still ran"

is "$(jq -r '"\(.status): \(.reason)"' "$s/fault-2m.json" 2>/dev/null)" \
	"unsupported: mainline maps private memory at 4K only (the TDX hugepage series is needed)" \
	"fault-2m: unsupported, with the reason"

# Every guest phase of every repetition (the files given): "<ok> <all>",
# ok when its wall time exceeds each vCPU's own START..DONE (the barrier
# release comes before any START; with one vCPU the old first-START
# definition made them equal) by less than the repetition's setup.
intervals()
{
	jq -rs '[.[] | .reps[]? | ([.phases[] | select(.name == "setup")][0].ns) as $setup |
		.phases[] | select(.vcpus) | (.ns - ([.vcpus[].ns] | max)) as $gap |
		$gap > 0 and $gap < $setup] | "\(map(select(.)) | length) \(length)"' "$@" 2>/dev/null
}
is "$(intervals "$s"/*.json)" "10 10" \
	"1 vCPU: every guest phase (fault, accept) lasts longer than its vCPU's START..DONE, by less than setup"

# 2 vCPUs with counters: the driver and both vCPU threads, every phase.
t=$(ls "$work"/ctr/*/fault-4k.json 2>/dev/null | head -n 1)
d=$(ls "$work"/dflt/*/fault-4k.json 2>/dev/null | head -n 1)
ph() { jq -r --arg p "$2" "[.reps[0].phases[] | select(.name == \$p)][0] | $3" "$1" 2>/dev/null; }
tph() { jq -r --arg p "$2" "[.tracepoint_pass.phases[] | select(.name == \$p)][0] | $3" "$1" 2>/dev/null; }
ge() { [ "${1:-0}" -ge "$2" ] 2>/dev/null; }
is "$(cat "$work/ctr.rc" 2>/dev/null) $(jq -r '"\(.status) \(.tdx_simulated)"' "$t" 2>/dev/null)" \
	"0 complete true" "fault-4k on 2 vCPUs with counters: exits 0, complete, simulated"
is "$(reps "$t" fault '.counters | [.["task-clock"], .["context-switches"]] |
	map(.threads | to_entries | map(select(.value >= 0) | .key) | join(",")) | join("/")')" \
	"driver,vcpu0,vcpu1/driver,vcpu0,vcpu1 driver,vcpu0,vcpu1/driver,vcpu0,vcpu1" \
	"fault: task-clock and context-switches on the driver, vcpu0 and vcpu1, every repetition"
v0=$(ph "$t" fault '.counters["task-clock"].threads.vcpu0')
v1=$(ph "$t" fault '.counters["task-clock"].threads.vcpu1')
ge "$v0" 1 && ge "$v1" 1
ok $? "fault: both vCPU threads' task-clock is non-zero (got $v0, $v1)"
is "$(ph "$t" fault '.tracepoints')" null "no tracepoints in the throughput repetitions"
e0=$(tph "$t" fault '.tracepoints["kvm:kvm_exit"].threads.vcpu0')
e1=$(tph "$t" fault '.tracepoints["kvm:kvm_exit"].threads.vcpu1')
[ "$(jq -r .tracepoint_pass.status "$t" 2>/dev/null)" = complete ] && ge "$e0" 1 && ge "$e1" 1
ok $? "the tracepoint pass is complete, kvm:kvm_exit counted on vcpu0 and vcpu1 (got $e0, $e1)"
v=$(tph "$t" fault '.tracepoints["kvm:kvm_page_fault"].value')
ge "$v" 2048
ok $? "kvm:kvm_page_fault >= 2048 in the fault phase of the tracepoint pass (got $v)"
is "$(ph "$t" destroy '.counters["task-clock"].threads | keys | join(",")')" driver \
	"a host-driven phase (destroy) counts the driver alone"
is "$(reps "$t" fault '.latency | "\(.count)=\([.vcpus[].count] | map(tostring) | join("+"))"')" \
	"2048=1024+1024 2048=1024+1024" "2 vCPUs: each vCPU's histogram counts its own pages, merged over both"
is "$(intervals "$t")" "2 2" "2 vCPUs, tdx: the fault phase outlasts both vCPUs' START..DONE, by less than setup"
is "$(cat "$work/dflt.rc" 2>/dev/null) $(intervals "$d")" "0 2 2" \
	"2 vCPUs, default backend: the same interval holds"

is "$(cat "$work/churn.rc" 2>/dev/null) $(jq -r '"\(.status) \(.tdx_simulated)"' "$c/churn.json" 2>/dev/null)" \
	"0 complete true" "churn on 4 vCPUs: complete, marked simulated"
is "$(reps "$c/churn.json" fault .accepted)" "4096 4096 4096 4096" \
	"churn: 4 cycles, every page accepted again after each round trip"
is "$(reps "$c/churn.json" fault "$latok")" \
	"$(echo guest-tsc 4096 ns true true guest-tsc 4096 ns true true guest-tsc 4096 ns true true guest-tsc 4096 ns true true)" \
	"churn: every cycle's fault phase has its latency, count == pages accepted and touched"
is "$(reps "$c/churn.json" zap '.map_gpa.exits_to_shared') $(reps "$c/churn.json" to-private '.map_gpa.exits_to_private')" \
	"8 8 8 8 8 8 8 8" "churn: 8 exits (16 MiB) each way per cycle, over the 4 vCPUs"

is "$(cat "$work/intr.rc" 2>/dev/null) $(cat "$work/intr.left" 2>/dev/null)" "130 no" \
	"Ctrl-C in a simulated TD phase: exit 130, nothing left running"

# compare says that a simulated TD was measured.
run "$SEPTBENCH" compare "$s" "$s" --no-plots --out "$work/cmp"
case $OUT$ERR in *"simulated TD"*) r=0 ;; *) r=1 ;; esac
ok $r "compare warns that the run was a simulated TD"
done_testing
