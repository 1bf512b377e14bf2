//! Hardcoded bucket names: string literals whose value is a configured bucket become
//! the storage module's constant; the storage module defines that constant once.
//!
//! Matching is on a literal's VALUE, so every quote style, prefix and implicit
//! concatenation counts. A name inside a longer bucket name is a different bucket.

use std::cell::OnceCell;
use std::collections::BTreeSet;

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    Expr, ExprCall, ExprFString, ExprStringLiteral, FStringPart, InterpolatedStringElement, Parameters, Pattern, Stmt,
    StringLiteral,
};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::fix::imports::{insert_lines, insertion_offset};
use crate::rules::storage_access::{access, Access};
use crate::rule::RuleId;
use crate::rules::RuleContext;
use crate::scope::bound_names;
use crate::python_syntax::string_literal;








/// Characters that continue a bucket-like name; a match bordered by one is another bucket.
fn is_name_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'
}

/// Byte ranges of whole-word occurrences of any bucket in `haystack`.
pub fn bucket_occurrences(haystack: &str, buckets: &[String]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for bucket in buckets {
        // memmem: building a `str` searcher per literal costs more than the search itself.
        for start in memchr::memmem::find_iter(haystack.as_bytes(), bucket.as_bytes()) {
            let end = start + bucket.len();
            let before_ok = haystack[..start].chars().next_back().is_none_or(|ch| !is_name_char(ch));
            let after_ok = haystack[end..].chars().next().is_none_or(|ch| !is_name_char(ch));
            if before_ok && after_ok {
                found.push((start, end));
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// An enclosing function, lambda or class body whose bound names are collected only
/// when a rewrite inside it needs them (most scopes hold no bucket name at all).
struct LazyScope<'a> {
    parameters: Option<&'a Parameters>,
    body: &'a [Stmt],
    names: OnceCell<BTreeSet<String>>,
}

impl<'a> LazyScope<'a> {
    fn new(parameters: Option<&'a Parameters>, body: &'a [Stmt]) -> LazyScope<'a> {
        LazyScope { parameters, body, names: OnceCell::new() }
    }

    fn names(&self) -> &BTreeSet<String> {
        self.names.get_or_init(|| bound_names(self.parameters, self.body))
    }
}

/// Why an expression cannot replace a literal at the current spot.
#[derive(Clone, Copy)]
enum Blocked {
    LiteralType,
    MatchPattern,
    FormatSpec,
}

impl Blocked {
    fn describe(self) -> &'static str {
        match self {
            Blocked::LiteralType => "in a typing.Literal[...] argument, where only literals may stand",
            Blocked::MatchPattern => "in a match pattern, where a bare name would capture instead of compare",
            Blocked::FormatSpec => "in an f-string format spec",
        }
    }
}

pub fn check(ctx: &RuleContext) -> Vec<Finding> {
    let mut checker = Checker {
        ctx,
        findings: Vec::new(),
        scopes: Vec::new(),
        blocked: Vec::new(),
        docstrings: BTreeSet::new(),
        accepted_fallback: None,
        constant_access: access(ctx, &ctx.config.storage.constant),
    };
    if ctx.is_storage_module {
        checker.check_constant_definition();
    }
    checker.note_docstring(&ctx.module.body);
    checker.visit_body(&ctx.module.body);
    checker.check_comments();
    checker.findings
}

struct Checker<'a, 'b> {
    ctx: &'b RuleContext<'a>,
    findings: Vec<Finding>,
    /// Names bound in each enclosing function, lambda or class scope.
    scopes: Vec<LazyScope<'a>>,
    blocked: Vec<Blocked>,
    /// Start offsets of docstring literals.
    docstrings: BTreeSet<TextSize>,
    /// The one literal `check` accepts: the fallback in the constant's definition.
    accepted_fallback: Option<TextRange>,
    constant_access: Result<Access, String>,
}

impl<'a> Checker<'a, '_> {
    fn push(&mut self, rule: RuleId, range: TextRange, message: String, fix: Option<Fix>) {
        self.findings.push(Finding { rule, severity: rule.default_severity(), range, message, fix });
    }

    fn needs_review(&mut self, range: TextRange, message: String) {
        self.push(RuleId::BucketNeedsReview, range, message, None);
    }

    fn note_docstring(&mut self, body: &[Stmt]) {
        if let Some(Stmt::Expr(expr)) = body.first() {
            if let Expr::StringLiteral(literal) = expr.value.as_ref() {
                self.docstrings.insert(literal.range.start());
            }
        }
    }

    fn constant(&self) -> &str {
        &self.ctx.config.storage.constant
    }

    /// The constant's reference at `range`, or the reason it cannot be used there.
    fn reference_at(&self, range: TextRange) -> Result<Access, String> {
        let access = self.constant_access.clone()?;
        if self.scopes.iter().any(|scope| scope.names().contains(&access.first_name)) {
            return Err(format!(
                "`{}` is rebound in this scope, so `{}` would mean something else here; rename the local name, then rerun",
                access.first_name, access.text
            ));
        }
        let at_module_level = self.scopes.is_empty();
        if at_module_level && access.binding_start.is_some_and(|start| start > range.start()) {
            return Err(format!(
                "module-level code above the import that binds `{}`; move the import up, then rerun",
                access.first_name
            ));
        }
        Ok(access)
    }

    fn fix_with(&self, title: &str, access: &Access, edits: Vec<Edit>) -> Fix {
        let mut all = edits;
        all.extend(access.import.clone());
        Fix::safe(title, all)
    }

    // ----- the storage module's constant -----

    fn check_constant_definition(&mut self) {
        let storage = &self.ctx.config.storage;
        let mut defined = false;
        for stmt in &self.ctx.module.body {
            let Some((target, value, whole)) = simple_assignment(stmt) else { continue };
            if target == storage.constant {
                defined = true;
                if let Some(fallback) = self.env_lookup_default(value) {
                    self.accepted_fallback = Some(fallback);
                } else if self.is_bucket_value(value) {
                    let edits = self.with_import_os(vec![Edit::replace(value.range(), self.definition_value())]);
                    self.push(
                        RuleId::BucketConstant,
                        value.range(),
                        format!("`{target}` is hardcoded; read it from the environment"),
                        Some(Fix::safe("read the bucket constant from the environment", edits)),
                    );
                }
            } else if storage.legacy_constants.iter().any(|legacy| legacy == target)
                && (self.is_bucket_value(value) || self.env_lookup_default(value).is_some())
            {
                let replacement = if defined {
                    format!("{target} = {}", storage.constant)
                } else {
                    defined = true;
                    format!(
                        "{} = {}\n{target} = {}",
                        storage.constant,
                        self.definition_value(),
                        storage.constant
                    )
                    .replace('\n', self.ctx.file.encoding.newline)
                };
                let edits = self.with_import_os(vec![Edit::replace(whole, replacement)]);
                self.push(
                    RuleId::BucketConstant,
                    whole,
                    format!("legacy `{target}`: define `{}` from the environment and keep `{target}` as its alias", storage.constant),
                    Some(Fix::safe(format!("rename {target} to {}", storage.constant), edits)),
                );
            }
        }
        if !defined {
            let text = &self.ctx.file.text;
            let at = insertion_offset(self.ctx.module, text);
            let definition = format!("{} = {}", storage.constant, self.definition_value());
            let statement = if self.imports_os() { definition } else { format!("import os\n{definition}") };
            let edit = insert_lines(text, at, &statement, self.ctx.file.encoding.newline);
            self.push(
                RuleId::BucketConstant,
                TextRange::empty(TextSize::default()),
                format!("the storage module does not define `{}`", storage.constant),
                Some(Fix::safe(format!("define {}", storage.constant), vec![edit])),
            );
        }
    }

    fn definition_value(&self) -> String {
        let storage = &self.ctx.config.storage;
        format!("os.getenv({}, {})", string_literal(&storage.env_var, '"'), string_literal(&storage.default_bucket, '"'))
    }

    fn imports_os(&self) -> bool {
        self.ctx.module.body.iter().any(|stmt| match stmt {
            Stmt::Import(import) => import.names.iter().any(|alias| alias.name.as_str() == "os" && alias.asname.is_none()),
            _ => false,
        })
    }

    fn with_import_os(&self, mut edits: Vec<Edit>) -> Vec<Edit> {
        if !self.imports_os() {
            let text = &self.ctx.file.text;
            let at = insertion_offset(self.ctx.module, text);
            edits.push(insert_lines(text, at, "import os", self.ctx.file.encoding.newline));
        }
        edits
    }

    fn is_bucket_value(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::StringLiteral(literal) if self.ctx.config.is_bucket(literal.value.to_str()))
    }

    /// For `os.getenv(VAR, "<bucket>")` with VAR the configured or a legacy name: the default's range.
    fn env_lookup_default(&self, expr: &Expr) -> Option<TextRange> {
        let Expr::Call(call) = expr else { return None };
        self.env_lookup_default_of(call)
    }

    fn env_lookup_default_of(&self, call: &ExprCall) -> Option<TextRange> {
        if !is_env_lookup(&call.func) || call.arguments.args.len() != 2 || !call.arguments.keywords.is_empty() {
            return None;
        }
        let storage = &self.ctx.config.storage;
        let Expr::StringLiteral(name) = &call.arguments.args[0] else { return None };
        let name = name.value.to_str();
        let known = name == storage.env_var || storage.legacy_constants.iter().any(|legacy| legacy == name);
        let default = &call.arguments.args[1];
        (known && self.is_bucket_value(default)).then(|| default.range())
    }

    // ----- literals -----

    fn string_literal(&mut self, expr: &ExprStringLiteral) {
        let value = expr.value.to_str();
        let buckets = &self.ctx.config.buckets;
        let occurrences = bucket_occurrences(value, buckets);
        if occurrences.is_empty() || self.accepted_fallback == Some(expr.range) {
            return;
        }
        if self.docstrings.contains(&expr.range.start()) {
            self.push(
                RuleId::BucketInText,
                expr.range,
                "docstring names the bucket; reword it by hand".to_owned(),
                None,
            );
            return;
        }
        if let Some(blocked) = self.blocked.last().copied() {
            self.needs_review(
                expr.range,
                format!("bucket name {}; rewrite by hand or suppress", blocked.describe()),
            );
            return;
        }
        let whole = self.ctx.config.is_bucket(value);
        let reference = match self.reference_at(expr.range) {
            Ok(reference) => reference,
            Err(reason) => return self.needs_review(expr.range, format!("bucket name not rewritten: {reason}")),
        };
        if whole {
            let edits = vec![Edit::replace(expr.range, reference.text.clone())];
            self.push(
                RuleId::HardcodedBucket,
                expr.range,
                format!("hardcoded bucket \"{value}\"; use `{}`", reference.text),
                Some(self.fix_with("use the bucket constant", &reference, edits)),
            );
            return;
        }
        let mut edits = Vec::new();
        for part in expr.value.iter() {
            if bucket_occurrences(part.value.as_ref(), buckets).is_empty() {
                continue;
            }
            match self.literal_as_fstring(part, &reference.text) {
                Some(replacement) => edits.push(Edit::replace(part.range, replacement)),
                None => {
                    return self.needs_review(
                        part.range,
                        "bucket name in a string spelled with escapes (or \\N{...}); rewrite by hand".to_owned(),
                    )
                }
            }
        }
        if edits.is_empty() {
            return self.needs_review(
                expr.range,
                "bucket name split across implicitly concatenated strings; rewrite by hand".to_owned(),
            );
        }
        self.push(
            RuleId::BucketInString,
            expr.range,
            format!("bucket name inside a string; use `{}` in an f-string", reference.text),
            Some(self.fix_with("interpolate the bucket constant", &reference, edits)),
        );
    }

    /// The literal `part` rewritten as an f-string with `{reference}` for each bucket name,
    /// or `None` when its source spells the name with escapes or uses `\N{...}`.
    fn literal_as_fstring(&self, part: &StringLiteral, reference: &str) -> Option<String> {
        let source = &self.ctx.file.text[part.range];
        let quote_at = source.find(['"', '\''])?;
        let (prefix, rest) = source.split_at(quote_at);
        let quote_len = if rest.starts_with("\"\"\"") || rest.starts_with("'''") { 3 } else { 1 };
        let (open, body_and_close) = rest.split_at(quote_len);
        let body = &body_and_close[..body_and_close.len() - quote_len];
        let raw = prefix.contains(['r', 'R']);
        if !raw && body.contains("\\N{") {
            return None;
        }
        let buckets = &self.ctx.config.buckets;
        let in_source = bucket_occurrences(body, buckets);
        if in_source.len() != bucket_occurrences(part.value.as_ref(), buckets).len() {
            return None;
        }
        let new_prefix: String = prefix.chars().filter(|ch| !matches!(ch, 'u' | 'U')).chain(['f']).collect();
        let mut out = format!("{new_prefix}{open}");
        let mut copied = 0;
        for (start, end) in in_source {
            out.push_str(&double_braces(&body[copied..start]));
            out.push('{');
            out.push_str(reference);
            out.push('}');
            copied = end;
        }
        out.push_str(&double_braces(&body[copied..]));
        out.push_str(open);
        Some(out)
    }

    fn fstring(&mut self, expr: &ExprFString) {
        let buckets = self.ctx.config.buckets.clone();
        let mut occurrences: Vec<TextRange> = Vec::new();
        let mut plain_parts: Vec<&StringLiteral> = Vec::new();
        for part in expr.value.iter() {
            match part {
                FStringPart::Literal(literal) => {
                    if !bucket_occurrences(literal.value.as_ref(), &buckets).is_empty() {
                        plain_parts.push(literal);
                    }
                }
                FStringPart::FString(fstring) => {
                    for element in fstring.elements.iter() {
                        let InterpolatedStringElement::Literal(literal) = element else { continue };
                        let source = &self.ctx.file.text[literal.range];
                        let found = bucket_occurrences(source, &buckets);
                        if found.len() != bucket_occurrences(&literal.value, &buckets).len() {
                            return self.needs_review(
                                literal.range,
                                "bucket name in an f-string spelled with escapes; rewrite by hand".to_owned(),
                            );
                        }
                        occurrences.extend(found.into_iter().map(|(start, end)| {
                            TextRange::new(
                                literal.range.start() + TextSize::try_from(start).unwrap_or_default(),
                                literal.range.start() + TextSize::try_from(end).unwrap_or_default(),
                            )
                        }));
                    }
                }
            }
        }
        if occurrences.is_empty() && plain_parts.is_empty() {
            return;
        }
        if let Some(blocked) = self.blocked.last().copied() {
            return self.needs_review(expr.range, format!("bucket name {}; rewrite by hand", blocked.describe()));
        }
        let reference = match self.reference_at(expr.range) {
            Ok(reference) => reference,
            Err(reason) => return self.needs_review(expr.range, format!("bucket name not rewritten: {reason}")),
        };
        let mut edits: Vec<Edit> = occurrences
            .into_iter()
            .map(|range| Edit::replace(range, format!("{{{}}}", reference.text)))
            .collect();
        for part in plain_parts {
            match self.literal_as_fstring(part, &reference.text) {
                Some(replacement) => edits.push(Edit::replace(part.range, replacement)),
                None => {
                    return self.needs_review(part.range, "bucket name in a string spelled with escapes; rewrite by hand".to_owned())
                }
            }
        }
        self.push(
            RuleId::BucketInString,
            expr.range,
            format!("bucket name inside an f-string; use `{{{}}}`", reference.text),
            Some(self.fix_with("interpolate the bucket constant", &reference, edits)),
        );
    }

    // ----- calls -----

    /// Rule 3 (env lookups) and rule 6 (unlisted bucket arguments). Returns true when the
    /// call was replaced as a whole, so its arguments are not visited.
    fn call(&mut self, call: &ExprCall) -> bool {
        if !self.ctx.is_storage_module && self.env_lookup_default_of(call).is_some() {
            match self.reference_at(call.range()) {
                Ok(reference) => {
                    let edits = vec![Edit::replace(call.range(), reference.text.clone())];
                    self.push(
                        RuleId::BucketEnvLookup,
                        call.range(),
                        format!("environment lookup of the bucket; use `{}`", reference.text),
                        Some(self.fix_with("use the bucket constant", &reference, edits)),
                    );
                }
                Err(reason) => self.needs_review(call.range(), format!("bucket lookup not rewritten: {reason}")),
            }
            return true;
        }
        for keyword in &call.arguments.keywords {
            let Some(arg) = &keyword.arg else { continue };
            if self.ctx.config.bucket_keywords.iter().any(|name| name == arg.as_str()) {
                self.unlisted(&keyword.value, &format!("`{arg}=`"));
            }
        }
        if let (Some(function), Some(first)) = (self.storage_function(&call.func), call.arguments.args.first()) {
            self.unlisted(first, &format!("the bucket argument of `{function}`"));
        }
        false
    }

    fn unlisted(&mut self, value: &Expr, place: &str) {
        let Expr::StringLiteral(literal) = value else { return };
        let text = literal.value.to_str();
        if self.ctx.config.is_bucket(text) || !bucket_occurrences(text, &self.ctx.config.buckets).is_empty() {
            return;
        }
        self.push(
            RuleId::UnlistedBucket,
            literal.range,
            format!("unlisted bucket literal \"{text}\" as {place}; add it to buckets.names if it moves to Supabase too"),
            None,
        );
    }

    /// The storage function a call's callee names, if it takes a bucket first.
    fn storage_function(&self, func: &Expr) -> Option<String> {
        let functions = &self.ctx.index.storage.as_ref()?.bucket_functions;
        let name = match func {
            Expr::Attribute(attribute) => {
                let module = self.ctx.bindings.module.as_ref()?;
                (expr_text(self.ctx, &attribute.value) == module.reference).then(|| attribute.attr.to_string())?
            }
            Expr::Name(name) if self.ctx.is_storage_module => name.id.to_string(),
            Expr::Name(name) => self.ctx.bindings.functions.get(name.id.as_str())?.clone(),
            _ => return None,
        };
        functions.contains(&name).then_some(name)
    }

    // ----- legacy constant references -----

    fn legacy_reference(&mut self, expr: &Expr) {
        let legacy = &self.ctx.config.storage.legacy_constants;
        let constant = self.constant().to_owned();
        let range = match expr {
            Expr::Name(name)
                if self.ctx.is_storage_module
                    && name.ctx.is_load()
                    && legacy.iter().any(|legacy| legacy == name.id.as_str()) =>
            {
                name.range
            }
            Expr::Attribute(attribute) if !self.ctx.is_storage_module && legacy.iter().any(|legacy| legacy == attribute.attr.as_str()) => {
                let Some(module) = &self.ctx.bindings.module else { return };
                if expr_text(self.ctx, &attribute.value) != module.reference {
                    return;
                }
                attribute.attr.range
            }
            _ => return,
        };
        let old = &self.ctx.file.text[range];
        // The alias line `S3_BUCKET_NAME = SUPABASE_BUCKET_NAME` reads the new name, never the old.
        self.push(
            RuleId::BucketConstant,
            range,
            format!("legacy constant `{old}`; use `{constant}`"),
            Some(Fix::safe(format!("use {constant}"), vec![Edit::replace(range, constant.clone())])),
        );
    }

    // ----- comments -----

    fn check_comments(&mut self) {
        let text = &self.ctx.file.text;
        for token in self.ctx.tokens.iter().filter(|token| token.kind() == TokenKind::Comment) {
            if !bucket_occurrences(&text[token.range()], &self.ctx.config.buckets).is_empty() {
                self.push(RuleId::BucketInText, token.range(), "comment names the bucket; reword it by hand".to_owned(), None);
            }
        }
    }
}

