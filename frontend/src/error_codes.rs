//! The table of error codes: each code with a paragraph of explanation and a small example, as
//! `aetherc --explain CODE` prints it. The syntax and input errors are ours (`E0001`..`E0003`,
//! `E0006`..`E0012`); every error rustc also reports keeps rustc's number and meaning (`E0004`
//! non-exhaustive match, `E0308`, `E0583`, ..); our own semantic codes are `E9xxx`.
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
        "A `match` does not cover every possible value of its scrutinee (\"non-exhaustive patterns: \
`X` not covered\"); the message names values that no arm matches.

Erroneous example:

    enum Dir { N, S }
    fn f(d: Dir) -> i32 {
        match d {
            Dir::N => 1,
        }
    }

Add arms for the missing patterns named in the message, or a `_` arm.",
    ),
    (
        "E0005",
        "A `let` pattern is refutable: some values of the type do not match it (\"refutable pattern \
in local binding\").

Erroneous example:

    enum Shape { Dot, Line(i32) }
    fn f(s: Shape) {
        let Shape::Line(n) = s;
    }

Use `let ... else { .. }`, `if let`, or `match` to handle the values the pattern does not match.",
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
        "E0011",
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
        "E0012",
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
        "E0013",
        "A constant refers to a `static`. Constants are values computed at compile time and copied into each use; a static is one memory location, which a constant cannot read.

Erroneous example:

    static LIMIT: u32 = 10;
    const TWICE: u32 = LIMIT * 2;

Make `LIMIT` a `const`, or compute `TWICE` at run time.",
    ),
    (
        "E0015",
        "A constant initializer calls a function. Constants are evaluated by the compiler, which can only fold literals, operators, casts, constructors and other constants.

Erroneous example:

    fn ten() -> u32 { 10 }
    const N: u32 = ten();

Write the value directly (`const N: u32 = 10;`) or compute it at run time.",
    ),
    (
        "E0023",
        "A tuple-struct or tuple-variant pattern has a different number of fields than the constructor.

Erroneous example:

    enum Shape { Rect(u32, u32) }
    match s { Shape::Rect(w) => w }

Give one pattern per field, or use `..` for the rest: `Shape::Rect(w, _)` or `Shape::Rect(w, ..)`.",
    ),
    (
        "E0025",
        "A field is named twice in the same struct pattern.

Erroneous example:

    let Point { x, x: other } = p;

Name each field once.",
    ),
    (
        "E0026",
        "A struct pattern names a field that the struct or variant does not have.

Erroneous example:

    struct Point { x: i32, y: i32 }
    let Point { x, z } = p;

Use the field names of the definition.",
    ),
    (
        "E0027",
        "A struct pattern does not mention every field and has no `..`.

Erroneous example:

    struct Point { x: i32, y: i32 }
    let Point { x } = p;

Mention the missing fields or end the pattern with `..`: `Point { x, .. }`.",
    ),
    (
        "E0029",
        "A range pattern is used on a type other than `char` or an integer type.

Erroneous example:

    match s { \"a\"..=\"z\" => {} _ => {} }

Ranges in patterns only work on integers and `char`.",
    ),
    (
        "E0030",
        "The lower bound of an inclusive range pattern is larger than its upper bound, so the range matches nothing.

Erroneous example:

    match n { 10..=1 => {} _ => {} }

Swap the bounds: `1..=10`.",
    ),
    (
        "E0038",
        "A trait is used as a trait object (`dyn Trait`) but is not dyn compatible: a method (its own or a supertrait's) has no `self` receiver, has type parameters of its own, or uses `Self` outside its receiver, so it cannot be called through a vtable.

Erroneous example:

    trait Shape { fn scaled(&self, k: f64) -> Self; }
    fn f(s: &dyn Shape) {}

Use a generic parameter (`fn f<S: Shape>(s: &S)`) or change the method.",
    ),
    (
        "E0046",
        "An `impl` of a trait does not define every item the trait requires (methods without a default body, associated types).

Erroneous example:

    trait Shape { fn area(&self) -> f64; }
    struct Sq;
    impl Shape for Sq {}

Define the missing items in the `impl`.",
    ),
    (
        "E0054",
        "A value is cast to `bool` with `as`. Only integers can be compared with zero to get a boolean.

Erroneous example:

    let b = 1 as bool;

Write `x != 0` instead.",
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
        "E0062",
        "A struct literal gives the same field twice.

Erroneous example:

    let p = Point { x: 1, x: 2, y: 3 };

Give each field once.",
    ),
    (
        "E0063",
        "A struct literal does not give every field and has no `..base`.

Erroneous example:

    struct Point { x: i32, y: i32 }
    let p = Point { x: 1 };

Give the missing fields, or take them from another value with `..other`.",
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
        "E0072",
        "A struct or enum contains itself directly, so its size would be infinite.

Erroneous example:

    struct List { value: i32, next: List }

Put the recursive field behind a reference or a pointer.",
    ),
    (
        "E0080",
        "Evaluating a constant failed at compile time: an arithmetic overflow, a division by zero, a shift too large for the type, or an index out of bounds.

Erroneous example:

    const BIG: u8 = 200 + 100;

Use a wider type or a value in range.",
    ),
    (
        "E0081",
        "Two variants of an enum have the same discriminant value.

Erroneous example:

    enum E { A = 1, B = 1 }

Give each variant its own value.",
    ),
    (
        "E0107",
        "A generic item is used with the wrong number of generic arguments.

Erroneous example:

    struct Pair<T> { a: T, b: T }
    fn f(p: Pair<i32, i32>) {}

Give exactly as many arguments as the item has parameters.",
    ),
    (
        "E0109",
        "Generic arguments are written on a type that takes none.

Erroneous example:

    let x: i32<u8> = 1;

Remove the arguments.",
    ),
    (
        "E0119",
        "Two impls of the same trait could apply to the same type, so which one a use means would be ambiguous.

Erroneous example:

    trait Describe { fn describe(&self) -> String; }
    impl<T: Clone> Describe for T { fn describe(&self) -> String { String::new() } }
    impl Describe for i32 { fn describe(&self) -> String { String::new() } }

Remove one, or narrow the generic impl's type or bounds so the two cannot meet.",
    ),
    (
        "E0121",
        "The placeholder `_` is used in the type of an item (a function signature, a field, a `const` or `static`). Item types must be written out; only local variables can leave types to inference.

Erroneous example:

    fn f() -> _ { 1 }

Write the type: `fn f() -> i32`.",
    ),
    (
        "E0124",
        "A struct declares two fields with the same name.

Erroneous example:

    struct P { x: i32, x: i32 }

Rename one of the fields.",
    ),
    (
        "E0133",
        "An unsafe operation is used outside an `unsafe` block or function: dereferencing a raw pointer, calling an `unsafe fn` or a foreign function, or using a `static mut`.

Erroneous example:

    let p: *const i32 = &x;
    let v = *p;

Wrap the operation in `unsafe { .. }` after checking that it is sound.",
    ),
    (
        "E0161",
        "A method taking `self` by value was called on a trait object (`dyn Trait`): the object's size is not known, so it cannot be moved into the call.

Erroneous example:

    trait T { fn consume(self); }
    fn f(b: Box<dyn T>) { b.consume(); }

Take `&self` or `&mut self`, or use a generic parameter instead of `dyn`.",
    ),
    (
        "E0191",
        "A trait object type does not say what one of its trait's associated types is. A `dyn` type must name every associated type, since code using the object cannot find out.

Erroneous example:

    let it: Box<dyn Iterator> = Box::new(v.into_iter());

Write the binding: `Box<dyn Iterator<Item = i32>>`.",
    ),
    (
        "E0200",
        "An impl of `Send` or `Sync` is not marked `unsafe`: asserting that a type may cross or be shared between threads is a promise the compiler cannot check.

Erroneous example:

    struct Handle { p: *mut u8 }
    impl Send for Handle {}

Write `unsafe impl Send for Handle {}` once you have made sure the type is safe to send.",
    ),
    (
        "E0214",
        "Parenthesized generic arguments (`Trait(A) -> B`) are written on something other than a `Fn` trait.

Erroneous example:

    let v: Vec(u8) = Vec::new();

Use angle brackets: `Vec<u8>`.",
    ),
    (
        "E0220",
        "An associated type is named that the trait (or the bounds in scope) does not have.

Erroneous example:

    trait Tr { type Out; }
    fn f<T: Tr>(x: T::Missing) {}

Name an associated type the trait declares, or add a bound on a trait that has it.",
    ),
    (
        "E0221",
        "An associated type name is ambiguous because several bounds in scope have an associated type of that name.

Erroneous example:

    fn f<T: A + B>(x: T::Item) {} // both A and B declare `Item`

Use fully-qualified syntax to choose the trait.",
    ),
    (
        "E0223",
        "An associated type is named through a trait without saying which type implements it.

Erroneous example:

    let x: Iterator::Item;

Name the implementing type: `<MyIter as Iterator>::Item`.",
    ),
    (
        "E0224",
        "A trait object type names no trait, only auto traits or lifetimes.

Erroneous example:

    let x: Box<dyn Send>;

Name the trait whose methods the object offers: `Box<dyn Display + Send>`.",
    ),
    (
        "E0225",
        "A trait object type names two traits that are not auto traits. An object has one vtable, for one trait and its supertraits.

Erroneous example:

    let x: Box<dyn Display + Debug>;

Declare a trait with both as supertraits (`trait Show: Display + Debug {}`) and use `dyn Show`.",
    ),
    (
        "E0252",
        "Two `use` declarations bring different items under the same name into one module.

Erroneous example:

    use a::thing;
    use b::thing;

Rename one of them: `use b::thing as other_thing;`.",
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

Use a placeholder the type supports (`{}` or `{:?}` for strings), or convert the value first.

`spawn` needs a future (and `spawn_blocking` a closure) that is `Send`: one that holds an `Rc`, a
`RefCell` reference or a raw pointer across an `.await` cannot move between the runtime's worker
threads. The note names the value and the `.await` that holds it: drop the value before that
`.await`, or use `Arc` and atomics instead.",
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
        "E0283",
        "Type inference cannot decide which impl of a trait to use: several could apply.

Erroneous example:

    trait Convert<T> { fn convert(&self) -> T; }
    impl Convert<f64> for i32 { .. }
    impl Convert<u8> for i32 { .. }
    let x = 5.convert();

Annotate the type of the result (`let x: f64 = ..`).",
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
        "E0368",
        "A compound assignment (`+=`, `-=`, `*=`) is applied to a type that has no impl of the matching trait (`AddAssign`, `SubAssign`, `MulAssign`).

Erroneous example:

    struct P;
    let mut p = P;
    p += P;

Implement the trait for the type, or write the operation out.",
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
        "E0381",
        "A variable is read before it was given a value on every path to the read.

Erroneous example:

    let x: i32;
    if cond { x = 1; }
    println!(\"{}\", x); // not assigned when `cond` is false

Assign the variable on every path, or give it an initial value where it is declared.",
    ),
    (
        "E0382",
        "A value is used after it was moved: a non-`Copy` value has one owner, and passing it by value (to a function, into another variable, into a `move` closure) hands ownership over.

Erroneous example:

    fn consume(s: String) -> usize { s.len() }
    let s = String::from(\"hi\");
    consume(s);
    println!(\"{}\", s); // `s` was moved into `consume`

Borrow instead (`&s`), clone the value (`s.clone()`), or use it before the move.",
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
        "E0390",
        "An inherent `impl` block is written for a primitive type. Methods can only be added directly to structs and enums of the crate.

Erroneous example:

    impl u32 { fn double(self) -> u32 { self * 2 } }

Write a function, or a struct wrapping the value.",
    ),
    (
        "E0391",
        "A constant or a type alias is defined in terms of itself.

Erroneous example:

    const A: u32 = B;
    const B: u32 = A;

Break the cycle by writing one of the values directly.",
    ),
    (
        "E0403",
        "Two generic parameters of one item have the same name.

Erroneous example:

    fn f<T, T>(x: T) {}

Rename one of them.",
    ),
    (
        "E0404",
        "Something that is not a trait is used where a trait is expected (a bound, `impl Trait for`).

Erroneous example:

    struct Foo;
    fn f<T: Foo>(x: T) {}

Use a trait.",
    ),
    (
        "E0407",
        "An `impl` of a trait defines a method that the trait does not declare.

Erroneous example:

    trait Tr { fn a(&self); }
    impl Tr for S { fn a(&self) {} fn b(&self) {} }

Remove the method, move it to an inherent `impl`, or add it to the trait.",
    ),
    (
        "E0408",
        "An or-pattern binds a variable in some alternatives but not in others, so the variable would be undefined for some values.

Erroneous example:

    match p { (x, 0) | (0, y) => {} _ => {} }

Bind the same names in every alternative: `(x, 0) | (0, x)`.",
    ),
    (
        "E0412",
        "A type name is not defined in this scope.

Erroneous example:

    fn f(x: Integer) {}

Use a type that exists (`i32`, a struct you defined), or bring it into scope with `use`.",
    ),
    (
        "E0416",
        "A pattern binds the same name twice.

Erroneous example:

    let (x, x) = (1, 2);

Use different names.",
    ),
    (
        "E0423",
        "A type or module name is used where a value is expected.

Erroneous example:

    struct Point { x: i32 }
    let p = Point;

Build a value: `Point { x: 0 }`.",
    ),
    (
        "E0424",
        "A `self` parameter is declared in a function that is not inside an `impl` block.

Erroneous example:

    fn area(&self) -> u32 { 0 }

Move the function into `impl Type { .. }`, or take the value as an ordinary parameter.",
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
        "E0432",
        "A `use` declaration names a path that does not exist.

Erroneous example:

    mod a { pub fn f() {} }
    use a::g;

Check the path: each segment must name a module (or enum) and the last one an item in it.",
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
        "E0505",
        "A value is moved while it is borrowed. For futures: an async fn's or block's future that was borrowed mutably may have been polled, and once polled it may hold references into itself, so it must not move again.

Erroneous example:

    let mut fut = work();
    poll_once(&mut fut).await;
    let moved = fut;

Move the future before borrowing it, or pin it (`let mut fut = pin!(fut);`) and poll it through the pin (`fut.as_mut().poll(cx)`).",
    ),
    (
        "E0527",
        "A slice pattern without `..` has a different number of elements than the array it matches.

Erroneous example:

    let [a, b] = [1, 2, 3];

Match every element, or add `..`: `let [a, b, ..] = arr;`.",
    ),
    (
        "E0528",
        "A slice pattern with `..` needs more elements than the array has.

Erroneous example:

    let [a, b, c, ..] = [1, 2];

Remove elements from the pattern.",
    ),
    (
        "E0529",
        "A slice pattern is used on a value that is not an array or a slice.

Erroneous example:

    let [a, b] = (1, 2);

Use a tuple pattern for tuples: `let (a, b) = ..`.",
    ),
    (
        "E0532",
        "A pattern uses a path of the wrong kind: a tuple-struct pattern `P(..)` with something that is not a tuple struct or variant, or a plain path with a tuple variant.

Erroneous example:

    enum E { A(i32) }
    match e { E::A => {} }

Use the constructor's own syntax: `E::A(_)`.",
    ),
    (
        "E0533",
        "A struct-like variant is used where a value or unit pattern is expected.

Erroneous example:

    enum E { S { x: i32 } }
    let v = E::S;

Use the struct syntax: `E::S { x: 1 }` / `E::S { .. }`.",
    ),
    (
        "E0560",
        "A struct literal names a field that the struct or variant does not have.

Erroneous example:

    struct Point { x: i32 }
    let p = Point { x: 1, z: 2 };

Use the field names of the definition.",
    ),
    (
        "E0562",
        "`impl Trait` is written where only a concrete type may be: it is allowed as the type of a function's parameter (an anonymous generic parameter) and as a function's return type (a type the body decides).

Erroneous example:

    let x: impl Display = 5;

Name the type, or use a generic parameter with a bound.",
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
        "E0573",
        "A path that names something other than a type is used as a type.

Erroneous example:

    fn f() {}
    let x: f = 1;

Use a type name.",
    ),
    (
        "E0574",
        "A struct literal or struct pattern uses a path that is not a struct or a struct-like variant.

Erroneous example:

    enum E { A }
    let x = E { a: 1 };

Name a struct or a variant with named fields.",
    ),
    (
        "E0576",
        "A path names an item of a trait that the trait does not have.

Erroneous example:

    trait Tr { fn a(); }
    Tr::b();

Name an item the trait declares.",
    ),
    (
        "E0579",
        "An exclusive range pattern `a..b` has `a >= b`, so it matches nothing.

Erroneous example:

    match n { 5..5 => {} _ => {} }

Use an inclusive range `5..=5`, or fix the bounds.",
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
        "E0592",
        "An `impl` block defines two associated items with the same name for one type.

Erroneous example:

    impl P { fn f(&self) {} fn f(&self) {} }

Rename one of them.",
    ),
    (
        "E0594",
        "A place is assigned through a shared reference, or a field of an immutable binding is assigned.

Erroneous example:

    fn reset(p: &Point) { p.x = 0; }

Take `&mut Point`, or declare the binding `mut`.",
    ),
    (
        "E0596",
        "A place is borrowed mutably (`&mut`, or a `&mut self` method call) but it is not mutable: an immutable binding, or a value behind `&`.

Erroneous example:

    let v = Counter { n: 0 };
    v.incr(); // fn incr(&mut self)

Declare the binding `let mut v`, or pass a `&mut` reference.",
    ),
    (
        "E0599",
        "A method or associated item is called that the type does not have (rustc: \"no method named `m` found for struct `T` in the current scope\").

Erroneous example:

    struct Counter { n: u32 }
    impl Counter { fn incr(&mut self) { self.n += 1; } }
    c.decrement();

Call a method the type defines, or add it to an `impl` block.",
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
        "E0603",
        "A path names a private item of another module. Items are private to their module (and its descendants) unless marked `pub`.

Erroneous example:

    mod m { fn secret() {} }
    fn main() { m::secret(); }

Mark the item `pub` (or `pub(crate)`), or use it only inside its module.",
    ),
    (
        "E0604",
        "An integer other than `u8` is cast to `char`; not every integer is a valid character.

Erroneous example:

    let c = 66u32 as char;

Cast from `u8`, or convert with a check.",
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
        "E0608",
        "A value is indexed with `[]` but its type is not an array or a slice (or a reference to one).

Erroneous example:

    let n = 5;
    let x = n[0];

Index arrays and slices only.",
    ),
    (
        "E0609",
        "A field access names a field the type does not have.

Erroneous example:

    struct Point { x: i32 }
    let y = p.y;

Use one of the fields of the definition.",
    ),
    (
        "E0614",
        "The dereference operator `*` is applied to a value that is not a reference or a pointer.

Erroneous example:

    let n = 5;
    let m = *n;

Remove the `*`.",
    ),
    (
        "E0616",
        "A private field of a struct is accessed from outside the struct's module.

Erroneous example:

    mod m { pub struct P { x: i32 } }
    fn f(p: m::P) -> i32 { p.x }

Mark the field `pub`, or add a public method that returns it.",
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
        "E0624",
        "A private method or associated function is called from outside the module of its `impl` block.

Erroneous example:

    mod m { pub struct P; impl P { fn f(&self) {} } }
    fn g(p: m::P) { p.f(); }

Mark the method `pub`.",
    ),
    (
        "E0658",
        "A feature that is unstable in Rust and not part of AetherLang is used (here: associated types in inherent impls).

Erroneous example:

    impl S { type Item = u8; }

Use a trait with an associated type instead.",
    ),
    (
        "E0665",
        "`#[derive(Default)]` is used on an enum that does not say which variant is the default: \
exactly one unit variant must carry `#[default]` (also reported when several do, or when the marked \
variant has fields).

Erroneous example:

    #[derive(Default)]
    enum Mode { Fast, Safe }

Mark the default variant: `enum Mode { Fast, #[default] Safe }`, or implement `Default` by hand.",
    ),
    (
        "E0689",
        "A method is called on a number literal whose type is not decided yet, so the method cannot be chosen.

Erroneous example:

    let x = 2.0.sqrt();

Give the literal a type: `2.0_f64.sqrt()`.",
    ),
    (
        "E0696",
        "`continue` names a labelled block. Only loops can be continued.

Erroneous example:

    'a: { continue 'a; }

Use `break 'a` to leave the block.",
    ),
    (
        "E0728",
        "`.await` was used outside an `async fn` or `async` block. Only async code can suspend; a plain function must run a future to completion some other way (`block_on`), or become `async` itself.

Erroneous example:

    async fn compute() -> u32 { 42 }
    fn main() { let v = compute().await; }

Make the function `async fn` (`async fn main` starts the runtime), or drive the future with `block_on`.",
    ),
    (
        "E0733",
        "An async fn's future would contain itself, so its frame would be infinitely large.

Rust reports this for every recursive `async fn`. aetherc accepts recursion: a recursive call awaited directly is boxed, and a local holding a future of the fn's own recursion (kept in a variable, joined with `join!`) is stored on the heap, one allocation per recursive call. What remains is a future of the recursion that reaches the frame by value from outside, as an argument:

    async fn run<F: Future<Output = u32>>(f: F) -> u32 { f.await }
    // a call `run(fut)` where `fut`'s own frame holds a `run<..>` future by value

Create the recursive future inside the async fn that awaits it, or pass it boxed (`Box::new(fut)`).",
    ),
    (
        "E0774",
        "`#[derive(..)]` is applied to an item that is not a `struct` or an `enum`.

Erroneous example:

    #[derive(Clone)]
    fn f() {}

Derive on the type instead, or implement the trait by hand.",
    ),
    (
        "E0782",
        "A trait is used where a type is expected.

Erroneous example:

    fn f(x: Shape) {}

Use `impl Shape` for a generic argument, `&dyn Shape` for a trait object, or a type parameter with a bound.",
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
    (
        "E9004",
        "A `const` or `static` item has no value. Outside traits, constants and statics must be given their value where they are declared.

Erroneous example:

    const N: u32;

Write the value: `const N: u32 = 3;`.",
    ),
    (
        "E9005",
        "A function in an inherent `impl` block has no body.

Erroneous example:

    impl P { fn f(&self); }

Give the function a body.",
    ),
    (
        "E9006",
        "A `let` expression is used outside the condition of an `if` or `while` (or a `let ... else` has no initializer).

Erroneous example:

    let b = (let x = 1);

Use `matches!(value, pattern)` for a boolean test.",
    ),
    (
        "E9007",
        "A `..` rest pattern appears where it is not allowed: only inside tuple, tuple-struct and slice patterns.

Erroneous example:

    let .. = 1;

Use `_` to ignore a value.",
    ),
    (
        "E9008",
        "A pattern contains an expression that is neither a literal nor a constant.

Erroneous example:

    match n { 1 + 1 => {} _ => {} }

Compute the value in a `const` and use its name in the pattern.",
    ),
    (
        "E9009",
        "`#[derive(..)]` names a trait that cannot be derived. AetherLang has no user-defined derive \
macros: the derivable traits are `Debug`, `Clone`, `Copy`, `PartialEq`, `Eq`, `PartialOrd`, `Ord`, \
`Hash` and `Default` (rustc reports this as \"cannot find derive macro\").

Erroneous example:

    #[derive(Serialize)]
    struct P { x: i32 }

Remove the name from the list and implement the trait by hand.",
    ),
    (
        "E9010",
        "`join!` was given no future, or more than it takes (8). `join!(a, b, ..)` is a future of the \
tuple of its operands' outputs, polling them all in the caller's task.

Erroneous example:

    let () = join!().await;

Give `join!` between one and eight futures. To wait for more, put futures of one type in a \
collection and use `join_all(futures).await` (a `Vec` of the outputs in order), or nest `join!`s: \
`join!(join!(a, b, c, d, e, f, g, h), i)`.",
    ),
    (
        "W0001",
        "Warning: a `match` arm can never be reached because earlier arms match every value it would match (rustc's `unreachable_patterns` lint).

Erroneous example:

    match n { _ => 1, 0 => 2 }

Remove the arm, or move it before the arm that covers it.",
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
