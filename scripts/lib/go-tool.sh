# Sourced by scripts/install-*.sh: the cache, lock and Go-module helpers shared by the tool builds
# (install-node.sh uses the cache and lock part only).
# Tools are built from the Go module proxy (nothing else can be downloaded here) into a per-user
# cache, so a fresh clone on the same machine reuses them and a new machine builds them once.
#
# The caller sets TOOL (its log prefix) before sourcing, then calls tool_paths NAME.
# Environment: PULUMI_CCE_TOOLS_CACHE (default $HOME/.cache/pulumi-cce-kubeconfig),
#              PULUMI_CCE_REBUILD=1 to rebuild even when a build is cached.

log() { printf '%s: %s\n' "$TOOL" "$*" >&2; }
die() { log "error: $*"; exit 1; }

lib_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo_root="$(cd "$lib_dir/../.." && pwd -P)"

# tool_paths NAME: sets cache_root, dest_dir (the cached build NAME) and bin_dir.
tool_paths() {
  cache_root="${PULUMI_CCE_TOOLS_CACHE:-${HOME:?HOME is not set}/.cache/pulumi-cce-kubeconfig}"
  mkdir -p "$cache_root"
  cache_root="$(cd "$cache_root" && pwd -P)"
  dest_dir="$cache_root/$1"
  bin_dir="$dest_dir/bin"
}

# finish_with_link LINK: links the clone's git-ignored .tools/LINK to bin_dir, prints bin_dir
# (the only stdout line), and exits.
finish_with_link() {
  local link="$repo_root/.tools/$1"
  mkdir -p "$repo_root/.tools"
  if [[ -L "$link" && "$(readlink "$link")" != "$bin_dir" ]]; then
    rm -f "$link"
  fi
  if [[ -e "$link" && ! -L "$link" ]]; then
    log "warning: $link exists and is not a symlink; leaving it alone"
  elif [[ ! -L "$link" ]]; then
    ln -s "$bin_dir" "$link" 2>/dev/null || [[ "$(readlink "$link" 2>/dev/null)" == "$bin_dir" ]] \
      || log "warning: could not create $link"
  fi
  printf '%s\n' "$bin_dir"
  exit 0
}

# finish_or_start_build NAME [START]: finishes (the caller's `finish`) when the caller's
# `installed_ok` holds, before and again after taking the lock (another run may have just built
# it); otherwise starts a build with START (default start_build; start_stage for a tool that is
# fetched, not compiled). PULUMI_CCE_REBUILD=1 always builds.
finish_or_start_build() {
  if [[ "${PULUMI_CCE_REBUILD:-}" != "1" ]] && installed_ok; then finish; fi
  lock_build "$1"
  if [[ "${PULUMI_CCE_REBUILD:-}" != "1" ]] && installed_ok; then finish; fi
  "${2:-start_build}" "$1"
}

# lock_build NAME: serialises concurrent builds of NAME (fd 9 stays open until exit).
lock_build() {
  exec 9>"$cache_root/$1.lock"
  if command -v flock >/dev/null 2>&1; then
    if ! flock -n 9; then
      log "another install is running; waiting for it to finish..."
      flock 9
    fi
  else
    log "warning: flock not found; concurrent runs are not serialised"
  fi
}

# start_stage NAME: a work_dir (removed on exit) with stage_dir/stage_bin to build into.
start_stage() {
  work_dir="$(mktemp -d "$cache_root/.build-$1.XXXXXX")"
  trap 'chmod -R u+w "$work_dir" 2>/dev/null || true; rm -rf "$work_dir"' EXIT
  stage_dir="$work_dir/$1"
  stage_bin="$stage_dir/bin"
  mkdir -p "$stage_bin"
}

# start_build NAME: start_stage, and Go settings for static builds that ignore any go.work
# around the cache.
start_build() {
  command -v go >/dev/null 2>&1 || die "the Go toolchain is required to build $1 (go not found on PATH)"
  start_stage "$1"
  export GOWORK=off
  export CGO_ENABLED="${CGO_ENABLED:-0}"
}

# install_stage: swaps the checked stage into place (a rename within one filesystem).
install_stage() {
  if [[ -e "$dest_dir" ]]; then
    mv "$dest_dir" "$work_dir/old"
  fi
  mv "$stage_dir" "$dest_dir"
}

# go_mod_field MODULE@VERSION FIELD: a field (GoMod, Dir, ...) of `go mod download -json`.
go_mod_field() {
  local json
  json="$(cd "$work_dir" && go mod download -json "$1" 2>/dev/null)" || { printf '%s' "$json" >&2; return 1; }
  printf '%s' "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" | head -n 1
}

# nonlocal_replaces GO.MOD: its `replace` lines that do not point at a local folder. A dependency's
# replace lines are ignored by Go, so a wrapper module must repeat them.
nonlocal_replaces() { replace_lines "$1" nonlocal; }

# local_replaces_at GO.MOD VERSION: for each of its `replace` lines that points at a local folder
# (`k8s.io/api => ./staging/src/k8s.io/api`), a line replacing that module with its VERSION release
# (`replace k8s.io/api => k8s.io/api v0.37.2`), for modules that are also published on their own.
local_replaces_at() { replace_lines "$1" local "$2"; }

# replace_lines GO.MOD nonlocal|local [VERSION]: the parser behind the two above.
replace_lines() {
  awk -v mode="$2" -v version="${3:-}" '
    function emit(spec,   parts, lhs, is_local) {
      split(spec, parts, /[[:space:]]*=>[[:space:]]*/)
      is_local = (parts[2] ~ /^(\.\.?\/|\/)/ || parts[2] == "." || parts[2] == "..")
      if (mode == "nonlocal" && !is_local) print "replace " spec
      if (mode == "local" && is_local) { split(parts[1], lhs, /[[:space:]]+/); print "replace " lhs[1] " => " lhs[1] " " version }
    }
    /^replace[[:space:]]*\(/ { inblock = 1; next }
    inblock && /^\)/        { inblock = 0; next }
    inblock { line = $0; sub(/\/\/.*/, "", line); gsub(/^[[:space:]]+|[[:space:]]+$/, "", line); if (line != "") emit(line); next }
    /^replace[[:space:]]/   { line = $0; sub(/\/\/.*/, "", line); sub(/^replace[[:space:]]+/, "", line); gsub(/[[:space:]]+$/, "", line); emit(line) }
  ' "$1"
}

# godebug_lines GO.MOD: its `godebug` lines (single or block), which a wrapper module (the main
# module, whose settings are the ones Go applies) should repeat to run with the same defaults.
godebug_lines() {
  awk '
    /^godebug[[:space:]]*\(/ { inblock = 1; print; next }
    inblock { print; if ($0 ~ /^\)/) inblock = 0; next }
    /^godebug[[:space:]]/ { print }
  ' "$1"
}

elapsed() { printf '%dm%02ds' $(( (SECONDS - $1) / 60 )) $(( (SECONDS - $1) % 60 )); }
