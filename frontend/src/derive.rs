//! `#[derive(..)]`: expands derive attributes into trait impls written in AetherLang, before type
//! checking.
//!
//! Takes a parsed crate (every `mod m;` already loaded) and, for each `struct` and `enum` that
//! carries `#[derive(..)]`, produces the impls of the named std traits (`Clone`, `Copy`,
//! `PartialEq`, `Eq`, `PartialOrd`, `Ord`, `Default`, `Debug`, `Hash`) as source text. Each impl
//! is added to the [`SourceMap`] as a file of its own, named `<derive Clone for Point>`, so that
//! diagnostics about it (a field type that is not `Clone`) point at real text; it is parsed and
//! its items are appended to the item list of the module that defines the type. The expanded
//! tree is then checked like hand-written code.
//! Misuses are diagnostics: a derive on something that is not a struct or enum (E0774),
//! `Default` on an enum without one unit `#[default]` variant (E0665), an unknown derive (E9009).
//! [`expand`] returns where each generated file came from; the driver calls
//! [`Expansions::annotate`] after checking, so that an error inside a derived impl also points at
//! the `derive(..)` that asked for it.
//!
//! Invariants relied on: the tree parsed without errors, so that every span of it covers the
//! source text of its node; the generated text copies the text of generic parameters, bounds,
//! `where` clauses and names from those spans, which therefore resolve exactly as in the type's
//! own declaration since the impl lands in the same module. Traits are named by `std::..` paths,
//! which resolve from every module (including std's own) unless a module defines an item named
//! `std`. The type checker keeps reading `derives` itself for what it has not moved to impls
//! (`AdtDef::is_copy`, the `{:?}` expansion of `macros.rs`). Items inside function bodies are not
//! expanded (the checker does not support them yet).

use crate::ast::{self, GenericBound, GenericParam, ItemKind, Meta, VariantData, WherePredicate};
use crate::diagnostics::{Diagnostic, DiagnosticSink, Label};
use crate::parse::parse_text;
use crate::span::{FileId, SourceMap, Span};

/// Expands every `#[derive(..)]` of `file` (see the module comment). The result says where each
/// generated file came from, for [`Expansions::annotate`].
pub fn expand(file: &mut ast::SourceFile, sources: &mut SourceMap, sink: &mut DiagnosticSink) -> Expansions {
    let mut ex = Expansions::default();
    expand_items(&mut file.items, sources, sink, &mut ex);
    ex
}

/// Where derived code came from: each generated file, with the span of the trait's name in the
/// `derive(..)` list that asked for it.
#[derive(Debug, Default)]
pub struct Expansions {
    pub origins: Vec<(FileId, Span)>,
}

impl Expansions {
    /// Gives every diagnostic whose primary span lies in a generated file a label at the
    /// `derive(..)` that generated it, so that an error in a derived impl (a field that is not
    /// `Clone`) also shows the user's own code.
    pub fn annotate(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            if let Some(&(_, at)) = self.origins.iter().find(|(f, _)| *f == d.primary.span.file) {
                d.secondary.push(Label { span: at, message: "in this derive expansion".into() });
            }
        }
    }
}

/// The derivable traits: the name in `derive(..)` and the path that names the trait.
const TRAITS: [(&str, &str); 9] = [
    ("Clone", "std::clone::Clone"),
    ("Copy", "std::marker::Copy"),
    ("PartialEq", "std::cmp::PartialEq"),
    ("Eq", "std::cmp::Eq"),
    ("PartialOrd", "std::cmp::PartialOrd"),
    ("Ord", "std::cmp::Ord"),
    ("Default", "std::default::Default"),
    ("Debug", "std::fmt::Debug"),
    ("Hash", "std::hash::Hash"),
];

const CLONE: &str = "std::clone::Clone::clone";
const EQ: &str = "std::cmp::PartialEq::eq";
const LT: &str = "std::cmp::PartialOrd::lt";
const LE: &str = "std::cmp::PartialOrd::le";
const DEFAULT: &str = "std::default::Default::default()";
const HASH: &str = "std::hash::Hash::hash";

