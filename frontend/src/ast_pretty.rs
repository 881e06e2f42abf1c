//! A readable dump of the AST: one node per line, indented by depth, with the node's kind, its
//! names, literals and operators, and `@line:col` of its start. Used by `aetherc --emit=ast` and
//! by snapshot tests; the output depends only on the tree and the source map.

use crate::ast::*;
use crate::span::{SourceMap, Span};
use std::fmt::Write;

pub fn print_ast(file: &SourceFile, sources: &SourceMap) -> String {
    let mut p = Printer { sources, out: String::new(), depth: 0 };
    p.line("File", "", file.span);
    p.nest(|p| {
        for a in &file.attrs {
            p.attr(a);
        }
        for i in &file.items {
            p.item(i);
        }
    });
    p.out
}

struct Printer<'a> {
    sources: &'a SourceMap,
    out: String,
    depth: usize,
}

fn vis(v: &Visibility) -> String {
    match v {
        Visibility::Private => String::new(),
        Visibility::Public(_) => "pub ".into(),
        Visibility::Restricted(p, _) => format!("pub({}) ", path_str(p)),
    }
}

fn path_str(p: &Path) -> String {
    let mut s = String::new();
    if let Some(q) = &p.qself {
        let _ = write!(s, "<{}", ty_str(&q.ty));
        if q.position > 0 {
            s.push_str(" as ");
            s.push_str(&segs_str(&p.segments[..q.position], p.global));
        }
        s.push_str(">::");
        s.push_str(&segs_str(&p.segments[q.position..], false));
        return s;
    }
    segs_str(&p.segments, p.global)
}

fn segs_str(segs: &[PathSegment], global: bool) -> String {
    let mut s = if global { "::".to_string() } else { String::new() };
    for (i, seg) in segs.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.name);
        if let Some(a) = &seg.args {
            s.push_str(&args_str(a));
        }
    }
    s
}

fn args_str(a: &GenericArgs) -> String {
    match a {
        GenericArgs::AngleBracketed { args, .. } => {
            let parts: Vec<String> = args
                .iter()
                .map(|a| match a {
                    GenericArg::Lifetime(l) => l.name.clone(),
                    GenericArg::Type(t) => ty_str(t),
                    GenericArg::Const(_) => "{const}".into(),
                    GenericArg::Binding { name, ty } => format!("{} = {}", name.name, ty_str(ty)),
                    GenericArg::Constraint { name, bounds } => format!("{}: {}", name.name, bounds_str(bounds)),
                })
                .collect();
            format!("<{}>", parts.join(", "))
        }
        GenericArgs::Parenthesized { inputs, output, .. } => {
            let ins: Vec<String> = inputs.iter().map(ty_str).collect();
            match output {
                Some(o) => format!("({}) -> {}", ins.join(", "), ty_str(o)),
                None => format!("({})", ins.join(", ")),
            }
        }
    }
}

fn bounds_str(b: &[GenericBound]) -> String {
    let parts: Vec<String> = b
        .iter()
        .map(|b| match b {
            GenericBound::Trait { path, maybe, for_lifetimes, .. } => {
                let mut s = String::new();
                if !for_lifetimes.is_empty() {
                    let ls: Vec<&str> = for_lifetimes.iter().map(|l| l.name.as_str()).collect();
                    let _ = write!(s, "for<{}> ", ls.join(", "));
                }
                if *maybe {
                    s.push('?');
                }
                s + &path_str(path)
            }
            GenericBound::Lifetime(l) => l.name.clone(),
        })
        .collect();
    parts.join(" + ")
}

