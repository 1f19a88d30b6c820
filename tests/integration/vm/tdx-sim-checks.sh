#!/usr/bin/env bash
# Runs inside scripts/vmtest: the tdx backend's scenarios in the
# simulation (SEPTBENCH_TDX_SIM=1), whose results tdx-sim.t checks on the
# host.  $1: output folder (shared).
set -u
out=$1
sb=$(dirname "$0")/../../../build/septbench
mkdir -p "$out"

SEPTBENCH_TDX_SIM=1 "$sb" run --vm-type tdx --scenario fault-4k --scenario prefault-4k \
	--scenario zap-convert --scenario teardown --scenario zap-punch --scenario fault-2m \
	--mem 8M --reps 2 --no-counters --quiet --out "$out/sim" >"$out/sim.log" 2>"$out/sim.err"
echo $? >"$out/sim.rc"

# Per-op latency off: no histogram, no LATHIST ucalls (a missing or
# unasked-for report would fail the phase).
SEPTBENCH_TDX_SIM=1 "$sb" run --vm-type tdx --scenario fault-4k --scenario prefault-4k \
	--mem 8M --reps 1 --no-counters --no-latency --quiet --out "$out/nolat" \
	>"$out/nolat.log" 2>"$out/nolat.err"
echo $? >"$out/nolat.rc"

# Counters and the tracepoint pass on the driver and 2 vCPU threads; the
# default backend beside it, for the phase interval both define alike.
SEPTBENCH_TDX_SIM=1 "$sb" run --vm-type tdx --scenario fault-4k --vcpus 2 --mem 8M --reps 2 \
	--quiet --out "$out/ctr" >"$out/ctr.log" 2>"$out/ctr.err"
echo $? >"$out/ctr.rc"
"$sb" run --scenario fault-4k --vcpus 2 --mem 8M --reps 2 --no-counters --quiet \
	--out "$out/dflt" >"$out/dflt.log" 2>"$out/dflt.err"
echo $? >"$out/dflt.rc"

# churn: conversions back and forth on 4 vCPUs.
SEPTBENCH_TDX_SIM=1 "$sb" run --vm-type tdx --scenario churn --mem 16M --reps 1 \
	--no-counters --quiet --out "$out/churn" >"$out/churn.log" 2>"$out/churn.err"
echo $? >"$out/churn.rc"

# Ctrl-C while the simulated TD's vCPUs are in a phase.
SEPTBENCH_TDX_SIM=1 "$sb" run --vm-type tdx --scenario fault-4k --mem 64M --reps 50 \
	--no-counters --quiet --out "$out/intr" >/dev/null 2>&1 &
pid=$!
# meta.json is written when the repetitions start; each one takes seconds.
for _ in $(seq 50); do
	[ -n "$(ls "$out"/intr/*/meta.json 2>/dev/null)" ] && break
	sleep 0.2
done
sleep 2
kill -INT "$pid"
wait "$pid"
echo $? >"$out/intr.rc"
pgrep -x septbench >/dev/null && echo yes >"$out/intr.left" || echo no >"$out/intr.left"
exit 0