fn expand_items(items: &mut Vec<ast::Item>, sources: &mut SourceMap, sink: &mut DiagnosticSink, ex: &mut Expansions) {
    let mut generated: Vec<Generated> = Vec::new();
    for item in items.iter_mut() {
        if let ItemKind::Struct(_) | ItemKind::Enum(_) = item.kind {
            generated.extend(derive_item(item, sources, sink));
            continue;
        }
        for a in item.attrs.iter().filter(|a| derive_list(a).is_some()) {
            sink.push(
                Diagnostic::error(
                    "E0774",
                    "`derive` may only be applied to `struct`s, `enum`s and `union`s",
                    a.span,
                    "not applicable here",
                )
                .with_label(item.span, "not a `struct`, `enum` or `union`"),
            );
        }
        if let ItemKind::Mod(ast::ModDef { items: Some(inner), .. }) = &mut item.kind {
            expand_items(inner, sources, sink, ex);
        }
    }
    // `parse_text` rather than `parse_file` (which parses on a thread of its own with a big
    // stack): the generated trees are no deeper than the declarations they copy from, and this
    // saves starting a thread per impl.
    for Generated { name, text, at } in generated {
        let id = sources.add(name, text);
        ex.origins.push((id, at));
        let (tree, diags) = parse_text(id, &sources.get(id).text);
        sink.extend(diags);
        items.extend(tree.items);
    }
}

/// The items of `#[derive(..)]`, when `a` is one.
fn derive_list(a: &ast::Attribute) -> Option<&[Meta]> {
    match &a.meta {
        Meta::List(p, items) if p.segments.len() == 1 && p.segments[0].ident.name == "derive" => Some(items),
        _ => None,
    }
}

/// The type a derive is for, with the source text it is rebuilt from.
struct Adt<'a> {
    src: &'a SourceMap,
    name: String,
    generics: &'a ast::Generics,
    /// `None` for a struct, the variants for an enum.
    variants: Option<&'a [ast::Variant]>,
    /// The struct's fields.
    data: Option<&'a VariantData>,
}

/// One derived impl: its file's name, its text, and the derive it comes from.
struct Generated {
    name: String,
    text: String,
    at: Span,
}

/// The impls derived for one item.
fn derive_item(item: &ast::Item, sources: &SourceMap, sink: &mut DiagnosticSink) -> Vec<Generated> {
    let adt = match &item.kind {
        ItemKind::Struct(s) => Adt {
            src: sources,
            name: text(sources, s.name.span, &s.name.name),
            generics: &s.generics,
            variants: None,
            data: Some(&s.data),
        },
        ItemKind::Enum(e) => Adt {
            src: sources,
            name: text(sources, e.name.span, &e.name.name),
            generics: &e.generics,
            variants: Some(&e.variants),
            data: None,
        },
        _ => return Vec::new(),
    };
    // The checker does not support const generics yet and says so at the declaration: impls
    // naming the parameter would only repeat that, many times.
    if adt.generics.params.iter().any(|p| matches!(p, GenericParam::Const { .. })) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for m in item.attrs.iter().filter_map(derive_list).flatten() {
        // Like the checker's own reading of the list (`collect::derives`): words only, by their
        // last segment.
        let Meta::Word(p) = m else { continue };
        let Some(last) = p.segments.last() else { continue };
        let name = last.ident.name.as_str();
        let Some(&(name, path)) = TRAITS.iter().find(|(n, _)| *n == name) else {
            sink.push(
                Diagnostic::error(
                    "E9009",
                    format!("cannot find derive macro `{name}` in this scope"),
                    p.span,
                    "not a derivable trait",
                )
                .with_note(
                    "the derivable traits are `Debug`, `Clone`, `Copy`, `PartialEq`, `Eq`, `PartialOrd`, `Ord`, \
                     `Hash` and `Default`",
                ),
            );
            continue;
        };
        // A repeated name would make a second, conflicting impl.
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let body = match name {
            "Clone" => Some(adt.clone_body()),
            "PartialEq" => Some(adt.eq_body()),
            "PartialOrd" => Some(adt.ord_body()),
            "Default" => match adt.default_body(p.span, sink) {
                Some(b) => Some(b),
                None => continue,
            },
            "Hash" => Some(adt.hash_body()),
            // The structure is printed by the compiler's `{:?}` expansion of the concrete type;
            // the impl makes it reachable through the trait (generic code, `dyn Debug`).
            "Debug" => Some(
                "    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {\n        \
                 if f.alternate() { write!(f, \"{:#?}\", self) } else { write!(f, \"{:?}\", self) }\n    }\n"
                    .to_string(),
            ),
            _ => None,
        };
        let mut t = adt.header(path);
        match body {
            Some(b) => {
                t.push_str(" {\n");
                t.push_str(&b);
                t.push_str("}\n");
            }
            None => t.push_str(" {}\n"),
        }
        out.push(Generated { name: format!("<derive {name} for {}>", item_name(&item.kind)), text: t, at: p.span });
    }
    out
}

