//! Format strings: the source text of a `println!`/`format!`/.. template literal to
//! [`FormatPiece`]s, following `std::fmt`'s grammar, and the check that the placeholders and the
//! arguments agree.
//!
//! The template is parsed from the literal's source text (not its value) so that every error
//! points at the exact characters inside the literal, escapes and raw strings included.

use crate::ast::{FormatAlign, FormatArg, FormatArgRef, FormatCount, FormatPiece, FormatSpec, FormatType, Placeholder};
use crate::diagnostics::Diagnostic;
use crate::span::Span;

/// One character of the literal's value with the source range it came from (relative to the
/// start of the literal).
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    lo: usize,
    hi: usize,
}

/// Decodes a string literal's source text (`"..."` or `r#"..."#`) into located characters.
/// The lexer has already reported malformed escapes; here they are skipped.
fn decode(raw: &str) -> Vec<Ch> {
    let mut out = Vec::with_capacity(raw.len());
    if let Some(rest) = raw.strip_prefix('r') {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        let start = 1 + hashes + 1;
        let end = raw.len().saturating_sub(1 + hashes).max(start);
        for (i, c) in raw[start..end].char_indices() {
            out.push(Ch { c, lo: start + i, hi: start + i + c.len_utf8() });
        }
        return out;
    }
    let end = if raw.len() >= 2 && raw.ends_with('"') { raw.len() - 1 } else { raw.len() };
    let body = &raw[1.min(raw.len())..end];
    let mut it = body.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let lo = i + 1;
        if c != '\\' {
            out.push(Ch { c, lo, hi: lo + c.len_utf8() });
            continue;
        }
        let Some((_, e)) = it.next() else { break };
        let value = match e {
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            '\\' => Some('\\'),
            '0' => Some('\0'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'x' => {
                let h: String = (0..2).filter_map(|_| it.next().map(|(_, c)| c)).collect();
                u32::from_str_radix(&h, 16).ok().and_then(char::from_u32)
            }
            'u' => {
                let mut h = String::new();
                for (_, c) in it.by_ref() {
                    if c == '}' {
                        break;
                    }
                    if c != '{' && c != '_' {
                        h.push(c);
                    }
                }
                u32::from_str_radix(&h, 16).ok().and_then(char::from_u32)
            }
            '\n' | '\r' => {
                while it.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                    it.next();
                }
                None
            }
            _ => None,
        };
        let hi = it.peek().map_or(body.len(), |(j, _)| *j) + 1;
        if let Some(v) = value {
            out.push(Ch { c: v, lo, hi });
        }
    }
    out
}

