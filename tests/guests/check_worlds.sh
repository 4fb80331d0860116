#!/bin/sh
# Checks that each guest component imports and exports exactly what the
# expected list says: lines "<guest>: import <item>" and "<guest>: export
# <item>", an interface name or a function with its type, in the order
# `wasm-tools component wit` prints the component's world.
#   sh check_worlds.sh WASM_TOOLS GUEST_DIR EXPECTED
set -eu
tools=$1
dir=$2
expected=$3
got=$(mktemp)
trap 'rm -f "$got"' EXIT
for guest in $(sed -n 's/^\([a-z_]*\): .*/\1/p' "$expected" | uniq); do
  "$tools" component wit "$dir/$guest.wasm" \
    | sed -n "s/^  \(import\|export\) \(.*\);\$/$guest: \1 \2/p" >> "$got"
done
if ! diff -u "$expected" "$got"; then
  echo "check_worlds: the guests' imports or exports differ from $expected (- expected, + built)" >&2
  exit 1
fi
echo "check_worlds: $(wc -l < "$got") imports and exports as expected"
