# shellcheck shell=bash
# Which variant of the test-only emulated S-EPT patch fits a kernel tree.
#
# bench/kernel/patches holds one variant per hook layout (see
# bench/kernel/README.md).  The layout is read from the tree's
# kvm-x86-ops.h at the revision to build: a tree from before the series
# that dropped link_external_spt() declares that op ("before",
# sept-emu-6.18.patch); a tree after it declares set_external_spte without
# it ("after", sept-emu-7.2.patch).  A tree with neither has no TDX mirror
# hooks to emulate.

SEPT_OPS_H=arch/x86/include/asm/kvm-x86-ops.h

# Print the layout ("before" or "after") of kvm-x86-ops.h read on stdin;
# print nothing and return 1 when it declares neither hook.
sept_layout()
{
	awk '/^KVM_X86_OP[A-Z0-9_]*\(link_external_spt\)/ { link = 1 }
	     /^KVM_X86_OP[A-Z0-9_]*\(set_external_spte\)/ { set = 1 }
	     END { if (link) print "before"; else if (set) print "after"; else exit 1 }'
}

# The patch file name of a layout.
sept_patch_name()
{
	case "$1" in
	before) echo sept-emu-6.18.patch ;;
	after) echo sept-emu-7.2.patch ;;
	*) return 1 ;;
	esac
}

# Print the layout of git tree $1 at commit $2; or print why there is
# none (one line) and return 1.
sept_tree_layout()
{
	local tree=$1 rev=$2 ops

	ops=$(git -C "$tree" show "$rev:$SEPT_OPS_H" 2>/dev/null) ||
		{ printf 'it has no %s\n' "$SEPT_OPS_H"; return 1; }
	sept_layout <<<"$ops" ||
		{ printf 'its %s declares neither link_external_spt nor set_external_spte (no S-EPT hooks)\n' \
			"$SEPT_OPS_H"; return 1; }
}
