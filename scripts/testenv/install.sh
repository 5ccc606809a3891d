#!/usr/bin/env bash
# Builds the test environment's binaries -- kube-apiserver and etcd -- from the Go module proxy
# and caches them in
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/testenv/<kubernetes version>-<etcd version>/
# The versions are pinned in tools/testenv/go.mod (a wrapper module: see the comment there).
# Go's module and build caches live under the same cache root, so a rebuild reuses them.
# A second run finds the binaries and returns at once, without needing Go.
# stdout is one line, the directory holding both binaries; progress goes to stderr.
# `--cached` prints it only if it is already built (exit 3 otherwise, nothing built).
# Usage in .ci/run:  export CLUSTERMINT_TESTENV_DIR=$(scripts/testenv/install.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODULE_DIR=$ROOT/tools/testenv
TOOL_NAME=testenv
# shellcheck source=../lib/install-common.sh
source "$ROOT/scripts/lib/install-common.sh"
output_result_only

cached_only=false
case "${1:-}" in
  "") ;;
  --cached) cached_only=true ;;
  *) echo "usage: $0 [--cached]" >&2; exit 2 ;;
esac

# The pins are the wrapper module's requirements; the test setup reads them the same way.
pin() { awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$MODULE_DIR/go.mod"; }
K8S_VERSION=$(pin k8s.io/kubernetes)
ETCD_VERSION=$(pin go.etcd.io/etcd/server/v3)
if [ -z "$K8S_VERSION" ] || [ -z "$ETCD_VERSION" ]; then
  echo "error: $MODULE_DIR/go.mod does not require k8s.io/kubernetes and go.etcd.io/etcd/server/v3" >&2
  exit 1
fi

CACHE_ROOT=${CLUSTERMINT_CACHE:-${HOME:?HOME is not set}/.cache/clustermint}
DEST=$CACHE_ROOT/testenv/$K8S_VERSION-$ETCD_VERSION

have_binaries() { [ -x "$DEST/kube-apiserver" ] && [ -x "$DEST/etcd" ]; }

if have_binaries; then
  echo "testenv $K8S_VERSION-$ETCD_VERSION: cached" >&2
  result "$DEST"
  exit 0
fi
$cached_only && cached_only_miss

require_go "$(awk '$1 == "go" { print $2; exit }' "$MODULE_DIR/go.mod")"
# Two concurrent installs (two shells, a test run and CI) would both spend many minutes
# building; the second waits for the first and then finds its result.
lock_install "$CACHE_ROOT/testenv"
if have_binaries; then
  echo "testenv $K8S_VERSION-$ETCD_VERSION: built by a concurrent install" >&2
  result "$DEST"
  exit 0
fi

# go.sum is committed: the build must use exactly the pinned module graph.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"

tmp=$(mktemp -d "$CACHE_ROOT/testenv/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# /version reports the release instead of the unstamped v0.0.0-master default.
minor=${K8S_VERSION#v1.}
minor=${minor%%.*}
version_pkg=k8s.io/component-base/version
kube_ldflags="-s -w -X $version_pkg.gitVersion=$K8S_VERSION -X $version_pkg.gitMajor=1 -X $version_pkg.gitMinor=$minor -X $version_pkg.gitTreeState=clean"

echo "building in $MODULE_DIR (low priority: nice -n 19)" >&2
start=$SECONDS
(
  cd "$MODULE_DIR"
  echo "kube-apiserver $K8S_VERSION: go build ..." >&2
  nice -n 19 go build -trimpath -ldflags "$kube_ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  echo "etcd $ETCD_VERSION: go build ..." >&2
  nice -n 19 go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3
)
[ -x "$tmp/kube-apiserver" ] && [ -x "$tmp/etcd" ] || { echo "error: the build produced no binaries" >&2; exit 1; }
# Both binaries must run before they are cached.
check_version "$tmp/kube-apiserver"
check_version "$tmp/etcd"

rm -rf "$DEST"
chmod 755 "$tmp"
mv "$tmp" "$DEST"
trap - EXIT
# Nothing below may fail the run: the build is in place.
echo "testenv $K8S_VERSION-$ETCD_VERSION: built in $((SECONDS - start))s into $DEST" >&2 || true
result "$DEST"
