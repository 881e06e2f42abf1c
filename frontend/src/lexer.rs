//! The lexer: source text of one file to a balanced [`Token`] vector plus diagnostics.
//!
//! It never fails: bad characters, malformed or unterminated literals and comments are reported
//! and skipped. After tokenizing it checks delimiter nesting like rustc's token-tree builder,
//! reporting unclosed and mismatched delimiters and repairing the stream (inserting zero-width
//! closers, dropping stray ones) so the grammar always sees balanced input. It also fuses a macro
//! name with its `!` into one token and collapses calls of unknown macros into a single token.

use crate::ast::{FloatSuffix, FormatMacro, IntSuffix};
use crate::diagnostics::Diagnostic;
use crate::span::{FileId, Span};
use crate::token::{keyword, Tok, Token};

pub struct LexOutput {
    pub tokens: Vec<Token>,
    pub diags: Vec<Diagnostic>,
    /// The position of the first unclosed delimiter, when the stream had to be repaired there;
    /// syntax errors after it are likely consequences and are not reported.
    pub repair_from: Option<usize>,
}

pub fn lex(file: FileId, src: &str) -> LexOutput {
    // About one token per four bytes of code: reserving that spares most of the vector's
    // regrowth (each a copy of all tokens so far).
    let tokens = Vec::with_capacity(src.len() / 4 + 16);
    let mut lx = Lexer { file, src, bytes: src.as_bytes(), pos: 0, tokens, diags: Vec::new() };
    lx.run();
    let Lexer { tokens, mut diags, .. } = lx;
    let (mut tokens, repair_from) = balance(file, src.len(), tokens, &mut diags);
    collapse_unknown_macros(file, &mut tokens, &mut diags);
    LexOutput { tokens, diags, repair_from }
}

