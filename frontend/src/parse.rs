//! The parser's entry point: one file's text (from the [`SourceMap`]) to an [`ast::SourceFile`],
//! with every syntax error pushed to the [`DiagnosticSink`].
//!
//! [`parse_file`] lexes (`lexer.rs`), runs the lalrpop grammar (`grammar.lalrpop`) with error
//! recovery, then turns lalrpop's errors into diagnostics that name what was expected in words.
//! A file reports at most [`MAX_REPORTED`] of them (fewer when they would quote over 256 KiB of a
//! minified line), so that garbage input can neither flood the terminal nor take minutes to render.
//! The small AST-building helpers that the grammar's actions call live in [`h`].
//!
//! The parser itself uses no recursion, but the tree it builds can be as deep as the input is
//! nested (10,000 parentheses make a 10,000-deep tree), and dropping or walking it recurses.
//! `parse_file` therefore runs on a thread with a [`BIG_STACK`] stack; later passes that walk
//! the tree recursively should do the same, for example through [`with_big_stack`].

use crate::ast::{self, *};
use crate::diagnostics::{Diagnostic, DiagnosticSink};
use crate::format_string;
use crate::lexer;
use crate::span::{FileId, SourceMap, Span};
use crate::token::{Tok, Token};
use lalrpop_util::{ErrorRecovery, ParseError};
use std::cell::RefCell;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, unused_parens, unused_imports, dead_code)]
    grammar
);

/// Stack size for parsing and for passes that recurse over the tree.
pub const BIG_STACK: usize = 256 << 20;

/// Runs `f` on a thread with a [`BIG_STACK`]-byte stack and returns its result.
pub fn with_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(BIG_STACK)
            .spawn_scoped(s, f)
            .expect("cannot spawn the parser thread")
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// Parses one file. Always returns a tree; after syntax errors it holds what could be parsed.
pub fn parse_file(sources: &SourceMap, file: FileId, sink: &mut DiagnosticSink) -> ast::SourceFile {
    let (tree, diags) = with_big_stack(|| parse_text(file, &sources.get(file).text));
    sink.extend(diags);
    tree
}

/// Parses `src` as file `file` on the current thread (see the module comment about the stack).
pub fn parse_text(file: FileId, src: &str) -> (ast::SourceFile, Vec<Diagnostic>) {
    let lexed = lexer::lex(file, src);
    let mut diags = lexed.diags;
    let ctx = Ctx { file, src, diags: RefCell::new(Vec::new()), recovered: RefCell::new(Vec::new()) };
    // See `RECOVERY_BUDGET`: the nesting depth is a measure of the parser's stack.
    let (mut depth, mut recoveries, mut work) = (0usize, 0usize, 0usize);
    let mut stopped_at: Option<Token> = None;
    let result = grammar::FileParser::new().parse(
        &ctx,
        lexed.tokens.into_iter().map(|t| {
            match t.tok {
                Tok::OpenParen | Tok::OpenBracket | Tok::OpenBrace => depth += 1,
                Tok::CloseParen | Tok::CloseBracket | Tok::CloseBrace => depth = depth.saturating_sub(1),
                _ => {}
            }
            let n = ctx.recovered.borrow().len();
            work += (n - recoveries) * (depth + 1);
            recoveries = n;
            if work > RECOVERY_BUDGET {
                stopped_at = Some(t);
                return Err(());
            }
            let (lo, hi) = (t.lo, t.hi);
            Ok((lo, t, hi))
        }),
    );
    let (attrs, items) = match result {
        Ok(r) => r,
        Err(e) => {
            ctx.recovered.borrow_mut().push(ErrorRecovery { error: e, dropped_tokens: Vec::new() });
            (Vec::new(), Vec::new())
        }
    };
    if let Some(t) = stopped_at {
        diags.push(
            Diagnostic::error("E0001", "too many syntax errors in nested code: parsing stopped here", ctx.tsp(&t), "")
                .with_note("the errors before this point are likely the cause; fix them first"),
        );
    }
    let mut syntax: Vec<Diagnostic> = Vec::new();
    let recovered = ctx.recovered.into_inner();
    // The parser took the tokens by value. Error reporting needs them again, but only when there
    // are errors: lexing again then is cheaper than keeping a copy for every file.
    let relexed = if recovered.is_empty() { Vec::new() } else { lexer::lex(file, src).tokens };
    let tokens = &relexed;
    // Sorted, so that "was a character dropped just here" is a binary search: garbage input can
    // have many thousands of both stray characters and syntax errors.
    let mut stray: Vec<usize> =
        diags.iter().filter(|d| d.code == "E0003").map(|d| d.primary.span.lo as usize).collect();
    stray.sort_unstable();
    let item_ends = if recovered.is_empty() { Vec::new() } else { item_ends(tokens) };
    // Past the first unclosed delimiter, errors are usually consequences of it; but the rest of
    // its own line is still checked, as that is where the closer was most likely forgotten.
    let repair_from = lexed.repair_from.map(|p| src[p..].find('\n').map_or(src.len(), |n| p + n));
    // Past an error, skip the rest of its top-level item: errors there are usually
    // consequences of the first one.
    let mut quiet_until = 0usize;
    for r in recovered {
        let at = match &r.error {
            ParseError::UnrecognizedToken { token, .. } => token.0,
            ParseError::UnrecognizedEof { location, .. } => *location,
            ParseError::ExtraToken { token } => token.0,
            _ => continue,
        };
        if repair_from.is_some_and(|p| at >= p) || (at < quiet_until && !syntax.is_empty()) {
            continue;
        }
        let idx = tokens.partition_point(|t| t.lo < at);
        // A character the lexer dropped just before this token already explains the error.
        let gap_lo = if idx > 0 { tokens[idx - 1].hi } else { 0 };
        let first_stray = stray.partition_point(|&p| p < gap_lo);
        quiet_until = item_ends[idx];
        if stray.get(first_stray).is_some_and(|&p| p < at.max(gap_lo + 1)) {
            continue;
        }
        syntax.push(syntax_error(file, src, tokens, idx, r.error));
    }
    diags.extend(ctx.diags.into_inner());
    diags.extend(syntax);
    diags.sort_by_key(|d| d.primary.span.lo);
    limit_reported(src, &mut diags);
    let file_span = Span::new(file, 0, src.len());
    (ast::SourceFile { attrs, items, span: file_span }, diags)
}

/// How much error recovery one file may cost before parsing stops, in errors times the nesting
/// depth at each. lalrpop's cost per error is proportional to the depth of its stack (it lists
/// the tokens it expected by trying each of the ~120 terminals on a copy of the whole stack), so
/// thousands of errors inside thousands of open braces were quadratic: 20,000 of each took 15 s.
/// Real files stay far below: 10,000 errors at depth 100 are 1,000,000.
const RECOVERY_BUDGET: usize = 20_000_000;

