#!/usr/bin/env bash
# Makes `qemu-aarch64` available: the tests start the linux-arm64 plugin executable under it
# (Debian's qemu-user runs a static or dynamic aarch64 binary without binfmt registration).
# Installs Debian's qemu-user with apt-get when it is missing (CI runs as root on a Debian machine).
# The last (and only) stdout line is the absolute path of qemu-aarch64.
set -euo pipefail
log() { printf 'install-qemu: %s\n' "$*" >&2; }
if ! command -v qemu-aarch64 >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || { log "error: qemu-aarch64 is missing and there is no apt-get to install qemu-user"; exit 1; }
  sudo=""
  [[ "$(id -u)" == "0" ]] || sudo="sudo"
  log "installing qemu-user with apt-get (first time only)..."
  # An old or empty package list finds nothing: refresh it once, then install.
  $sudo apt-get install -y -qq qemu-user >&2 || { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq qemu-user >&2; }
fi
command -v qemu-aarch64
