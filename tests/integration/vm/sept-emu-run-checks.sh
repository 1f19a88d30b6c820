#!/usr/bin/env bash
# Runs inside scripts/vmtest on the src kernel: septbench's sept-emu
# backend on the emulated S-EPT; sept-emu.t checks the results on the
# host.  $1: output folder (shared).
set -u
out=$1
top=$(dirname "$0")/../../..
sb=$top/build/septbench
p=/sys/module/kvm_amd/parameters
mkdir -p "$out"
run() { local name=$1; shift; "$sb" run --vm-type sept-emu --quiet --out "$out/$name" "$@" >"$out/$name.log" 2>&1; echo $? >"$out/$name.rc"; }

# The TD scenarios, 16 MiB (4096 pages), as bench/sept-emu.suite lists them.
"$sb" run --suite "$top/bench/sept-emu.suite" --mem 16M --reps 1 --quiet --out "$out/suite" \
	>"$out/suite.log" 2>&1
echo $? >"$out/suite.rc"
# An injected -EBUSY every 5th ADD/AUG: KVM retries, the figures' counts stay.
run busy --mem 16M --reps 1 --scenario fault-4k --scenario zap-punch --sept-busy-every 5
cat "$p/sept_emu_busy_every" >"$out/busy_after" 2>&1
# The attribution pass sees the emulated hooks.
run attr --mem 16M --reps 1 --scenario fault-4k --attribute
# A per-AUG busy-wait of D ns against none (the delay is a run-wide knob):
# runs in the order d0 d1 d1 d0, so that a drift of the host's load
# falls on both: fault-4k's ns/op grows by about D.
run d0a --mem 8M --reps 3 --scenario fault-4k
run d1a --mem 8M --reps 3 --scenario fault-4k --sept-delay aug=100000
run d1b --mem 8M --reps 3 --scenario fault-4k --sept-delay aug=100000
run d0b --mem 8M --reps 3 --scenario fault-4k
cat "$p/sept_emu_delay_aug_ns" >"$out/delay_after" 2>&1
for f in sept_emu_vms_checked sept_emu_vms_failed; do
	printf '%s=%s\n' "$f" "$(cat "$p/$f" 2>&1)"
done >"$out/params"
dmesg >"$out/dmesg" 2>&1
sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats >"$out/debug_locks" 2>&1
