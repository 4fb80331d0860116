#!/bin/sh
# Builds wt's libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs each for FUZZ_SECONDS (default 60)
# from its seed corpus. Any crash, leak or sanitizer report fails the run;
# the input that caused it is left in build-fuzz/findings/.
#   FUZZ_SECONDS=600 sh scripts/fuzz.sh          # longer
#   FUZZ_TARGETS="module" sh scripts/fuzz.sh      # one target
#   FUZZ_FLAGS="-max_len=512" sh scripts/fuzz.sh  # more libFuzzer flags
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"module wat api component"}
# The `fuzz` preset of CMakePresets.json: clang, -DWT_FUZZ=ON, ASan and
# UBSan, warnings as errors, in build-fuzz.
cmake --preset fuzz >/dev/null
for t in $targets; do
  cmake --build --preset fuzz -j "$(nproc)" --target "fuzz_$t"
done
# Wasmtime handles SIGSEGV, SIGBUS and SIGFPE itself to catch wasm traps.
ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1:detect_leaks=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS
mkdir -p build-fuzz/findings
status=0
for t in $targets; do
  work="build-fuzz/corpus-$t"
  mkdir -p "$work"
  echo "fuzz: $t for ${seconds}s"
  if ! "build-fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" \
      -handle_segv=0 -handle_bus=0 -handle_fpe=0 -timeout=20 \
      -rss_limit_mb=4096 -print_final_stats=1 ${FUZZ_FLAGS:-} \
      -artifact_prefix="build-fuzz/findings/$t-" \
      "$work" "tests/fuzz/corpus/$t" 2> "build-fuzz/fuzz-$t.log"; then
    status=1
    tail -60 "build-fuzz/fuzz-$t.log"
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' \
    "build-fuzz/fuzz-$t.log" | sed "s/^/fuzz: $t /"
  grep -E 'cov: [0-9]+' "build-fuzz/fuzz-$t.log" | tail -1 | sed "s/^/fuzz: $t /"
done
exit $status
