//! The table of error codes: each code with a paragraph of explanation and a small example, as
//! `aetherc --explain CODE` prints it. Codes `E0001`..`E0099` are ours (syntax and input errors);
//! codes that rustc also has (`E0583`, and later `E0308`, ..) keep rustc's number and meaning.
//!
//! To add a code, add one `(code, text)` row to [`CODES`]; rows are kept sorted by code.

/// Every known code and its explanation.
pub const CODES: &[(&str, &str)] = &[
    (
        "E0001",
        "A token appeared where the grammar does not allow it: the parser names what it expected \
(\"expected `;`\", \"expected an expression\") and points at the token it found instead.

Erroneous example:

    fn main() {
        let x = 1
        let y = 2;
    }

The first `let` statement is missing its `;`. Add it: `let x = 1;`.",
    ),
    (
        "E0002",
        "A string, character or byte literal, or a block comment, is not closed before the end of \
the file.

Erroneous example:

    fn main() {
        let s = \"hello;
    }

Close the literal with its quote (`\"hello\"`), or the comment with `*/`. Block comments nest, so \
each `/*` needs its own `*/`.",
    ),
    (
        "E0003",
        "A character that cannot start any token appeared in the source, outside of comments and \
literals.

Erroneous example:

    fn main() {
        let x = 1 ~ 2;
    }

AetherLang has no `~` operator; remove the character or write the intended operator (`!` for \
bitwise not).",
    ),
    (
        "E0004",
        "A literal is malformed: an unknown escape in a string or character literal, an invalid \
suffix on a number, a number too large for any integer type, an empty or multi-character \
character literal, or a non-ASCII character in a byte literal.

Erroneous example:

    fn main() {
        let a = \"tab\\q\";
        let b = 12u7;
    }

The valid escapes are `\\n \\r \\t \\\\ \\0 \\' \\\" \\x7f \\u{1F600}`; the integer suffixes are \
`i8`..`i128`, `isize`, `u8`..`u128`, `usize`, and the float suffixes `f32` and `f64`.",
    ),
    (
        "E0005",
        "Delimiters `(`, `[` and `{` must be closed by the matching `)`, `]` and `}`, properly \
nested. This error is reported for an opening delimiter that is never closed, a closing delimiter \
that does not match the innermost open one, and a closing delimiter with nothing open.

Erroneous example:

    fn main() {
        let y = (1 + 2;
    }

The `(` is never closed before the `}`: write `(1 + 2);`.",
    ),
    (
        "E0006",
        "The format string of `println!`, `format!`, `write!`, `panic!` and the other formatting \
macros does not follow the `std::fmt` syntax: an unmatched `{` or `}`, an unknown format type, or a \
malformed width or precision. The label points at the exact place inside the string.

Erroneous example:

    fn main() {
        println!(\"{:q}\", 1);
        println!(\"value: {\", 1);
    }

Write `{{` and `}}` for literal braces; the format types are `?`, `x`, `X`, `o`, `b`, `e`, `E`, \
`x?` and `X?`.",
    ),
    (
        "E0007",
        "A source file could not be read, or its bytes are not valid UTF-8. AetherLang source files \
are UTF-8 text.

Convert the file to UTF-8 (for example with `iconv -f latin1 -t utf-8`) and check that it is \
readable.",
    ),
    (
        "E0008",
        "A macro was invoked that does not exist. AetherLang has only built-in macros (`println!`, \
`print!`, `eprintln!`, `eprint!`, `format!`, `write!`, `writeln!`, `panic!`, `assert!`, \
`assert_eq!`, `assert_ne!`, `vec!`, `unreachable!`, `todo!`, `unimplemented!`, `matches!`, \
`join!`, `select!`, `defer!`); user-defined `macro_rules!` macros are not supported.

Erroneous example:

    fn main() {
        printline!(\"hi\");
    }

Use one of the built-in macros: `println!(\"hi\");`.",
    ),
    (
        "E0009",
        "The arguments of a built-in macro do not have the shape the macro requires, for example a \
formatting macro whose first argument is not a string literal.

Erroneous example:

    fn main() {
        let s = \"hi\";
        println!(s);
    }

The format string must be a literal: `println!(\"{}\", s);`.",
    ),
    (
        "E0010",
        "A numeric field access such as `x.0` used something other than a plain decimal integer as \
the field index.

Erroneous example:

    fn main() {
        let t = (1, 2);
        let a = t.1e0;
    }

Write the field index as a decimal number without suffix: `t.1`.",
    ),
    (
        "E0583",
        "A file declared with `mod m;` was not found. For `mod m;` in `dir/lib.ae` the compiler \
looks for `dir/m.ae` and `dir/m/mod.ae`; for a module nested in an inline module, \
`mod a { mod b; }`, it looks in `dir/a/b.ae` and `dir/a/b/mod.ae`.

Erroneous example:

    mod helpers; // no helpers.ae next to this file

Create the file, or write the module inline: `mod helpers { .. }`.",
    ),
];

/// The explanation of a code, if it is known.
pub fn explain(code: &str) -> Option<&'static str> {
    CODES.iter().find(|(c, _)| *c == code).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for w in CODES.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].0, w[1].0);
        }
    }

    #[test]
    fn lookup() {
        assert!(explain("E0001").unwrap().contains("expected"));
        assert!(explain("E0583").unwrap().contains("mod"));
        assert_eq!(explain("E9999"), None);
    }
}
