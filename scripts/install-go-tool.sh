#!/usr/bin/env bash
# Usage: scripts/install-go-tool.sh <tool> [--cached]
# Builds a reference command from the Go module proxy, as published, through a wrapper module
# tools/<tool>/ (go.mod pinning the upstream module, go.sum, and tools.go importing the command's
# main package), and caches it in
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/tools/<tool>/<version>-<hash>/<command>
# <version> is the version go.mod requires of the command's module; <hash> covers go.mod and go.sum.
#   helm      helm.sh/helm/v4/cmd/helm at v4.3.2: the reference of the Helm chart parity tests
#   registry  github.com/distribution/distribution/v3/cmd/registry: the OCI registry of the chart
#             source tests
# stdout is one line, the binary path; progress goes to stderr. `--cached` prints it only if it is
# already built (exit 3 otherwise, nothing built).
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
  echo "usage: $0 <tool> [--cached]   (a wrapper module under tools/, e.g. helm)" >&2
  exit 2
fi
MODULE_DIR=$(dirname "$SCRIPTS")/tools/$TOOL_NAME
for f in go.mod go.sum tools.go; do
  [ -f "$MODULE_DIR/$f" ] || { echo "error: $MODULE_DIR needs go.mod, go.sum and tools.go" >&2; exit 2; }
done
# The command: the one package tools.go imports; its module: the go.mod requirement it starts with.
PKG=$(awk -F'"' '/^import _ "/ { print $2; exit }' "$MODULE_DIR/tools.go")
[ -n "$PKG" ] || { echo "error: $MODULE_DIR/tools.go imports no command (import _ \"...\")" >&2; exit 2; }
read -r MODULE VERSION < <(awk -v p="$PKG" '
  ($1 == "require" && index(p, $2) == 1) { print $2, $3; exit }
  ($2 ~ /^v/ && index(p, $1) == 1) { print $1, $2; exit }' "$MODULE_DIR/go.mod") || true
[ -n "${VERSION:-}" ] || { echo "error: $MODULE_DIR/go.mod does not require the module of $PKG" >&2; exit 2; }
COMMAND=${PKG##*/}
CACHE_ROOT=${CLUSTERMINT_CACHE:-${HOME:?HOME is not set}/.cache/clustermint}
TOOLS_DIR=$CACHE_ROOT/tools/$TOOL_NAME
hash=$(cat "$MODULE_DIR/go.mod" "$MODULE_DIR/go.sum" | sha256sum | cut -c1-12)
dest=$TOOLS_DIR/$VERSION-$hash
bin=$dest/$COMMAND

if [ -x "$bin" ]; then
  echo "$TOOL_NAME $VERSION: cached" >&2
  result "$bin"
  exit 0
fi
$cached_only && cached_only_miss

require_go "$(awk '$1 == "go" { print $2; exit }' "$MODULE_DIR/go.mod")"
lock_install "$TOOLS_DIR"
if [ -x "$bin" ]; then
  echo "$TOOL_NAME $VERSION: built by a concurrent install" >&2
  result "$bin"
  exit 0
fi

# Version stamps, as the upstream release builds set them.
ldflags="-s -w"
case "$MODULE" in
  helm.sh/helm/v*) ldflags="$ldflags -X $MODULE/internal/version.version=$VERSION -X $MODULE/internal/version.gitTreeState=clean" ;;
  github.com/distribution/distribution/v*) ldflags="$ldflags -X $MODULE/version.version=$VERSION" ;;
esac

tmp=$(mktemp -d "$TOOLS_DIR/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
echo "$TOOL_NAME $VERSION: go build $PKG ..." >&2
(cd "$MODULE_DIR" && nice -n 19 go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$tmp/$COMMAND" "$PKG")
[ -x "$tmp/$COMMAND" ] || { echo "error: go build produced no $COMMAND binary" >&2; exit 1; }
# Both answer `version`; a binary that cannot is a broken build.
out=$("$tmp/$COMMAND" version 2>&1) || { echo "error: $tmp/$COMMAND version failed: ${out%%$'\n'*}" >&2; exit 1; }
printf '%s\n' "${out%%$'\n'*}" >&2
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
# Nothing below may fail the run: the build is in place.
echo "$TOOL_NAME $VERSION: built in $((SECONDS - start))s" >&2 || true
result "$bin"
