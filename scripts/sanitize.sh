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
