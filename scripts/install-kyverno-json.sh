#!/usr/bin/env bash
# Installs the kyverno-json reference CLI (the oracle of the differential tests) into a cache dir:
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/tools/kyverno-json/<version>/kyverno-json
# The pin is main@bd9932a0 (see docs: shared reference kyverno-json.md §0, §10). If the module proxy
# refuses that pseudo-version, the downstream pin b294ee72 (identical Go code) is used instead.
# Go's module and build caches live under the same cache root, so a rerun is fast.
# Progress goes to stderr; the LAST line on stdout is the binary path.
# Overrides: KYVERNO_JSON_VERSION=<version> installs exactly that version (no fallback).
set -euo pipefail

PRIMARY=v0.0.4-0.20241009113919-bd9932a0f946 # main @ bd9932a0f94638621565e4ebf503cffeb76862f3
FALLBACK=v0.0.4-0.20241008103124-b294ee72a2bf # b294ee72: differs from bd9932a0 only in .github/workflows
MODULE=github.com/kyverno/kyverno-json

CACHE_ROOT=${CLUSTERMINT_CACHE:-${HOME:?HOME is not set}/.cache/clustermint}
TOOLS_DIR=$CACHE_ROOT/tools/kyverno-json

if [ -n "${KYVERNO_JSON_VERSION:-}" ]; then
  candidates=("$KYVERNO_JSON_VERSION")
else
  candidates=("$PRIMARY" "$FALLBACK")
fi

# A cached binary of any candidate (in preference order) is reused without needing Go.
for v in "${candidates[@]}"; do
  bin=$TOOLS_DIR/$v/kyverno-json
  if [ -x "$bin" ]; then
    echo "kyverno-json $v: cached" >&2
    echo "$bin"
    exit 0
  fi
done

TOOL_NAME=kyverno-json
# shellcheck source=lib/go-env.sh
source "$(dirname "$0")/lib/go-env.sh"
last_status=1
for v in "${candidates[@]}"; do
  dest=$TOOLS_DIR/$v
  tmp=$(mktemp -d "$TOOLS_DIR/.install-XXXXXX")
  echo "kyverno-json $v: go install $MODULE@$v ..." >&2
  start=$SECONDS
  if GOBIN=$tmp go install "$MODULE@$v" >&2; then
    [ -x "$tmp/kyverno-json" ] || { echo "error: go install produced no kyverno-json binary" >&2; exit 1; }
    rm -rf "$dest"
    mv "$tmp" "$dest"
    echo "kyverno-json $v: installed in $((SECONDS - start))s" >&2
    echo "$dest/kyverno-json"
    exit 0
  else
    last_status=$?
    rm -rf "$tmp"
    echo "kyverno-json $v: go install failed (exit $last_status)" >&2
  fi
done

echo "error: could not install kyverno-json (tried: ${candidates[*]})" >&2
exit "$last_status"