struct Lexer<'a> {
    file: FileId,
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    diags: Vec<Diagnostic>,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    fn span(&self, lo: usize, hi: usize) -> Span {
        Span::new(self.file, lo, hi)
    }

    fn error(&mut self, code: &'static str, msg: impl Into<String>, lo: usize, hi: usize, label: impl Into<String>) {
        let d = Diagnostic::error(code, msg, self.span(lo, hi), label);
        self.diags.push(d);
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn byte_at(&self, i: usize) -> u8 {
        *self.bytes.get(i).unwrap_or(&0)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, tok: Tok, lo: usize) {
        // An identifier followed by `!` is always a macro call: fuse the two into one token.
        if tok == Tok::Not {
            if let Some(last) = self.tokens.last_mut() {
                if let Tok::Ident(name) = &mut last.tok {
                    last.tok = macro_token(std::mem::take(name));
                    last.hi = self.pos;
                    return;
                }
            }
        }
        self.tokens.push(Token { tok, lo, hi: self.pos });
    }

    fn run(&mut self) {
        // A shebang line (but not an inner attribute `#![..]`).
        if self.src.starts_with("#!") && !self.src[2..].trim_start().starts_with('[') {
            self.pos = self.src.find('\n').unwrap_or(self.src.len());
        }
        while self.pos < self.bytes.len() {
            self.next_token();
        }
    }

    fn next_token(&mut self) {
        let lo = self.pos;
        let b = self.bytes[lo];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
            b'/' if self.byte_at(lo + 1) == b'/' => {
                self.pos = self.src[lo..].find('\n').map(|i| lo + i).unwrap_or(self.src.len());
            }
            b'/' if self.byte_at(lo + 1) == b'*' => self.block_comment(),
            b'0'..=b'9' => self.number(),
            b'"' => {
                self.pos += 1;
                // Most strings have no escapes: their value is their text.
                let plain = self.bytes[lo + 1..].iter().position(|&b| b == b'"' || b == b'\\');
                if let Some(n) = plain.filter(|&n| self.bytes[lo + 1 + n] == b'"') {
                    self.pos = lo + 2 + n;
                    self.push(Tok::Str(self.src[lo + 1..lo + 1 + n].to_string()), lo);
                    return;
                }
                let s = self.quoted(lo, '"', false);
                self.push(Tok::Str(s.into_iter().map(|u| char::from_u32(u).unwrap_or('\u{FFFD}')).collect()), lo);
            }
            b'\'' => self.quote(),
            b'r' if self.byte_at(lo + 1) == b'"'
                || (self.byte_at(lo + 1) == b'#' && self.raw_hashes_then_quote(lo + 1)) =>
            {
                self.pos += 1;
                let s = self.raw_string(lo);
                self.push(Tok::Str(s), lo);
            }
            b'r' if self.byte_at(lo + 1) == b'#' && self.src[lo + 2..].chars().next().is_some_and(is_ident_start) => {
                // Raw identifier `r#match`.
                self.pos += 2;
                let name = self.ident_text();
                self.push(Tok::Ident(name), lo);
            }
            b'b' if self.byte_at(lo + 1) == b'"' => {
                self.pos += 2;
                let s = self.quoted(lo, '"', true);
                self.push(Tok::ByteStr(s.into_iter().map(|u| u as u8).collect()), lo);
            }
            b'b' if self.byte_at(lo + 1) == b'r'
                && (self.byte_at(lo + 2) == b'"'
                    || (self.byte_at(lo + 2) == b'#' && self.raw_hashes_then_quote(lo + 2))) =>
            {
                self.pos += 2;
                let s = self.raw_string(lo);
                if let Some(i) = s.find(|c: char| !c.is_ascii()) {
                    self.error("E0011", "non-ASCII character in raw byte string literal", lo, self.pos, "");
                    let _ = i;
                }
                self.push(Tok::ByteStr(s.into_bytes()), lo);
            }
            b'b' if self.byte_at(lo + 1) == b'\'' => {
                self.pos += 2;
                let v = self.quoted(lo, '\'', true);
                if v.len() != 1 {
                    self.error("E0011", "byte literal must contain exactly one byte", lo, self.pos, "");
                }
                self.push(Tok::Byte(v.first().copied().unwrap_or(0) as u8), lo);
            }
            _ if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 && self.peek().is_some_and(is_ident_start) => {
                self.pos = self.ident_end(lo);
                let text = &self.src[lo..self.pos];
                // Keywords are looked up before allocating: only identifiers need a `String`.
                let tok = keyword(text).unwrap_or_else(|| Tok::Ident(text.to_string()));
                self.push(tok, lo);
            }
            _ => self.punct(),
        }
    }

    fn raw_hashes_then_quote(&self, mut i: usize) -> bool {
        while self.byte_at(i) == b'#' {
            i += 1;
        }
        self.byte_at(i) == b'"'
    }

    /// The end of the identifier characters from byte `i`: ASCII a byte at a time, the rest by
    /// decoding.
    fn ident_end(&self, mut i: usize) -> usize {
        while let Some(&b) = self.bytes.get(i) {
            if b.is_ascii_alphanumeric() || b == b'_' {
                i += 1;
            } else if b >= 0x80 && self.src[i..].chars().next().is_some_and(is_ident_continue) {
                i += self.src[i..].chars().next().map_or(1, char::len_utf8);
            } else {
                break;
            }
        }
        i
    }

    fn ident_text(&mut self) -> String {
        let start = self.pos;
        self.pos = self.ident_end(start);
        self.src[start..self.pos].to_string()
    }

    fn block_comment(&mut self) {
        let lo = self.pos;
        self.pos += 2;
        let mut depth = 1;
        while self.pos < self.bytes.len() {
            match (self.bytes[self.pos], self.byte_at(self.pos + 1)) {
                (b'/', b'*') => {
                    depth += 1;
                    self.pos += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    self.pos += 2;
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.pos += 1,
            }
        }
        self.error("E0002", "unterminated block comment", lo, lo + 2, "unterminated block comment");
    }

    fn punct(&mut self) {
        let lo = self.pos;
        let c = self.peek().unwrap();
        let b1 = self.byte_at(lo + 1);
        let b2 = self.byte_at(lo + 2);
        let (tok, len) = match (c, b1, b2) {
            ('<', b'<', b'=') => (Tok::ShlEq, 3),
            ('.', b'.', b'.') => (Tok::DotDotDot, 3),
            ('.', b'.', b'=') => (Tok::DotDotEq, 3),
            // The three joint `>` flavours; see `Tok::GtJoinGt`.
            ('>', b'>', b'=') => (Tok::GtJoinGe, 1),
            ('>', b'>', _) => (Tok::GtJoinGt, 1),
            ('>', b'=', _) => (Tok::GtJoinEq, 1),
            ('>', _, _) => (Tok::Gt, 1),
            ('<', b'<', _) => (Tok::Shl, 2),
            ('<', b'=', _) => (Tok::Le, 2),
            ('<', _, _) => (Tok::Lt, 1),
            ('.', b'.', _) => (Tok::DotDot, 2),
            ('.', _, _) => (Tok::Dot, 1),
            (':', b':', _) => (Tok::PathSep, 2),
            (':', _, _) => (Tok::Colon, 1),
            ('-', b'>', _) => (Tok::RArrow, 2),
            ('-', b'=', _) => (Tok::MinusEq, 2),
            ('-', _, _) => (Tok::Minus, 1),
            ('=', b'>', _) => (Tok::FatArrow, 2),
            ('=', b'=', _) => (Tok::EqEq, 2),
            ('=', _, _) => (Tok::Eq, 1),
            ('!', b'=', _) => (Tok::Ne, 2),
            ('!', _, _) => (Tok::Not, 1),
            ('+', b'=', _) => (Tok::PlusEq, 2),
            ('+', _, _) => (Tok::Plus, 1),
            ('*', b'=', _) => (Tok::StarEq, 2),
            ('*', _, _) => (Tok::Star, 1),
            ('/', b'=', _) => (Tok::SlashEq, 2),
            ('/', _, _) => (Tok::Slash, 1),
            ('%', b'=', _) => (Tok::PercentEq, 2),
            ('%', _, _) => (Tok::Percent, 1),
            ('^', b'=', _) => (Tok::CaretEq, 2),
            ('^', _, _) => (Tok::Caret, 1),
            ('&', b'&', _) => (Tok::AndAnd, 2),
            ('&', b'=', _) => (Tok::AndEq, 2),
            ('&', _, _) => (Tok::And, 1),
            ('|', b'|', _) => (Tok::OrOr, 2),
            ('|', b'=', _) => (Tok::OrEq, 2),
            ('|', _, _) => (Tok::Or, 1),
            ('#', b'!', _) => (Tok::PoundBang, 2),
            ('#', _, _) => (Tok::Pound, 1),
            ('@', _, _) => (Tok::At, 1),
            (',', _, _) => (Tok::Comma, 1),
            (';', _, _) => (Tok::Semi, 1),
            ('?', _, _) => (Tok::Question, 1),
            ('(', _, _) => (Tok::OpenParen, 1),
            (')', _, _) => (Tok::CloseParen, 1),
            ('[', _, _) => (Tok::OpenBracket, 1),
            (']', _, _) => (Tok::CloseBracket, 1),
            ('{', _, _) => (Tok::OpenBrace, 1),
            ('}', _, _) => (Tok::CloseBrace, 1),
            _ => {
                self.pos += c.len_utf8();
                let shown =
                    if c.is_control() || c.is_whitespace() { c.escape_unicode().to_string() } else { c.to_string() };
                self.error(
                    "E0003",
                    format!("unknown start of token: {shown}"),
                    lo,
                    self.pos,
                    "this character cannot start a token",
                );
                return;
            }
        };
        self.pos += len;
        self.push(tok, lo);
    }

    fn number(&mut self) {
        let lo = self.pos;
        let radix = match (self.bytes[lo], self.byte_at(lo + 1)) {
            (b'0', b'x') => 16,
            (b'0', b'o') => 8,
            (b'0', b'b') => 2,
            _ => 10,
        };
        let mut is_float = false;
        let digits_start = if radix == 10 { lo } else { lo + 2 };
        self.pos = digits_start;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if b == b'_' || (b as char).is_digit(radix) {
                self.pos += 1;
            } else {
                break;
            }
        }
        if radix == 10 {
            // A fraction: `1.5`, `1.` but not `1..2`, `1.foo()` or `x.0.1`'s second dot.
            if self.byte_at(self.pos) == b'.'
                && self.byte_at(self.pos + 1) != b'.'
                && !self.src[self.pos + 1..].chars().next().is_some_and(is_ident_start)
            {
                is_float = true;
                self.pos += 1;
                while self.byte_at(self.pos).is_ascii_digit() || self.byte_at(self.pos) == b'_' {
                    self.pos += 1;
                }
            }
            // An exponent: `1e10`, `2.5E-3`.
            let e = self.byte_at(self.pos);
            if e == b'e' || e == b'E' {
                let mut i = self.pos + 1;
                if matches!(self.byte_at(i), b'+' | b'-') {
                    i += 1;
                }
                while self.byte_at(i) == b'_' {
                    i += 1;
                }
                if self.byte_at(i).is_ascii_digit() {
                    is_float = true;
                    self.pos = i;
                    while self.byte_at(self.pos).is_ascii_digit() || self.byte_at(self.pos) == b'_' {
                        self.pos += 1;
                    }
                }
            }
        }
        let body_end = self.pos;
        self.pos = self.ident_end(body_end);
        let suffix = &self.src[body_end..self.pos];
        let written = &self.src[digits_start..body_end];
        let digits: std::borrow::Cow<str> =
            if written.contains('_') { written.replace('_', "").into() } else { written.into() };
        let float_suffix = match suffix {
            "f32" => Some(FloatSuffix::F32),
            "f64" => Some(FloatSuffix::F64),
            _ => None,
        };
        if is_float || (float_suffix.is_some() && radix == 10) {
            if !suffix.is_empty() && float_suffix.is_none() {
                self.error(
                    "E0011",
                    format!("invalid suffix `{suffix}` for float literal"),
                    body_end,
                    self.pos,
                    "invalid suffix",
                );
            }
            self.push(Tok::Float(digits.into_owned(), float_suffix), lo);
            return;
        }
        let int_suffix = match suffix {
            "" => None,
            "i8" => Some(IntSuffix::I8),
            "i16" => Some(IntSuffix::I16),
            "i32" => Some(IntSuffix::I32),
            "i64" => Some(IntSuffix::I64),
            "i128" => Some(IntSuffix::I128),
            "isize" => Some(IntSuffix::Isize),
            "u8" => Some(IntSuffix::U8),
            "u16" => Some(IntSuffix::U16),
            "u32" => Some(IntSuffix::U32),
            "u64" => Some(IntSuffix::U64),
            "u128" => Some(IntSuffix::U128),
            "usize" => Some(IntSuffix::Usize),
            _ => {
                self.error(
                    "E0011",
                    format!("invalid suffix `{suffix}` for number literal"),
                    body_end,
                    self.pos,
                    "invalid suffix",
                );
                None
            }
        };
        let value = if digits.is_empty() {
            self.error("E0011", "no valid digits found for number", lo, self.pos, "");
            0
        } else {
            match u128::from_str_radix(&digits, radix) {
                Ok(v) => v,
                Err(_) => {
                    self.error("E0011", "integer literal is too large", lo, self.pos, "");
                    0
                }
            }
        };
        self.push(Tok::Int(value, int_suffix), lo);
    }

    /// `'a'` or `'\n'` (a char) or `'a` (a lifetime or label).
    fn quote(&mut self) {
        let lo = self.pos;
        let c1 = self.peek_at(1);
        let c2 = self.peek_at(2);
        if c1 == Some('\\') || (c1.is_some() && c1 != Some('\'') && c2 == Some('\'')) || (c1 == Some('\'')) {
            self.pos += 1;
            let v = self.quoted(lo, '\'', false);
            if v.len() != 1 && !self.diags.last().is_some_and(|d| d.primary.span.lo as usize >= lo) {
                let msg = if v.is_empty() {
                    "empty character literal"
                } else {
                    "character literal may only contain one codepoint"
                };
                self.error("E0011", msg, lo, self.pos, "");
            }
            let c = v.first().and_then(|&u| char::from_u32(u)).unwrap_or('\u{FFFD}');
            self.push(Tok::Char(c), lo);
            return;
        }
        if c1.is_some_and(|c| is_ident_start(c) || c.is_ascii_digit()) {
            self.pos += 1;
            let name = self.ident_text();
            if self.peek() == Some('\'') {
                // `'ab'`: a char literal with several characters.
                self.pos += 1;
                self.error("E0011", "character literal may only contain one codepoint", lo, self.pos, "");
                self.push(Tok::Char(name.chars().next().unwrap_or('?')), lo);
                return;
            }
            self.push(Tok::Lifetime(format!("'{name}")), lo);
            return;
        }
        self.pos += 1;
        if c1.is_some() {
            self.bump();
        }
        self.error("E0002", "unterminated character literal", lo, self.pos, "unterminated character literal");
    }

    /// The body of a quoted literal after its opening quote, up to and including the closing
    /// `close`, with escapes processed. Values are code points (bytes for byte literals).
    fn quoted(&mut self, lo: usize, close: char, byte: bool) -> Vec<u32> {
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                let what = match (close, byte) {
                    ('"', false) => "unterminated double quote string",
                    ('"', true) => "unterminated double quote byte string",
                    (_, false) => "unterminated character literal",
                    (_, true) => "unterminated byte constant",
                };
                self.error("E0002", what, lo, lo + 1 + byte as usize, what);
                return out;
            };
            if close == '\'' && c == '\n' {
                self.error("E0002", "unterminated character literal", lo, self.pos, "unterminated character literal");
                return out;
            }
            let at = self.pos;
            self.pos += c.len_utf8();
            if c == close {
                return out;
            }
            if c != '\\' {
                if byte && !c.is_ascii() {
                    self.error("E0011", "non-ASCII character in byte literal", at, self.pos, "must be ASCII");
                }
                out.push(c as u32);
                continue;
            }
            match self.bump() {
                Some('n') => out.push('\n' as u32),
                Some('r') => out.push('\r' as u32),
                Some('t') => out.push('\t' as u32),
                Some('\\') => out.push('\\' as u32),
                Some('0') => out.push(0),
                Some('\'') => out.push('\'' as u32),
                Some('"') => out.push('"' as u32),
                Some('x') => {
                    let hex: String = self.src[self.pos..].chars().take(2).collect();
                    match u32::from_str_radix(&hex, 16) {
                        Ok(v) if hex.len() == 2 => {
                            self.pos += 2;
                            if v > 0x7f && !byte {
                                self.error(
                                    "E0011",
                                    "out of range hex escape",
                                    at,
                                    self.pos,
                                    "must be a character in the range [\\x00-\\x7f]",
                                );
                            }
                            out.push(v);
                        }
                        _ => self.error("E0011", "numeric character escape is too short", at, self.pos, ""),
                    }
                }
                Some('u') if !byte => {
                    let rest = &self.src[self.pos..];
                    let close_at = rest.find('}').filter(|_| rest.starts_with('{'));
                    match close_at {
                        Some(end) if end <= 9 => {
                            let hex: String = rest[1..end].chars().filter(|&c| c != '_').collect();
                            self.pos += end + 1;
                            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                Some(ch) => out.push(ch as u32),
                                None => self.error("E0011", "invalid unicode character escape", at, self.pos, ""),
                            }
                        }
                        _ => self.error("E0011", "incorrect unicode escape sequence", at, self.pos, ""),
                    }
                }
                Some('\n') if close == '"' => {
                    // Line continuation: skip the newline and the next line's leading whitespace.
                    while self.peek().is_some_and(char::is_whitespace) {
                        self.bump();
                    }
                }
                Some('\r') if close == '"' && self.peek() == Some('\n') => {
                    while self.peek().is_some_and(char::is_whitespace) {
                        self.bump();
                    }
                }
                Some(e) => {
                    self.error(
                        "E0011",
                        format!("unknown character escape: `{}`", e.escape_default()),
                        at,
                        self.pos,
                        "unknown character escape",
                    );
                }
                None => {}
            }
        }
    }

    /// `r#".."#` after the `r` (or `br`): the body between the quotes, unprocessed.
    fn raw_string(&mut self, lo: usize) -> String {
        let mut hashes = 0;
        while self.byte_at(self.pos) == b'#' {
            hashes += 1;
            self.pos += 1;
        }
        self.pos += 1; // the opening quote
        let body_start = self.pos;
        let closing: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
        match self.src[body_start..].find(&closing) {
            Some(i) => {
                self.pos = body_start + i + closing.len();
                self.src[body_start..body_start + i].to_string()
            }
            None => {
                self.pos = self.src.len();
                self.error("E0002", "unterminated raw string", lo, body_start, "unterminated raw string");
                self.src[body_start..].to_string()
            }
        }
    }
}