/// For each token index (and one past the last), the end of the top-level item holding that
/// token: the next `;` or `}` back at depth 0, or `usize::MAX`. Recovery inside nested groups
/// can leave the parser out of step with the braces until there, so later errors in the same
/// item are likely spurious. Computed once for the file (two passes), not per error: garbage
/// can have thousands of errors, and a scan per error was quadratic.
fn item_ends(tokens: &[Token]) -> Vec<usize> {
    let mut ends = vec![usize::MAX; tokens.len() + 1];
    let mut depth: i64 = 0;
    for (i, t) in tokens.iter().enumerate() {
        match t.tok {
            Tok::OpenParen | Tok::OpenBracket | Tok::OpenBrace => depth += 1,
            Tok::CloseParen | Tok::CloseBracket | Tok::CloseBrace => {
                depth -= 1;
                if depth <= 0 && t.tok == Tok::CloseBrace {
                    ends[i] = t.hi;
                }
            }
            Tok::Semi if depth <= 0 => ends[i] = t.hi,
            _ => {}
        }
    }
    for i in (0..tokens.len()).rev() {
        if ends[i] == usize::MAX {
            ends[i] = ends[i + 1];
        }
    }
    ends
}

/// A file reports at most this many diagnostics: past a hundred, more are noise (fixing the
/// first ones usually removes many of the rest), and a generated or corrupted file can have
/// hundreds of thousands.
const MAX_REPORTED: usize = 100;

/// ...and stops once the source lines its diagnostics quote add up to this many bytes. Each
/// diagnostic prints its whole line: on a minified file that is one huge line, and 3,000 stray
/// `}` on one line made rendering quadratic (3,000 copies of a 6 KB line).
const MAX_QUOTED: usize = 256 << 10;

/// Drops the diagnostics (sorted by position) past the limits above; the last one shown says
/// how many more there were. Measures only the lines of the diagnostics it keeps, so the work is
/// bounded by what gets rendered anyway.
fn limit_reported(src: &str, diags: &mut Vec<Diagnostic>) {
    let mut quoted = 0usize;
    for i in 0..diags.len() {
        let d = &diags[i];
        // Every label costs its whole line: the renderer pads each label's marker out to its
        // column, so two labels on one long line cost about twice as much as one.
        for l in std::iter::once(&d.primary).chain(&d.secondary) {
            let (lo, hi) = (l.span.lo as usize, l.span.hi as usize);
            let first = src.get(..lo).and_then(|s| s.rfind('\n')).map_or(0, |n| n + 1);
            let last = src.get(hi..).and_then(|s| s.find('\n')).map_or(src.len(), |n| hi + n);
            quoted += last.saturating_sub(first) + 1;
        }
        let last_shown = i + 1 == MAX_REPORTED || (i > 0 && quoted > MAX_QUOTED);
        let more = diags.len() - i - 1;
        if last_shown && more > 0 {
            let d = &mut diags[i];
            d.notes.push(if more == 1 {
                "1 more error in this file is not shown".to_string()
            } else {
                format!("{more} more errors in this file are not shown")
            });
            diags.truncate(i + 1);
            return;
        }
    }
}

/// A diagnostic for one lalrpop error at token `idx`, naming what was expected in words.
fn syntax_error(file: FileId, src: &str, tokens: &[Token], idx: usize, e: ParseError<usize, Token, ()>) -> Diagnostic {
    let (found, expected) = match e {
        ParseError::UnrecognizedToken { token, expected } => (Some(token.1), expected),
        ParseError::UnrecognizedEof { expected, .. } => (None, expected),
        ParseError::ExtraToken { token } => (Some(token.1), Vec::new()),
        _ => (None, Vec::new()),
    };
    let want = describe_expected(&expected);
    let found_text = match &found {
        Some(t) if t.lo == t.hi => "end of the enclosing group".to_string(),
        Some(t) => t.tok.describe(),
        None => "end of file".to_string(),
    };
    let message = match &want {
        Some(w) => format!("expected {w}, found {found_text}"),
        None => format!("unexpected {found_text}"),
    };
    let (lo, hi) = match &found {
        Some(t) => (t.lo, t.hi),
        None => (src.len(), src.len()),
    };
    let here = Span::new(file, lo, hi);
    // A missing separator or closer is pointed at just after the previous token, as rustc does.
    let missing_sep =
        want.as_deref().is_some_and(|w| w.starts_with("`;`") || w.starts_with("`)`") || w.starts_with("`,`"));
    if missing_sep && idx > 0 && tokens[idx - 1].hi < lo {
        let prev = Span::new(file, tokens[idx - 1].hi, tokens[idx - 1].hi);
        let label = format!("expected {}", want.clone().unwrap_or_default());
        return Diagnostic::error("E0001", message, prev, label).with_label(here, "unexpected token");
    }
    let label = match &want {
        Some(w) => format!("expected {w}"),
        None => "unexpected token".to_string(),
    };
    Diagnostic::error("E0001", message, here, label)
}

/// Summarizes lalrpop's expected terminals: separators and closers by name, the rest by the
/// kind of thing that can start there ("an expression", "a type", "a pattern", "an item").
fn describe_expected(expected: &[String]) -> Option<String> {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let mut parts: Vec<String> = Vec::new();
    for t in
        ["\";\"", "\",\"", "\")\"", "\"]\"", "\"}\"", "\"=>\"", "\"=\"", "\":\"", "\"{\"", "\"->\"", "\"in\"", "\"|\""]
    {
        if has(t) {
            parts.push(format!("`{}`", &t[1..t.len() - 1]));
        }
    }
    // After a complete operand, operators may follow; they are not worth listing, and `=` and `|`
    // then are operators too.
    if has("\"+\"") {
        parts.retain(|p| p != "`=`" && p != "`|`" && p != "`{`");
    }
    let (expr, ty, pat) = (has("\"if\"") || has("\"match\""), has("\"dyn\""), has("\"ref\""));
    let item = has("\"fn\"") && !ty;
    if expr {
        // `|` and `{` and `=` also start or continue expressions; fold them into the summary.
        parts.retain(|p| p != "`|`" && p != "`{`");
        parts.push("an expression".into());
    } else if item {
        parts.push("an item".into());
    } else if pat {
        parts.retain(|p| p != "`|`");
        parts.push("a pattern".into());
    } else if ty {
        parts.push("a type".into());
    } else if has("Ident") {
        parts.push("an identifier".into());
    } else if has("StrLit") {
        parts.push("a string literal".into());
    } else if has("\">\"") && parts.is_empty() {
        parts.push("`>`".into());
    }
    if parts.is_empty() {
        return None;
    }
    parts.truncate(4);
    let last = parts.pop().unwrap();
    Some(if parts.is_empty() { last } else { format!("{} or {last}", parts.join(", ")) })
}

