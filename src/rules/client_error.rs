//! botocore's exceptions become Supabase's: `ClientError` → the configured exception
//! (`StorageApiError`), the other botocore exceptions → `[errors.exceptions]`,
//! `except client.exceptions.NoSuchKey` → a status check, and S3 error-code checks
//! (`e.response["Error"]["Code"] == "NoSuchKey"`) → `str(e.status) == "404"`.
//!
//! Only names bound by a botocore import count: a project's own `ClientError` is left alone.
//! All fixable edits of one file form ONE fix (every fixable finding carries it): an
//! import that loses `ClientError` and the uses that stop referencing it must apply
//! together, or the file would reference a removed name.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    CmpOp, ExceptHandler, ExceptHandlerExceptHandler, Expr, ExprCompare, Number, Parameter, Pattern, Stmt, StmtTry,
};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::fix::imports::{insert_lines, insertion_offset, line_end_after, line_start};
use crate::rule::RuleId;
use crate::rules::RuleContext;
use crate::python_syntax::string_literal;



/// The S3 exceptions botocore models on a client (`client.exceptions.NoSuchKey`).
const MODELED: [&str; 8] = [
    "NoSuchKey",
    "NoSuchBucket",
    "NoSuchUpload",
    "BucketAlreadyExists",
    "BucketAlreadyOwnedByYou",
    "InvalidObjectState",
    "ObjectAlreadyInActiveTierError",
    "ObjectNotInActiveTierError",
];

// ----------------------------------------------------------------------------
// Facts about the file
// ----------------------------------------------------------------------------

/// What a name bound by a botocore import stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Bound {
    /// `from botocore.exceptions import X [as local]`.
    Exception(String),
    /// A module: `local.<path>.X` is `botocore.exceptions.X`.
    Module(Vec<String>),
}

#[derive(Clone, Debug)]
struct BotoAlias {
    local: String,
    bound: Bound,
    range: TextRange,
}

/// An import statement that binds at least one botocore exception name.
#[derive(Clone, Debug)]
struct BotoStmt {
    range: TextRange,
    /// `from <module> import` for ImportFrom (with leading dots), None for `import`.
    from_module: Option<String>,
    /// Every alias of the statement: its range and, for botocore bindings, its index in `aliases`.
    all_aliases: Vec<(TextRange, Option<usize>)>,
    aliases: Vec<BotoAlias>,
    module_level: bool,
    sole_in_body: bool,
}

#[derive(Default)]
struct Collector<'a> {
    exc_module: String,
    exc_name: String,
    bindings: BTreeMap<String, Vec<TextRange>>,
    names: Vec<(String, TextRange, bool)>,
    boto: Vec<BotoStmt>,
    stars: Vec<TextRange>,
    /// `from <exception module> import <exception name> [as local]`: (local, alias range, module level).
    config_aliases: Vec<(String, TextRange, bool)>,
    /// `import a.b` (no `as`): (module, alias range, module level).
    plain_imports: Vec<(String, TextRange, bool)>,
    tries: Vec<&'a StmtTry>,
    functions: Vec<TextRange>,
    /// AWS services other than S3 this file makes boto3 clients for (`boto3.client("sqs")`).
    other_services: BTreeSet<String>,
    module_level: BTreeSet<TextSize>,
    sole: BTreeSet<TextSize>,
}

impl Collector<'_> {
    fn bind(&mut self, name: &str, range: TextRange) {
        self.bindings.entry(name.to_owned()).or_default().push(range);
    }
}

impl<'a> Visitor<'a> for Collector<'a> {
    fn visit_body(&mut self, body: &'a [Stmt]) {
        if let [only] = body {
            self.sole.insert(only.start());
        }
        visitor::walk_body(self, body);
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let module_level = self.module_level.contains(&stmt.start());
        match stmt {
            Stmt::FunctionDef(def) => {
                self.bind(def.name.as_str(), def.name.range);
                self.functions.push(def.range);
            }
            Stmt::ClassDef(class) => self.bind(class.name.as_str(), class.name.range),
            Stmt::Try(try_stmt) => self.tries.push(try_stmt),
            Stmt::Import(import) => {
                let mut boto = BotoStmt {
                    range: import.range,
                    from_module: None,
                    all_aliases: Vec::new(),
                    aliases: Vec::new(),
                    module_level,
                    sole_in_body: self.sole.contains(&stmt.start()),
                };
                for alias in &import.names {
                    let name = alias.name.as_str();
                    let local = alias.asname.as_ref().map_or_else(
                        || name.split('.').next().unwrap_or_default().to_owned(),
                        |asname| asname.to_string(),
                    );
                    self.bind(&local, alias.range);
                    if alias.asname.is_none() {
                        self.plain_imports.push((name.to_owned(), alias.range, module_level));
                    }
                    let bound = match (name, alias.asname.is_some()) {
                        ("botocore.exceptions", true) => Some(Bound::Module(Vec::new())),
                        ("botocore", _) => Some(Bound::Module(vec!["exceptions".to_owned()])),
                        (_, false) if name.starts_with("botocore.") => Some(Bound::Module(vec!["exceptions".to_owned()])),
                        _ => None,
                    };
                    let index = bound.map(|bound| {
                        boto.aliases.push(BotoAlias { local, bound, range: alias.range });
                        boto.aliases.len() - 1
                    });
                    boto.all_aliases.push((alias.range, index));
                }
                if !boto.aliases.is_empty() {
                    self.boto.push(boto);
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_ref().map(|module| module.to_string()).unwrap_or_default();
                let mut boto = BotoStmt {
                    range: import.range,
                    from_module: Some(format!("{}{module}", ".".repeat(import.level as usize))),
                    all_aliases: Vec::new(),
                    aliases: Vec::new(),
                    module_level,
                    sole_in_body: self.sole.contains(&stmt.start()),
                };
                for alias in &import.names {
                    let name = alias.name.as_str();
                    let local = alias.asname.as_ref().map_or(name, |asname| asname.as_str()).to_owned();
                    if name == "*" {
                        if import.level == 0 && module == "botocore.exceptions" {
                            self.stars.push(import.range);
                        }
                        continue;
                    }
                    self.bind(&local, alias.range);
                    if import.level == 0 && module == self.exc_module && name == self.exc_name {
                        self.config_aliases.push((local.clone(), alias.range, module_level));
                    }
                    let bound = match (import.level, module.as_str(), name) {
                        (0, "botocore.exceptions", _) => Some(Bound::Exception(name.to_owned())),
                        (0, "botocore", "exceptions") => Some(Bound::Module(Vec::new())),
                        _ => None,
                    };
                    let index = bound.map(|bound| {
                        boto.aliases.push(BotoAlias { local, bound, range: alias.range });
                        boto.aliases.len() - 1
                    });
                    boto.all_aliases.push((alias.range, index));
                }
                if !boto.aliases.is_empty() {
                    self.boto.push(boto);
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Some(service) = boto3_service(call) {
                if service != "s3" {
                    self.other_services.insert(service.to_owned());
                }
            }
        }
        if let Expr::Name(name) = expr {
            if !name.ctx.is_load() {
                self.bind(name.id.as_str(), name.range);
            }
            self.names.push((name.id.to_string(), name.range, name.ctx.is_load()));
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_parameter(&mut self, parameter: &'a Parameter) {
        self.bind(parameter.name.as_str(), parameter.name.range);
        visitor::walk_parameter(self, parameter);
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(inner) = handler;
        if let Some(name) = &inner.name {
            self.bind(name.as_str(), name.range);
        }
        visitor::walk_except_handler(self, handler);
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchAs(pattern) => {
                if let Some(name) = &pattern.name {
                    self.bind(name.as_str(), name.range);
                }
            }
            Pattern::MatchStar(star) => {
                if let Some(name) = &star.name {
                    self.bind(name.as_str(), name.range);
                }
            }
            Pattern::MatchMapping(mapping) => {
                if let Some(rest) = &mapping.rest {
                    self.bind(rest.as_str(), rest.range);
                }
            }
            _ => {}
        }
        visitor::walk_pattern(self, pattern);
    }
}

/// The service of `<x>.client("sqs")` / `<x>.resource(service_name="sqs")`.
fn boto3_service(call: &ruff_python_ast::ExprCall) -> Option<&str> {
    let Expr::Attribute(attribute) = call.func.as_ref() else { return None };
    if !matches!(attribute.attr.as_str(), "client" | "resource") {
        return None;
    }
    let positional = call.arguments.args.first();
    let keyword = call
        .arguments
        .keywords
        .iter()
        .find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == "service_name"))
        .map(|keyword| &keyword.value);
    match positional.or(keyword)? {
        Expr::StringLiteral(literal) => Some(literal.value.to_str()),
        _ => None,
    }
}

/// `a.b.c` → ("a", ["b", "c"]).
fn attribute_chain(expr: &Expr) -> Option<(&str, Vec<&str>)> {
    match expr {
        Expr::Name(name) => Some((name.id.as_str(), Vec::new())),
        Expr::Attribute(attribute) => {
            let (root, mut attrs) = attribute_chain(&attribute.value)?;
            attrs.push(attribute.attr.as_str());
            Some((root, attrs))
        }
        _ => None,
    }
}

/// What a botocore exception (or a code) turns into.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    /// The configured exception, imported by name.
    Config,
    /// `module.Name`, reached through `import module`.
    Dotted { module: String, path: String },
    /// A bare name (a builtin such as `Exception`): no import.
    Bare(String),
}

/// An import a replacement needs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    Config,
    Module(String),
}

/// A reference to a botocore exception found in the code.
#[derive(Clone, Debug)]
struct Ref {
    local: String,
    exception: String,
    range: TextRange,
}

#[derive(Default)]
struct Uses {
    renames: Vec<Ref>,
    /// (ref, what: "raise" / "call" / "subclass")
    manual: Vec<(Ref, &'static str)>,
    /// Uses of a module alias other than `alias.<path>.X`.
    other: usize,
    /// Uses in handlers held back with the S3 calls they guard (see `held_handlers`).
    held: usize,
}

struct Refs<'r> {
    resolved: &'r BTreeMap<String, Bound>,
    uses: BTreeMap<String, Uses>,
    held: &'r [TextRange],
}