/// The token for the macro `name!`.
fn macro_token(name: String) -> Tok {
    match name.as_str() {
        "println" => Tok::MacFormat(FormatMacro::Println),
        "print" => Tok::MacFormat(FormatMacro::Print),
        "eprintln" => Tok::MacFormat(FormatMacro::Eprintln),
        "eprint" => Tok::MacFormat(FormatMacro::Eprint),
        "format" => Tok::MacFormat(FormatMacro::Format),
        "panic" => Tok::MacFormat(FormatMacro::Panic),
        "unreachable" => Tok::MacFormat(FormatMacro::Unreachable),
        "todo" => Tok::MacFormat(FormatMacro::Todo),
        "unimplemented" => Tok::MacFormat(FormatMacro::Unimplemented),
        "write" => Tok::MacWrite(FormatMacro::Write),
        "writeln" => Tok::MacWrite(FormatMacro::Writeln),
        "assert" => Tok::MacAssert,
        "assert_eq" => Tok::MacAssertEq,
        "assert_ne" => Tok::MacAssertNe,
        "vec" => Tok::MacVec,
        "join" => Tok::MacJoin,
        "pin" => Tok::MacPin,
        "select" => Tok::MacSelect,
        "defer" => Tok::MacDefer,
        "matches" => Tok::MacMatches,
        _ => Tok::MacUnknown(name, false),
    }
}

