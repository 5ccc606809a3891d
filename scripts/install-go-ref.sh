#!/usr/bin/env bash
# Usage: scripts/install-go-ref.sh <tool> [--cached]
# Builds one of the Go reference oracles under tools/<tool>/ (a main package with its go.mod and
# go.sum; e.g. gotemplate-ref for test/gotemplate/, jsonpatch-ref for test/topology/) once and
# caches the binary under
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/tools/<tool>/<hash>/<tool>
# where <hash> covers go.mod, go.sum and main.go, so editing the tool rebuilds it. Library
# versions are pinned in the tool's go.mod; modules come from the Go module proxy. Go's module
# and build caches live under the same cache root, so a rerun is fast.
# stdout is one line, the binary path; progress goes to stderr. `--cached` prints it only if it
# is already built (exit 3 otherwise, nothing built).
set -euo pipefail

TOOL_NAME=${1:-}
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/install-common.sh
source "$SCRIPTS/lib/install-common.sh"
output_result_only

cached_only=false
case "${2:-}" in
  "") ;;
  --cached) cached_only=true ;;
  *) TOOL_NAME="" ;;
esac
if ! [[ $TOOL_NAME =~ ^[a-z0-9][a-z0-9-]*$ ]]; then
  echo "usage: $0 <tool> [--cached]   (a directory under tools/, e.g. gotemplate-ref)" >&2
  exit 2
fi
SRC_DIR=$(dirname "$SCRIPTS")/tools/$TOOL_NAME
if [ ! -f "$SRC_DIR/main.go" ] || [ ! -f "$SRC_DIR/go.mod" ] || [ ! -f "$SRC_DIR/go.sum" ]; then
  echo "error: $SRC_DIR needs main.go, go.mod and go.sum" >&2
  exit 2
fi
CACHE_ROOT=${CLUSTERMINT_CACHE:-${HOME:?HOME is not set}/.cache/clustermint}
TOOLS_DIR=$CACHE_ROOT/tools/$TOOL_NAME

hash=$(cat "$SRC_DIR/go.mod" "$SRC_DIR/go.sum" "$SRC_DIR/main.go" | sha256sum | cut -c1-16)
dest=$TOOLS_DIR/$hash
bin=$dest/$TOOL_NAME

if [ -x "$bin" ]; then
  echo "$TOOL_NAME $hash: cached" >&2
  result "$bin"
  exit 0
fi
$cached_only && cached_only_miss

require_go "$(awk '$1 == "go" { print $2; exit }' "$SRC_DIR/go.mod")"
lock_install "$TOOLS_DIR"
if [ -x "$bin" ]; then
  echo "$TOOL_NAME $hash: built by a concurrent install" >&2
  result "$bin"
  exit 0
fi

tmp=$(mktemp -d "$TOOLS_DIR/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
echo "$TOOL_NAME $hash: go build ..." >&2
(cd "$SRC_DIR" && go build -mod=readonly -o "$tmp/$TOOL_NAME" .)
[ -x "$tmp/$TOOL_NAME" ] || { echo "error: go build produced no $TOOL_NAME binary" >&2; exit 1; }
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
# Nothing below may fail the run: the build is in place.
echo "$TOOL_NAME $hash: built in $((SECONDS - start))s" >&2 || true
result "$bin"