impl<'a> Visitor<'a> for Checker<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                self.visit_parameters(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_annotation(returns);
                }
                self.note_docstring(&def.body);
                self.scopes.push(LazyScope::new(Some(&def.parameters), &def.body));
                self.visit_body(&def.body);
                self.scopes.pop();
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.note_docstring(&class.body);
                self.scopes.push(LazyScope::new(None, &class.body));
                self.visit_body(&class.body);
                self.scopes.pop();
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::StringLiteral(literal) => self.string_literal(literal),
            Expr::FString(fstring) => {
                self.fstring(fstring);
                visitor::walk_expr(self, expr);
            }
            Expr::BytesLiteral(bytes) => {
                let value: Vec<u8> = bytes.value.bytes().collect();
                let text = String::from_utf8_lossy(&value);
                if !bucket_occurrences(&text, &self.ctx.config.buckets).is_empty() {
                    self.needs_review(bytes.range, "bucket name in a bytes literal; rewrite by hand (e.g. encode the constant)".to_owned());
                }
            }
            Expr::TString(tstring) => {
                let source = &self.ctx.file.text[tstring.range];
                if !bucket_occurrences(source, &self.ctx.config.buckets).is_empty() {
                    self.needs_review(tstring.range, "bucket name in a t-string; rewrite by hand".to_owned());
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                if !self.call(call) {
                    visitor::walk_expr(self, expr);
                }
            }
            Expr::Subscript(subscript) if is_literal_type(&subscript.value) => {
                self.visit_expr(&subscript.value);
                self.blocked.push(Blocked::LiteralType);
                self.visit_expr(&subscript.slice);
                self.blocked.pop();
            }
            Expr::Lambda(lambda) => {
                self.scopes.push(LazyScope::new(lambda.parameters.as_deref(), &[]));
                visitor::walk_expr(self, expr);
                self.scopes.pop();
            }
            Expr::Name(_) | Expr::Attribute(_) => {
                self.legacy_reference(expr);
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        self.blocked.push(Blocked::MatchPattern);
        visitor::walk_pattern(self, pattern);
        self.blocked.pop();
    }

    fn visit_interpolated_string_element(&mut self, element: &'a InterpolatedStringElement) {
        match element {
            InterpolatedStringElement::Interpolation(interpolation) => {
                self.visit_expr(&interpolation.expression);
                if let Some(spec) = &interpolation.format_spec {
                    self.blocked.push(Blocked::FormatSpec);
                    for inner in spec.elements.iter() {
                        if let InterpolatedStringElement::Literal(literal) = inner {
                            if !bucket_occurrences(&literal.value, &self.ctx.config.buckets).is_empty() {
                                self.needs_review(literal.range, format!("bucket name {}; rewrite by hand", Blocked::FormatSpec.describe()));
                            }
                        }
                        self.visit_interpolated_string_element(inner);
                    }
                    self.blocked.pop();
                }
            }
            InterpolatedStringElement::Literal(_) => {}
        }
    }
}

