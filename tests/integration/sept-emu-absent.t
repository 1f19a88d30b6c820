#!/usr/bin/env bash
# sept-emu on a kernel without the emulated S-EPT (Debian's, in the test
# VM): --vm-type sept-emu exits 4 naming the kernel to build and how, with
# no results folder; bench/sept-emu.suite goes on and records each of its
# scenarios unsupported with that reason.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
plan 8
work=$(mktemp -d "$TOP/.sept-emu-absent.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$TOP/scripts/vmtest" --kernel new --timeout 300 -- sh -c '
	"$1" run --vm-type sept-emu --scenario fault-4k --mem 16M --reps 1 --quiet --out "$2/one" >"$2/one.out" 2>&1
	echo $? >"$2/one.rc"
	"$1" run --suite "$3" --mem 16M --reps 1 --quiet --out "$2/suite" >"$2/suite.out" 2>&1
	echo $? >"$2/suite.rc"' sh "$SEPTBENCH" "$work" "$TOP/bench/sept-emu.suite" >"$work/vm.out" 2>&1
[ -s "$work/one.rc" ] || sed 's/^/#   /' "$work/vm.out" | tail -n 8

is "$(cat "$work/one.rc" 2>/dev/null)" 4 "new: --vm-type sept-emu exits 4"
grep -q "VM type sept-emu is not available: .*make test-kernel.*scripts/kbuild --emulate-sept" "$work/one.out" 2>/dev/null
ok $? "new: ... naming the kernel to build and how (make test-kernel, scripts/kbuild --emulate-sept)"
is "$(ls "$work/one" 2>/dev/null | wc -l)" 0 "new: ... and no results folder"
u=$(ls -d "$work"/suite/*/ 2>/dev/null | head -n 1)
is "$(cat "$work/suite.rc" 2>/dev/null):$(jq -r .vm_type "$u/meta.json" 2>/dev/null)" "0:sept-emu" \
	"new: bench/sept-emu.suite goes on (exit 0), vm_type sept-emu"
is "$(jq -r .status "$u"/{fault-4k,prefault-4k,zap-punch,zap-convert,teardown,churn}.json 2>/dev/null | sort | uniq -c | awk '{print $1, $2}')" \
	"6 unsupported" "new: all six scenarios recorded unsupported"
jq -e '.reason | test("sept-emu is not available") and test("make test-kernel")' "$u/zap-convert.json" >/dev/null 2>&1
ok $? "new: ... with the reason and the kernel to build"
is "$(jq -r 'has("sept_emu")' "$u/meta.json" 2>/dev/null)" false "new: meta.json records no emulation that did not run"
"$TOP/tests/lib/validate-results" --quiet "$u" >"$work/validate.out" 2>&1
r=$?
[ $r = 0 ] || sed 's/^/#   /' "$work/validate.out" | head -n 8
ok $r "new: the suite's results validate against results/schema.json"
done_testing
