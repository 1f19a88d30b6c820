#!/usr/bin/env bash
# septbench run: bad input is caught before anything runs, on any host:
# exit 2, one line on stderr, no results folder.  These checks come
# before the KVM checks (exit 4 where KVM is unusable): the same inputs
# again with /dev/kvm hidden must still say 2.
. "$(dirname "$0")/../lib/tap.sh"

plan 24
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bad WHAT WANT_IN_STDERR ARGS...: exit 2, one line naming WANT, no folder
bad()
{
	local what=$1 want=$2
	shift 2
	rm -rf "$tmp/out"
	run "$SEPTBENCH" run --out "$tmp/out" --mem 4M --reps 1 --quiet --no-counters "$@"
	is "$RC:$(lines "$ERR"):$([ -e "$tmp/out" ] && echo folder || echo none)" "2:1:none" \
		"$what: exit 2, one line, no results folder"
	case $ERR in *"$want"*) r=0 ;; *) r=1 ;; esac
	ok $r "$what: the line says '$want'"
	[ $r = 0 ] || diag "stderr: $ERR"
}

printf 'fault-4k\nzap-dontneed\nfault-4k vcpus=2\n' >"$tmp/twice.suite"
printf 'fault-4k\nzap-dontneed name=fault-4k\n' >"$tmp/renamed.suite"
printf 'fault-4k\nchurn vcpus=1024\n' >"$tmp/vcpus.suite"
printf 'fault-4k name=meta\n' >"$tmp/meta.suite"
touch "$tmp/file"

bad "--scenario twice" "--scenario fault-4k given twice" --scenario fault-4k --scenario fault-4k
bad "a suite listing a scenario twice" "twice.suite:3: fault-4k is already on line 1" \
	--suite "$tmp/twice.suite"
bad "a suite renaming one onto another" "renamed.suite:2: fault-4k is already on line 1" \
	--suite "$tmp/renamed.suite"
bad "a scenario named meta" "cannot be named meta" --suite "$tmp/meta.suite"
bad "--vcpus 1024" "1024 vCPUs, the guest payload runs at most 512" --scenario fault-4k --vcpus 1024
bad "--vcpus 513" "at most 512" --scenario fault-4k --vcpus 513
bad "a suite override vcpus=1024" "churn: 1024 vCPUs" --suite "$tmp/vcpus.suite"
bad "--out naming a regular file" "exists and is not a folder" --scenario fault-4k --out "$tmp/file"
bad "--out through a regular file" "Not a directory" --scenario fault-4k --out "$tmp/file/sub"
[ -f "$tmp/file" ] && [ ! -s "$tmp/file" ]
ok $? "--out's regular file is left as it was"

# The same inputs where KVM cannot be opened: still bad input, not exit 4.
if unshare -m true 2>/dev/null; then
	hidden()
	{
		run unshare -m sh -c 'mount -t tmpfs none /dev && exec "$@"' sh \
			"$SEPTBENCH" run --out "$tmp/out" --mem 4M --reps 1 --quiet "$@"
	}
	hidden --scenario fault-4k
	case $RC in 4 | 1) r=0 ;; *) r=1 ;; esac
	ok $r "without /dev/kvm a good run cannot start (exit $RC, not 0 or 2)"
	hidden --scenario fault-4k --scenario fault-4k
	is "$RC" 2 "without /dev/kvm: a scenario twice is still exit 2"
	hidden --scenario fault-4k --vcpus 1024
	is "$RC" 2 "without /dev/kvm: --vcpus 1024 is still exit 2"
	hidden --scenario fault-4k --out "$tmp/file"
	is "$RC" 2 "without /dev/kvm: --out on a file is still exit 2"
else
	for i in 1 2 3 4; do ok 0 "# SKIP unshare -m not permitted"; done
fi

# A rename makes two runs of one scenario legitimate: not bad input.
printf 'fault-4k\nfault-4k name=fault-4k-2v vcpus=2\n' >"$tmp/ok.suite"
run "$SEPTBENCH" run --out "$tmp/ok" --mem 4M --reps 1 --quiet --no-counters --suite "$tmp/ok.suite"
[ "$RC" != 2 ]
ok $? "a suite running fault-4k twice under two names is not bad input (exit $RC)"
done_testing