struct Parser<'a> {
    chars: Vec<Ch>,
    pos: usize,
    base: Span,
    raw_len: usize,
    diags: &'a mut Vec<Diagnostic>,
    next_arg: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|c| c.c)
    }

    fn peek2(&self) -> Option<char> {
        self.chars.get(self.pos + 1).map(|c| c.c)
    }

    /// The span of characters `from..to` of the decoded string.
    fn span(&self, from: usize, to: usize) -> Span {
        // Past the end: the point just after the last character, before the closing quote.
        let lo = match self.chars.get(from) {
            Some(c) => c.lo,
            None => self.chars.last().map_or(self.raw_len.min(1), |c| c.hi),
        };
        let hi = if to > from { self.chars.get(to - 1).map_or(lo, |c| c.hi) } else { lo };
        Span { file: self.base.file, lo: self.base.lo + lo as u32, hi: self.base.lo + hi as u32 }
    }

    fn error(&mut self, msg: impl Into<String>, from: usize, to: usize, label: impl Into<String>) -> Option<()> {
        let sp = self.span(from, to);
        self.diags.push(Diagnostic::error("E0006", format!("invalid format string: {}", msg.into()), sp, label));
        None
    }

    fn pieces(&mut self) -> Vec<FormatPiece> {
        let mut out = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            match c {
                '{' if self.peek2() == Some('{') => {
                    text.push('{');
                    self.pos += 2;
                }
                '}' if self.peek2() == Some('}') => {
                    text.push('}');
                    self.pos += 2;
                }
                '}' => {
                    let at = self.pos;
                    self.error("unmatched `}` found", at, at + 1, "unmatched `}` in format string");
                    if let Some(d) = self.diags.last_mut() {
                        d.notes.push("if you intended to print `}`, you can escape it using `}}`".into());
                    }
                    self.pos += 1;
                }
                '{' => {
                    if !text.is_empty() {
                        out.push(FormatPiece::Literal(std::mem::take(&mut text)));
                    }
                    match self.placeholder() {
                        Some(p) => out.push(FormatPiece::Placeholder(p)),
                        None => {
                            // Resynchronize after the bad placeholder.
                            while let Some(c) = self.peek() {
                                self.pos += 1;
                                if c == '}' {
                                    break;
                                }
                            }
                        }
                    }
                }
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        if !text.is_empty() {
            out.push(FormatPiece::Literal(text));
        }
        out
    }

    fn ident(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c == '_' || c.is_alphanumeric() {
                s.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        s
    }

    fn integer(&mut self) -> Option<usize> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        let s: String = self.chars[start..self.pos].iter().map(|c| c.c).collect();
        s.parse().ok()
    }

    /// `name` or `3`, if one is here.
    fn argument(&mut self) -> Option<FormatArgRef> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => self.integer().map(FormatArgRef::Index),
            Some(c) if c == '_' || c.is_alphabetic() => Some(FormatArgRef::Name(self.ident())),
            _ => None,
        }
    }

    /// A width or precision: `5`, `name$`, `2$`.
    fn count(&mut self) -> Option<FormatCount> {
        let save = self.pos;
        let arg = self.argument()?;
        if self.peek() == Some('$') {
            self.pos += 1;
            return Some(FormatCount::Arg(arg));
        }
        if let FormatArgRef::Index(n) = arg {
            return Some(FormatCount::Literal(n));
        }
        self.pos = save;
        None
    }

    fn expect_close(&mut self, open: usize) -> Option<()> {
        match self.peek() {
            Some('}') => {
                self.pos += 1;
                Some(())
            }
            Some(c) => {
                let at = self.pos;
                self.error(
                    format!("expected `}}`, found `{}`", c.escape_default()),
                    at,
                    at + 1,
                    "expected `}` in format string",
                )
            }
            None => {
                let end = self.chars.len();
                self.error("expected `}` but string was terminated", end, end, "expected `}` in format string")?;
                let _ = open;
                None
            }
        }
    }

    fn placeholder(&mut self) -> Option<Placeholder> {
        let open = self.pos;
        self.pos += 1;
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        let explicit = self.argument();
        let mut spec = FormatSpec::default();
        if self.peek() == Some(':') {
            self.pos += 1;
            self.spec(&mut spec)?;
        }
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        self.expect_close(open)?;
        let arg = match explicit {
            Some(a) => a,
            None => {
                self.next_arg += 1;
                FormatArgRef::Next(self.next_arg - 1)
            }
        };
        Some(Placeholder { arg, spec, span: self.span(open, self.pos) })
    }

    fn spec(&mut self, spec: &mut FormatSpec) -> Option<()> {
        let align_of = |c: char| match c {
            '<' => Some(FormatAlign::Left),
            '^' => Some(FormatAlign::Center),
            '>' => Some(FormatAlign::Right),
            _ => None,
        };
        if let (Some(f), Some(a)) = (self.peek(), self.peek2().and_then(align_of)) {
            spec.fill = Some(f);
            spec.align = Some(a);
            self.pos += 2;
        } else if let Some(a) = self.peek().and_then(align_of) {
            spec.align = Some(a);
            self.pos += 1;
        }
        match self.peek() {
            Some('+') => {
                spec.sign_plus = true;
                self.pos += 1;
            }
            Some('-') => {
                spec.sign_minus = true;
                self.pos += 1;
            }
            _ => {}
        }
        if self.peek() == Some('#') {
            spec.alternate = true;
            self.pos += 1;
        }
        // `0` is the zero flag unless it is the start of `0$`.
        if self.peek() == Some('0') && self.peek2() != Some('$') {
            spec.zero_pad = true;
            self.pos += 1;
        }
        spec.width = self.count();
        if self.peek() == Some('.') {
            self.pos += 1;
            if self.peek() == Some('*') {
                self.pos += 1;
                spec.precision = Some(FormatCount::Star(self.next_arg));
                self.next_arg += 1;
            } else {
                let at = self.pos;
                match self.count() {
                    Some(c) => spec.precision = Some(c),
                    None => {
                        return self.error(
                            "expected a precision after `.`",
                            at,
                            at + 1,
                            "expected a number, `*` or `name$`",
                        );
                    }
                }
            }
        }
        let ty_start = self.pos;
        let mut ty = self.ident();
        if self.peek() == Some('?') {
            ty.push('?');
            self.pos += 1;
        }
        spec.ty = match ty.as_str() {
            "" => FormatType::Display,
            "?" => FormatType::Debug,
            "x?" => FormatType::DebugLowerHex,
            "X?" => FormatType::DebugUpperHex,
            "x" => FormatType::LowerHex,
            "X" => FormatType::UpperHex,
            "o" => FormatType::Octal,
            "b" => FormatType::Binary,
            "e" => FormatType::LowerExp,
            "E" => FormatType::UpperExp,
            other => {
                let sp = self.span(ty_start, self.pos);
                self.diags.push(
                    Diagnostic::error("E0006", format!("unknown format trait `{other}`"), sp, "unknown format trait")
                        .with_note(
                        "the only appropriate formatting traits are: ``, `?`, `e`, `E`, `o`, `x`, `X`, `x?`, `X?`, `b`",
                    ),
                );
                return None;
            }
        };
        Some(())
    }
}