fn item_name(k: &ItemKind) -> &str {
    match k {
        ItemKind::Struct(s) => &s.name.name,
        ItemKind::Enum(e) => &e.name.name,
        _ => "",
    }
}

/// The source text `span` covers, or `fallback` when it covers none (a node made up by the
/// parser's error recovery).
fn text(src: &SourceMap, span: Span, fallback: &str) -> String {
    match src.get(span.file).text.get(span.range()) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => fallback.to_string(),
    }
}

/// One field of a struct or variant: how to name it in a field access or a pattern.
struct Field {
    /// `x` (as written, `r#type` too) or `0`.
    name: String,
    named: bool,
}

impl Adt<'_> {
    fn t(&self, span: Span, fallback: &str) -> String {
        text(self.src, span, fallback)
    }

    fn bound(&self, b: &GenericBound) -> String {
        match b {
            GenericBound::Trait { span, path, .. } => self.t(*span, &path_text(path)),
            GenericBound::Lifetime(l) => self.t(l.span, &l.name),
        }
    }

    /// `impl<'a, T: Bound + TRAIT> TRAIT for Name<'a, T> where ..`, without the body.
    fn header(&self, tr: &str) -> String {
        let mut params = Vec::new();
        let mut args = Vec::new();
        for p in &self.generics.params {
            match p {
                GenericParam::Lifetime { lifetime, bounds } => {
                    let l = self.t(lifetime.span, &lifetime.name);
                    args.push(l.clone());
                    let bs: Vec<String> = bounds.iter().map(|b| self.t(b.span, &b.name)).collect();
                    params.push(if bs.is_empty() { l } else { format!("{l}: {}", bs.join(" + ")) });
                }
                GenericParam::Type { name, bounds, .. } => {
                    let n = self.t(name.span, &name.name);
                    args.push(n.clone());
                    let mut bs: Vec<String> = bounds.iter().map(|b| self.bound(b)).collect();
                    bs.push(tr.to_string());
                    params.push(format!("{n}: {}", bs.join(" + ")));
                }
                GenericParam::Const { name, ty, .. } => {
                    let n = self.t(name.span, &name.name);
                    args.push(n.clone());
                    params.push(format!("const {n}: {}", self.t(ty.span, "_")));
                }
            }
        }
        let mut s = String::from("impl");
        if !params.is_empty() {
            s.push_str(&format!("<{}>", params.join(", ")));
        }
        s.push_str(&format!(" {tr} for {}", self.name));
        if !args.is_empty() {
            s.push_str(&format!("<{}>", args.join(", ")));
        }
        let preds: Vec<String> = self
            .generics
            .where_clause
            .iter()
            .map(|w| match w {
                WherePredicate::Bound { span, .. } | WherePredicate::Lifetime { span, .. } => self.t(*span, ""),
            })
            .filter(|w| !w.is_empty())
            .collect();
        if !preds.is_empty() {
            s.push_str(&format!(" where {}", preds.join(", ")));
        }
        s
    }

    fn fields(&self, data: &VariantData) -> Vec<Field> {
        let fs = match data {
            VariantData::Named(f) | VariantData::Tuple(f) => f.as_slice(),
            VariantData::Unit => &[],
        };
        fs.iter()
            .enumerate()
            .map(|(i, f)| match &f.name {
                Some(n) => Field { name: self.t(n.span, &n.name), named: true },
                None => Field { name: i.to_string(), named: false },
            })
            .collect()
    }

    /// `path { a: e0, b: e1 }`, `path(e0, e1)` or `path`: a constructor call or a pattern whose
    /// field `i` is `part(i)`.
    fn build(&self, path: &str, data: &VariantData, part: impl Fn(usize) -> String) -> String {
        let fields = self.fields(data);
        let parts: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| if f.named { format!("{}: {}", f.name, part(i)) } else { part(i) })
            .collect();
        match data {
            VariantData::Named(_) => format!("{path} {{ {} }}", parts.join(", ")),
            VariantData::Tuple(_) => format!("{path}({})", parts.join(", ")),
            VariantData::Unit => path.to_string(),
        }
    }

    fn variant_path(&self, v: &ast::Variant) -> String {
        format!("{}::{}", self.name, self.t(v.name.span, &v.name.name))
    }

    /// The pattern of variant `v` binding its fields to `{prefix}_0`, `{prefix}_1`, ...
    fn variant_pat(&self, v: &ast::Variant, prefix: &str) -> String {
        self.build(&self.variant_path(v), &v.data, |i| format!("{prefix}_{i}"))
    }

    /// `match *self {}` for an enum without variants, whose methods can never be called.
    fn empty_match() -> String {
        "        match *self {}\n".to_string()
    }

    /// `match (self, other) { (V(a..), V(b..)) => arm(fields), .., _ => false }`: the
    /// variants' fields as pairs of bound references. The last arm is there for enums of two or
    /// more variants only (elsewhere it would be unreachable).
    fn match_pairs(&self, variants: &[ast::Variant], arm: impl Fn(&[(String, String)]) -> String) -> String {
        let mut s = String::from("        match (self, other) {\n");
        for v in variants {
            let n = self.fields(&v.data).len();
            let pairs: Vec<(String, String)> = (0..n).map(|i| (format!("__self_{i}"), format!("__arg1_{i}"))).collect();
            s.push_str(&format!(
                "            ({}, {}) => {},\n",
                self.variant_pat(v, "__self"),
                self.variant_pat(v, "__arg1"),
                arm(&pairs)
            ));
        }
        if variants.len() > 1 {
            s.push_str("            _ => false,\n");
        }
        s.push_str("        }\n");
        s
    }

    /// The struct's fields as pairs of references: `(&self.a, &other.a)`.
    fn struct_pairs(&self) -> Vec<(String, String)> {
        let data = self.data.expect("a struct");
        self.fields(data).iter().map(|f| (format!("&self.{}", f.name), format!("&other.{}", f.name))).collect()
    }

    fn clone_body(&self) -> String {
        let body = match self.variants {
            None => {
                let data = self.data.expect("a struct");
                let fields = self.fields(data);
                let e = self.build(&self.name, data, |i| format!("{CLONE}(&self.{})", fields[i].name));
                format!("        {e}\n")
            }
            Some([]) => Self::empty_match(),
            Some(vs) => {
                let mut s = String::from("        match self {\n");
                for v in vs {
                    let ctor = self.build(&self.variant_path(v), &v.data, |i| format!("{CLONE}(__self_{i})"));
                    s.push_str(&format!("            {} => {ctor},\n", self.variant_pat(v, "__self")));
                }
                s.push_str("        }\n");
                s
            }
        };
        format!("    fn clone(&self) -> Self {{\n{body}    }}\n")
    }

    fn eq_body(&self) -> String {
        let conj = |pairs: &[(String, String)]| {
            if pairs.is_empty() {
                "true".to_string()
            } else {
                pairs.iter().map(|(a, b)| format!("{EQ}({a}, {b})")).collect::<Vec<_>>().join(" && ")
            }
        };
        let body = match self.variants {
            None => format!("        {}\n", conj(&self.struct_pairs())),
            Some([]) => Self::empty_match(),
            Some(vs) => self.match_pairs(vs, conj),
        };
        format!("    fn eq(&self, other: &Self) -> bool {{\n{body}    }}\n")
    }

    /// `lt` and `le`: lexicographic over the fields (for enums, over the variant's index first,
    /// then its fields). Only the fields' own `lt`, `le` and `eq` are called, so that a field
    /// without an order (a NaN) makes both false, as with rustc's `partial_cmp`.
    fn ord_body(&self) -> String {
        let mut s = String::new();
        for (name, last) in [("lt", LT), ("le", LE)] {
            // `{ if a0 < b0 { return true; } if !(a0 == b0) { return false; } .. last(an, bn) }`
            let lex = |pairs: &[(String, String)]| -> String {
                let Some(((la, lb), init)) = pairs.split_last() else {
                    return (name == "le").to_string();
                };
                let mut e = String::from("{ ");
                for (a, b) in init {
                    e.push_str(&format!("if {LT}({a}, {b}) {{ return true; }} "));
                    e.push_str(&format!("if !{EQ}({a}, {b}) {{ return false; }} "));
                }
                e.push_str(&format!("{last}({la}, {lb}) }}"));
                e
            };
            let body = match self.variants {
                None => format!("        {}\n", lex(&self.struct_pairs())),
                Some([]) => Self::empty_match(),
                Some(vs) => {
                    let op = if name == "lt" { "<" } else { "<=" };
                    let all_unit = vs.iter().all(|v| matches!(v.data, VariantData::Unit));
                    let mut b = String::new();
                    if vs.len() > 1 {
                        b.push_str(&self.discriminant("__self_discr", "self", vs));
                        b.push_str(&self.discriminant("__arg1_discr", "other", vs));
                        if all_unit {
                            b.push_str(&format!("        __self_discr {op} __arg1_discr\n"));
                        } else {
                            b.push_str(
                                "        if __self_discr != __arg1_discr { return __self_discr < __arg1_discr; }\n",
                            );
                        }
                    }
                    if !(all_unit && vs.len() > 1) {
                        b.push_str(&self.match_pairs(vs, lex));
                    }
                    b
                }
            };
            s.push_str(&format!("    fn {name}(&self, other: &Self) -> bool {{\n{body}    }}\n"));
        }
        s
    }

    /// `Hash`: the fields in order, each through its own `hash`; an enum of two or more
    /// variants hashes its discriminant first, as an `isize` (rustc's `discriminant_value` for
    /// enums without `repr`), so the values match rustc's derived ones.
    fn hash_body(&self) -> String {
        let stmts =
            |refs: Vec<String>| -> String { refs.iter().map(|r| format!("{HASH}({r}, state); ")).collect::<String>() };
        let body = match self.variants {
            None => {
                let fields = self.fields(self.data.expect("a struct"));
                let refs = fields.iter().map(|f| format!("&self.{}", f.name)).collect();
                format!("        {}\n", stmts(refs))
            }
            Some([]) => Self::empty_match(),
            Some(vs) => {
                let mut b = String::new();
                if vs.len() > 1 {
                    b.push_str(&self.discriminant_typed("__self_discr", "self", vs, Some("isize")));
                    b.push_str(&format!("        {HASH}(&__self_discr, state);\n"));
                }
                b.push_str("        match self {\n");
                for v in vs {
                    let n = self.fields(&v.data).len();
                    let arm = stmts((0..n).map(|i| format!("__self_{i}")).collect());
                    b.push_str(&format!("            {} => {{ {arm}}}\n", self.variant_pat(v, "__self")));
                }
                b.push_str("        }\n");
                b
            }
        };
        format!("    fn hash<__H: std::hash::Hasher>(&self, state: &mut __H) {{\n{body}    }}\n")
    }

    /// `let var = match x { E::A => 0, E::B(..) => 1, .. };`: the variant's position, or its
    /// discriminant when the enum gives some explicitly (variants are ordered by discriminant,
    /// as in rustc): the text of the last explicit one, plus the variants since.
    fn discriminant(&self, var: &str, x: &str, vs: &[ast::Variant]) -> String {
        self.discriminant_typed(var, x, vs, None)
    }

    /// [`Self::discriminant`], with the variable's type given (`None`: `isize` when some
    /// discriminant is explicit, else `usize`).
    fn discriminant_typed(&self, var: &str, x: &str, vs: &[ast::Variant], ty: Option<&str>) -> String {
        let explicit = vs.iter().any(|v| v.discriminant.is_some());
        let ty = ty.unwrap_or(if explicit { "isize" } else { "usize" });
        let mut s = format!("        let {var}: {ty} = match {x} {{ ");
        let mut base: Option<(usize, String)> = None;
        for (i, v) in vs.iter().enumerate() {
            let path = self.variant_path(v);
            let pat = match v.data {
                VariantData::Named(_) => format!("{path} {{ .. }}"),
                VariantData::Tuple(_) => format!("{path}(..)"),
                VariantData::Unit => path.clone(),
            };
            if let Some(d) = &v.discriminant {
                base = Some((i, format!("({}) as isize", self.t(d.span, "0"))));
            }
            let value = match &base {
                Some((j, d)) if *j == i => d.clone(),
                Some((j, d)) => format!("{d} + {}", i - j),
                None => i.to_string(),
            };
            s.push_str(&format!("{pat} => {value}, "));
        }
        s.push_str("};\n");
        s
    }

    /// `Default`: every field's default for a struct; for an enum, its `#[default]` unit variant
    /// (E0665 when there is none, several, or it has fields). `None` after an error.
    fn default_body(&self, at: Span, sink: &mut DiagnosticSink) -> Option<String> {
        let e = match self.variants {
            None => self.build(&self.name, self.data.expect("a struct"), |_| DEFAULT.to_string()),
            Some(vs) => {
                let marked: Vec<&ast::Variant> = vs
                    .iter()
                    .filter(|v| {
                        v.attrs.iter().any(
                            |a| matches!(&a.meta, Meta::Word(p) if p.segments.len() == 1 && p.segments[0].ident.name == "default"),
                        )
                    })
                    .collect();
                match marked.as_slice() {
                    [] => {
                        sink.push(
                            Diagnostic::error("E0665", "`#[derive(Default)]` on enum with no `#[default]`", at, "")
                                .with_help("make a unit variant default by placing `#[default]` above it"),
                        );
                        return None;
                    }
                    [v] if !matches!(v.data, VariantData::Unit) => {
                        sink.push(
                            Diagnostic::error(
                                "E0665",
                                "the `#[default]` attribute may only be used on unit enum variants",
                                v.name.span,
                                "",
                            )
                            .with_help("consider a manual implementation of `Default`"),
                        );
                        return None;
                    }
                    [v] => self.variant_path(v),
                    [first, rest @ ..] => {
                        let mut d = Diagnostic::error("E0665", "multiple declared defaults", at, "")
                            .with_label(first.name.span, "first default");
                        for v in rest {
                            d = d.with_label(v.name.span, "additional default");
                        }
                        sink.push(d.with_note("only one variant can be default"));
                        return None;
                    }
                }
            }
        };
        Some(format!("    fn default() -> Self {{\n        {e}\n    }}\n"))
    }
}

