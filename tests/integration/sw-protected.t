#!/usr/bin/env bash
# The sw-protected backend in the test VM on the src kernel (the one that
# offers KVM_X86_SW_PROTECTED_VM): private guest_memfd memory faulted by
# the guest and pre-faulted by the host maps one 4K page per page, a
# PUNCH_HOLE on the private guest_memfd removes them all, and the run says
# which VM type it used; zap-convert's attributes read back as converted,
# and a KVM_EXIT_MEMORY_FAULT is reported with its GPA, size and flags.
# On Debian's kernel (no sw-protected), asking for it exits 4 with the
# reason, and bench/private.suite records its scenarios unsupported.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
[ "${SEPTBENCH_SKIP_KBUILD:-0}" = 1 ] && skip_all "SEPTBENCH_SKIP_KBUILD=1: the src test kernel is not built"
"$TOP/scripts/kbuild" --test-kernel --cached >/dev/null 2>&1 ||
	skip_all "the src test kernel is not built (make test-kernel)"

plan 36
work=$(mktemp -d "$TOP/.sw-protected.XXXXXX")
trap 'rm -rf "$work"' EXIT

# jq over the named phase of repetition 0
ph() { jq -r --arg p "$2" "[.reps[0].phases[] | select(.name == \$p)][0] | $3" "$1" 2>/dev/null; }

"$TOP/scripts/vmtest" --kernel src --mem 1536 --timeout 400 \
	-- "$TOP/tests/integration/vm/sw-protected-checks.sh" "$work/src" >"$work/src.out" 2>&1
p=$(ls -d "$work"/src/private/*/ 2>/dev/null | head -n 1)
is "$(cat "$work/src/private.rc" 2>/dev/null)" 0 "src: the private-memory run exits 0"
[ -s "$work/src/private.rc" ] || sed 's/^/#   /' "$work/src.out" | tail -n 8
is "$(jq -r '.vm_type + " " + .status' "$p/meta.json" 2>/dev/null)" "sw-protected complete" \
	"src: meta.json says vm_type sw-protected, complete"
is "$(ph "$p/fault-4k.json" fault '"\(.touches) \(.ops) \(.stats.vm.pages_4k)"')" "4096 4096 4096" \
	"src: fault-4k on private memory over 4096 pages: pages_4k +4096"
is "$(jq -r '.warnings | length' "$p/fault-4k.json" 2>/dev/null)" 0 "src: fault-4k: no warnings"
is "$(ph "$p/prefault-4k.json" prefault '"\(.ops) \(.stats.vm.pages_4k)"')" "4096 4096" \
	"src: prefault-4k on private memory: 4096 calls, pages_4k +4096"
is "$(ph "$p/zap-punch.json" fault .stats.vm.pages_4k):$(ph "$p/zap-punch.json" zap '"\(.ops) \(.stats.vm.pages_4k)"')" \
	"4096:4096 -4096" "src: zap-punch on the private guest_memfd removes the 4096 mappings"
is "$(ph "$p/zap-punch.json" control .ops)" 4096 "src: zap-punch: a control punch on unmapped private memory"
is "$(jq -r '.status' "$p/teardown.json" 2>/dev/null):$(ph "$p/teardown.json" teardown 'has("ns")')" \
	"complete:true" "src: teardown of a VM with private memory completes, timed"
is "$(jq -r .status "$p/zap-dontneed.json" 2>/dev/null)" unsupported \
	"src: zap-dontneed (no userspace mapping of private memory) recorded unsupported"
jq -e '.reason | test("private memory")' "$p/zap-dontneed.json" >/dev/null 2>&1
ok $? "src: ... with its reason"
a=$(ls -d "$work"/src/attr/*/ 2>/dev/null | head -n 1)
is "$(cat "$work/src/attr.rc" 2>/dev/null):$(jq -r '[.attribution.phases[] | select(.name == "fault")][0].hooks.kvm_gmem_get_pfn.calls' "$a/fault-4k.json" 2>/dev/null)" \
	"0:4096" "src: attribution pass of fault-4k: kvm_gmem_get_pfn hit 4096 times (once per private fault)"
