//! Tokens: what the lexer ([`crate::lexer`]) produces and the lalrpop grammar consumes.
//!
//! A few tokens exist only to make Rust's grammar LR(1): `>` comes in four flavours that tell what
//! character follows it (so `Vec<Vec<u8>>` can close two generic lists while `a >> b` is still a
//! shift), `#!` is one token (so inner and outer attributes differ at the first token), and a
//! macro name with its `!` is one token naming the built-in macro.

use crate::ast::{FloatSuffix, FormatMacro, IntSuffix};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    /// `'a` (with the quote).
    Lifetime(String),
    Int(u128, Option<IntSuffix>),
    /// Digits as written without `_`, and the suffix.
    Float(String, Option<FloatSuffix>),
    Str(String),
    ByteStr(Vec<u8>),
    Char(char),
    Byte(u8),

    /// `println!` and the other formatting macros that take a format string first.
    MacFormat(FormatMacro),
    /// `write!` / `writeln!`: a destination, then a format string.
    MacWrite(FormatMacro),
    MacAssert,
    MacAssertEq,
    MacAssertNe,
    MacVec,
    MacJoin,
    MacPin,
    MacSelect,
    MacDefer,
    MacMatches,
    /// An unknown macro with its whole delimited argument group, already reported; the flag
    /// tells whether the group was braced.
    MacUnknown(String, bool),

    // Keywords.
    As,
    Async,
    AsyncTry,
    Await,
    Break,
    Const,
    Continue,
    Crate,
    Dyn,
    Else,
    Enum,
    Extern,
    False,
    Fn,
    For,
    If,
    Impl,
    In,
    Let,
    Loop,
    Match,
    Mod,
    Move,
    Mut,
    Pub,
    Ref,
    Return,
    SelfLower,
    SelfUpper,
    Static,
    Struct,
    Super,
    Trait,
    True,
    Type,
    Underscore,
    Unsafe,
    Use,
    Where,
    While,

    // Punctuation.
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Not,
    And,
    Or,
    AndAnd,
    OrOr,
    Shl,
    PlusEq,
    MinusEq,
    StarEq,
    SlashEq,
    PercentEq,
    CaretEq,
    AndEq,
    OrEq,
    ShlEq,
    Eq,
    EqEq,
    Ne,
    /// `>` followed by something other than `>` or `=`.
    Gt,
    /// `>` immediately followed by `>` (and not `>=`): the first half of `>>`.
    GtJoinGt,
    /// `>` immediately followed by `>=`: the first half of `>>=`.
    GtJoinGe,
    /// `>` immediately followed by `=`: the first half of `>=`.
    GtJoinEq,
    Lt,
    Le,
    At,
    Dot,
    DotDot,
    DotDotDot,
    DotDotEq,
    Comma,
    Semi,
    Colon,
    PathSep,
    RArrow,
    FatArrow,
    Pound,
    /// `#!` (inner attribute start).
    PoundBang,
    Question,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    OpenBrace,
    CloseBrace,
}

/// The keyword for an identifier-like word, if it is one.
pub fn keyword(s: &str) -> Option<Tok> {
    Some(match s {
        "as" => Tok::As,
        "async" => Tok::Async,
        "async_try" => Tok::AsyncTry,
        "await" => Tok::Await,
        "break" => Tok::Break,
        "const" => Tok::Const,
        "continue" => Tok::Continue,
        "crate" => Tok::Crate,
        "dyn" => Tok::Dyn,
        "else" => Tok::Else,
        "enum" => Tok::Enum,
        "extern" => Tok::Extern,
        "false" => Tok::False,
        "fn" => Tok::Fn,
        "for" => Tok::For,
        "if" => Tok::If,
        "impl" => Tok::Impl,
        "in" => Tok::In,
        "let" => Tok::Let,
        "loop" => Tok::Loop,
        "match" => Tok::Match,
        "mod" => Tok::Mod,
        "move" => Tok::Move,
        "mut" => Tok::Mut,
        "pub" => Tok::Pub,
        "ref" => Tok::Ref,
        "return" => Tok::Return,
        "self" => Tok::SelfLower,
        "Self" => Tok::SelfUpper,
        "static" => Tok::Static,
        "struct" => Tok::Struct,
        "super" => Tok::Super,
        "trait" => Tok::Trait,
        "true" => Tok::True,
        "type" => Tok::Type,
        "_" => Tok::Underscore,
        "unsafe" => Tok::Unsafe,
        "use" => Tok::Use,
        "where" => Tok::Where,
        "while" => Tok::While,
        _ => return None,
    })
}

