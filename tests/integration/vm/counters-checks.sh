#!/usr/bin/env bash
# Runs inside scripts/vmtest: the counter and attribution runs whose
# results counters.t checks on the host.  $1: output folder (shared).
set -u
out=$1
sb=$(dirname "$0")/../../../build/septbench
T=/sys/kernel/tracing
mkdir -p "$out"

# "yes" when tracefs holds nothing of septbench's.
clean()
{
	if grep -qs septbench "$T/dynamic_events" "$T/kprobe_events" "$T/synthetic_events" ||
	   ls "$T/instances" | grep -q septbench; then
		echo no
		cat "$T/dynamic_events"; ls "$T/instances"
	else
		echo yes
	fi
}

# fault-4k over 2048 pages, counters and attribution.
"$sb" run --scenario fault-4k --mem 8M --reps 2 --attribute --quiet --out "$out/ok" \
	>"$out/ok.log" 2>&1
echo $? >"$out/ok.rc"
clean >"$out/ok.clean"

# An error while the probes are in place.
SEPTBENCH_INJECT_ERROR=attribution "$sb" run --scenario fault-4k --mem 4M --reps 1 --attribute \
	--quiet --out "$out/fail" >"$out/fail.log" 2>&1
echo $? >"$out/fail.rc"
clean >"$out/fail.clean"

# Ctrl-C in the attribution pass.
"$sb" run --scenario fault-4k --mem 128M --reps 1 --attribute --quiet --out "$out/intr" \
	>"$out/intr.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
	ls "$T/instances" 2>/dev/null | grep -q septbench && break
	sleep 0.1
done
ls "$T/instances" | grep -q septbench && echo yes >"$out/intr.seen" || echo no >"$out/intr.seen"
sleep 0.5
kill -INT "$pid"
wait "$pid"
echo $? >"$out/intr.rc"
clean >"$out/intr.clean"

# A killed run's leftovers (a pid that does not exist) go at the next start.
dead=4000000
mkdir "$T/instances/septbench-$dead"
echo "p:septbench_$dead/e_0 kvm_tdp_mmu_map" >>"$T/kprobe_events"
echo "r:septbench_$dead/r_0 kvm_tdp_mmu_map" >>"$T/kprobe_events"
echo "septbench_${dead}_0 u64 lat" >>"$T/synthetic_events"
echo 'hist:keys=common_pid:ts0=common_timestamp' \
	>>"$T/instances/septbench-$dead/events/septbench_$dead/e_0/trigger"
echo "hist:keys=common_pid:lat=common_timestamp-\$ts0:onmatch(septbench_$dead.e_0).trace(septbench_${dead}_0,\$lat)" \
	>>"$T/instances/septbench-$dead/events/septbench_$dead/r_0/trigger"
echo 'hist:keys=lat.log2' >>"$T/instances/septbench-$dead/events/synthetic/septbench_${dead}_0/trigger"
clean >"$out/stale.before"
"$sb" run --scenario fault-4k --mem 4M --reps 1 --quiet --out "$out/stale" >/dev/null 2>"$out/stale.err"
echo $? >"$out/stale.rc"
clean >"$out/stale.clean"

# An unknown tracepoint: one line, exit 2, nothing created.
"$sb" run --scenario fault-4k --events kvm:no_such_event --quiet --out "$out/bad" \
	>/dev/null 2>"$out/bad.err"
echo $? >"$out/bad.rc"
exit 0
