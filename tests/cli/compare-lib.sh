# shellcheck shell=bash
# Sourced by the compare tests: TAP helpers, the synthetic result
# generator in GEN, a scratch folder in T removed at exit.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"

GEN=$TOP/tests/lib/gen-results
command -v python3 >/dev/null || skip_all "python3 needed by the result generator"
command -v jq >/dev/null || skip_all "jq needed"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
