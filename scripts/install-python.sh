#!/usr/bin/env bash
# Makes a Python virtual environment with the Pulumi Python SDK for the plugin's Python tests and
# for building the Python SDK's sdist and wheel: `pulumi==3.248.0` (the CLI's version), `build`,
# and what the generated SDK needs to install and import (`parver`, `setuptools`, `wheel`) from
# PyPI, in a per-user cache, linked into this clone as .tools/python-bin. The generated SDK
# (sdk/python) is not installed here: each test installs it into a venv of its own.
#
# Usage:  PATH="$(scripts/install-python.sh):$PATH"
#
# The last (and only) line on stdout is the venv's absolute bin dir; progress goes to stderr.
#
# Environment:
#   PULUMI_CCE_TOOLS_CACHE  cache root (default: $HOME/.cache/pulumi-cce-kubeconfig)
#   PULUMI_CCE_REBUILD=1    make the venv again even if the cached one looks fine
#   PYTHON                  the interpreter (default: python3 on PATH; 3.9 or later)
set -euo pipefail

PULUMI_PY_VERSION="3.248.0"
BUILD_VERSION="1.2.2"

TOOL=install-python
# shellcheck source=lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"
python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || die "$python is required for the Python SDK tests (not found on PATH)"
name="python-pulumi-$PULUMI_PY_VERSION"
tool_paths "$name"

# True when the venv's Python imports the pinned pulumi and build.
installed_ok() {
  [[ -x "$bin_dir/python" ]] || return 1
  local v
  v="$(timeout 60 "$bin_dir/python" -c 'import importlib.metadata as m, build, parver, setuptools, wheel; print(m.version("pulumi"))' 2>/dev/null || true)"
  [[ "$v" == "$PULUMI_PY_VERSION" ]]
}

finish() { finish_with_link python-bin; }

finish_or_start_build "$name" start_stage

start=$SECONDS
log "making a venv with pulumi==$PULUMI_PY_VERSION from PyPI (first time only, ~1 minute)..."
# A venv records its own path, so it is made where it will live: a failed attempt is removed.
rm -rf "$dest_dir"
trap 'rm -rf "$work_dir"; [[ -x "$bin_dir/python" ]] || rm -rf "$dest_dir"' EXIT
"$python" -m venv "$dest_dir" || die "$python -m venv failed (Debian: apt-get install python3-venv)"
"$bin_dir/python" -m pip install --quiet --disable-pip-version-check "pulumi==$PULUMI_PY_VERSION" "build==$BUILD_VERSION" \
    "parver>=0.2.1" "setuptools>=61" wheel >&2 \
  || { rm -rf "$dest_dir"; die "pip install pulumi==$PULUMI_PY_VERSION failed"; }
installed_ok || { rm -rf "$dest_dir"; die "the venv does not import pulumi $PULUMI_PY_VERSION"; }
log "venv ready in $(elapsed "$start"): $("$bin_dir/python" --version)"

finish
