#!/usr/bin/env bash
# scripts/vmtest end to end: real Debian kernels in QEMU, status
# propagation, the read-write share, KVM inside the guest, bad input.
# About 40 s with a warm kernel cache.
set -u
# shellcheck disable=SC1091 # tests/lib/tap.sh, found at run time
. "$(dirname "$0")/../lib/tap.sh"

VMTEST=$TOP/scripts/vmtest

command -v qemu-system-x86_64 >/dev/null ||
	skip_all "qemu-system-x86_64 not installed (make deps installs it)"

plan 17

work=$(mktemp -d "$TOP/.vmtest-basic.XXXXXX")
trap 'rm -rf "$work"' EXIT
info=$work/info

field() { sed -n "s/^$1=//p" "$info"; }

# new kernel: release 7.2 or later, status, VMTEST_INFO
VMTEST_INFO=$info run "$VMTEST" --kernel new -- sh -c 'uname -r; exit 3'
is "$RC" 3 "new kernel: exit status 3 propagates"
printf '%s\n' "$OUT" | grep -qE '^(7\.([2-9]|[1-9][0-9])|([89]|[1-9][0-9])\.[0-9]+)\.'
ok $? "new kernel: uname -r is 7.2 or later (got '$OUT')"
is "$(field kernel_release)" "$OUT" "new kernel: VMTEST_INFO kernel_release matches uname -r"
printf '%s\n' "$ERR" | grep -q "^vmtest: kernel .*$(field kernel_version)"
ok $? "new kernel: package and version named on stderr"
case "$(field accel)" in tcg | kvm) r=0 ;; *) r=1 ;; esac
ok $r "VMTEST_INFO accel is tcg or kvm (got '$(field accel)')"

# old kernel
VMTEST_INFO=$info run "$VMTEST" --kernel old -- sh -c 'uname -r; exit 5'
is "$RC" 5 "old kernel: exit status 5 propagates"
printf '%s\n' "$OUT" | grep -qE '^6\.'
ok $? "old kernel: uname -r is a 6.x release (got '$OUT')"
is "$(field kernel_release)" "$OUT" "old kernel: VMTEST_INFO kernel_release matches uname -r"

# the share is read-write and the command runs in the caller's cwd;
# arguments keep spaces and quotes; stdout and stderr stay apart
cd "$work" || exit 1
# shellcheck disable=SC2016 # $HOME must reach the guest unexpanded
run "$VMTEST" -- sh -c 'pwd; printf "%s|" "$@" >written; echo to-stderr >&2' \
	sh 'a b' "it's" '$HOME' ''
cd "$TOP" || exit 1
is "$RC" 0 "write in share: exit 0"
is "$(cat "$work/written" 2>/dev/null)" "a b|it's|\$HOME||" \
	"file written in the guest appears on the host, arguments intact"
is "$OUT" "$work" "command runs in the caller's cwd"
printf '%s\n' "$ERR" | grep -qx to-stderr && ! printf '%s\n' "$OUT" | grep -q to-stderr
ok $? "command's stderr reaches stderr only"

# /dev/kvm inside: KVM_GET_API_VERSION and KVM_CREATE_VM
cat >"$work/kvm.py" <<'EOF'
import fcntl, os
fd = os.open("/dev/kvm", os.O_RDWR)
print("api", fcntl.ioctl(fd, 0xAE00))		# KVM_GET_API_VERSION
vm = fcntl.ioctl(fd, 0xAE01, 0)			# KVM_CREATE_VM
vcpu = fcntl.ioctl(vm, 0xAE41, 0)		# KVM_CREATE_VCPU
print("vm", vm > 0, "vcpu", vcpu > 0)
EOF
run "$VMTEST" -- python3 "$work/kvm.py"
is "$OUT" "api 12
vm True vcpu True" "/dev/kvm usable in the guest (API 12, VM and vCPU created)"
[ "$RC" -eq 0 ] || diag "$ERR"

# timeout
run "$VMTEST" --timeout 2 -- sleep 60
is "$RC" 124 "timeout gives exit 124"

# bad input: one line on stderr, exit 2, no boot
run "$VMTEST" --no-such-option -- true
is "$RC:$(lines "$ERR")" "2:1" "unknown option: exit 2 and one stderr line"
run "$VMTEST" --cpus many -- true
is "$RC:$(lines "$ERR")" "2:1" "non-numeric --cpus: exit 2 and one stderr line"
run "$VMTEST" --kernel "$work/no-such-bzImage" -- true
is "$RC:$(lines "$ERR")" "2:1" "missing bzImage: exit 2 and one stderr line"

done_testing
