#!/usr/bin/env python3
"""A program with N distinct generic instantiations (valid AetherLang and Rust): N structs, each
passed through a generic function and a generic struct with a trait-bounded method."""
import sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
out = ["trait Weight { fn weight(&self) -> u64; }",
       "struct Boxed<T> { inner: T, tag: u64 }",
       "impl<T: Weight> Boxed<T> { fn total(&self) -> u64 { self.inner.weight() + self.tag } }",
       "fn wrap<T: Weight>(x: T, tag: u64) -> Boxed<T> { Boxed { inner: x, tag } }",
       "fn heaviest<T: Weight>(xs: &[T]) -> u64 { let mut m = 0; for x in xs { if x.weight() > m { m = x.weight(); } } m }"]
for i in range(n):
    out.append(f"struct S{i} {{ a: u64 }}")
    out.append(f"impl Weight for S{i} {{ fn weight(&self) -> u64 {{ self.a * {i + 1} }} }}")
out.append("fn main() {")
out.append("    let mut sum = 0u64;")
for i in range(n):
    out.append(f"    sum += wrap(S{i} {{ a: {i} }}, {i}).total() + heaviest(&[S{i} {{ a: 1 }}, S{i} {{ a: 2 }}]);")
out.append('    println!("{}", sum);')
out.append("}")
print("\n".join(out))