/// A path as written, for the rare bound whose span covers no text.
fn path_text(p: &ast::Path) -> String {
    let s: Vec<&str> = p.segments.iter().map(|s| s.ident.name.as_str()).collect();
    format!("{}{}", if p.global { "::" } else { "" }, s.join("::"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expands `src` and returns the generated files (name and text) and the diagnostics' codes.
    fn expand_src(src: &str) -> (Vec<(String, String)>, Vec<&'static str>) {
        let mut sources = SourceMap::new();
        let id = sources.add("test.ae", src);
        let mut sink = DiagnosticSink::new();
        let (mut tree, diags) = parse_text(id, src);
        assert!(diags.is_empty(), "parse errors");
        expand(&mut tree, &mut sources, &mut sink);
        let files = sources.files().skip(1).map(|(_, f)| (f.name.clone(), f.text.clone())).collect();
        (files, sink.diagnostics.iter().map(|d| d.code).collect())
    }

    #[test]
    fn generic_struct_gets_bounds_where_clause_and_fieldwise_bodies() {
        let (files, codes) = expand_src(
            "#[derive(Clone, PartialEq, Debug, Hash)]\nstruct W<'a, T: Copy> where T: 'a { x: &'a T, r#type: u8 }",
        );
        assert!(codes.is_empty());
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["<derive Clone for W>", "<derive PartialEq for W>", "<derive Debug for W>", "<derive Hash for W>"]
        );
        assert_eq!(
            files[0].1,
            "impl<'a, T: Copy + std::clone::Clone> std::clone::Clone for W<'a, T> where T: 'a {\n    \
             fn clone(&self) -> Self {\n        W { x: std::clone::Clone::clone(&self.x), \
             r#type: std::clone::Clone::clone(&self.r#type) }\n    }\n}\n"
        );
        assert!(files[1].1.contains(
            "std::cmp::PartialEq::eq(&self.x, &other.x) && std::cmp::PartialEq::eq(&self.r#type, &other.r#type)"
        ));
        assert!(files[2].1.starts_with(
            "impl<'a, T: Copy + std::fmt::Debug> std::fmt::Debug for W<'a, T> where T: 'a {\n    fn fmt(&self, f: &mut std::fmt::Formatter)"
        ));
    }

    #[test]
    fn enums_match_on_variants_and_order_by_variant_first() {
        let (files, _) = expand_src("#[derive(PartialEq, PartialOrd)] enum E { A, B(i32, f64), C { v: u8 } }");
        let eq = &files[0].1;
        assert!(eq.contains("(E::A, E::A) => true,"), "{eq}");
        assert!(
            eq.contains("(E::C { v: __self_0 }, E::C { v: __arg1_0 }) => std::cmp::PartialEq::eq(__self_0, __arg1_0),")
        );
        assert!(eq.contains("_ => false,"));
        let ord = &files[1].1;
        assert!(ord.contains("let __self_discr: usize = match self { E::A => 0, E::B(..) => 1, E::C { .. } => 2, };"));
        assert!(ord.contains(
            "(E::B(__self_0, __self_1), E::B(__arg1_0, __arg1_1)) => { if std::cmp::PartialOrd::lt(__self_0, __arg1_0) \
             { return true; } if !std::cmp::PartialEq::eq(__self_0, __arg1_0) { return false; } \
             std::cmp::PartialOrd::le(__self_1, __arg1_1) }"
        ), "{ord}");
    }

    #[test]
    fn hash_feeds_fields_in_order_and_the_variant_first() {
        let (files, codes) = expand_src(
            "#[derive(Hash)] struct S { a: u8, b: i32 }\n#[derive(Hash)] enum E { A, B(i32, u8) }\n\
             #[derive(Hash)] enum One { X(u8) }",
        );
        assert!(codes.is_empty());
        assert!(
            files[0].1.contains(
                "fn hash<__H: std::hash::Hasher>(&self, state: &mut __H) {\n        \
             std::hash::Hash::hash(&self.a, state); std::hash::Hash::hash(&self.b, state); \n"
            ),
            "{}",
            files[0].1
        );
        let e = &files[1].1;
        assert!(e.contains("let __self_discr: isize = match self { E::A => 0, E::B(..) => 1, };"), "{e}");
        assert!(e.contains("std::hash::Hash::hash(&__self_discr, state);"));
        assert!(
            e.contains(
                "E::B(__self_0, __self_1) => { std::hash::Hash::hash(__self_0, state); \
                 std::hash::Hash::hash(__self_1, state); }"
            ),
            "{e}"
        );
        assert!(!files[2].1.contains("__self_discr"), "one variant: no discriminant, as in rustc");
    }

    #[test]
    fn explicit_discriminants_order_variants() {
        let (files, _) = expand_src("#[derive(PartialEq, PartialOrd)] enum E { A(u8) = 3, B = 1, C }");
        assert!(files[1].1.contains(
            "let __arg1_discr: isize = match other { E::A(..) => (3) as isize, E::B => (1) as isize, \
             E::C => (1) as isize + 1, };"
        ));
        let (files, codes) = expand_src("#[derive(Clone)] struct A<const N: usize>([u8; N]);");
        assert!(files.is_empty() && codes.is_empty(), "const generics: the checker reports them");
    }

    #[test]
    fn misuses_are_reported() {
        let (files, codes) = expand_src(
            "#[derive(Default)] enum A { X, Y }\n#[derive(Default)] enum B { #[default] X(u8) }\n\
             #[derive(Default)] enum C { #[default] X, #[default] Y }\n#[derive(Default)] enum D { X, #[default] Y }\n\
             #[derive(Frobnicate, Clone, Clone)] struct S;\n#[derive(Clone)] fn f() {}",
        );
        assert_eq!(codes, ["E0665", "E0665", "E0665", "E9009", "E0774"]);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["<derive Default for D>", "<derive Clone for S>"]);
        assert!(files[0].1.contains("fn default() -> Self {\n        D::Y\n"));
    }
}
