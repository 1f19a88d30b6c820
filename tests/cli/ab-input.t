#!/usr/bin/env bash
# scripts/ab without a VM: bad input is refused with one line and exit 2
# before anything is built, booted or written; Ctrl-C during a step marks
# it incomplete and --resume redoes it; a run on the wrong kernel fails
# its step; the kexec driver's resume unit comes and goes with the ab.
# The test VM is tests/lib/fake-vmtest (real fixture runs, copied), and
# kexec/systemctl are fakes that log, under a scratch system root.
. "$(dirname "$0")/../lib/tap.sh"

command -v jq >/dev/null || skip_all "jq not installed (make deps)"
plan 60
work=$(mktemp -d "$TOP/.ab-input.XXXXXX")
trap 'rm -rf "$work"' EXIT
AB=$TOP/scripts/ab
export SEPTBENCH_AB_VMTEST=$TOP/tests/lib/fake-vmtest
unset KSRC SEPTBENCH_VMTEST_ACCEL SEPTBENCH_AB_STOP_AFTER

# Refused: exit 2, one line, no results folder at all.
bad()
{
	local what=$1
	shift
	run "$AB" --results "$work/bad" "$@"
	is "$RC:$(lines "$ERR"):$([ -e "$work/bad" ] && echo written || echo none)" "2:1:none" \
		"bad input, $what: exit 2, one line, nothing written"
	[ "$RC" = 2 ] || diag "$ERR"
}

# A kernel git tree in miniature, and a tree that is not a kernel's.
ktree=$work/linux
mkdir -p "$ktree/arch/x86"
printf 'VERSION = 7\nPATCHLEVEL = 2\n' >"$ktree/Makefile"
: >"$ktree/Kconfig"
git -C "$ktree" init -q && git -C "$ktree" add -A &&
	git -C "$ktree" -c user.name=t -c user.email=t@t commit -q -m base
notkernel=$work/notkernel
mkdir -p "$notkernel" && git -C "$notkernel" init -q

bad "unknown kernel spec" nosuch-kernel new
bad "missing bzImage" "$work/no/bzImage" new
bad "a file that is no bzImage" "$ktree/Makefile:$work" new
bad "missing modules folder" old "$TOP/tests/lib/tap.sh:$work/no-modules"
bad "one kernel only" old
bad "ROUNDS 0" --rounds 0 old new
bad "ROUNDS not a number" --rounds two old new
bad "ROUNDS negative" --rounds -1 old new
bad "rev: without KSRC" rev:HEAD new
KSRC=$work/none bad "KSRC missing" rev:HEAD new
KSRC=$notkernel bad "KSRC a git tree but no kernel's" rev:HEAD new
KSRC=$ktree bad "a revision that does not resolve" rev:no-such-rev new
if [ -e "$TOP/scripts/kbuild" ]; then
	printf 'ok %d # skip scripts/kbuild exists: a good revision would be built\n' $((_tap_n += 1))
else
	KSRC=$ktree bad "a good revision but no scripts/kbuild" rev:HEAD new
fi
bad "--out in the run options" old new -- --scenario fault-4k --out x
bad "test-VM kernels with --driver kexec" --driver kexec --yes old new
bad "an unknown driver" --driver xen old new
bad "--resume with nothing in progress" --resume
bad "--abort with nothing in progress" --abort

plan_of() { ls "$1"/ab-*/plan.json 2>/dev/null | head -n 1; }

# --- Ctrl-C in the middle of a step, then --resume -----------------------------

res=$work/res
set -m	# job control: the background ab gets SIGINT as it would from a terminal
FAKE_SLEEP=60 "$AB" --results "$res" --short old new >"$work/int.out" 2>"$work/int.err" &
pid=$!
set +m
for _ in $(seq 100); do
	p=$(plan_of "$res")
	[ -n "$p" ] && [ "$(jq -r '.steps[0].status' "$p")" = running ] &&
		[ -n "$(ls "$res"/ab-*/runs 2>/dev/null)" ] && break
	sleep 0.2
done
kill -INT "$pid"
wait "$pid"
is "$?" 130 "Ctrl-C during step 1: exit 130"
p=$(plan_of "$res")
is "$(jq -r '[.status, .steps[0].status, .steps[1].status] | join(" ")' "$p")" "running incomplete pending" \
	"plan.json: the ab goes on, step 1 incomplete, step 2 pending"
[ -n "$(jq -r '.steps[0].run // empty' "$p")" ] && [ -d "$(dirname "$p")/$(jq -r '.steps[0].run' "$p")" ]
ok $? "the interrupted run's folder is recorded and stays"
[ -f "$res/ab.current" ]
ok $? "the pointer names the ab in progress"
run "$AB" --results "$res" old new
is "$RC:$(lines "$ERR")" "2:1" "a second ab while one is in progress: exit 2, one line"
is "$(ls -d "$res"/ab-* | wc -l)" 1 "and it wrote no second ab folder"
run "$AB" --results "$res" --status
grep -q 'step 1/4  round 1  A  incomplete' <<<"$OUT"
ok $? "--status shows step 1 incomplete"

