#!/usr/bin/env bash
# septbench run against real KVM in the test VM, on a kernel from before
# the S-EPT hook series and one after: the KVM stats deltas equal what
# the scenario mapped, split or zapped; unsupported scenarios are recorded
# and reported; Ctrl-C leaves the host as it was.  Bad input first, on the
# host: one line, exit 2, no results folder.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 48
work=$(mktemp -d "$TOP/.run-scenarios.XXXXXX")
trap 'rm -rf "$work"' EXIT

bad()
{
	local what=$1
	shift
	run "$SEPTBENCH" run --out "$work/bad" "$@"
	is "$RC:$(lines "$ERR"):$([ -e "$work/bad" ] && echo folder || echo none)" "2:1:none" \
		"bad input, $what: exit 2, one line, no results folder"
}
bad "unknown scenario" --scenario no-such
bad "unknown backing" --scenario fault-4k --backing tmpfs
bad "unknown pattern" --scenario fault-4k --pattern zigzag
bad "size not a multiple of the page size" --scenario fault-4k --mem 12345
bad "2M backing with a size not a multiple of 2M" --scenario fault-2m --mem 5M
bad "0 vCPUs" --scenario fault-4k --vcpus 0
bad "more memory than the host has" --scenario fault-4k --mem 64T
bad "unknown option" --scenario fault-4k --colour blue
bad "nothing to run"

# jq over the timed-or-named phase of repetition 0
ph() { jq -r --arg p "$2" "[.reps[0].phases[] | select(.name == \$p)][0] | $3" "$1" 2>/dev/null; }

for k in old new; do
	d=$work/$k
	VMTEST_INFO=$work/$k.info "$TOP/scripts/vmtest" --kernel "$k" --mem 1536 --timeout 400 \
		-- "$TOP/tests/integration/vm/run-checks.sh" "$d" >"$work/$k.out" 2>&1
	rel=$(sed -n 's/^kernel_release=//p' "$work/$k.info")
	diag "$k: kernel $rel"
	s=$(ls -d "$d"/suite/*/ 2>/dev/null | head -n 1)
	is "$(cat "$d/suite.rc" 2>/dev/null)" 0 "$k: the run with one unsupported scenario exits 0"
	[ -s "$d/suite.rc" ] || sed 's/^/#   /' "$work/$k.out" | tail -n 8
	is "$(jq -r '.status + " " + (.emulated | tostring)' "$s/meta.json" 2>/dev/null)" "complete true" \
		"$k: meta.json says complete, emulated"
	grep -q "<a href=\"$(basename "$s")/\">" "$d/suite/index.html" 2>/dev/null
	ok $? "$k: the run rewrote index.html of its --out folder, linking to it"
	is "$(ph "$s/fault-4k.json" fault .stats.vm.pages_4k)" 4096 "$k: fault-4k over 4096 pages: pages_4k +4096"
	v=$(ph "$s/fault-4k.json" fault .stats.vcpu.pf_fixed)
	[ "${v:-0}" -ge 4096 ] 2>/dev/null
	ok $? "$k: fault-4k: pf_fixed >= 4096 (got $v)"
	v=$(ph "$s/fault-4k.json" fault '.stats.vcpu.exits - .stats.vcpu.pf_taken - .stats.vcpu.irq_exits')
	[ "${v:-99}" -le 2 ] 2>/dev/null
	ok $? "$k: fault-4k: no exits but the faults, host interrupts and the 2 ucalls around the loop (got $v)"
	v=$(jq '.driver_max_rss_bytes - 16 * 1048576' "$s/meta.json" 2>/dev/null)
	[ "${v:-999999999}" -lt $((32 * 1048576 + 16 * 1048576 / 1000)) ] 2>/dev/null
	ok $? "$k: the driver's own memory stays under 32 MiB + 0.1% of guest memory (got $((${v:-0} >> 10)) KiB)"
	is "$(ph "$s/fault-2m.json" fault .stats.vm.pages_2m)" 8 "$k: fault-2m over 8 ranges: pages_2m +8"
	is "$(ph "$s/split.json" split '"\(.stats.vm.pages_2m) \(.stats.vm.pages_4k)"')" "-8 4096" \
		"$k: split of 8 2M mappings: pages_2m -8, pages_4k +4096"
	is "$(ph "$s/split-clear.json" split '"\(.stats.vm.pages_2m) \(.stats.vm.pages_4k)"')" "-8 4096" \
		"$k: split-clear: KVM_CLEAR_DIRTY_LOG splits the 8 ranges"
	is "$(ph "$s/zap-dontneed.json" zap .stats.vm.pages_4k)" -4096 "$k: zap of 4096 4K mappings: pages_4k -4096"
	is "$(jq -r .status "$s/zap-convert.json" 2>/dev/null)" unsupported "$k: zap-convert recorded as unsupported"
	jq -e '.reason | length > 10' "$s/zap-convert.json" >/dev/null 2>&1
	ok $? "$k: ... with its reason"
	is "$(cat "$d/alone.rc" 2>/dev/null):$(ls "$d/alone" 2>/dev/null | wc -l)" "4:0" \
		"$k: an unsupported scenario alone: exit 4, no results folder"
	grep -q "zap-convert is unsupported here: .*private" "$d/alone.err" 2>/dev/null
	ok $? "$k: ... and the reason on stderr"
	is "$(cat "$d/intr.rc" 2>/dev/null)" 130 "$k: Ctrl-C mid-run exits 130"
	i=$(ls -d "$d"/intr/*/ 2>/dev/null | head -n 1)
	is "$(jq -r .status "$i/meta.json" 2>/dev/null)" incomplete "$k: ... the run is marked incomplete"
	is "$(cat "$d/knob.after" 2>/dev/null)" "$(cat "$d/knob.before" 2>/dev/null)" \
		"$k: ... kvm.eager_page_split is back to $(cat "$d/knob.before" 2>/dev/null)"
	is "$(cat "$d/intr.left" 2>/dev/null)" no "$k: ... and no septbench process is left"
done

# 1G pages can only be reserved at boot: one more VM for hugetlb1g.
"$TOP/scripts/vmtest" --kernel new --mem 2560 --append "hugepagesz=1G hugepages=1" --timeout 300 \
	-- "$SEPTBENCH" run --scenario fault-2m --backing hugetlb1g --mem 1G --reps 1 --quiet \
	--no-counters --out "$work/1g" >"$work/1g.log" 2>&1
g=$(ls -d "$work"/1g/*/ 2>/dev/null | head -n 1)
is "$(ph "$g/fault-2m.json" fault '"\(.touches) \(.ops) \(.stats.vm.pages_1g) \(.stats.vm.pages_2m)"')" "512 1 1 0" \
	"new: hugetlb1g backing: 512 touches map one 1G page: one op (pages_1g +1)"
done_testing
