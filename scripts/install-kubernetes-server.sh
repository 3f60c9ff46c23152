#!/usr/bin/env bash
# Makes a real Kubernetes control plane (kube-apiserver, kube-controller-manager and etcd)
# available to the tests without downloading release binaries: builds them from the Go module
# proxy (k8s.io/kubernetes and go.etcd.io/etcd/server/v3) into a per-user cache, and links the bin
# dir into this clone as .tools/kubernetes-server-bin.
#
# Usage:  PATH="$(scripts/install-kubernetes-server.sh):$PATH"
#
# The last (and only) line on stdout is the absolute bin dir; progress goes to stderr.
#
# Environment:
#   PULUMI_CCE_TOOLS_CACHE  cache root (default: $HOME/.cache/pulumi-cce-kubeconfig)
#   PULUMI_CCE_REBUILD=1    rebuild even if the cached binaries look fine
#   GOPROXY, GOFLAGS, ...   honoured as set by the caller (never set here)
#
# k8s.io/kubernetes replaces its 33 staging modules (k8s.io/api, k8s.io/client-go, ...) with
# local folders (./staging/src/k8s.io/...), which a dependency cannot use, so the wrapper module
# replaces each with its own release of the same Kubernetes version (v0.37.N for v1.37.N), read
# from that version's go.mod. The version variables that `make` sets with -ldflags are set here
# too: without them /version reports v0.0.0-master+$Format:%H$, which kubectl cannot parse.
# etcd is built from a wrapper main calling etcdmain.Main, as etcd's own server/main.go does.
set -euo pipefail

K8S_VERSION="v1.37.2"                   # k8s.io/kubernetes (the newest v1.37 the proxy serves)
K8S_STAGING_VERSION="v0.${K8S_VERSION#v1.}"   # k8s.io/api, k8s.io/client-go, ... (v0.37.2)
ETCD_VERSION="v3.6.16"                  # go.etcd.io/etcd/server/v3 (the newest v3.6)

TOOL=install-kubernetes-server
# shellcheck source=lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"
name="kubernetes-server-$K8S_VERSION"
tool_paths "$name"
binaries=(kube-apiserver kube-controller-manager etcd)
stamp="k8s.io/kubernetes@$K8S_VERSION staging@$K8S_STAGING_VERSION go.etcd.io/etcd/server/v3@$ETCD_VERSION"

# True when the cached install is complete and was built from the pinned modules.
installed_ok() {
  local b
  for b in "${binaries[@]}"; do [[ -x "$bin_dir/$b" ]] || return 1; done
  [[ -f "$dest_dir/build-stamp" && "$(cat "$dest_dir/build-stamp")" == "$stamp" ]]
}

# .tools/kubernetes-server-bin -> cache bin dir (git-ignored).
finish() { finish_with_link kubernetes-server-bin; }

finish_or_start_build "$name"

# requires GO.MOD MODULE VERSION: GO.MOD requires MODULE at VERSION (in a block or on one line).
requires() { grep -Eq "^(require)?[[:space:]]+${2//./\\.} ${3//./\\.}( |\$)" "$1"; }

total_start=$SECONDS
log "building kube-apiserver and kube-controller-manager $K8S_VERSION and etcd $ETCD_VERSION from Go"
log "  modules (first time only, ~15-25 minutes and ~2.7 GB of memory on 2 cores)..."
log "  into $bin_dir"

# --- kube-apiserver and kube-controller-manager ------------------------------------------------
step_start=$SECONDS
k8s_mod="k8s.io/kubernetes@$K8S_VERSION"
log "downloading $k8s_mod..."
gomod="$(go_mod_field "$k8s_mod" GoMod)" || die "the Go module proxy did not serve $k8s_mod"
[[ -n "$gomod" && -f "$gomod" ]] || die "no go.mod for $k8s_mod"
go_line="$(awk '$1 == "go" { print $2; exit }' "$gomod")"
staging="$(local_replaces_at "$gomod" "$K8S_STAGING_VERSION" | sort -u)"
[[ -n "$staging" ]] || die "$k8s_mod has no local (staging) replace lines; the wrapper would not build"
# The commit and its date, for the version variables. The proxy's .info has no Origin (commit) for
# these modules today, so gitCommit is usually empty; buildDate is the release's commit time.
git_commit="$(go_mod_field "$k8s_mod" Hash || true)"
info_file="$(go_mod_field "$k8s_mod" Info || true)"
build_date="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info_file" 2>/dev/null | head -n 1)"
[[ -n "$build_date" ]] || build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"

