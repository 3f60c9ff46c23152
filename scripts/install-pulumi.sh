#!/usr/bin/env bash
# Makes the Pulumi CLI available without downloading it from get.pulumi.com:
# builds it from the Go module proxy (github.com/pulumi/pulumi/pkg/v3) into a
# per-user cache, adds the pulumi-resource-pulumi-nodejs shim (needed by
# dynamic resources), and links the bin dir into this clone as .tools/bin.
#
# Usage:  PATH="$(scripts/install-pulumi.sh):$PATH"
#
# The last (and only) line on stdout is the absolute bin dir; progress goes to stderr.
#
# Environment:
#   PULUMI_CCE_TOOLS_CACHE  cache root (default: $HOME/.cache/pulumi-cce-kubeconfig)
#   PULUMI_CCE_REBUILD=1    rebuild even if the cached binaries look fine
#   GOPROXY, GOFLAGS, ...   honoured as set by the caller (never set here)
#
# Version pinned to match the @pulumi/pulumi npm SDK used by this package.
set -euo pipefail

PULUMI_VERSION="v3.248.0"

log() { printf 'install-pulumi: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo_root="$(cd "$script_dir/.." && pwd -P)"

cache_root="${PULUMI_CCE_TOOLS_CACHE:-${HOME:?HOME is not set}/.cache/pulumi-cce-kubeconfig}"
mkdir -p "$cache_root"
cache_root="$(cd "$cache_root" && pwd -P)"
dest_dir="$cache_root/pulumi-$PULUMI_VERSION"
bin_dir="$dest_dir/bin"

# True when the cached install is complete and reports the pinned version.
installed_ok() {
  [[ -x "$bin_dir/pulumi" && -x "$bin_dir/pulumi-resource-pulumi-nodejs" ]] || return 1
  local v tmp_home
  tmp_home="$(mktemp -d)"
  v="$(PULUMI_SKIP_UPDATE_CHECK=1 PULUMI_HOME="$tmp_home" timeout 60 "$bin_dir/pulumi" version 2>/dev/null || true)"
  rm -rf "$tmp_home"
  [[ "$v" == "$PULUMI_VERSION" ]]
}

# .tools/bin -> cache bin dir (git-ignored), so repo scripts can use $(repo)/.tools/bin.
link_into_repo() {
  local link="$repo_root/.tools/bin"
  mkdir -p "$repo_root/.tools"
  if [[ -L "$link" ]]; then
    [[ "$(readlink "$link")" == "$bin_dir" ]] && return 0
    rm -f "$link"
  elif [[ -e "$link" ]]; then
    log "warning: $link exists and is not a symlink; leaving it alone"
    return 0
  fi
  ln -s "$bin_dir" "$link" 2>/dev/null || [[ "$(readlink "$link" 2>/dev/null)" == "$bin_dir" ]] \
    || log "warning: could not create $link"
}

finish() {
  link_into_repo
  printf '%s\n' "$bin_dir"
  exit 0
}

if [[ "${PULUMI_CCE_REBUILD:-}" != "1" ]] && installed_ok; then
  finish
fi

command -v go >/dev/null 2>&1 || die "the Go toolchain is required to build the Pulumi CLI (go not found on PATH)"

# Serialise concurrent runs (same machine, same cache).
lock_file="$cache_root/pulumi-$PULUMI_VERSION.lock"
exec 9>"$lock_file"
if command -v flock >/dev/null 2>&1; then
  if ! flock -n 9; then
    log "another install is running; waiting for it to finish..."
    flock 9
  fi
else
  log "warning: flock not found; concurrent runs are not serialised"
fi

# Another run may have finished the build while we waited for the lock.
if [[ "${PULUMI_CCE_REBUILD:-}" != "1" ]] && installed_ok; then
  finish
fi

work_dir="$(mktemp -d "$cache_root/.build-pulumi-$PULUMI_VERSION.XXXXXX")"
cleanup() { chmod -R u+w "$work_dir" 2>/dev/null || true; rm -rf "$work_dir"; }
trap cleanup EXIT

export GOWORK=off                  # never pick up a go.work from around the cache dir
export CGO_ENABLED="${CGO_ENABLED:-0}"  # static binaries, no C toolchain needed

stage_dir="$work_dir/pulumi-$PULUMI_VERSION"
stage_bin="$stage_dir/bin"
mkdir -p "$stage_bin"

# go_mod_field MODULE@VERSION FIELD -> value of FIELD in `go mod download -json` (fails if unavailable).
go_mod_field() {
  local json
  json="$(cd "$work_dir" && go mod download -json "$1" 2>/dev/null)" || { printf '%s' "$json" >&2; return 1; }
  printf '%s' "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" | head -n 1
}

# Prints the `replace` directives of a go.mod whose target is not a local path
# (a dependency's replace lines are ignored by Go, so the wrapper must repeat them).
nonlocal_replaces() {
  awk '
    function emit(spec,   parts) {
      split(spec, parts, /[[:space:]]*=>[[:space:]]*/)
      if (parts[2] ~ /^(\.\.?\/|\/)/ || parts[2] == "." || parts[2] == "..") return
      print "replace " spec
    }
    /^replace[[:space:]]*\(/ { inblock = 1; next }
    inblock && /^\)/        { inblock = 0; next }
    inblock { line = $0; sub(/\/\/.*/, "", line); gsub(/^[[:space:]]+|[[:space:]]+$/, "", line); if (line != "") emit(line); next }
    /^replace[[:space:]]/   { line = $0; sub(/\/\/.*/, "", line); sub(/^replace[[:space:]]+/, "", line); gsub(/[[:space:]]+$/, "", line); emit(line) }
  ' "$1"
}

# build_main NAME MAIN_MODULE MAIN_PACKAGE OUT: builds MAIN_PACKAGE from a generated
# wrapper module requiring MAIN_MODULE (plus pkg/v3 and sdk/v3) at the pinned version.
build_main() {
  local name="$1" main_mod="$2" main_pkg="$3" out="$4"
  local mod_dir="$work_dir/wrap-$name" gomod go_line
  gomod="$(go_mod_field "$main_mod@$PULUMI_VERSION" GoMod)" || return 1
  [[ -n "$gomod" && -f "$gomod" ]] || { log "no go.mod for $main_mod@$PULUMI_VERSION"; return 1; }
  go_line="$(awk '$1 == "go" { print $2; exit }' "$gomod")"
  mkdir -p "$mod_dir"
  {
    echo "module pulumi-cce-kubeconfig.local/build-$name"
    echo
    echo "go ${go_line:-1.25}"
    echo
    echo "require ("
    echo "	github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION"
    echo "	github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION"
    case "$main_mod" in
      github.com/pulumi/pulumi/pkg/v3 | github.com/pulumi/pulumi/sdk/v3) ;;
      *) echo "	$main_mod $PULUMI_VERSION" ;;
    esac
    echo ")"
    echo
    echo "tool $main_pkg"
    echo
    nonlocal_replaces "$gomod" | sort -u
  } >"$mod_dir/go.mod"
  log "$name: resolving dependencies (go mod tidy)..."
  (cd "$mod_dir" && go mod tidy >&2) || return 1
  log "$name: compiling $main_pkg..."
  (cd "$mod_dir" && go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
      -o "$out" "$main_pkg" >&2) || return 1
}

