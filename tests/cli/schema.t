#!/usr/bin/env bash
# results/schema.json against real output: every fixture folder of
# tests/fixtures (cut from real runs by tests/fixtures/make-fixtures)
# validates, broken copies of one do not (so the check can fail), and the
# synthetic folders of tests/lib/gen-results are validated too, their
# deviations TODO tests with diag lines, not failures: gen-results is
# being reworked to match.
. "$(dirname "$0")/../lib/tap.sh"

VALIDATE=$TOP/tests/lib/validate-results
GEN=$TOP/tests/lib/gen-results
FIXTURES=$TOP/tests/fixtures
command -v python3 >/dev/null || skip_all "python3 needed by tests/lib/validate-results"
python3 -c 'import jsonschema' 2>/dev/null ||
	skip_all "python3-jsonschema missing: the python3 jsonschema module is needed (apt install python3-jsonschema)"
python3 -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null ||
	skip_all "python3-jsonschema too old: no draft 2020-12 validator"

plan 23

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# A TODO test: reported, never counted as a failure.
todo_ok()
{
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s # TODO %s\n' "$_tap_n" "$2" "$3"
	else
		printf 'not ok %d - %s # TODO %s\n' "$_tap_n" "$2" "$3"
	fi
}

# 1. The fixtures: at least one run per kernel, every one valid.
dirs=()
for m in "$FIXTURES"/*/meta.json; do
	[ -e "$m" ] && dirs+=("$(dirname "$m")")
done
kernels=$(for d in "${dirs[@]}"; do python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["env"]["host"]["kernel_release"])' "$d/meta.json"; done | sort -u | wc -l)
[ "${#dirs[@]}" -ge 2 ] && [ "$kernels" -ge 2 ]
ok $? "tests/fixtures: ${#dirs[@]} run folders from $kernels kernels (old and new)"
bad=0 files=0
for d in "${dirs[@]}"; do
	run "$VALIDATE" "$d"
	[ "$RC" -eq 0 ] || { bad=$((bad + 1)); diag "$(basename "$d"): exit $RC" "$OUT"; }
	n=$(printf '%s\n' "$ERR" | sed -n 's/^validate-results: \([0-9]*\) file.*/\1/p')
	files=$((files + ${n:-0}))
done
is "$bad" 0 "every fixture folder validates ($files files)"
run "$VALIDATE" "${dirs[0]}/meta.json" "${dirs[0]}/fault-4k.json"
is "$RC" 0 "single files validate too, picked by name (meta.json, <scenario>.json)"

