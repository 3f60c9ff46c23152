#!/usr/bin/env bash
# Makes `qemu-aarch64` and an aarch64 sysroot available: the tests start the linux-arm64 plugin
# executable under it (Debian's qemu-user runs an aarch64 binary without binfmt registration; the
# official Node build is dynamically linked, so it also needs the aarch64 glibc and libstdc++,
# which Debian's *-arm64-cross packages put in /usr/aarch64-linux-gnu, passed as `qemu-aarch64 -L`).
# Installs them with apt-get when missing (CI runs as root on a Debian machine).
# The last (and only) stdout line is the absolute path of qemu-aarch64.
set -euo pipefail
log() { printf 'install-qemu: %s\n' "$*" >&2; }
SYSROOT=/usr/aarch64-linux-gnu
PACKAGES=(qemu-user libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)
if ! command -v qemu-aarch64 >/dev/null 2>&1 || [[ ! -e "$SYSROOT/lib/ld-linux-aarch64.so.1" || ! -e "$SYSROOT/lib/libstdc++.so.6" ]]; then
  command -v apt-get >/dev/null 2>&1 || { log "error: qemu-aarch64 or the aarch64 libraries are missing, and there is no apt-get to install ${PACKAGES[*]}"; exit 1; }
  sudo=""
  [[ "$(id -u)" == "0" ]] || sudo="sudo"
  log "installing ${PACKAGES[*]} with apt-get (first time only)..."
  # An old or empty package list finds nothing: refresh it once, then install.
  $sudo apt-get install -y -qq "${PACKAGES[@]}" >&2 || { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq "${PACKAGES[@]}" >&2; }
fi
command -v qemu-aarch64
