#!/usr/bin/env bash
# perf counters, KVM tracepoint counts and the hook attribution pass
# against real KVM in the test VM, on a kernel from before the S-EPT hook
# series and one after: fault-4k's counts match the pages it faulted,
# hardware events are unsupported under TCG without failing the run, the
# probed kvm_tdp_mmu_map has a histogram that adds up, and tracefs holds
# nothing of ours after a normal run, a failing one, Ctrl-C, or a killed
# one's leftovers.  Bad event names first, on the host.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 48
work=$(mktemp -d "$TOP/.counters.XXXXXX")
trap 'rm -rf "$work"' EXIT

run "$SEPTBENCH" run --scenario fault-4k --events cycles,no-such-event --out "$work/bad"
is "$RC:$(lines "$ERR"):$([ -e "$work/bad" ] && echo folder || echo none)" "2:1:none" \
	"an unknown event name: exit 2, one line, no results folder"
run "$SEPTBENCH" run --scenario fault-4k --events cycles:Q --out "$work/bad"
is "$RC:$(lines "$ERR")" "2:1" "an unknown modifier: exit 2, one line"

N=2048
# jq over one phase of repetition 0, or of the attribution pass
ph() { jq -r --arg p "$2" "[.reps[0].phases[] | select(.name == \$p)][0] | $3" "$1" 2>/dev/null; }
aph() { jq -r --arg p "$2" "[.attribution.phases[] | select(.name == \$p)][0] | $3" "$1" 2>/dev/null; }
tph() { jq -r --arg p "$2" "[.tracepoint_pass.phases[] | select(.name == \$p)][0] | $3" "$1" 2>/dev/null; }
ge() { [ "${1:-0}" -ge "$2" ] 2>/dev/null; }
# Built against libtracefs 1.7 or later (its tracefs_synth_set_instance()),
# the triggers pairing entries with returns are in our instance, else on
# the top one (scripts/tracefs-newer builds the former on older hosts).
if { nm -D "$SEPTBENCH"; nm "$SEPTBENCH"; } 2>/dev/null | grep -Eq ' tracefs_synth_set_instance(@.*)?$'; then
	pair=instance
else
	pair=top
fi

for k in old new; do
	d=$work/$k
	VMTEST_INFO=$work/$k.info "$TOP/scripts/vmtest" --kernel "$k" --mem 1536 --timeout 500 \
		-- "$TOP/tests/integration/vm/counters-checks.sh" "$d" >"$work/$k.out" 2>&1
	diag "$k: kernel $(sed -n 's/^kernel_release=//p' "$work/$k.info")"
	f=$(ls "$d"/ok/*/fault-4k.json 2>/dev/null | head -n 1)
	is "$(cat "$d/ok.rc" 2>/dev/null)" 0 "$k: fault-4k with counters and --attribute exits 0"
	[ -s "$d/ok.rc" ] || sed 's/^/#   /' "$work/$k.out" | tail -n 8
	v=$(tph "$f" fault '.tracepoints["kvm:kvm_page_fault"].value')
	ge "$v" $N
	ok $? "$k: kvm:kvm_page_fault >= $N in the fault phase of the tracepoint pass (got $v)"
	v=$(ph "$f" fault '.counters["task-clock"].threads.vcpu0')
	ge "$v" 1
	ok $? "$k: the vCPU thread's task-clock is non-zero (got $v)"
	v=$(ph "$f" fault '.counters["task-clock"].threads.driver')
	ge "$v" 0
	ok $? "$k: ... and the driver thread's is counted too (got $v)"
	is "$(ph "$f" fault '.counters.cycles.unsupported')" true "$k: cycles unsupported under TCG"
	ge "$(ph "$f" fault '.counters.cycles.errno')" 1
	ok $? "$k: ... with its errno"
	is "$(ph "$f" fault '.counters["cycles:G"].unsupported')" true "$k: cycles:G unsupported too"
	v=$(tph "$f" fault '.tracepoints["kvm:kvm_exit"].value')
	ge "$v" $N
	ok $? "$k: kvm:kvm_exit counted (got $v)"
	is "$(tph "$f" fault '.tracepoints["kvmmmu:kvm_mmu_spte_requested"].value')" $N \
		"$k: kvmmmu:kvm_mmu_spte_requested = $N"
	is "$(ph "$f" fault '.tracepoints')" null "$k: no tracepoints in the throughput repetitions"
	is "$(jq -r .attribution.status "$f" 2>/dev/null)" complete "$k: the attribution pass is complete"
	is "$(jq -r .attribution.pair_triggers "$f" 2>/dev/null)" $pair \
		"$k: the entry and return triggers are where this build puts them ($pair)"
	v=$(aph "$f" fault '.hooks.kvm_tdp_mmu_map.calls')
	ge "$v" $N
	ok $? "$k: kvm_tdp_mmu_map called >= $N times in the fault phase (got $v)"
	is "$(aph "$f" fault '[.hooks.kvm_tdp_mmu_map.buckets[].count] | add')" "$v" \
		"$k: ... its histogram's buckets sum to the call count"
	jq -e '[.attribution.phases[] | select(.name == "fault")][0].hooks.kvm_tdp_mmu_map |
		.p50_ns > 0 and .p50_ns <= .p90_ns and .p90_ns <= .p99_ns' "$f" >/dev/null 2>&1
	ok $? "$k: ... and p50 <= p90 <= p99, non-zero"
	is "$(jq -r '.attribution.missing[] | select(.name == "tdh_mem_page_aug") | .reason | test("kallsyms")' "$f" 2>/dev/null)" \
		true "$k: a missing function (no TDX host support) is listed with its reason"
	jq -e '.attribution.overhead.ratio > 0' "$f" >/dev/null 2>&1
	ok $? "$k: the attribution overhead is recorded"
	grep -Eq 'exits/op' "$d/ok.log" 2>/dev/null && grep -Eq '^fault-4k .* [0-9.]+ +[0-9.]+ +(-|[0-9.]+)$' "$d/ok.log"
	ok $? "$k: the summary shows exits/op and hook calls/op (then sept/op, - off sept-emu)"
	is "$(cat "$d/ok.clean" 2>/dev/null)" yes "$k: tracefs clean after a normal run"
	is "$(cat "$d/fail.rc" 2>/dev/null):$(cat "$d/fail.clean" 2>/dev/null)" 1:yes \
		"$k: a run failing in the attribution pass exits 1, tracefs clean"
	is "$(cat "$d/intr.seen" 2>/dev/null):$(cat "$d/intr.rc" 2>/dev/null):$(cat "$d/intr.clean" 2>/dev/null)" \
		yes:130:yes "$k: Ctrl-C with the probes in place: exit 130, tracefs clean"
	is "$(cat "$d/stale.before" 2>/dev/null | head -n 1):$(cat "$d/stale.rc" 2>/dev/null):$(cat "$d/stale.clean" 2>/dev/null)" \
		no:0:yes "$k: a killed run's instance and events are removed at the next start"
	is "$(cat "$d/bad.rc" 2>/dev/null):$(lines "$(cat "$d/bad.err" 2>/dev/null)"):$(ls "$d/bad" 2>/dev/null | wc -l)" \
		"2:1:0" "$k: an unknown tracepoint: exit 2, one line, no results"
done
done_testing
