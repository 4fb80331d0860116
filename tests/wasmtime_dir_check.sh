#!/bin/sh
# WASMTIME_DIR: a prebuilt C API of another Wasmtime version, or one that
# native/ did not build, is refused at configure time with a clear message;
# the pinned one works.
set -eu
src=$1
header=$2 # the wasmtime.h wt was built with
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/old/include" "$tmp/old/lib"
sed 's/#define WASMTIME_VERSION "[^"]*"/#define WASMTIME_VERSION "47.0.1"/' \
  "$header" > "$tmp/old/include/wasmtime.h"
: > "$tmp/old/lib/libwasmtime.a"
if WASMTIME_DIR="$tmp/old" cmake -S "$src" -B "$tmp/build" \
    -DWT_BUILD_TESTS=OFF -DWT_BUILD_EXAMPLES=OFF > "$tmp/log" 2>&1; then
  echo "configure accepted Wasmtime 47.0.1" >&2
  exit 1
fi
tr -s ' \n' '  ' < "$tmp/log" \
  | grep -q "holds Wasmtime 47.0.1, but wt is pinned to Wasmtime 48.0.8" || {
  cat "$tmp/log" >&2
  exit 1
}
# A 48.0.8 C API that native/ did not build (an official release) lacks
# wt_native_engine_new and is refused too.
mkdir -p "$tmp/release/include" "$tmp/release/lib"
cp "$header" "$tmp/release/include/wasmtime.h"
echo 'int wasm_engine_new(void) { return 0; }' > "$tmp/engine.c"
cc -c -o "$tmp/engine.o" "$tmp/engine.c"
ar rcs "$tmp/release/lib/libwasmtime.a" "$tmp/engine.o"
if WASMTIME_DIR="$tmp/release" cmake -S "$src" -B "$tmp/build-release" \
    -DWT_BUILD_TESTS=OFF -DWT_BUILD_EXAMPLES=OFF > "$tmp/log3" 2>&1; then
  echo "configure accepted a C API without wt_native_engine_new" >&2
  exit 1
fi
tr -s ' \n' '  ' < "$tmp/log3" | grep -q "lacks wt_native_engine_new" || {
  cat "$tmp/log3" >&2
  exit 1
}
prefix=$(dirname "$(dirname "$header")")
WASMTIME_DIR="$prefix" cmake -S "$src" -B "$tmp/good" \
  -DWT_BUILD_TESTS=OFF -DWT_BUILD_EXAMPLES=OFF > "$tmp/log2" 2>&1 || {
  cat "$tmp/log2" >&2
  exit 1
}
echo "WASMTIME_DIR: 47.0.1 and a release without native/ refused, 48.0.8 accepted"