u=$(ls -d "$work"/src/suite/*/ 2>/dev/null | head -n 1)
is "$(cat "$work/src/suite.rc" 2>/dev/null):$(jq -r .vm_type "$u/meta.json" 2>/dev/null)" "0:sw-protected" \
	"src: bench/private.suite runs on sw-protected, exit 0"
is "$(jq -r '[.status] | .[0]' "$u"/{fault-4k,prefault-4k,zap-punch,zap-convert,teardown,churn}.json 2>/dev/null | sort -u)" \
	complete "src: private.suite: all six scenarios complete"
is "$(ph "$u/zap-convert.json" zap '"\(.map_gpa.calls) \(.map_gpa.exits_to_shared) \(.ops) \(.stats.vm.pages_4k)"')" "8 8 4096 -4096" \
	"src: zap-convert to shared: one MapGPA exit per 2 MiB range (8), pages_4k -4096"
is "$(ph "$u/zap-convert.json" to-private '"\(.map_gpa.exits_to_private) \(.map_gpa.pages) \(.stats.vm.pages_4k)"')" "8 4096 0" \
	"src: zap-convert back to private: 8 exits, 4096 pages, no mapping made"
is "$(ph "$u/zap-convert.json" zap '"\(.attributes.expected) \(.attributes.probed) \(.attributes.private)"')" "shared 8 0" \
	"src: zap-convert: after zap, the 8 probed pages (one per 2 MiB) read back shared"
is "$(ph "$u/zap-convert.json" to-private '"\(.attributes.expected) \(.attributes.probed) \(.attributes.private)"')" "private 8 8" \
	"src: zap-convert: after to-private, all 8 read back private"
is "$(jq -r '.warnings | length' "$u/zap-convert.json" 2>/dev/null)" 0 "src: zap-convert: no warnings"
is "$(jq -r '[.reps[0].phases[] | select(.name == "zap") | .stats.vm.pages_4k] | join(" ")' "$u/churn.json" 2>/dev/null)" \
	"-4096 -4096 -4096 -4096" "src: churn by conversion on 4 vCPUs: each of 4 cycles zaps 4096 mappings"
is "$(jq -r '[.reps[0].phases[] | select(.name == "zap") | .map_gpa.exits_to_shared] | join(" ")' "$u/churn.json" 2>/dev/null)" \
	"8 8 8 8" "src: churn: 8 MapGPA exits per cycle (2 ranges per vCPU slice)"
is "$(cat "$work/src/kvm-swp.rc" 2>/dev/null):$(grep -c '^ok' "$work/src/kvm-swp.tap" 2>/dev/null)" "0:8" \
	"src: kvm-swp: probe reads back private/shared, the memory fault names GPA, size and flags"
[ "$(cat "$work/src/kvm-swp.rc" 2>/dev/null)" = 0 ] || sed 's/^/#   /' "$work/src/kvm-swp.tap" 2>/dev/null | tail -n 12
grep -q "^ok 8 - the phase fails with the memory fault: .*memory fault at 0x10000 (+0x1000), flags 0x8 (private access)" \
	"$work/src/kvm-swp.tap" 2>/dev/null
ok $? "src: ... the fault's message as the run records it"
is "$(jq -r '.kvm.vm_types["sw-protected"] | "\(.ok) \(.caps.guest_memfd.ok) \(.caps.memory_attributes.private)"' "$work/src/env.json" 2>/dev/null)" \
	"true true true" "src: env lists sw-protected with guest_memfd and private memory attributes"
s=$(ls -d "$work"/src/shared/*/ 2>/dev/null | head -n 1)
is "$(jq -r .vm_type "$s/meta.json" 2>/dev/null):$(ph "$s/fault-4k.json" fault .stats.vm.pages_4k)" \
	"default:4096" "src: the same fault-4k on the default VM type: pages_4k +4096"
"$SEPTBENCH" compare "$s" "$p" --out "$work/cmp" --no-plots --format json >"$work/cmp.json" 2>"$work/cmp.err"
jq -e '[.. | objects | select((.key? // "" | tostring | test("vm_type")) and (.values? | length) == 2)] | length > 0' \
	"$work/cmp.json" >/dev/null 2>&1
