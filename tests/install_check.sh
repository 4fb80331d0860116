#!/bin/sh
# Installs wt from the build tree into a temporary prefix, then builds the
# hello example against it three ways: pkg-config with the shared library,
# find_package(wt) with wt::wt, and find_package(wt) with wt::wt_static.
# Each program must print the hello line.
set -eu
src=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null

PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
export PKG_CONFIG_PATH
cc "$src/examples/hello.c" $(pkg-config --cflags --libs wt) \
  -Wl,-rpath,"$tmp/prefix/lib" -o "$tmp/hello_pkgconfig"
"$tmp/hello_pkgconfig" | grep -qx "Hello from C!"

mkdir "$tmp/consumer"
cat > "$tmp/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(wt 0.1 REQUIRED)
add_executable(hello_shared "$src/examples/hello.c")
target_link_libraries(hello_shared wt::wt)
add_executable(hello_static "$src/examples/hello.c")
target_link_libraries(hello_static wt::wt_static)
CMAKE
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
"$tmp/consumer/build/hello_shared" | grep -qx "Hello from C!"
"$tmp/consumer/build/hello_static" | grep -qx "Hello from C!"
echo "install: pkg-config, wt::wt and wt::wt_static all run hello"