/// State shared by the grammar's actions.
pub struct Ctx<'s> {
    pub file: FileId,
    pub src: &'s str,
    pub diags: RefCell<Vec<Diagnostic>>,
    pub recovered: RefCell<Vec<ErrorRecovery<usize, Token, ()>>>,
}

impl Ctx<'_> {
    pub fn sp(&self, lo: usize, hi: usize) -> Span {
        Span::new(self.file, lo, hi)
    }

    pub fn tsp(&self, t: &Token) -> Span {
        self.sp(t.lo, t.hi)
    }

    pub fn tsp2(&self, a: &Token, b: &Token) -> Span {
        self.sp(a.lo, b.hi.max(a.hi))
    }

    pub fn recover(&self, e: ErrorRecovery<usize, Token, ()>) {
        self.recovered.borrow_mut().push(e);
    }

    pub fn error(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }
}

/// Function qualifiers as they are parsed: `const async unsafe extern "C"`.
#[derive(Default)]
pub struct Quals {
    pub is_const: bool,
    pub is_async: bool,
    pub is_unsafe: bool,
    pub abi: Option<StrLit>,
    lo: usize,
}

impl Quals {
    pub fn new(t: &Token) -> Quals {
        Quals { lo: t.lo, ..Quals::default() }
    }
    pub fn konst(mut self) -> Quals {
        self.is_const = true;
        self
    }
    pub fn asyncness(mut self) -> Quals {
        self.is_async = true;
        self
    }
    pub fn unsafety(mut self) -> Quals {
        self.is_unsafe = true;
        self
    }
    pub fn abi(mut self, ctx: &Ctx, s: Option<Token>) -> Quals {
        let at = Token { tok: Tok::Extern, lo: self.lo, hi: self.lo };
        self.abi = Some(h::abi(ctx, s, &at));
        self
    }
}

/// One operand of a flat binary-operator chain.
pub enum ChainItem {
    Expr(Expr),
    /// `let pat = e` in an `if`/`while` condition; the span is that of `let`. Boxed, like every
    /// value of the grammar larger than an [`Expr`]: see [`ImplHeadT`].
    Let(Box<(Span, Pat, Expr)>),
}

/// `a + b * c ..` as written, before precedence is applied. Every operand passes through here,
/// so a lone operand is kept as small as the operand itself; a chain is boxed.
pub enum Chain {
    One(ChainItem),
    More(Box<(ChainItem, ChainRest)>),
}

/// The operators and operands after the first operand of a chain.
pub type ChainRest = Vec<((BinOp, Span), ChainItem)>;

/// A match arm's head: its pattern and guard.
pub type MatchHeadT = (Pat, Option<Expr>);

impl Chain {
    pub fn new(first: ChainItem) -> Chain {
        Chain::One(first)
    }
    pub fn push(self, op: (BinOp, Span), item: ChainItem) -> Chain {
        match self {
            Chain::One(first) => Chain::More(Box::new((first, vec![(op, item)]))),
            Chain::More(mut chain) => {
                chain.1.push((op, item));
                Chain::More(chain)
            }
        }
    }
}

/// The head of an `impl` after its generics: (negative, trait type or self type, self type
/// after `for`, where clause, items, `}`).
///
/// lalrpop keeps the values of the grammar's symbols on a stack whose entries are all as large
/// as the largest value, and moves them on every shift and reduction: items (416 bytes) and
/// statements (384) made every entry that large. So every value larger than an [`Expr`]
/// (144 bytes, about the size of lalrpop's own error value) is boxed while it is on that stack,
/// including tuples like this one.
pub type ImplHeadT = (bool, Ty, Option<Ty>, Option<Vec<WherePredicate>>, Vec<AssocItem>, Token);

/// A `select!` arm's head: pattern, future, guard, start.
pub type SelectHeadT = (Option<Pat>, Option<Expr>, Option<Expr>, Span);

/// A format string token and the arguments after it, before the template is parsed.
pub struct FmtRaw {
    pub template: Token,
    /// In reverse order (the grammar builds the list right to left).
    pub args: Vec<(Option<Ident>, Expr)>,
}

/// Binding power of binary operators (higher binds tighter), as in Rust.
fn prec(op: BinOp) -> u8 {
    match op {
        BinOp::Mul | BinOp::Div | BinOp::Rem => 10,
        BinOp::Add | BinOp::Sub => 9,
        BinOp::Shl | BinOp::Shr => 8,
        BinOp::BitAnd => 7,
        BinOp::BitXor => 6,
        BinOp::BitOr => 5,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
        BinOp::And => 3,
        BinOp::Or => 2,
    }
}

/// `let p =` binds tighter than `&&` and looser than comparisons.
const LET_PREC: u8 = 3;

/// The helpers called by the grammar's actions.
pub mod h {
    use super::*;

    pub fn ident(ctx: &Ctx, t: Token) -> Ident {
        let span = ctx.tsp(&t);
        match t.tok {
            Tok::Ident(name) => Ident { name, span },
            other => Ident { name: other.text().to_string(), span },
        }
    }

    pub fn kw_ident(ctx: &Ctx, t: Token) -> Ident {
        Ident { name: t.tok.text().to_string(), span: ctx.tsp(&t) }
    }

    pub fn int_ident(ctx: &Ctx, t: Token) -> Ident {
        Ident { name: ctx.src[t.lo..t.hi].to_string(), span: ctx.tsp(&t) }
    }

    pub fn lifetime(ctx: &Ctx, t: Token) -> Lifetime {
        let span = ctx.tsp(&t);
        match t.tok {
            Tok::Lifetime(name) => Lifetime { name, span },
            _ => Lifetime { name: "'_".into(), span },
        }
    }

    pub fn abi(ctx: &Ctx, s: Option<Token>, ext: &Token) -> StrLit {
        match s {
            Some(Token { tok: Tok::Str(value), lo, hi }) => StrLit { value, span: ctx.sp(lo, hi) },
            _ => StrLit { value: "C".into(), span: ctx.tsp(ext) },
        }
    }

    /// Unboxes the elements of a list whose elements were boxed on the parser's stack.
    pub fn unbox<T>(v: Vec<Box<T>>) -> Vec<T> {
        v.into_iter().map(|b| *b).collect()
    }

    pub fn cons<T>(x: T, mut rest: Vec<T>) -> Vec<T> {
        // Lists built right to left are collected reversed and flipped by their consumer.
        rest.push(x);
        rest
    }

    pub fn lit(ctx: &Ctx, t: Token) -> Lit {
        let span = ctx.tsp(&t);
        let kind = match t.tok {
            Tok::Int(value, suffix) => LitKind::Int { value, suffix },
            Tok::Float(text, suffix) => LitKind::Float { text, suffix },
            Tok::Str(s) => LitKind::Str(s),
            Tok::ByteStr(b) => LitKind::ByteStr(b),
            Tok::Char(c) => LitKind::Char(c),
            Tok::Byte(b) => LitKind::Byte(b),
            Tok::True => LitKind::Bool(true),
            _ => LitKind::Bool(false),
        };
        Lit { kind, span }
    }

