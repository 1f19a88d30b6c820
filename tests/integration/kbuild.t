#!/usr/bin/env bash
# scripts/kbuild and the src test kernel it built for make test: a second
# call reuses the cache without running make; a fragment edited between
# two calls (same revision, or another revision) is refused with the
# options that differ, before anything is built; bad input is one line
# and exit 2; and the kernel boots in the test VM with the sw-protected VM
# type and its identity (build id, config, kbuild record) recorded.
. "$(dirname "$0")/../lib/tap.sh"

[ "${SEPTBENCH_SKIP_KBUILD:-0}" = 1 ] && skip_all "SEPTBENCH_SKIP_KBUILD=1: the src test kernel is not built"
KBUILD=$TOP/scripts/kbuild
paths=$("$KBUILD" --test-kernel --cached --print-paths 2>/dev/null) ||
	skip_all "the src test kernel is not built (make test-kernel)"
dir=$(sed -n 's/^dir=//p' <<<"$paths")
tree=$(jq -r .tree "$dir/build.json")

plan 17
scratch=$(mktemp -d "$TOP/.kbuild.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# --- the cache -------------------------------------------------------------

before=$(stat -c %Y "$dir/build.json" "$dir/bzImage" | tr '\n' ' ')
run "$KBUILD" --test-kernel --print-paths
is "$RC" 0 "second call: exit 0"
case $ERR in *"cached: $dir"*) r=0 ;; *) r=1 ;; esac
ok $r "second call: says the build is cached, names its folder"
is "$(stat -c %Y "$dir/build.json" "$dir/bzImage" | tr '\n' ' ')" "$before" \
	"second call: build.json and bzImage untouched"
is "$OUT" "$paths" "second call: the same paths"
case $ERR in *building*|*"config of"*) r=1 ;; *) r=0 ;; esac
ok $r "second call: no config step, no build"

run "$KBUILD" --test-kernel --install </dev/null
case $ERR in *"--install asks for confirmation"*) r=0 ;; *) r=1 ;; esac
is "$RC:$r:$(stat -c %Y "$dir/build.json" "$dir/bzImage" | tr '\n' ' ')" "2:0:$before" \
	"--install without a terminal and without --yes: refused (exit 2), nothing touched"

# --- one config for every build of a set ------------------------------------

frags=(--base tinyconfig --fragment "$TOP/bench/kernel/vmtest.config")
# The test kernel's set: the same fragments by name, in its order.
dbg=(--fragment "$TOP/bench/kernel/test-debug.config")
mkdir -p "$scratch/frag"
# The same fragment file by name, one option flipped: a silent difference.
sed 's/^CONFIG_HIST_TRIGGERS=y$/CONFIG_HIST_TRIGGERS=n/' "$TOP/bench/kernel/septbench.config" \
	>"$scratch/frag/septbench.config"
grep -q '^CONFIG_HIST_TRIGGERS=n$' "$scratch/frag/septbench.config" || diag "fragment edit did not apply"

run "$KBUILD" --tree "$tree" --rev main "${frags[@]}" --fragment "$scratch/frag/septbench.config" "${dbg[@]}" --config-only
is "$RC" 2 "fragment edited, same revision: refused with exit 2"
case $ERR in *"config differs: CONFIG_HIST_TRIGGERS: y in "*", n in "*) r=0 ;; *) r=1 ;; esac
ok $r "fragment edited: the differing option is named with both values"

# A second revision of the tree: one commit on top that changes no Kconfig.
rev2=septbench-test-rev2
if ! git -C "$tree" rev-parse -q --verify "$rev2^{commit}" >/dev/null; then
	(
		export GIT_AUTHOR_NAME=septbench GIT_AUTHOR_EMAIL=septbench@localhost \
		       GIT_COMMITTER_NAME=septbench GIT_COMMITTER_EMAIL=septbench@localhost \
		       GIT_AUTHOR_DATE='2000-01-02T00:00:00Z' GIT_COMMITTER_DATE='2000-01-02T00:00:00Z'
		blob=$(printf 'a second revision for tests/integration/kbuild.t\n' | git -C "$tree" hash-object -w --stdin) &&
		git -C "$tree" read-tree --index-output="$scratch/index" main &&
		GIT_INDEX_FILE=$scratch/index git -C "$tree" update-index --add --cacheinfo 100644,"$blob",SEPTBENCH-TEST &&
		t=$(GIT_INDEX_FILE=$scratch/index git -C "$tree" write-tree) &&
		c=$(git -C "$tree" commit-tree "$t" -p main -m "kbuild.t: a second revision") &&
		git -C "$tree" branch "$rev2" "$c"
	) || diag "cannot make a second revision in $tree"
fi
run "$KBUILD" --tree "$tree" --rev "$rev2" "${frags[@]}" --fragment "$TOP/bench/kernel/septbench.config" "${dbg[@]}" --config-only
is "$RC" 0 "second revision, same fragments: the config matches the set's, accepted"
run "$KBUILD" --tree "$tree" --rev "$rev2" "${frags[@]}" --fragment "$scratch/frag/septbench.config" "${dbg[@]}" --config-only
is "$RC:$(grep -c 'config differs: CONFIG_HIST_TRIGGERS' <<<"$ERR")" "2:1" \
	"second revision, fragment edited: refused, the option named"
run "$KBUILD" --tree "$tree" --rev "$rev2" "${frags[@]}" --fragment "$scratch/frag/septbench.config" "${dbg[@]}" \
	--config-only --accept-config
is "$RC" 0 "--accept-config lets the differing config through"

# --- bad input --------------------------------------------------------------

git init -q "$scratch/notkernel"
bad()
{
	local what=$1
	shift
	run "$KBUILD" "$@"
	is "$RC:$(lines "$ERR")" "2:1" "bad input, $what: exit 2, one line"
}
bad "tree that does not exist" --tree "$scratch/none" --config-only
bad "git tree that is not a kernel" --tree "$scratch/notkernel" --config-only
bad "revision that does not resolve" --tree "$tree" --rev no-such-rev --config-only
bad "missing fragment" --tree "$tree" --fragment "$scratch/none.config" --config-only

# --- the kernel in the test VM ----------------------------------------------

if ! command -v qemu-system-x86_64 >/dev/null; then
	ok 1 "boot src: qemu-system-x86_64 not installed"
	ok 1 "boot src: skipped"
	done_testing
fi
"$TOP/scripts/vmtest" --kernel src --cpus 1 --mem 1024 --timeout 300 -- \
	"$SEPTBENCH" env --json >"$scratch/env.json" 2>"$scratch/vm.err"
jq -e . "$scratch/env.json" >/dev/null 2>&1 || { diag "$(tail -n 5 "$scratch/vm.err")"; }
is "$(jq -r '.kvm.vm_types_offered | index("sw-protected") != null' "$scratch/env.json" 2>/dev/null)" true \
	"src kernel in the VM: offers the sw-protected VM type"
got=$(jq -r '[.kernel.build_id, .kernel.kbuild.id, .kernel.config.sha256, .hooks.variant, .kvm.tdp_mmu.ok] | join(" ")' \
	"$scratch/env.json" 2>/dev/null)
want=$(jq -r '[.build_id, .id, .config_sha256, "after", "true"] | join(" ")' "$dir/build.json")
is "$got" "$want" "src kernel in the VM: build id, kbuild record and config hash as built; hooks after, TDP MMU on"
done_testing