impl Refs<'_> {
    fn resolve(&self, expr: &Expr) -> Option<Ref> {
        resolve_ref(self.resolved, expr)
    }

    fn manual(&mut self, expr: &Expr, what: &'static str) -> bool {
        match self.resolve(expr) {
            Some(found) => {
                self.uses.entry(found.local.clone()).or_default().manual.push((found, what));
                true
            }
            None => false,
        }
    }
}

impl<'a> Visitor<'a> for Refs<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Raise(raise) => {
                if let Some(exc) = &raise.exc {
                    match exc.as_ref() {
                        Expr::Call(call) if self.manual(&call.func, "raise") => self.visit_arguments(&call.arguments),
                        _ if self.manual(exc, "raise") => {}
                        _ => self.visit_expr(exc),
                    }
                }
                if let Some(cause) = &raise.cause {
                    self.visit_expr(cause);
                }
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &class.arguments {
                    for base in arguments.args.iter() {
                        if !self.manual(base, "subclass") {
                            self.visit_expr(base);
                        }
                    }
                    for keyword in arguments.keywords.iter() {
                        self.visit_keyword(keyword);
                    }
                }
                self.visit_body(&class.body);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Some(found) = self.resolve(expr) {
            let uses = self.uses.entry(found.local.clone()).or_default();
            if self.held.iter().any(|held| held.contains_range(found.range)) {
                uses.held += 1;
            } else {
                uses.renames.push(found);
            }
            return;
        }
        match expr {
            Expr::Call(call) if self.manual(&call.func, "call") => {
                self.visit_arguments(&call.arguments);
            }
            Expr::Name(name) if matches!(self.resolved.get(name.id.as_str()), Some(Bound::Module(_))) => {
                self.uses.entry(name.id.to_string()).or_default().other += 1;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// The botocore exception an expression names, through a resolved local.
fn resolve_ref(resolved: &BTreeMap<String, Bound>, expr: &Expr) -> Option<Ref> {
    match expr {
        Expr::Name(name) if name.ctx.is_load() => match resolved.get(name.id.as_str())? {
            Bound::Exception(exception) => Some(Ref {
                local: name.id.to_string(),
                exception: exception.clone(),
                range: name.range,
            }),
            Bound::Module(_) => None,
        },
        Expr::Attribute(attribute) => {
            let (root, attrs) = attribute_chain(expr)?;
            let Bound::Module(path) = resolved.get(root)? else { return None };
            let (last, prefix) = attrs.split_last()?;
            (prefix.len() == path.len() && prefix.iter().zip(path).all(|(a, b)| a == b)).then(|| Ref {
                local: root.to_owned(),
                exception: (*last).to_owned(),
                range: attribute.range,
            })
        }
        _ => None,
    }
}

// ----------------------------------------------------------------------------
// Error-code checks inside a handler
// ----------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AccessKind {
    Code,
    Status,
    Message,
    Other,
}

/// `root.response[...]`/`.get(...)` chains: the root name and the keys, outermost last.
fn response_chain(expr: &Expr) -> Option<(&str, Vec<String>)> {
    let mut keys: Vec<String> = Vec::new();
    let mut current = expr;
    loop {
        match current {
            Expr::Subscript(subscript) => {
                let Expr::StringLiteral(key) = subscript.slice.as_ref() else { return None };
                keys.push(key.value.to_str().to_owned());
                current = &subscript.value;
            }
            Expr::Call(call) => {
                let Expr::Attribute(get) = call.func.as_ref() else { return None };
                let args = &call.arguments.args;
                if get.attr.as_str() != "get" || !call.arguments.keywords.is_empty() || args.is_empty() || args.len() > 2 {
                    return None;
                }
                let Expr::StringLiteral(key) = &args[0] else { return None };
                keys.push(key.value.to_str().to_owned());
                current = &get.value;
            }
            Expr::Attribute(attribute) if attribute.attr.as_str() == "response" => {
                let Expr::Name(root) = attribute.value.as_ref() else { return None };
                keys.reverse();
                return Some((root.id.as_str(), keys));
            }
            _ => return None,
        }
    }
}

/// What a `name.response...` chain reads.
fn response_access(expr: &Expr, name: &str) -> Option<AccessKind> {
    let (root, keys) = response_chain(expr)?;
    if root != name {
        return None;
    }
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    Some(match keys.as_slice() {
        ["Error", "Code"] => AccessKind::Code,
        ["ResponseMetadata", "HTTPStatusCode"] => AccessKind::Status,
        ["Error", "Message"] => AccessKind::Message,
        _ => AccessKind::Other,
    })
}

/// S3 error-response reads (`x.response["Error"]...`) outside the handlers checked above.
struct LooseAccess<'l> {
    analyzed: &'l [(TextRange, String)],
    found: Vec<(TextRange, String)>,
}

impl<'a> Visitor<'a> for LooseAccess<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Some((root, keys)) = response_chain(expr) {
            let s3_shaped = keys.first().is_some_and(|key| key == "Error" || key == "ResponseMetadata");
            let checked = self.analyzed.iter().any(|(range, name)| name == root && range.contains_range(expr.range()));
            if s3_shaped && !checked {
                self.found.push((expr.range(), root.to_owned()));
            }
            if s3_shaped {
                return;
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// True for `name.operation_name` / any `name.response` use not covered above.
fn is_boto_attribute(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Attribute(attribute)
        if matches!(attribute.attr.as_str(), "response" | "operation_name")
            && matches!(attribute.value.as_ref(), Expr::Name(root) if root.id.as_str() == name))
}

struct VarInfo {
    kind: AccessKind,
    value_range: TextRange,
    assign_range: TextRange,
    compares: Vec<Edit>,
    escaped: bool,
}

/// Findings and edits for one handler body (`as name`).
struct CodeChecker<'c> {
    ctx: &'c RuleContext<'c>,
    name: String,
    vars: BTreeMap<String, VarInfo>,
    edits: Vec<(Edit, TextRange, String)>,
    manual: Vec<(TextRange, String)>,
}

impl CodeChecker<'_> {
    fn text(&self, range: TextRange) -> &str {
        &self.ctx.file.text[range]
    }

    fn status_text(&self) -> String {
        format!("str({}.status)", self.name)
    }

    /// The access side of a comparison: (kind, replacement text, tracked variable).
    fn access_side(&self, expr: &Expr) -> Option<(AccessKind, String, Option<String>)> {
        if let Some(kind) = response_access(expr, &self.name) {
            return Some((kind, self.status_text(), None));
        }
        if let Expr::Name(var) = expr {
            if let Some(info) = self.vars.get(var.id.as_str()) {
                return Some((info.kind, var.id.to_string(), Some(var.id.to_string())));
            }
        }
        None
    }