    // ---- paths and types

    pub fn path1(i: Ident, global: bool, global_span: Option<Span>) -> Path {
        let span = global_span.map_or(i.span, |g| g.to(i.span));
        Path { qself: None, global, segments: vec![PathSegment { ident: i, args: None }], span }
    }

    pub fn path_push(mut p: Path, i: Ident) -> Path {
        p.span = p.span.to(i.span);
        p.segments.push(PathSegment { ident: i, args: None });
        p
    }

    pub fn path_args(mut p: Path, a: GenericArgs) -> Path {
        let s = match &a {
            GenericArgs::AngleBracketed { span, .. } | GenericArgs::Parenthesized { span, .. } => *span,
        };
        p.span = p.span.to(s);
        if let Some(last) = p.segments.last_mut() {
            last.args = Some(a);
        }
        p
    }

    pub fn paren_args(ctx: &Ctx, p: Path, inputs: Vec<Ty>, close: &Token, output: Option<Ty>) -> Path {
        let start = p.segments.last().map_or(p.span, |s| s.ident.span.shrink_to_hi());
        let end = output.as_ref().map_or(ctx.tsp(close), |t| t.span);
        path_args(p, GenericArgs::Parenthesized { inputs, output: output.map(Box::new), span: start.to(end) })
    }

    pub fn qpath(q: (Ty, Option<Path>, Span), i: Ident) -> Path {
        let (ty, trait_path, span) = q;
        let (segments, global, position) = match trait_path {
            Some(p) => {
                let n = p.segments.len();
                (p.segments, p.global, n)
            }
            None => (Vec::new(), false, 0),
        };
        let mut path = Path { qself: Some(Box::new(QSelf { ty, position })), global, segments, span };
        path = path_push(path, i);
        path
    }

    pub fn ty(span: Span, kind: TyKind) -> Ty {
        Ty { kind, span }
    }

    pub fn path_ty(p: Path) -> Ty {
        Ty { span: p.span, kind: TyKind::Path(p) }
    }

    pub fn ref_ty(ctx: &Ctx, amp: &Token, l: Option<Token>, mutable: bool, t: Ty, double: bool) -> Ty {
        let span = ctx.tsp(amp).to(t.span);
        let lifetime = l.map(|l| lifetime(ctx, l));
        let inner = Ty { kind: TyKind::Ref { lifetime, mutable, ty: Box::new(t) }, span };
        if double {
            Ty { kind: TyKind::Ref { lifetime: None, mutable: false, ty: Box::new(inner) }, span }
        } else {
            inner
        }
    }

    pub fn bounds_ty(ctx: &Ctx, kw: &Token, is_impl: bool, b: Vec<GenericBound>) -> Ty {
        let end = b.last().map_or(ctx.tsp(kw), bound_span);
        let span = ctx.tsp(kw).to(end);
        Ty { kind: if is_impl { TyKind::ImplTrait(b) } else { TyKind::DynTrait(b) }, span }
    }

    fn bound_span(b: &GenericBound) -> Span {
        match b {
            GenericBound::Trait { span, .. } => *span,
            GenericBound::Lifetime(l) => l.span,
        }
    }

    pub fn trait_bound(path: Path, maybe: bool, for_lifetimes: Vec<Lifetime>, start: Option<Span>) -> GenericBound {
        let span = start.map_or(path.span, |s| s.to(path.span));
        GenericBound::Trait { path, maybe, for_lifetimes, span }
    }

    pub fn bare_fn_head(
        ctx: &Ctx,
        q: Option<(bool, Option<StrLit>, Span)>,
        f: &Token,
        params: (Vec<Ty>, bool),
        close: &Token,
    ) -> Box<(BareFnTy, Span)> {
        let start = q.as_ref().map_or(ctx.tsp(f), |q| q.2);
        let (is_unsafe, abi) = q.map_or((false, None), |q| (q.0, q.1));
        let b = BareFnTy { is_unsafe, abi, for_lifetimes: Vec::new(), params: params.0, variadic: params.1, ret: None };
        Box::new((b, start.to(ctx.tsp(close))))
    }

    pub fn bare_fn(head: (BareFnTy, Span), ret: Option<Ty>) -> Ty {
        let (mut b, mut span) = head;
        if let Some(r) = &ret {
            span = span.to(r.span);
        }
        b.ret = ret;
        Ty { kind: TyKind::BareFn(Box::new(b)), span }
    }

    pub fn generics(g: Option<Generics>, w: Option<Vec<WherePredicate>>) -> Generics {
        let mut g = g.unwrap_or_default();
        g.where_clause = w.unwrap_or_default();
        g
    }

    pub fn where_bound(
        for_lifetimes: Vec<Lifetime>,
        start: Option<Span>,
        ty: Ty,
        bounds: Vec<GenericBound>,
    ) -> WherePredicate {
        let mut span = start.map_or(ty.span, |s| s.to(ty.span));
        if let Some(b) = bounds.last() {
            span = span.to(bound_span(b));
        }
        WherePredicate::Bound { for_lifetimes, ty, bounds, span }
    }

    pub fn where_lifetime(ctx: &Ctx, l: Token, bounds: Vec<Lifetime>) -> WherePredicate {
        let lifetime = lifetime(ctx, l);
        let span = bounds.last().map_or(lifetime.span, |b| lifetime.span.to(b.span));
        WherePredicate::Lifetime { lifetime, bounds, span }
    }

    // ---- items

    pub fn vis_kw(ctx: &Ctx, p: &Token, kw: Token, close: &Token) -> Visibility {
        let i = kw_ident(ctx, kw);
        Visibility::Restricted(path1(i, false, None), ctx.tsp2(p, close))
    }

    pub fn item(ctx: &Ctx, attrs: Vec<Attribute>, vis: Option<Visibility>, k: Box<(ItemKind, Span)>) -> Box<Item> {
        let (kind, mut span) = *k;
        if let Some(Visibility::Public(s) | Visibility::Restricted(_, s)) = &vis {
            span = s.to(span);
        }
        if let Some(a) = attrs.first() {
            span = a.span.to(span);
        }
        let _ = ctx;
        Box::new(Item { attrs, vis: vis.unwrap_or(Visibility::Private), kind, span })
    }

    pub fn fn_sig(
        ctx: &Ctx,
        q: Quals,
        f: &Token,
        name: Ident,
        g: Option<Generics>,
        params: (Vec<Param>, bool),
        close: &Token,
        ret: Option<Ty>,
        w: Option<Vec<WherePredicate>>,
    ) -> Box<FnSig> {
        let start = if q.is_const || q.is_async || q.is_unsafe || q.abi.is_some() { q.lo } else { f.lo };
        let mut end = ctx.tsp(close);
        if let Some(r) = &ret {
            end = end.to(r.span);
        }
        Box::new(FnSig {
            name,
            is_async: q.is_async,
            is_unsafe: q.is_unsafe,
            is_const: q.is_const,
            abi: q.abi,
            generics: generics(g, w),
            params: params.0,
            variadic: params.1,
            ret,
            span: ctx.sp(start, end.hi as usize),
        })
    }