r=$?
[ $r = 0 ] || { diag "compare json head:"; head -c 600 "$work/cmp.json" | sed 's/^/#   /'; }
ok $r "compare of the default and the sw-protected fault-4k runs says the VM types differ"

# Debian's kernel has no CONFIG_KVM_SW_PROTECTED_VM: one boot, three asks.
"$TOP/scripts/vmtest" --kernel new --timeout 300 -- sh -c '
	sb=$1 w=$2 top=$3
	"$sb" run --vm-type sw-protected --scenario fault-4k --backing gmem --mem 16M --reps 1 \
		--quiet --out "$w/new" >"$w/new.out" 2>&1
	echo $? >"$w/new.rc"
	"$sb" run --suite "$top/bench/private.suite" --mem 16M --reps 1 --quiet \
		--out "$w/newsuite" >"$w/newsuite.out" 2>&1
	echo $? >"$w/newsuite.rc"
	"$sb" env --json >"$w/newenv.json" 2>/dev/null
	printf "fault-4k\nfault-4k name=fault-4k-private vm-type=sw-protected backing=gmem\n" >"$w/mixed.suite"
	"$sb" run --suite "$w/mixed.suite" --mem 16M --reps 1 --quiet \
		--out "$w/newmixed" >"$w/newmixed.out" 2>&1
	echo $? >"$w/newmixed.rc"
' sh "$SEPTBENCH" "$work" "$TOP" >"$work/newvm.out" 2>&1
is "$(cat "$work/new.rc" 2>/dev/null)" 4 "new: --vm-type sw-protected exits 4"
grep -q "VM type sw-protected is not available: .*SW_PROTECTED" "$work/new.out" 2>/dev/null
ok $? "new: ... with the reason"
is "$(ls "$work/new" 2>/dev/null | wc -l)" 0 "new: ... and no results folder"
n=$(ls -d "$work"/newsuite/*/ 2>/dev/null | head -n 1)
is "$(cat "$work/newsuite.rc" 2>/dev/null):$(jq -r '.vm_type + " " + .status' "$n/meta.json" 2>/dev/null)" \
	"0:sw-protected complete" "new: bench/private.suite goes on: exit 0, a results folder"
[ -n "$n" ] || sed 's/^/#   /' "$work/newsuite.out" "$work/newvm.out" 2>/dev/null | tail -n 8
is "$(jq -r '.status' "$n"/{fault-4k,prefault-4k,zap-punch,zap-convert,teardown,churn}.json 2>/dev/null | sort | uniq -c | awk '{ print $1, $2 }')" \
	"6 unsupported" "new: private.suite: its six scenarios recorded unsupported"
is "$(jq -r '.reason' "$n"/{fault-4k,zap-convert}.json 2>/dev/null | grep -c 'VM type sw-protected is not available: not offered by this kernel')" 2 \
	"new: ... each with the reason"
jq -e '.kvm.vm_types["sw-protected"] | (.ok == false) and (.reason | test("not offered by this kernel"))' \
	"$work/newenv.json" >/dev/null 2>&1
ok $? "new: env: sw-protected not offered by this kernel"
m=$(ls -d "$work"/newmixed/*/ 2>/dev/null | head -n 1)
is "$(cat "$work/newmixed.rc" 2>/dev/null):$(jq -r .vm_type "$m/meta.json" 2>/dev/null)" "0:mixed" \
	"new: a suite of a default and a sw-protected line: exit 0, meta.json vm_type mixed"
[ -n "$m" ] || sed 's/^/#   /' "$work/newmixed.out" 2>/dev/null | tail -n 8
is "$(jq -r '"\(.status) \(.params.vm_type) \(.reps | length)"' "$m/fault-4k.json" 2>/dev/null)" "complete default 1" \
	"new: ... the default line runs"
is "$(jq -r '"\(.status) \(.params.vm_type)"' "$m/fault-4k-private.json" 2>/dev/null)" "unsupported sw-protected" \
	"new: ... the sw-protected line is recorded unsupported"
jq -e '.reason | test("VM type sw-protected is not available: not offered by this kernel")' \
	"$m/fault-4k-private.json" >/dev/null 2>&1
ok $? "new: ... with the reason"
done_testing
