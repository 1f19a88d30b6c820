# shellcheck shell=bash disable=SC2016,SC2034 # jq's $variables; AB_PHASE is the caller's
# scripts/ab's kexec driver: switch kernels without the bootloader, and
# resume after each boot.
#
# The resume hook is a systemd unit, septbench-ab.service, installed and
# enabled for the duration of the ab and removed when it stops; inside a
# vmtest guest it is vmtest's own init, which runs the same command again
# after the kexec (the unit is then written only under $SEPTBENCH_AB_ROOT,
# for the tests).  The bootloader's default is never touched: a kernel
# that does not come up leaves the host on its usual kernel at the next
# power cycle, and the resumed ab sees the wrong kernel and stops.
#
# Sets AB_PHASE=kexec once the reboot is under way (scripts/ab's signal
# handler then just exits).  $AB_ROOT is the system root (/etc/systemd/system, /run/systemd), and
# $AB_KEXEC / $AB_SYSTEMCTL the commands, all overridable for the tests.

AB_UNIT_NAME=septbench-ab.service

ab_unit_path() { printf '%s/etc/systemd/system/%s\n' "$AB_ROOT" "$AB_UNIT_NAME"; }
ab_unit_link() { printf '%s/etc/systemd/system/multi-user.target.wants/%s\n' "$AB_ROOT" "$AB_UNIT_NAME"; }
ab_have_systemd() { [ -d "$AB_ROOT/run/systemd/system" ]; }
ab_in_vmtest() { [ -n "${SEPTBENCH_VMTEST_ACCEL:-}" ]; }

# Does this host get a unit?  In a vmtest guest the init is the hook, and
# / is the host's, read-only.
ab_unit_wanted() { ! ab_in_vmtest || [ "$AB_ROOT" != "" ]; }

ab_hook_install()
{
	local unit link

	ab_unit_wanted || return 0
	unit=$(ab_unit_path) link=$(ab_unit_link)
	mkdir -p "${link%/*}" || die "cannot create ${link%/*}"
	cat >"$unit.tmp" <<EOF || die "cannot write $unit"
# Installed by septbench scripts/ab for ${AB_DIR##*/}; removed when it ends
# or on \`scripts/ab --abort\`.  Resumes the A/B rounds after each kexec.
[Unit]
Description=septbench A/B rounds: resume ${AB_DIR##*/} after a kexec
After=multi-user.target
ConditionPathExists=$(ab_pointer)

[Service]
Type=oneshot
ExecStart="$TOP/scripts/ab" --results "$AB_RESULTS" --resume
TimeoutStartSec=infinity
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
EOF
	mv -f "$unit.tmp" "$unit" || die "cannot write $unit"
	# What `systemctl enable` does, done by hand so that a test root
	# without systemd gets the same files.
	ln -sfn "../$AB_UNIT_NAME" "$link" || die "cannot enable $unit"
	if ab_have_systemd; then
		"$AB_SYSTEMCTL" daemon-reload || say "warning: systemctl daemon-reload failed"
	fi
}

ab_hook_remove()
{
	local unit link

	unit=$(ab_unit_path) link=$(ab_unit_link)
	[ -e "$unit" ] || [ -L "$link" ] || return 0
	rm -f "$link" "$unit" "$unit.tmp"
	if ab_have_systemd; then
		"$AB_SYSTEMCTL" daemon-reload || say "warning: systemctl daemon-reload failed"
	fi
	say "removed the resume hook $unit"
}

# Kernel parameters to add to the running command line: --append's, and
# kvm_intel.tdx=1 when the running kvm_intel has TDX on (a TDX host) and
# the command line does not say so itself.  Ones already there are not
# repeated, so they do not pile up over the kexecs.
ab_kexec_append()
{
	local cmdline w out=""

	cmdline=" $(cat "$AB_KROOT/proc/cmdline" 2>/dev/null) "
	set -f
	# shellcheck disable=SC2086 # word splitting wanted
	set -- $1
	set +f
	if [ "$(cat "$AB_KROOT/sys/module/kvm_intel/parameters/tdx" 2>/dev/null)" = Y ] &&
	   [[ $cmdline != *" kvm_intel.tdx="* ]]; then
		set -- "$@" kvm_intel.tdx=1
	fi
	for w in "$@"; do
		[[ $cmdline == *" $w "* ]] || [[ " $out " == *" $w "* ]] || out+=${out:+ }$w
	done
	printf '%s\n' "$out"
}

# Load step $1's kernel (its side loaded by step_load) and kexec into it.
# Returns only when that failed or when the reboot was handed to systemd;
# the caller then exits.
ab_kexec_into()
{
	local i=$1 append args boot

	read -r boot <"$AB_KROOT/proc/sys/kernel/random/boot_id"
	append=$(ab_kexec_append "$(plan_get '.kexec.append // ""')")
	args=(-l "$SD_VMLINUZ" --initrd="$SD_INITRD" --reuse-cmdline)
	[ -z "$append" ] || args+=(--append="$append")
	step_set "$i" '.kexec = {from_boot_id: $b, at: (now | todate), kernel: $k, append: $a}' \
		--arg b "$boot" --arg k "$SD_VMLINUZ" --arg a "$append"
	say "step $((i + 1))/$ST_N: kexec into $ST_SIDE, $SD_SPEC (${SD_REL:-?})"
	sync
	if ! "$AB_KEXEC" "${args[@]}"; then
		step_set "$i" '.kexec.error = "kexec -l failed"'
		return 1
	fi
	# From here a SIGTERM is the shutdown we asked for.
	AB_PHASE=kexec
	sync
	if ab_have_systemd; then
		# --no-block: systemd stops this very unit on the way down.
		"$AB_SYSTEMCTL" --no-block kexec && return 0
	else
		"$AB_KEXEC" -e && return 0
	fi
	AB_PHASE=""
	"$AB_KEXEC" -u 2>/dev/null
	step_set "$i" '.kexec.error = "the kexec did not start"'
	return 1
}
