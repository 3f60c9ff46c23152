#!/usr/bin/env bash
# Makes the Pulumi CLI available without downloading it from get.pulumi.com:
# builds it from the Go module proxy (github.com/pulumi/pulumi/pkg/v3) into a
# per-user cache, adds the pulumi-resource-pulumi-nodejs shim (needed by
# dynamic resources) and the YAML language host (pulumi-language-yaml, needed by
# `runtime: yaml` projects), and links the bin dir into this clone as .tools/bin.
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
# pulumi-language-yaml: its own module with its own go.mod (forcing pkg/sdk $PULUMI_VERSION on it
# does not compile). The engine finds it next to the pulumi binary, even with
# PULUMI_IGNORE_AMBIENT_PLUGINS=true (`pulumi plugin install language yaml` is refused).
YAML_MODULE="github.com/pulumi/pulumi-yaml"
YAML_VERSION="v1.25.0"
YAML_HOST="pulumi-language-yaml"
yaml_stamp="$YAML_MODULE/cmd/$YAML_HOST@$YAML_VERSION"

TOOL=install-pulumi
# shellcheck source=lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"
tool_paths "pulumi-$PULUMI_VERSION"

# True when the cached install is complete and reports the pinned version.
installed_ok() {
  [[ -x "$bin_dir/pulumi" && -x "$bin_dir/pulumi-resource-pulumi-nodejs" ]] || return 1
  local v tmp_home
  tmp_home="$(mktemp -d)"
  v="$(PULUMI_SKIP_UPDATE_CHECK=1 PULUMI_HOME="$tmp_home" timeout 60 "$bin_dir/pulumi" version 2>/dev/null || true)"
  rm -rf "$tmp_home"
  [[ "$v" == "$PULUMI_VERSION" ]]
}

# True when DIR/../language-yaml.stamp and DIR/pulumi-language-yaml say the pinned YAML host is there.
language_yaml_ok() {
  [[ -x "$1/$YAML_HOST" && -f "$1/../language-yaml.stamp" ]] || return 1
  [[ "$(cat "$1/../language-yaml.stamp")" == "$yaml_stamp" ]]
}

# Builds the YAML language host next to a cached CLI when it is missing, without rebuilding the
# CLI: under the CLI's lock, into a staging folder in the cache, then renamed into bin_dir.
# A failed build warns and leaves the CLI usable; the next run tries again.
ensure_language_yaml() {
  language_yaml_ok "$bin_dir" && return 0
  # fd 9 is open once this run holds the CLI's lock (lock_build); take it otherwise.
  { : >&9; } 2>/dev/null || lock_build "pulumi-$PULUMI_VERSION"
  language_yaml_ok "$bin_dir" && return 0
  command -v go >/dev/null 2>&1 || die "the Go toolchain is required to build $YAML_HOST (go not found on PATH)"
  if [[ -n "${work_dir:-}" ]]; then
    yaml_stage="$work_dir/language-yaml"   # after a CLI build: removed with its work_dir
    mkdir -p "$yaml_stage"
  else
    yaml_stage="$(mktemp -d "$cache_root/.build-language-yaml.XXXXXX")"
    trap 'rm -rf "$yaml_stage"' EXIT
  fi
  local start=$SECONDS
  # Measured: the first build on a 2-core machine took 7m42s (3m07s of CPU) while three other Go
  # builds shared the cores; the module cache held some shared dependencies, not pulumi-yaml's
  # (nor the pulumi pkg/sdk v3.206.0 it requires), which it downloaded.
  log "building $YAML_HOST $YAML_VERSION from Go modules (first time only, 2-8 minutes on 2 cores: 7m42s measured cold while other builds shared them)..."
  log "  into $bin_dir"
  # @version: built with pulumi-yaml's own go.mod (no wrapper module). GOWORK=off ignores a go.work
  # around the cache; the version variable is what the host reports to the engine.
  if GOWORK=off CGO_ENABLED="${CGO_ENABLED:-0}" GOBIN="$yaml_stage" go install -trimpath \
      -ldflags "-s -w -X $YAML_MODULE/pkg/version.Version=$YAML_VERSION" \
      "$YAML_MODULE/cmd/$YAML_HOST@$YAML_VERSION" >&2 \
    && [[ -x "$yaml_stage/$YAML_HOST" ]]; then
    rm -f "$dest_dir/language-yaml.stamp"
    mv "$yaml_stage/$YAML_HOST" "$bin_dir/$YAML_HOST"   # a rename within the cache's filesystem
    printf '%s\n' "$yaml_stamp" >"$dest_dir/language-yaml.stamp"
    log "$YAML_HOST built in $(elapsed "$start")"
  else
    log "warning: building $YAML_HOST $YAML_VERSION failed (see the go output above); runtime: yaml projects will not run"
  fi
  rm -rf "$yaml_stage"
}

finish() { ensure_language_yaml; finish_with_link bin; }

finish_or_start_build "pulumi-$PULUMI_VERSION"

# build_main NAME MODULE PACKAGE OUT: builds PACKAGE from a wrapper module that requires MODULE
# (and pkg/sdk) at the pinned version, with MODULE's non-local replace lines.
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
log "building the Pulumi CLI $PULUMI_VERSION from Go modules (first time only, ~3-7 minutes on 2 cores)..."
log "  into $bin_dir"
build_main pulumi github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$stage_bin/pulumi" \
  || die "building the Pulumi CLI failed (see the go output above)"
log "pulumi CLI built in $(elapsed "$start")"

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
# A rebuilt CLI keeps the cached YAML host (finish builds it when there is none), unless
# PULUMI_CCE_REBUILD=1 asks to rebuild everything.
if [[ "${PULUMI_CCE_REBUILD:-}" != "1" ]] && language_yaml_ok "$bin_dir"; then
  mv "$bin_dir/$YAML_HOST" "$stage_bin/$YAML_HOST"
  mv "$dest_dir/language-yaml.stamp" "$stage_dir/language-yaml.stamp"
fi
install_stage
log "installed: $(cd "$bin_dir" && ls | tr '\n' ' ')"

finish