    /// `Ok(None)`: not a comparison on the error code. `Err`: one we cannot translate.
    fn compare(&self, compare: &ExprCompare) -> Result<Option<(String, Option<String>)>, String> {
        let left = self.access_side(&compare.left);
        let right = compare.comparators.first().and_then(|right| self.access_side(right));
        if left.is_none() && right.is_none() {
            return Ok(None);
        }
        let whole = self.text(compare.range).to_owned();
        if compare.ops.len() != 1 {
            return Err(format!("`{whole}`: a chained comparison on the S3 error code; rewrite it with `{}`", self.status_text()));
        }
        let op = compare.ops[0];
        let (access_on_left, (kind, access_text, var), other) = match (left, right) {
            (Some(side), None) => (true, side, &compare.comparators[0]),
            (None, Some(side)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => (false, side, compare.left.as_ref()),
            _ => return Err(format!("`{whole}`: a comparison the tool cannot translate; rewrite it with `{}`", self.status_text())),
        };
        if !matches!(kind, AccessKind::Code | AccessKind::Status) {
            return Err(format!("`{whole}`: StorageApiError has no `.response`; rewrite it with `{}.message`, `{}.code` or `{}`", self.name, self.name, self.status_text()));
        }
        let (elements, bracket): (Vec<&Expr>, Option<(&str, &str)>) = match (op, other) {
            (CmpOp::Eq | CmpOp::NotEq, single) => (vec![single], None),
            (CmpOp::In | CmpOp::NotIn, Expr::List(list)) => (list.elts.iter().collect(), Some(("[", "]"))),
            (CmpOp::In | CmpOp::NotIn, Expr::Tuple(tuple)) => (tuple.elts.iter().collect(), Some(("(", ")"))),
            (CmpOp::In | CmpOp::NotIn, Expr::Set(set)) => (set.elts.iter().collect(), Some(("{", "}"))),
            _ => return Err(format!("`{whole}`: a comparison the tool cannot translate; rewrite it with `{}`", self.status_text())),
        };
        let mut quote = '"';
        let mut statuses: Vec<String> = Vec::new();
        let mut unmapped: Vec<String> = Vec::new();
        for (index, element) in elements.iter().enumerate() {
            let code = match (kind, element) {
                (_, Expr::StringLiteral(literal)) => {
                    if index == 0 {
                        let source = self.text(literal.range);
                        if let Some(found) = source.chars().find(|ch| *ch == '\'' || *ch == '"') {
                            quote = found;
                        }
                    }
                    literal.value.to_str().to_owned()
                }
                (AccessKind::Status, Expr::NumberLiteral(number)) => match &number.value {
                    Number::Int(int) => int.to_string(),
                    _ => return Err(format!("`{whole}`: a comparison the tool cannot translate; rewrite it with `{}`", self.status_text())),
                },
                _ => return Err(format!("`{whole}`: compares the S3 error code with something other than literals; rewrite it with `{}`", self.status_text())),
            };
            match self.ctx.config.errors.status.get(&code) {
                Some(status) => {
                    if !statuses.contains(status) {
                        statuses.push(status.clone());
                    }
                }
                None => unmapped.push(code),
            }
        }
        if !unmapped.is_empty() || statuses.is_empty() {
            return Err(format!(
                "S3 error code {} has no Supabase status in [errors.status]; add it to rules.toml or rewrite the check by hand with `{}`",
                unmapped.iter().map(|code| format!("\"{code}\"")).collect::<Vec<_>>().join(", "),
                self.status_text()
            ));
        }
        let quoted: Vec<String> = statuses.iter().map(|status| string_literal(status, quote)).collect();
        let negated = matches!(op, CmpOp::NotEq | CmpOp::NotIn);
        let (op_text, comparand) = match (quoted.as_slice(), bracket) {
            ([single], _) => (if negated { "!=" } else { "==" }, single.clone()),
            (_, Some((open, close))) => (if negated { "not in" } else { "in" }, format!("{open}{}{close}", quoted.join(", "))),
            _ => unreachable!("several statuses come only from a container"),
        };
        let text = if access_on_left {
            format!("{access_text} {op_text} {comparand}")
        } else {
            format!("{comparand} {op_text} {access_text}")
        };
        Ok(Some((text, var)))
    }

    fn report_access(&mut self, expr: &Expr, kind: AccessKind) {
        let name = &self.name;
        let text = self.text(expr.range()).to_owned();
        let message = match kind {
            AccessKind::Message => format!("`{text}`: StorageApiError has no `.response`; use `{name}.message`"),
            AccessKind::Code => format!(
                "`{text}`: the S3 error code used as a value; StorageApiError has `{name}.code` (Supabase's error name, e.g. \"not_found\") and `{name}.status` (e.g. \"404\"), which differ from S3 codes: rewrite by hand"
            ),
            AccessKind::Status => format!("`{text}`: StorageApiError has no `.response`; use `{name}.status` (a string such as \"404\")"),
            AccessKind::Other => format!(
                "`{text}`: StorageApiError has no `.response`; rewrite by hand with `{name}.message`, `{name}.code` or `{name}.status`"
            ),
        };
        self.manual.push((expr.range(), message));
    }
}

impl<'a> Visitor<'a> for CodeChecker<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Assign(assign) = stmt {
            if let [Expr::Name(target)] = assign.targets.as_slice() {
                if let Some(info) = self.vars.get(target.id.as_str()) {
                    if info.value_range == assign.value.range() {
                        return;
                    }
                }
            }
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(inner) = handler;
        if inner.name.as_ref().is_some_and(|name| name.as_str() == self.name) {
            // Rebinds the name: its own handler is checked on its own.
            if let Some(type_) = &inner.type_ {
                self.visit_expr(type_);
            }
            return;
        }
        visitor::walk_except_handler(self, handler);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Compare(compare) = expr {
            match self.compare(compare) {
                Ok(None) => {}
                Ok(Some((text, var))) => {
                    let edit = Edit::replace(compare.range, text);
                    match var.and_then(|var| self.vars.get_mut(&var)) {
                        Some(info) => info.compares.push(edit),
                        None => {
                            let message = format!("S3 error-code check `{}`; compare `{}` instead", self.text(compare.range), self.status_text());
                            self.edits.push((edit, compare.range, message));
                        }
                    }
                    return;
                }
                Err(message) => {
                    // A tracked variable in an untranslatable comparison: the variable cannot be rewritten either.
                    for side in std::iter::once(compare.left.as_ref()).chain(compare.comparators.iter()) {
                        if let Expr::Name(var) = side {
                            if let Some(info) = self.vars.get_mut(var.id.as_str()) {
                                info.escaped = true;
                            }
                        }
                    }
                    self.manual.push((compare.range, message));
                    return;
                }
            }
        }
        if let Some(kind) = response_access(expr, &self.name) {
            return self.report_access(expr, kind);
        }
        if is_boto_attribute(expr, &self.name) {
            return self.report_access(expr, AccessKind::Other);
        }
        if let Expr::Name(var) = expr {
            if let Some(info) = self.vars.get_mut(var.id.as_str()) {
                info.escaped = true;
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// `code = e.response["Error"]["Code"]` statements anywhere in a handler body.
struct VarFinder<'n> {
    name: &'n str,
    found: Vec<(String, AccessKind, TextRange, TextRange)>,
}

impl<'a> Visitor<'a> for VarFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Assign(assign) = stmt {
            if let [Expr::Name(target)] = assign.targets.as_slice() {
                if let Some(kind @ (AccessKind::Code | AccessKind::Status)) = response_access(&assign.value, self.name) {
                    self.found.push((target.id.to_string(), kind, assign.value.range(), assign.range));
                }
            }
        }
        visitor::walk_stmt(self, stmt);
    }
}

// ----------------------------------------------------------------------------
// The check
// ----------------------------------------------------------------------------

/// What a handler's type catches, element by element.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Caught {
    /// botocore's ClientError (resolved): will it be renamed in this pass?
    ClientError { renamed: bool },
    Config,
    Modeled(String),
    Broad,
    Other,
}

struct Checker<'c> {
    ctx: &'c RuleContext<'c>,
    facts: Collector<'c>,
    resolved: BTreeMap<String, Bound>,
    uses: BTreeMap<String, Uses>,
    newline: &'static str,
    findings: Vec<Finding>,
    /// Edits of the single fix, each with the finding it belongs to.
    edits: Vec<Edit>,
    fixable: Vec<(RuleId, TextRange, String, String)>,
    needs_extra: BTreeSet<Need>,
    /// Imports each botocore-bound local's replacements need, in order of first use.
    stmt_needs: BTreeMap<String, Vec<Need>>,
    /// NoSuchKey handlers merged into a later handler: (edits, moved range, finding range, message).
    merges: Vec<(Vec<Edit>, TextRange, TextRange, String)>,
    /// The configured exception's name is taken by something else in the file.
    config_conflict: bool,
    /// Handlers whose `as` name was checked for error-code reads: (handler range, name).
    analyzed: Vec<(TextRange, String)>,
    /// Handlers of `try` statements that guard S3 calls: they stay as written until the
    /// fix that translates those calls (the `s3-calls` family) changes them with the calls.
    held: Vec<TextRange>,
}

/// The handlers of every `try` whose body can raise from an S3 call.
fn held_handlers(ctx: &RuleContext) -> Vec<TextRange> {
    ctx.model
        .tries
        .iter()
        .filter(|block| !block.calls.is_empty() && matches!(block.kind, crate::model::TryKind::Try(_)))
        .flat_map(|block| block.handlers.iter().filter_map(|handler| handler.handler.map(Ranged::range)))
        .collect()
}

pub fn check<'c>(ctx: &'c RuleContext<'c>) -> Vec<Finding> {
    let (exc_module, exc_name) = ctx.config.errors.exception.rsplit_once('.').unwrap_or(("", &ctx.config.errors.exception));
    // The facts below come from botocore imports, modeled exceptions and imports of the
    // replacement exception: without any of those words there is nothing to collect.
    let text = &ctx.file.text;
    if !text.contains("botocore") && !mentions_modeled(text) && !text.contains(exc_name) {
        return Vec::new();
    }
    let mut facts = Collector {
        exc_module: exc_module.to_owned(),
        exc_name: exc_name.to_owned(),
        module_level: ctx.module.body.iter().map(Ranged::start).collect(),
        ..Collector::default()
    };
    facts.visit_body(&ctx.module.body);
    if facts.boto.is_empty() && facts.stars.is_empty() && !mentions_modeled(&ctx.file.text) && facts.config_aliases.is_empty() {
        return Vec::new();
    }
    let mut checker = Checker {
        ctx,
        facts,
        resolved: BTreeMap::new(),
        uses: BTreeMap::new(),
        newline: ctx.file.encoding.newline,
        findings: Vec::new(),
        edits: Vec::new(),
        fixable: Vec::new(),
        needs_extra: BTreeSet::new(),
        stmt_needs: BTreeMap::new(),
        merges: Vec::new(),
        config_conflict: false,
        analyzed: Vec::new(),
        held: held_handlers(ctx),
    };
    checker.run();
    checker.finish()
}

fn mentions_modeled(text: &str) -> bool {
    text.contains(".exceptions.")
}

