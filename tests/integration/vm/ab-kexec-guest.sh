#!/bin/sh
# What tests/integration/ab-kexec.t has the test VM run at every boot:
# vmtest's init runs the same command after each kexec, so this is the
# resume hook there (a host uses the systemd unit).  The first boot
# starts the ab, every later one resumes it.
#   ab-kexec-guest.sh RESULTS HUGEPAGES [scripts/ab start options ...]
res=$1 huge=$2
shift 2
top=$(cd "$(dirname "$0")/../../.." && pwd)
# The 2M page pool is a boot-time setting: each kernel gets its own.
echo "$huge" >/proc/sys/vm/nr_hugepages
echo "ab-kexec-guest: boot of $(uname -r), $(cat /proc/sys/kernel/random/boot_id)" >&2
if [ -e "$res/ab.current" ]; then
	exec "$top/scripts/ab" --results "$res" --resume
fi
exec "$top/scripts/ab" --results "$res" "$@"
