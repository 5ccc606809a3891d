# Shared by the scripts that build reference tools and test binaries with Go (sourced, not run).
#
# The protocol every such script keeps, so that its caller can rely on it:
#   - stdout carries exactly one line, the result (a binary or a directory), printed last with
#     `result`; everything else -- progress, Go's own output, errors -- goes to stderr. `output_result_only`
#     makes this hold even for a command that forgets its `>&2`.
#   - `--cached` prints the cached result and exits 0, or exits 3 without building (tests use it to
#     find a reference without starting a build; nothing needs Go).
#   - a build happens in a temporary directory beside its destination and is moved into place in one
#     `mv` only once it is complete and has been checked; nothing after that `mv` can fail the run,
#     so a finished build is never thrown away, and a failed one leaves nothing behind.
#   - concurrent installs of the same tool wait for each other (flock) and the second finds the
#     first one's result instead of building again.
#
# Needs CACHE_ROOT set; TOOL_NAME for the messages.

# Keep fd 3 as the real stdout for `result`; send everything else to stderr.
output_result_only() {
  exec 3>&1 1>&2
}

result() {
  printf '%s\n' "$1" >&3
}

# `--cached`: answer from the cache only. Call after the cache has been looked up and missed.
cached_only_miss() {
  echo "$TOOL_NAME: not built yet (run $0 without --cached)" >&2
  exit 3
}

# Serialise installs of one tool: a second run waits for the first, then re-checks the cache.
lock_install() {
  local lock_dir=$1
  mkdir -p "$lock_dir"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$lock_dir/.install.lock"
    if ! flock -n 9; then
      echo "$TOOL_NAME: waiting for another install to finish ..." >&2
      flock 9
    fi
  fi
}

# Go must be there, with its module and build caches under the clustermint cache so that every
# tool shares them and a rerun is fast.
require_go() {
  local min_go=${1:-1.22}
  if ! command -v go >/dev/null 2>&1; then
    echo "error: Go is not installed (no 'go' on PATH); $TOOL_NAME is built from source with Go." >&2
    echo "       Install Go >= $min_go and rerun $0." >&2
    exit 2
  fi
  export GOMODCACHE=$CACHE_ROOT/go/mod
  export GOCACHE=$CACHE_ROOT/go/build
  mkdir -p "$GOMODCACHE" "$GOCACHE"
  echo "using $(go version)" >&2
}

# The first line of `BINARY --version`, read whole (no `| head`, which can kill the binary with
# SIGPIPE under pipefail). A binary that cannot say its version is a broken build: exit 1.
check_version() {
  local bin=$1 out
  if ! out=$("$bin" --version 2>&1); then
    echo "error: $bin --version failed: ${out%%$'\n'*}" >&2
    return 1
  fi
  printf '%s\n' "${out%%$'\n'*}" >&2
}
