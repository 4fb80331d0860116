#!/bin/sh
# Quick start, step 2: build everything (as build.sh, with the same WT_PRESET)
# and run the whole test suite, then print the spec test totals
# (docs/spec-tests.md).
set -eu
cd "$(dirname "$0")"
sh ./build.sh
status=0
ctest --preset "${WT_PRESET:-release}" -j "$(nproc)" || status=$?
if [ -d build/tests/spec/results ]; then
  build/tests/spec/spec_runner --summary build/tests/spec/results || true
fi
exit "$status"
