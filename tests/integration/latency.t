#!/usr/bin/env bash
# Per-op latency histograms against real KVM in the test VM, on a kernel
# from before the S-EPT hook series and one after: the guest's histogram
# holds one value per page touched in every repetition, its percentiles
# are ordered and its max is the slowest vCPU's; pre-fault's host
# histogram holds one value per ioctl; a known slow subset (every 64th
# first touch stalled 50 ms in userfaultfd) lands at the right
# percentile; --no-latency leaves no histogram.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 28
work=$(mktemp -d "$TOP/.latency.XXXXXX")
trap 'rm -rf "$work"' EXIT

# jq over phase $2 of every repetition of $1
phs() { jq -r --arg p "$2" "[.reps[].phases[] | select(.name == \$p)] | $3" "$1" 2>/dev/null; }

for k in old new; do
	d=$work/$k
	"$TOP/scripts/vmtest" --kernel "$k" --mem 1536 --timeout 500 \
		-- "$TOP/tests/integration/vm/latency-checks.sh" "$d" >"$work/$k.out" 2>&1
	f=$(ls "$d"/lat/*/fault-4k.json 2>/dev/null)
	p=$(ls "$d"/lat/*/prefault-4k.json 2>/dev/null)
	is "$(cat "$d/lat.rc" 2>/dev/null)" 0 "$k: fault-4k and prefault-4k run"
	[ -s "$d/lat.rc" ] || sed 's/^/#   /' "$work/$k.out" | tail -n 8
	is "$(phs "$f" fault 'map("\(.latency.count)/\(.ops)") | join(" ")')" "4096/4096 4096/4096" \
		"$k: fault-4k: the histogram's count is the phase's ops in every repetition"
	is "$(phs "$f" fault 'map(.latency | .min <= .p50 and .p50 <= .p90 and .p90 <= .p99 and .p99 <= .["p99.9"] and .["p99.9"] <= .max) | all')" \
		true "$k: fault-4k: min <= p50 <= p90 <= p99 <= p99.9 <= max"
	is "$(phs "$f" fault 'map(.latency | (.max == ([.vcpus[].max] | max)) and (.count == ([.buckets[][2]] | add) + .overflow)) | all')" \
		true "$k: fault-4k: max is the slowest vCPU's, the buckets hold every op"
	is "$(phs "$f" fault 'map(.latency | .source + " " + (.tsc_khz > 0 | tostring)) | unique | join(",")')" \
		"guest-tsc true" "$k: fault-4k: guest TSC converted at the rate KVM reports"
	is "$(phs "$p" prefault 'map("\(.latency.count)/\(.ops) \(.latency.per)") | join(" ")')" \
		"4096/4096 call 4096/4096 call" "$k: prefault-4k: one host histogram value per KVM_PRE_FAULT_MEMORY"
	t=$(ls "$d"/two/*/fault-4k.json 2>/dev/null)
	is "$(cat "$d/two.rc" 2>/dev/null):$(phs "$t" fault '.[0].latency | "\(.vcpus | length) \([.vcpus[].count] | add) \(.vcpu_spread >= 1)"')" \
		"0:2 4096 true" "$k: two vCPUs: a histogram each, 4096 ops between them, spread >= 1"
	s=$(ls "$d"/stall/*/fault-4k.json 2>/dev/null)
	is "$(cat "$d/stall.rc" 2>/dev/null):$(jq -r .test_stall "$(dirname "$s")/meta.json" 2>/dev/null)" "0:64:50000" \
		"$k: the stalled run completes and meta.json says it was stalled"
	# 64 of 4096 ops (1.56%) stalled 50 ms: p99 is one of them, p50 is not.
	st=$(jq -r '[.reps[].phases[] | select(.name == "fault")][0].latency |
		(1e6 / .tsc_khz) as $ns | "\(.p50) \(.p99) \([.buckets[] | select(.[0] * $ns >= 46.8e6) | .[2]] | add // 0)"' "$s" 2>/dev/null)
	read -r p50 p99 slow <<<"$st"
	diag "$k: stalled: p50 ${p50:-?} ns, p99 ${p99:-?} ns, ops >= 46.8 ms: ${slow:-?}"
	awk -v v="${p99:-0}" 'BEGIN { exit !(v >= 46.8e6) }'
	ok $? "$k: stalled: p99 (${p99:-?} ns) is a stalled op (>= 50 ms less a bucket)"
	awk -v v="${p50:-1e99}" 'BEGIN { exit !(v < 5e6) }'
	ok $? "$k: stalled: p50 (${p50:-?} ns) is not"
	[ "${slow:-0}" -ge 64 ] 2>/dev/null
	ok $? "$k: stalled: at least the 64 stalled ops sit at >= 46.8 ms (got ${slow:-?})"
	o=$(ls "$d"/off/*/fault-4k.json 2>/dev/null)
	is "$(cat "$d/off.rc" 2>/dev/null):$(jq -r .latency.enabled "$(dirname "$o")/meta.json" 2>/dev/null):$(phs "$o" fault 'map(has("latency")) | any')" \
		"0:false:false" "$k: --no-latency: recorded off, no histogram"
	is "$(phs "$o" fault '.[0].ops')" 4096 "$k: --no-latency: the phase still counts its ops"
	is "$(jq -r '.params.latency' "$f" 2>/dev/null)" true "$k: params record latency per scenario"
done
done_testing