/// Types are small and print inline, in source syntax.
fn ty_str(t: &Ty) -> String {
    match &t.kind {
        TyKind::Path(p) => path_str(p),
        TyKind::Ref { lifetime, mutable, ty } => {
            let l = lifetime.as_ref().map_or(String::new(), |l| format!("{} ", l.name));
            format!("&{l}{}{}", if *mutable { "mut " } else { "" }, ty_str(ty))
        }
        TyKind::Ptr { mutable, ty } => format!("*{} {}", if *mutable { "mut" } else { "const" }, ty_str(ty)),
        TyKind::Tuple(ts) if ts.len() == 1 => format!("({},)", ty_str(&ts[0])),
        TyKind::Tuple(ts) => format!("({})", ts.iter().map(ty_str).collect::<Vec<_>>().join(", ")),
        TyKind::Array(t, _) => format!("[{}; _]", ty_str(t)),
        TyKind::Slice(t) => format!("[{}]", ty_str(t)),
        TyKind::Never => "!".into(),
        TyKind::Infer => "_".into(),
        TyKind::ImplTrait(b) => format!("impl {}", bounds_str(b)),
        TyKind::DynTrait(b) => format!("dyn {}", bounds_str(b)),
        TyKind::BareFn(f) => {
            let mut s = String::new();
            if f.is_unsafe {
                s.push_str("unsafe ");
            }
            if let Some(a) = &f.abi {
                let _ = write!(s, "extern {:?} ", a.value);
            }
            let mut ps: Vec<String> = f.params.iter().map(ty_str).collect();
            if f.variadic {
                ps.push("...".into());
            }
            let _ = write!(s, "fn({})", ps.join(", "));
            if let Some(r) = &f.ret {
                let _ = write!(s, " -> {}", ty_str(r));
            }
            s
        }
        TyKind::Paren(t) => format!("({})", ty_str(t)),
    }
}

fn lit_str(l: &Lit) -> String {
    match &l.kind {
        LitKind::Int { value, suffix } => {
            format!("{value}{}", suffix.map_or(String::new(), |s| format!("{s:?}").to_lowercase()))
        }
        LitKind::Float { text, suffix } => {
            format!("{text}{}", suffix.map_or(String::new(), |s| format!("{s:?}").to_lowercase()))
        }
        LitKind::Bool(b) => b.to_string(),
        LitKind::Char(c) => format!("{c:?}"),
        LitKind::Byte(b) => format!("b{:?}", *b as char),
        LitKind::Str(s) => format!("{s:?}"),
        LitKind::ByteStr(b) => format!("b{:?}", String::from_utf8_lossy(b)),
    }
}

fn meta_str(m: &Meta) -> String {
    match m {
        Meta::Word(p) => path_str(p),
        Meta::List(p, l) => format!("{}({})", path_str(p), l.iter().map(meta_str).collect::<Vec<_>>().join(", ")),
        Meta::NameValue(p, l) => format!("{} = {}", path_str(p), lit_str(l)),
        Meta::Lit(l) => lit_str(l),
    }
}