impl<'c> Checker<'c> {
    fn text(&self, range: TextRange) -> &'c str {
        &self.ctx.file.text[range]
    }

    fn push(&mut self, rule: RuleId, range: TextRange, message: String) {
        self.findings.push(Finding { rule, severity: rule.default_severity(), range, message, fix: None });
    }

    fn fixable(&mut self, rule: RuleId, range: TextRange, message: String, title: &str, edits: Vec<Edit>) {
        self.edits.extend(edits);
        self.fixable.push((rule, range, message, title.to_owned()));
    }

    fn run(&mut self) {
        self.resolve_bindings();
        self.config_conflict = self.name_taken(&self.facts.exc_name.clone(), &self.config_alias_ranges());
        let mut refs = Refs { resolved: &self.resolved, uses: BTreeMap::new(), held: &self.held };
        refs.visit_body(&self.ctx.module.body);
        self.uses = refs.uses;
        for star in self.facts.stars.clone() {
            self.push(
                RuleId::ClientError,
                star,
                "star import from botocore.exceptions: import the names you use (or the Supabase exceptions) by hand, then rerun".to_owned(),
            );
        }
        self.handlers();
        self.loose_accesses();
        self.renames();
        self.statements();
    }

    fn config_alias_ranges(&self) -> Vec<TextRange> {
        self.facts.config_aliases.iter().map(|(_, range, _)| *range).collect()
    }

    /// True when `name` is bound in the file by anything but the bindings in `allowed`.
    fn name_taken(&self, name: &str, allowed: &[TextRange]) -> bool {
        self.facts.bindings.get(name).is_some_and(|sites| sites.iter().any(|site| !allowed.contains(site)))
    }

    /// A botocore-bound local counts only when every binding of it in the file is a botocore import of the same kind.
    fn resolve_bindings(&mut self) {
        let mut by_local: BTreeMap<String, Vec<BotoAlias>> = BTreeMap::new();
        for stmt in &self.facts.boto {
            for alias in &stmt.aliases {
                by_local.entry(alias.local.clone()).or_default().push(alias.clone());
            }
        }
        for (local, aliases) in by_local {
            let ranges: Vec<TextRange> = aliases.iter().map(|alias| alias.range).collect();
            let same_kind = aliases.iter().all(|alias| alias.bound == aliases[0].bound);
            if same_kind && !self.name_taken(&local, &ranges) {
                self.resolved.insert(local, aliases[0].bound.clone());
            } else {
                let other = self.facts.bindings.get(&local).and_then(|sites| sites.iter().find(|site| !ranges.contains(site))).copied();
                let line = other.map(|site| self.ctx.lines.line_of(site.start())).unwrap_or_default();
                for alias in aliases {
                    self.push(
                        RuleId::ClientError,
                        alias.range,
                        format!("`{local}` from botocore is also bound elsewhere in this file (line {line}); migrate its uses by hand"),
                    );
                }
            }
        }
    }

    /// What a botocore exception becomes, or None when unmapped (or its name is taken).
    fn target(&self, exception: &str) -> Option<Target> {
        let dotted = if exception == "ClientError" {
            if !self.facts.other_services.is_empty() {
                return None;
            }
            self.ctx.config.errors.exception.clone()
        } else {
            self.ctx.config.errors.exceptions.get(exception)?.clone()
        };
        let target = if dotted == self.ctx.config.errors.exception {
            Target::Config
        } else {
            match dotted.rsplit_once('.') {
                Some((module, _)) => Target::Dotted { module: module.to_owned(), path: dotted.clone() },
                None => Target::Bare(dotted.clone()),
            }
        };
        let usable = match &target {
            Target::Config => !self.config_conflict,
            Target::Dotted { module, .. } => {
                let root = module.split('.').next().unwrap_or_default();
                let allowed: Vec<TextRange> = self
                    .facts
                    .plain_imports
                    .iter()
                    .filter(|(imported, _, _)| imported.split('.').next() == Some(root))
                    .map(|(_, range, _)| *range)
                    .collect();
                !self.name_taken(root, &allowed)
            }
            Target::Bare(name) => !self.facts.bindings.contains_key(name),
        };
        usable.then_some(target)
    }

    fn target_text(&self, target: &Target) -> String {
        match target {
            Target::Config => self.config_reference(),
            Target::Dotted { path, .. } => path.clone(),
            Target::Bare(name) => name.clone(),
        }
    }

    /// How the configured exception is written: an existing module-level alias, else its name.
    fn config_reference(&self) -> String {
        self.facts
            .config_aliases
            .iter()
            .find(|(_, _, module_level)| *module_level)
            .map_or_else(|| self.facts.exc_name.clone(), |(local, _, _)| local.clone())
    }

    fn need_of(target: &Target) -> Option<Need> {
        match target {
            Target::Config => Some(Need::Config),
            Target::Dotted { module, .. } => Some(Need::Module(module.clone())),
            Target::Bare(_) => None,
        }
    }

    fn provided(&self, need: &Need) -> bool {
        match need {
            Need::Config => self.facts.config_aliases.iter().any(|(_, _, module_level)| *module_level),
            Need::Module(module) => self.facts.plain_imports.iter().any(|(imported, _, module_level)| imported == module && *module_level),
        }
    }

    fn need_line(&self, need: &Need) -> String {
        match need {
            Need::Config => format!("from {} import {}", self.facts.exc_module, self.facts.exc_name),
            Need::Module(module) => format!("import {module}"),
        }
    }

    /// Whether the configured exception's name is free for this file to use.
    fn config_usable(&self) -> bool {
        !self.config_conflict
    }

    // ----- uses of botocore names -----

    fn renames(&mut self) {
        let uses = std::mem::take(&mut self.uses);
        for found in uses.values() {
            for (reference, what) in &found.manual {
                let text = self.text(reference.range);
                let message = match *what {
                    "raise" => format!("manual: `raise {text}...` raises botocore's exception, which storage code no longer raises; raise what your callers now catch (e.g. `{}`) by hand", self.ctx.config.errors.exception),
                    "subclass" => format!("manual: a subclass of botocore's `{text}`; base it on `{}` or your own exception by hand", self.ctx.config.errors.exception),
                    _ => format!("manual: `{text}(...)` constructs botocore's exception; its arguments differ from `{}`: rewrite by hand", self.ctx.config.errors.exception),
                };
                self.push(RuleId::ClientError, reference.range, message);
            }
            for reference in &found.renames {
                match self.target(&reference.exception) {
                    Some(target) => {
                        let new = self.target_text(&target);
                        let old = self.text(reference.range).to_owned();
                        if let Some(need) = Self::need_of(&target) {
                            self.note_need(&reference.local, need);
                        }
                        self.fixable(
                            RuleId::ClientError,
                            reference.range,
                            format!("botocore's `{old}`; use `{new}`"),
                            &format!("use {new}"),
                            vec![Edit::replace(reference.range, new.clone())],
                        );
                    }
                    None => {
                        // Exception aliases are reported once at their import.
                        if matches!(self.resolved.get(&reference.local), Some(Bound::Module(_))) {
                            let message = self.unmapped_message(&reference.exception);
                            self.push(RuleId::ClientError, reference.range, message);
                        }
                    }
                }
            }
        }
        self.uses = uses;
    }

    fn unmapped_message(&self, exception: &str) -> String {
        if exception == "ClientError" && !self.facts.other_services.is_empty() {
            let services: Vec<&str> = self.facts.other_services.iter().map(String::as_str).collect();
            format!(
                "this file also makes boto3 clients for `{}`, whose errors are `ClientError` too; migrate the handlers of S3 calls to `{}` by hand",
                services.join("`, `"),
                self.facts.exc_name
            )
        } else if exception == "ClientError" || self.ctx.config.errors.exceptions.get(exception).is_some_and(|dotted| *dotted == self.ctx.config.errors.exception) {
            format!(
                "`{}` is already bound to something else in this file, so botocore's `{exception}` cannot become it; rename that binding, then rerun",
                self.facts.exc_name
            )
        } else if let Some(dotted) = self.ctx.config.errors.exceptions.get(exception) {
            format!("botocore's `{exception}` maps to `{dotted}`, whose name is bound to something else in this file; migrate it by hand")
        } else {
            format!("botocore's `{exception}` has no replacement in [errors.exceptions]; add one to rules.toml or rewrite the handler by hand")
        }
    }

    fn note_need(&mut self, local: &str, need: Need) {
        let needs = self.stmt_needs.entry(local.to_owned()).or_default();
        if !needs.contains(&need) {
            needs.push(need);
        }
    }

    // ----- handlers -----

    fn caught(&self, handler: &ExceptHandlerExceptHandler) -> Vec<Caught> {
        let Some(type_) = &handler.type_ else { return vec![Caught::Broad] };
        let elements: Vec<&Expr> = match type_.as_ref() {
            Expr::Tuple(tuple) => tuple.elts.iter().collect(),
            single => vec![single],
        };
        elements.into_iter().map(|element| self.classify(element)).collect()
    }

    fn classify(&self, expr: &Expr) -> Caught {
        if let Some(found) = resolve_ref(&self.resolved, expr) {
            return if found.exception == "ClientError" {
                Caught::ClientError { renamed: self.target("ClientError").is_some() }
            } else {
                Caught::Other
            };
        }
        match expr {
            Expr::Name(name) if self.facts.config_aliases.iter().any(|(local, _, _)| local == name.id.as_str()) => Caught::Config,
            Expr::Name(name)
                if matches!(name.id.as_str(), "Exception" | "BaseException") && !self.facts.bindings.contains_key(name.id.as_str()) =>
            {
                Caught::Broad
            }
            Expr::Attribute(attribute) => {
                if self.text(attribute.range) == self.ctx.config.errors.exception {
                    return Caught::Config;
                }
                let modeled = MODELED.contains(&attribute.attr.as_str())
                    && matches!(attribute.value.as_ref(), Expr::Attribute(inner) if inner.attr.as_str() == "exceptions")
                    && attribute_chain(expr).is_none_or(|(root, _)| root != "botocore");
                if modeled {
                    Caught::Modeled(attribute.attr.to_string())
                } else {
                    Caught::Other
                }
            }
            _ => Caught::Other,
        }
    }

    fn handlers(&mut self) {
        let tries = self.facts.tries.clone();
        for try_stmt in tries {
            let held: Vec<&ExceptHandlerExceptHandler> = try_stmt
                .handlers
                .iter()
                .map(|handler| {
                    let ExceptHandler::ExceptHandler(inner) = handler;
                    inner
                })
                .filter(|inner| self.held.contains(&inner.range))
                .collect();
            if !held.is_empty() {
                // Its error-code reads change with the calls (not loose reads either).
                for inner in held {
                    if let Some(name) = &inner.name {
                        self.analyzed.push((inner.range, name.to_string()));
                    }
                }
                continue;
            }
            let kinds: Vec<Vec<Caught>> = try_stmt
                .handlers
                .iter()
                .map(|handler| {
                    let ExceptHandler::ExceptHandler(inner) = handler;
                    self.caught(inner)
                })
                .collect();
            for (index, handler) in try_stmt.handlers.iter().enumerate() {
                let ExceptHandler::ExceptHandler(inner) = handler;
                let kind = &kinds[index];
                let mut becomes_config = kind.iter().any(|caught| matches!(caught, Caught::ClientError { renamed: true } | Caught::Config));
                if kind.iter().any(|caught| matches!(caught, Caught::Modeled(_))) {
                    becomes_config |= self.modeled_handler(try_stmt, index, &kinds);
                }
                if becomes_config {
                    if let Some(name) = &inner.name {
                        self.code_checks(inner, name.as_str());
                    }
                } else if let (true, Some(name)) = (kind.contains(&Caught::ClientError { renamed: false }), &inner.name) {
                    // Reported at the import: its error-code reads are part of that manual migration.
                    self.analyzed.push((inner.range, name.to_string()));
                }
            }
        }
    }

    /// `except <client>.exceptions.NoSuchKey`: true when it becomes a handler of the configured exception.
    fn modeled_handler(&mut self, try_stmt: &StmtTry, index: usize, kinds: &[Vec<Caught>]) -> bool {
        let ExceptHandler::ExceptHandler(handler) = &try_stmt.handlers[index];
        let Some(type_) = handler.type_.as_deref() else { return false };
        let type_text = self.text(type_.range()).to_owned();
        let exc = self.ctx.config.errors.exception.clone();
        let refuse = |checker: &mut Self, why: String| {
            checker.push(RuleId::ClientError, type_.range(), format!("`except {type_text}`: {why}"));
            false
        };
        let [Caught::Modeled(modeled)] = kinds[index].as_slice() else {
            return refuse(self, format!("a modeled S3 exception in a tuple; give it its own handler, then rerun (it becomes `{exc}` with a status check)"));
        };
        let Some(status) = self.ctx.config.errors.status.get(modeled).cloned() else {
            return refuse(self, format!("botocore's modeled `{modeled}` has no Supabase status in [errors.status]; add one to rules.toml or rewrite the handler by hand"));
        };
        if !self.config_usable() {
            return refuse(self, self.unmapped_message("ClientError"));
        }
        let modeled_handlers = kinds.iter().filter(|kind| kind.iter().any(|caught| matches!(caught, Caught::Modeled(_)))).count();
        if modeled_handlers > 1 {
            return refuse(self, format!(
                "one of several modeled S3 exceptions caught by this `try`; they all become `{exc}` and may share a status, so merge them by hand into one `except {} as e:` that checks `str(e.status)`",
                self.facts.exc_name
            ));
        }
        let later = (index + 1..kinds.len()).find(|&later| {
            kinds[later].iter().any(|caught| !matches!(caught, Caught::Other))
        });
        let reference = self.config_reference();
        let title = format!("catch {reference} and check its status");
        match later {
            None => match self.translate_modeled(handler, &reference, &status) {
                Ok(edits) => {
                    self.note_extra(Need::Config);
                    self.fixable(
                        RuleId::ClientError,
                        type_.range(),
                        format!("`except {type_text}`: botocore's modeled exception; catch `{reference}` and re-raise unless `str(e.status) == \"{status}\"`"),
                        &title,
                        edits,
                    );
                    true
                }
                Err(why) => refuse(self, why),
            },
            Some(later) if matches!(kinds[later].as_slice(), [Caught::ClientError { renamed: true } | Caught::Config]) => {
                match self.merge_modeled(try_stmt, index, later, &status) {
                    Ok((edits, moved)) => {
                        self.note_extra(Need::Config);
                        let line = self.ctx.lines.line_of(try_stmt.handlers[later].start());
                        self.merges.push((
                            edits,
                            moved,
                            type_.range(),
                            format!("`except {type_text}`: botocore's modeled exception; merged into the handler on line {line} as `if str(e.status) == \"{status}\":`, so other errors still reach that handler"),
                        ));
                        false
                    }
                    Err(why) => refuse(self, why),
                }
            }
            Some(later) => {
                let line = self.ctx.lines.line_of(try_stmt.handlers[later].start());
                refuse(self, format!(
                    "the handler on line {line} would also catch `{reference}`, so re-raising here would skip it; merge this handler into that one as `if str(e.status) == \"{status}\":` by hand"
                ))
            }
        }
    }

    fn loose_accesses(&mut self) {
        let mut loose = LooseAccess { analyzed: &self.analyzed, found: Vec::new() };
        loose.visit_body(&self.ctx.module.body);
        for (range, root) in loose.found {
            let text = self.text(range);
            self.push(
                RuleId::ErrorCodeCheck,
                range,
                format!(
                    "`{text}` reads an S3 error response, but `{root}` is not a caught `ClientError`; storage errors become `{}` (`.status`, `.code`, `.message`): rewrite by hand",
                    self.facts.exc_name
                ),
            );
        }
    }

    fn note_extra(&mut self, need: Need) {
        self.needs_extra.insert(need);
    }

    fn fresh_name(&self) -> String {
        let text = &self.ctx.file.text;
        (1..)
            .map(|n| if n == 1 { "_storage_error".to_owned() } else { format!("_storage_error_{n}") })
            .find(|candidate| !text.contains(candidate.as_str()))
            .unwrap_or_default()
    }

    fn indent_unit(&self, outer: &str, inner: &str) -> String {
        match inner.strip_prefix(outer) {
            Some(unit) if !unit.is_empty() => unit.to_owned(),
            _ if outer.contains('\t') => "\t".to_owned(),
            _ => "    ".to_owned(),
        }
    }

    /// `except X.exceptions.NoSuchKey [as e]:` → `except StorageApiError as e:` + status check + `raise`.
    fn translate_modeled(&self, handler: &ExceptHandlerExceptHandler, reference: &str, status: &str) -> Result<Vec<Edit>, String> {
        let text = &self.ctx.file.text;
        let nl = self.newline;
        let type_ = handler.type_.as_deref().ok_or_else(String::new)?;
        let name = handler.name.as_ref().map_or_else(|| self.fresh_name(), |name| name.to_string());
        let header_end = handler.name.as_ref().map_or(type_.end(), |name| name.end());
        let first = handler.body.first().ok_or_else(String::new)?;
        let handler_indent = indentation(text, handler.start());
        let check = |indent: &str, unit: &str| {
            format!("{indent}if str({name}.status) != {}:{nl}{indent}{unit}raise{nl}", string_literal(status, '"'))
        };
        if starts_line(text, first.start()) {
            let body_indent = indentation(text, first.start());
            let unit = self.indent_unit(handler_indent, body_indent);
            Ok(vec![
                Edit::replace(TextRange::new(type_.start(), header_end), format!("{reference} as {name}")),
                Edit::insert(line_start(text, first.start()), check(body_indent, &unit)),
            ])
        } else {
            let between = &text[TextRange::new(header_end, first.start())];
            if between.trim() != ":" {
                return Err("the handler's header spans lines; rewrite it by hand".to_owned());
            }
            let unit = self.indent_unit(handler_indent, "");
            let body_indent = format!("{handler_indent}{unit}");
            Ok(vec![Edit::replace(
                TextRange::new(type_.start(), first.start()),
                format!("{reference} as {name}:{nl}{}{body_indent}", check(&body_indent, &unit)),
            )])
        }
    }

    /// Move the modeled handler's body into the later handler of the configured exception,
    /// under `if str(e.status) == "<status>":`. Returns the edits and the deleted range.
    fn merge_modeled(&self, try_stmt: &StmtTry, index: usize, later: usize, status: &str) -> Result<(Vec<Edit>, TextRange), String> {
        let text = &self.ctx.file.text;
        let nl = self.newline;
        let ExceptHandler::ExceptHandler(modeled) = &try_stmt.handlers[index];
        let ExceptHandler::ExceptHandler(target) = &try_stmt.handlers[later];
        let next_start = try_stmt.handlers[index + 1].start();
        let cannot = |why: &str| Err(format!("a later handler catches the same errors, and {why}; merge this handler into it by hand as `if str(e.status) == \"{status}\":`"));
        if modeled.name.is_some() {
            return cannot("this handler names the exception");
        }
        let (Some(first), Some(target_first), Some(target_type)) = (modeled.body.first(), target.body.first(), target.type_.as_deref()) else {
            return cannot("a handler is empty");
        };
        if !starts_line(text, first.start()) || !starts_line(text, target_first.start()) || !starts_line(text, next_start) {
            return cannot("a handler body shares a line with its `except`");
        }
        let deleted = TextRange::new(line_start(text, modeled.start()), line_start(text, next_start));
        let header = TextRange::new(modeled.start(), line_end_after(text, modeled_type_end(modeled)));
        if header.end() > line_start(text, first.start()) {
            return cannot("its `except` line is unusual");
        }
        let moved = TextRange::new(header.end(), deleted.end());
        let span = TextRange::new(header.start(), deleted.end());
        let tokens: Vec<_> = self.ctx.tokens.iter().filter(|token| span.contains_range(token.range())).collect();
        if tokens.iter().any(|token| token.kind() == TokenKind::Comment && header.contains_range(token.range())) {
            return cannot("its `except` line has a comment");
        }
        if tokens.iter().any(|token| text[token.range()].contains('\n') && token.kind() != TokenKind::Newline && token.kind() != TokenKind::NonLogicalNewline) {
            return cannot("its body has a multi-line string");
        }
        let body_indent = indentation(text, first.start());
        let target_indent = indentation(text, target_first.start());
        if body_indent != target_indent {
            return cannot("the two bodies are indented differently");
        }
        let unit = self.indent_unit(indentation(text, target.start()), target_indent);
        let name = target.name.as_ref().map_or_else(|| self.fresh_name(), |name| name.to_string());
        let mut block = format!("{target_indent}if str({name}.status) == {}:{nl}", string_literal(status, '"'));
        for line in text[moved].split_inclusive('\n') {
            if !line.trim().is_empty() {
                block.push_str(&unit);
            }
            block.push_str(line);
        }
        let mut edits = vec![Edit::delete(deleted), Edit::insert(line_start(text, target_first.start()), block)];
        if target.name.is_none() {
            edits.push(Edit::insert(target_type.end(), format!(" as {name}")));
        }
        Ok((edits, deleted))
    }

    /// Error-code checks on `name` inside one handler of the configured exception (or of ClientError, renamed now).
    fn code_checks(&mut self, handler: &ExceptHandlerExceptHandler, name: &str) {
        self.analyzed.push((handler.range, name.to_owned()));
        let mut finder = VarFinder { name, found: Vec::new() };
        finder.visit_body(&handler.body);
        let scope = self
            .facts
            .functions
            .iter()
            .filter(|function| function.contains_range(handler.range))
            .min_by_key(|function| function.len())
            .copied()
            .unwrap_or_else(|| TextRange::up_to(self.ctx.file.text.len().try_into().unwrap_or_default()));
        let mut vars = BTreeMap::new();
        for (var, kind, value_range, assign_range) in finder.found {
            let bound_here = self.facts.bindings.get(&var).map_or(0, |sites| sites.iter().filter(|site| handler.range.contains_range(**site)).count());
            let used_outside = self
                .facts
                .names
                .iter()
                .any(|(id, range, load)| *load && *id == var && scope.contains_range(*range) && !handler.range.contains_range(*range));
            let escaped = bound_here != 1 || used_outside || vars.contains_key(&var);
            vars.insert(var, VarInfo { kind, value_range, assign_range, compares: Vec::new(), escaped });
        }
        let mut checker = CodeChecker { ctx: self.ctx, name: name.to_owned(), vars, edits: Vec::new(), manual: Vec::new() };
        checker.visit_body(&handler.body);
        let status_text = checker.status_text();
        for (edit, range, message) in checker.edits {
            self.fixable(RuleId::ErrorCodeCheck, range, message, &format!("compare {status_text}"), vec![edit]);
        }
        for (range, message) in checker.manual {
            self.push(RuleId::ErrorCodeCheck, range, message);
        }
        for (var, info) in checker.vars {
            if info.escaped {
                self.push(
                    RuleId::ErrorCodeCheck,
                    info.assign_range,
                    format!("`{var}` holds an S3 error code and is used other than in comparisons within this handler; rewrite it by hand with `{status_text}`"),
                );
            } else {
                let mut edits = info.compares;
                edits.push(Edit::replace(info.value_range, status_text.clone()));
                self.fixable(
                    RuleId::ErrorCodeCheck,
                    info.assign_range,
                    format!("`{var}` holds an S3 error code; hold `{status_text}` and compare statuses"),
                    &format!("compare {status_text}"),
                    edits,
                );
            }
        }
    }

    // ----- import statements -----

    fn statements(&mut self) {
        struct Plan {
            stmt: BotoStmt,
            kept: Vec<TextRange>,
            dropped: usize,
            needs: Vec<Need>,
        }
        let mut emitted: BTreeSet<Need> = BTreeSet::new();
        let mut plans: Vec<Plan> = Vec::new();
        for stmt in self.facts.boto.clone() {
            let mut kept = Vec::new();
            let mut dropped = 0;
            let mut needs: Vec<Need> = Vec::new();
            for (range, index) in &stmt.all_aliases {
                let Some(alias) = index.map(|index| &stmt.aliases[index]) else {
                    kept.push(*range);
                    continue;
                };
                let Some(bound) = self.resolved.get(&alias.local).cloned() else {
                    kept.push(*range);
                    continue;
                };
                let uses = self.uses.get(&alias.local);
                let manual = uses.is_some_and(|uses| !uses.manual.is_empty());
                let mut alias_needs = self.stmt_needs.get(&alias.local).cloned().unwrap_or_default();
                let held = uses.is_some_and(|uses| uses.held > 0);
                let keep = held || match &bound {
                    Bound::Exception(exception) => match self.target(exception) {
                        Some(target) => {
                            // A name with no use left needs no other module imported for it
                            // (`import httpx` for an unused NoCredentialsError).
                            let used = uses.is_some_and(|uses| !uses.renames.is_empty());
                            if !manual {
                                alias_needs.extend(Self::need_of(&target).filter(|need| used || *need == Need::Config));
                            }
                            manual
                        }
                        None => {
                            let message = self.unmapped_message(exception);
                            self.push(RuleId::ClientError, alias.range, message);
                            true
                        }
                    },
                    Bound::Module(_) => uses.is_none_or(|uses| {
                        uses.other > 0
                            || manual
                            || uses.renames.is_empty()
                            || uses.renames.iter().any(|reference| self.target(&reference.exception).is_none())
                    }),
                };
                if keep {
                    kept.push(*range);
                } else {
                    dropped += 1;
                }
                for need in alias_needs {
                    if !needs.contains(&need) {
                        needs.push(need);
                    }
                }
            }
            needs.retain(|need| !self.provided(need) && !emitted.contains(need));
            if stmt.module_level {
                emitted.extend(needs.iter().cloned());
            }
            plans.push(Plan { stmt, kept, dropped, needs });
        }
        for need in std::mem::take(&mut self.needs_extra) {
            if self.provided(&need) || emitted.contains(&need) {
                continue;
            }
            match plans.iter_mut().find(|plan| plan.stmt.module_level && (plan.dropped > 0 || !plan.needs.is_empty())) {
                Some(plan) => plan.needs.insert(0, need.clone()),
                None => {
                    let text = &self.ctx.file.text;
                    let at = insertion_offset(self.ctx.module, text);
                    self.edits.push(insert_lines(text, at, &self.need_line(&need), self.newline));
                }
            }
            emitted.insert(need);
        }
        for plan in plans {
            if plan.dropped == 0 && plan.needs.is_empty() {
                continue;
            }
            let text = &self.ctx.file.text;
            let stmt = &plan.stmt;
            let original = &text[stmt.range];
            let has_comment = self
                .ctx
                .tokens
                .iter()
                .any(|token| token.kind() == TokenKind::Comment && stmt.range.contains_range(token.range()));
            let mut lines: Vec<String> = plan.needs.iter().map(|need| self.need_line(need)).collect();
            if plan.dropped == 0 || has_comment {
                lines.push(original.to_owned());
            } else if !plan.kept.is_empty() {
                let aliases: Vec<&str> = plan.kept.iter().map(|range| &text[*range]).collect();
                lines.push(match &stmt.from_module {
                    Some(module) => format!("from {module} import {}", aliases.join(", ")),
                    None => format!("import {}", aliases.join(", ")),
                });
            }
            if lines.len() == 1 && lines[0] == original {
                // Nothing to change (a statement kept as written, its needs met elsewhere).
                continue;
            }
            let alone = starts_line(text, stmt.range.start()) && ends_line(text, stmt.range.end());
            let edit = if lines.is_empty() {
                if stmt.sole_in_body || !alone {
                    Edit::replace(stmt.range, "pass")
                } else {
                    Edit::delete(TextRange::new(line_start(text, stmt.range.start()), line_end_after(text, stmt.range.end())))
                }
            } else if starts_line(text, stmt.range.start()) {
                let indent = indentation(text, stmt.range.start());
                Edit::replace(stmt.range, lines.join(&format!("{}{indent}", self.newline)))
            } else {
                Edit::replace(stmt.range, lines.join("; "))
            };
            let names: Vec<String> = stmt.aliases.iter().map(|alias| alias.local.clone()).collect();
            self.fixable(
                RuleId::ClientError,
                stmt.range,
                format!("botocore exceptions imported (`{}`); import their Supabase replacements instead", names.join("`, `")),
                "import the Supabase exceptions",
                vec![edit],
            );
        }
    }

    // ----- the fix -----

    fn finish(mut self) -> Vec<Finding> {
        for (edits, moved, range, message) in std::mem::take(&mut self.merges) {
            if self.edits.iter().any(|edit| edit.range.intersect(moved).is_some_and(|common| !common.is_empty()) || (moved.contains_range(edit.range) && edit.range.is_empty())) {
                self.push(RuleId::ClientError, range, format!("{message} (on the next run: other edits inside it come first)"));
                continue;
            }
            self.fixable(RuleId::ClientError, range, message, "merge the NoSuchKey handler into the later handler", edits);
        }
        let mut edits = std::mem::take(&mut self.edits);
        edits.sort();
        edits.dedup();
        let overlapping = edits.windows(2).any(|pair| pair[1].start() < pair[0].end());
        let mut findings = self.findings;
        let shared = (!overlapping && !edits.is_empty()).then(|| Fix::safe("", edits));
        for (rule, range, message, title) in self.fixable {
            let fix = shared.as_ref().map(|fix| fix.titled(title));
            let message = if fix.is_none() { format!("{message} (no fix: the rewrite's edits overlap; please report it)") } else { message };
            findings.push(Finding { rule, severity: rule.default_severity(), range, message, fix });
        }
        findings
    }
}