run "$AB" --results "$res" --resume
# 0 or 1: compare's verdict (1 a significant regression of B).
resume_rc=$RC
case $RC in 0 | 1) r=0 ;; *) r=1 ;; esac
ok $r "--resume finishes the ab (exit $RC)"
[ "$r" = 0 ] || diag "$(tail -n 5 <<<"$ERR")"
is "$(jq -r '[.steps[] | .side + ":" + .status] | join(" ")' "$p")" "A:done B:done B:done A:done" \
	"all 4 steps done, in the order ABBA"
grep -q 'same build' <<<"$ERR"
ok $((!$?)) "runs that record no build id raise no same-build warning"
is "$(jq -r '.sequence | join("")' "$p")" ABBA "plan.json's sequence is ABBA"
is "$(jq -r '.steps[0].attempts[0].status' "$p")" incomplete "step 1 keeps its interrupted attempt"
is "$(jq -r '[.steps[] | .booted.release] | join(" ")' "$p")" \
	"$(jq -r '[.sides.A.release, .sides.B.release, .sides.B.release, .sides.A.release] | join(" ")' "$p")" \
	"each step recorded the kernel of its side"
last=$(tail -n 1 <<<"$OUT")
is "$last" "$(dirname "$p")/compare" "the last line is the compare folder"
[ -s "$last/report.md" ] && [ -s "$last/report.json" ]
ok $? "the compare folder holds the report"
is "$(jq -r .status "$p"):$([ -e "$res/ab.current" ] && echo pointer || echo none)" "done:none" \
	"the plan is done and the pointer gone"
[ "$(jq -r '.runs | length' "$last/report.json" 2>/dev/null)" -ge 2 ] &&
	[ "$(jq -r '.runs[0].boots | length' "$last/report.json")" = 2 ] &&
	[ "$(jq -r 'if .regression then 1 else 0 end' "$last/report.json")" = "$resume_rc" ]
ok $? "report.json compares both sides, 2 boots each, and the exit status is its verdict"

# --- a run on the wrong kernel -------------------------------------------------

res=$work/wrong
FAKE_BOOTED=9.9.9-wrong run "$AB" --results "$res" --rounds 1 --short old new
p=$(plan_of "$res")
is "$RC" 3 "a run that booted another kernel: exit 3"
is "$(jq -r '[.status, .steps[0].status, .steps[1].status] | join(" ")' "$p")" "failed failed pending" \
	"the step and the ab are failed, the rest not run"
grep -q 'booted 9.9.9-wrong' <<<"$(jq -r '.steps[0].reason' "$p")"
ok $? "the reason names the kernel that booted"
run "$AB" --results "$res" --abort
is "$RC:$(jq -r .status "$p"):$([ -e "$res/ab.current" ] && echo pointer || echo none)" "0:aborted:none" \
	"--abort: the plan is aborted and the pointer gone"

# --- build ids: learnt from the first run of a side, then held to -----------

res=$work/bid
FAKE_BID_old=aaaa FAKE_BID_new=bbbb SEPTBENCH_AB_STOP_AFTER=1 run "$AB" --results "$res" --short old new
p=$(plan_of "$res")
is "$RC:$(jq -r '.sides.A.build_id + " " + .sides.A.build_id_from' "$p")" "0:aaaa step 1" \
	"A's build id comes from its first run"
FAKE_BID_old=cccc FAKE_BID_new=bbbb run "$AB" --results "$res" --resume
is "$RC:$(jq -r '[.steps[] | .status] | join(" ")' "$p")" "3:done done done failed" \
	"a later run of A on another build of the same release fails its step"
grep -q 'booted build cccc, but A is build aaaa' <<<"$(jq -r '.steps[3].reason' "$p")"
ok $? "the reason names both builds"
grep -q 'same build' <<<"$ERR"
ok $((!$?)) "no same-build warning for two builds"
run "$AB" --results "$res" --abort
rm -rf "$res"
FAKE_BID_old=dddd FAKE_BID_new=dddd run "$AB" --results "$res" --rounds 1 --short old new
grep -q 'warning: A and B are the same build (dddd)' <<<"$ERR"
ok $? "A and B of the same build: warned"

# --- the kexec driver's unit and commands, on a fake host ----------------------

root=$work/root kroot=$work/kroot
mkdir -p "$root/boot" "$root/run/systemd/system" "$kroot/proc/sys/kernel/random" \
	"$kroot/sys/module/kvm_intel/parameters"
for r in 1.0-a 1.0-b; do
	: >"$root/boot/vmlinuz-$r"
	: >"$root/boot/initrd.img-$r"
	mkdir -p "$root/lib/modules/$r"
