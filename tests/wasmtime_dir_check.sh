#!/bin/sh
# WASMTIME_DIR: a prebuilt C API of another Wasmtime version is refused at
# configure time with a message naming both versions; the pinned one works.
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
prefix=$(dirname "$(dirname "$header")")
WASMTIME_DIR="$prefix" cmake -S "$src" -B "$tmp/good" \
  -DWT_BUILD_TESTS=OFF -DWT_BUILD_EXAMPLES=OFF > "$tmp/log2" 2>&1 || {
  cat "$tmp/log2" >&2
  exit 1
}
echo "WASMTIME_DIR: 47.0.1 refused, 48.0.8 accepted"