// ----------------------------------------------------------------------------
// Text helpers
// ----------------------------------------------------------------------------

/// Where a handler's `except <type> [as name]` ends.
fn modeled_type_end(handler: &ExceptHandlerExceptHandler) -> TextSize {
    match (&handler.name, &handler.type_) {
        (Some(name), _) => name.end(),
        (None, Some(type_)) => type_.end(),
        (None, None) => handler.start(),
    }
}

/// The whitespace before `offset` on its line, when only whitespace precedes it.
fn indentation(text: &str, offset: TextSize) -> &str {
    let start = line_start(text, offset).to_usize();
    let before = &text[start..offset.to_usize()];
    let width = before.len() - before.trim_start_matches([' ', '\t', '\x0c']).len();
    &before[..width]
}

fn starts_line(text: &str, offset: TextSize) -> bool {
    let start = line_start(text, offset).to_usize();
    text[start..offset.to_usize()].chars().all(|ch| matches!(ch, ' ' | '\t' | '\x0c'))
}

/// Only whitespace or a comment follows `offset` on its line.
fn ends_line(text: &str, offset: TextSize) -> bool {
    let rest = &text[offset.to_usize()..];
    let line = rest.split('\n').next().unwrap_or_default().trim();
    line.is_empty() || line.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::testing::{findings_of, settle};
    const FILE: &str = "backend/api/files.py";

    fn findings(text: &str) -> Vec<Finding> {
        findings_of(check, &Config::defaults(), text, FILE)
    }

    /// Apply the safe fixes until nothing applies, like the pipeline; every output must
    /// parse. Returns the text and the findings left.
    fn fixed(text: &str) -> (String, Vec<Finding>) {
        settle(text, |current| {
            let found = findings(current);
            for finding in &found {
                // The declared availability holds: both rules fix only sometimes.
                assert!(finding.fix.is_none() || finding.rule.fix_availability() == crate::rule::FixAvailability::Sometimes);
            }
            found
        })
    }

    #[track_caller]
    fn assert_fix(before: &str, after: &str) {
        let (output, left) = fixed(before);
        assert_eq!(output, after);
        assert!(left.iter().all(|finding| finding.fix.is_none()));
        // Idempotent: the output gets no fix.
        assert!(findings(&output).iter().all(|finding| finding.fix.is_none()), "second run fixes:\n{output}");
    }

    /// The messages of the findings left after fixing, as (rule, message contains).
    #[track_caller]
    fn assert_left(before: &str, after: &str, expected: &[(RuleId, &str)]) {
        let (output, left) = fixed(before);
        assert_eq!(output, after);
        assert_eq!(left.len(), expected.len(), "{left:#?}");
        for ((rule, needle), finding) in expected.iter().zip(&left) {
            assert_eq!(finding.rule, *rule, "{finding:?}");
            assert!(finding.message.contains(needle), "{:?} lacks {needle:?}", finding.message);
            assert!(finding.fix.is_none());
        }
    }

    #[track_caller]
    fn assert_silent(text: &str) {
        let found = findings(text);
        assert!(found.is_empty(), "{found:#?}");
    }

    // ----- must fix: imports and names -----

    #[test]
    fn nothing_to_do_changes_nothing() {
        assert_silent("import os\n\ntry:\n    f()\nexcept ValueError as e:\n    print(e.response)\n");
        assert_silent("");
    }

    #[test]
    fn must_fix_client_error_import_and_handler() {
        assert_fix(
            "from botocore.exceptions import ClientError\n\ntry:\n    f()\nexcept ClientError as e:\n    print(e)\n",
            "from storage3.exceptions import StorageApiError\n\ntry:\n    f()\nexcept StorageApiError as e:\n    print(e)\n",
        );
    }

    #[test]
    fn must_fix_several_names_into_several_import_lines_and_tuples() {
        assert_fix(
            "import os\nfrom botocore.exceptions import ClientError, NoCredentialsError\n\ndef f():\n    try:\n        g()\n    except (ClientError, NoCredentialsError):\n        pass\n    except NoCredentialsError:\n        pass\n",
            "import os\nfrom storage3.exceptions import StorageApiError\nimport httpx\n\ndef f():\n    try:\n        g()\n    except (StorageApiError, httpx.HTTPError):\n        pass\n    except httpx.HTTPError:\n        pass\n",
        );
    }

    #[test]
    fn must_fix_keeping_the_indentation_of_a_local_import() {
        assert_fix(
            "def f():\n    from botocore.exceptions import ClientError, EndpointConnectionError\n    try:\n        g()\n    except (ClientError, EndpointConnectionError):\n        return None\n",
            "def f():\n    from storage3.exceptions import StorageApiError\n    import httpx\n    try:\n        g()\n    except (StorageApiError, httpx.ConnectError):\n        return None\n",
        );
    }

    #[test]
    fn must_fix_with_the_files_newline() {
        assert_fix(
            "from botocore.exceptions import ClientError, BotoCoreError\r\ntry:\r\n    f()\r\nexcept (ClientError, BotoCoreError):\r\n    pass\r\n",
            "from storage3.exceptions import StorageApiError\r\nimport httpx\r\ntry:\r\n    f()\r\nexcept (StorageApiError, httpx.HTTPError):\r\n    pass\r\n",
        );
    }

    #[test]
    fn must_fix_an_aliased_name_and_isinstance() {
        assert_fix(
            "from botocore.exceptions import ClientError as BotoError\ntry:\n    f()\nexcept (BotoError, ValueError) as e:\n    if isinstance(e, BotoError):\n        raise\n",
            "from storage3.exceptions import StorageApiError\ntry:\n    f()\nexcept (StorageApiError, ValueError) as e:\n    if isinstance(e, StorageApiError):\n        raise\n",
        );
    }

    #[test]
    fn must_fix_dotted_module_uses() {
        assert_fix(
            "import botocore.exceptions\ntry:\n    f()\nexcept botocore.exceptions.ClientError:\n    pass\n",
            "from storage3.exceptions import StorageApiError\ntry:\n    f()\nexcept StorageApiError:\n    pass\n",
        );
        assert_fix(
            "import botocore.exceptions as bce\ntry:\n    f()\nexcept (bce.ClientError, bce.NoCredentialsError):\n    pass\n",
            "from storage3.exceptions import StorageApiError\nimport httpx\ntry:\n    f()\nexcept (StorageApiError, httpx.HTTPError):\n    pass\n",
        );
        assert_fix(
            "from botocore import exceptions\ntry:\n    f()\nexcept exceptions.ClientError:\n    pass\n",
            "from storage3.exceptions import StorageApiError\ntry:\n    f()\nexcept StorageApiError:\n    pass\n",
        );
    }

    #[test]
    fn must_fix_but_keep_a_module_import_used_otherwise() {
        assert_fix(
            "import botocore\ncfg = botocore.config.Config()\ntry:\n    f()\nexcept botocore.exceptions.ClientError:\n    pass\n",
            "from storage3.exceptions import StorageApiError\nimport botocore\ncfg = botocore.config.Config()\ntry:\n    f()\nexcept StorageApiError:\n    pass\n",
        );
    }

    #[test]
    fn must_fix_reusing_existing_imports() {
        // httpx is already imported and the botocore line is left with nothing: it goes.
        assert_fix(
            "import httpx\nfrom botocore.exceptions import NoCredentialsError\ntry:\n    f()\nexcept NoCredentialsError:\n    pass\n",
            "import httpx\ntry:\n    f()\nexcept httpx.HTTPError:\n    pass\n",
        );
        assert_fix(
            "from storage3.exceptions import StorageApiError\nfrom botocore.exceptions import ClientError\ntry:\n    f()\nexcept (StorageApiError, ClientError):\n    pass\n",
            "from storage3.exceptions import StorageApiError\ntry:\n    f()\nexcept (StorageApiError, StorageApiError):\n    pass\n",
        );
        // The only statement of a block becomes `pass`.
        assert_fix(
            "import httpx\nif True:\n    from botocore.exceptions import NoCredentialsError\ntry:\n    f()\nexcept NoCredentialsError:\n    pass\n",
            "import httpx\nif True:\n    pass\ntry:\n    f()\nexcept httpx.HTTPError:\n    pass\n",
        );
    }

    #[test]
    fn must_fix_around_an_import_with_comments_and_settle() {
        assert_fix(
            "from botocore.exceptions import (  # why\n    ClientError,\n)\ntry:\n    f()\nexcept ClientError:\n    pass\n",
            "from storage3.exceptions import StorageApiError\nfrom botocore.exceptions import (  # why\n    ClientError,\n)\ntry:\n    f()\nexcept StorageApiError:\n    pass\n",
        );
    }

    #[test]
    fn must_fix_an_unused_import() {
        assert_fix("from botocore.exceptions import ClientError\n", "from storage3.exceptions import StorageApiError\n");
    }

    // ----- must report: names that stay -----

    #[test]
    fn must_report_an_unmapped_exception_and_keep_its_import() {
        assert_left(
            "from botocore.exceptions import ClientError, ParamValidationError\ntry:\n    f()\nexcept (ClientError, ParamValidationError):\n    pass\n",
            "from storage3.exceptions import StorageApiError\nfrom botocore.exceptions import ParamValidationError\ntry:\n    f()\nexcept (StorageApiError, ParamValidationError):\n    pass\n",
            &[(RuleId::ClientError, "`ParamValidationError` has no replacement in [errors.exceptions]")],
        );
    }

    #[test]
    fn must_report_raise_and_subclass_and_keep_the_name() {
        assert_left(
            "from botocore.exceptions import ClientError\nclass Missing(ClientError):\n    pass\ndef f():\n    try:\n        g()\n    except ClientError:\n        raise ClientError({}, 'op')\n",
            "from storage3.exceptions import StorageApiError\nfrom botocore.exceptions import ClientError\nclass Missing(ClientError):\n    pass\ndef f():\n    try:\n        g()\n    except StorageApiError:\n        raise ClientError({}, 'op')\n",
            &[(RuleId::ClientError, "manual: a subclass"), (RuleId::ClientError, "manual: `raise ClientError")],
        );
    }

    #[test]
    fn must_report_a_name_bound_twice() {
        let text = "try:\n    from botocore.exceptions import ClientError\nexcept ImportError:\n    ClientError = Exception\ntry:\n    f()\nexcept ClientError:\n    pass\n";
        assert_left(text, text, &[(RuleId::ClientError, "also bound elsewhere in this file (line 4)")]);
    }

    #[test]
    fn must_report_client_error_in_a_file_using_other_aws_services() {
        let text = "import boto3\nfrom botocore.exceptions import ClientError, NoCredentialsError\nsqs = boto3.client(\"sqs\")\ntry:\n    f()\nexcept (ClientError, NoCredentialsError) as e:\n    if e.response[\"Error\"][\"Code\"] == \"NoSuchKey\":\n        pass\n";
        assert_left(
            text,
            &text
                .replace("from botocore.exceptions import ClientError, NoCredentialsError", "import httpx\nfrom botocore.exceptions import ClientError")
                .replace("NoCredentialsError) as e", "httpx.HTTPError) as e"),
            &[(RuleId::ClientError, "boto3 clients for `sqs`, whose errors are `ClientError` too")],
        );
    }

    #[test]
    fn must_report_a_star_import() {
        let text = "from botocore.exceptions import *\ntry:\n    f()\nexcept ClientError:\n    pass\n";
        assert_left(text, text, &[(RuleId::ClientError, "star import")]);
    }

    #[test]
    fn must_report_when_the_new_name_is_taken() {
        let text = "from botocore.exceptions import ClientError\nclass StorageApiError(Exception):\n    pass\ntry:\n    f()\nexcept ClientError:\n    pass\n";
        assert_left(text, text, &[(RuleId::ClientError, "`StorageApiError` is already bound")]);
    }

    // ----- must stay silent: look-alikes -----

    #[test]
    fn must_stay_silent_on_the_projects_own_client_error() {
        assert_silent(
            "from api.errors import ClientError, NotFoundError\n\ndef f(x):\n    if not x:\n        raise ClientError(\"lesson must be an integer\")\n    try:\n        g()\n    except ClientError as e:\n        if e.response[\"Error\"][\"Code\"] == \"NoSuchKey\":\n            return None\n",
        );
        assert_silent("class ClientError(Exception):\n    pass\n\ntry:\n    f()\nexcept ClientError:\n    pass\n");
    }

    #[test]
    fn must_stay_silent_on_strings_and_comments() {
        assert_silent(
            "\"\"\"Nothing to do with botocore.exceptions.ClientError.\"\"\"\n# except ClientError as e: e.response[\"Error\"][\"Code\"]\nMESSAGE = \"ClientError: s3_client.exceptions.NoSuchKey\"\n",
        );
    }

    #[test]
    fn must_stay_silent_on_other_libraries_exceptions() {
        assert_silent("import requests\ntry:\n    f()\nexcept requests.exceptions.ConnectionError:\n    pass\n");
        assert_silent("from werkzeug import exceptions\ntry:\n    f()\nexcept exceptions.NotFound:\n    pass\n");
    }

    // ----- modeled exceptions -----

    #[test]
    fn must_fix_a_modeled_exception_into_a_status_check() {
        assert_fix(
            "import json\n\nclass C:\n    def load(self):\n        try:\n            data = self.s3.get_object(Bucket=b, Key=k)\n        except self.s3.exceptions.NoSuchKey:\n            data = None\n        return data\n",
            "import json\nfrom storage3.exceptions import StorageApiError\n\nclass C:\n    def load(self):\n        try:\n            data = self.s3.get_object(Bucket=b, Key=k)\n        except StorageApiError as _storage_error:\n            if str(_storage_error.status) != \"404\":\n                raise\n            data = None\n        return data\n",
        );
    }

    #[test]
    fn must_fix_a_named_modeled_exception_and_checks_in_it() {
        assert_fix(
            "from botocore.exceptions import ClientError\ntry:\n    f()\nexcept client.exceptions.NoSuchBucket as err:\n    log(err)\nexcept ValueError:\n    pass\n",
            "from storage3.exceptions import StorageApiError\ntry:\n    f()\nexcept StorageApiError as err:\n    if str(err.status) != \"404\":\n        raise\n    log(err)\nexcept ValueError:\n    pass\n",
        );
    }

    #[test]
    fn must_fix_a_one_line_modeled_handler() {
        assert_fix(
            "try:\n    f()\nexcept s3.exceptions.NoSuchKey: x = None\n",
            "from storage3.exceptions import StorageApiError\ntry:\n    f()\nexcept StorageApiError as _storage_error:\n    if str(_storage_error.status) != \"404\":\n        raise\n    x = None\n",
        );
    }

    #[test]
    fn must_fix_a_fresh_name_that_is_free() {
        assert_fix(
            "_storage_error = 1\ntry:\n    f()\nexcept s3.exceptions.NoSuchKey:\n    pass\n",
            "from storage3.exceptions import StorageApiError\n_storage_error = 1\ntry:\n    f()\nexcept StorageApiError as _storage_error_2:\n    if str(_storage_error_2.status) != \"404\":\n        raise\n    pass\n",
        );
    }

    #[test]
    fn must_fix_by_merging_into_a_later_client_error_handler() {
        assert_fix(
            "from botocore.exceptions import ClientError\n\ndef get(k):\n    try:\n        return s3_client.get_object(Bucket=b, Key=k)[\"Body\"].read()\n    except s3_client.exceptions.NoSuchKey:\n        # missing is fine\n        return None\n    except ClientError as e:\n        print(f\"Error reading {k}: {e}\")\n        return None\n",
            "from storage3.exceptions import StorageApiError\n\ndef get(k):\n    try:\n        return s3_client.get_object(Bucket=b, Key=k)[\"Body\"].read()\n    except StorageApiError as e:\n        if str(e.status) == \"404\":\n            # missing is fine\n            return None\n        print(f\"Error reading {k}: {e}\")\n        return None\n",
        );
        // A later handler without a name gets one; an unrelated handler in between stays.
        assert_fix(
            "from botocore.exceptions import ClientError\ntry:\n    f()\nexcept s3.exceptions.NoSuchKey:\n    x = None\nexcept ValueError:\n    x = 0\nexcept ClientError:\n    x = 1\n",
            "from storage3.exceptions import StorageApiError\ntry:\n    f()\nexcept ValueError:\n    x = 0\nexcept StorageApiError as _storage_error:\n    if str(_storage_error.status) == \"404\":\n        x = None\n    x = 1\n",
        );
    }

    #[test]
    fn must_fix_modeled_handlers_with_crlf_and_tabs() {
        assert_fix(
            "from botocore.exceptions import ClientError\r\ndef f():\r\n\ttry:\r\n\t\tg()\r\n\texcept c.exceptions.NoSuchKey:\r\n\t\treturn None\r\n\texcept ClientError as e:\r\n\t\treturn e\r\n",
            "from storage3.exceptions import StorageApiError\r\ndef f():\r\n\ttry:\r\n\t\tg()\r\n\texcept StorageApiError as e:\r\n\t\tif str(e.status) == \"404\":\r\n\t\t\treturn None\r\n\t\treturn e\r\n",
        );
        assert_fix(
            "def f():\r\n\ttry:\r\n\t\tg()\r\n\texcept c.exceptions.NoSuchKey:\r\n\t\treturn None\r\n",
            "from storage3.exceptions import StorageApiError\r\ndef f():\r\n\ttry:\r\n\t\tg()\r\n\texcept StorageApiError as _storage_error:\r\n\t\tif str(_storage_error.status) != \"404\":\r\n\t\t\traise\r\n\t\treturn None\r\n",
        );
    }

    #[test]
    fn must_report_a_modeled_exception_before_a_broad_handler() {
        let text = "try:\n    f()\nexcept s3.exceptions.NoSuchKey:\n    x = None\nexcept Exception:\n    x = 1\n";
        assert_left(text, text, &[(RuleId::ClientError, "the handler on line 5 would also catch")]);
        let text = "try:\n    f()\nexcept s3.exceptions.NoSuchKey:\n    x = None\nexcept s3.exceptions.NoSuchBucket:\n    x = 1\n";
        assert_left(
            text,
            text,
            &[(RuleId::ClientError, "one of several modeled S3 exceptions"), (RuleId::ClientError, "one of several modeled S3 exceptions")],
        );
        let text = "try:\n    f()\nexcept (s3.exceptions.NoSuchKey, ValueError):\n    x = None\n";
        assert_left(text, text, &[(RuleId::ClientError, "in a tuple")]);
        let text = "try:\n    f()\nexcept s3.exceptions.NoSuchUpload:\n    x = None\n";
        assert_left(text, text, &[(RuleId::ClientError, "`NoSuchUpload` has no Supabase status")]);
    }

    // ----- error-code checks -----

    fn handler(body: &str) -> String {
        format!("from botocore.exceptions import ClientError\ntry:\n    f()\nexcept ClientError as e:\n{body}")
    }

    fn migrated(body: &str) -> String {
        format!("from storage3.exceptions import StorageApiError\ntry:\n    f()\nexcept StorageApiError as e:\n{body}")
    }

    #[test]
    fn must_fix_code_comparisons() {
        let cases = [
            ("    if e.response[\"Error\"][\"Code\"] == \"NoSuchKey\":\n        pass\n", "    if str(e.status) == \"404\":\n        pass\n"),
            ("    if e.response['Error']['Code'] != 'NoSuchKey':\n        raise\n", "    if str(e.status) != '404':\n        raise\n"),
            ("    if e.response[\"Error\"][\"Code\"] in [\"NoSuchKey\", \"404\"]:\n        pass\n", "    if str(e.status) == \"404\":\n        pass\n"),
            ("    if e.response[\"Error\"][\"Code\"] not in (\"NoSuchKey\", \"AccessDenied\", \"404\"):\n        raise\n", "    if str(e.status) not in (\"404\", \"403\"):\n        raise\n"),
            ("    if e.response.get(\"Error\", {}).get(\"Code\") == \"404\":\n        pass\n", "    if str(e.status) == \"404\":\n        pass\n"),
            ("    if \"NoSuchKey\" == e.response[\"Error\"][\"Code\"]:\n        pass\n", "    if \"404\" == str(e.status):\n        pass\n"),
            ("    if e.response[\"ResponseMetadata\"][\"HTTPStatusCode\"] == 404:\n        pass\n", "    if str(e.status) == \"404\":\n        pass\n"),
            ("    ok = e.response[\"Error\"][\"Code\"] in {\"AccessDenied\", \"NoSuchKey\"}\n", "    ok = str(e.status) in {\"403\", \"404\"}\n"),
        ];
        for (before, after) in cases {
            assert_fix(&handler(before), &migrated(after));
        }
    }

    #[test]
    fn must_fix_a_code_variable_and_its_comparisons() {
        assert_fix(
            &handler("    code = e.response.get(\"Error\", {}).get(\"Code\")\n    if code in (\"404\", \"NoSuchKey\"):\n        return None\n    raise\n"),
            &migrated("    code = str(e.status)\n    if code == \"404\":\n        return None\n    raise\n"),
        );
    }

    #[test]
    fn must_report_a_code_variable_used_as_a_value() {
        assert_left(
            &handler("    code = e.response[\"Error\"][\"Code\"]\n    if code == \"NoSuchKey\":\n        return None\n    log(code)\n"),
            &migrated("    code = e.response[\"Error\"][\"Code\"]\n    if code == \"NoSuchKey\":\n        return None\n    log(code)\n"),
            &[(RuleId::ErrorCodeCheck, "`code` holds an S3 error code and is used other than in comparisons")],
        );
    }

    #[test]
    fn must_report_unknown_shapes() {
        assert_left(
            &handler("    print(f\"failed: {e.response['Error']['Message']}\")\n    report(e.response)\n    return {\"error\": e.response[\"Error\"][\"Code\"]}\n"),
            &migrated("    print(f\"failed: {e.response['Error']['Message']}\")\n    report(e.response)\n    return {\"error\": e.response[\"Error\"][\"Code\"]}\n"),
            &[
                (RuleId::ErrorCodeCheck, "use `e.message`"),
                (RuleId::ErrorCodeCheck, "`e.response`: StorageApiError has no `.response`"),
                (RuleId::ErrorCodeCheck, "the S3 error code used as a value"),
            ],
        );
    }

    #[test]
    fn must_report_an_unmapped_code_and_odd_comparisons() {
        assert_left(
            &handler("    if e.response[\"Error\"][\"Code\"] == \"SlowDown\":\n        pass\n    if e.response[\"Error\"][\"Code\"].startswith(\"No\"):\n        pass\n"),
            &migrated("    if e.response[\"Error\"][\"Code\"] == \"SlowDown\":\n        pass\n    if e.response[\"Error\"][\"Code\"].startswith(\"No\"):\n        pass\n"),
            &[
                (RuleId::ErrorCodeCheck, "S3 error code \"SlowDown\" has no Supabase status"),
                (RuleId::ErrorCodeCheck, "the S3 error code used as a value"),
            ],
        );
    }

    #[test]
    fn must_fix_nested_handlers_each_on_its_own_name() {
        assert_fix(
            &handler("    if e.response[\"Error\"][\"Code\"] == \"404\":\n        try:\n            g()\n        except ClientError as create_error:\n            print(create_error.response[\"Error\"][\"Code\"] == \"AccessDenied\")\n        except ValueError as e:\n            print(e.response)\n"),
            &migrated("    if str(e.status) == \"404\":\n        try:\n            g()\n        except StorageApiError as create_error:\n            print(str(create_error.status) == \"403\")\n        except ValueError as e:\n            print(e.response)\n"),
        );
    }

    #[test]
    fn must_report_s3_error_reads_outside_a_client_error_handler() {
        let text = "from botocore.exceptions import ClientError\ntry:\n    f()\nexcept Exception as err:\n    if err.response[\"Error\"][\"Code\"] == \"NoSuchKey\":\n        pass\n";
        assert_left(
            text,
            &text.replace("botocore.exceptions import ClientError", "storage3.exceptions import StorageApiError"),
            &[(RuleId::ErrorCodeCheck, "`err` is not a caught `ClientError`")],
        );
    }

    #[test]
    fn must_stay_silent_on_response_of_other_exceptions() {
        assert_silent("try:\n    f()\nexcept requests.HTTPError as e:\n    if e.response.status_code == 404:\n        pass\n");
    }
}