fn closer_of(t: &Tok) -> Option<Tok> {
    match t {
        Tok::OpenParen => Some(Tok::CloseParen),
        Tok::OpenBracket => Some(Tok::CloseBracket),
        Tok::OpenBrace => Some(Tok::CloseBrace),
        _ => None,
    }
}

fn is_closer(t: &Tok) -> bool {
    matches!(t, Tok::CloseParen | Tok::CloseBracket | Tok::CloseBrace)
}

/// How many unclosed delimiters get a label of their own; one more label stands for the rest.
/// Rendering labels that share a line takes time cubic in their number (each label's line is
/// drawn past every other), so 3,000 unclosed `{` on one line took minutes to report; nor does a
/// wall of labels help anyone find the missing closer. rustc uses the same limit.
const UNCLOSED_LABELS: usize = 5;

/// Whether every delimiter is closed by the matching closer: then the stream needs no repair.
fn balanced(tokens: &[Token]) -> bool {
    let mut open: Vec<&Tok> = Vec::new();
    for t in tokens {
        let opener = match &t.tok {
            Tok::OpenParen | Tok::OpenBracket | Tok::OpenBrace => {
                open.push(&t.tok);
                continue;
            }
            Tok::CloseParen => Tok::OpenParen,
            Tok::CloseBracket => Tok::OpenBracket,
            Tok::CloseBrace => Tok::OpenBrace,
            _ => continue,
        };
        if open.pop() != Some(&opener) {
            return false;
        }
    }
    open.is_empty()
}

