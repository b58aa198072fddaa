#!/usr/bin/env bash
# A longer fuzz run of one target with libFuzzer (clang 14, Debian's
# libclang-rt-14-dev), ASan and UBSan, seeded from the committed corpus.
#
#   bash tests/fuzz/run.sh smem 60          # fuzz the small-mem heap 60 s
#   bash tests/fuzz/run.sh all 30           # every target, 30 s each
#   RTSIM_FUZZ_MERGE=1 bash tests/fuzz/run.sh slab 300
#                                           # ... then merge what was found
#                                           # (minimised) into the corpus
#   RTSIM_FUZZ_CFLAGS=-DHEAPFUZZ_NO_HUGE ...  # no requests near SIZE_MAX
#                                           # (to get past a known overflow)
#
# Targets: smem smem-classic memheap slab sys mempool boardfile boardmap scenario corrupt (every heap
# tests/fuzz/heapfuzz.c lists).  Work files go to build-fuzz/; a crash is
# saved as build-fuzz/crash-TARGET-<sha1>, replayable with the fuzzer
# binary or with build/tests/fuzz/replay_TARGET FILE (HEAPFUZZ_TRACE=1
# prints each operation).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: run.sh TARGET|all [SECONDS]}
secs=${2:-60}
out=build-fuzz
mkdir -p "$out"

if ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "run.sh: needs clang and libclang-rt-14-dev (apt-get install --no-install-recommends clang libclang-rt-14-dev)" >&2
  exit 1
fi
CC=${CC:-clang}

# The sources meson builds, read from the meson files so new ones come along.
list() { sed -n "/$2 = files(/,/)/p" "$1" | grep -o "'[A-Za-z0-9_/]*\.c'" | tr -d "'" | sed "s|^|$(dirname "$1")/|"; }
kernel_src=$(list kernel/meson.build kernel_sources)
sim_src=$(list sim/meson.build sim_sources)
status=0
tlsf=()
[ -f kernel/src/tlsf.c ] && tlsf=(-DRTSIM_HAVE_TLSF)   # as tests/meson.build does
flags=(${RTSIM_FUZZ_CFLAGS:-} "${tlsf[@]}" -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -fno-omit-frame-pointer -Ikernel/include -Isim/include -Isim -Ikernel/src)

build() {
  local t=$1 bin=$out/fuzz_$1
  case $t in
    boardfile) "$CC" "${flags[@]}" -o "$bin" tests/fuzz/fuzz_boardfile.c $kernel_src $sim_src -lpthread ;;
    boardmap) "$CC" "${flags[@]}" -Itools -o "$bin" tests/fuzz/fuzz_boardmap.c tools/board_from_map.c \
         $kernel_src $sim_src -lpthread ;;
    scenario) "$CC" "${flags[@]}" -Itools -o "$bin" tests/fuzz/fuzz_scenario.c tools/scn_parse.c \
         $kernel_src $sim_src -lpthread ;;
    corrupt) "$CC" "${flags[@]}" -o "$bin" tests/fuzz/fuzz_corrupt.c $kernel_src $sim_src -lpthread ;;
    *) "$CC" "${flags[@]}" -DFUZZ_HEAP="\"$t\"" -o "$bin" tests/fuzz/fuzz_heap.c tests/fuzz/heapfuzz.c \
         $kernel_src $sim_src -lpthread ;;
  esac
}

fuzz() {
  local t=$1 corpus=tests/fuzz/corpus/$1 work=$out/work/$1
  mkdir -p "$corpus" "$work"
  echo "== fuzzing $t for $secs s" >&2
  build "$t"
  local rc=0
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$out/fuzz_$t" "$work" "$corpus" -max_total_time="$secs" -max_len=512 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$out/crash-$t-" ${RTSIM_FUZZ_ARGS:-} \
      > "$out/fuzz_$t.log" 2>&1 || rc=$?
  grep -E '^heapfuzz:|^fuzz_boardfile:|^fuzz_boardmap:|SUMMARY|Test unit written|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added' \
    "$out/fuzz_$t.log" >&2 || true
  [ $rc = 0 ] || { echo "run.sh: $t found a problem (full log: $out/fuzz_$t.log)" >&2; status=1; }
  if [ "${RTSIM_FUZZ_MERGE:-0}" = 1 ]; then
    "$out/fuzz_$t" -merge=1 -artifact_prefix="$out/crash-$t-" "$corpus" "$work" 2>&1 | tail -n 2 >&2
  fi
}

if [ "$target" = all ]; then
  for t in $(sed -n 's/^    &hf_heap_\([a-z_]*\),$/\1/p' tests/fuzz/heapfuzz.c | sed 's/classic/smem-classic/; s/_/-/g') boardfile boardmap scenario corrupt; do
    fuzz "$t"
  done
else
  fuzz "$target"
fi
exit $status
