#!/usr/bin/env bash
# Builds everything a user installs into one folder (default artifacts/), with SHA256SUMS. The
# folder is the GitHub release of tag v<version> exactly as the schema's pluginDownloadURL
# (github://api.github.com/pulumi-cce-kubeconfig) expects it: the engine fetches
# <release>/pulumi-resource-cce-kubeconfig-v<version>-<os>-<arch>.tar.gz; its assets are
#   pulumi-cce-kubeconfig-<version>.tgz                          the npm package (npm pack)
#   pulumi-resource-cce-kubeconfig-v<version>-<os>-<arch>.tar.gz  the provider plugin, one per
#       target (scripts/package-plugin.js: linux, darwin, windows on amd64 and arm64)
#   cce-kubeconfig-v<version>-<os>-<arch>.tar.gz                  the kubectl exec command, likewise
#   pulumi_cce_kubeconfig-<version>.tar.gz and -py3-none-any.whl  the Python SDK (sdk/python)
#   cce-kubeconfig-go-sdk-v<version>.tar.gz                       the Go module (sdk/go), for a
#       replace directive until it is published under its module path
# The Python build uses the venv of scripts/install-python.sh (cached).
#
# CCE_RELEASE_TARGETS (e.g. "linux-amd64 linux-arm64") limits the archives to those targets: the
# tests build only what they run (six single executables take minutes); a release builds all six.
#
# Usage: scripts/build-artifacts.sh [OUT_DIR]   (the last stdout line is OUT_DIR's absolute path)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-artifacts}"
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
version="$(node -p 'require("./package.json").version')"
say() { printf 'build-artifacts: %s\n' "$*" >&2; }

say "npm package..."
rm -f "$out"/pulumi-cce-kubeconfig-*.tgz
# dist/ is built here unless the caller has just built it (the test suite's global setup): a
# rebuild rewrites dist/ in place while other tests of the suite load it.
[[ "${CCE_ARTIFACTS_DIST_BUILT:-}" == "1" ]] || npm run --silent build >&2
npm pack --silent --ignore-scripts --pack-destination "$out" >/dev/null

say "provider plugin and exec command archives..."
rm -f "$out"/pulumi-resource-cce-kubeconfig-v*.tar.gz "$out"/cce-kubeconfig-v*.tar.gz
targets=()
for target in ${CCE_RELEASE_TARGETS:-}; do targets+=(--target "$target"); done
node scripts/package-plugin.js --out "$out" --product plugin --product exec "${targets[@]}" >/dev/null

say "Python SDK (sdist and wheel)..."
python_bin="$(bash scripts/install-python.sh | tail -n 1)"
rm -f "$out"/pulumi_cce_kubeconfig-*
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# Built from a copy: the build leaves egg-info and build/ folders in the source tree.
cp -R sdk/python "$stage/python"
"$python_bin/python" -m build --sdist --wheel --outdir "$out" "$stage/python" >&2

say "Go module..."
rm -f "$out"/cce-kubeconfig-go-sdk-*.tar.gz
tar --create --gzip --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name \
  -f "$out/cce-kubeconfig-go-sdk-v$version.tar.gz" -C sdk go

(cd "$out" && rm -f SHA256SUMS && sha256sum -- *.tgz *.tar.gz *.whl >SHA256SUMS)
say "$(cd "$out" && ls -l --block-size=K -- *.tgz *.tar.gz *.whl | awk '{print $5, $9}' | tr '\n' ';')"
printf '%s\n' "$out"
