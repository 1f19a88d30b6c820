# shellcheck shell=bash
# Sourced by the tests that boot the src kernel (PROVE_LOCKING,
# KVM_PROVE_MMU): no_splat FILE NAME is one TAP line, ok when the kernel
# log FILE holds no lockdep, KVM_PROVE_MMU (a WARN), KVM_BUG_ON (a WARN)
# or BUG report; the first lines of any are shown.  Not the bare word
# "lockdep": the boot says "RCU lockdep checking is enabled".
KERNEL_SPLAT='WARNING:|BUG:|INFO:|Call Trace|possible circular locking|inconsistent lock state|possible recursive locking|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator'

no_splat()
{
	local n
	n=$(grep -cE "$KERNEL_SPLAT" "$1" 2>/dev/null)
	[ -s "$1" ] || n=missing
	[ "$n" = 0 ] || grep -E -m 20 "$KERNEL_SPLAT" "$1" 2>/dev/null | sed 's/^/#   /'
	is "$n" 0 "$2"
}
