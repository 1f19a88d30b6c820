#!/usr/bin/env bash
# The TD payload's boot stub and accept/convert flow (guest/td), run by
# build/tests/td-stub in a default VM started in a TD's entry state, on
# real KVM in the test VM (newest kernel).  Its TAP is passed through.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
[ -x "$TOP/build/tests/td-stub" ] || skip_all "build/tests/td-stub not built (make)"

exec "$TOP/scripts/vmtest" --kernel new --timeout 120 -- "$TOP/build/tests/td-stub"
