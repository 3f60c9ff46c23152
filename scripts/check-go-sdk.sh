#!/usr/bin/env bash
# Proves the generated Go SDK (sdk/go, written by scripts/gen-sdk.sh) compiles and passes go vet,
# against the committed go.mod and go.sum (-mod=readonly: a stale go.sum fails instead of being
# rewritten). Needs Go and the module proxy (or a module cache holding the Pulumi Go SDK's modules).
set -euo pipefail

TOOL=check-go-sdk
# shellcheck source=lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"

command -v go >/dev/null 2>&1 || die "the Go toolchain is required (go not found on PATH)"
[[ -f "$repo_root/sdk/go/go.mod" ]] || die "sdk/go/go.mod not found (run scripts/gen-sdk.sh)"
cd "$repo_root/sdk/go"
export GOWORK=off GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"

start=$SECONDS
log "go build ./... in sdk/go..."
go build ./... || die "the generated Go SDK does not build"
log "go vet ./... in sdk/go..."
go vet ./... || die "go vet failed on the generated Go SDK"
log "the Go SDK builds and vets ($(elapsed "$start"))"
