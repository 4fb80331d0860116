#!/usr/bin/env python3
"""Counts lines of wt's examples and, given a Wasmtime git directory and
tag, of Wasmtime's own C examples of the same names (plus their .wat files,
which wt embeds in the .c file). Prints the table of docs/examples.md.

  scripts/example_lines.py [WASMTIME_GIT_DIR TAG]

Code lines are lines that are neither blank nor only a comment (// ...,
or inside /* ... */)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["hello", "gcd", "memory", "multi", "linking", "externref",
         "serialize", "threads", "fuel", "interrupt"]
WAT = {"linking": ["linking1.wat", "linking2.wat"],
       "serialize": ["hello.wat"]}
# Examples Wasmtime has no C version of, compared with the raw C API
# program of examples/raw/ that does the same (their WAT is the same text).
RAW = ["component_hello"]


def count(text):
    total = code = 0
    in_comment = False
    for line in text.splitlines():
        total += 1
        s = line.strip()
        if in_comment:
            if "*/" in s:
                in_comment = False
                s = s.split("*/", 1)[1].strip()
            else:
                continue
        if s.startswith("/*"):
            if "*/" not in s:
                in_comment = True
                continue
            s = s.split("*/", 1)[1].strip()
        if not s or s.startswith("//") or s.startswith(";;"):
            continue
        code += 1
    return total, code


def git_show(git_dir, tag, path):
    try:
        return subprocess.run(["git", "--git-dir", git_dir, "show",
                               "%s:%s" % (tag, path)], check=True,
                              capture_output=True, text=True).stdout
    except subprocess.CalledProcessError:
        return None


def main():
    git_dir = sys.argv[1] if len(sys.argv) > 2 else None
    tag = sys.argv[2] if len(sys.argv) > 2 else None
    print("| example | wt: lines | wt: code | Wasmtime %s: .c lines | .c code "
          "| .wat code |" % (tag or ""))
    print("|---|---|---|---|---|---|")
    for name in NAMES:
        wt_total, wt_code = count(open(os.path.join(ROOT, "examples",
                                                    name + ".c")).read())
        row = "| %s | %d | %d |" % (name, wt_total, wt_code)
        if git_dir:
            c = git_show(git_dir, tag, "examples/%s.c" % name)
            wats = WAT.get(name, [name + ".wat"])
            wat_code = 0
            for w in wats:
                t = git_show(git_dir, tag, "examples/" + w)
                if t:
                    wat_code += count(t)[1]
            if c:
                total, code = count(c)
                row += " %d | %d | %s |" % (total, code,
                                            wat_code if wat_code else "-")
            else:
                row += " - | - | - |"
        print(row)
    print()
    print("| example | wt: lines | wt: code | raw C API (examples/raw/): "
          "lines | code |")
    print("|---|---|---|---|---|")
    for name in RAW:
        wt = count(open(os.path.join(ROOT, "examples", name + ".c")).read())
        raw = count(open(os.path.join(ROOT, "examples", "raw",
                                      name + ".c")).read())
        print("| %s | %d | %d | %d | %d |" % (name, wt[0], wt[1], raw[0],
                                              raw[1]))


if __name__ == "__main__":
    main()
