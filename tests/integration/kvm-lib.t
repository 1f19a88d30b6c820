#!/usr/bin/env bash
# The KVM library's own TAP programs (tests/kvm), run against real KVM in
# the test VM on the newest kernel: KVM's counters agree with the pages the
# guest touched, phases can follow each other on one VM, guest errors
# come back as messages, and a guest built with sept-emu's shared GPA bit
# reaches its code, tables and ucall blocks only at GPA | bit.  prove reads their TAP through vmtest.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
[ -x "$TOP/build/tests/kvm-smoke" ] || { echo "1..1"; echo "not ok 1 - build/tests/kvm-smoke is not built"; exit 1; }

# One VM boot for both programs; their own TAP is shown when they fail.
exec "$TOP/scripts/vmtest" --kernel new --timeout 300 -- sh -c '
	echo 16 >/proc/sys/vm/nr_hugepages
	echo "1..1"
	log=$(mktemp)
	if prove -v --exec "" "$1/build/tests/kvm-smoke" "$1/build/tests/kvm-phases" \
		"$1/build/tests/kvm-shared-bit" >"$log" 2>&1; then
		echo "ok 1 - kvm-smoke, kvm-phases and kvm-shared-bit pass in the VM"
	else
		echo "not ok 1 - kvm-smoke, kvm-phases and kvm-shared-bit pass in the VM"
		sed "s/^/# /" "$log"
	fi
' sh "$TOP"
