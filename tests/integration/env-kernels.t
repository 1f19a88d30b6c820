#!/usr/bin/env bash
# septbench env inside the test VM, on a kernel from before the S-EPT hook
# series and one from after: KVM usable, the default VM type with
# pre-fault, and the hook variant each build really has.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 12
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for k in old new; do
	VMTEST_INFO=$tmp/$k.info "$TOP/scripts/vmtest" --kernel "$k" --cpus 1 --mem 1024 --timeout 300 \
		-- "$SEPTBENCH" env --json >"$tmp/$k.json" 2>"$tmp/$k.err"
	rc=$?
	release=$(sed -n 's/^kernel_release=//p' "$tmp/$k.info" 2>/dev/null)
	diag "$k kernel: $(sed -n 's/^kernel_pkg=//p' "$tmp/$k.info" 2>/dev/null) $(sed -n 's/^kernel_version=//p' "$tmp/$k.info" 2>/dev/null) ($release)"
	is "$rc" 0 "$k: env exits 0 in the VM"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$tmp/$k.err" | tail -n 5
	j() { jq -r "$1" "$tmp/$k.json" 2>/dev/null; }
	is "$(j .host.kernel_release)" "$release" "$k: env reports the booted kernel"
	is "$(j .kvm.usable.ok)" true "$k: KVM is usable in the VM"
	is "$(j '.kvm.vm_types.default.ok')" true "$k: the default VM type is offered and created"
	is "$(j '.kvm.vm_types.default.caps.pre_fault_memory.ok')" true "$k: KVM_PRE_FAULT_MEMORY is supported"
	case $k:$release in
	old:6.12.*) want=none ;;	# the fallback vmtest announces
	old:*) want=before ;;
	new:*) want=after ;;
	esac
	is "$(j .hooks.variant)" "$want" "$k: hook variant of $release is $want"
done
done_testing
