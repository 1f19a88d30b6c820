#!/usr/bin/env bash
# The sept-emu backend in the test VM on the src kernel (the emulated
# S-EPT of bench/kernel/patches): over N = 4096 pages, fault-4k makes N
# emulated AUGs (VM stats and the attribution pass), pages_4k +N and the
# guest reads its private data back with the right checksum; zap-punch N
# BLOCK, TRACK and REMOVE; zap-convert one exit per 2 MiB each way and N
# removes; teardown reclaims every table; conservation holds after every
# scenario; -EBUSY every 5th ADD/AUG leaves the counts and counts the
# retries; a per-AUG delay of D ns makes fault-4k's ns/op grow by about D
# (the slope is printed); no lockdep or KVM_PROVE_MMU report in the log.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/kernel-splat.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
[ "${SEPTBENCH_SKIP_KBUILD:-0}" = 1 ] && skip_all "SEPTBENCH_SKIP_KBUILD=1: the src test kernel is not built"
"$TOP/scripts/kbuild" --test-kernel --cached >/dev/null 2>&1 ||
	skip_all "the src test kernel is not built (make test-kernel)"

plan 29
work=$(mktemp -d "$TOP/.sept-emu.XXXXXX")
trap 'rm -rf "$work"' EXIT
o=$work/out
N=4096

"$TOP/scripts/vmtest" --kernel src --mem 1536 --timeout 1200 \
	-- "$TOP/tests/integration/vm/sept-emu-run-checks.sh" "$o" >"$work/vm.out" 2>&1
[ -s "$o/suite.rc" ] || sed 's/^/#   /' "$work/vm.out" | tail -n 12

