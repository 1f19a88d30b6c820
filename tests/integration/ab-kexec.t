#!/usr/bin/env bash
# scripts/ab's kexec driver for real, inside one test VM: the VM boots A,
# the ab runs step 1 there and kexecs into B; vmtest's init runs the same
# command after each kexec, which resumes from the state file: 2 rounds,
# 4 boots in one QEMU (which exits on a reset, so every new boot is a
# kexec).  The kernels each run recorded must follow the plan's ABBA.
# Then an ab stopped after its first step (a test hook) and --abort:
# no unit, no pointer, no lock left.
. "$(dirname "$0")/../lib/tap.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed (make deps)"
command -v kexec >/dev/null || skip_all "kexec not installed (kexec-tools: make deps)"

plan 16
work=$(mktemp -d "$TOP/.ab-kexec.XXXXXX")
trap 'rm -rf "$work"' EXIT
guest=$TOP/tests/integration/vm/ab-kexec-guest.sh
unset SEPTBENCH_AB_STOP_AFTER SEPTBENCH_AB_KEXEC SEPTBENCH_AB_KROOT

# A is the src test kernel (built in make test) where it is built: the
# kernel of our own that kexec takes into a distribution build and back.
A=old
"$TOP/scripts/kbuild" --test-kernel --cached >/dev/null 2>&1 && A=src
diag "A=$A B=new"

# The guest sees the kernel cache read-only: fetch and pin both here.
for k in old new; do
	abi=$("$TOP/scripts/vmtest" --print-boot --kernel "$k" 2>/dev/null | sed -n 's/^abi=//p')
	[ -n "$abi" ] || { echo "Bail out! no test-VM kernel '$k'"; exit 1; }
	export "SEPTBENCH_KERNEL_${k^^}=$abi"
done
# The unit goes to a scratch root (the guest's / is the host's, read-only).
export SEPTBENCH_AB_ROOT=$work/root
unit=$work/root/etc/systemd/system/septbench-ab.service
link=$work/root/etc/systemd/system/multi-user.target.wants/septbench-ab.service

res=$work/res
t0=$(date +%s)
"$TOP/scripts/vmtest" --kernel "$A" --mem 1536 --timeout 1800 -- "$guest" "$res" 0 \
	--driver kexec --yes --rounds 2 "$A" new -- \
	--scenario fault-4k --scenario prefault-4k --mem 16M --reps 3 >"$work/out" 2>"$work/err"
rc=$?
diag "4 boots, 4 runs and the compare in one VM: $(($(date +%s) - t0)) s"
p=$(ls "$res"/ab-*/plan.json 2>/dev/null | head -n 1)
# The exit status is compare's verdict, 0 or 1 (two different kernels may
# well differ); 2 or more is a failure of the ab.
[ "$rc" -le 1 ] && [ "$(jq -r .compare_exit "$p" 2>/dev/null)" = "$rc" ]
ok $? "the kexec ab in the VM exits with compare's status ($rc)"
[ "$rc" -le 1 ] || grep -a '^ab:' "$work/err" | tail -n 6 | sed 's/^/#   /'
is "$(jq -r '[.driver, .status, (.sequence | join(""))] | join(" ")' "$p" 2>/dev/null)" "kexec done ABBA" \
	"plan.json: driver kexec, done, sequence ABBA"
is "$(jq -r '[.steps[] | .side + ":" + .status] | join(" ")' "$p" 2>/dev/null)" "A:done B:done B:done A:done" \
	"every step done, in the balanced order"

# What booted, from the runs themselves, in step order.
booted=$(jq -r '.steps[].run' "$p" | while read -r r; do
	jq -r '.env.kernel.release // .env.host.kernel_release' "$(dirname "$p")/$r/meta.json"
done | paste -sd ' ')
want=$(jq -r '[.sequence[] as $s | .sides[$s].release] | join(" ")' "$p")
is "$booted" "$want" "the runs' recorded kernels follow the plan: $want"
is "$(jq -r '[.steps[].booted.release] | join(" ")' "$p")" "$want" "and each step recorded its booted kernel"
is "$(grep -ac '^ab-kexec-guest: boot of' "$work/err")" 4 "vmtest's init ran the command in 4 boots"
is "$(grep -a '^ab-kexec-guest: boot of' "$work/err" | awk '{ print $4 }' | tr -d , | paste -sd ' ')" "$want" \
	"the boots came in the planned order of kernels"
is "$(jq -r '[.steps[].boot_id] | unique | length' "$p")" 4 "each step ran in a boot of its own"
is "$(jq -r '[range(1; 4) as $k | .steps[$k].kexec.from_boot_id == .steps[$k - 1].boot_id] | all' "$p")" true \
	"steps 2-4 each resumed after a kexec from the previous step's boot"
last=$(tail -n 1 "$work/out")
is "$last" "$(dirname "$p")/compare" "the last line of output is the compare folder"
[ -s "$last/report.md" ] && [ -s "$last/report.json" ] &&
	[ -n "$(ls "$last"/*.png 2>/dev/null)" ] && [ -n "$(ls "$last"/*.svg 2>/dev/null)" ]
ok $? "the compare folder holds the report and plots"
[ ! -e "$unit" ] && [ ! -L "$link" ] && [ ! -e "$res/ab.current" ]
ok $? "at the end: no unit, no pointer"

# --abort in the middle.
res=$work/abort
SEPTBENCH_AB_STOP_AFTER=1 "$TOP/scripts/vmtest" --kernel "$A" --mem 1536 --timeout 900 -- "$guest" "$res" 0 \
	--driver kexec --yes --rounds 2 "$A" new -- \
	--scenario prefault-4k --mem 16M --reps 2 >"$work/out2" 2>"$work/err2"
rc=$?
p=$(ls "$res"/ab-*/plan.json 2>/dev/null | head -n 1)
is "$rc:$(jq -r '[.status, (.steps[] | .status)] | join(" ")' "$p" 2>/dev/null)" \
	"0:running done pending pending pending" "stopped after step 1 (SEPTBENCH_AB_STOP_AFTER=1)"
[ "$rc" = 0 ] || grep -a '^ab:' "$work/err2" | tail -n 6 | sed 's/^/#   /'
[ -f "$unit" ] && [ -L "$link" ] && [ -f "$res/ab.current" ]
ok $? "in the middle: the unit and the pointer are there"
# kexec -u on this host is not the test's business.
SEPTBENCH_AB_KEXEC=true run "$TOP/scripts/ab" --results "$res" --abort
[ "$RC" = 0 ] && [ ! -e "$unit" ] && [ ! -L "$link" ] && [ ! -e "$res/ab.current" ] &&
	[ ! -e "$(dirname "$p")/lock" ]
ok $? "--abort: no unit, no pointer, no lock left"
[ "$(jq -r .status "$p")" = aborted ] && [ -d "$(dirname "$p")/$(jq -r '.steps[0].run' "$p")" ]
ok $? "the plan says aborted and step 1's run stays"
done_testing
