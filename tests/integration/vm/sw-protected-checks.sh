#!/usr/bin/env bash
# Runs inside scripts/vmtest on the src kernel: the private-memory
# scenarios on the sw-protected VM type, whose results sw-protected.t
# checks on the host.  $1: output folder (shared).
set -u
out=$1
sb=$(dirname "$0")/../../../build/septbench
mkdir -p "$out"

"$sb" run --vm-type sw-protected --backing gmem --mem 16M --reps 1 --quiet \
	--scenario fault-4k --scenario prefault-4k --scenario zap-punch --scenario teardown \
	--scenario zap-dontneed --out "$out/private" >"$out/private.log" 2>&1
echo $? >"$out/private.rc"

# The attribution pass: private faults go through guest_memfd.
"$sb" run --vm-type sw-protected --backing gmem --mem 16M --reps 1 --quiet --attribute \
	--scenario fault-4k --out "$out/attr" >"$out/attr.log" 2>&1
echo $? >"$out/attr.rc"

# bench/private.suite: zap-convert (the guest's MapGPA) and churn by conversion.
"$sb" run --suite "$(dirname "$0")/../../../bench/private.suite" --mem 16M --reps 1 --quiet \
	--out "$out/suite" >"$out/suite.log" 2>&1
echo $? >"$out/suite.rc"

# The KVM library on its own: the attribute probe, and a KVM_EXIT_MEMORY_FAULT reported.
"$(dirname "$0")/../../../build/tests/kvm-swp" >"$out/kvm-swp.tap" 2>&1
echo $? >"$out/kvm-swp.rc"

# What env says of the VM type.
"$sb" env --json >"$out/env.json" 2>"$out/env.err"

# The same memory on the default VM type: anonymous, shared.
"$sb" run --vm-type default --scenario fault-4k --mem 16M --reps 1 --quiet \
	--out "$out/shared" >"$out/shared.log" 2>&1
echo $? >"$out/shared.rc"