/// `NAME = value` or `NAME: T = value` at module level: (NAME, value, statement range).
fn simple_assignment(stmt: &Stmt) -> Option<(&str, &Expr, TextRange)> {
    match stmt {
        Stmt::Assign(assign) => match assign.targets.as_slice() {
            [Expr::Name(name)] => Some((name.id.as_str(), &assign.value, assign.range)),
            _ => None,
        },
        Stmt::AnnAssign(assign) => match (assign.target.as_ref(), assign.value.as_deref()) {
            (Expr::Name(name), Some(value)) => Some((name.id.as_str(), value, assign.range)),
            _ => None,
        },
        _ => None,
    }
}

/// `os.getenv`, `getenv`, `os.environ.get`, `environ.get`.
fn is_env_lookup(func: &Expr) -> bool {
    match func {
        Expr::Name(name) => name.id.as_str() == "getenv",
        Expr::Attribute(attribute) => match (attribute.attr.as_str(), attribute.value.as_ref()) {
            ("getenv", Expr::Name(module)) => module.id.as_str() == "os",
            ("get", Expr::Name(environ)) => environ.id.as_str() == "environ",
            ("get", Expr::Attribute(environ)) => {
                environ.attr.as_str() == "environ" && matches!(environ.value.as_ref(), Expr::Name(os) if os.id.as_str() == "os")
            }
            _ => false,
        },
        _ => false,
    }
}

/// `Literal`, `typing.Literal`, `t.Literal`, `typing_extensions.Literal`.
fn is_literal_type(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => name.id.as_str() == "Literal",
        Expr::Attribute(attribute) => attribute.attr.as_str() == "Literal",
        _ => false,
    }
}

fn expr_text<'t>(ctx: &'t RuleContext, expr: &Expr) -> &'t str {
    &ctx.file.text[expr.range()]
}

fn double_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buckets() -> Vec<String> {
        vec!["anantra-lms-store".to_owned()]
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(bucket_occurrences("s3://anantra-lms-store/x", &buckets()), [(5, 22)]);
        assert_eq!(bucket_occurrences("anantra-lms-store.s3.amazonaws.com", &buckets()), [(0, 17)]);
        assert!(bucket_occurrences("anantra-lms-store-backup", &buckets()).is_empty());
        assert!(bucket_occurrences("my-anantra-lms-store", &buckets()).is_empty());
        assert!(bucket_occurrences("anantra-lms-storefront", &buckets()).is_empty());
        assert_eq!(bucket_occurrences("anantra-lms-store anantra-lms-store", &buckets()), [(0, 17), (18, 35)]);
    }
}
