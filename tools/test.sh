#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing (Debian 12,
# apt), then, with -Werror:
#   32-bit target model (the default `meson setup`): every test plain, under
#     Valgrind memcheck, helgrind and drd, and built with ASan+UBSan;
#   64-bit host model (-Dmodel=host): plain, memcheck, and built with TSan
#     (ThreadSanitizer has no 32-bit x86 runtime); coverage (gcovr of kernel/);
# and ends with "N passed, N failed" of its own counting.  Where this host
# cannot run 32-bit programs itself, meson runs them through qemu-i386 and
# Valgrind cannot run them at all: the 32-bit Valgrind stages are then
# reported as skipped (with the reason) and helgrind and drd run on the
# 64-bit build instead.  CI_QUICK=1 skips the sanitizer, drd and coverage
# stages (docs/robustness.md, docs/model.md).
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The 32-bit model: gcc-multilib (gcc -m32), the i386 CMocka, the i386 C
# library's debug symbols (memcheck refuses 32-bit programs without them),
# qemu-user (qemu-i386: the fallback for hosts that cannot run them).
packages=(meson ninja-build pkg-config gcc libc6-dev python3 libcmocka-dev valgrind
          gcc-arm-none-eabi gcc-multilib qemu-user libcmocka-dev:i386 libc6-dbg:i386
          libxml2-utils gcc-riscv64-unknown-elf gcovr libedit-dev libedit-dev:i386)
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

# build NAME DIR MESON-OPTIONS... : set up (or reconfigure a directory left
# by an earlier run, whose options may predate -Dmodel) and build; 0 when built.
build() {
  local name=$1 dir=$2 again=()
  shift 2
  stage "$name build"
  [ -f "$dir/build.ninja" ] && again=(--reconfigure)
  meson setup "${again[@]}" "$dir" -Dwerror="${WERROR:-true}" "$@" >&2 ||
    { status=1; logs+=("$name-build=/nonexistent"); return 1; }
  ninja -C "$dir" >&2 || { status=1; logs+=("$name-build=/nonexistent"); return 1; }
}

# run_stage NAME DIR [SETUP] : the whole suite (or a test setup's part).
run_stage() {
  local name=$1 dir=$2 setup=${3:-}
  stage "$name tests"
  if [ -n "$setup" ]; then
    meson test -C "$dir" --setup="$setup" --print-errorlogs --num-processes 2 >&2 || status=1
    logs+=("$name=$dir/meson-logs/testlog-$setup.json")
  else
    meson test -C "$dir" --print-errorlogs --num-processes 2 >&2 || status=1
    logs+=("$name=$dir/meson-logs/testlog.json")
  fi
}

model_of() { sed -n "s/^$2=//p" "$1/rtsim-model.txt" 2>/dev/null; }

quick=${CI_QUICK:-0}
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

# ---------------------------------------------- 32-bit target model (default)
vg32=no
if build "32-bit model" build-ci -Dbuildtype=debugoptimized; then
  m=$(model_of build-ci model)
  stage "32-bit model: $(cat build-ci/rtsim-model.txt | tr '\n' ' ')"
  [ "$m" = target32 ] || { echo "meson setup did not give the 32-bit model: $(model_of build-ci fallback)" >&2; status=1; }
  run_stage "32-bit" build-ci
  vg32=$(model_of build-ci valgrind)
  if [ "$vg32" = yes ]; then
    run_stage "32-bit-memcheck" build-ci valgrind
    run_stage "32-bit-helgrind" build-ci helgrind
    [ "$quick" = 1 ] || run_stage "32-bit-drd" build-ci drd
  else
    why="Valgrind cannot run 32-bit programs on this host"
    [ -n "$(model_of build-ci wrapper)" ] && why="this host runs 32-bit programs only through $(model_of build-ci wrapper), which Valgrind cannot wrap"
    logs+=("32-bit-valgrind=skipped:$why; memcheck, helgrind and drd run on the 64-bit model instead")
  fi
fi
if [ "$quick" != 1 ]; then
  # UBSan findings must fail: no recovery.
  if build "32-bit-asan+ubsan" build-ci-asan -Dbuildtype=debugoptimized \
      -Db_sanitize=address,undefined \
      "-Dc_args=-fno-sanitize-recover=all" "-Dc_link_args=-fno-sanitize-recover=all"; then
    run_stage "32-bit-asan+ubsan" build-ci-asan
  fi
fi

# ------------------------- RT-Thread 5.x flavour (32-bit model, issue 18)
# -Drtthread=5 models RT-Thread 5.1.0 (docs/rt-thread-5.md): the plain
# suite only.  No Valgrind stages: the 32-bit model's cannot run here
# (qemu-i386) and the 64-bit model's cover the code both flavours share;
# the flavour's own switches are exercised by this stage's tests.
if build "32-bit rtthread-5" build-ci5 -Drtthread=5 -Dbuildtype=debugoptimized; then
  run_stage "32-bit-rtthread5" build-ci5
fi

# ---------------------------------------------------- 64-bit host model
if build "64-bit model" build-ci64 -Dmodel=host -Dbuildtype=debugoptimized; then
  run_stage "64-bit" build-ci64
  run_stage "64-bit-memcheck" build-ci64 valgrind
  if [ "$vg32" != yes ]; then
    run_stage "64-bit-helgrind" build-ci64 helgrind
    [ "$quick" = 1 ] || run_stage "64-bit-drd" build-ci64 drd
  fi
fi
if [ "$quick" != 1 ]; then
  if build "64-bit-tsan" build-ci-tsan -Dmodel=host -Dbuildtype=debugoptimized -Db_sanitize=thread; then
    run_stage "64-bit-tsan" build-ci-tsan
  fi

  # Coverage (64-bit host model): the whole suite once more, then gcovr over
  # kernel/ (gcovr.cfg).
  if WERROR=false build "coverage" build-ci-cov -Dmodel=host -Db_coverage=true -Dbuildtype=debug; then
    find build-ci-cov -name '*.gcda' -delete
    run_stage "coverage" build-ci-cov
    stage "coverage of kernel/ (gcovr)"
    gcovr build-ci-cov --txt build-ci-cov/meson-logs/coverage-kernel.txt >&2 ||
      echo "gcovr failed (report only, not counted)" >&2
  fi
fi

python3 "$top/tools/ci_summary.py" "${logs[@]}" || status=1
exit $status
