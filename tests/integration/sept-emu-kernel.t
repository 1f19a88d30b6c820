#!/usr/bin/env bash
# The src kernel's emulated S-EPT (bench/kernel/patches/sept-emu-7.2.patch,
# bench/kernel/README.md) in the test VM, with no septbench backend: the
# sept-emu VM type is offered (4-level NPT: vmtest boots src with
# no5lvl); a host-driven pre-fault of 2 MiB private, a punch of 0.5 MiB,
# a conversion of 0.5 MiB to shared, a second pre-fault and the close
# give ADD 3, AUG 640, BLOCK/TRACK/REMOVE 640, RECLAIM 3 with the
# conservation checks holding, in the VM's stats, in sept_emu_last and in
# dmesg; the VM type refuses SMM and nested SVM; the same with -EBUSY injected every 5th ADD/AUG, the retries
# counted; and no lockdep, KVM_PROVE_MMU, WARN or BUG report in the log.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/kernel-splat.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
[ "${SEPTBENCH_SKIP_KBUILD:-0}" = 1 ] && skip_all "SEPTBENCH_SKIP_KBUILD=1: the src test kernel is not built"
"$TOP/scripts/kbuild" --test-kernel --cached >/dev/null 2>&1 ||
	skip_all "the src test kernel is not built (make test-kernel)"
[ -x "$TOP/build/tests/sept-emu-check" ] || skip_all "build/tests/sept-emu-check not built (make all)"

plan 12
work=$(mktemp -d "$TOP/.sept-emu-kernel.XXXXXX")
trap 'rm -rf "$work"' EXIT
o=$work/out

"$TOP/scripts/vmtest" --kernel src --cpus 1 --mem 1024 --timeout 400 \
	-- "$TOP/tests/integration/vm/sept-emu-checks.sh" "$o" >"$work/vm.out" 2>&1
[ -s "$o/run0.rc" ] || sed 's/^/#   /' "$work/vm.out" | tail -n 8

grep -qw no5lvl "$o/cmdline" 2>/dev/null
ok $? "vmtest boots src with no5lvl (4-level NPT under -cpu max)"
is "$(cat "$o/shared_bit" 2>/dev/null)" 39 "kvm_amd sept_emu_shared_bit is 39 (40 physical bits)"
grep -q 'kvm_amd: sept-emu: test-only VM type 31 offered, shared bit 39' "$o/dmesg" 2>/dev/null
ok $? "dmesg: the test-only VM type 31 is offered"

# Each run is a TAP stream of its own (tests/kvm/sept_emu.c).
inner()
{
	local name=$1 what=$2 rc
	rc=$(cat "$o/$name.rc" 2>/dev/null)
	[ "$rc" = 0 ] || sed 's/^/#   /' "$o/$name.tap" 2>/dev/null
	is "$rc:$(grep -c '^ok ' "$o/$name.tap" 2>/dev/null)" "0:12" "$what"
}
inner run0 "sept-emu-check: type offered; no SMM, no nested SVM; counts after pre-fault, punch, convert, pre-fault; sept_emu_last at close"
line='kvm_amd: sept-emu: add=3 aug=640 block=640 track=640 remove=640 reclaim=3'
grep -q "$line busy=0 left=0 conservation ok" "$o/dmesg" 2>/dev/null
ok $? "dmesg: add=3 aug=640 block=640 track=640 remove=640 reclaim=3 busy=0, conservation ok"

inner run5 "sept-emu-check -b 5: the same counts, 160 injected -EBUSY retried"
grep -q "$line busy=160 left=0 conservation ok" "$o/dmesg" 2>/dev/null
ok $? "dmesg: busy_every=5: the same counts, busy=160, conservation ok"
grep 'sept-emu: add=' "$o/dmesg" 2>/dev/null | sed 's/^/# /'

is "$(sed -n 's/^sept_emu_vms_checked=//p' "$o/params" 2>/dev/null):$(sed -n 's/^sept_emu_vms_failed=//p' "$o/params" 2>/dev/null)" \
	"2:0" "kvm_amd: sept_emu_vms_checked 2, sept_emu_vms_failed 0"
is "$(sed -n 's/^sept_emu_busy_every=//p' "$o/params" 2>/dev/null)" 0 "sept_emu_busy_every set back to 0"

# Lockdep, KVM_PROVE_MMU (KVM_MMU_WARN_ON is a WARN), KVM_BUG_ON (a WARN), BUG.
no_splat "$o/dmesg" "dmesg: no lockdep, KVM_PROVE_MMU, WARN or BUG report"
is "$(cat "$o/debug_locks" 2>/dev/null)" 1 "lockdep still on (debug_locks 1)"
kdir=$(sed -n 's/^dir=//p' <<<"$("$TOP/scripts/kbuild" --test-kernel --cached --print-paths 2>/dev/null)")
is "$(grep -cE '^CONFIG_(PROVE_LOCKING|KVM_PROVE_MMU)=y$' "$kdir/config" 2>/dev/null)" 2 \
	"the src kernel has PROVE_LOCKING and KVM_PROVE_MMU, so the checks above can see a report"
done_testing
