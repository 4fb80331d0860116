#!/bin/sh
# The installed wt works for its consumers, and so does wt as a subproject:
#  (a) a /usr install staged with DESTDIR (CMAKE_INSTALL_PREFIX=/usr, so the
#      libdir GNUInstallDirs picks, lib/x86_64-linux-gnu on Debian): hello.c
#      built with pkg-config (wt and wt-static; PKG_CONFIG_PATH into the
#      DESTDIR, with and without PKG_CONFIG_SYSROOT_DIR) and with
#      find_package(wt) (wt::wt and wt::wt_static; CMAKE_PREFIX_PATH into the
#      DESTDIR, and CMAKE_FIND_ROOT_PATH=DESTDIR);
#  (b) the build tree's install, moved after installing: the same consumers
#      find it at its new place;
#  (c) a CMake project that add_subdirectory()s the source tree, with
#      pkg-config unable to find Criterion: wt's tests, examples and bench are
#      off there, and wt::wt and wt::wt_static link.
# Every hello must print the hello line; the static ones must not need
# libwt.so, the shared ones must. The builds reuse the Wasmtime of BUILD.
#   sh tests/install_check.sh SRCDIR BUILDDIR WASMTIME_PREFIX
set -eu
src=$1
build=$2
wasmtime=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jobs=$(nproc)
hello="$src/examples/hello.c"
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
cc=${cc:-cc}
major=$(sed -n 's/^#define WT_VERSION_MAJOR  *\([0-9][0-9]*\).*/\1/p' "$src/include/wt/version.h")
minor=$(sed -n 's/^#define WT_VERSION_MINOR  *\([0-9][0-9]*\).*/\1/p' "$src/include/wt/version.h")
# No pkg-config file of the machine may stand in for the ones under test.
empty="$tmp/empty"
mkdir "$empty"

fail() {
  echo "install: $*" >&2
  exit 1
}

# step NAME COMMAND...: runs COMMAND quietly; on failure shows its output.
step() {
  step_name=$1
  shift
  if ! "$@" > "$tmp/log" 2>&1; then
    cat "$tmp/log" >&2
    fail "$step_name failed"
  fi
}

# check_hello KIND PROGRAM: PROGRAM prints the hello line; a static one does
# not load libwt.so, a shared one does.
check_hello() {
  hello_out=$("$2") || fail "$2 exited with status $?"
  [ "$hello_out" = "Hello from C!" ] || fail "$2 printed '$hello_out'"
  if readelf -d "$2" | grep -q 'NEEDED.*libwt\.so'; then
    [ "$1" = shared ] || fail "$2 should not need libwt.so"
  else
    [ "$1" = static ] || fail "$2 should need libwt.so"
  fi
}

# pkgconfig_consumers NAME PCDIR LIBDIR [SYSROOT]: hello.c built with
# `pkg-config wt` and `pkg-config wt-static` found in PCDIR; LIBDIR is where
# the libraries are.
pkgconfig_consumers() {
  pc_name=$1
  pc_dir=$2
  pc_libdir=$3
  set -- env PKG_CONFIG_LIBDIR="$empty" PKG_CONFIG_PATH="$pc_dir" \
    PKG_CONFIG_SYSROOT_DIR="${4:-}" pkg-config
  pc_found=$("$@" --variable=libdir wt) ||
    fail "$pc_name: pkg-config finds no wt in $pc_dir"
  [ "$(cd "$pc_found" && pwd -P)" = "$(cd "$pc_libdir" && pwd -P)" ] ||
    fail "$pc_name: pkg-config gives libdir $pc_found, not $pc_libdir"
  pc_flags=$("$@" --cflags --libs wt) || fail "$pc_name: pkg-config wt failed"
  step "$pc_name: pkg-config wt" "$cc" "$hello" $pc_flags \
    -Wl,-rpath,"$pc_libdir" -o "$tmp/$pc_name-pc-shared"
  check_hello shared "$tmp/$pc_name-pc-shared"
  pc_flags=$("$@" --cflags --libs wt-static) ||
    fail "$pc_name: pkg-config wt-static failed"
  step "$pc_name: pkg-config wt-static" "$cc" "$hello" $pc_flags \
    -o "$tmp/$pc_name-pc-static"
  check_hello static "$tmp/$pc_name-pc-static"
}

# A find_package(wt) consumer: hello with wt::wt and with wt::wt_static.
consumer="$tmp/consumer"
mkdir "$consumer"
cat > "$consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(wt $major.$minor REQUIRED)
add_executable(hello_shared "$hello")
target_link_libraries(hello_shared PRIVATE wt::wt)
add_executable(hello_static "$hello")
target_link_libraries(hello_static PRIVATE wt::wt_static)
CMAKE