k8s_dir="$work_dir/wrap-kubernetes"
mkdir -p "$k8s_dir"
{
  echo "module pulumi-cce-kubeconfig.local/build-kubernetes-server"
  echo
  echo "go ${go_line:-1.26.0}"
  echo
  godebug_lines "$gomod"
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "tool ("
  echo "	k8s.io/kubernetes/cmd/kube-apiserver"
  echo "	k8s.io/kubernetes/cmd/kube-controller-manager"
  echo ")"
  echo
  printf '%s\n' "$staging"
  nonlocal_replaces "$gomod" | sort -u
} >"$k8s_dir/go.mod"
log "  $(printf '%s\n' "$staging" | wc -l | tr -d ' ') staging modules replaced by their $K8S_STAGING_VERSION releases"

log "resolving dependencies (go mod tidy)..."
(cd "$k8s_dir" && go mod tidy >&2) || die "go mod tidy failed (see the go output above)"
requires "$k8s_dir/go.mod" k8s.io/kubernetes "$K8S_VERSION" \
  || log "warning: go mod tidy did not keep k8s.io/kubernetes $K8S_VERSION"
log "dependencies resolved in $(elapsed "$step_start")"

k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  k8s_ldflags+=" -X $pkg.gitCommit=$git_commit -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

for b in kube-apiserver kube-controller-manager; do
  step_start=$SECONDS
  if [[ "$b" == kube-apiserver ]]; then
    log "compiling $b (the longest step, ~11-15 minutes)..."
  else
    log "compiling $b (~3-6 minutes more, reusing the API server's packages)..."
  fi
  (cd "$k8s_dir" && go build -trimpath -buildvcs=false -ldflags "$k8s_ldflags" \
      -o "$stage_bin/$b" "k8s.io/kubernetes/cmd/$b" >&2) || die "building $b failed (see the go output above)"
  log "$b built in $(elapsed "$step_start")"
done

# --- etcd ----------------------------------------------------------------------------------------
step_start=$SECONDS
etcd_mod="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
etcd_gomod="$(go_mod_field "$etcd_mod" GoMod)" || die "the Go module proxy did not serve $etcd_mod"
[[ -n "$etcd_gomod" && -f "$etcd_gomod" ]] || die "no go.mod for $etcd_mod"
etcd_go_line="$(awk '$1 == "go" { print $2; exit }' "$etcd_gomod")"
etcd_commit="$(go_mod_field "$etcd_mod" Hash || true)"   # usually none (see git_commit)
etcd_ldflags="-s -w"
[[ -z "$etcd_commit" ]] || etcd_ldflags+=" -X go.etcd.io/etcd/api/v3/version.GitSHA=${etcd_commit:0:9}"
etcd_dir="$work_dir/wrap-etcd"
mkdir -p "$etcd_dir"
cat >"$etcd_dir/main.go" <<'EOF'
// etcd, as etcd's own server/main.go builds it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
# The server module's local replaces point at etcd's sibling modules (api, client, pkg), which it
# already requires at the same release; they and its FORBIDDEN_DEPENDENCY guards are left out.
{
  echo "module pulumi-cce-kubeconfig.local/build-etcd"
  echo
  echo "go ${etcd_go_line:-1.26.0}"
  echo
  echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  echo
  nonlocal_replaces "$etcd_gomod" | sort -u
} >"$etcd_dir/go.mod"
log "etcd: resolving dependencies (go mod tidy)..."
(cd "$etcd_dir" && go mod tidy >&2) || die "go mod tidy failed for etcd (see the go output above)"
requires "$etcd_dir/go.mod" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" \
  || log "warning: go mod tidy did not keep go.etcd.io/etcd/server/v3 $ETCD_VERSION"
log "compiling etcd..."
(cd "$etcd_dir" && go build -trimpath -buildvcs=false \
    -ldflags "$etcd_ldflags" \
    -o "$stage_bin/etcd" . >&2) || die "building etcd failed (see the go output above)"
log "etcd built in $(elapsed "$step_start")"

# --- check the staged binaries, then swap them into place --------------------------------------
chmod 755 "$stage_bin"/*
for b in kube-apiserver kube-controller-manager; do
  v="$("$stage_bin/$b" --version 2>&1 || true)"
  [[ "$v" == "Kubernetes $K8S_VERSION" ]] || die "the built $b reports '${v:0:300}', expected 'Kubernetes $K8S_VERSION'"
done
v="$("$stage_bin/etcd" --version 2>&1 || true)"
[[ "$v" == *"etcd Version: ${ETCD_VERSION#v}"* ]] || die "the built etcd reports '${v:0:300}', expected etcd Version: ${ETCD_VERSION#v}"
printf '%s\n' "$stamp" >"$stage_dir/build-stamp"
install_stage
log "installed in $(elapsed "$total_start"): $(cd "$bin_dir" && du -h "${binaries[@]}" | awk '{ printf "%s %s  ", $2, $1 }')"

finish