/// Parses a template from its literal's source text `raw`, whose span is `span`.
pub fn parse_template(raw: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Vec<FormatPiece> {
    let chars = decode(raw);
    let mut p = Parser { chars, pos: 0, base: span, raw_len: raw.len(), diags, next_arg: 0 };
    let pieces = p.pieces();
    if let Some(d) = p.diags.last_mut() {
        if d.message.contains("expected `}` but string was terminated") && d.notes.is_empty() {
            d.notes.push("if you intended to print `{`, you can escape it using `{{`".into());
        }
    }
    pieces
}

/// Checks that every placeholder has an argument and every argument is used, as rustc does.
pub fn check_args(pieces: &[FormatPiece], args: &[FormatArg], template: Span, diags: &mut Vec<Diagnostic>) {
    let positional = args.iter().filter(|a| a.name.is_none()).count();
    let mut used = vec![false; args.len()];
    let mut wanted = 0usize;
    let mark = |r: &FormatArgRef, used: &mut Vec<bool>, wanted: &mut usize| match r {
        FormatArgRef::Next(i) | FormatArgRef::Index(i) => {
            *wanted = (*wanted).max(i + 1);
            if *i < positional {
                used[*i] = true;
            }
        }
        FormatArgRef::Name(n) => {
            if let Some(j) = args.iter().position(|a| a.name.as_ref().is_some_and(|x| &x.name == n)) {
                used[j] = true;
            }
        }
    };
    for p in pieces {
        let FormatPiece::Placeholder(ph) = p else { continue };
        mark(&ph.arg, &mut used, &mut wanted);
        for c in [&ph.spec.width, &ph.spec.precision].into_iter().flatten() {
            match c {
                FormatCount::Arg(r) => mark(r, &mut used, &mut wanted),
                FormatCount::Star(i) => mark(&FormatArgRef::Next(*i), &mut used, &mut wanted),
                FormatCount::Literal(_) => {}
            }
        }
    }
    if wanted > positional {
        let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
        let verb = if positional == 1 { "is" } else { "are" };
        diags.push(Diagnostic::error(
            "E0006",
            format!(
                "{} in format string, but there {verb} {}",
                plural(wanted, "positional argument"),
                plural(positional, "argument")
            ),
            template,
            "",
        ));
    }
    for (a, u) in args.iter().zip(&used) {
        if !u {
            let (msg, label) = match &a.name {
                Some(_) => ("named argument never used", "named argument never used"),
                None => ("argument never used", "argument never used"),
            };
            diags.push(
                Diagnostic::error("E0006", msg, a.expr.span, label)
                    .with_label(template, "formatting specifier missing"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    fn parse(raw: &str) -> (Vec<FormatPiece>, Vec<String>) {
        let mut d = Vec::new();
        let span = Span::new(FileId(0), 0, raw.len());
        let p = parse_template(raw, span, &mut d);
        (p, d.into_iter().map(|d| format!("{}@{}..{}", d.message, d.primary.span.lo, d.primary.span.hi)).collect())
    }

    fn spec_of(raw: &str) -> FormatSpec {
        let (p, d) = parse(raw);
        assert!(d.is_empty(), "{d:?}");
        match &p[0] {
            FormatPiece::Placeholder(ph) => ph.spec.clone(),
            _ => panic!("no placeholder"),
        }
    }

    #[test]
    fn specs() {
        let s = spec_of(r#""{:*^10}""#);
        assert_eq!((s.fill, s.align, s.width), (Some('*'), Some(FormatAlign::Center), Some(FormatCount::Literal(10))));
        let s = spec_of(r#""{:08.3}""#);
        assert!(s.zero_pad);
        assert_eq!((s.width, s.precision), (Some(FormatCount::Literal(8)), Some(FormatCount::Literal(3))));
        let s = spec_of(r#""{:#X}""#);
        assert!(s.alternate);
        assert_eq!(s.ty, FormatType::UpperHex);
        let s = spec_of(r#""{:>width$}""#);
        assert_eq!(s.width, Some(FormatCount::Arg(FormatArgRef::Name("width".into()))));
        let s = spec_of(r#""{:+.1e}""#);
        assert!(s.sign_plus);
        assert_eq!(s.ty, FormatType::LowerExp);
        let s = spec_of(r#""{:#?}""#);
        assert_eq!(s.ty, FormatType::Debug);
        let s = spec_of(r#""{:.*}""#);
        assert_eq!(s.precision, Some(FormatCount::Star(0)));
    }

    #[test]
    fn pieces_and_numbering() {
        let (p, d) = parse(r#""a {{b}} {} {0} {name} {}\n""#);
        assert!(d.is_empty());
        assert_eq!(p[0], FormatPiece::Literal("a {b} ".into()));
        let args: Vec<_> = p
            .iter()
            .filter_map(|p| match p {
                FormatPiece::Placeholder(ph) => Some(ph.arg.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            args,
            vec![
                FormatArgRef::Next(0),
                FormatArgRef::Index(0),
                FormatArgRef::Name("name".into()),
                FormatArgRef::Next(1)
            ]
        );
    }

    #[test]
    fn errors_point_inside_the_literal() {
        // `\t` is two source bytes: the `}` is at byte 5.
        assert_eq!(parse(r#""\t a}""#).1, vec!["invalid format string: unmatched `}` found@5..6"]);
        assert_eq!(parse(r#""ab {""#).1, vec!["invalid format string: expected `}` but string was terminated@5..5"]);
        assert_eq!(parse(r#""{:q}""#).1, vec!["unknown format trait `q`@3..4"]);
        assert_eq!(parse(r##"r#"{x"#"##).1, vec!["invalid format string: expected `}` but string was terminated@5..5"]);
    }
}
