#!/bin/sh
# Builds wt, its tests and examples with AddressSanitizer, UndefinedBehavior-
# Sanitizer and LeakSanitizer, and runs the test suite under them.
# Wasmtime catches wasm traps with its own SIGSEGV/SIGBUS/SIGFPE handlers, so
# ASan must leave those signals alone (see docs/sanitizers.md).
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DWT_BUILD_BENCH=OFF \
  -DWT_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j "$(nproc)"
ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1:detect_leaks=1:abort_on_error=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS
ctest --test-dir build-asan --output-on-failure -j "$(nproc)"

# ThreadSanitizer on the concurrency stress test. Criterion cannot run under
# TSan, so the stress test is a plain program. Wasmtime is linked as a shared
# library so that TSan can leave its uninstrumented code alone.
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DWT_BUILD_BENCH=OFF \
  -DWT_BUILD_EXAMPLES=OFF -DWT_SANITIZE=thread -DWT_WASMTIME_SHARED=ON \
  >/dev/null
cmake --build build-tsan -j "$(nproc)" --target stress_threads
TSAN_OPTIONS="halt_on_error=1 ignore_noninstrumented_modules=1" \
  ./build-tsan/tests/stress_threads 8 10