/// Checks delimiter nesting, reports problems and returns a balanced stream.
fn balance(file: FileId, len: usize, tokens: Vec<Token>, diags: &mut Vec<Diagnostic>) -> (Vec<Token>, Option<usize>) {
    // The usual case: nothing to report or repair, and no copy of the tokens to make.
    if balanced(&tokens) {
        return (tokens, None);
    }
    let mut out = Vec::with_capacity(tokens.len() + 4);
    // Open delimiters: (index in `out`, expected closer).
    let mut stack: Vec<(usize, Tok)> = Vec::new();
    // How many of each closer the stack expects, so that a stray closer is known to be one
    // without searching the stack: 3,000 of them inside 3,000 `{` made that search quadratic.
    let mut expected = [0usize; 3];
    let slot = |c: &Tok| match c {
        Tok::CloseParen => 0,
        Tok::CloseBracket => 1,
        _ => 2,
    };
    let mut repair_from: Option<usize> = None;
    let sp = |lo: usize, hi: usize| Span::new(file, lo, hi);
    for t in tokens {
        if let Some(close) = closer_of(&t.tok) {
            expected[slot(&close)] += 1;
            stack.push((out.len(), close));
            out.push(t);
            continue;
        }
        if !is_closer(&t.tok) {
            out.push(t);
            continue;
        }
        if stack.last().is_some_and(|(_, c)| *c == t.tok) {
            stack.pop();
            expected[slot(&t.tok)] -= 1;
            out.push(t);
            continue;
        }
        // When there is a match, the search passes only delimiters that are then closed.
        let matching = if expected[slot(&t.tok)] > 0 { stack.iter().rposition(|(_, c)| *c == t.tok) } else { None };
        match matching {
            Some(depth) => {
                // Close the inner delimiters here, then this one.
                let (inner_idx, _) = stack[stack.len() - 1];
                let opener = &out[inner_idx];
                diags.push(
                    Diagnostic::error(
                        "E0012",
                        format!("mismatched closing delimiter: `{}`", t.tok.text()),
                        sp(opener.lo, opener.hi),
                        "unclosed delimiter",
                    )
                    .with_label(sp(t.lo, t.hi), "mismatched closing delimiter"),
                );
                let first_unclosed = out[stack[depth + 1].0].lo;
                repair_from = Some(repair_from.map_or(first_unclosed, |r: usize| r.min(first_unclosed)));
                while stack.len() > depth + 1 {
                    let (_, c) = stack.pop().unwrap();
                    expected[slot(&c)] -= 1;
                    out.push(Token { tok: c, lo: t.lo, hi: t.lo });
                }
                stack.pop();
                expected[slot(&t.tok)] -= 1;
                out.push(t);
            }
            None => {
                diags.push(Diagnostic::error(
                    "E0012",
                    format!("unexpected closing delimiter: `{}`", t.tok.text()),
                    sp(t.lo, t.hi),
                    "unexpected closing delimiter",
                ));
            }
        }
    }
    if !stack.is_empty() {
        let mut d = Diagnostic::error("E0012", "this file contains an unclosed delimiter", sp(len, len), "");
        for (n, (idx, _)) in stack.iter().enumerate().take(UNCLOSED_LABELS + 1) {
            let label = if n == UNCLOSED_LABELS && stack.len() > UNCLOSED_LABELS + 1 {
                format!("{} more unclosed delimiters begin from here", stack.len() - UNCLOSED_LABELS)
            } else {
                "unclosed delimiter".to_string()
            };
            d = d.with_label(sp(out[*idx].lo, out[*idx].hi), label);
        }
        diags.push(d);
        let first = out[stack[0].0].lo;
        repair_from = Some(repair_from.map_or(first, |r| r.min(first)));
        while let Some((_, c)) = stack.pop() {
            out.push(Token { tok: c, lo: len, hi: len });
        }
    }
    (out, repair_from)
}

