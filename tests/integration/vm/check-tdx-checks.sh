#!/usr/bin/env bash
# Runs inside scripts/vmtest: septbench check tdx in the simulation (with
# a bundle) and without it (no TDX here: exit 4); check-tdx.t reads the
# outputs on the host.  $1: output folder (shared).
set -u
out=$1
sb=$(dirname "$0")/../../../build/septbench
mkdir -p "$out"

SEPTBENCH_TDX_SIM=1 "$sb" check tdx --out "$out/sim" --bundle "$out/sim.tar.gz" \
	>"$out/sim.out" 2>"$out/sim.err"
echo $? >"$out/sim.rc"

"$sb" check tdx --out "$out/real" >"$out/real.out" 2>"$out/real.err"
echo $? >"$out/real.rc"
"$sb" env --json >"$out/env.json" 2>/dev/null
ls /sys/kernel/tracing/instances >"$out/instances.after" 2>/dev/null
exit 0
