#!/usr/bin/env bash
# scripts/kbuild --emulate-sept picks the emulated S-EPT patch from the
# tree's kvm-x86-ops.h at the revision to build: link_external_spt (the
# "before" layout, v6.18) -> sept-emu-6.18.patch; set_external_spte
# without it ("after", Debian's 7.2) -> sept-emu-7.2.patch; neither, or no
# kvm-x86-ops.h -> exit 2 with a one-line reason.  --which-patch says what
# it picked without building: tiny fake trees holding only the files
# kbuild checks for, no kernel build.
. "$(dirname "$0")/../lib/tap.sh"

plan 13
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SEPTBENCH_CACHE=$tmp/cache
KBUILD=$TOP/scripts/kbuild
PATCHES=$TOP/bench/kernel/patches
OPS=arch/x86/include/asm/kvm-x86-ops.h

# A git tree that passes kbuild's "is a kernel tree" check; $2 is the
# content of kvm-x86-ops.h, or "-" for a tree without it.
fake_tree()
{
	local dir=$1 ops=$2

	mkdir -p "$dir/scripts/kconfig" "$dir/arch/x86/include/asm"
	: >"$dir/Kconfig"
	: >"$dir/scripts/kconfig/merge_config.sh"
	[ "$ops" = - ] || printf '%s\n' "$ops" >"$dir/$OPS"
	commit "$dir"
}

commit()
{
	(
		cd "$1" &&
		export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@localhost \
		       GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@localhost &&
		{ [ -d .git ] || git init -q -b main; } &&
		git add -A -f . && git commit -q --allow-empty -m "rev"
	) || diag "cannot commit in $1"
}

before='KVM_X86_OP(load_mmu_pgd)
KVM_X86_OP_OPTIONAL(link_external_spt)
KVM_X86_OP_OPTIONAL(set_external_spte)
KVM_X86_OP_OPTIONAL(free_external_spt)
KVM_X86_OP_OPTIONAL(remove_external_spte)
KVM_X86_OP(has_wbinvd_exit)'
# After the series; a comment naming the dropped op must not count.
after='KVM_X86_OP(load_mmu_pgd)
/* KVM_X86_OP_OPTIONAL(link_external_spt) was folded into set_external_spte */
KVM_X86_OP_OPTIONAL_RET0(set_external_spte)
KVM_X86_OP_OPTIONAL(free_external_spt)
KVM_X86_OP(has_wbinvd_exit)'
neither='KVM_X86_OP(load_mmu_pgd)
KVM_X86_OP(has_wbinvd_exit)'

fake_tree "$tmp/before" "$before"
fake_tree "$tmp/after" "$after"
fake_tree "$tmp/neither" "$neither"
fake_tree "$tmp/none" -

run "$KBUILD" --tree "$tmp/before" --which-patch
is "$RC:$OUT" "0:layout=before
patch=$PATCHES/sept-emu-6.18.patch" "link_external_spt declared: the before layout, sept-emu-6.18.patch"

run "$KBUILD" --tree "$tmp/after" --which-patch
is "$RC:$OUT" "0:layout=after
patch=$PATCHES/sept-emu-7.2.patch" "set_external_spte without link_external_spt: the after layout, sept-emu-7.2.patch"

run "$KBUILD" --tree "$tmp/neither" --which-patch
is "$RC:$(lines "$ERR"):$OUT" "2:1:" "neither hook: exit 2, one line, nothing on stdout"
case $ERR in *"no patch for"*"declares neither link_external_spt nor set_external_spte"*) r=0 ;; *) r=1 ;; esac
ok $r "neither hook: the line says why"

run "$KBUILD" --tree "$tmp/none" --which-patch
is "$RC:$(lines "$ERR")" "2:1" "no kvm-x86-ops.h: exit 2, one line"
case $ERR in *"has no $OPS"*) r=0 ;; *) r=1 ;; esac
ok $r "no kvm-x86-ops.h: the line names the file"

# --emulate-sept refuses a tree of neither layout before any config step.
run "$KBUILD" --tree "$tmp/neither" --emulate-sept --config-only
is "$RC:$(lines "$ERR")" "2:1" "--emulate-sept on neither layout: refused, exit 2, one line"

# The layout is that of --rev, not of the checkout: a tree that moved
# from before to after, with the work tree edited back.
cp -a "$tmp/before" "$tmp/moved"
git -C "$tmp/moved" tag pre
printf '%s\n' "$after" >"$tmp/moved/$OPS"
commit "$tmp/moved"
printf '%s\n' "$before" >"$tmp/moved/$OPS"
run "$KBUILD" --tree "$tmp/moved" --rev pre --which-patch
is "$RC:$(head -n 1 <<<"$OUT")" "0:layout=before" "--rev pre: the layout at that revision (before)"
run "$KBUILD" --tree "$tmp/moved" --which-patch
is "$RC:$(head -n 1 <<<"$OUT")" "0:layout=after" "--rev HEAD: after, whatever the work tree holds"

# Each variant implements the hooks of its layout and no others.
has() { grep -c "^+	\.$2 = sept_emu_" "$PATCHES/$1"; }
is "$(has sept-emu-6.18.patch link_external_spt)$(has sept-emu-6.18.patch remove_external_spte)" 11 \
	"sept-emu-6.18.patch sets link_external_spt and remove_external_spte"
is "$(has sept-emu-7.2.patch link_external_spt)$(has sept-emu-7.2.patch remove_external_spte)" 00 \
	"sept-emu-7.2.patch sets neither"
for p in sept-emu-6.18.patch sept-emu-7.2.patch; do
	n=$(grep -cE '^\+	\.(set_external_spte|free_external_spt) = sept_emu_' "$PATCHES/$p")
	is "$n" 2 "$p sets set_external_spte and free_external_spt"
done
done_testing
