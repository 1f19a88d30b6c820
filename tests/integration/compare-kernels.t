#!/usr/bin/env bash
# The whole user path in the test VM: the default suite (scaled down) on a
# kernel from before the S-EPT hook series and on one from after, then
# septbench compare: report, JSON and plots, every PNG a valid PNG, every
# SVG parseable, the kernel builds and hook variants named.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"

plan 13
work=$(mktemp -d "$TOP/.compare-kernels.XXXXXX")
trap 'rm -rf "$work"' EXIT

for k in old new; do
	"$TOP/scripts/vmtest" --kernel "$k" --mem 1536 --timeout 600 -- sh -c '
		echo 40 >/proc/sys/vm/nr_hugepages
		exec "$@"' sh "$SEPTBENCH" run --suite "$TOP/bench/default.suite" --mem 16M --reps 5 \
		--quiet --label "$k" --out "$work/$k" >"$work/$k.log" 2>&1
	is "$?" 0 "$k: the default suite runs in the VM"
done
base=$(ls -d "$work"/old/*/ | head -n 1)
new=$(ls -d "$work"/new/*/ | head -n 1)

run "$SEPTBENCH" compare "$base" "$new" --out "$work/cmp"
case $RC in 0 | 1) r=0 ;; *) r=1 ;; esac
ok $r "compare exits 0 or 1 on real runs (got $RC)"
[ "$r" = 0 ] || diag "$ERR"
for f in report.txt report.md report.json summary.png summary.svg; do
	[ -s "$work/cmp/$f" ]
	ok $? "compare wrote $f"
done
jq -e '.runs | length == 2' "$work/cmp/report.json" >/dev/null 2>&1
ok $? "report.json lists both runs"
grep -q 'env.hooks.variant.*before.*after' "$work/cmp/report.txt"
ok $? "the hook variant difference (before, after) is reported"
grep -q "$(jq -r .env.host.kernel_release "$base/meta.json")" "$work/cmp/report.txt" &&
	grep -q "$(jq -r .env.host.kernel_release "$new/meta.json")" "$work/cmp/report.txt"
ok $? "both kernel releases are named in the report"

# Every PNG: the signature and an IHDR of sane size.
bad=0 n=0
for p in "$work"/cmp/*.png; do
	n=$((n + 1))
	sig=$(head -c 8 "$p" | od -An -tx1 | tr -d ' \n')
	wh=$(od -An -tu1 -j16 -N8 "$p" | awk '{ printf "%d %d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
	w=${wh% *} h=${wh#* }
	[ "$sig" = 89504e470d0a1a0a ] && [ "$w" -ge 200 ] && [ "$h" -ge 150 ] && [ "$w" -le 8000 ] || bad=$((bad + 1))
done
ok $((bad > 0 || n < 10)) "all $n PNG plots are valid PNGs of sane size ($bad bad)"
bad=0
for s in "$work"/cmp/*.svg; do
	xmllint --noout "$s" 2>/dev/null || bad=$((bad + 1))
done
ok $bad "every SVG plot parses"
done_testing
