#!/usr/bin/env bash
# Runs inside scripts/vmtest: the runs whose per-op latency histograms
# latency.t checks on the host.  $1: output folder (shared).
set -u
out=$1
sb=$(dirname "$0")/../../../build/septbench
mkdir -p "$out"

"$sb" run --scenario fault-4k --scenario prefault-4k --mem 16M --reps 2 --quiet \
	--out "$out/lat" >"$out/lat.log" 2>&1
echo $? >"$out/lat.rc"

# Two vCPUs: per-vCPU histograms and their spread.
"$sb" run --scenario fault-4k --mem 16M --vcpus 2 --reps 1 --quiet \
	--out "$out/two" >"$out/two.log" 2>&1
echo $? >"$out/two.rc"

# A known slow subset: every 64th page's first touch waits 50 ms in a
# userfaultfd handler.
SEPTBENCH_TEST_STALL=64:50000 "$sb" run --scenario fault-4k --mem 16M --reps 1 \
	--populate none --quiet --out "$out/stall" >"$out/stall.log" 2>&1
echo $? >"$out/stall.rc"

"$sb" run --scenario fault-4k --mem 16M --reps 1 --no-latency --quiet \
	--out "$out/off" >"$out/off.log" 2>&1
echo $? >"$out/off.rc"
exit 0
