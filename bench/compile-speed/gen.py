#!/usr/bin/env python3
"""Generates a program of N lines (default 10,000) that is both valid AetherLang and valid Rust:
many small functions with loops, branches and integer arithmetic, called from main."""
import sys

def generate(lines: int) -> str:
    out = []
    i = 0
    while sum(s.count("\n") for s in out) + i < lines - 5:
        out.append(
            f"fn f{i}(a: i64, b: i64) -> i64 {{\n"
            f"    let mut acc: i64 = a;\n"
            f"    let mut k: i64 = 0;\n"
            f"    while k < b {{\n"
            f"        if (acc + k) % 3 == {i % 3} {{\n"
            f"            acc = acc + k * {i % 7 + 1};\n"
            f"        }} else {{\n"
            f"            acc = acc - {i % 5};\n"
            f"        }}\n"
            f"        k += 1;\n"
            f"    }}\n"
            f"    acc % 1000003\n"
            f"}}\n\n"
        )
        i += 1
    body = ["fn main() {", "    let mut total: i64 = 0;"]
    # Every function is called: rustc only generates code for what main can reach.
    for j in range(i):
        body.append(f"    total = (total + f{j}(total % 17, 20)) % 1000003;")
    body.append('    println!("{}", total);')
    body.append("}")
    out.append("\n".join(body) + "\n")
    return "".join(out)

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    sys.stdout.write(generate(n))
