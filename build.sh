#!/bin/sh
# Quick start, step 1: install what is missing, build Wasmtime (cached after
# the first time) and wt, then run the hello example.
set -eu
cd "$(dirname "$0")"
sh scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
./build/examples/hello
