#!/usr/bin/env bash
# Builds clusterctl (the reference of the offline ClusterClass differential test: its
# `alpha topology plan` runs Cluster API's own topology engine on files) from the Go module proxy
# and caches it in
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/tools/clusterctl/<version>-<hash>/clusterctl
# The version is pinned in tools/clusterctl/go.mod (v1.10.10: the newest v1.10.x the proxy serves;
# the command was removed in v1.11.0); <hash> covers go.mod and go.sum.
# stdout is one line, the binary path; progress goes to stderr. `--cached` prints it only if it is
# already built (exit 3 otherwise, nothing built).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODULE_DIR=$ROOT/tools/clusterctl
TOOL_NAME=clusterctl
# shellcheck source=lib/install-common.sh
source "$ROOT/scripts/lib/install-common.sh"
output_result_only

cached_only=false
case "${1:-}" in
  "") ;;
  --cached) cached_only=true ;;
  *) echo "usage: $0 [--cached]" >&2; exit 2 ;;
esac

# `require M V` on one line, or `M V` inside a require block.
VERSION=$(awk -v m=sigs.k8s.io/cluster-api '$1 == "require" && $2 == m { print $3; exit } $1 == m && $2 ~ /^v/ { print $2; exit }' "$MODULE_DIR/go.mod")
[ -n "$VERSION" ] || { echo "error: $MODULE_DIR/go.mod does not require sigs.k8s.io/cluster-api" >&2; exit 1; }
hash=$(cat "$MODULE_DIR/go.mod" "$MODULE_DIR/go.sum" | sha256sum | cut -c1-12)
CACHE_ROOT=${CLUSTERMINT_CACHE:-${HOME:?HOME is not set}/.cache/clustermint}
TOOLS_DIR=$CACHE_ROOT/tools/clusterctl
dest=$TOOLS_DIR/$VERSION-$hash
bin=$dest/clusterctl

if [ -x "$bin" ]; then
  echo "clusterctl $VERSION: cached" >&2
  result "$bin"
  exit 0
fi
$cached_only && cached_only_miss

require_go "$(awk '$1 == "go" { print $2; exit }' "$MODULE_DIR/go.mod")"
lock_install "$TOOLS_DIR"
if [ -x "$bin" ]; then
  echo "clusterctl $VERSION: built by a concurrent install" >&2
  result "$bin"
  exit 0
fi

tmp=$(mktemp -d "$TOOLS_DIR/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
echo "clusterctl $VERSION: go build ..." >&2
ldflags="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$VERSION -X sigs.k8s.io/cluster-api/version.gitTreeState=clean"
(cd "$MODULE_DIR" && nice -n 19 go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$tmp/clusterctl" sigs.k8s.io/cluster-api/cmd/clusterctl)
[ -x "$tmp/clusterctl" ] || { echo "error: go build produced no clusterctl binary" >&2; exit 1; }
# clusterctl has a `version` command, no --version flag.
out=$("$tmp/clusterctl" version 2>&1) || { echo "error: $tmp/clusterctl version failed: ${out%%$'\n'*}" >&2; exit 1; }
printf '%s\n' "${out%%$'\n'*}" >&2
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
# Nothing below may fail the run: the build is in place.
echo "clusterctl $VERSION: built in $((SECONDS - start))s" >&2 || true
result "$bin"
