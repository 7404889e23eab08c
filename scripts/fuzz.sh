#!/usr/bin/env bash
# Fuzzes the config and URL parsers with libFuzzer, ASan and UBSan.
#
#   scripts/fuzz.sh [SECONDS] [TARGET]     (defaults: 60 fuzz_config)
#
# Configures build-fuzz with clang++ and -DADDRMIG_FUZZ=ON, builds TARGET
# (tests/fuzz/TARGET.cpp), and runs it for SECONDS on a working corpus
# (build-fuzz/fuzz-corpus/TARGET: the seeds of tests/fuzz/corpus/*, plus what
# earlier runs found). A crash, a sanitizer report or a broken contract stops
# the run, leaves the input in build-fuzz/fuzz-artifacts/TARGET/ and makes this
# script exit 1; replay one with `build-fuzz/tests/fuzz/TARGET FILE`.
# With ADDRMIG_FUZZ_KEEP_GOING=1 libFuzzer runs in fork mode and carries on
# after a crash, to collect every distinct one within the time.
set -euo pipefail

seconds=${1:-60}
target=${2:-fuzz_config}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
seeds="$root/tests/fuzz/corpus"
corpus="$build/fuzz-corpus/$target"
artifacts="$build/fuzz-artifacts/$target"
log="$build/fuzz-$target.log"

die() { echo "fuzz.sh: $*" >&2; exit 2; }

[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || die "SECONDS must be a positive whole number, not '$seconds'"
[ -f "$root/tests/fuzz/$target.cpp" ] || die "no fuzz target tests/fuzz/$target.cpp"
command -v clang++ >/dev/null || die "clang++ not found: apt-get install clang"

# libFuzzer's runtime ships apart from clang on Debian: link a trivial target
# to find out whether it is there before a whole configure and build.
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  > "$probe_dir/probe.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cpp" -o "$probe_dir/probe" 2>/dev/null; then
  clang_major=$(clang++ -dumpversion | cut -d. -f1)
  die "clang++ cannot link a libFuzzer target: the fuzzer runtime is missing.
  Install it with: sudo apt-get install libclang-rt-${clang_major}-dev"
fi

cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DADDRMIG_FUZZ=ON >/dev/null
cmake --build "$build" -j2 --target "$target"

mkdir -p "$corpus" "$artifacts"
cp -n "$seeds"/*/* "$corpus"/ 2>/dev/null || true
dictionary="$root/tests/fuzz/${target#fuzz_}.dict"
extra_flags=()
[ -f "$dictionary" ] && extra_flags+=(-dict="$dictionary")
[ "${ADDRMIG_FUZZ_KEEP_GOING:-0}" = 1 ] && extra_flags+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)

echo "fuzz.sh: running $target for ${seconds}s on $corpus ($(ls "$corpus" | wc -l) inputs)"
status=0
# Leak checking stays on (ASan's default); UBSan reports carry a stack.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/" "${extra_flags[@]}" \
  "$corpus" >"$log" 2>&1 || status=$?

# Summary: libFuzzer's final stats, the corpus size and any saved inputs.
echo "---- $target: summary (full log: $log)"
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)' "$log" || true
grep -E '^#[0-9]+' "$log" | tail -1 || true   # last status line, also in fork mode
echo "corpus: $(ls "$corpus" | wc -l) inputs in $corpus"
crashes=$(find "$artifacts" -type f -newer "$probe_dir/probe.cpp" | sort)
if [ "$status" -ne 0 ] || [ -n "$crashes" ]; then
  echo "---- $target: FAILED (libFuzzer exit $status)"
  grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|fuzz contract broken|SUMMARY:' "$log" | head -20 || true
  [ -n "$crashes" ] && printf 'reproducer: %s\n' $crashes
  exit 1
fi
echo "---- $target: no crash in ${seconds}s"
