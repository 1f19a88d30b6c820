# shellcheck shell=bash
# TAP helpers for the shell tests run by prove.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SEPTBENCH=$TOP/build/septbench
_tap_n=0
_tap_failed=0

plan() { printf '1..%s\n' "$1"; }
skip_all() { printf '1..0 # SKIP %s\n' "$*"; exit 0; }
diag() { printf '# %s\n' "$@"; }

# ok COND_STATUS DESCRIPTION: pass when the status is 0.
ok()
{
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$_tap_n" "$2"
	else
		printf 'not ok %d - %s\n' "$_tap_n" "$2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# is GOT WANT DESCRIPTION
is()
{
	[ "$1" = "$2" ]
	ok $? "$3" || true
	[ "$1" = "$2" ] || diag "got '$1', want '$2'"
}

# Run a command capturing stdout, stderr and status in OUT, ERR, RC.
run()
{
	local o e

	o=$(mktemp) e=$(mktemp)
	"$@" >"$o" 2>"$e"
	RC=$?
	OUT=$(cat "$o")
	ERR=$(cat "$e")
	rm -f "$o" "$e"
}

lines() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l; }

done_testing() { exit $((_tap_failed > 0)); }
