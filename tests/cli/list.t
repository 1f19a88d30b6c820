#!/usr/bin/env bash
# septbench list: one line per scenario with the VM types it runs on;
# --verbose adds, under each, its
# section of bench/README.md (what the timed window contains, what an op
# is).  Every bench/*.conf has such a section, and `make install` ships
# it where the installed binary finds it.
. "$(dirname "$0")/../lib/tap.sh"

plan 14
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

confs=$(cd "$TOP/bench" && ls -- *.conf | sed 's/\.conf$//' | grep -vx hooks)
missing=
for c in $confs; do
	grep -qx "## $c" "$TOP/bench/README.md" || missing="$missing $c"
done
is "${missing:-none}" none "every bench/*.conf has a '## <name>' section in bench/README.md"
missing=
for c in $confs; do
	for part in "**Inside the window**" "**Outside the window**" "**Op**"; do
		awk -v h="## $c" '$0 == h { on = 1; next } /^#/ { on = 0 } on' "$TOP/bench/README.md" |
			grep -qF "$part" || missing="$missing $c:${part//\*/}"
	done
done
is "${missing:-none}" none "... each section says what is inside and outside the window and what an op is"

run "$SEPTBENCH" list
is "$RC:$(lines "$OUT")" "0:$(($(printf '%s\n' $confs | wc -l) + 1))" "list: a header and one line per scenario"

# The VM TYPES column: from the backends' checks, for a host that has every type.
col() { printf '%s\n' "$OUT" | awk -v n="$1" '$1 == n { print $3 }'; }
is "$(printf '%s\n' "$OUT" | head -n 1 | grep -c 'VM TYPES')" 1 "list: a VM TYPES column"
is "$(col fault-4k) $(col zap-convert) $(col fault-2m) $(col churn)" \
	"default,sw-protected,tdx sw-protected,tdx default default,sw-protected,tdx" \
	"... fault-4k on all three, zap-convert on the private types, fault-2m on default"
bad=
for c in $confs; do
	doc=$(grep -F "| \`$c\` |" "$TOP/bench/README.md" | head -n 1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')
	[ "$doc" = "$(col "$c")" ] || bad="$bad $c($doc/$(col "$c"))"
done
is "${bad:-none}" none "bench/README.md's VM types table says what list says, for every scenario"

run "$SEPTBENCH" list --verbose
is "$RC" 0 "list --verbose exits 0"
verbose=$OUT
# The block under a scenario's line: the indented and blank lines up to the next entry.
block() { printf '%s\n' "$1" | awk -v n="$2" '$1 == n && /^[^ ]/ { on = 1; next } /^[^ ]/ { on = 0 } on'; }
section() { awk -v h="## $1" '$0 == h { on = 1; next } /^#/ { on = 0 } on' "$TOP/bench/README.md"; }
b=$(block "$verbose" fault-4k)
w=$(section fault-4k | grep -A1 -F "**Inside the window**" | head -n 2 | sed 's/^/    /')
case $b in *"$w"*) r=0 ;; *) r=1 ;; esac
ok $r "list --verbose shows fault-4k's Inside the window text under its line"
[ $r = 0 ] || diag "block: $(printf '%s' "$b" | head -n 3)"
case $b in *"## "* | *"prefault"*) r=1 ;; *) r=0 ;; esac
ok $r "... and nothing of the next section"
bad=
for c in $confs; do
	[ "$(block "$verbose" "$c" | sed '/^$/d')" = "$(section "$c" | sed '/^$/d; s/^/    /')" ] || bad="$bad $c"
done
is "${bad:-none}" none "every scenario's block is its README section, indented"

# A scenario the README does not describe, and a bench folder without one.
mkdir -p "$tmp/bench"
cp "$TOP/bench/fault-4k.conf" "$TOP/bench/default.suite" "$tmp/bench/"
printf '# x\n\n## other\n\ntext\n' >"$tmp/bench/README.md"
run env SEPTBENCH_BENCH_DIR="$tmp/bench" "$SEPTBENCH" list --verbose
case $OUT in *'(no section "## fault-4k" in '"$tmp/bench"'/README.md)'*) r=0 ;; *) r=1 ;; esac
ok $r "a scenario without a section: list --verbose says so (exit $RC)"
rm "$tmp/bench/README.md"
run env SEPTBENCH_BENCH_DIR="$tmp/bench" "$SEPTBENCH" list --verbose
case "$RC:$OUT" in 0:*'(no section "## fault-4k"'*) r=0 ;; *) r=1 ;; esac
ok $r "no bench/README.md at all: still listed, exit 0"

run "$SEPTBENCH" list --bogus
is "$RC:$(lines "$ERR"):$(lines "$OUT")" "2:1:0" "list --bogus: exit 2, one line on stderr"

# Installed: the binary finds share/septbench/bench/README.md by itself.
make -s -C "$TOP" install DESTDIR="$tmp/inst" PREFIX=/usr >"$tmp/install.log" 2>&1
run env -u SEPTBENCH_BENCH_DIR "$tmp/inst/usr/bin/septbench" list --verbose
case $(block "$OUT" fault-4k) in *"$w"*) r=0 ;; *) r=1 ;; esac
ok $r "make install: the installed septbench list --verbose shows fault-4k's section"
done_testing
