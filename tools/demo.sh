#!/usr/bin/env bash
# Quick start, part 1: build rtsim and run its guided demo.
# Installs what is missing on Debian 12 (meson, ninja, a C compiler, and
# gcc-multilib for the 32-bit target model the boards use; qemu-user too
# when this host cannot run 32-bit programs itself).  The build is the
# default one: the 32-bit target model, the board's numbers (docs/model.md).
# Extra arguments go to `rtsim demo` (e.g. `bash tools/demo.sh kernel`).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    as_root apt-get update -qq || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}
install_missing meson ninja-build pkg-config gcc libc6-dev gcc-multilib
# Can this host run a 32-bit program?  If not, meson runs them through qemu-i386.
probe=$(mktemp -d)
if printf 'int main(void) { return 0; }\n' | gcc -m32 -x c - -o "$probe/p" 2>/dev/null &&
   ! "$probe/p" 2>/dev/null; then
  install_missing qemu-user
fi
rm -rf "$probe"

if [ ! -f build-demo/build.ninja ]; then
  meson setup build-demo -Dtests=false >/dev/null
fi
ninja -C build-demo >/dev/null
wrapper=$(sed -n 's/^wrapper=//p' build-demo/rtsim-model.txt)
fallback=$(sed -n 's/^fallback=//p' build-demo/rtsim-model.txt)
[ -z "$fallback" ] || echo "rtsim: 64-bit host model: $fallback" >&2
exec $wrapper ./build-demo/tools/rtsim demo "$@"
