#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing (Debian 12,
# apt), builds the native and ILP32 flavours with -Werror, runs every test
# plain in both, under Valgrind memcheck and helgrind in the native one,
# and ends with "N passed, N failed" of its own counting.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(meson ninja-build pkg-config gcc libc6-dev python3 libcmocka-dev valgrind
          gcc-arm-none-eabi gcc-multilib qemu-user libcmocka-dev:i386 libxml2-utils)
# The browser test of `rtsim --html` (tests/check_cli_html.py) opens the page
# in headless Chromium (~100 MB).  RTSIM_BROWSER_TEST=0 leaves Chromium out;
# that test is then skipped.
if [ "${RTSIM_BROWSER_TEST:-1}" = 1 ]; then
  packages+=(chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  dpkg --print-foreign-architectures | grep -qx i386 || as_root dpkg --add-architecture i386
  # An index that is mid-sync on a mirror may fail while the rest works:
  # judge by the install, not by update.
  as_root apt-get update -qq || echo "apt-get update reported errors; trying the install anyway" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >&2 || { echo "package install failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

status=0
logs=()
stage() { echo "== $*" >&2; }

stage "native build (-Werror)"
if [ ! -f build-ci/build.ninja ]; then
  meson setup build-ci -Dwerror=true -Dbuildtype=debugoptimized >&2 || status=1
fi
ninja -C build-ci >&2 || status=1

if [ $status = 0 ]; then
  stage "native tests"
  meson test -C build-ci --print-errorlogs --num-processes 2 >&2 || status=1
  logs+=("native=build-ci/meson-logs/testlog.json")
  stage "memcheck"
  meson test -C build-ci --setup=valgrind --print-errorlogs --num-processes 2 >&2 || status=1
  logs+=("memcheck=build-ci/meson-logs/testlog-valgrind.json")
  stage "helgrind"
  meson test -C build-ci --setup=helgrind --print-errorlogs --num-processes 2 >&2 || status=1
  logs+=("helgrind=build-ci/meson-logs/testlog-helgrind.json")
else
  logs+=("native-build=/nonexistent")
fi

stage "ILP32 build (gcc -m32, run through qemu-i386)"
ok32=1
if [ ! -f build-ci32/build.ninja ]; then
  meson setup build-ci32 --cross-file cross/ilp32.ini -Dwerror=true >&2 || ok32=0
fi
[ $ok32 = 1 ] && { ninja -C build-ci32 >&2 || ok32=0; }
if [ $ok32 = 1 ]; then
  stage "ILP32 tests"
  meson test -C build-ci32 --print-errorlogs --num-processes 2 >&2 || status=1
  logs+=("ilp32=build-ci32/meson-logs/testlog.json")
else
  status=1
  logs+=("ilp32-build=/nonexistent")
fi

python3 "$top/tools/ci_summary.py" "${logs[@]}" || status=1
exit $status
