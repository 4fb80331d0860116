#!/bin/sh
# Quick start, step 1: install what is missing, build Wasmtime (cached after
# the first time) and wt, then run the hello example. The build is the
# `release` preset of CMakePresets.json, in build/; WT_PRESET=ci (what .ci/run
# uses) is the same build with warnings treated as errors.
set -eu
cd "$(dirname "$0")"
preset=${WT_PRESET:-release}
case $preset in
  release|ci) ;;
  *) echo "build.sh: WT_PRESET must be release or ci, not $preset" >&2; exit 2 ;;
esac
sh scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
./build/examples/hello
