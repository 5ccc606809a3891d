#!/usr/bin/env bash
# Builds the Go text/template + sprig reference (tools/gotemplate-ref, the oracle of
# test/gotemplate/differential.test.ts) once and caches the binary under
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/tools/gotemplate-ref/<hash>/gotemplate-ref
# where <hash> covers go.mod, go.sum and main.go, so editing the tool rebuilds it.
# The sprig version is pinned in tools/gotemplate-ref/go.mod; text/template is the installed Go's.
# Go's module and build caches live under the same cache root, so a rerun is fast.
# Progress goes to stderr; the LAST line on stdout is the binary path.
set -euo pipefail

SRC_DIR=$(cd "$(dirname "$0")/../tools/gotemplate-ref" && pwd)
CACHE_ROOT=${CLUSTERMINT_CACHE:-${HOME:?HOME is not set}/.cache/clustermint}
TOOLS_DIR=$CACHE_ROOT/tools/gotemplate-ref

hash=$(cat "$SRC_DIR/go.mod" "$SRC_DIR/go.sum" "$SRC_DIR/main.go" | sha256sum | cut -c1-16)
dest=$TOOLS_DIR/$hash
bin=$dest/gotemplate-ref

if [ -x "$bin" ]; then
  echo "gotemplate-ref $hash: cached" >&2
  echo "$bin"
  exit 0
fi

TOOL_NAME=gotemplate-ref
# shellcheck source=lib/go-env.sh
source "$(dirname "$0")/lib/go-env.sh"
tmp=$(mktemp -d "$TOOLS_DIR/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
echo "gotemplate-ref $hash: go build ..." >&2
(cd "$SRC_DIR" && go build -mod=readonly -o "$tmp/gotemplate-ref" .) >&2
[ -x "$tmp/gotemplate-ref" ] || { echo "error: go build produced no gotemplate-ref binary" >&2; exit 1; }
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "gotemplate-ref $hash: built in $((SECONDS - start))s" >&2
echo "$bin"
