# Sourced by the scripts that build reference tools with Go: checks that Go is there and points
# its module and build caches under the clustermint cache, so every tool shares them and a rerun
# is fast. Needs CACHE_ROOT and TOOLS_DIR set, and TOOL_NAME for the messages.
if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is not installed (no 'go' on PATH); $TOOL_NAME must be built with Go." >&2
  echo "       Install Go >= 1.22 (https://go.dev/dl/) and rerun $0." >&2
  exit 2
fi
export GOMODCACHE=$CACHE_ROOT/go/mod
export GOCACHE=$CACHE_ROOT/go/build
mkdir -p "$GOMODCACHE" "$GOCACHE" "$TOOLS_DIR"
echo "using $(go version)" >&2