done
echo 9.9-default >"$kroot/proc/sys/kernel/osrelease"
echo boot-0 >"$kroot/proc/sys/kernel/random/boot_id"
echo 'root=/dev/sda1 ro quiet' >"$kroot/proc/cmdline"
echo Y >"$kroot/sys/module/kvm_intel/parameters/tdx"
cat >"$work/fake-cmd" <<'EOF'
#!/bin/sh
echo "${0##*/} $*" >>"$FAKE_CMDS"
EOF
chmod +x "$work/fake-cmd"
ln -s fake-cmd "$work/kexec"
ln -s fake-cmd "$work/systemctl"
export SEPTBENCH_AB_ROOT=$root SEPTBENCH_AB_KROOT=$kroot SEPTBENCH_AB_KEXEC=$work/kexec \
	SEPTBENCH_AB_SYSTEMCTL=$work/systemctl FAKE_CMDS=$work/cmds
unit=$root/etc/systemd/system/septbench-ab.service
link=$root/etc/systemd/system/multi-user.target.wants/septbench-ab.service
res=$work/kx

run setsid -w "$AB" --results "$res" --driver kexec 1.0-a 1.0-b
is "$RC:$(lines "$ERR"):$([ -e "$res" ] && echo written || echo none)" "2:1:none" \
	"kexec without a terminal to confirm and without --yes: exit 2, one line, nothing written"

run "$AB" --results "$res" --driver kexec --yes --append "quiet mitigations=off" 1.0-a 1.0-b
p=$(plan_of "$res")
is "$RC:$OUT" "0:" "kexec, step 1: exit 0 while the host goes down, nothing on stdout"
[ -f "$unit" ] && [ "$(readlink "$link")" = ../septbench-ab.service ]
ok $? "the resume unit is installed and enabled"
grep -qx "ExecStart=\"$TOP/scripts/ab\" --results \"$res\" --resume" "$unit" &&
	grep -qx 'Type=oneshot' "$unit" && grep -qx 'After=multi-user.target' "$unit"
ok $? "the unit runs scripts/ab --resume once, after multi-user.target"
grep -qx "kexec -l $root/boot/vmlinuz-1.0-a --initrd=$root/boot/initrd.img-1.0-a --reuse-cmdline --append=mitigations=off kvm_intel.tdx=1" "$work/cmds"
ok $? "kexec -l loads A with its initramfs, the running command line, and only the missing parameters"
[ "$RC" = 0 ] || diag "$ERR"
grep -q "kexec -l" "$work/cmds" || diag "$(cat "$work/cmds")"
is "$(grep -c '^systemctl' "$work/cmds"):$(tail -n 1 "$work/cmds")" "2:systemctl --no-block kexec" \
	"systemctl: daemon-reload, then kexec (no bootloader change)"
is "$(jq -r '.steps[0].kexec.from_boot_id + " " + .steps[0].status' "$p")" "boot-0 pending" \
	"plan.json: step 1 kexec'd from this boot, still to run"
run "$AB" --results "$res" --driver kexec --yes 1.0-a 1.0-b
is "$RC:$(lines "$ERR")" "2:1" "a second kexec ab is refused while the first is on its way"

# The host came back on its default kernel (a failed kexec, a power cycle).
echo boot-1 >"$kroot/proc/sys/kernel/random/boot_id"
run "$AB" --results "$res" --resume
is "$RC:$(jq -r '.steps[0].status + " " + .status' "$p")" "3:failed failed" \
	"resumed on the wrong kernel: exit 3, step and ab failed"
grep -q 'came up on 9.9-default' <<<"$(jq -r '.steps[0].reason' "$p")"
ok $? "the reason says which kernel came up"
[ ! -e "$unit" ] && [ ! -L "$link" ]
ok $? "the unit is removed, so the next boot stays put"
run "$AB" --results "$res" --abort
[ "$RC" = 0 ] && [ ! -e "$res/ab.current" ] && [ "$(jq -r .status "$p")" = aborted ]
ok $? "--abort after the failure: pointer gone, plan aborted"

# --abort in the middle: after the first kexec.
rm -rf "$res"
: >"$work/cmds"
run "$AB" --results "$res" --driver kexec --yes 1.0-a 1.0-b
[ "$RC" = 0 ] && [ -f "$unit" ]
ok $? "a new kexec ab: step 1 kexec'd, unit installed"
run "$AB" --results "$res" --abort
p=$(plan_of "$res")
is "$RC:$(lines "$OUT")" "0:0" "--abort in the middle: exit 0"
[ ! -e "$unit" ] && [ ! -L "$link" ] && [ ! -e "$res/ab.current" ] && [ ! -e "$(dirname "$p")/lock" ]
ok $? "no unit, no link, no pointer and no lock left"
is "$(jq -r .status "$p"):$(tail -n 1 "$work/cmds")" "aborted:kexec -u" \
	"the plan says aborted and the loaded kernel is unloaded"
done_testing
