#!/usr/bin/env bash
# Runs inside scripts/vmtest: the scenario runs whose results
# run-scenarios.t checks on the host.  $1: output folder (shared).
set -u
out=$1
sb=$(dirname "$0")/../../../build/septbench
mkdir -p "$out"

# 2M scenarios need a hugetlb pool in the VM's kernel.
echo 40 >/proc/sys/vm/nr_hugepages

"$sb" run --scenario fault-4k --scenario fault-2m --scenario split --scenario split-clear --scenario zap-dontneed \
	--scenario zap-convert --mem 16M --reps 1 --quiet --out "$out/suite" >"$out/suite.log" 2>&1
echo $? >"$out/suite.rc"

"$sb" run --scenario zap-convert --quiet --out "$out/alone" >/dev/null 2>"$out/alone.err"
echo $? >"$out/alone.rc"

# Ctrl-C in the middle of a lazy split, which sets kvm.eager_page_split=N.
cat /sys/module/kvm/parameters/eager_page_split >"$out/knob.before"
"$sb" run --scenario split-lazy --mem 64M --reps 50 --quiet --out "$out/intr" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ -n "$(ls "$out"/intr/*/split-lazy.json 2>/dev/null)" ] && break
	grep -qs N /sys/module/kvm/parameters/eager_page_split && break
	sleep 0.1
done
sleep 0.5
kill -INT "$pid"
wait "$pid"
echo $? >"$out/intr.rc"
cat /sys/module/kvm/parameters/eager_page_split >"$out/knob.after"
pgrep -x septbench >/dev/null && echo yes >"$out/intr.left" || echo no >"$out/intr.left"
exit 0
