#!/bin/sh
# Builds the HTML API reference with Doxygen and reports its warnings.
#   sh docs/doxygen.sh [--check] DOXYGEN DOXYFILE SRCDIR OUTDIR [VERSION]
# Doxygen runs in SRCDIR (the Doxyfile's INPUT is relative to it) and writes
# OUTDIR/html. With --check (the ctest test `doxygen`) any warning fails: the
# warnings are printed and the exit status is 1. A header in INPUT without a
# @file comment fails too, because Doxygen checks nothing in an undocumented
# file (it neither lists nor warns about the functions it declares).
set -eu
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
if [ $# -lt 4 ]; then
  echo "usage: $0 [--check] DOXYGEN DOXYFILE SRCDIR OUTDIR [VERSION]" >&2
  exit 2
fi
doxygen=$1
doxyfile=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
src=$3
out=$4
version=${5:-}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log="$out/doxygen-warnings.log"
rm -rf "$out/html" "$log" "$out/doxygen-stderr.log"

cd "$src"
# The settings that depend on the build come after the Doxyfile's and win.
{
  cat "$doxyfile"
  echo "OUTPUT_DIRECTORY = \"$out\""
  echo "WARN_LOGFILE = \"$log\""
  if [ -n "$version" ]; then echo "PROJECT_NUMBER = \"$version\""; fi
} | "$doxygen" - > "$out/doxygen-stderr.log" 2>&1 || {
  cat "$out/doxygen-stderr.log" >&2
  echo "doxygen: $doxygen failed" >&2
  exit 1
}
# Anything Doxygen printed besides the log (QUIET is on) is a problem too.
cat "$out/doxygen-stderr.log" >> "$log"

# Headers Doxygen would skip silently: no @file (or \file) comment.
inputs=$(sed -n 's/^INPUT[[:space:]]*=[[:space:]]*//p' "$doxyfile" | tail -1)
for header in $(find $inputs -name '*.h' | sort); do
  grep -Eq '[@\\]file([[:space:]]|$)' "$header" ||
    echo "$header:1: warning: no @file comment, so Doxygen checks nothing in it" >> "$log"
done

count=$(grep -c . "$log" || true)
if [ "$count" -ne 0 ]; then
  cat "$log" >&2
  echo "doxygen: warnings, listed above ($count lines, also in $log)" >&2
  if [ "$check" -eq 1 ]; then
    exit 1
  fi
fi
echo "doxygen: API reference in $out/html/index.html"
