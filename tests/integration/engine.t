#!/usr/bin/env bash
# The engine against real KVM in the test VM, on a kernel from before the
# S-EPT hook series and one after: repetitions interleaved in a recorded,
# replayable order; the harness overhead with its CI; zap and teardown
# controls and KVM's share, the teardown window free of munmap; op counts
# measured, and warnings where KVM's stats disagree with the scenario.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
command -v jq >/dev/null || skip_all "jq not installed (make deps)"

plan 44
work=$(mktemp -d "$TOP/.engine.XXXXXX")
trap 'rm -rf "$work"' EXIT

run1() { echo "$1"/*/; }
# jq over scenario file $2 of run folder $1
sj() { jq -r "$3" "$(run1 "$1")$2.json" 2>/dev/null; }
mj() { jq -r "$2" "$(run1 "$1")meta.json" 2>/dev/null; }

for k in old new; do
	d=$work/$k
	"$TOP/scripts/vmtest" --kernel "$k" --mem 1536 --timeout 500 \
		-- "$TOP/tests/integration/vm/engine-checks.sh" "$d" >"$work/$k.out" 2>&1
	ok $? "$k: the engine runs complete in the test VM"

	# Interleaving: 3 rounds of all 4, each round a permutation; replayed by seed.
	is "$(mj "$d/a" '"\(.order.mode) \(.order.seed) \(.order.rounds | length) \([.order.rounds[] | sort | join(",")] | unique | join(";"))"')" \
		"interleaved 42 3 fault-4k,prefault-4k,prefault-bare,zap-dontneed" \
		"$k: 3 rounds, each runs every scenario once, seed recorded"
	is "$(mj "$d/b" '.order.rounds')" "$(mj "$d/a" '.order.rounds')" "$k: the same seed replays the same order"
	is "$(mj "$d/a" '[.order.rounds[] | join(",")] | unique | length > 1')" true \
		"$k: rounds are shuffled afresh (seed 42 gives different orders)"
	is "$(mj "$d/blocks" '"\(.order.mode) \(.order.blocks | map(join(",")) | join(";"))"')" \
		"blocks fault-4k,fault-4k;prefault-4k,prefault-4k;prefault-bare,prefault-bare;zap-dontneed,zap-dontneed" \
		"$k: --order blocks runs suite order, scenario by scenario"
	is "$(sj "$d/a" fault-4k '[.reps[].rep] | join(",")')" "0,1,2" "$k: repetitions recorded in order"

	# Harness overhead.
	h=$(mj "$d/harness" '.harness_overhead[0] | "\(.scenario)/\(.reference) \(.n) \(.n_reference) \(.ci95[0] <= .ratio and .ratio <= .ci95[1])"')
	is "$h" "prefault-4k/prefault-bare 10 10 true" "$k: harness overhead in meta.json, 10 reps each, ratio inside its CI"
	grep -q '^harness overhead: prefault-4k / prefault-bare = [0-9.]* (95% CI ' "$d/harness.log"
	ok $? "$k: the run summary prints the harness overhead with its CI"
	diag "$k: $(grep '^harness overhead' "$d/harness.log")"
	is "$(sj "$d/harness" prefault-bare '[.reps[0].phases[] | select(.name == "prefault") | has("counters"), has("stats")] | join(",")')" \
		"false,false" "$k: prefault-bare's window has no counters and no stats snapshots"

	# Controls and KVM's share.
	for sc in zap-dontneed zap-punch; do
		is "$(sj "$d/share" $sc '[.reps[] | [(.phases[] | select(.name == "control") | .ops), (.derived.kvm_ns_per_op | type), (.derived.control_ns_per_op > 0)] | map(tostring) | join(" ")] | join(";")')" \
			"2048 number true;2048 number true" "$k: $sc: a control phase and KVM's share in every repetition"
	done
	is "$(sj "$d/share" teardown '.reps[0].phases | map(.name) | join(",")')" "setup,fault,teardown,unmap,control" \
		"$k: teardown records the VM's destruction, then the unmap and the control"
	# Tracepoints are counted in a pass of their own, phase by phase.
	is "$(sj "$d/share" teardown '[.tracepoint_pass.phases[] | select(.name == "teardown" or .name == "control") | .tracepoints["syscalls:sys_enter_munmap"].value] | join(",")')" \
		"0,1" "$k: teardown's window holds no munmap; the control's munmap is counted (1)"
	is "$(sj "$d/share" teardown '[.reps[].phases[] | select(.name == "teardown") | .ops >= 2048] | join(",")')" \
		"true,true" "$k: teardown's ops are the mappings present at destruction (>= 2048)"

	# Ops measured, warnings.
	w=$(sj "$d/thp" fault-4k '.warnings | join(" | ")')
	case $w in *"a 4K scenario got"*"huge"*) r=0 ;; *) r=1 ;; esac
	ok $r "$k: fault-4k on THP warns that a 4K scenario got huge mappings"
	[ $r = 0 ] || diag "warnings: $w"
	is "$(sj "$d/stride" fault-4k '.reps[0].phases[] | select(.name == "fault") | "\(.ops) \(.touches)"')" "512 512" \
		"$k: stride:4 over 2048 pages: 512 ops, the guest's 512 touches"
	is "$(sj "$d/stride" zap-dontneed '.reps[0].phases[] | select(.name == "zap") | .ops')" "512" \
		"$k: stride:4 zap: the 512 mappings removed, not 2048"
	w=$(sj "$d/split4k" split '.warnings | join(" | ")')
	case $w in *"no 2M mapping was split"*) r=0 ;; *) r=1 ;; esac
	ok $r "$k: split on a thp backing fallen back to 4K warns that nothing was split"
	[ $r = 0 ] || diag "warnings: $w"

	# The reworked kinds.
	is "$(sj "$d/kinds" split-lazy '"\(.unit) \(.reps[0].phases | map(select(.name == "split" or .name == "wp-faults") | "\(.name):\(.ops)") | join(","))"')" \
		"range split:4,wp-faults:2048" "$k: split-lazy: 4 ranges split (the op), write-protection faults apart"
	is "$(sj "$d/kinds" churn '[.reps[0].phases[] | .name] | map(select(. == "populate")) | length')" "3" \
		"$k: churn re-populates host memory before each of cycles 2..4"
	# Every folder this engine wrote, against the results format.
	out=$(python3 "$TOP/tests/lib/validate-results" "$d"/*/*/ 2>&1)
	ok $? "$k: every results folder of these runs validates against results/schema.json"
	[ -z "$out" ] || diag "$(printf '%s\n' "$out" | tail -5)"
	is "$(sj "$d/kinds" churn-concurrent '"\(.timed_phase) \(.reps[0].phases | map(select(.name == "zap") | .ops > 0) | .[0])"')" \
		"fault true" "$k: churn-concurrent: faults timed while the zapper made calls"
done
done_testing
