#!/bin/sh
# Quick start, step 2: build everything (as build.sh) and run the whole test
# suite; ends with ctest's summary.
set -eu
cd "$(dirname "$0")"
sh ./build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
