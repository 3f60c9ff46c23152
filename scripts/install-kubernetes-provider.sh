#!/usr/bin/env bash
# Makes the Pulumi Kubernetes resource provider plugin (pulumi-resource-kubernetes) available
# without downloading it from get.pulumi.com: builds it from the Go module proxy
# (github.com/pulumi/pulumi-kubernetes/provider/v4) into a per-user cache, and links the bin dir
# into this clone as .tools/kubernetes-bin. With that dir on PATH, the engine uses this binary
# as an "ambient" plugin for every @pulumi/kubernetes SDK version.
#
# Usage:  PATH="$(scripts/install-kubernetes-provider.sh):$PATH"
#
# The last (and only) line on stdout is the absolute bin dir; progress goes to stderr.
#
# Environment:
#   PULUMI_CCE_TOOLS_CACHE  cache root (default: $HOME/.cache/pulumi-cce-kubeconfig)
#   PULUMI_CCE_REBUILD=1    rebuild even if the cached binary looks fine
#   GOPROXY, GOFLAGS, ...   honoured as set by the caller (never set here)
#
# The proxy serves provider/v4 only as a pseudo-version (no release tags for the provider
# module), so the build pins that commit, which is after v4.24.0 (its go.mod needs sdk/v4 v4.24.0
# and pulumi v3.215.0) and already has the `clusterIdentifier` provider option.
# The provider's go.mod replaces sdk/v4 with a local path (../sdk), which a dependency cannot
# use, so the wrapper requires a served sdk/v4 release instead. That sdk/v4 release needs a newer
# pulumi/sdk/v3, and pulumi/pkg/v3 must be the same version as sdk/v3, so both are pinned too.
#
# The provider's main package embeds two generated files (schema-embed.json and
# terraform-mapping-embed.json, made by `go generate` and not part of the module zip), so the
# main package is copied into the wrapper module, the files are generated there with the
# provider's own generate.go, and the copy is built.
set -euo pipefail

PROVIDER_MODULE="github.com/pulumi/pulumi-kubernetes/provider/v4"
PROVIDER_MODULE_VERSION="v4.0.0-20260115033456-f47bc2d6f199"
K8S_SDK_MODULE_VERSION="v4.29.0"        # github.com/pulumi/pulumi-kubernetes/sdk/v4
PULUMI_MODULE_VERSION="v3.226.0"        # github.com/pulumi/pulumi/{pkg,sdk}/v3 (needed by sdk/v4 v4.29.0)
# The version the plugin reports (version.Version and the embedded schema's version), without "v".
PLUGIN_VERSION="4.24.1"

TOOL=install-kubernetes-provider
# shellcheck source=lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"
name="kubernetes-$PLUGIN_VERSION"
tool_paths "$name"
plugin="pulumi-resource-kubernetes"
stamp="$PROVIDER_MODULE@$PROVIDER_MODULE_VERSION sdk/v4@$K8S_SDK_MODULE_VERSION pulumi@$PULUMI_MODULE_VERSION version=$PLUGIN_VERSION"

# True when the cached install is complete and was built from the pinned modules.
installed_ok() {
  [[ -x "$bin_dir/$plugin" && -f "$dest_dir/build-stamp" ]] || return 1
  [[ "$(cat "$dest_dir/build-stamp")" == "$stamp" ]]
}

# .tools/kubernetes-bin -> cache bin dir (git-ignored).
finish() { finish_with_link kubernetes-bin; }

finish_or_start_build "$name"

start=$SECONDS
log "building $plugin $PLUGIN_VERSION from Go modules (first time only, ~7-10 minutes on 2 cores)..."
log "  $PROVIDER_MODULE@$PROVIDER_MODULE_VERSION"
log "  into $bin_dir"

gomod="$(go_mod_field "$PROVIDER_MODULE@$PROVIDER_MODULE_VERSION" GoMod)" \
  || die "the Go module proxy did not serve $PROVIDER_MODULE@$PROVIDER_MODULE_VERSION"
