#!/usr/bin/env bash
# Quick start, part 1: build rtsim and run its guided demo.
# Installs what is missing on Debian 12 (meson, ninja, a C compiler).
# Extra arguments go to `rtsim demo` (e.g. `bash tools/demo.sh kernel`).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
for p in meson ninja-build pkg-config gcc libc6-dev libedit-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  as_root apt-get update -qq || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
if [ ! -f build-demo/build.ninja ]; then
  meson setup build-demo -Dtests=false >/dev/null
fi
ninja -C build-demo >/dev/null
exec ./build-demo/tools/rtsim demo "$@"
