#!/bin/sh
# Builds Wasmtime's C API (pinned in native/Cargo.toml and native/Cargo.lock)
# and installs its library and headers into a cache directory keyed by the
# pinned version, the enabled features and the Rust compiler. Prints that
# directory (the prefix holding include/ and lib/) as the last line on stdout;
# everything else goes to stderr. A second run with the same key only prints.
#
# Environment: WT_CACHE_DIR (default: $XDG_CACHE_HOME/wt or ~/.cache/wt).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PATH="$HOME/.cargo/bin:$PATH"
export PATH

if ! command -v cargo >/dev/null 2>&1; then
  echo "native/build.sh: cargo not found; install Rust (rustup) first" >&2
  exit 1
fi
if ! command -v cmake >/dev/null 2>&1; then
  echo "native/build.sh: cmake not found (Wasmtime's build script needs it)" >&2
  exit 1
fi

version=$(sed -n 's/^version = "=\{0,1\}\([0-9.]*\)"$/\1/p' "$here/Cargo.toml" | tail -1)
key=$( { cat "$here/Cargo.toml" "$here/Cargo.lock" "$here/src/lib.rs"; rustc -V; } \
  | sha256sum | cut -c1-16)
cache=${WT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wt}
prefix="$cache/wasmtime-$version-$key"

if [ -f "$prefix/.complete" ]; then
  echo "$prefix"
  exit 0
fi

echo "native/build.sh: building Wasmtime $version C API (key $key); this takes several minutes the first time" >&2
mkdir -p "$cache"
target="$cache/target"
cargo build --release --locked --manifest-path "$here/Cargo.toml" \
  --target-dir "$target" >&2

include=""
for d in "$target"/release/build/wasmtime-c-api-impl-*/out/include; do
  if [ -f "$d/wasmtime.h" ] && grep -q "WASMTIME_VERSION \"$version\"" "$d/wasmtime.h"; then
    if [ -z "$include" ] || [ "$d" -nt "$include" ]; then include=$d; fi
  fi
done
if [ -z "$include" ]; then
  echo "native/build.sh: the build produced no wasmtime.h for $version" >&2
  exit 1
fi

tmp="$prefix.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/lib"
cp "$target/release/libwasmtime.a" "$tmp/lib/"
cp "$target/release/libwasmtime.so" "$tmp/lib/"
cp -R "$include" "$tmp/include"
touch "$tmp/.complete"
if ! mv -T "$tmp" "$prefix" 2>/dev/null; then
  rm -rf "$tmp" # another build finished first
fi
echo "$prefix"
