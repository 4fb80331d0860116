#!/bin/sh
# Installs the tools that build the test guest components (tests/guests/,
# cmake/guests.cmake) into the cache native/build.sh uses, each in a
# directory named by its version:
#   $cache/tools/wasm-tools-<v>/bin/wasm-tools        cargo install --locked
#   $cache/tools/wit-bindgen-cli-<v>/bin/wit-bindgen  cargo install --locked
#   $cache/tools/wasi-adapters-<v>/                   Wasmtime's WASI preview 1
#     adapters (wasi_snapshot_preview1.{reactor,command}.wasm), copied from
#     the crate wasi-preview1-component-adapter-provider, which
#     tests/guests/adapters/Cargo.toml pins to Wasmtime's version.
# What is already installed is checked (the binary reports its version, the
# adapters are wasm) and kept: a second run prints nothing and takes a few
# milliseconds. The first run compiles both tools from crates.io, about
# 10 minutes on two cores. Progress goes to stderr.
#
# Environment: WT_CACHE_DIR (default: $XDG_CACHE_HOME/wt or ~/.cache/wt).
set -eu
# The versions the build expects; cmake/guests.cmake reads these two lines.
wasm_tools_version=1.263.0
wit_bindgen_version=0.63.0

here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$HOME/.cargo/bin:$PATH"
export PATH
cache=${WT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wt}
tools="$cache/tools"
adapters_manifest="$here/tests/guests/adapters/Cargo.toml"
adapters_version=$(sed -n \
  's/^wasi-preview1-component-adapter-provider = "=\([0-9.]*\)"$/\1/p' \
  "$adapters_manifest")
if [ -z "$adapters_version" ]; then
  echo "install-tools: no pinned adapter version in $adapters_manifest" >&2
  exit 1
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "install-tools: Rust's cargo is required to install the guest tools" \
    "(Rust 1.95 or newer, via rustup)" >&2
  exit 1
fi

# reports BIN VERSION: BIN runs and its --version line ends in VERSION.
reports() {
  [ -x "$1" ] || return 1
  case $("$1" --version 2>/dev/null) in
    *" $2") return 0 ;;
  esac
  return 1
}

# install_crate CRATE VERSION BINARY
install_crate() {
  root="$tools/$1-$2"
  if reports "$root/bin/$3" "$2"; then
    return 0
  fi
  echo "install-tools: installing $1 $2 into $root (cargo install, several minutes)" >&2
  cargo install --locked --quiet --force --root "$root" --version "=$2" "$1" >&2
  if ! reports "$root/bin/$3" "$2"; then
    echo "install-tools: $root/bin/$3 does not report version $2" >&2
    exit 1
  fi
}

# is_wasm FILE: FILE starts with the wasm magic number.
is_wasm() {
  [ -f "$1" ] && [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 0061736d ]
}

install_adapters() {
  dir="$tools/wasi-adapters-$adapters_version"
  if is_wasm "$dir/wasi_snapshot_preview1.reactor.wasm" \
      && is_wasm "$dir/wasi_snapshot_preview1.command.wasm"; then
    return 0
  fi
  echo "install-tools: installing the WASI adapters $adapters_version into $dir" >&2
  cargo fetch --locked --quiet --manifest-path "$adapters_manifest" >&2
  crate=$(cargo metadata --format-version 1 --locked --offline \
      --manifest-path "$adapters_manifest" 2>/dev/null \
    | grep -o '"manifest_path":"[^"]*/wasi-preview1-component-adapter-provider-[^"/]*/Cargo.toml"' \
    | sed 's/^"manifest_path":"\(.*\)\/Cargo.toml"$/\1/' | head -1)
  if [ -z "$crate" ] || [ ! -d "$crate/artefacts" ]; then
    echo "install-tools: cargo metadata found no wasi-preview1-component-adapter-provider $adapters_version source" >&2
    exit 1
  fi
  mkdir -p "$tools"
  tmp="$dir.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  for kind in reactor command; do
    file="wasi_snapshot_preview1.$kind.wasm"
    if ! is_wasm "$crate/artefacts/$file"; then
      rm -rf "$tmp"
      echo "install-tools: $crate/artefacts/$file is missing or not wasm" >&2
      exit 1
    fi
    cp "$crate/artefacts/$file" "$tmp/$file"
  done
  rm -rf "$dir"
  if ! mv -T "$tmp" "$dir" 2>/dev/null; then
    rm -rf "$tmp" # another run finished first
  fi
}

install_crate wasm-tools "$wasm_tools_version" wasm-tools
install_crate wit-bindgen-cli "$wit_bindgen_version" wit-bindgen
install_adapters