# 2. Broken copies of the newest fixture each fail, with a line saying
# where: the changed file is checked alone, the folder when the check
# spans files (run-id).  mutate NAME FILE PYTHON-STATEMENT (on j, the
# file's JSON) makes the copy $T/NAME/<run-id>.
src=${dirs[${#dirs[@]} - 1]}
mutate()
{
	local dir

	dir=$T/$1/$(basename "$src")
	mkdir -p "$T/$1"
	cp -r "$src" "$dir"
	python3 - "$dir/$2" "$3" <<'PY'
import json, sys
path, stmt = sys.argv[1], sys.argv[2]
j = json.load(open(path))
exec(stmt)
json.dump(j, open(path, 'w'), indent=1)
PY
	if [ "$1" = run-id ]; then
		run "$VALIDATE" "$dir"
	else
		run "$VALIDATE" "$dir/$2"
	fi
}

# name, file, statement, the error line's pattern after "FILE: ", test name
while IFS=$'\t' read -r name file stmt pat desc; do
	mutate "$name" "$file" "$stmt"
	[ "$RC" -eq 1 ] && printf '%s\n' "$OUT" | grep -qE "$file: $pat"
	ok $? "$desc"
	[ "$RC" -eq 1 ] || diag "exit $RC"
	printf '%s\n' "$OUT" | grep -qE "$file: $pat" || diag "no line matching '$file: $pat' in:" "$OUT"
done <<'EOF'
env-gone	meta.json	del j["env"]	\$: 'env' is a required property	meta.json without env (a required field) fails
kind-gone	fault-4k.json	del j["kind"]	\$: 'kind' is a required property	a scenario without kind fails
timed-gone	split.json	del j["timed_phase"]	\$: 'timed_phase' is a required property	a complete scenario without timed_phase fails
reps-type	teardown.json	j["reps"] = {"0": j["reps"][0]}	\$.reps: .* is not of type 'array'	reps as an object (a wrong type) fails
status-enum	churn.json	j["status"] = "done"	\$.status: 'done' is not one of	a status outside the enum fails
ns-string	fault-4k.json	p = j["reps"][0]["phases"][1]; p["ns"] = str(p["ns"])	\$.reps\[0\].phases\[1\].ns: '[0-9]+' is not of type 'integer'	a phase's ns as a string (where a number must be) fails
ratio-string	meta.json	j["harness_overhead"][0]["ratio"] = "1.0"	\$.harness_overhead\[0\].ratio: '1.0' is not of type 'number'	harness_overhead ratio as a string fails
ops-negative	zap-dontneed.json	j["reps"][2]["phases"][2]["ops"] = -1	\$.reps\[2\].phases\[2\].ops: -1 is less than the minimum of 0	negative ops fail
counter-zero	fault-4k.json	j["reps"][0]["phases"][1]["counters"]["cycles"] = {"unsupported": True, "errno": 2, "error": "No such file or directory", "value": 0}	\$.reps\[0\].phases\[1\].counters.cycles: .* should not be valid	an unsupported counter with a value fails (never a zero)
order-mode	meta.json	j["order"]["mode"] = "random"	\$.order.mode: 'random' is not one of	order.mode outside interleaved or blocks fails
churn-timed	churn.json	j["timed_phase"] = "fault"	\$.timed_phase: 'churn' was expected	churn's timed phase must be churn
warn-type	prefault-4k.json	j["reps"][1]["warnings"] = [42]	\$.reps\[1\].warnings\[0\]: 42 is not of type 'string'	a repetition warning that is no string fails
run-id	meta.json	j["run_id"] = "other"	\$.run_id: 'other'	a run_id that is not the folder's name fails (the folder checked)
kernel-bid	meta.json	j["env"]["kernel"]["build_id"] = "XYZ"	\$.env.kernel.build_id: 'XYZ' 	a kernel build id that is not hex fails
kernel-why	meta.json	j["env"]["kernel"]["config"] = None; j["env"]["kernel"].pop("config_reason", None)	\$.env.kernel: 'config_reason' is a required property	a null config without its reason fails
module-type	meta.json	j["env"]["kernel"]["modules"]["kvm"]["builtin"] = "no"	\$.env.kernel.modules.kvm.builtin: 'no' is not of type 'boolean'	a module's builtin that is no boolean fails
run-id-bid	meta.json	j["env"]["kernel"]["build_id"] = "0" * 40	\$.run_id: .* does not begin with	a run_id without the first 8 hex of the build id fails
EOF

# ...while what the engine may add in the same places passes.
mutate warn-ok prefault-4k.json 'j["reps"][1]["warnings"] = ["prefault: KVM created 2047 mappings for 2048 touches"]; j["reps"][1]["derived"] = {"x_ns_per_op": 1.5}; j["warnings"] = ["prefault: KVM created 2047 mappings for 2048 touches (1 of 3 repetitions)"]'
is "$RC" 0 "warnings (per repetition, per scenario) and derived figures as the engine writes them pass"

# 3. gen-results' synthetic folders: validated, deviations reported.
gen_todo="tests/lib/gen-results is being brought in line with the engine"
if "$GEN" "$T/gen" --seed 1 --reps 3 --counters --attribute fault-4k --unsupported prefault-2m \
	>"$T/gen.log" 2>&1; then
	"$VALIDATE" --quiet "$T/gen" >"$T/gen.err" 2>&1
	rc=$?
	# One line per distinct deviation: file kinds and indices folded.
	sed -E "s|^$T/gen/||; s/\\[[0-9]+\\]/[]/g; s/^meta\\.json:/meta:/; s/^[a-z0-9-]+\\.json:/scenario:/" \
		"$T/gen.err" | sort | uniq -c | sort -rn >"$T/gen.dev"
	grep -q '^ *[0-9]* meta:' "$T/gen.dev"
	todo_ok $((1 - $?)) "gen-results meta.json validates against results/schema.json" "$gen_todo"
	grep -q '^ *[0-9]* scenario:' "$T/gen.dev"
	todo_ok $((1 - $?)) "gen-results <scenario>.json files validate against results/schema.json" "$gen_todo"
	[ "$rc" -eq 0 ] || {
		diag "gen-results deviations from results/schema.json (count, file, where, what):"
		while IFS= read -r l; do diag "  $l"; done <"$T/gen.dev"
	}
else
	todo_ok 1 "gen-results meta.json validates against results/schema.json" "gen-results failed: $(head -c 200 "$T/gen.log")"
	todo_ok 1 "gen-results <scenario>.json files validate against results/schema.json" "gen-results failed"
fi
done_testing
