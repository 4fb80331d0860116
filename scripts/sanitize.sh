#!/bin/sh
# Builds wt, its tests and examples with AddressSanitizer, UndefinedBehavior-
# Sanitizer and LeakSanitizer (the `asan` preset of CMakePresets.json, in
# build-asan), and runs the test suite under them. Wasmtime catches wasm traps
# with its own SIGSEGV/SIGBUS/SIGFPE handlers, so ASan must leave those
# signals alone: the `asan` test preset sets ASAN_OPTIONS accordingly (see
# docs/sanitizers.md). Both presets treat warnings as errors.
set -eu
cd "$(dirname "$0")/.."
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc)"
ctest --preset asan -j "$(nproc)"

# ThreadSanitizer on the concurrency stress test (the `tsan` preset, in
# build-tsan). Criterion cannot run under TSan, so the stress test is a plain
# program. Wasmtime is linked as a shared library so that TSan can leave its
# uninstrumented code alone.
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$(nproc)"
TSAN_OPTIONS="halt_on_error=1 ignore_noninstrumented_modules=1" \
  ./build-tsan/tests/stress_threads 8 10
