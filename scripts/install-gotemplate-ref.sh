#!/usr/bin/env bash
# Builds the Go text/template + sprig reference (tools/gotemplate-ref, the oracle of
# test/gotemplate/differential.test.ts) once and caches it: see scripts/install-go-ref.sh.
# The sprig version is pinned in tools/gotemplate-ref/go.mod; text/template is the installed Go's.
# stdout is one line, the binary path; progress goes to stderr. Takes `--cached` as install-go-ref.sh.
exec "$(dirname "$0")/install-go-ref.sh" gotemplate-ref "$@"