/// Reports each unknown macro and folds it with its argument group into one token, so that the
/// grammar can skip it as an expression, statement or item.
fn collapse_unknown_macros(file: FileId, tokens: &mut Vec<Token>, diags: &mut Vec<Diagnostic>) {
    if !tokens.iter().any(|t| matches!(t.tok, Tok::MacUnknown(..))) {
        return;
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let Tok::MacUnknown(name, _) = &tokens[i].tok else {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        };
        let (lo, name_hi) = (tokens[i].lo, tokens[i].hi);
        diags.push(
            Diagnostic::error(
                "E0008",
                format!("cannot find macro `{name}` in this scope"),
                Span::new(file, lo, name_hi - 1),
                "not a built-in macro",
            )
            .with_help("the built-in macros are println!, print!, eprintln!, eprint!, format!, write!, writeln!, panic!, assert!, assert_eq!, assert_ne!, vec!, unreachable!, todo!, unimplemented!, matches!, join!, select! and defer!"),
        );
        let mut end = i + 1;
        let mut braced = false;
        if tokens.get(end).is_some_and(|t| closer_of(&t.tok).is_some()) {
            braced = tokens[end].tok == Tok::OpenBrace;
            let mut depth = 0usize;
            while end < tokens.len() {
                if closer_of(&tokens[end].tok).is_some() {
                    depth += 1;
                } else if is_closer(&tokens[end].tok) {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                end += 1;
            }
        } else {
            end = i;
        }
        let hi = tokens.get(end).map_or(name_hi, |t| t.hi);
        out.push(Token { tok: Tok::MacUnknown(name.clone(), braced), lo, hi });
        i = end + 1;
    }
    *tokens = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        let out = lex(FileId(0), src);
        assert!(out.diags.is_empty(), "{:?}", out.diags);
        out.tokens.into_iter().map(|t| t.tok).collect()
    }

    fn errs(src: &str) -> Vec<String> {
        lex(FileId(0), src).diags.into_iter().map(|d| format!("{}: {}", d.code, d.message)).collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("0xff_u8"), vec![Tok::Int(255, Some(IntSuffix::U8))]);
        assert_eq!(toks("1_000"), vec![Tok::Int(1000, None)]);
        assert_eq!(toks("0b1010 0o17"), vec![Tok::Int(10, None), Tok::Int(15, None)]);
        assert_eq!(toks("1.5f32"), vec![Tok::Float("1.5".into(), Some(FloatSuffix::F32))]);
        assert_eq!(toks("2e10"), vec![Tok::Float("2e10".into(), None)]);
        assert_eq!(toks("1f64"), vec![Tok::Float("1".into(), Some(FloatSuffix::F64))]);
        assert_eq!(toks("1..2"), vec![Tok::Int(1, None), Tok::DotDot, Tok::Int(2, None)]);
        assert_eq!(toks("1.foo"), vec![Tok::Int(1, None), Tok::Dot, Tok::Ident("foo".into())]);
        assert_eq!(toks("x.0.1")[2], Tok::Float("0.1".into(), None));
        assert_eq!(errs("12u7"), vec!["E0011: invalid suffix `u7` for number literal"]);
        assert_eq!(errs("999999999999999999999999999999999999999999"), vec!["E0011: integer literal is too large"]);
    }

    #[test]
    fn strings_and_chars() {
        assert_eq!(toks(r#""a\n\t\\\0\'\"\x7f\u{1F600}""#), vec![Tok::Str("a\n\t\\\0'\"\x7f\u{1F600}".into())]);
        assert_eq!(toks(r###"r#"raw "x" \n"#"###), vec![Tok::Str(r#"raw "x" \n"#.into())]);
        assert_eq!(toks(r#"b"ab\xff""#), vec![Tok::ByteStr(vec![b'a', b'b', 0xff])]);
        assert_eq!(
            toks("b'a' '\\n' 'x' '\\u{e9}'"),
            vec![Tok::Byte(b'a'), Tok::Char('\n'), Tok::Char('x'), Tok::Char('é')]
        );
        assert_eq!(
            toks("'a 'static '_"),
            vec![Tok::Lifetime("'a".into()), Tok::Lifetime("'static".into()), Tok::Lifetime("'_".into())]
        );
        assert_eq!(toks("\"a\\\n    b\""), vec![Tok::Str("ab".into())]);
        assert_eq!(errs("\"abc"), vec!["E0002: unterminated double quote string"]);
        assert_eq!(errs("'ab'"), vec!["E0011: character literal may only contain one codepoint"]);
        assert_eq!(errs(r#""\q""#), vec!["E0011: unknown character escape: `q`"]);
    }

    #[test]
    fn comments_and_joints() {
        assert_eq!(toks("/* a /* b */ c */ x // y\n/// doc\n//! inner"), vec![Tok::Ident("x".into())]);
        assert_eq!(errs("/* a /* b */"), vec!["E0002: unterminated block comment"]);
        assert_eq!(
            toks(">>= >> >="),
            vec![Tok::GtJoinGe, Tok::GtJoinEq, Tok::Eq, Tok::GtJoinGt, Tok::Gt, Tok::GtJoinEq, Tok::Eq]
        );
        assert_eq!(
            toks("..= ... :: -> => #!"),
            vec![Tok::DotDotEq, Tok::DotDotDot, Tok::PathSep, Tok::RArrow, Tok::FatArrow, Tok::PoundBang]
        );
        assert_eq!(toks("println!"), vec![Tok::MacFormat(FormatMacro::Println)]);
        assert_eq!(toks("r#match"), vec![Tok::Ident("match".into())]);
        assert_eq!(errs("a ~ b"), vec!["E0003: unknown start of token: ~"]);
    }

    #[test]
    fn delimiters() {
        let out = lex(FileId(0), "fn f() { (1 + 2; }");
        assert_eq!(out.diags.len(), 1);
        assert_eq!(out.diags[0].message, "mismatched closing delimiter: `}`");
        assert!(out.tokens.iter().filter(|t| t.tok == Tok::CloseParen).count() == 2);
        let out = lex(FileId(0), "fn f() { {");
        assert_eq!(out.diags[0].message, "this file contains an unclosed delimiter");
        assert_eq!(out.diags[0].secondary.len(), 2);
        assert_eq!(out.repair_from, Some(7));
        // Past five, the unclosed delimiters share one label (many labels on a line are slow to
        // render and no help).
        let out = lex(FileId(0), &format!("fn f() {{ {}", "{".repeat(10)));
        let labels: Vec<&str> = out.diags[0].secondary.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(labels.len(), 6);
        assert_eq!(labels[4], "unclosed delimiter");
        assert_eq!(labels[5], "6 more unclosed delimiters begin from here");
        assert_eq!(out.diags[0].secondary[5].span.lo, 13);
        let out = lex(FileId(0), "fn f() { { { { { {");
        assert!(out.diags[0].secondary.iter().all(|l| l.message == "unclosed delimiter"));
        assert_eq!(out.diags[0].secondary.len(), 6);
        let out = lex(FileId(0), "fn f() {} }");
        assert_eq!(out.diags[0].message, "unexpected closing delimiter: `}`");
        let out = lex(FileId(0), "foo!(a, (b)) + 1");
        assert_eq!(out.diags[0].message, "cannot find macro `foo` in this scope");
        assert_eq!(out.tokens.len(), 3);
    }
}
