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
        "E0061",
        "A function was called with a different number of arguments than it declares.

Erroneous example:

    fn add(a: i32, b: i32) -> i32 { a + b }

    fn main() {
        add(1);
    }

Pass exactly one argument per parameter: `add(1, 2)`.",
    ),
    (
        "E0070",
        "The left-hand side of an assignment is not a place that can be assigned to (a variable, a field, an index or a dereference).

Erroneous example:

    fn main() {
        1 = 2;
    }

Assign to a variable: `let mut x = 1; x = 2;`.",
    ),
    (
        "E0268",
        "`break` or `continue` was used outside of a loop.

Erroneous example:

    fn main() {
        break;
    }

Use `break` and `continue` only inside `loop`, `while` or `for`; use `return` to leave a function.",
    ),
    (
        "E0277",
        "A type does not implement a trait that the operation needs: for example a value formatted with `{:x}` whose type has no `LowerHex`, or a shift by a non-integer.

Erroneous example:

    fn main() {
        println!(\"{:x}\", \"text\");
    }

Use a placeholder the type supports (`{}` or `{:?}` for strings), or convert the value first.",
    ),
    (
        "E0282",
        "The type of a variable cannot be inferred: nothing in the function decides it.

Erroneous example:

    fn main() {
        let x;
    }

Give the variable a type (`let x: i32;`) or an initializer.",
    ),
    (
        "E0308",
        "An expression's type differs from the type the context requires: a `let` with a declared type, a function argument, a return value, a branch of `if`, an operand of an arithmetic operator.

Erroneous example:

    fn main() {
        let n: i32 = \"forty-two\";
    }

Make both types agree: change the value, the declared type, or convert with `as` where a numeric conversion is meant.",
    ),
    (
        "E0317",
        "An `if` without `else` was used where a value other than `()` is expected. Without `else`, an `if` evaluates to `()` when its condition is false.

Erroneous example:

    fn main() {
        let x: i32 = if true { 1 };
    }

Add an `else` branch with a value of the same type: `if c { 1 } else { 0 }`.",
    ),
    (
        "E0369",
        "A binary operator was applied to a type that does not support it, such as `+` on `bool`.

Erroneous example:

    fn main() {
        let b = true + false;
    }

Use an operator the type supports (`|`, `&` or `^` for booleans), or operands of a numeric type.",
    ),
    (
        "E0384",
        "A variable that is not `mut` was assigned after it was initialized.

Erroneous example:

    fn main() {
        let x = 5;
        x = 6;
    }

Declare the variable as mutable: `let mut x = 5;`.",
    ),
    (
        "E0412",
        "A type name is not defined in this scope.

Erroneous example:

    fn f(x: Integer) {}

Use a type that exists (`i32`, a struct you defined), or bring it into scope with `use`.",
    ),
    (
        "E0425",
        "A name used as a value or function is not defined in this scope: a misspelled variable, a variable used outside the block that declares it, or a function that does not exist.

Erroneous example:

    fn main() {
        let total = 10;
        println!(\"{}\", totl);
    }

Fix the spelling, declare the variable before use, or define the function.",
    ),
    (
        "E0426",
        "A `break` or `continue` names a loop label that no enclosing loop has.

Erroneous example:

    fn main() {
        loop {
            break 'outer;
        }
    }

Label the loop (`'outer: loop { .. }`) or use the label of an enclosing loop.",
    ),
    (
        "E0428",
        "Two items in the same module have the same name.

Erroneous example:

    fn helper() {}
    fn helper() {}

Rename one of the items, or move it into another module.",
    ),
    (
        "E0433",
        "A path names a module that does not exist (or `super` goes above the crate root).

Erroneous example:

    fn main() {
        missing::f();
    }

Declare the module (`mod missing;` or `mod missing { .. }`) or fix the path.",
    ),
    (
        "E0571",
        "`break` with a value was used in a `while` or `for` loop. Only `loop` can produce a value through `break`.

Erroneous example:

    fn main() {
        let x = while true { break 5; };
    }

Use `loop { .. break 5; }` to return a value, or `break` without a value.",
    ),
    (
        "E0580",
        "The `main` function has the wrong signature. `main` takes no parameters and returns `()` (or never returns).

Erroneous example:

    fn main(x: i32) {}

Declare it as `fn main() { .. }`; read arguments with `std::env::args()`.",
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
    (
        "E0600",
        "A unary operator was applied to a type that does not support it: `-` on an unsigned integer or `bool`, `!` on a float.

Erroneous example:

    fn main() {
        let x: u32 = 5;
        let y = -x;
    }

Use a signed type (`i32`) for values that can be negative, or `!` for booleans.",
    ),
    (
        "E0601",
        "The program has no `main` function, so there is nothing to run.

Erroneous example:

    fn helper() {}

Add `fn main() { .. }` at the top level of the root file.",
    ),
    (
        "E0605",
        "An `as` cast between types that cannot be converted by `as` (only numeric types, `bool`, `char` and `u8` to `char` can be cast to each other).

Erroneous example:

    fn main() {
        let s = \"1\" as i32;
    }

Convert explicitly, for example by parsing a string, instead of casting.",
    ),
    (
        "E0606",
        "An `as` cast to a numeric type from a type that cannot be cast to it.

Erroneous example:

    fn main() {
        let x = 1.5f64 as char;
    }

Cast between numeric types, or from `bool`/`char` to an integer.",
    ),
    (
        "E0618",
        "Something that is not a function was called.

Erroneous example:

    fn main() {
        let x = 1;
        x();
    }

Call a function; to use the value, remove the parentheses.",
    ),
    (
        "E9001",
        "The program uses a construct that this version of aetherc does not implement yet. The language (see LANGUAGE.md) includes it; the compiler implements it in stages.

Erroneous example:

    struct Point { x: i32 }   // before structs are implemented

Rewrite the code without the construct, or use a newer aetherc.",
    ),
    (
        "E9002",
        "An integer literal does not fit in its type (rustc reports this with the `overflowing_literals` lint, denied by default).

Erroneous example:

    fn main() {
        let x: u8 = 256;
    }

Use a wider type (`u16`), or a value in range (`0..=255` for `u8`).",
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