src_dir="$(go_mod_field "$PROVIDER_MODULE@$PROVIDER_MODULE_VERSION" Dir)" || true
[[ -n "$gomod" && -f "$gomod" ]] || die "no go.mod for $PROVIDER_MODULE@$PROVIDER_MODULE_VERSION"
main_src="$src_dir/cmd/$plugin"
[[ -f "$main_src/main.go" && -f "$main_src/generate.go" && -f "$main_src/schema.json" ]] \
  || die "unexpected module layout: $main_src lacks main.go, generate.go or schema.json"
go_line="$(awk '$1 == "go" { print $2; exit }' "$gomod")"

mod_dir="$work_dir/wrap-kubernetes"
pkg_dir="$mod_dir/cmd/$plugin"
mkdir -p "$pkg_dir"
for f in main.go generate.go schema.json terraform-mapping.json; do
  cat "$main_src/$f" >"$pkg_dir/$f"   # cat, not cp: the module cache is read-only
done
{
  echo "module pulumi-cce-kubeconfig.local/build-kubernetes"
  echo
  echo "go ${go_line:-1.24}"
  echo
  echo "require ("
  echo "	$PROVIDER_MODULE $PROVIDER_MODULE_VERSION"
  echo "	github.com/pulumi/pulumi-kubernetes/sdk/v4 $K8S_SDK_MODULE_VERSION"
  echo "	github.com/pulumi/pulumi/pkg/v3 $PULUMI_MODULE_VERSION"
  echo "	github.com/pulumi/pulumi/sdk/v3 $PULUMI_MODULE_VERSION"
  echo ")"
  echo
  nonlocal_replaces "$gomod" | sort -u
} >"$mod_dir/go.mod"

log "resolving dependencies (go mod tidy)..."
(cd "$mod_dir" && go mod tidy >&2) || die "go mod tidy failed (see the go output above)"
# Tidy may raise a pin (minimal version selection); the build must use what was pinned above.
for m in "github.com/pulumi/pulumi/pkg/v3 $PULUMI_MODULE_VERSION" "github.com/pulumi/pulumi/sdk/v3 $PULUMI_MODULE_VERSION" \
         "github.com/pulumi/pulumi-kubernetes/sdk/v4 $K8S_SDK_MODULE_VERSION"; do
  grep -q "	$m\( \|\$\)" "$mod_dir/go.mod" || log "warning: go mod tidy did not keep $m"
done

log "generating the embedded schema (version $PLUGIN_VERSION)..."
(cd "$pkg_dir" && VERSION="$PLUGIN_VERSION" go run generate.go >&2) || die "generating schema-embed.json failed"
[[ -s "$pkg_dir/schema-embed.json" && -s "$pkg_dir/terraform-mapping-embed.json" ]] \
  || die "generate.go did not write schema-embed.json and terraform-mapping-embed.json"

log "compiling $plugin (the longest step)..."
(cd "$mod_dir" && go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X $PROVIDER_MODULE/pkg/version.Version=$PLUGIN_VERSION" \
    -o "$stage_bin/$plugin" "./cmd/$plugin" >&2) || die "building $plugin failed (see the go output above)"
chmod 755 "$stage_bin/$plugin"
log "$plugin built in $(elapsed "$start")"

# Check the staged binary (it must start and print its flag usage; -trimpath keeps -ldflags out
# of the build info, so the version is checked in the embedded schema), then swap it in.
usage="$("$stage_bin/$plugin" -help 2>&1 || true)"
[[ "$usage" == *"Usage of"* ]] || die "the built $plugin does not start: ${usage:0:500}"
grep -a -q "\"version\":\"$PLUGIN_VERSION\"" "$stage_bin/$plugin" \
  || die "the built $plugin does not embed schema version $PLUGIN_VERSION"
printf '%s\n' "$stamp" >"$stage_dir/build-stamp"
install_stage
log "installed: $bin_dir/$plugin"

finish
