#!/usr/bin/env bash
# KVM's share as a metric: every numeric key of a repetition's "derived"
# is metric derived.<key> of the timed phase (lower is better unless it
# ends in _per_s), signed; a median <= 0 gets the difference, no ratio,
# no verdict, and a warning.
. "$(dirname "$0")/compare-lib.sh"
plan 16

# zap-punch: control 0.4 of the base ns/op, timed 10% slower in NEW, so
# KVM's share (timed - control) about 17% up.  teardown: KVM's share
# positive in BASE (control 0.9), negative in NEW (control 1.2).
"$GEN" "$T/base" --seed 1 --reps 10 --derived zap-punch --derived teardown=0.9 --derived fault-2m
"$GEN" "$T/new" --seed 2 --reps 10 --slow zap-punch=10 --derived zap-punch --derived teardown=1.2

sel() { jq -c ".comparisons[0].scenarios[] | select(.scenario == \"$1\") | $2" "$T/$3/report.json"; }
dstat() { sel "$1" "[.stats[] | select(.metric == \"$2\")] | .[0] | $3" "$4"; }

run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/out" --no-plots
is "$RC" 1 "default metric ns_per_op: the 10% zap-punch slowdown is a regression (exit 1)"
is "$(sel zap-punch '[.stats[] | select(.metric | startswith("derived.")) | [.metric, .phase, .timed, .direction]]' out)" \
	'[["derived.kvm_ns_per_op","zap",true,"lower"],["derived.control_ns_per_op","zap",true,"lower"],["derived.kvm_ops_per_s","zap",true,"higher"]]' \
	"zap-punch: every numeric derived key a metric of the timed phase (not the string 'method'), _per_s higher is better"
is "$(sel fault-2m '[.stats[] | select(.metric | startswith("derived."))] | length' out)" 0 \
	"fault-2m (derived in BASE only): no such metric, no error"
is "$(sel fault-4k '[.stats[] | select(.metric | startswith("derived."))] | length' out)" 0 \
	"fault-4k (no derived): no such metric"

run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/kvm" --no-plots --metric derived.kvm_ns_per_op
is "$RC" 1 "--metric derived.kvm_ns_per_op: exit 1"
is "$(sel zap-punch .verdict kvm)" '"worse"' "zap-punch: KVM's share worse"
is "$(dstat zap-punch derived.kvm_ns_per_op '.ratio > 1.12 and .ratio < 1.22 and .ci95[0] > 1 and .p_adj < 0.05' kvm)" true \
	"...ratio about 1.17, CI above 1, p_adj < 0.05"
printf '%s\n' "$OUT" | grep -q '^derived.kvm_ns_per_op of the timed phase (lower is better)'
ok $? "text report: a table for derived.kvm_ns_per_op"
printf '%s\n' "$OUT" | grep -qE '^Median +zap-punch .*\*'
ok $? "...with zap-punch's median marked significant"
is "$(dstat teardown derived.kvm_ns_per_op '[.base.median > 0, .new.median < 0, .ratio, .ci95[0], (.difference | . < 0)]' kvm)" \
	'[true,true,null,null,true]' "teardown: medians of both signs: no ratio, no CI, a (negative) difference"
is "$(dstat teardown derived.kvm_ns_per_op '[.p < 0.05, .verdict]' kvm)" '[true,"no change"]' \
	"...no verdict although p is small"
is "$(jq '[.warnings[] | select(startswith("teardown: teardown derived.kvm_ns_per_op: median <= 0"))] | length' "$T/kvm/report.json")" 1 \
	"...and a warning saying so"
printf '%s\n' "$OUT" | grep -qE '^Median +teardown .*\(d -[0-9.]+\)'
ok $? "text report: the difference in place of the change"

run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/ops" --no-plots --metric derived.kvm_ops_per_s
is "$RC:$(sel zap-punch .verdict ops)" 1:'"worse"' "--metric derived.kvm_ops_per_s (higher is better) down: worse, exit 1"
run "$SEPTBENCH" compare "$T/base" "$T/new" --out "$T/bad" --no-plots --metric derived.nope
is "$RC:$(lines "$ERR"):$(ls -d "$T"/bad* 2>/dev/null | wc -l)" 2:1:0 "--metric derived.nope: exit 2, one line, nothing written"
cp -r "$T/base" "$T/d"
jq '.reps[3].derived = [1, 2]' "$T/base/zap-punch.json" >"$T/d/zap-punch.json"
run "$SEPTBENCH" compare "$T/base" "$T/d" --out "$T/bad" --no-plots
is "$RC:$(lines "$ERR"):$(ls -d "$T"/bad* 2>/dev/null | wc -l)" 2:1:0 "\"derived\" not an object: exit 2, one line, nothing written"
done_testing
