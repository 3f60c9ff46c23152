#!/usr/bin/env bash
# Regenerates the Python and Go SDKs (sdk/python, sdk/go) from schema.json.
#
# Usage:  scripts/gen-sdk.sh            rewrites the files of sdk/python and sdk/go that changed
#         scripts/gen-sdk.sh --check    leaves sdk/ alone; exit 1, naming each file, when it differs
#
# `pulumi package gen-sdk` needs language hosts that cannot be built here, so the generator is
# sdkgen/ (a small Go program calling github.com/pulumi/pulumi/pkg/v3's codegen). It is built
# once from the Go module proxy into the per-user tools cache, keyed by a hash of sdkgen/'s files,
# so editing sdkgen/ or bumping its go.mod rebuilds it. sdk/go/go.sum comes from `go mod tidy`.
# Progress goes to stderr; a clean --check prints one line.
#
# Environment:
#   PULUMI_CCE_TOOLS_CACHE  cache root (default: $HOME/.cache/pulumi-cce-kubeconfig)
#   PULUMI_CCE_REBUILD=1    rebuild sdkgen even if a build is cached
#   GOPROXY, GOFLAGS, ...   honoured as set by the caller
set -euo pipefail

TOOL=gen-sdk
# shellcheck source=lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (usage: scripts/gen-sdk.sh [--check])" ;;
esac
[[ $# -le 1 ]] || die "too many arguments (usage: scripts/gen-sdk.sh [--check])"

src_dir="$repo_root/sdkgen"
schema="$repo_root/schema.json"
[[ -f "$schema" ]] || die "$schema not found (scripts/gen-schema.js writes it)"
command -v go >/dev/null 2>&1 || die "the Go toolchain is required (go not found on PATH)"

# The pkg/v3 version sdkgen/go.mod pins (its sdk/v3 is the one the Go SDK then requires).
PULUMI_VERSION="$(sed -n 's|^[[:space:]]*\(require[[:space:]]\{1,\}\)\{0,1\}github\.com/pulumi/pulumi/pkg/v3[[:space:]]\{1,\}\(v[^[:space:]]*\).*|\2|p' "$src_dir/go.mod" | head -n 1)"
[[ -n "$PULUMI_VERSION" ]] || die "no github.com/pulumi/pulumi/pkg/v3 requirement in sdkgen/go.mod"

# Milliseconds since the epoch (bash 5's EPOCHREALTIME; whole seconds on older shells).
now_ms() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t="${EPOCHREALTIME/,/.}"
    echo $(( ${t%.*} * 1000 + 10#$(printf '%.3s' "${t#*.}") ))
  else
    echo $(( SECONDS * 1000 ))
  fi
}
since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%03ds' $(( ms / 1000 )) $(( ms % 1000 )); }

# The cache key: every file of sdkgen/ that goes into the build, by name and content.
if command -v sha256sum >/dev/null 2>&1; then sha256() { sha256sum; }; else sha256() { shasum -a 256; }; fi
src_hash="$(cd "$src_dir" && for f in go.mod go.sum *.go; do printf '%s\0' "$f"; cat "$f"; done | sha256 | cut -c1-12)"
tool_paths "sdkgen-$PULUMI_VERSION-$src_hash"
sdkgen="$bin_dir/sdkgen"

# ensure_sdkgen: builds sdkgen into the cache unless it is there already. A subshell, because
# finish_or_start_build ends with `finish`, and start_build's cleanup trap runs on exit.
installed_ok() { [[ -x "$sdkgen" && "$("$sdkgen" -version 2>/dev/null || true)" == "$PULUMI_VERSION" ]]; }
finish() { exit 0; }
ensure_sdkgen() (
  finish_or_start_build "sdkgen-$PULUMI_VERSION-$src_hash"
  start=$SECONDS
  log "building sdkgen (pulumi codegen $PULUMI_VERSION) from Go modules (first time only; 3-10 minutes on 2 cores)..."
  log "  into $bin_dir"

  # Go ignores a dependency's replace lines, so sdkgen/go.mod must repeat pkg/v3's non-local ones.
  pkg_gomod="$(go_mod_field "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" GoMod)" \
    || die "could not download github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION (see above)"
  want="$(nonlocal_replaces "$pkg_gomod" | sort -u)"
  have="$(nonlocal_replaces "$src_dir/go.mod" | sort -u)"
  if [[ "$want" != "$have" ]]; then
    log "sdkgen/go.mod must have exactly these replace lines of pkg/v3@$PULUMI_VERSION's go.mod:"
    printf '%s\n' "$want" >&2
    die "sdkgen/go.mod's replace lines differ from pkg/v3@$PULUMI_VERSION's"
  fi

  (cd "$src_dir" && go build -trimpath -ldflags "-s -w" -o "$stage_bin/sdkgen" . >&2) \
    || die "building sdkgen failed (see the go output above; after editing sdkgen/go.mod run go mod tidy there)"
  v="$("$stage_bin/sdkgen" -version)"
  [[ "$v" == "$PULUMI_VERSION" ]] || die "sdkgen was built with pulumi sdk $v, expected $PULUMI_VERSION"
  install_stage
  log "sdkgen built in $(elapsed "$start")"
)
ensure_sdkgen

# Generate into a temporary folder, then compare with (or copy over) sdk/.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
t0="$(now_ms)"
"$sdkgen" -schema "$schema" -out "$tmp/sdk" || die "sdkgen failed on schema.json"
gen_time="$(since "$t0")"
t0="$(now_ms)"
# go.sum, and the go line and indirect requirements of go.mod, are the module graph's, so stable.
(cd "$tmp/sdk/go" && GOWORK=off go mod tidy >&2) \
  || die "go mod tidy failed for the generated sdk/go"
(cd "$tmp/sdk/go" && GOWORK=off go mod edit -toolchain=none)
tidy_time="$(since "$t0")"

# list_files DIR: its files under python/ and go/, relative to DIR, one a line; in the clone, git's
# view (tracked or not ignored), so build output such as sdk/python/build or a venv is left out.
list_files() {
  local base="$1" rel
  if [[ "$base" == "$repo_root/sdk" ]] && git -C "$repo_root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$repo_root" ls-files --cached --others --exclude-standard -- sdk/python sdk/go \
      | while IFS= read -r rel; do
          rel="${rel#sdk/}"
          if [[ -f "$base/$rel" || -L "$base/$rel" ]]; then printf '%s\n' "$rel"; fi
        done | sort -u
  else
    (cd "$base" && find python go \( -name __pycache__ -o -name '*.egg-info' -o -name build -o -name dist \) -prune \
        -o \( -type f -o -type l \) -print 2>/dev/null | sort -u) || true
  fi
}

# ours REL: whether sdk/REL may be deleted as a stale generated file: it has the generated header,
# or git tracks it (nothing the user made, such as a virtualenv, is removed).
ours() {
  head -c 512 "$committed/$1" 2>/dev/null | grep -q 'scripts/gen-sdk\.sh' \
    || git -C "$repo_root" ls-files --error-unmatch -- "sdk/$1" >/dev/null 2>&1
}

committed="$repo_root/sdk"
generated="$tmp/sdk"
changed=0
while IFS= read -r rel; do
  if [[ ! -f "$committed/$rel" ]]; then
    changed=$((changed + 1))
    if (( check )); then log "missing: sdk/$rel"; else
      mkdir -p "$(dirname "$committed/$rel")"; cp "$generated/$rel" "$committed/$rel"; log "added sdk/$rel"
    fi
  elif ! cmp -s "$generated/$rel" "$committed/$rel"; then
    changed=$((changed + 1))
    if (( check )); then log "differs: sdk/$rel"; else
      cp "$generated/$rel" "$committed/$rel"; log "updated sdk/$rel"
    fi
  fi
done < <(list_files "$generated")
while IFS= read -r rel; do
  if [[ ! -e "$generated/$rel" ]]; then
    if (( check )); then changed=$((changed + 1)); log "extra (not generated): sdk/$rel"; else
      if ours "$rel"; then changed=$((changed + 1)); rm -f "$committed/$rel"; log "removed sdk/$rel"; else
        log "warning: sdk/$rel is not generated and not tracked; leaving it (--check will fail on it)"
      fi
    fi
  fi
done < <([[ -d "$committed" ]] && list_files "$committed")

if (( check )); then
  if (( changed )); then
    log "sdk/ differs from what schema.json generates (files: $changed): run scripts/gen-sdk.sh and commit sdk/"
    exit 1
  fi
  log "sdk/ is up to date with schema.json (generated in $gen_time, go mod tidy $tidy_time)"
else
  find "$committed/python" "$committed/go" -depth -type d -empty -delete 2>/dev/null || true
  log "sdk/python and sdk/go generated in $gen_time (go mod tidy $tidy_time); $changed files changed"
fi