impl Printer<'_> {
    fn line(&mut self, kind: &str, detail: &str, span: Span) {
        let (l, c) = self.sources.get(span.file).line_col(span.lo);
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(kind);
        if !detail.is_empty() {
            self.out.push(' ');
            self.out.push_str(detail);
        }
        let _ = writeln!(self.out, " @{l}:{c}");
    }

    fn nest(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    /// A labelled child: `label:` on its own line, then the child indented below it.
    fn labelled(&mut self, label: &str, f: impl FnOnce(&mut Self)) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(label);
        self.out.push_str(":\n");
        self.nest(f);
    }

    fn attr(&mut self, a: &Attribute) {
        let kind = if a.inner { "InnerAttr" } else { "Attr" };
        self.line(kind, &meta_str(&a.meta), a.span);
    }

    fn generics(&mut self, g: &Generics) {
        for p in &g.params {
            let d = match p {
                GenericParam::Lifetime { lifetime, bounds } => {
                    let b: Vec<&str> = bounds.iter().map(|l| l.name.as_str()).collect();
                    if b.is_empty() {
                        lifetime.name.clone()
                    } else {
                        format!("{}: {}", lifetime.name, b.join(" + "))
                    }
                }
                GenericParam::Type { name, bounds, default } => {
                    let mut s = name.name.clone();
                    if !bounds.is_empty() {
                        let _ = write!(s, ": {}", bounds_str(bounds));
                    }
                    if let Some(d) = default {
                        let _ = write!(s, " = {}", ty_str(d));
                    }
                    s
                }
                GenericParam::Const { name, ty, .. } => format!("const {}: {}", name.name, ty_str(ty)),
            };
            self.line("GenericParam", &d, g.span);
        }
        for w in &g.where_clause {
            match w {
                WherePredicate::Bound { ty, bounds, span, .. } => {
                    self.line("Where", &format!("{}: {}", ty_str(ty), bounds_str(bounds)), *span)
                }
                WherePredicate::Lifetime { lifetime, bounds, span } => {
                    let b: Vec<&str> = bounds.iter().map(|l| l.name.as_str()).collect();
                    self.line("Where", &format!("{}: {}", lifetime.name, b.join(" + ")), *span)
                }
            }
        }
    }

    fn item(&mut self, i: &Item) {
        let v = vis(&i.vis);
        let (kind, detail) = match &i.kind {
            ItemKind::Fn(f) => ("Fn", format!("{v}{}", sig_str(&f.sig))),
            ItemKind::Struct(s) => ("Struct", format!("{v}{}", s.name.name)),
            ItemKind::Enum(e) => ("Enum", format!("{v}{}", e.name.name)),
            ItemKind::Trait(t) => ("Trait", format!("{v}{}{}", if t.is_unsafe { "unsafe " } else { "" }, t.name.name)),
            ItemKind::Impl(d) => {
                let mut s = String::new();
                if d.negative {
                    s.push('!');
                }
                if let Some(t) = &d.trait_ref {
                    let _ = write!(s, "{} for ", path_str(t));
                }
                ("Impl", s + &ty_str(&d.self_ty))
            }
            ItemKind::Const(c) => ("Const", format!("{v}{}: {}", c.name.name, ty_str(&c.ty))),
            ItemKind::Static(s) => {
                ("Static", format!("{v}{}{}: {}", if s.mutable { "mut " } else { "" }, s.name.name, ty_str(&s.ty)))
            }
            ItemKind::TypeAlias(t) => ("TypeAlias", format!("{v}{} = {}", t.name.name, ty_str(&t.ty))),
            ItemKind::Use(_) => ("Use", v.trim_end().to_string()),
            ItemKind::Mod(m) => ("Mod", format!("{v}{}{}", m.name.name, if m.items.is_none() { ";" } else { "" })),
            ItemKind::ExternBlock(b) => ("ExternBlock", format!("{:?}", b.abi.value)),
        };
        self.line(kind, &detail, i.span);
        self.nest(|p| {
            for a in &i.attrs {
                p.attr(a);
            }
            match &i.kind {
                ItemKind::Fn(f) => p.fn_decl(f),
                ItemKind::Struct(s) => {
                    p.generics(&s.generics);
                    p.variant_data(&s.data);
                }
                ItemKind::Enum(e) => {
                    p.generics(&e.generics);
                    for var in &e.variants {
                        p.line("Variant", &var.name.name, var.span);
                        p.nest(|p| {
                            p.variant_data(&var.data);
                            if let Some(d) = &var.discriminant {
                                p.expr(d);
                            }
                        });
                    }
                }
                ItemKind::Trait(t) => {
                    p.generics(&t.generics);
                    if !t.supertraits.is_empty() {
                        p.line("Supertraits", &bounds_str(&t.supertraits), i.span);
                    }
                    p.assoc_items(&t.items);
                }
                ItemKind::Impl(d) => {
                    p.generics(&d.generics);
                    p.assoc_items(&d.items);
                }
                ItemKind::Const(c) => c.value.iter().for_each(|e| p.expr(e)),
                ItemKind::Static(s) => s.value.iter().for_each(|e| p.expr(e)),
                ItemKind::TypeAlias(t) => p.generics(&t.generics),
                ItemKind::Use(u) => p.use_tree(u),
                ItemKind::Mod(m) => m.items.iter().flatten().for_each(|i| p.item(i)),
                ItemKind::ExternBlock(b) => {
                    for f in &b.items {
                        match &f.kind {
                            ForeignItemKind::Fn(sig) => {
                                p.line("ForeignFn", &format!("{}{}", vis(&f.vis), sig_str(sig)), f.span);
                                p.nest(|p| p.sig(sig));
                            }
                            ForeignItemKind::Static { mutable, name, ty } => p.line(
                                "ForeignStatic",
                                &format!("{}{}: {}", if *mutable { "mut " } else { "" }, name.name, ty_str(ty)),
                                f.span,
                            ),
                            ForeignItemKind::Type(n) => p.line("ForeignType", &n.name, f.span),
                        }
                    }
                }
            }
        });
    }

    fn use_tree(&mut self, u: &UseTree) {
        let prefix = path_str(&u.prefix);
        match &u.kind {
            UseTreeKind::Simple { rename } => {
                let r = rename.as_ref().map_or(String::new(), |r| format!(" as {}", r.name));
                self.line("UseTree", &format!("{prefix}{r}"), u.span);
            }
            UseTreeKind::Glob => self.line("UseTree", &format!("{prefix}::*"), u.span),
            UseTreeKind::Nested(ts) => {
                self.line("UseTree", &format!("{prefix}::{{..}}"), u.span);
                self.nest(|p| ts.iter().for_each(|t| p.use_tree(t)));
            }
        }
    }

    fn variant_data(&mut self, d: &VariantData) {
        let fields = match d {
            VariantData::Named(f) | VariantData::Tuple(f) => f,
            VariantData::Unit => return,
        };
        for (i, f) in fields.iter().enumerate() {
            let name = f.name.as_ref().map_or(i.to_string(), |n| n.name.clone());
            self.line("Field", &format!("{}{name}: {}", vis(&f.vis), ty_str(&f.ty)), f.span);
        }
    }

    fn assoc_items(&mut self, items: &[AssocItem]) {
        for a in items {
            match &a.kind {
                AssocItemKind::Fn(f) => {
                    self.line("AssocFn", &format!("{}{}", vis(&a.vis), sig_str(&f.sig)), a.span);
                    self.nest(|p| {
                        for at in &a.attrs {
                            p.attr(at);
                        }
                        p.fn_decl(f)
                    });
                }
                AssocItemKind::Const { name, ty, default } => {
                    self.line("AssocConst", &format!("{}: {}", name.name, ty_str(ty)), a.span);
                    self.nest(|p| default.iter().for_each(|e| p.expr(e)));
                }
                AssocItemKind::Type { name, bounds, default, .. } => {
                    let mut d = name.name.clone();
                    if !bounds.is_empty() {
                        let _ = write!(d, ": {}", bounds_str(bounds));
                    }
                    if let Some(t) = default {
                        let _ = write!(d, " = {}", ty_str(t));
                    }
                    self.line("AssocType", &d, a.span);
                }
            }
        }
    }

    fn sig(&mut self, s: &FnSig) {
        self.generics(&s.generics);
        for prm in &s.params {
            match &prm.kind {
                ParamKind::SelfParam(sp) => {
                    let d = match sp {
                        SelfParam::Value { mutable } => format!("{}self", if *mutable { "mut " } else { "" }),
                        SelfParam::Ref { lifetime, mutable } => format!(
                            "&{}{}self",
                            lifetime.as_ref().map_or(String::new(), |l| format!("{} ", l.name)),
                            if *mutable { "mut " } else { "" }
                        ),
                        SelfParam::Typed { mutable, ty } => {
                            format!("{}self: {}", if *mutable { "mut " } else { "" }, ty_str(ty))
                        }
                    };
                    self.line("SelfParam", &d, prm.span);
                }
                ParamKind::Normal { pat, ty } => {
                    self.line("Param", &ty_str(ty), prm.span);
                    self.nest(|p| p.pat(pat));
                }
            }
        }
    }

    fn fn_decl(&mut self, f: &FnDecl) {
        self.sig(&f.sig);
        if let Some(b) = &f.body {
            self.block("Body", b);
        }
    }

    fn block(&mut self, kind: &str, b: &Block) {
        self.line(kind, "", b.span);
        self.nest(|p| {
            for s in &b.stmts {
                p.stmt(s);
            }
            if let Some(e) = &b.expr {
                p.labelled("value", |p| p.expr(e));
            }
        });
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Let { pat, ty, init, else_block } => {
                self.line("Let", &ty.as_ref().map_or(String::new(), |t| format!(": {}", ty_str(t))), s.span);
                self.nest(|p| {
                    p.pat(pat);
                    if let Some(e) = init {
                        p.expr(e);
                    }
                    if let Some(b) = else_block {
                        p.block("Else", b);
                    }
                });
            }
            StmtKind::Item(i) => self.item(i),
            StmtKind::Expr { expr, semi } => {
                self.line("ExprStmt", if *semi { ";" } else { "" }, s.span);
                self.nest(|p| p.expr(expr));
            }
            StmtKind::Empty => self.line("Empty", "", s.span),
        }
    }

    fn pat(&mut self, pt: &Pat) {
        match &pt.kind {
            PatKind::Wild => self.line("PatWild", "", pt.span),
            PatKind::Rest => self.line("PatRest", "", pt.span),
            PatKind::Ident { by_ref, mutable, name, sub } => {
                let d =
                    format!("{}{}{}", if *by_ref { "ref " } else { "" }, if *mutable { "mut " } else { "" }, name.name);
                self.line("PatIdent", &d, pt.span);
                self.nest(|p| sub.iter().for_each(|s| p.pat(s)));
            }
            PatKind::Lit(e) => {
                self.line("PatLit", "", pt.span);
                self.nest(|p| p.expr(e));
            }
            PatKind::Range { lo, hi, inclusive } => {
                self.line("PatRange", if *inclusive { "..=" } else { ".." }, pt.span);
                self.nest(|p| {
                    lo.iter().for_each(|e| p.labelled("lo", |p| p.expr(e)));
                    hi.iter().for_each(|e| p.labelled("hi", |p| p.expr(e)));
                });
            }
            PatKind::Tuple(ps) => {
                self.line("PatTuple", "", pt.span);
                self.nest(|p| ps.iter().for_each(|x| p.pat(x)));
            }
            PatKind::TupleStruct { path, pats } => {
                self.line("PatTupleStruct", &path_str(path), pt.span);
                self.nest(|p| pats.iter().for_each(|x| p.pat(x)));
            }
            PatKind::Struct { path, fields, rest } => {
                self.line("PatStruct", &format!("{}{}", path_str(path), if *rest { " .." } else { "" }), pt.span);
                self.nest(|p| {
                    for f in fields {
                        p.line(
                            "FieldPat",
                            &format!("{}{}", f.name.name, if f.shorthand { " (shorthand)" } else { "" }),
                            f.span,
                        );
                        p.nest(|p| p.pat(&f.pat));
                    }
                });
            }
            PatKind::Path(path) => self.line("PatPath", &path_str(path), pt.span),
            PatKind::Or(ps) => {
                self.line("PatOr", "", pt.span);
                self.nest(|p| ps.iter().for_each(|x| p.pat(x)));
            }
            PatKind::Ref { mutable, pat } => {
                self.line("PatRef", if *mutable { "mut" } else { "" }, pt.span);
                self.nest(|p| p.pat(pat));
            }
            PatKind::Slice(ps) => {
                self.line("PatSlice", "", pt.span);
                self.nest(|p| ps.iter().for_each(|x| p.pat(x)));
            }
            PatKind::Paren(x) => {
                self.line("PatParen", "", pt.span);
                self.nest(|p| p.pat(x));
            }
        }
    }

    fn exprs(&mut self, es: &[Expr]) {
        for e in es {
            self.expr(e);
        }
    }

    fn expr(&mut self, e: &Expr) {
        let sp = e.span;
        match &e.kind {
            ExprKind::Lit(l) => self.line("Lit", &lit_str(l), sp),
            ExprKind::Path(p) => self.line("Path", &path_str(p), sp),
            ExprKind::Unary(op, x) => {
                self.line("Unary", &format!("{op:?}"), sp);
                self.nest(|p| p.expr(x));
            }
            ExprKind::Binary(op, l, r) => {
                self.line("Binary", op.as_str(), sp);
                self.nest(|p| {
                    p.expr(l);
                    p.expr(r);
                });
            }
            ExprKind::Assign(l, r) => {
                self.line("Assign", "=", sp);
                self.nest(|p| {
                    p.expr(l);
                    p.expr(r);
                });
            }
            ExprKind::AssignOp(op, l, r) => {
                self.line("AssignOp", &format!("{}=", op.as_str()), sp);
                self.nest(|p| {
                    p.expr(l);
                    p.expr(r);
                });
            }
            ExprKind::Cast(x, t) => {
                self.line("Cast", &ty_str(t), sp);
                self.nest(|p| p.expr(x));
            }
            ExprKind::Call(f, args) => {
                self.line("Call", "", sp);
                self.nest(|p| {
                    p.expr(f);
                    p.exprs(args);
                });
            }
            ExprKind::MethodCall { receiver, method, args } => {
                let m = format!(
                    "{}{}",
                    method.ident.name,
                    method.args.as_ref().map_or(String::new(), |a| format!("::{}", args_str(a)))
                );
                self.line("MethodCall", &m, sp);
                self.nest(|p| {
                    p.expr(receiver);
                    p.exprs(args);
                });
            }
            ExprKind::Field(x, name) => {
                self.line("Field", &name.name, sp);
                self.nest(|p| p.expr(x));
            }
            ExprKind::TupleField(x, i, _) => {
                self.line("TupleField", &i.to_string(), sp);
                self.nest(|p| p.expr(x));
            }
            ExprKind::Index(x, i) => {
                self.line("Index", "", sp);
                self.nest(|p| {
                    p.expr(x);
                    p.expr(i);
                });
            }
            ExprKind::Range { lo, hi, inclusive } => {
                self.line("Range", if *inclusive { "..=" } else { ".." }, sp);
                self.nest(|p| {
                    lo.iter().for_each(|e| p.labelled("lo", |p| p.expr(e)));
                    hi.iter().for_each(|e| p.labelled("hi", |p| p.expr(e)));
                });
            }
            ExprKind::Block(b, label) => {
                let l = label.as_ref().map_or(String::new(), |l| l.name.clone());
                self.line("Block", &l, sp);
                self.nest(|p| p.block_body(b));
            }
            ExprKind::Unsafe(b) => {
                self.line("Unsafe", "", sp);
                self.nest(|p| p.block_body(b));
            }
            ExprKind::Async { is_move, block } => {
                self.line("Async", if *is_move { "move" } else { "" }, sp);
                self.nest(|p| p.block_body(block));
            }
            ExprKind::AsyncTry(b) => {
                self.line("AsyncTry", "", sp);
                self.nest(|p| p.block_body(b));
            }
            ExprKind::If { cond, then, else_ } => {
                self.line("If", "", sp);
                self.nest(|p| {
                    p.labelled("cond", |p| p.expr(cond));
                    p.block("Then", then);
                    else_.iter().for_each(|e| p.labelled("else", |p| p.expr(e)));
                });
            }
            ExprKind::Let(pat, x) => {
                self.line("Let", "", sp);
                self.nest(|p| {
                    p.pat(pat);
                    p.expr(x);
                });
            }
            ExprKind::While { cond, body, label } => {
                self.line("While", &label.as_ref().map_or(String::new(), |l| l.name.clone()), sp);
                self.nest(|p| {
                    p.labelled("cond", |p| p.expr(cond));
                    p.block("Body", body);
                });
            }
            ExprKind::Loop { body, label } => {
                self.line("Loop", &label.as_ref().map_or(String::new(), |l| l.name.clone()), sp);
                self.nest(|p| p.block_body(body));
            }
            ExprKind::For { pat, iter, body, label } => {
                self.line("For", &label.as_ref().map_or(String::new(), |l| l.name.clone()), sp);
                self.nest(|p| {
                    p.pat(pat);
                    p.labelled("in", |p| p.expr(iter));
                    p.block("Body", body);
                });
            }
            ExprKind::Match { scrutinee, arms } => {
                self.line("Match", "", sp);
                self.nest(|p| {
                    p.expr(scrutinee);
                    for a in arms {
                        p.line("Arm", "", a.span);
                        p.nest(|p| {
                            p.pat(&a.pat);
                            a.guard.iter().for_each(|g| p.labelled("if", |p| p.expr(g)));
                            p.expr(&a.body);
                        });
                    }
                });
            }
            ExprKind::Break { label, value } => {
                self.line("Break", &label.as_ref().map_or(String::new(), |l| l.name.clone()), sp);
                self.nest(|p| value.iter().for_each(|v| p.expr(v)));
            }
            ExprKind::Continue { label } => {
                self.line("Continue", &label.as_ref().map_or(String::new(), |l| l.name.clone()), sp)
            }
            ExprKind::Return(v) => {
                self.line("Return", "", sp);
                self.nest(|p| v.iter().for_each(|v| p.expr(v)));
            }
            ExprKind::Try(x) => {
                self.line("Try", "?", sp);
                self.nest(|p| p.expr(x));
            }
            ExprKind::Await(x) => {
                self.line("Await", "", sp);
                self.nest(|p| p.expr(x));
            }
            ExprKind::Closure(c) => {
                let mut d = String::new();
                if c.is_async {
                    d.push_str("async ");
                }
                if c.is_move {
                    d.push_str("move ");
                }
                if let Some(r) = &c.ret {
                    let _ = write!(d, "-> {}", ty_str(r));
                }
                self.line("Closure", d.trim_end(), sp);
                self.nest(|p| {
                    for prm in &c.params {
                        p.line("ClosureParam", &prm.ty.as_ref().map_or(String::new(), ty_str), prm.span);
                        p.nest(|p| p.pat(&prm.pat));
                    }
                    p.expr(&c.body);
                });
            }
            ExprKind::Struct { path, fields, base } => {
                self.line("StructLit", &path_str(path), sp);
                self.nest(|p| {
                    for f in fields {
                        p.line(
                            "FieldInit",
                            &format!("{}{}", f.name.name, if f.shorthand { " (shorthand)" } else { "" }),
                            f.span,
                        );
                        if !f.shorthand {
                            p.nest(|p| p.expr(&f.expr));
                        }
                    }
                    base.iter().for_each(|b| p.labelled("base", |p| p.expr(b)));
                });
            }
            ExprKind::Tuple(es) => {
                self.line("Tuple", "", sp);
                self.nest(|p| p.exprs(es));
            }
            ExprKind::Array(es) => {
                self.line("Array", "", sp);
                self.nest(|p| p.exprs(es));
            }
            ExprKind::Repeat(x, n) => {
                self.line("Repeat", "", sp);
                self.nest(|p| {
                    p.expr(x);
                    p.expr(n);
                });
            }
            ExprKind::Ref { mutable, expr } => {
                self.line("Ref", if *mutable { "mut" } else { "" }, sp);
                self.nest(|p| p.expr(expr));
            }
            ExprKind::Paren(x) => {
                self.line("Paren", "", sp);
                self.nest(|p| p.expr(x));
            }
            ExprKind::Macro(m) => self.mac(m, sp),
        }
    }

    fn block_body(&mut self, b: &Block) {
        for s in &b.stmts {
            self.stmt(s);
        }
        if let Some(e) = &b.expr {
            self.labelled("value", |p| p.expr(e));
        }
    }

    fn format_args(&mut self, f: &FormatArgs) {
        self.line("Template", &format!("{:?}", f.template.value), f.template.span);
        self.nest(|p| {
            for piece in &f.pieces {
                match piece {
                    FormatPiece::Literal(s) => p.line("Text", &format!("{s:?}"), f.template.span),
                    FormatPiece::Placeholder(ph) => p.line("Placeholder", &placeholder_str(ph), ph.span),
                }
            }
        });
        for a in &f.args {
            match &a.name {
                Some(n) => {
                    let name = n.name.clone();
                    self.labelled(&name, |p| p.expr(&a.expr));
                }
                None => self.expr(&a.expr),
            }
        }
    }

    fn mac(&mut self, m: &MacroCall, sp: Span) {
        match &m.kind {
            MacroKind::Format { kind, dest, args } => {
                self.line("Macro", &format!("{}!", kind.name()), sp);
                self.nest(|p| {
                    dest.iter().for_each(|d| p.labelled("dest", |p| p.expr(d)));
                    args.iter().for_each(|a| p.format_args(a));
                });
            }
            MacroKind::Assert { cond, msg } => {
                self.line("Macro", "assert!", sp);
                self.nest(|p| {
                    p.expr(cond);
                    msg.iter().for_each(|a| p.format_args(a));
                });
            }
            MacroKind::AssertCmp { eq, left, right, msg } => {
                self.line("Macro", if *eq { "assert_eq!" } else { "assert_ne!" }, sp);
                self.nest(|p| {
                    p.expr(left);
                    p.expr(right);
                    msg.iter().for_each(|a| p.format_args(a));
                });
            }
            MacroKind::VecList(es) => {
                self.line("Macro", "vec![..]", sp);
                self.nest(|p| p.exprs(es));
            }
            MacroKind::VecRepeat(x, n) => {
                self.line("Macro", "vec![x; n]", sp);
                self.nest(|p| {
                    p.expr(x);
                    p.expr(n);
                });
            }
            MacroKind::Join(es) => {
                self.line("Macro", "join!", sp);
                self.nest(|p| p.exprs(es));
            }
            MacroKind::Pin(e) => {
                self.line("Macro", "pin!", sp);
                self.nest(|p| p.expr(e));
            }
            MacroKind::Select(arms) => {
                self.line("Macro", "select!", sp);
                self.nest(|p| {
                    for a in arms {
                        p.line("SelectArm", if a.pat.is_none() { "else" } else { "" }, a.span);
                        p.nest(|p| {
                            a.pat.iter().for_each(|x| p.pat(x));
                            a.fut.iter().for_each(|f| p.labelled("future", |p| p.expr(f)));
                            a.guard.iter().for_each(|g| p.labelled("if", |p| p.expr(g)));
                            p.expr(&a.body);
                        });
                    }
                });
            }
            MacroKind::Defer(b) => {
                self.line("Macro", "defer!", sp);
                self.nest(|p| p.block_body(b));
            }
            MacroKind::Matches { expr, pat, guard } => {
                self.line("Macro", "matches!", sp);
                self.nest(|p| {
                    p.expr(expr);
                    p.pat(pat);
                    guard.iter().for_each(|g| p.labelled("if", |p| p.expr(g)));
                });
            }
        }
    }
}

