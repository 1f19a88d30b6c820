#!/usr/bin/env bash
# septbench run on this host's own KVM, small and quick: which MMU the
# figures measure is said on stderr and recorded in meta.json, and a
# SIGHUP (an ssh disconnect) stops the run like SIGTERM: exit 129, the
# run marked incomplete.  Skipped where KVM is not usable.
. "$(dirname "$0")/../lib/tap.sh"

env_json=$("$SEPTBENCH" env --json)
[ "$(printf '%s' "$env_json" | jq -r .kvm.usable.ok)" = true ] || skip_all "KVM is not usable here"
plan 9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What this host's KVM says, as septbench env reports it.
param=$(printf '%s' "$env_json" | jq -r '.kvm.params.kvm.tdp_mmu // "unknown"')
tdp_ok=$(printf '%s' "$env_json" | jq -r '.kvm.tdp_mmu.ok')
if [ "$param" = unknown ]; then
	want_meta=absent
elif [ "$param" = Y ] && [ "$tdp_ok" = true ]; then
	want_meta=true
else
	want_meta=false
fi
diag "kvm.tdp_mmu=$param, env's tdp_mmu check ok=$tdp_ok: want meta tdp_mmu $want_meta"
warning="septbench: WARNING: KVM here uses shadow paging"

run "$SEPTBENCH" run --scenario fault-4k --reps 1 --mem 4M --no-counters --out "$tmp/one"
d=$(ls -d "$tmp"/one/*/ 2>/dev/null | head -n 1)
is "$RC" 0 "fault-4k over 4 MiB runs here"
is "$(jq -r 'if has("tdp_mmu") then (.tdp_mmu | tostring) else "absent" end' "$d/meta.json" 2>/dev/null)" \
	"$want_meta" "meta.json tdp_mmu is $want_meta"
n=$(printf '%s\n' "$ERR" | grep -c "^$warning")
if [ "$want_meta" = false ]; then
	is "$n" 1 "shadow paging: one warning line on stderr"
	if [ "$param" = N ]; then
		printf '%s\n' "$ERR" | grep -qxF "$warning (kvm.tdp_mmu=N): these figures do not measure the TDP MMU"
		ok $? "... naming kvm.tdp_mmu=N, word for word"
	else
		printf '%s\n' "$ERR" | grep -q "^$warning (.*): these figures do not measure the TDP MMU$"
		ok $? "... with the reason from septbench env"
	fi
	w=$(printf '%s\n' "$ERR" | grep -n "^$warning" | cut -d: -f1)
	s=$(printf '%s\n' "$ERR" | grep -n "^septbench: fault-4k:" | cut -d: -f1)
	[ -n "$w" ] && [ -n "$s" ] && [ "$w" -lt "$s" ]
	ok $? "... before the scenario starts (line $w, the scenario's on line $s)"
else
	is "$n" 0 "the TDP MMU: no shadow paging warning"
	ok 0 "# SKIP the warning's wording: this KVM uses the TDP MMU"
	ok 0 "# SKIP the warning's place: this KVM uses the TDP MMU"
fi
run "$SEPTBENCH" run --scenario fault-4k --reps 1 --mem 4M --no-counters --quiet --out "$tmp/quiet"
n=$(printf '%s\n' "$ERR" | grep -c "^$warning")
is "$n" "$([ "$want_meta" = false ] && echo 1 || echo 0)" "--quiet does not silence the warning"

# SIGHUP mid-run.  A hangup ignored on entry (nohup) stays ignored by
# design, so this needs one that is not.
if [ $((0x$(sed -n 's/^SigIgn:\t*//p' /proc/$$/status) & 1)) -ne 0 ]; then
	for i in 1 2 3; do ok 0 "# SKIP SIGHUP is ignored in this shell (nohup?)"; done
	done_testing
fi
"$SEPTBENCH" run --scenario fault-4k --reps 100 --mem 256M --no-counters --quiet \
	--out "$tmp/hup" >"$tmp/hup.out" 2>"$tmp/hup.err" &
pid=$!
for _ in $(seq 100); do
	jq -e '.status == "running"' "$tmp"/hup/*/meta.json >/dev/null 2>&1 && break
	sleep 0.1
done
sleep 0.5
kill -HUP "$pid"
wait "$pid"
rc=$?
h=$(ls -d "$tmp"/hup/*/ 2>/dev/null | head -n 1)
is "$rc" 129 "SIGHUP mid-run exits 129"
is "$(jq -r .status "$h/meta.json" 2>/dev/null)" incomplete "... meta.json says incomplete (the handler ran)"
is "$(jq -r .status "$h/fault-4k.json" 2>/dev/null)" incomplete "... and so does fault-4k.json"
done_testing