# cmake_consumers NAME CMAKE-ARGS...: the consumer, configured with them.
cmake_consumers() {
  cm_name=$1
  shift
  cm_dir="$tmp/$cm_name-cmake"
  step "$cm_name: find_package(wt)" env PKG_CONFIG_LIBDIR="$empty" \
    cmake -S "$consumer" -B "$cm_dir" "$@"
  step "$cm_name: building the find_package(wt) consumer" \
    cmake --build "$cm_dir" -j "$jobs"
  check_hello shared "$cm_dir/hello_shared"
  check_hello static "$cm_dir/hello_static"
}

# ---- (a) a /usr install, staged with DESTDIR -----------------------------------
usr="$tmp/usr-build"
destdir="$tmp/destdir"
step "configuring with CMAKE_INSTALL_PREFIX=/usr" cmake -S "$src" -B "$usr" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX=/usr -DWASMTIME_DIR="$wasmtime" \
  -DWT_BUILD_TESTS=OFF -DWT_BUILD_EXAMPLES=OFF -DWT_BUILD_BENCH=OFF
step "building for /usr" cmake --build "$usr" -j "$jobs"
step "installing with DESTDIR" env DESTDIR="$destdir" cmake --install "$usr"
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$usr/CMakeCache.txt")
if [ -f /etc/debian_version ]; then
  case $libdir in
    lib/*-linux-*) ;;
    *) fail "on Debian, GNUInstallDirs should pick lib/<multiarch>, not $libdir" ;;
  esac
fi
[ -f "$destdir/usr/$libdir/wt/libwasmtime.a" ] ||
  fail "no libwasmtime.a in $destdir/usr/$libdir/wt"
pkgconfig_consumers usr "$destdir/usr/$libdir/pkgconfig" "$destdir/usr/$libdir"
pkgconfig_consumers usr-sysroot "$destdir/usr/$libdir/pkgconfig" \
  "$destdir/usr/$libdir" "$destdir"
cmake_consumers usr-prefix -DCMAKE_PREFIX_PATH="$destdir/usr"
cmake_consumers usr-root -DCMAKE_FIND_ROOT_PATH="$destdir"
echo "install: /usr with DESTDIR (libdir $libdir): pkg-config and find_package(wt) consumers run hello, shared and static"

# ---- (b) an install moved after installing ----------------------------------------
step "installing the build tree" cmake --install "$build" --prefix "$tmp/first"
mkdir "$tmp/moved"
mv "$tmp/first" "$tmp/moved/prefix"
moved="$tmp/moved/prefix"
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build/CMakeCache.txt")
pkgconfig_consumers moved "$moved/$libdir/pkgconfig" "$moved/$libdir"
cmake_consumers moved -DCMAKE_PREFIX_PATH="$moved"
echo "install: moved from $tmp/first to $moved: pkg-config and find_package(wt) consumers run hello, shared and static"

# ---- (c) add_subdirectory() of the source tree --------------------------------
sub="$tmp/subproject"
mkdir "$sub"
cat > "$sub/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.21)
project(subproject C)
add_subdirectory("$src" wt)
foreach(option WT_BUILD_TESTS WT_BUILD_EXAMPLES WT_BUILD_BENCH)
  if(\${option})
    message(FATAL_ERROR "\${option} is ON in a subproject")
  endif()
endforeach()
foreach(target stress_threads spec_runner wt_bench hello)
  if(TARGET \${target})
    message(FATAL_ERROR "wt defined \${target} in a subproject")
  endif()
endforeach()
if(CMAKE_BUILD_TYPE)
  message(FATAL_ERROR "wt set CMAKE_BUILD_TYPE=\${CMAKE_BUILD_TYPE} for its parent")
endif()
add_executable(hello_shared "$hello")
target_link_libraries(hello_shared PRIVATE wt::wt)
add_executable(hello_static "$hello")
target_link_libraries(hello_static PRIVATE wt::wt_static)
CMAKE
step "configuring the add_subdirectory() consumer" \
  env -u CMAKE_BUILD_TYPE PKG_CONFIG_LIBDIR="$empty" PKG_CONFIG_PATH= \
  cmake -S "$sub" -B "$sub/build" -DCMAKE_C_COMPILER="$cc" \
  -DWASMTIME_DIR="$wasmtime"
step "building the add_subdirectory() consumer" cmake --build "$sub/build" -j "$jobs"
check_hello shared "$sub/build/hello_shared"
check_hello static "$sub/build/hello_static"
echo "install: add_subdirectory() without Criterion: wt::wt and wt::wt_static run hello"