    pub fn fn_item(sig: Box<FnSig>, body: Option<Block>, semi: Option<Span>) -> Box<(ItemKind, Span)> {
        let end = body.as_ref().map(|b| b.span).or(semi).unwrap_or(sig.span);
        let span = sig.span.to(end);
        Box::new((ItemKind::Fn(FnDecl { sig: *sig, body }), span))
    }

    pub fn assoc_fn(sig: Box<FnSig>, body: Option<Block>, semi: Option<Span>) -> Box<(AssocItemKind, Span)> {
        let end = body.as_ref().map(|b| b.span).or(semi).unwrap_or(sig.span);
        let span = sig.span.to(end);
        Box::new((AssocItemKind::Fn(FnDecl { sig: *sig, body }), span))
    }

    pub fn assoc_item(attrs: Vec<Attribute>, vis: Visibility, k: Box<(AssocItemKind, Span)>) -> Box<AssocItem> {
        let (kind, mut span) = *k;
        if let Visibility::Public(s) | Visibility::Restricted(_, s) = &vis {
            span = s.to(span);
        }
        if let Some(a) = attrs.first() {
            span = a.span.to(span);
        }
        Box::new(AssocItem { attrs, vis, kind, span })
    }

    pub fn param(pat: Pat, ty: Ty) -> Box<Param> {
        let span = pat.span.to(ty.span);
        Box::new(Param { attrs: Vec::new(), kind: ParamKind::Normal { pat, ty }, span })
    }

    pub fn self_param(ctx: &Ctx, first: &Token, last: &Token, s: SelfParam) -> Box<Param> {
        Box::new(Param { attrs: Vec::new(), kind: ParamKind::SelfParam(s), span: ctx.tsp2(first, last) })
    }

