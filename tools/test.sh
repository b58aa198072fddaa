#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing (Debian 12,
# apt), builds the native and ILP32 flavours with -Werror, runs every test
# plain in both, under Valgrind memcheck, helgrind and drd in the native
# one, then the whole suite again under ASan+UBSan and under TSan, and once
# with coverage (gcovr report of kernel/), and ends with "N passed, N failed"
# of its own counting.  CI_QUICK=1 skips the sanitizer, drd and coverage
# stages (docs/robustness.md).
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(meson ninja-build pkg-config gcc libc6-dev python3 libcmocka-dev valgrind
          gcc-arm-none-eabi gcc-multilib qemu-user libcmocka-dev:i386 libxml2-utils
          gcc-riscv64-unknown-elf gcovr libedit-dev)
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

# ---------------------------------------------------------------------------
# Robustness stages (docs/robustness.md): drd, ASan+UBSan, TSan, coverage.
if [ "${CI_QUICK:-0}" != 1 ] && [ -f build-ci/build.ninja ]; then
  stage "drd"
  meson test -C build-ci --setup=drd --print-errorlogs --num-processes 2 >&2 || status=1
  logs+=("drd=build-ci/meson-logs/testlog-drd.json")
fi

# sanitized NAME DIR MESON-OPTIONS... : set up, build and test a flavour.
sanitized() {
  local name=$1 dir=$2
  shift 2
  stage "$name build"
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dwerror=true -Dbuildtype=debugoptimized "$@" >&2 ||
      { status=1; logs+=("$name-build=/nonexistent"); return; }
  fi
  ninja -C "$dir" >&2 || { status=1; logs+=("$name-build=/nonexistent"); return; }
  stage "$name tests"
  meson test -C "$dir" --print-errorlogs --num-processes 2 >&2 || status=1
  logs+=("$name=$dir/meson-logs/testlog.json")
}

if [ "${CI_QUICK:-0}" != 1 ]; then
  # UBSan findings must fail: no recovery, and halt_on_error for good measure.
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  sanitized asan+ubsan build-ci-asan -Db_sanitize=address,undefined \
    "-Dc_args=-fno-sanitize-recover=all" "-Dc_link_args=-fno-sanitize-recover=all"
  sanitized tsan build-ci-tsan -Db_sanitize=thread

  # Coverage: the whole suite once more, then gcovr over kernel/ (gcovr.cfg).
  stage "coverage build"
  if [ -f build-ci-cov/build.ninja ] || meson setup build-ci-cov -Db_coverage=true -Dbuildtype=debug >&2; then
    if ninja -C build-ci-cov >&2; then
      find build-ci-cov -name '*.gcda' -delete
      stage "coverage tests"
      meson test -C build-ci-cov --print-errorlogs --num-processes 2 >&2 || status=1
      logs+=("coverage=build-ci-cov/meson-logs/testlog.json")
      stage "coverage of kernel/ (gcovr)"
      gcovr build-ci-cov --txt build-ci-cov/meson-logs/coverage-kernel.txt >&2 ||
        echo "gcovr failed (report only, not counted)" >&2
    else
      status=1; logs+=("coverage-build=/nonexistent")
    fi
  else
    status=1; logs+=("coverage-build=/nonexistent")
  fi
fi

python3 "$top/tools/ci_summary.py" "${logs[@]}" || status=1
exit $status
