#!/usr/bin/env bash
# Installs the kyverno-json reference CLI (the oracle of the differential tests) into a cache dir:
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/tools/kyverno-json/<version>/kyverno-json
# The pin is main@bd9932a0 (see docs: shared reference kyverno-json.md §0, §10). If the module proxy
# refuses that pseudo-version, the downstream pin b294ee72 (identical Go code) is used instead.
# Go's module and build caches live under the same cache root, so a rerun is fast.
# stdout is one line, the binary path; progress goes to stderr. `--cached` prints it only if it
# is already installed (exit 3 otherwise, nothing built).
# Overrides: KYVERNO_JSON_VERSION=<version> installs exactly that version (no fallback).
set -euo pipefail

PRIMARY=v0.0.4-0.20241009113919-bd9932a0f946 # main @ bd9932a0f94638621565e4ebf503cffeb76862f3
FALLBACK=v0.0.4-0.20241008103124-b294ee72a2bf # b294ee72: differs from bd9932a0 only in .github/workflows
MODULE=github.com/kyverno/kyverno-json

TOOL_NAME=kyverno-json
# shellcheck source=lib/install-common.sh
source "$(dirname "$0")/lib/install-common.sh"
output_result_only

cached_only=false
case "${1:-}" in
  "") ;;
  --cached) cached_only=true ;;
  *) echo "usage: $0 [--cached]" >&2; exit 2 ;;
esac

CACHE_ROOT=${CLUSTERMINT_CACHE:-${HOME:?HOME is not set}/.cache/clustermint}
TOOLS_DIR=$CACHE_ROOT/tools/kyverno-json

if [ -n "${KYVERNO_JSON_VERSION:-}" ]; then
  candidates=("$KYVERNO_JSON_VERSION")
else
  candidates=("$PRIMARY" "$FALLBACK")
fi

# A cached binary of any candidate (in preference order) is reused without needing Go.
find_cached() {
  local v
  for v in "${candidates[@]}"; do
    if [ -x "$TOOLS_DIR/$v/kyverno-json" ]; then
      echo "kyverno-json $v: cached" >&2
      result "$TOOLS_DIR/$v/kyverno-json"
      return 0
    fi
  done
  return 1
}

find_cached && exit 0
$cached_only && cached_only_miss

require_go
lock_install "$TOOLS_DIR"
find_cached && exit 0

last_status=1
for v in "${candidates[@]}"; do
  dest=$TOOLS_DIR/$v
  tmp=$(mktemp -d "$TOOLS_DIR/.install-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "kyverno-json $v: go install $MODULE@$v ..." >&2
  start=$SECONDS
  if GOBIN=$tmp go install "$MODULE@$v"; then
    [ -x "$tmp/kyverno-json" ] || { echo "error: go install produced no kyverno-json binary" >&2; exit 1; }
    rm -rf "$dest"
    mv "$tmp" "$dest"
    trap - EXIT
    # Nothing below may fail the run: the install is in place.
    echo "kyverno-json $v: installed in $((SECONDS - start))s" >&2 || true
    result "$dest/kyverno-json"
    exit 0
  else
    last_status=$?
    rm -rf "$tmp"
    trap - EXIT
    echo "kyverno-json $v: go install failed (exit $last_status)" >&2
  fi
done

echo "error: could not install kyverno-json (tried: ${candidates[*]})" >&2
exit "$last_status"