impl Tok {
    /// How the token reads in a diagnostic: "`fn`", "identifier `x`", "`;`".
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Lifetime(s) => format!("lifetime `{s}`"),
            Tok::Int(..) | Tok::Float(..) | Tok::Str(_) | Tok::ByteStr(_) | Tok::Char(_) | Tok::Byte(_) => {
                "literal".to_string()
            }
            Tok::MacFormat(m) | Tok::MacWrite(m) => format!("macro `{}!`", m.name()),
            Tok::MacUnknown(name, _) => format!("macro `{name}!`"),
            t if keyword_text(t).is_some() => format!("keyword `{}`", keyword_text(t).unwrap()),
            t => format!("`{}`", t.text()),
        }
    }

    /// The source text of a fixed token (punctuation, keywords, built-in macro names).
    pub fn text(&self) -> &'static str {
        if let Some(k) = keyword_text(self) {
            return k;
        }
        match self {
            Tok::MacAssert => "assert!",
            Tok::MacAssertEq => "assert_eq!",
            Tok::MacAssertNe => "assert_ne!",
            Tok::MacVec => "vec!",
            Tok::MacJoin => "join!",
            Tok::MacPin => "pin!",
            Tok::MacSelect => "select!",
            Tok::MacDefer => "defer!",
            Tok::MacMatches => "matches!",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Caret => "^",
            Tok::Not => "!",
            Tok::And => "&",
            Tok::Or => "|",
            Tok::AndAnd => "&&",
            Tok::OrOr => "||",
            Tok::Shl => "<<",
            Tok::PlusEq => "+=",
            Tok::MinusEq => "-=",
            Tok::StarEq => "*=",
            Tok::SlashEq => "/=",
            Tok::PercentEq => "%=",
            Tok::CaretEq => "^=",
            Tok::AndEq => "&=",
            Tok::OrEq => "|=",
            Tok::ShlEq => "<<=",
            Tok::Eq => "=",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            Tok::Gt | Tok::GtJoinGt | Tok::GtJoinGe | Tok::GtJoinEq => ">",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::At => "@",
            Tok::Dot => ".",
            Tok::DotDot => "..",
            Tok::DotDotDot => "...",
            Tok::DotDotEq => "..=",
            Tok::Comma => ",",
            Tok::Semi => ";",
            Tok::Colon => ":",
            Tok::PathSep => "::",
            Tok::RArrow => "->",
            Tok::FatArrow => "=>",
            Tok::Pound => "#",
            Tok::PoundBang => "#!",
            Tok::Question => "?",
            Tok::OpenParen => "(",
            Tok::CloseParen => ")",
            Tok::OpenBracket => "[",
            Tok::CloseBracket => "]",
            Tok::OpenBrace => "{",
            Tok::CloseBrace => "}",
            _ => "",
        }
    }
}

fn keyword_text(t: &Tok) -> Option<&'static str> {
    Some(match t {
        Tok::As => "as",
        Tok::Async => "async",
        Tok::AsyncTry => "async_try",
        Tok::Await => "await",
        Tok::Break => "break",
        Tok::Const => "const",
        Tok::Continue => "continue",
        Tok::Crate => "crate",
        Tok::Dyn => "dyn",
        Tok::Else => "else",
        Tok::Enum => "enum",
        Tok::Extern => "extern",
        Tok::False => "false",
        Tok::Fn => "fn",
        Tok::For => "for",
        Tok::If => "if",
        Tok::Impl => "impl",
        Tok::In => "in",
        Tok::Let => "let",
        Tok::Loop => "loop",
        Tok::Match => "match",
        Tok::Mod => "mod",
        Tok::Move => "move",
        Tok::Mut => "mut",
        Tok::Pub => "pub",
        Tok::Ref => "ref",
        Tok::Return => "return",
        Tok::SelfLower => "self",
        Tok::SelfUpper => "Self",
        Tok::Static => "static",
        Tok::Struct => "struct",
        Tok::Super => "super",
        Tok::Trait => "trait",
        Tok::True => "true",
        Tok::Type => "type",
        Tok::Underscore => "_",
        Tok::Unsafe => "unsafe",
        Tok::Use => "use",
        Tok::Where => "where",
        Tok::While => "while",
        _ => return None,
    })
}

/// A token with its byte range in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub lo: usize,
    pub hi: usize,
}