start=$SECONDS
log "building the Pulumi CLI $PULUMI_VERSION from Go modules (first time only, ~3-5 minutes on 2 cores)..."
log "  into $bin_dir"
build_main pulumi github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$stage_bin/pulumi" \
  || die "building the Pulumi CLI failed (see the go output above)"
log "pulumi CLI built in $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s"

# Optional: the nodejs language host (needed to run Pulumi.yaml projects with `pulumi up`;
# Automation API inline programs work without it).
lang_mod="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
status_file="$stage_dir/language-nodejs.status"
if (cd "$work_dir" && go mod download -json "$lang_mod@$PULUMI_VERSION" >/dev/null 2>&1); then
  log "building pulumi-language-nodejs $PULUMI_VERSION (~2-4 minutes)..."
  if build_main language-nodejs "$lang_mod" "$lang_mod" "$stage_bin/pulumi-language-nodejs"; then
    echo "built" >"$status_file"
  else
    rm -f "$stage_bin/pulumi-language-nodejs"
    log "warning: building pulumi-language-nodejs failed; only Automation API inline programs will run"
    echo "build failed" >"$status_file"
  fi
else
  log "note: the module proxy does not serve $lang_mod@$PULUMI_VERSION;"
  log "      skipping pulumi-language-nodejs (only Automation API inline programs will run)"
  echo "not served by the Go module proxy" >"$status_file"
fi

# pulumi-resource-pulumi-nodejs: the provider shim for dynamic resources, as shipped
# with the CLI (sdk/nodejs/dist/pulumi-resource-pulumi-nodejs in the pulumi repo).
shim="$stage_bin/pulumi-resource-pulumi-nodejs"
sdk_dir="$(go_mod_field "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION" Dir || true)"
if [[ -n "$sdk_dir" && -f "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" ]]; then
  cat "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" >"$shim"
else
  cat >"$shim" <<'EOF'
#!/bin/sh
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")
if [ ! -z "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" $@
fi
EOF
fi
chmod 755 "$shim" "$stage_bin"/*

# Check the staged CLI, then swap it into place (rename within the same filesystem).
v="$(PULUMI_SKIP_UPDATE_CHECK=1 PULUMI_HOME="$work_dir/home" "$stage_bin/pulumi" version 2>/dev/null || true)"
[[ "$v" == "$PULUMI_VERSION" ]] || die "built pulumi reports version '$v', expected $PULUMI_VERSION"
if [[ -e "$dest_dir" ]]; then
  mv "$dest_dir" "$work_dir/old"
fi
mv "$stage_dir" "$dest_dir"
log "installed: $(cd "$bin_dir" && ls | tr '\n' ' ')"

finish