# jq over the named phase of repetition 0
ph() { jq -r --arg p "$2" "[.reps[0].phases[] | select(.name == \$p)][0] | $3" "$1" 2>/dev/null; }
dir() { ls -d "$o/$1"/*/ 2>/dev/null | head -n 1; }

u=$(dir suite)
is "$(cat "$o/suite.rc" 2>/dev/null):$(jq -r '.vm_type + " " + .status' "$u/meta.json" 2>/dev/null)" \
	"0:sept-emu complete" "bench/sept-emu.suite on src: exit 0, vm_type sept-emu, complete"
[ "$(cat "$o/suite.rc" 2>/dev/null)" = 0 ] || sed 's/^/#   /' "$o/suite.log" 2>/dev/null | tail -n 8
is "$(jq -r '"\(.sept_emu.emulated) \(.sept_emu.shared_bit) \(.sept_emu.delays_ns.aug) \(.sept_emu.busy_every)"' "$u/meta.json" 2>/dev/null)" \
	"true 39 0 0" "meta.json sept_emu: emulated, shared bit 39, no delay, no -EBUSY"
"$TOP/tests/lib/validate-results" --quiet "$u" >"$work/validate.out" 2>&1
r=$?
[ $r = 0 ] || sed 's/^/#   /' "$work/validate.out" | head -n 8
ok $r "sept-emu.suite's results validate against results/schema.json"
is "$(jq -r '[.status] | .[0]' "$u"/{fault-4k,prefault-4k,zap-punch,zap-convert,teardown,churn}.json 2>/dev/null | sort -u)" \
	complete "sept-emu.suite: all six scenarios complete"
for s in fault-4k prefault-4k zap-punch zap-convert teardown churn; do
	w=$(jq -r '.warnings // [] | length' "$u/$s.json" 2>/dev/null)
	[ "$w" = 0 ] || jq -r '.warnings[]' "$u/$s.json" 2>/dev/null | sed "s/^/#   $s: /"
done

f=$u/fault-4k.json
is "$(ph "$f" fault '"\(.touches) \(.ops) \(.stats.vm.pages_4k) \(.stats.vm.sept_emu_aug)"')" "$N $N $N $N" \
	"fault-4k over $N pages: $N touches, ops $N, pages_4k +$N, $N emulated AUGs"
add=$(ph "$f" fault .stats.vm.sept_emu_add)
[ -n "$add" ] && [ "$add" -ge 1 ] && [ "$add" -le 16 ] 2>/dev/null
ok $? "fault-4k: ADDs for the new tables only ($add)"
is "$(ph "$f" verify '"\(.checksum.ok) \(.ops)"')" "true $N" \
	"fault-4k: the guest reads its $N private pages back, checksum right"
is "$(ph "$f" fault '.stats.vm.sept_emu_remove')" 0 "fault-4k: no REMOVE while faulting"

is "$(ph "$u/prefault-4k.json" prefault '"\(.ops) \(.stats.vm.pages_4k) \(.stats.vm.sept_emu_aug)"')" "$N $N $N" \
	"prefault-4k: $N calls, pages_4k +$N, $N AUGs"

z=$u/zap-punch.json
is "$(ph "$z" zap '"\(.ops) \(.stats.vm.sept_emu_block) \(.stats.vm.sept_emu_track) \(.stats.vm.sept_emu_remove)"')" \
	"$N $N $N $N" "zap-punch: $N mappings removed: $N BLOCK, $N TRACK, $N REMOVE"
is "$(ph "$z" control .ops)" "$N" "zap-punch: a control punch of unmapped private memory"

c=$u/zap-convert.json
is "$(ph "$c" zap '"\(.map_gpa.exits_to_shared) \(.ops) \(.stats.vm.sept_emu_remove)"')" "8 $N $N" \
	"zap-convert to shared: one port I/O MapGPA exit per 2 MiB (8), $N removed, $N REMOVE"
is "$(ph "$c" to-private '"\(.map_gpa.exits_to_private) \(.map_gpa.pages) \(.stats.vm.sept_emu_aug)"')" "8 $N 0" \
	"zap-convert back to private: 8 exits, $N pages, no AUG (nothing touched)"

t=$u/teardown.json
tr=$(ph "$t" teardown '"\(.sept_emu.add) \(.sept_emu.reclaim) \(.sept_emu.left) \(.sept_emu.conservation) \(.stats.vm.sept_emu_remove)"')
set -- $tr
[ "$#" = 5 ] && [ "$1" = "$2" ] && [ "$1" -ge 1 ] && [ "$3" = 0 ] && [ "$4" = true ] && [ "$5" -ge "$N" ] 2>/dev/null
ok $? "teardown: every table reclaimed (ADD $1 = RECLAIM $2), nothing left, $N+ REMOVEs in the window ($5)"
is "$(ph "$t" teardown '.stats.vm.sept_emu_reclaim')" "$2" "teardown: the RECLAIMs all fall in the timed window"
is "$(jq -r '[.reps[].phases[] | select(.sept_emu) | .sept_emu.conservation] | unique | join(",")' \
	"$u"/{fault-4k,prefault-4k,zap-punch,zap-convert,teardown,churn}.json 2>/dev/null | sort -u | tr '\n' ' ')" \
	"true " "conservation holds after every scenario (every teardown and destroy)"
is "$(jq -r '[.reps[0].phases[] | select(.name == "zap") | .stats.vm.sept_emu_remove] | join(" ")' "$u/churn.json" 2>/dev/null)" \
	"$N $N $N $N" "churn on 4 vCPUs: each of 4 conversion cycles makes $N REMOVEs"

b=$(dir busy)
is "$(cat "$o/busy.rc" 2>/dev/null):$(jq -r .sept_emu.busy_every "$b/meta.json" 2>/dev/null)" "0:5" \
	"--sept-busy-every 5: exit 0, recorded in meta.json"
bf=$(ph "$b/fault-4k.json" fault '"\(.ops) \(.stats.vm.sept_emu_aug) \(.stats.vm.sept_emu_busy)"')
set -- $bf
[ "$#" = 3 ] && [ "$1" = "$N" ] && [ "$2" = "$N" ] && [ "$3" -ge $((N / 5 - 8)) ] 2>/dev/null
ok $? "busy_every 5: fault-4k ops $1 and AUGs $2 unchanged, $3 injected -EBUSY retried"
is "$(ph "$b/fault-4k.json" verify .checksum.ok)" true "busy_every 5: the checksum is still right"
is "$(ph "$b/zap-punch.json" zap '"\(.ops) \(.stats.vm.sept_emu_remove)"')" "$N $N" \
	"busy_every 5: zap-punch removes the $N pages"
is "$(cat "$o/busy_after" 2>/dev/null)" 0 "sept_emu_busy_every restored to 0 after the run"

a=$(dir attr)
is "$(cat "$o/attr.rc" 2>/dev/null):$(jq -r '[.attribution.phases[] | select(.name == "fault")][0].hooks.sept_emu_set_external_spte.calls >= 4096' "$a/fault-4k.json" 2>/dev/null)" \
	"0:true" "attribution: sept_emu_set_external_spte hit once per AUG at least, in the fault phase"
jq -r '[.attribution.phases[] | select(.name == "fault")][0].hooks | to_entries[] | "\(.key) \(.value.calls)"' \
	"$a/fault-4k.json" 2>/dev/null | sed 's/^/# hook /'

# ns/op of fault-4k: every repetition's, then the median over both runs
nsop() { jq -r '.reps[].phases[] | select(.name == "fault") | .ns / .ops' "$@" 2>/dev/null; }
med() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int(NR / 2) + 1] }'; }
fj() { ls "$o/$1"/*/fault-4k.json 2>/dev/null | head -n 1; }
m0=$(nsop "$(fj d0a)" "$(fj d0b)" | med)
m1=$(nsop "$(fj d1a)" "$(fj d1b)" | med)
is "$(cat "$o"/d0a.rc "$o"/d1a.rc "$o"/d1b.rc "$o"/d0b.rc 2>/dev/null | tr '\n' ' ')" "0 0 0 0 " \
	"fault-4k without, with, with and without --sept-delay aug=100000: exit 0"
is "$(jq -r .sept_emu.delays_ns.aug "$(dirname "$(fj d1a)")/meta.json" 2>/dev/null):$(cat "$o/delay_after" 2>/dev/null)" "100000:0" \
	"the delay is recorded in meta.json and the knob restored to 0"
slope=$(awk -v a="$m0" -v b="$m1" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", (b - a) / 100000 }')
diag "fault-4k ns/op: $m0 without, $m1 with aug=100000 ns: slope $slope ns per ns of AUG delay"
# About 1 on an idle host; under TCG on a loaded host about 1 / the vCPU
# thread's share of a host CPU (a spin, like work, waits for the CPU it
# burns: 1.7 and 1.9 with a load average near 8 on 2 cores, once 6.5;
# see bench/kernel/README.md).  make test runs two VMs on two cores: the
# band fails when the delay is not applied (~0), shorter than asked, or
# five times what it should be.
awk -v s="$slope" 'BEGIN { exit !(s != "" && s > 0.7 && s < 5) }'
ok $? "fault-4k's ns/op grows with the AUG delay (slope $slope, 0.7..5; 1 on an idle host)"

is "$(sed -n 's/^sept_emu_vms_failed=//p' "$o/params" 2>/dev/null)" 0 "kvm_amd: no VM failed its conservation check"
no_splat "$o/dmesg" "dmesg: no lockdep, KVM_PROVE_MMU, WARN or BUG report"
is "$(cat "$o/debug_locks" 2>/dev/null)" 1 "lockdep still on (debug_locks 1)"
done_testing
