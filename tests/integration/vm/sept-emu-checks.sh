#!/usr/bin/env bash
# Runs inside scripts/vmtest on the src kernel: the emulated S-EPT
# (sept-emu VM type) driven by tests/kvm/sept_emu.c, plainly and with an
# injected -EBUSY every 5th ADD/AUG; then kvm_amd's results and the
# kernel log, which sept-emu-kernel.t checks on the host.  $1: output folder.
set -u
out=$1
top=$(dirname "$0")/../../..
p=/sys/module/kvm_amd/parameters
mkdir -p "$out"

cat /proc/cmdline >"$out/cmdline"
cat "$p/sept_emu_shared_bit" >"$out/shared_bit" 2>&1
"$top/build/tests/sept-emu-check" >"$out/run0.tap" 2>&1
echo $? >"$out/run0.rc"
"$top/build/tests/sept-emu-check" -b 5 >"$out/run5.tap" 2>&1
echo $? >"$out/run5.rc"
for f in sept_emu_vms_checked sept_emu_vms_failed sept_emu_last sept_emu_busy_every; do
	printf '%s=%s\n' "$f" "$(cat "$p/$f" 2>&1)"
done >"$out/params"
dmesg >"$out/dmesg" 2>&1
# lockdep turns itself off (debug_locks 0) after its first report.
sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats >"$out/debug_locks" 2>&1
