#!/usr/bin/env bash
# Builds a real Cluster API for the test environment from the Go module proxy and caches it in
#   ${CLUSTERMINT_CACHE:-$HOME/.cache/clustermint}/capi/<cluster-api>-<test module>-<hash>/
# four manager binaries: core (the core manager: Clusters, MachineDeployments, topology, ...),
# kubeadm-bootstrap, kubeadm-control-plane, and capd (CAPD, whose DevCluster/DevMachine with
# backend.inMemory make machines and workload API servers in memory, without Docker).
# The versions are pinned in tools/capi/go.mod (a wrapper module: see the comment there); <hash>
# covers go.mod and go.sum, so a change of pins builds again. The CRDs and webhook manifests are
# read from the module cache (see test/testenv/capi.ts); `modules` in the directory names both
# module directories.
# stdout is one line, the directory; progress goes to stderr. `--cached` prints it only if it is
# already built (exit 3 otherwise, nothing built).
# Usage in .ci/run:  export CLUSTERMINT_CAPI_DIR=$(scripts/capi/install.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODULE_DIR=$ROOT/tools/capi
TOOL_NAME=capi
# shellcheck source=../lib/install-common.sh
source "$ROOT/scripts/lib/install-common.sh"
output_result_only

cached_only=false
case "${1:-}" in
  "") ;;
  --cached) cached_only=true ;;
  *) echo "usage: $0 [--cached]" >&2; exit 2 ;;
esac

pin() { awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$MODULE_DIR/go.mod"; }
CAPI_VERSION=$(pin sigs.k8s.io/cluster-api)
TEST_VERSION=$(pin sigs.k8s.io/cluster-api/test)
if [ -z "$CAPI_VERSION" ] || [ -z "$TEST_VERSION" ]; then
  echo "error: $MODULE_DIR/go.mod does not require sigs.k8s.io/cluster-api and sigs.k8s.io/cluster-api/test" >&2
  exit 1
fi
hash=$(cat "$MODULE_DIR/go.mod" "$MODULE_DIR/go.sum" | sha256sum | cut -c1-12)

CACHE_ROOT=${CLUSTERMINT_CACHE:-${HOME:?HOME is not set}/.cache/clustermint}
DEST=$CACHE_ROOT/capi/$CAPI_VERSION-$TEST_VERSION-$hash
BINARIES=(core kubeadm-bootstrap kubeadm-control-plane capd)

complete() {
  local b
  for b in "${BINARIES[@]}"; do [ -x "$DEST/$b" ] || return 1; done
  [ -f "$DEST/modules" ]
}

if complete; then
  echo "capi $CAPI_VERSION (test $TEST_VERSION): cached" >&2
  result "$DEST"
  exit 0
fi
$cached_only && cached_only_miss

require_go "$(awk '$1 == "go" { print $2; exit }' "$MODULE_DIR/go.mod")"
lock_install "$CACHE_ROOT/capi"
if complete; then
  echo "capi $CAPI_VERSION: built by a concurrent install" >&2
  result "$DEST"
  exit 0
fi

# go.sum is committed: the build must use exactly the pinned module graph.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"

tmp=$(mktemp -d "$CACHE_ROOT/capi/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The managers report the release they were built from (Cluster API's version package).
ldflags="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$CAPI_VERSION -X sigs.k8s.io/cluster-api/version.gitTreeState=clean"
start=$SECONDS
(
  cd "$MODULE_DIR"
  build() {
    local out=$1 pkg=$2 t0=$SECONDS
    echo "$out: go build $pkg ..." >&2
    nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$tmp/$out" "$pkg"
    echo "$out: built in $((SECONDS - t0))s" >&2
  }
  build core sigs.k8s.io/cluster-api
  build kubeadm-bootstrap sigs.k8s.io/cluster-api/bootstrap/kubeadm
  build kubeadm-control-plane sigs.k8s.io/cluster-api/controlplane/kubeadm
  build capd sigs.k8s.io/cluster-api/test/infrastructure/docker
  # Where the CRDs and webhook manifests of both modules are (the test setup reads them).
  printf 'sigs.k8s.io/cluster-api %s\nsigs.k8s.io/cluster-api/test %s\n' \
    "$(go list -m -f '{{.Dir}}' sigs.k8s.io/cluster-api)" \
    "$(go list -m -f '{{.Dir}}' sigs.k8s.io/cluster-api/test)" >"$tmp/modules"
)
for b in "${BINARIES[@]}"; do
  [ -x "$tmp/$b" ] || { echo "error: the build produced no $b" >&2; exit 1; }
  # A manager that cannot print its flags is a broken build (pflag exits 0 on --help).
  "$tmp/$b" --help >/dev/null 2>&1 || { echo "error: $tmp/$b --help failed" >&2; exit 1; }
done

rm -rf "$DEST"
chmod 755 "$tmp"
mv "$tmp" "$DEST"
trap - EXIT
# Nothing below may fail the run: the build is in place.
echo "capi $CAPI_VERSION (test $TEST_VERSION): built in $((SECONDS - start))s into $DEST" >&2 || true
result "$DEST"