    pub fn typed_self(ctx: &Ctx, first: &Token, mutable: bool, ty: Ty) -> Box<Param> {
        let span = ctx.tsp(first).to(ty.span);
        Box::new(Param { attrs: Vec::new(), kind: ParamKind::SelfParam(SelfParam::Typed { mutable, ty }), span })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn struct_item(
        ctx: &Ctx,
        k: &Token,
        name: Ident,
        g: Option<Generics>,
        w: Option<Vec<WherePredicate>>,
        data: VariantData,
        end: &Token,
    ) -> Box<(ItemKind, Span)> {
        Box::new((ItemKind::Struct(StructDef { name, generics: generics(g, w), data }), ctx.tsp2(k, end)))
    }

    pub fn field(attrs: Vec<Attribute>, vis: Visibility, name: Option<Ident>, ty: Ty) -> Box<FieldDef> {
        let mut span = name.as_ref().map_or(ty.span, |n| n.span.to(ty.span));
        if let Visibility::Public(s) | Visibility::Restricted(_, s) = &vis {
            span = s.to(span);
        }
        if let Some(a) = attrs.first() {
            span = a.span.to(span);
        }
        Box::new(FieldDef { attrs, vis, name, ty, span })
    }

    pub fn variant(
        attrs: Vec<Attribute>,
        name: Ident,
        d: (VariantData, Option<Span>),
        disc: Option<Expr>,
    ) -> Box<Variant> {
        let mut span = d.1.map_or(name.span, |e| name.span.to(e));
        if let Some(e) = &disc {
            span = span.to(e.span);
        }
        if let Some(a) = attrs.first() {
            span = a.span.to(span);
        }
        Box::new(Variant { attrs, name, data: d.0, discriminant: disc, span })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn trait_item(
        ctx: &Ctx,
        k: &Token,
        is_unsafe: bool,
        name: Ident,
        g: Option<Generics>,
        supertraits: Option<Vec<GenericBound>>,
        w: Option<Vec<WherePredicate>>,
        items: Vec<AssocItem>,
        end: &Token,
    ) -> Box<(ItemKind, Span)> {
        let t = TraitDef {
            is_unsafe,
            is_auto: false,
            name,
            generics: generics(g, w),
            supertraits: supertraits.unwrap_or_default(),
            items,
        };
        Box::new((ItemKind::Trait(t), ctx.tsp2(k, end)))
    }

    pub fn impl_item(
        ctx: &Ctx,
        k: &Token,
        is_unsafe: bool,
        g: Option<Generics>,
        head: Box<ImplHeadT>,
    ) -> Box<(ItemKind, Span)> {
        let (negative, first, for_ty, w, items, end) = *head;
        let (trait_ref, self_ty) = match for_ty {
            None => (None, first),
            Some(self_ty) => match first.kind {
                TyKind::Path(p) => (Some(p), self_ty),
                _ => {
                    ctx.error(Diagnostic::error("E0001", "expected a trait, found a type", first.span, "not a trait"));
                    (None, self_ty)
                }
            },
        };
        let def = ImplDef { is_unsafe, generics: generics(g, w), negative, trait_ref, self_ty, items };
        Box::new((ItemKind::Impl(def), ctx.tsp2(k, &end)))
    }

    pub fn inline_mod(
        ctx: &Ctx,
        k: &Token,
        name: Ident,
        _inner: Vec<Attribute>,
        items: Vec<Item>,
        end: &Token,
    ) -> Box<(ItemKind, Span)> {
        Box::new((ItemKind::Mod(ModDef { name, items: Some(items) }), ctx.tsp2(k, end)))
    }

    pub fn extern_block(
        ctx: &Ctx,
        k: &Token,
        abi_tok: Option<Token>,
        items: Vec<Box<ForeignItem>>,
        end: &Token,
    ) -> Box<(ItemKind, Span)> {
        let abi = abi(ctx, abi_tok, k);
        Box::new((ItemKind::ExternBlock(ExternBlock { abi, items: unbox(items) }), ctx.tsp2(k, end)))
    }

    pub fn foreign(
        attrs: Vec<Attribute>,
        vis: Visibility,
        start: Span,
        kind: ForeignItemKind,
        semi: &Token,
        ctx: &Ctx,
    ) -> Box<ForeignItem> {
        let mut span = start.to(ctx.tsp(semi));
        if let Visibility::Public(s) | Visibility::Restricted(_, s) = &vis {
            span = s.to(span);
        }
        if let Some(a) = attrs.first() {
            span = a.span.to(span);
        }
        Box::new(ForeignItem { attrs, vis, kind, span })
    }

    pub fn use_tree(prefix: Path, kind: UseTreeKind, end: Option<Span>) -> UseTree {
        let span = end.map_or(prefix.span, |e| prefix.span.to(e));
        UseTree { prefix, kind, span }
    }

    pub fn use_tree_root(ctx: &Ctx, start: &Token, global: bool, kind: UseTreeKind, end: &Token) -> UseTree {
        let span = ctx.tsp2(start, end);
        let prefix = Path { qself: None, global, segments: Vec::new(), span: ctx.tsp(start) };
        UseTree { prefix, kind, span }
    }

    // ---- patterns

    pub fn pat(span: Span, kind: PatKind) -> Pat {
        Pat { kind, span }
    }

    pub fn pat_or(mut alts: Vec<Pat>, leading: Option<Span>) -> Pat {
        if alts.len() == 1 && leading.is_none() {
            return alts.pop().unwrap();
        }
        let span = leading.unwrap_or(alts[0].span).to(alts.last().unwrap().span);
        if alts.len() == 1 {
            let mut p = alts.pop().unwrap();
            p.span = span;
            return p;
        }
        Pat { kind: PatKind::Or(alts), span }
    }

    pub fn pat_range(lo: Option<Expr>, hi: Option<Expr>, inclusive: bool, tok: Option<Span>) -> Pat {
        let start = lo.as_ref().map(|e| e.span).or(tok).unwrap_or_default();
        let end = hi.as_ref().map(|e| e.span).or(tok).unwrap_or(start);
        let kind = PatKind::Range { lo: lo.map(Box::new), hi: hi.map(Box::new), inclusive };
        Pat { kind, span: start.to(end) }
    }

    pub fn pat_ident(start: Option<Span>, by_ref: bool, mutable: bool, name: Ident, sub: Option<Pat>) -> Pat {
        let mut span = start.map_or(name.span, |s| s.to(name.span));
        if let Some(p) = &sub {
            span = span.to(p.span);
        }
        Pat { kind: PatKind::Ident { by_ref, mutable, name, sub: sub.map(Box::new) }, span }
    }

    pub fn pat_lit(e: Expr) -> Pat {
        Pat { span: e.span, kind: PatKind::Lit(Box::new(e)) }
    }

    pub fn double_ref_pat(ctx: &Ctx, a: &Token, mutable: bool, p: Pat) -> Pat {
        let span = ctx.tsp(a).to(p.span);
        let inner = Pat { kind: PatKind::Ref { mutable, pat: Box::new(p) }, span };
        Pat { kind: PatKind::Ref { mutable: false, pat: Box::new(inner) }, span }
    }

    pub fn field_pat(name: Ident, pat: Pat, shorthand: bool) -> Box<FieldPat> {
        let span = name.span.to(pat.span);
        Box::new(FieldPat { name, pat, shorthand, span })
    }

    pub fn field_pat_short(start: Option<Span>, by_ref: bool, mutable: bool, name: Ident) -> Box<FieldPat> {
        let pat = pat_ident(start, by_ref, mutable, name.clone(), None);
        let span = pat.span;
        Box::new(FieldPat { name, pat, shorthand: true, span })
    }

    // ---- statements and blocks

    /// Builds a block: a block-like statement followed by `;` takes the `;`, and a block-like
    /// last statement without `;` becomes the block's value.
    pub fn block(ctx: &Ctx, l: &Token, stmts: Vec<Stmt>, expr: Option<Expr>, r: &Token) -> Block {
        let takes_semi =
            |w: &[Stmt]| matches!((&w[0].kind, &w[1].kind), (StmtKind::Expr { semi: false, .. }, StmtKind::Empty));
        // Rebuilt only when a `;` is to be taken: statements are large, and most blocks have none.
        let mut out = stmts;
        if out.windows(2).any(takes_semi) {
            let stmts = std::mem::take(&mut out);
            out.reserve(stmts.len());
            for s in stmts {
                if let StmtKind::Empty = s.kind {
                    if let Some(Stmt { kind: StmtKind::Expr { semi: semi @ false, .. }, span }) = out.last_mut() {
                        *semi = true;
                        *span = span.to(s.span);
                        continue;
                    }
                }
                out.push(s);
            }
        }
        let mut expr = expr.map(Box::new);
        if expr.is_none() && matches!(out.last(), Some(Stmt { kind: StmtKind::Expr { semi: false, .. }, .. })) {
            if let Some(Stmt { kind: StmtKind::Expr { expr: e, .. }, .. }) = out.pop() {
                expr = Some(Box::new(e));
            }
        }
        // A vector of statements starts at four (1.5 KB) and most blocks have one or two; the
        // allocator shrinks in place, and the rest goes to the next nodes instead of being
        // another page to fault in.
        out.shrink_to_fit();
        Block { stmts: out, expr, span: ctx.tsp2(l, r) }
    }

    pub fn block_expr(b: Block, label: Option<Lifetime>) -> Expr {
        Expr { span: b.span, kind: ExprKind::Block(b, label) }
    }

    pub fn item_stmt(i: Box<Item>) -> Stmt {
        Stmt { span: i.span, kind: StmtKind::Item(i) }
    }

    pub fn expr_stmt(e: Expr, semi: Option<Span>) -> Stmt {
        let span = semi.map_or(e.span, |s| e.span.to(s));
        Stmt { kind: StmtKind::Expr { expr: e, semi: semi.is_some() }, span }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn let_stmt(
        ctx: &Ctx,
        k: &Token,
        pat: Pat,
        ty: Option<Ty>,
        init: Option<Expr>,
        else_block: Option<Block>,
        semi: &Token,
    ) -> Box<Stmt> {
        Box::new(Stmt { kind: StmtKind::Let { pat, ty, init, else_block }, span: ctx.tsp2(k, semi) })
    }

    // ---- expressions

    pub fn expr(span: Span, kind: ExprKind) -> Expr {
        Expr { kind, span }
    }

    pub fn path_expr(p: Path) -> Expr {
        Expr { span: p.span, kind: ExprKind::Path(p) }
    }

    pub fn neg(ctx: &Ctx, m: &Token, e: Expr) -> Expr {
        Expr { span: ctx.tsp(m).to(e.span), kind: ExprKind::Unary(UnOp::Neg, Box::new(e)) }
    }

    pub fn unary(ctx: &Ctx, t: &Token, op: UnOp, e: Expr) -> Expr {
        Expr { span: ctx.tsp(t).to(e.span), kind: ExprKind::Unary(op, Box::new(e)) }
    }

    pub fn borrow(ctx: &Ctx, t: &Token, mutable: bool, double: bool, e: Expr) -> Expr {
        let span = ctx.tsp(t).to(e.span);
        let inner = Expr { span, kind: ExprKind::Ref { mutable, expr: Box::new(e) } };
        if double {
            Expr { span, kind: ExprKind::Ref { mutable: false, expr: Box::new(inner) } }
        } else {
            inner
        }
    }

    pub fn cast(e: Expr, t: Ty) -> Expr {
        Expr { span: e.span.to(t.span), kind: ExprKind::Cast(Box::new(e), t) }
    }

    pub fn assign(l: Expr, op: Option<BinOp>, r: Expr) -> Expr {
        let span = l.span.to(r.span);
        let kind = match op {
            None => ExprKind::Assign(Box::new(l), Box::new(r)),
            Some(op) => ExprKind::AssignOp(op, Box::new(l), Box::new(r)),
        };
        Expr { kind, span }
    }

    pub fn range(ctx: &Ctx, lo: Option<Expr>, tok: Option<&Token>, hi: Option<Expr>, inclusive: bool) -> Expr {
        let start = lo.as_ref().map(|e| e.span).or(tok.map(|t| ctx.tsp(t))).unwrap_or_default();
        let end = hi.as_ref().map(|e| e.span).or(tok.map(|t| ctx.tsp(t))).unwrap_or(start);
        Expr { span: start.to(end), kind: ExprKind::Range { lo: lo.map(Box::new), hi: hi.map(Box::new), inclusive } }
    }

    pub fn break_expr(ctx: &Ctx, t: &Token, l: Option<Token>, value: Option<Expr>) -> Expr {
        let label = l.map(|l| lifetime(ctx, l));
        let mut span = ctx.tsp(t);
        if let Some(l) = &label {
            span = span.to(l.span);
        }
        if let Some(v) = &value {
            span = span.to(v.span);
        }
        Expr { span, kind: ExprKind::Break { label, value: value.map(Box::new) } }
    }

    pub fn closure(head: (bool, bool, Vec<ClosureParam>, Span, Span), ret: Option<Ty>, body: Expr) -> Expr {
        let (is_async, is_move, params, head_span, start) = head;
        let span = start.to(body.span);
        Expr { span, kind: ExprKind::Closure(Box::new(Closure { is_async, is_move, params, ret, body, head_span })) }
    }

    /// Arranges a flat operator chain by precedence (operator-precedence parsing with explicit
    /// stacks, so that a chain of 100,000 `+` does not recurse).
    pub fn build_chain(ctx: &Ctx, chain: Chain) -> Expr {
        enum Op {
            Bin(BinOp),
            Let(Span, Pat),
        }
        fn op_prec(o: &Op) -> u8 {
            match o {
                Op::Bin(b) => prec(*b),
                Op::Let(..) => LET_PREC,
            }
        }
        fn reduce(ops: &mut Vec<Op>, vals: &mut Vec<Expr>) {
            match ops.pop() {
                Some(Op::Bin(op)) => {
                    let r = vals.pop().unwrap();
                    let l = vals.pop().unwrap();
                    let span = l.span.to(r.span);
                    vals.push(Expr { span, kind: ExprKind::Binary(op, Box::new(l), Box::new(r)) });
                }
                Some(Op::Let(kw, pat)) => {
                    let e = vals.pop().unwrap();
                    let span = kw.to(e.span);
                    vals.push(Expr { span, kind: ExprKind::Let(Box::new(pat), Box::new(e)) });
                }
                None => {}
            }
        }
        let (first, rest) = match chain {
            Chain::One(ChainItem::Expr(e)) => return e,
            Chain::One(item) => (item, Vec::new()),
            Chain::More(chain) => *chain,
        };
        let mut ops: Vec<Op> = Vec::new();
        let mut vals: Vec<Expr> = Vec::new();
        let push_item = |item: ChainItem, ops: &mut Vec<Op>, vals: &mut Vec<Expr>| match item {
            ChainItem::Expr(e) => vals.push(e),
            ChainItem::Let(l) => {
                let (kw, pat, e) = *l;
                ops.push(Op::Let(kw, pat));
                vals.push(e);
            }
        };
        push_item(first, &mut ops, &mut vals);
        for ((op, span), item) in rest {
            let p = prec(op);
            // Everything binding at least as tightly is complete (left associativity); a `let`
            // is complete only before `&&` and `||`.
            while let Some(top) = ops.last() {
                let tp = op_prec(top);
                let done = match top {
                    Op::Let(..) => p <= LET_PREC,
                    Op::Bin(..) => tp >= p,
                };
                if !done {
                    break;
                }
                if op.is_comparison() && matches!(top, Op::Bin(b) if b.is_comparison()) {
                    ctx.error(
                        Diagnostic::error("E0001", "comparison operators cannot be chained", span, "")
                            .with_help("use parentheses, or split the comparison with `&&`"),
                    );
                }
                reduce(&mut ops, &mut vals);
            }
            ops.push(Op::Bin(op));
            push_item(item, &mut ops, &mut vals);
        }
        while !ops.is_empty() {
            reduce(&mut ops, &mut vals);
        }
        vals.pop().unwrap()
    }

    pub fn call(ctx: &Ctx, f: Expr, args: Vec<Expr>, close: &Token) -> Expr {
        Expr { span: f.span.to(ctx.tsp(close)), kind: ExprKind::Call(Box::new(f), args) }
    }

    pub fn index(ctx: &Ctx, b: Expr, i: Expr, close: &Token) -> Expr {
        Expr { span: b.span.to(ctx.tsp(close)), kind: ExprKind::Index(Box::new(b), Box::new(i)) }
    }

    pub fn method_call(
        ctx: &Ctx,
        recv: Expr,
        m: Ident,
        t: Option<GenericArgs>,
        args: Vec<Expr>,
        close: &Token,
    ) -> Expr {
        let span = recv.span.to(ctx.tsp(close));
        let method = PathSegment { ident: m, args: t };
        Expr { span, kind: ExprKind::MethodCall { receiver: Box::new(recv), method, args } }
    }

    pub fn tuple_field(ctx: &Ctx, b: Expr, n: Token) -> Expr {
        let span = ctx.tsp(&n);
        let index = match n.tok {
            Tok::Int(v, None) if ctx.src[n.lo..n.hi].bytes().all(|c| c.is_ascii_digit()) => v as u32,
            _ => {
                ctx.error(Diagnostic::error(
                    "E0010",
                    "invalid tuple field index",
                    span,
                    "expected a plain decimal index",
                ));
                0
            }
        };
        Expr { span: b.span.to(span), kind: ExprKind::TupleField(Box::new(b), index, span) }
    }

    /// `x.0.1`, which the lexer reads as `x` `.` `0.1`.
    pub fn tuple_field2(ctx: &Ctx, b: Expr, n: Token) -> Expr {
        let text = &ctx.src[n.lo..n.hi];
        let parts: Option<(u32, u32)> = text.split_once('.').and_then(|(a, c)| {
            let ok = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
            if ok(a) && ok(c) {
                Some((a.parse().ok()?, c.parse().ok()?))
            } else {
                None
            }
        });
        let Some((i, j)) = parts else {
            ctx.error(Diagnostic::error(
                "E0010",
                "invalid tuple field index",
                ctx.tsp(&n),
                "expected a plain decimal index",
            ));
            return b;
        };
        let dot = n.lo + text.find('.').unwrap();
        let s1 = ctx.sp(n.lo, dot);
        let s2 = ctx.sp(dot + 1, n.hi);
        let first = Expr { span: b.span.to(s1), kind: ExprKind::TupleField(Box::new(b), i, s1) };
        Expr { span: first.span.to(s2), kind: ExprKind::TupleField(Box::new(first), j, s2) }
    }

    pub fn struct_lit(ctx: &Ctx, path: Path, body: (Vec<FieldInit>, Option<Expr>), close: &Token) -> Expr {
        let span = path.span.to(ctx.tsp(close));
        let (fields, base) = body;
        Expr { span, kind: ExprKind::Struct { path, fields, base: base.map(Box::new) } }
    }

    pub fn field_init(name: Ident, expr: Expr, shorthand: bool) -> Box<FieldInit> {
        let span = name.span.to(expr.span);
        Box::new(FieldInit { name, expr, shorthand, span })
    }

    pub fn if_expr(ctx: &Ctx, t: &Token, cond: Expr, then: Block, else_: Option<Expr>) -> Expr {
        let end = else_.as_ref().map_or(then.span, |e| e.span);
        Expr { span: ctx.tsp(t).to(end), kind: ExprKind::If { cond: Box::new(cond), then, else_: else_.map(Box::new) } }
    }

    pub fn match_expr(
        ctx: &Ctx,
        m: &Token,
        scrutinee: Expr,
        arms: Vec<(Box<MatchHeadT>, Expr)>,
        close: &Token,
    ) -> Expr {
        let arms = arms
            .into_iter()
            .rev()
            .map(|(head, body)| {
                let (pat, guard) = *head;
                let span = pat.span.to(body.span);
                Arm { attrs: Vec::new(), pat, guard, body, span }
            })
            .collect();
        Expr { span: ctx.tsp2(m, close), kind: ExprKind::Match { scrutinee: Box::new(scrutinee), arms } }
    }

    pub fn labelled(ctx: &Ctx, l: Token, mut e: Expr) -> Expr {
        let l = lifetime(ctx, l);
        e.span = l.span.to(e.span);
        match &mut e.kind {
            ExprKind::Loop { label, .. } | ExprKind::While { label, .. } | ExprKind::For { label, .. } => {
                *label = Some(l)
            }
            _ => {}
        }
        e
    }

    // ---- macros

    fn mac_expr(ctx: &Ctx, name: &Token, kind: MacroKind, close: &Token) -> Expr {
        let call = MacroCall { kind, name_span: ctx.tsp(name) };
        Expr { span: ctx.tsp2(name, close), kind: ExprKind::Macro(Box::new(call)) }
    }

    pub fn mac(ctx: &Ctx, name: &Token, kind: MacroKind, close: &Token) -> Expr {
        mac_expr(ctx, name, kind, close)
    }

    fn format_args(ctx: &Ctx, raw: FmtRaw) -> FormatArgs {
        let FmtRaw { template, args } = raw;
        let args: Vec<FormatArg> = args.into_iter().rev().map(|(name, expr)| FormatArg { name, expr }).collect();
        let value = match &template.tok {
            Tok::Str(s) => s.clone(),
            _ => String::new(),
        };
        let tspan = ctx.tsp(&template);
        let mut diags = ctx.diags.borrow_mut();
        let before = diags.len();
        let pieces = format_string::parse_template(&ctx.src[template.lo..template.hi], tspan, &mut diags);
        // Argument counts are meaningless once the template itself is malformed.
        if diags.len() == before {
            format_string::check_args(&pieces, &args, tspan, &mut diags);
        }
        let end = args.last().map_or(tspan, |a| a.expr.span);
        FormatArgs { template: StrLit { value, span: tspan }, pieces, args, span: tspan.to(end) }
    }

    pub fn mac_format(ctx: &Ctx, name: &Token, args: Option<FmtRaw>, close: &Token) -> Expr {
        let Tok::MacFormat(kind) = name.tok else { unreachable!("grammar passes a format macro token") };
        let args = args.map(|a| format_args(ctx, a));
        if args.is_none() && matches!(kind, FormatMacro::Format | FormatMacro::Print | FormatMacro::Eprint) {
            ctx.error(Diagnostic::error(
                "E0009",
                format!("`{}!` requires at least a format string argument", kind.name()),
                ctx.tsp2(name, close),
                "",
            ));
        }
        mac_expr(ctx, name, MacroKind::Format { kind, dest: None, args }, close)
    }

    pub fn mac_write(ctx: &Ctx, name: &Token, a: Box<(Expr, Option<FmtRaw>)>, close: &Token) -> Expr {
        let Tok::MacWrite(kind) = name.tok else { unreachable!("grammar passes a write macro token") };
        let (dest, fmt) = *a;
        let args = fmt.map(|f| format_args(ctx, f));
        if args.is_none() && kind == FormatMacro::Write {
            ctx.error(Diagnostic::error(
                "E0009",
                "`write!` requires a format string after the destination",
                ctx.tsp2(name, close),
                "",
            ));
        }
        mac_expr(ctx, name, MacroKind::Format { kind, dest: Some(dest), args }, close)
    }

    pub fn mac_assert(ctx: &Ctx, name: &Token, a: Box<(Expr, Option<FmtRaw>)>, close: &Token) -> Expr {
        let (cond, msg) = *a;
        let msg = msg.map(|f| format_args(ctx, f));
        mac_expr(ctx, name, MacroKind::Assert { cond, msg }, close)
    }

    pub fn mac_assert_cmp(
        ctx: &Ctx,
        name: &Token,
        eq: bool,
        a: Box<(Expr, Expr, Option<FmtRaw>)>,
        close: &Token,
    ) -> Expr {
        let (left, right, msg) = *a;
        let msg = msg.map(|f| format_args(ctx, f));
        mac_expr(ctx, name, MacroKind::AssertCmp { eq, left, right, msg }, close)
    }

    #[allow(clippy::type_complexity)]
    pub fn mac_select(
        ctx: &Ctx,
        name: &Token,
        arms: Vec<((Option<Pat>, Option<Expr>, Option<Expr>, Span), Expr)>,
        close: &Token,
    ) -> Expr {
        let arms = arms
            .into_iter()
            .rev()
            .map(|((pat, fut, guard, start), body)| {
                let span = start.to(body.span);
                SelectArm { pat, fut, guard, body, span }
            })
            .collect();
        mac_expr(ctx, name, MacroKind::Select(arms), close)
    }

    pub fn mac_defer(ctx: &Ctx, name: &Token, body: (Vec<Stmt>, Option<Expr>, Span), close: &Token) -> Expr {
        // The block spans the macro's delimiters: from just after the name to the closer.
        let open = Token { tok: Tok::OpenBrace, lo: name.hi, hi: name.hi };
        let (stmts, expr, _) = body;
        let b = block(ctx, &open, stmts, expr, close);
        mac_expr(ctx, name, MacroKind::Defer(b), close)
    }
}
