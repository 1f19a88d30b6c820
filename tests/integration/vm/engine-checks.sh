#!/usr/bin/env bash
# Runs inside scripts/vmtest: the runs engine.t checks on the host.
# $1: output folder (shared with the host).
set -u
out=$1
sb=$(dirname "$0")/../../../build/septbench
mkdir -p "$out"
echo 16 >/proc/sys/vm/nr_hugepages
cat >"$out/order.suite" <<'EOS'
fault-4k
prefault-4k
prefault-bare
zap-dontneed
EOS
q="--mem 8M --quiet"

# Interleaved with a seed, the same seed again, and blocks.
"$sb" run --suite "$out/order.suite" --reps 3 --seed 42 $q --out "$out/a" >"$out/a.log" 2>&1
"$sb" run --suite "$out/order.suite" --reps 3 --seed 42 $q --out "$out/b" >/dev/null 2>&1
"$sb" run --suite "$out/order.suite" --reps 2 --order blocks $q --out "$out/blocks" >/dev/null 2>&1

# The harness overhead, interleaved: prefault-4k against the bare loop.
"$sb" run --scenario prefault-4k --scenario prefault-bare --reps 10 $q --out "$out/harness" \
	>"$out/harness.log" 2>&1

# Controls and KVM's share; munmap counted in every phase of teardown.
"$sb" run --scenario zap-dontneed --scenario zap-punch --scenario teardown --reps 2 $q \
	--events syscalls:sys_enter_munmap --out "$out/share" >"$out/share.log" 2>&1

# Ops measured: 4K scenarios forced onto THP, a stride, a split on 4K.
echo always >/sys/kernel/mm/transparent_hugepage/enabled
"$sb" run --scenario fault-4k --backing thp --reps 1 $q --out "$out/thp" >/dev/null 2>&1
"$sb" run --scenario fault-4k --scenario zap-dontneed --pattern stride:4 --reps 1 $q \
	--out "$out/stride" >/dev/null 2>&1
# PMD-sized THP off while THP stays on: the thp backing falls back to 4K.
echo never >/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled
"$sb" run --scenario split --backing thp --reps 1 $q --out "$out/split4k" >/dev/null 2>&1
echo inherit >/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled
"$sb" run --scenario split-lazy --scenario churn --scenario churn-concurrent --reps 1 $q \
	--out "$out/kinds" >/dev/null 2>&1
echo $? >"$out/kinds.rc"
exit 0
