#!/usr/bin/env bash
# The folder tells the layer (DESIGN.md): from the symbols each object of
# build/host defines and uses, no two files of host/ depend on each other
# in a circle, and the lower layers use nothing of the upper ones.
. "$(dirname "$0")/../lib/tap.sh"

command -v nm >/dev/null || skip_all "nm not installed"
objs=$(find "$TOP/build/host" -name '*.o' -not -path '*/san/*' 2>/dev/null | sort)
[ -n "$objs" ] || skip_all "build/host is empty (make)"

plan 3
graph=$(mktemp)
trap 'rm -f "$graph"' EXIT
for o in $objs; do
	f=${o#"$TOP/build/host/"}
	nm "$o" | awk -v f="${f%.o}" '$1 == "U" { print f, "U", $2 } NF == 3 && $2 ~ /[TDBR]/ { print f, "D", $3 }'
done >"$graph"

python3 - "$graph" >"$graph.out" <<'EOF_PY'
import sys, collections
defs, uses = {}, collections.defaultdict(set)
for line in open(sys.argv[1]):
    f, kind, sym = line.split()
    if kind == "D":
        defs[sym] = f
    else:
        uses[f].add(sym)
edges = collections.defaultdict(set)
for f, syms in uses.items():
    for s in syms:
        g = defs.get(s)
        if g and g != f:
            edges[f].add(g)
# Tarjan: every strongly connected component larger than one file is a circle.
index, low, stack, on, comps, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: comps.append(sorted(c))
sys.setrecursionlimit(10000)
for v in list(edges):
    if v not in index: visit(v)
print("cycles", ";".join(",".join(c) for c in comps) or "none")
# Which folder may use which: a leaf uses no folder above it.
allowed = {
    "lib": {"lib"}, "stats": {"stats"}, "compare": {"compare", "stats", "lib"},
    "kvm": {"kvm", "lib"}, "tdx": {"tdx", "kvm", "lib"},
    "trace": {"trace", "lib"}, "check": {"check", "lib"},
}
bad = sorted("%s->%s" % (f, g) for f in edges for g in edges[f]
             if f.split("/")[0] in allowed and g.split("/")[0] not in allowed[f.split("/")[0]])
print("layers", ";".join(bad) or "none")
print("files", len(set(uses) | set(defs.values())))
EOF_PY
is "$(sed -n 's/^cycles //p' "$graph.out")" none "no two files of host/ depend on each other in a circle"
is "$(sed -n 's/^layers //p' "$graph.out")" none "lib, stats, compare, kvm, tdx and trace use no layer above them"
n=$(sed -n 's/^files //p' "$graph.out")
[ "${n:-0}" -gt 40 ]
ok $? "the graph covers the driver's objects ($n files)"
rm -f "$graph.out"
done_testing
