#!/usr/bin/env bash
# Builds the test environment's binaries -- kube-apiserver and etcd -- from the Go module proxy
# and caches them in
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/testenv/<kubernetes version>-<etcd version>/
# The versions are pinned in tools/testenv/go.mod (a wrapper module: see the comment there).
# Go's module and build caches live under the same cache root, so a rebuild reuses them.
# A second run finds the binaries and returns at once, without needing Go.
# Progress goes to stderr; the LAST line on stdout is the directory holding both binaries.
# Usage in .ci/run:  export CLUSTERMINT_TESTENV_DIR=$(scripts/testenv/install.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODULE_DIR=$ROOT/tools/testenv

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
  echo "$DEST"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is not installed (no 'go' on PATH); kube-apiserver and etcd are built from source." >&2
  echo "       Install Go >= $(awk '$1 == "go" { print $2; exit }' "$MODULE_DIR/go.mod") and rerun $0." >&2
  exit 2
fi

mkdir -p "$CACHE_ROOT/testenv"
# Two concurrent installs (two shells, a test run and CI) would both spend many minutes
# building; the second waits for the first and then finds its result.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/testenv/.install.lock"
  flock 9
  if have_binaries; then
    echo "testenv $K8S_VERSION-$ETCD_VERSION: built by a concurrent install" >&2
    echo "$DEST"
    exit 0
  fi
fi

export GOMODCACHE=$CACHE_ROOT/go/mod
export GOCACHE=$CACHE_ROOT/go/build
# go.sum is committed: the build must use exactly the pinned module graph.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"
mkdir -p "$GOMODCACHE" "$GOCACHE"

tmp=$(mktemp -d "$CACHE_ROOT/testenv/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# /version reports the release instead of the unstamped v0.0.0-master default.
minor=${K8S_VERSION#v1.}
minor=${minor%%.*}
version_pkg=k8s.io/component-base/version
kube_ldflags="-s -w -X $version_pkg.gitVersion=$K8S_VERSION -X $version_pkg.gitMajor=1 -X $version_pkg.gitMinor=$minor -X $version_pkg.gitTreeState=clean"

echo "using $(go version); building in $MODULE_DIR (low priority: nice -n 19)" >&2
start=$SECONDS
(
  cd "$MODULE_DIR"
  echo "kube-apiserver $K8S_VERSION: go build ..." >&2
  nice -n 19 go build -trimpath -ldflags "$kube_ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  echo "etcd $ETCD_VERSION: go build ..." >&2
  nice -n 19 go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3
) >&2
[ -x "$tmp/kube-apiserver" ] && [ -x "$tmp/etcd" ] || { echo "error: the build produced no binaries" >&2; exit 1; }
"$tmp/kube-apiserver" --version >&2
"$tmp/etcd" --version | head -1 >&2

rm -rf "$DEST"
chmod 755 "$tmp"
mv "$tmp" "$DEST"
trap - EXIT
echo "testenv $K8S_VERSION-$ETCD_VERSION: built in $((SECONDS - start))s into $DEST" >&2
echo "$DEST"