fn sig_str(s: &FnSig) -> String {
    let mut d = String::new();
    if s.is_const {
        d.push_str("const ");
    }
    if s.is_async {
        d.push_str("async ");
    }
    if s.is_unsafe {
        d.push_str("unsafe ");
    }
    if let Some(a) = &s.abi {
        let _ = write!(d, "extern {:?} ", a.value);
    }
    d.push_str(&s.name.name);
    if s.variadic {
        d.push_str(" (variadic)");
    }
    if let Some(r) = &s.ret {
        let _ = write!(d, " -> {}", ty_str(r));
    }
    d
}

fn placeholder_str(ph: &Placeholder) -> String {
    let arg = match &ph.arg {
        FormatArgRef::Next(i) => format!("#{i}"),
        FormatArgRef::Index(i) => i.to_string(),
        FormatArgRef::Name(n) => n.clone(),
    };
    let s = &ph.spec;
    let mut d = format!("{arg} {:?}", s.ty);
    if let Some(f) = s.fill {
        let _ = write!(d, " fill={f:?}");
    }
    if let Some(a) = s.align {
        let _ = write!(d, " align={a:?}");
    }
    for (flag, name) in [(s.sign_plus, "+"), (s.sign_minus, "-"), (s.alternate, "#"), (s.zero_pad, "0")] {
        if flag {
            let _ = write!(d, " {name}");
        }
    }
    if let Some(w) = &s.width {
        let _ = write!(d, " width={w:?}");
    }
    if let Some(p) = &s.precision {
        let _ = write!(d, " precision={p:?}");
    }
    d
}
