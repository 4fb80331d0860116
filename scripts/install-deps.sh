#!/bin/sh
# Installs the Debian packages wt's build and tests need, when missing.
# Runs apt-get as root, or through sudo when not root.
set -eu
packages="cmake make gcc pkg-config libcriterion-dev clang lld wasi-libc libclang-rt-14-dev libclang-rt-14-dev-wasm32 doxygen"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "install-deps: installing$missing" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2
fi
PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null 2>&1; then
  echo "install-deps: Rust's cargo is required (Rust 1.95 or newer, via rustup)" >&2
  exit 1
fi
# The tools that build the tests' guest components (cached; quiet when
# present).
sh "$(dirname "$0")/install-tools.sh"
