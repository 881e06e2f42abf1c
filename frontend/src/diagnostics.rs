//! Problems are data: every error or warning the compiler reports is a [`Diagnostic`] with a code,
//! a primary span and optional secondary labels, notes and help lines. Rendering happens in one
//! place, [`DiagnosticSink::emit_all`], through codespan-reporting.

use crate::span::{SourceMap, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Clone, Debug)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `E0308` (rustc's code where rustc reports the same error) or one of ours (`E0001`..).
    pub code: &'static str,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: Label { span, message: label.into() },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message, span, label) }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label { span, message: message.into() });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help.push(help.into());
        self
    }

    fn to_codespan(&self) -> cs::Diagnostic<crate::span::FileId> {
        let sev = match self.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let mut labels = vec![cs::Label::primary(self.primary.span.file, self.primary.span.range())
            .with_message(self.primary.message.clone())];
        for l in &self.secondary {
            labels.push(cs::Label::secondary(l.span.file, l.span.range()).with_message(l.message.clone()));
        }
        let mut notes: Vec<String> = self.notes.iter().map(|n| format!("note: {n}")).collect();
        notes.extend(self.help.iter().map(|h| format!("help: {h}")));
        cs::Diagnostic::new(sev)
            .with_code(self.code)
            .with_message(self.message.clone())
            .with_labels(labels)
            .with_notes(notes)
    }
}

/// Collects diagnostics during a compilation; renders them all at once.
#[derive(Default, Debug)]
pub struct DiagnosticSink {
    pub diagnostics: Vec<Diagnostic>,
}

impl DiagnosticSink {
    pub fn new() -> DiagnosticSink {
        DiagnosticSink::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Renders every diagnostic, in source order, followed by rustc's summary line.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let mut buf = if color { term::termcolor::Buffer::ansi() } else { term::termcolor::Buffer::no_color() };
        let config = term::Config::default();
        let mut sorted: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        sorted.sort_by_key(|d| (d.primary.span.file, d.primary.span.lo));
        for d in sorted {
            // A rendering failure (a span out of range) must not lose the error: print it plainly.
            if term::emit_to_write_style(&mut buf, &config, sources, &d.to_codespan()).is_err() {
                use std::io::Write;
                let _ = writeln!(buf, "error[{}]: {}", d.code, d.message);
            }
        }
        let n = self.error_count();
        if n > 0 {
            use std::io::Write;
            let _ = if n == 1 {
                writeln!(buf, "error: aborting due to 1 previous error")
            } else {
                writeln!(buf, "error: aborting due to {n} previous errors")
            };
        }
        String::from_utf8_lossy(buf.as_slice()).into_owned()
    }

    pub fn emit_all(&self, sources: &SourceMap) {
        use std::io::IsTerminal;
        eprint!("{}", self.render(sources, std::io::stderr().is_terminal()));
    }
}
