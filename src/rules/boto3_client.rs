//! boto3 itself: the S3 clients code builds (`boto3-client`), the imports of boto3 and
//! botocore (`boto3-import`) and every call still made on a boto3 object (`boto3-call`).
//!
//! Design: a boto3 client is removed only once nothing uses it. Until its calls are
//! translated (by hand, or by a later rule family) it stays where it is, so every
//! intermediate state of the code base still imports and runs, and `check` fails on each
//! remaining use. Replacing a client that is still called would leave a NameError (or an
//! AttributeError, if it were pointed at Supabase's `storage`, which has none of S3's
//! methods) behind code that looks migrated.
//!
//! The file is walked once. Every module and function scope is first pre-scanned for
//! the names it binds to boto3 objects (imports of boto3, sessions, clients, resources,
//! buckets, paginators); a class is pre-scanned for `self.<attr> = <client>` in its
//! methods. The walk then records every use of those bindings. A binding whose uses all
//! lie in statements being removed is removed too (a session feeding only a removed
//! client), then the imports that fed only removed statements; all of that is one fix.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Arguments, Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::fix::imports::{delete_statement, insert_lines, insertion_offset, line_end_after, remove_import_names};
use crate::rules::storage_access::access;
use crate::rule::RuleId;
use crate::rules::RuleContext;
use crate::scope::bound_names;
use crate::source::LineIndex;
use crate::python_syntax::string_literal;




/// What a name or expression holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    /// The `boto3` module.
    Boto3,
    /// The `boto3.session` module.
    SessionModule,
    ClientFactory,
    ResourceFactory,
    SessionClass,
    /// Any other name from boto3 or botocore (`botocore`, `TransferConfig`, ...).
    OtherBoto,
    /// A name imported from the storage module (it may only feed a client).
    StorageMember,
    Object(Kind),
}

impl Value {
    fn is_import(self) -> bool {
        !matches!(self, Value::Object(_) | Value::StorageMember)
    }
}

/// A boto3 object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Session,
    Client,
    Resource,
    /// `resource.Bucket(b)`, `resource.Object(b, k)`, an item of a collection.
    ResourceObject,
    /// `bucket.objects`
    ObjectsManager,
    /// `bucket.objects.filter(...)`
    Collection,
    Paginator,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Session => "boto3 session",
            Kind::Client => "boto3 S3 client",
            Kind::Resource => "boto3 S3 resource",
            Kind::ResourceObject => "boto3 S3 resource object",
            Kind::ObjectsManager | Kind::Collection => "boto3 S3 object collection",
            Kind::Paginator => "boto3 paginator",
        }
    }
}

/// Where a binding comes from.
#[derive(Clone, Copy, Debug)]
enum Def<'a> {
    /// `name = <value>` or `x.attr = <value>`: removable when `removable`.
    Statement { stmt: &'a Stmt, body: BodyKey, removable: bool },
    /// One alias of an import statement.
    Import { stmt: &'a Stmt, alias: usize, body: BodyKey },
    /// A loop target or a statement that cannot be removed.
    Fixed,
}

/// Identifies a block: where its first statement starts.
type BodyKey = TextSize;

struct Binding<'a> {
    /// `s3`, `self.s3`, `boto3`.
    display: String,
    value: Value,
    defs: Vec<Def<'a>>,
    uses: Vec<TextRange>,
    /// The storage module's module-level client, which the Supabase client replaces.
    storage_client: bool,
    /// Public and reachable from other modules (a module-level or class name, a public
    /// attribute), where this file cannot see every use: never removed automatically.
    exported: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Function,
    Class,
}

struct Scope {
    kind: ScopeKind,
    /// Every name the scope binds (a local shadows outer boto3 bindings).
    bound: BTreeSet<String>,
    names: BTreeMap<String, usize>,
    /// Class scopes: attribute name → binding.
    attrs: BTreeMap<String, usize>,
    /// Function scopes: names declared `global` or `nonlocal`.
    outer: BTreeSet<String>,
}

impl Scope {
    fn new(kind: ScopeKind, bound: BTreeSet<String>) -> Scope {
        Scope { kind, bound, names: BTreeMap::new(), attrs: BTreeMap::new(), outer: BTreeSet::new() }
    }

    fn function(parameters: Option<&ruff_python_ast::Parameters>, body: &[Stmt]) -> Scope {
        let mut outer = BTreeSet::new();
        let mut statements = Vec::new();
        collect_statements(body, &mut statements);
        for (stmt, _) in statements {
            match stmt {
                Stmt::Global(global) => outer.extend(global.names.iter().map(ToString::to_string)),
                Stmt::Nonlocal(nonlocal) => outer.extend(nonlocal.names.iter().map(ToString::to_string)),
                _ => {}
            }
        }
        let mut bound = bound_names(parameters, body);
        bound.retain(|name| !outer.contains(name));
        Scope { outer, ..Scope::new(ScopeKind::Function, bound) }
    }
}

/// An expression classified: what it holds, and whether evaluating it can only build
/// boto3 objects (no other calls).
#[derive(Clone, Copy)]
struct Classified {
    value: Value,
    pure: bool,
}

pub fn check(ctx: &RuleContext) -> Vec<Finding> {
    // Every client this family tracks comes from a `boto3` import or from the storage
    // module (its client used elsewhere): without either, the walk below finds nothing.
    let reaches_storage = ctx.bindings.module.is_some() || !ctx.bindings.functions.is_empty();
    if !ctx.is_storage_module && !reaches_storage && !ctx.file.text.contains("boto") {
        return Vec::new();
    }
    let mut checker = Checker {
        ctx,
        scopes: Vec::new(),
        bindings: Vec::new(),
        bodies: BTreeMap::new(),
        construction_values: BTreeSet::new(),
        calls: Vec::new(),
        covered: 0,
        findings: Vec::new(),
    };
    checker.scopes.push(Scope::new(ScopeKind::Module, ctx.bindings.module_names.clone()));
    checker.prescan_body(&ctx.module.body);
    checker.visit_body(&ctx.module.body);
    checker.finish()
}

struct Checker<'a, 'b> {
    ctx: &'b RuleContext<'a>,
    scopes: Vec<Scope>,
    bindings: Vec<Binding<'a>>,
    /// Each block's statement ranges, to leave `pass` in one that would become empty.
    bodies: BTreeMap<BodyKey, Vec<TextRange>>,
    /// Ranges of values whose statement is a recorded construction (not reported inline).
    construction_values: BTreeSet<(TextSize, TextSize)>,
    /// `boto3-call` findings: (range, message).
    calls: Vec<(TextRange, String)>,
    /// Above zero while walking an expression already reported (or a construction).
    covered: usize,
    /// Suppression comments: a suppressed construction or import is never removed, even
    /// through the fix it shares with the others.
    findings: Vec<Finding>,
}

impl<'a> Checker<'a, '_> {
    fn text(&self, range: TextRange) -> &str {
        &self.ctx.file.text[range]
    }

    // ----- bindings and lookups -----

    fn lookup(&self, name: &str) -> Option<usize> {
        let innermost = self.scopes.len().saturating_sub(1);
        for (at, scope) in self.scopes.iter().enumerate().rev() {
            // A class body's names are not visible from the functions inside it.
            if scope.kind == ScopeKind::Class && at != innermost {
                continue;
            }
            if let Some(&id) = scope.names.get(name) {
                return Some(id);
            }
            if scope.bound.contains(name) {
                return None;
            }
        }
        None
    }

    /// `x.attr` where `attr` holds a boto3 object in the nearest enclosing class.
    fn lookup_attr(&self, attr: &str) -> Option<usize> {
        let class = self.scopes.iter().rev().find(|scope| scope.kind == ScopeKind::Class)?;
        class.attrs.get(attr).copied().or_else(|| {
            // A class attribute (`client = boto3.client("s3")` in the class body).
            class.names.get(attr).copied().filter(|&id| matches!(self.bindings[id].value, Value::Object(_)))
        })
    }

    /// Whether `stmt`, a client assigned in the storage module, is the one the Supabase
    /// client replaces: directly in the module body (not in an `if` or `try`, where the
    /// new lines would need that block's indentation), and, once the Supabase client
    /// exists, the statement right before the lines this rule added beside it.
    fn replaced_by_supabase(&self, stmt: &Stmt) -> bool {
        let body = &self.ctx.module.body;
        let Some(at) = body.iter().position(|top| top.range() == stmt.range()) else { return false };
        let client = &self.ctx.config.client;
        let names = &self.ctx.bindings.module_names;
        if !(names.contains(client.client_name.as_str()) && names.contains(client.storage_name.as_str())) {
            return true;
        }
        let ours = [&client.url_env, &client.key_env, &client.client_name, &client.storage_name];
        let target = match body.get(at + 1) {
            Some(Stmt::Assign(assign)) => assign.targets.first(),
            Some(Stmt::AnnAssign(assign)) => Some(assign.target.as_ref()),
            _ => None,
        };
        matches!(target, Some(Expr::Name(name)) if ours.iter().any(|ours| ours.as_str() == name.id.as_str()))
    }

    fn suppressed(&self, rule: RuleId, offset: TextSize) -> bool {
        self.ctx.suppressions.is_suppressed(rule, self.ctx.lines.line_of(offset))
    }

    fn add_binding(&mut self, name: &str, value: Value, def: Def<'a>) -> usize {
        let scope = self.scopes.len() - 1;
        if let Some(&id) = self.scopes[scope].names.get(name) {
            if self.bindings[id].value == value {
                self.bindings[id].defs.push(def);
                return id;
            }
        }
        let storage_client = self.ctx.is_storage_module
            && self.scopes[scope].kind == ScopeKind::Module
            && value == Value::Object(Kind::Client)
            && !self.bindings.iter().any(|binding| binding.storage_client)
            && matches!(def, Def::Statement { stmt, .. } if self.replaced_by_supabase(stmt));
        // The storage client is replaced by Supabase's, unless other files still use it.
        let reached = self.ctx.index.storage.as_ref().is_some_and(|storage| storage.demand.reached.contains(name));
        let exported = (!storage_client || reached)
            && matches!(self.scopes[scope].kind, ScopeKind::Module | ScopeKind::Class)
            && matches!(value, Value::Object(_))
            && !name.starts_with('_');
        self.bindings.push(Binding { display: name.to_owned(), value, defs: vec![def], uses: Vec::new(), storage_client, exported });
        let id = self.bindings.len() - 1;
        self.scopes[scope].names.insert(name.to_owned(), id);
        id
    }

    // ----- classification -----

    fn classify(&self, expr: &Expr) -> Option<Classified> {
        match expr {
            Expr::Name(name) => {
                let id = self.lookup(name.id.as_str())?;
                Some(Classified { value: self.bindings[id].value, pure: true })
            }
            Expr::Attribute(attribute) => {
                if let Expr::Name(_) = attribute.value.as_ref() {
                    if let Some(id) = self.lookup_attr(attribute.attr.as_str()) {
                        if self.classify(&attribute.value).is_none() {
                            return Some(Classified { value: self.bindings[id].value, pure: true });
                        }
                    }
                }
                let base = self.classify(&attribute.value)?;
                let value = match (base.value, attribute.attr.as_str()) {
                    (Value::Boto3, "session") => Value::SessionModule,
                    (Value::Boto3, "client") => Value::ClientFactory,
                    (Value::Boto3, "resource") => Value::ResourceFactory,
                    (Value::Boto3 | Value::SessionModule, "Session") => Value::SessionClass,
                    (Value::Boto3 | Value::SessionModule | Value::OtherBoto, _) => Value::OtherBoto,
                    (Value::Object(Kind::ResourceObject), "objects") => Value::Object(Kind::ObjectsManager),
                    _ => return None,
                };
                Some(Classified { value, pure: base.pure })
            }
            Expr::Call(call) => self.classify_call(call),
            _ => None,
        }
    }

    fn classify_call(&self, call: &ExprCall) -> Option<Classified> {
        let pure = |checker: &Self, base_pure: bool| base_pure && checker.simple_arguments(&call.arguments);
        match call.func.as_ref() {
            Expr::Attribute(attribute) => {
                let base = self.classify(&attribute.value)?;
                let method = attribute.attr.as_str();
                let kind = match (base.value, method) {
                    (Value::Object(Kind::Session), "client") if is_s3(&call.arguments) => Kind::Client,
                    (Value::Object(Kind::Session), "resource") if is_s3(&call.arguments) => Kind::Resource,
                    (Value::Object(Kind::Resource), "Bucket" | "Object" | "ObjectSummary") => Kind::ResourceObject,
                    (Value::Object(Kind::Client), "get_paginator") => Kind::Paginator,
                    (Value::Object(Kind::ObjectsManager | Kind::Collection), "filter" | "all" | "limit" | "page_size") => {
                        Kind::Collection
                    }
                    _ => {
                        let func = self.classify(&call.func)?;
                        return self.factory_call(func, call);
                    }
                };
                Some(Classified { value: Value::Object(kind), pure: pure(self, base.pure) })
            }
            func => {
                let func = self.classify(func)?;
                self.factory_call(func, call)
            }
        }
    }

    /// A call of a boto3 factory (`boto3.client`, `client`, `Session`, ...).
    fn factory_call(&self, func: Classified, call: &ExprCall) -> Option<Classified> {
        let kind = match func.value {
            Value::ClientFactory if is_s3(&call.arguments) => Kind::Client,
            Value::ResourceFactory if is_s3(&call.arguments) => Kind::Resource,
            Value::SessionClass => Kind::Session,
            _ => return None,
        };
        Some(Classified { value: Value::Object(kind), pure: func.pure && self.simple_arguments(&call.arguments) })
    }

    /// Arguments whose evaluation has no effect worth keeping: names, attributes,
    /// literals, `os.getenv(...)` and boto3/botocore configuration objects.
    fn simple_arguments(&self, arguments: &Arguments) -> bool {
        arguments.args.iter().all(|arg| self.simple(arg)) && arguments.keywords.iter().all(|keyword| self.simple(&keyword.value))
    }

    fn simple(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(_)
            | Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_) => true,
            Expr::Attribute(attribute) => self.simple(&attribute.value),
            Expr::Call(call) => {
                let func = self.text(call.func.range());
                let env = matches!(func, "os.getenv" | "getenv" | "os.environ.get" | "environ.get");
                let boto = self.classify(&call.func).is_some_and(|func| func.value == Value::OtherBoto);
                (env || boto) && self.simple_arguments(&call.arguments)
            }
            _ => false,
        }
    }

    // ----- pre-scan: the names a scope binds to boto3 objects -----

    fn prescan_body(&mut self, body: &'a [Stmt]) {
        let Some(first) = body.first() else { return };
        let key = first.start();
        self.bodies.insert(key, body.iter().map(Ranged::range).collect());
        for stmt in body {
            self.prescan_stmt(stmt, key);
        }
    }

    fn prescan_stmt(&mut self, stmt: &'a Stmt, body: BodyKey) {
        match stmt {
            Stmt::Import(import) => {
                for (index, alias) in import.names.iter().enumerate() {
                    let name = alias.name.as_str();
                    let top = name.split('.').next().unwrap_or_default();
                    let value = match (top, alias.asname.is_some()) {
                        ("boto3", false) => Value::Boto3,
                        ("boto3", true) if name == "boto3" => Value::Boto3,
                        ("boto3", true) if name == "boto3.session" => Value::SessionModule,
                        ("boto3", true) => Value::OtherBoto,
                        // botocore.exceptions belongs to the client-error family.
                        ("botocore", _) if name.starts_with("botocore.exceptions") => continue,
                        ("botocore", _) => Value::OtherBoto,
                        _ => continue,
                    };
                    let local = alias.asname.as_ref().map_or(top, |asname| asname.as_str());
                    self.add_binding(local, value, Def::Import { stmt, alias: index, body });
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_deref().unwrap_or_default();
                let ctx = self.ctx;
                let at_module = self.scopes.len() == 1;
                let storage_member = |local: &str| {
                    at_module
                        && (ctx.bindings.functions.contains_key(local)
                            || ctx.bindings.constant.as_ref().is_some_and(|constant| constant.reference == local))
                };
                for (index, alias) in import.names.iter().enumerate() {
                    let name = alias.name.as_str();
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    let value = if import.level > 0 {
                        if !storage_member(&local) {
                            continue;
                        }
                        Value::StorageMember
                    } else {
                        match (module, name) {
                            ("boto3", "client") => Value::ClientFactory,
                            ("boto3", "resource") => Value::ResourceFactory,
                            ("boto3" | "boto3.session", "Session") => Value::SessionClass,
                            ("boto3", "session") => Value::SessionModule,
                            ("botocore", "exceptions") => continue,
                            (module, _) if module.starts_with("botocore.exceptions") => continue,
                            (module, _) if is_boto_module(module) => Value::OtherBoto,
                            _ if storage_member(&local) => Value::StorageMember,
                            _ => continue,
                        }
                    };
                    self.add_binding(&local, value, Def::Import { stmt, alias: index, body });
                }
            }
            Stmt::Assign(assign) => {
                if let [Expr::Name(name)] = assign.targets.as_slice() {
                    self.prescan_assignment(name.id.as_str(), &assign.value, stmt, body);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let (Expr::Name(name), Some(value)) = (assign.target.as_ref(), assign.value.as_deref()) {
                    self.prescan_assignment(name.id.as_str(), value, stmt, body);
                }
            }
            Stmt::For(each) => {
                if let (Expr::Name(name), Some(iter)) = (each.target.as_ref(), self.classify(&each.iter)) {
                    if iter.value == Value::Object(Kind::Collection) {
                        self.add_binding(name.id.as_str(), Value::Object(Kind::ResourceObject), Def::Fixed);
                    }
                }
                self.prescan_body(&each.body);
                self.prescan_body(&each.orelse);
            }
            Stmt::While(each) => {
                self.prescan_body(&each.body);
                self.prescan_body(&each.orelse);
            }
            Stmt::If(branch) => {
                self.prescan_body(&branch.body);
                for clause in &branch.elif_else_clauses {
                    self.prescan_body(&clause.body);
                }
            }
            Stmt::With(with) => self.prescan_body(&with.body),
            Stmt::Try(block) => {
                self.prescan_body(&block.body);
                for handler in &block.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    self.prescan_body(&handler.body);
                }
                self.prescan_body(&block.orelse);
                self.prescan_body(&block.finalbody);
            }
            Stmt::Match(each) => {
                for case in &each.cases {
                    self.prescan_body(&case.body);
                }
            }
            _ => {}
        }
    }

    fn prescan_assignment(&mut self, name: &str, value: &'a Expr, stmt: &'a Stmt, body: BodyKey) {
        // `global X` / `nonlocal X`: the binding lives elsewhere, with uses this scope cannot see.
        if self.scopes.last().is_some_and(|scope| scope.outer.contains(name)) {
            return;
        }
        let Some(classified) = self.classify(value) else { return };
        let Value::Object(kind) = classified.value else { return };
        let removable = classified.pure;
        self.construction_values.insert(span(value.range()));
        self.add_binding(name, Value::Object(kind), Def::Statement { stmt, body, removable });
    }

    /// `<name>.<attr> = <boto3 object>` in the methods of a class: the attribute holds it.
    fn prescan_class(&mut self, body: &'a [Stmt]) {
        let mut found: Vec<(String, Kind, Def<'a>, TextRange)> = Vec::new();
        for stmt in body {
            let Stmt::FunctionDef(def) = stmt else { continue };
            let bindings_before = self.bindings.len();
            self.scopes.push(Scope::function(Some(&def.parameters), &def.body));
            self.prescan_body(&def.body);
            let mut statements = Vec::new();
            collect_statements(&def.body, &mut statements);
            for (inner, body) in statements {
                let Stmt::Assign(assign) = inner else { continue };
                let [Expr::Attribute(target)] = assign.targets.as_slice() else { continue };
                if !matches!(target.value.as_ref(), Expr::Name(_)) {
                    continue;
                }
                let Some(classified) = self.classify(&assign.value) else { continue };
                let Value::Object(kind) = classified.value else { continue };
                let removable = classified.pure;
                found.push((
                    target.attr.to_string(),
                    kind,
                    Def::Statement { stmt: inner, body, removable },
                    assign.value.range(),
                ));
            }
            self.scopes.pop();
            self.bindings.truncate(bindings_before);
        }
        let class = self.scopes.len() - 1;
        for (attr, kind, def, value) in found {
            self.construction_values.insert(span(value));
            let existing = self.scopes[class].attrs.get(&attr).copied();
            match existing {
                Some(id) => self.bindings[id].defs.push(def),
                None => {
                    self.bindings.push(Binding {
                        display: format!("self.{attr}"),
                        value: Value::Object(kind),
                        defs: vec![def],
                        uses: Vec::new(),
                        storage_client: false,
                        exported: !attr.starts_with('_'),
                    });
                    let id = self.bindings.len() - 1;
                    self.scopes[class].attrs.insert(attr, id);
                }
            }
        }
    }

    // ----- the walk: uses and calls -----

    fn use_of(&mut self, id: usize, range: TextRange) {
        self.bindings[id].uses.push(range);
        if self.covered == 0 {
            if let Value::Object(kind) = self.bindings[id].value {
                let name = self.bindings[id].display.clone();
                self.calls.push((
                    range,
                    format!("{} `{name}` is used here; pass the Supabase `{}` (or a path) instead", kind.noun(), self.storage_reference()),
                ));
            }
        }
    }

    /// How this file reaches the Supabase storage client (for messages).
    fn storage_reference(&self) -> String {
        let name = &self.ctx.config.client.storage_name;
        access(self.ctx, name)
            .map(|access| access.text)
            .unwrap_or_else(|_| format!("{}.{name}", self.ctx.config.storage.module_name()))
    }

    /// A call on a boto3 object (or on the storage module's client from another file).
    fn method_call(&mut self, call: &'a ExprCall) -> bool {
        let Expr::Attribute(attribute) = call.func.as_ref() else { return false };
        let method = attribute.attr.as_str();
        let receiver = self.text(attribute.value.range()).to_owned();
        let kind = match self.classify(&attribute.value) {
            Some(Classified { value: Value::Object(kind), .. }) => {
                let constructs = matches!(
                    (kind, method),
                    (Kind::Session, "client" | "resource") | (Kind::Resource, "Bucket" | "Object" | "ObjectSummary")
                );
                if constructs {
                    return false;
                }
                kind
            }
            _ if self.storage_client_elsewhere(&attribute.value) && translation(Kind::Client, method).is_some() => Kind::Client,
            _ => return false,
        };
        let message = match translation(kind, method) {
            Some((target, note)) => format!(
                "translate `{receiver}.{method}(...)` to `{}.{target}`{note}",
                self.storage_reference()
            ),
            None => format!(
                "`{receiver}.{method}(...)` on a {} has no direct Supabase Storage equivalent; rewrite it by hand against `{}.from_(bucket)`",
                kind.noun(),
                self.storage_reference()
            ),
        };
        self.calls.push((call.range(), message));
        self.covered += 1;
        self.visit_expr(&call.func);
        self.covered -= 1;
        self.visit_arguments(&call.arguments);
        true
    }

    /// `s3_utils.s3_client` or an imported `s3_client`, outside the storage module: the
    /// storage module's client. Recognised by the S3 method called on it.
    fn storage_client_elsewhere(&self, expr: &Expr) -> bool {
        if self.ctx.is_storage_module {
            return false;
        }
        match expr {
            Expr::Attribute(attribute) => self
                .ctx
                .bindings
                .module
                .as_ref()
                .is_some_and(|module| self.text(attribute.value.range()) == module.reference),
            Expr::Name(name) => self.ctx.bindings.functions.contains_key(name.id.as_str()) && self.lookup(name.id.as_str()).is_none_or(|id| self.bindings[id].value == Value::StorageMember),
            _ => false,
        }
    }

    // ----- results -----

    fn finish(mut self) -> Vec<Finding> {
        let removed = self.removal_plan();
        let mut removed_ranges: Vec<TextRange> = Vec::new();
        for &id in &removed.bindings {
            for def in &self.bindings[id].defs {
                if let Def::Statement { stmt, .. } = def {
                    removed_ranges.push(stmt.range());
                }
            }
        }
        let inside_removed = |range: &TextRange| removed_ranges.iter().any(|removed| removed.contains_range(*range));
        let removed_imports: BTreeSet<usize> = self
            .bindings
            .iter()
            .enumerate()
            .filter(|(_, binding)| match binding.value {
                Value::Object(_) => false,
                Value::StorageMember => !binding.uses.is_empty() && binding.uses.iter().all(inside_removed),
                _ => {
                    binding.uses.iter().all(inside_removed)
                        && binding.defs.iter().all(|def| match def {
                            Def::Import { stmt, alias, .. } => {
                                let at = import_alias_range(stmt, *alias).unwrap_or(stmt.range()).start();
                                !self.suppressed(RuleId::Boto3Import, at)
                            }
                            _ => true,
                        })
                }
            })
            .map(|(id, _)| id)
            .collect();
        let plan_fix = self.plan_fix(&removed.bindings, &removed_imports);

        for (id, binding) in self.bindings.iter().enumerate() {
            let Value::Object(kind) = binding.value else { continue };
            for def in &binding.defs {
                let Def::Statement { stmt, removable, .. } = def else { continue };
                let range = stmt.range();
                let name = &binding.display;
                let (message, fix) = if removed.bindings.contains(&id) {
                    let message = if binding.storage_client {
                        format!("{} `{name}`: replace it with the Supabase client", kind.noun())
                    } else {
                        format!("{} `{name}` is no longer used; remove it", kind.noun())
                    };
                    (message, plan_fix.clone())
                } else if binding.exported && binding.uses.iter().all(inside_removed) {
                    (
                        format!(
                            "{} `{name}` has no use left here, but other modules may reach it; remove it by hand once none does",
                            kind.noun()
                        ),
                        None,
                    )
                } else if !removable && binding.uses.is_empty() {
                    (
                        format!("{} `{name}` is built with arguments that call other code; remove it by hand", kind.noun()),
                        None,
                    )
                } else if binding.uses.iter().all(inside_removed) {
                    (format!("{} `{name}` is unused but kept by a suppression comment", kind.noun()), None)
                } else {
                    let left: Vec<TextSize> =
                        binding.uses.iter().filter(|range| !inside_removed(range)).map(|range| range.start()).collect();
                    let beside = if binding.storage_client { "; the Supabase client is set up beside it" } else { "" };
                    (
                        format!(
                            "{} `{name}` is still used on {}{beside}; translate those uses (boto3-call), then rerun to remove it",
                            kind.noun(),
                            lines_text(self.ctx.lines, &left)
                        ),
                        None,
                    )
                };
                self.findings.push(finding(RuleId::Boto3Client, range, message, fix));
            }
        }

        if self.ctx.is_storage_module && !self.ctx.config.client.keep_aws_credentials {
            self.aws_credentials();
        }

        // The storage module's Supabase client, beside an S3 client that is still used.
        if let Some(id) = self.bindings.iter().position(|binding| binding.storage_client) {
            if !removed.bindings.contains(&id) {
                if let Some(stmt) = self.bindings[id].defs.iter().find_map(|def| match def {
                    Def::Statement { stmt, .. } => Some(*stmt),
                    _ => None,
                }) {
                    self.supabase_beside(stmt);
                }
            }
        }

        for (id, binding) in self.bindings.iter().enumerate() {
            if !binding.value.is_import() {
                continue;
            }
            for def in &binding.defs {
                let Def::Import { stmt, alias, .. } = def else { continue };
                let range = import_alias_range(stmt, *alias).unwrap_or(stmt.range());
                let name = &binding.display;
                if removed_imports.contains(&id) {
                    self.findings.push(finding(
                        RuleId::Boto3Import,
                        range,
                        format!("`{name}` is no longer used; remove the import"),
                        plan_fix.clone(),
                    ));
                } else if binding.uses.iter().all(inside_removed) {
                    self.findings.push(finding(
                        RuleId::Boto3Import,
                        range,
                        format!("`{name}` is unused but kept by a suppression comment"),
                        None,
                    ));
                } else {
                    let left: Vec<TextSize> =
                        binding.uses.iter().filter(|range| !inside_removed(range)).map(|range| range.start()).collect();
                    self.findings.push(finding(
                        RuleId::Boto3Import,
                        range,
                        format!(
                            "`{name}` is still used on {}; migrate those uses, then rerun to remove the import (uses for other AWS services: suppress with `# s3-to-supabase: ignore[boto3-import]`)",
                            lines_text(self.ctx.lines, &left)
                        ),
                        None,
                    ));
                }
            }
        }

        for (range, message) in std::mem::take(&mut self.calls) {
            if !inside_removed(&range) {
                self.findings.push(finding(RuleId::Boto3Call, range, message, None));
            }
        }
        self.findings.sort_by_key(|finding| (finding.range.start(), finding.range.end(), finding.rule));
        self.findings
    }

    /// Bindings whose every use lies in statements being removed, to a fixpoint.
    fn removal_plan(&self) -> Removal {
        let mut removed: BTreeSet<usize> = BTreeSet::new();
        let mut ranges: Vec<TextRange> = Vec::new();
        loop {
            let mut changed = false;
            for (id, binding) in self.bindings.iter().enumerate() {
                if removed.contains(&id) || binding.exported || !matches!(binding.value, Value::Object(_)) {
                    continue;
                }
                // A construction whose finding is suppressed is kept, with what it uses.
                let removable = !binding.defs.is_empty()
                    && binding.defs.iter().all(|def| match def {
                        Def::Statement { removable: true, stmt, .. } => !self.suppressed(RuleId::Boto3Client, stmt.start()),
                        _ => false,
                    });
                let unused = binding.uses.iter().all(|range| ranges.iter().any(|removed| removed.contains_range(*range)));
                if removable && unused {
                    if binding.storage_client && self.supabase_setup().is_err() {
                        continue;
                    }
                    removed.insert(id);
                    ranges.extend(binding.defs.iter().filter_map(|def| match def {
                        Def::Statement { stmt, .. } => Some(stmt.range()),
                        _ => None,
                    }));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Removal { bindings: removed }
    }

    /// One fix removing every statement and import of the plan; a block that would
    /// become empty keeps `pass`.
    fn plan_fix(&self, removed: &BTreeSet<usize>, imports: &BTreeSet<usize>) -> Option<Fix> {
        let text = &self.ctx.file.text;
        // Whole statements to delete, by block; the storage client is replaced instead.
        let mut whole: Vec<(TextRange, BodyKey)> = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        for &id in removed {
            for def in &self.bindings[id].defs {
                let Def::Statement { stmt, body, .. } = def else { continue };
                if self.bindings[id].storage_client {
                    let (lines, imports_needed) = self.supabase_setup().ok()?;
                    let newline = self.ctx.file.encoding.newline;
                    if lines.is_empty() {
                        whole.push((stmt.range(), *body));
                    } else {
                        edits.push(Edit::replace(stmt.range(), lines.join(newline)));
                    }
                    edits.extend(imports_needed);
                } else {
                    whole.push((stmt.range(), *body));
                }
            }
        }
        // Import statements: all aliases removed → whole; else take names out.
        let mut by_statement: BTreeMap<TextSize, (&Stmt, BodyKey, BTreeSet<usize>)> = BTreeMap::new();
        for &id in imports {
            for def in &self.bindings[id].defs {
                let Def::Import { stmt, alias, body } = def else { continue };
                by_statement.entry(stmt.start()).or_insert((stmt, *body, BTreeSet::new())).2.insert(*alias);
            }
        }
        for (stmt, body, aliases) in by_statement.into_values() {
            let all: Vec<TextRange> = import_aliases(stmt);
            if aliases.len() == all.len() {
                whole.push((stmt.range(), body));
            } else {
                let remove: Vec<bool> = (0..all.len()).map(|index| aliases.contains(&index)).collect();
                edits.extend(remove_import_names(text, &all, &remove));
            }
        }
        if whole.is_empty() && edits.is_empty() {
            return None;
        }
        let mut per_body: BTreeMap<BodyKey, usize> = BTreeMap::new();
        for (_, body) in &whole {
            *per_body.entry(*body).or_insert(0) += 1;
        }
        whole.sort_by_key(|(range, _)| range.start());
        let mut kept_pass: BTreeSet<BodyKey> = BTreeSet::new();
        for (range, body) in whole {
            let emptied = self.bodies.get(&body).is_some_and(|stmts| stmts.len() == per_body[&body]);
            let keep = emptied && kept_pass.insert(body);
            // The module itself may become empty: no `pass` needed there.
            let keep = keep && self.ctx.module.body.first().is_none_or(|first| first.start() != body);
            edits.push(delete_statement(text, range, keep));
        }
        Some(Fix::safe("remove boto3 clients and imports nothing uses", disjoint(text, edits)))
    }

    /// The Supabase setup lines the storage module lacks, and the imports they need; an
    /// error when a name they would bind is taken by something else.
    fn supabase_setup(&self) -> Result<(Vec<String>, Vec<Edit>), String> {
        let client = &self.ctx.config.client;
        let module = self.ctx.module;
        let names = &self.ctx.bindings.module_names;
        let assigned = |name: &str| -> Option<&Expr> {
            module.body.iter().find_map(|stmt| match stmt {
                Stmt::Assign(assign) => match assign.targets.as_slice() {
                    [Expr::Name(target)] if target.id.as_str() == name => Some(assign.value.as_ref()),
                    _ => None,
                },
                Stmt::AnnAssign(assign) => match (assign.target.as_ref(), assign.value.as_deref()) {
                    (Expr::Name(target), Some(value)) if target.id.as_str() == name => Some(value),
                    _ => None,
                },
                _ => None,
            })
        };
        let mut lines = Vec::new();
        for (constant, env) in [(&client.url_env, &client.url_env), (&client.key_env, &client.key_env)] {
            if !names.contains(constant.as_str()) {
                lines.push(format!("{constant} = os.getenv({})", string_literal(env, '"')));
            }
        }
        let mut wanted: Vec<&str> = Vec::new();
        match assigned(&client.client_name) {
            Some(Expr::Call(call)) if self.text(call.func.range()).ends_with("create_client") => {}
            None if !names.contains(client.client_name.as_str()) => {
                lines.push(format!(
                    "{}: Client = create_client({}, {})",
                    client.client_name, client.url_env, client.key_env
                ));
                wanted.extend(["Client", "create_client"]);
            }
            _ => {
                return Err(format!(
                    "`{}` is already bound to something other than `create_client(...)`; set up the Supabase client by hand",
                    client.client_name
                ))
            }
        }
        let storage_value = format!("{}.storage", client.client_name);
        match assigned(&client.storage_name) {
            Some(value) if self.text(value.range()) == storage_value => {}
            None if !names.contains(client.storage_name.as_str()) => {
                lines.push(format!("{} = {storage_value}", client.storage_name));
            }
            _ => {
                return Err(format!(
                    "`{}` is already bound to something other than `{storage_value}`; set up the Supabase client by hand",
                    client.storage_name
                ))
            }
        }
        let text = &self.ctx.file.text;
        let newline = self.ctx.file.encoding.newline;
        let at = insertion_offset(module, text);
        let mut statements: Vec<String> = Vec::new();
        let needs_os = lines.iter().any(|line| line.contains("os.getenv"));
        if needs_os && !imports_os(module) {
            statements.push("import os".to_owned());
        }
        let missing: Vec<&str> = wanted.into_iter().filter(|name| !names.contains(*name)).collect();
        if !missing.is_empty() {
            statements.push(format!("from supabase import {}", missing.join(", ")));
        }
        let imports = if statements.is_empty() {
            Vec::new()
        } else {
            vec![insert_lines(text, at, &statements.join("\n"), newline)]
        };
        Ok((lines, imports))
    }

    /// With `client.keep_aws_credentials = false`: the storage module's AWS credential
    /// constants (`X = os.getenv("AWS_...")`), reported without a fix, since other modules
    /// (and the data migration) may import them.
    fn aws_credentials(&mut self) {
        for stmt in &self.ctx.module.body {
            let Stmt::Assign(assign) = stmt else { continue };
            let [Expr::Name(name)] = assign.targets.as_slice() else { continue };
            let Expr::Call(call) = assign.value.as_ref() else { continue };
            let func = self.text(call.func.range());
            if !matches!(func, "os.getenv" | "getenv" | "os.environ.get" | "environ.get") {
                continue;
            }
            let Some(Expr::StringLiteral(variable)) = call.arguments.args.first() else { continue };
            if !variable.value.to_str().starts_with("AWS_") {
                continue;
            }
            self.findings.push(finding(
                RuleId::Boto3Client,
                stmt.range(),
                format!(
                    "AWS credential constant `{}` (client.keep_aws_credentials is false); remove it once no module imports it and the data migration is done",
                    name.id
                ),
                None,
            ));
        }
    }

    /// A finding that adds the Supabase client after the storage module's S3 client.
    fn supabase_beside(&mut self, stmt: &Stmt) {
        let client = &self.ctx.config.client;
        match self.supabase_setup() {
            Ok((lines, _)) if lines.is_empty() => {}
            Ok((lines, imports)) => {
                let text = &self.ctx.file.text;
                let newline = self.ctx.file.encoding.newline;
                let at = line_end_after(text, stmt.end());
                let mut edits = vec![insert_lines(text, at, &lines.join("\n"), newline)];
                edits.extend(imports);
                let range = stmt.range();
                self.findings.push(finding(
                    RuleId::Boto3Client,
                    range,
                    format!(
                        "the storage module has no Supabase client; add `{}` and `{}` beside the S3 client",
                        client.client_name, client.storage_name
                    ),
                    Some(Fix::safe("create the Supabase client", disjoint(text, edits))),
                ));
            }
            Err(reason) => {
                let range = stmt.range();
                self.findings.push(finding(RuleId::Boto3Client, range, reason, None));
            }
        }
    }
}

struct Removal {
    bindings: BTreeSet<usize>,
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
                self.scopes.push(Scope::function(Some(&def.parameters), &def.body));
                self.prescan_body(&def.body);
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
                self.scopes.push(Scope::new(ScopeKind::Class, bound_names(None, &class.body)));
                self.prescan_body(&class.body);
                self.prescan_class(&class.body);
                self.visit_body(&class.body);
                self.scopes.pop();
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) => {}
            Stmt::Assign(assign) if self.construction_values.contains(&span(assign.value.range())) => {
                self.covered += 1;
                self.visit_expr(&assign.value);
                self.covered -= 1;
                for target in &assign.targets {
                    if !matches!(target, Expr::Name(_) | Expr::Attribute(_)) {
                        self.visit_expr(target);
                    }
                }
            }
            Stmt::AnnAssign(assign)
                if assign.value.as_deref().is_some_and(|value| self.construction_values.contains(&span(value.range()))) =>
            {
                self.visit_annotation(&assign.annotation);
                if let Some(value) = &assign.value {
                    self.covered += 1;
                    self.visit_expr(value);
                    self.covered -= 1;
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            // `del s3` counts as a use too: removing the client would break it.
            Expr::Name(name) if !name.ctx.is_store() => {
                if let Some(id) = self.lookup(name.id.as_str()) {
                    self.use_of(id, name.range);
                }
            }
            Expr::Attribute(attribute) => {
                // `client.exceptions.NoSuchKey`
                if let Expr::Attribute(inner) = attribute.value.as_ref() {
                    if inner.attr.as_str() == "exceptions"
                        && self.classify(&inner.value).is_some_and(|base| base.value == Value::Object(Kind::Client))
                    {
                        let text = self.text(attribute.range).to_owned();
                        self.calls.push((
                            attribute.range,
                            format!(
                                "`{text}` is a boto3 modeled exception; catch `{}` and compare `str(e.status)` instead (see client-error)",
                                self.ctx.config.errors.exception.rsplit('.').next().unwrap_or_default()
                            ),
                        ));
                        self.covered += 1;
                        visitor::walk_expr(self, expr);
                        self.covered -= 1;
                        return;
                    }
                }
                if attribute.ctx.is_load() && matches!(attribute.value.as_ref(), Expr::Name(_)) {
                    if let Some(id) = self.lookup_attr(attribute.attr.as_str()) {
                        if self.classify(&attribute.value).is_none() {
                            self.use_of(id, attribute.range);
                            return;
                        }
                    }
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                if self.method_call(call) {
                    return;
                }
                let constructs = matches!(self.classify_call(call), Some(Classified { value: Value::Object(_), .. }));
                if constructs && self.covered == 0 && !self.construction_values.contains(&span(call.range())) {
                    let text = first_line(self.text(call.range()));
                    self.findings.push(finding(
                        RuleId::Boto3Client,
                        call.range(),
                        format!("`{text}` builds a boto3 object inline; use the storage module's Supabase `{}` instead", self.ctx.config.client.storage_name),
                        None,
                    ));
                }
                if constructs {
                    self.covered += 1;
                    visitor::walk_expr(self, expr);
                    self.covered -= 1;
                } else {
                    visitor::walk_expr(self, expr);
                }
            }
            Expr::Lambda(lambda) => {
                let bound = lambda.parameters.as_ref().map(|parameters| bound_names(Some(parameters), &[])).unwrap_or_default();
                self.scopes.push(Scope::new(ScopeKind::Function, bound));
                visitor::walk_expr(self, expr);
                self.scopes.pop();
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// The Supabase call replacing an S3 method, and a note on what changes.
fn translation(kind: Kind, method: &str) -> Option<(&'static str, &'static str)> {
    let found = match (kind, method) {
        (Kind::Client, "put_object") | (Kind::ResourceObject, "put") => (
            "from_(bucket).upload(path, body, {\"content-type\": ..., \"upsert\": \"true\"})",
            "; encode a str Body first (upload opens a str as a local file path)",
        ),
        (Kind::Client, "get_object") | (Kind::ResourceObject, "get") => {
            ("from_(bucket).download(path)", "; it returns the bytes, not a dict with \"Body\"")
        }
        (Kind::Client, "head_object") => ("from_(bucket).info(path)", " (or `.exists(path)`)"),
        (Kind::Client, "delete_object") | (Kind::ResourceObject, "delete") => ("from_(bucket).remove([path])", ""),
        (Kind::Client, "delete_objects") | (Kind::Collection | Kind::ObjectsManager, "delete") => {
            ("from_(bucket).remove(paths)", "; pass the keys as a list of paths")
        }
        (Kind::Client, "list_objects_v2" | "list_objects") | (Kind::Collection | Kind::ObjectsManager, "filter" | "all") => (
            "from_(bucket).list(folder, {\"limit\": 100, \"offset\": 0})",
            "; it lists one level below the folder, not recursively, 100 entries a page",
        ),
        (Kind::Client, "get_paginator") | (Kind::Paginator, "paginate") => (
            "from_(bucket).list(folder, {\"limit\": ..., \"offset\": ...})",
            "; page with `offset` instead of a paginator (one level, not recursive)",
        ),
        (Kind::Client, "upload_file") | (Kind::ResourceObject, "upload_file") => (
            "from_(bucket).upload(path, open(filename, \"rb\").read(), file_options)",
            "; pass \"upsert\": \"true\" to overwrite",
        ),
        (Kind::Client, "upload_fileobj") | (Kind::ResourceObject, "upload_fileobj") => {
            ("from_(bucket).upload(path, fileobj.read(), file_options)", "")
        }
        (Kind::Client, "download_file") | (Kind::ResourceObject, "download_file") => {
            ("from_(bucket).download(path)", "; write the returned bytes to the local file")
        }
        (Kind::Client, "download_fileobj") | (Kind::ResourceObject, "download_fileobj") => {
            ("from_(bucket).download(path)", "; write the returned bytes to the file object")
        }
        (Kind::Client, "copy_object") | (Kind::ResourceObject, "copy_from") => {
            ("from_(bucket).copy(from_path, to_path)", "; both paths are in the same bucket")
        }
        (Kind::Client, "generate_presigned_url") => {
            ("from_(bucket).create_signed_url(path, expires_in)[\"signedURL\"]", "")
        }
        _ => return None,
    };
    Some(found)
}

fn finding(rule: RuleId, range: TextRange, message: String, fix: Option<Fix>) -> Finding {
    Finding { rule, severity: rule.default_severity(), range, message, fix }
}

/// The call's service is the literal "s3" (first argument or `service_name=`).
fn is_s3(arguments: &Arguments) -> bool {
    matches!(arguments.find_argument_value("service_name", 0), Some(Expr::StringLiteral(literal)) if literal.value.to_str() == "s3")
}

fn is_boto_module(module: &str) -> bool {
    ["boto3", "botocore"].iter().any(|root| module == *root || module.starts_with(&format!("{root}.")))
}

fn import_aliases(stmt: &Stmt) -> Vec<TextRange> {
    match stmt {
        Stmt::Import(import) => import.names.iter().map(Ranged::range).collect(),
        Stmt::ImportFrom(import) => import.names.iter().map(Ranged::range).collect(),
        _ => Vec::new(),
    }
}

fn import_alias_range(stmt: &Stmt, alias: usize) -> Option<TextRange> {
    import_aliases(stmt).get(alias).copied()
}

fn imports_os(module: &ruff_python_ast::ModModule) -> bool {
    module.body.iter().any(|stmt| match stmt {
        Stmt::Import(import) => import.names.iter().any(|alias| alias.name.as_str() == "os" && alias.asname.is_none()),
        _ => false,
    })
}

/// Statements of a function body at any depth (not in nested functions or classes),
/// each with the block it is in.
fn collect_statements<'a>(body: &'a [Stmt], out: &mut Vec<(&'a Stmt, BodyKey)>) {
    let Some(first) = body.first() else { return };
    let key = first.start();
    for stmt in body {
        out.push((stmt, key));
        match stmt {
            Stmt::For(each) => {
                collect_statements(&each.body, out);
                collect_statements(&each.orelse, out);
            }
            Stmt::While(each) => {
                collect_statements(&each.body, out);
                collect_statements(&each.orelse, out);
            }
            Stmt::If(branch) => {
                collect_statements(&branch.body, out);
                for clause in &branch.elif_else_clauses {
                    collect_statements(&clause.body, out);
                }
            }
            Stmt::With(with) => collect_statements(&with.body, out),
            Stmt::Try(block) => {
                collect_statements(&block.body, out);
                for handler in &block.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    collect_statements(&handler.body, out);
                }
                collect_statements(&block.orelse, out);
                collect_statements(&block.finalbody, out);
            }
            _ => {}
        }
    }
}

/// The edits of one fix made disjoint: an insertion that falls inside a deletion (the
/// new import where a removed import's lines were) joins it, so the fix applies cleanly;
/// blank lines the deletion took after that point are kept after the insertion.
fn disjoint(text: &str, mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort();
    edits.dedup();
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for edit in edits {
        match out.last_mut() {
            Some(last) if edit.start() < last.end() || (edit.start() == last.start() && !last.range.is_empty()) => {
                let end = last.end().max(edit.end());
                last.content.push_str(&edit.content);
                if edit.range.is_empty() && edit.end() < last.end() {
                    let tail = &text[edit.start().to_usize()..last.end().to_usize()];
                    if tail.trim().is_empty() {
                        last.content.push_str(tail);
                    }
                }
                last.range = TextRange::new(last.start(), end);
            }
            _ => out.push(edit),
        }
    }
    out
}

fn span(range: TextRange) -> (TextSize, TextSize) {
    (range.start(), range.end())
}

/// 1-based line of an offset.
/// `line 7`, `lines 7, 9`, `lines 1, 2, 3, 4, 5 and 6 more`.
fn lines_text(lines_index: &LineIndex, offsets: &[TextSize]) -> String {
    // One index lookup per use: counting newlines from the start for each was quadratic.
    let mut lines: Vec<usize> = offsets.iter().map(|offset| lines_index.line_of(*offset)).collect();
    lines.sort_unstable();
    lines.dedup();
    let shown: Vec<String> = lines.iter().take(5).map(ToString::to_string).collect();
    let more = if lines.len() > 5 { format!(" and {} more", lines.len() - 5) } else { String::new() };
    let noun = if lines.len() == 1 { "line" } else { "lines" };
    format!("{noun} {}{more}", shown.join(", "))
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.len() < text.len() {
        format!("{}...", line.trim_end())
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::testing::{findings_of, settle, STORAGE};
    const OTHER: &str = "backend/utils/load_and_process_index.py";

    /// This family's findings on `text` as the file `display`.
    fn findings(text: &str, display: &str) -> Vec<Finding> {
        findings_with(&Config::defaults(), text, display)
    }

    fn findings_with(config: &Config, text: &str, display: &str) -> Vec<Finding> {
        findings_of(check, config, text, display)
    }

    /// Apply this family's safe fixes until nothing changes; the findings left are those
    /// without a fix.
    fn fixed(text: &str, display: &str) -> (String, Vec<Finding>) {
        let (out, found) = settle(text, |current| findings(current, display));
        (out, found.into_iter().filter(|finding| finding.fix.is_none()).collect())
    }

    /// Every rule family together (as the pipeline runs them), to a fixpoint.
    fn fixed_by_all(text: &str, display: &str) -> (String, Vec<Finding>) {
        settle(text, |current| findings_of(crate::rules::check_python, &Config::defaults(), current, display))
    }

    #[test]
    fn the_fixture_storage_module_settles_with_every_family() {
        let text = include_str!("../../fixtures/lms-backend/backend/utils/s3_utils.py");
        let (out, left) = fixed_by_all(text, STORAGE);
        assert!(out.contains("\nDELETE_BATCH_SIZE = 1000\n\nSUPABASE_URL = os.getenv(\"SUPABASE_URL\")\nSUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\nsupabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\nstorage = supabase.storage\n"));
        assert!(out.contains("\nfrom supabase import Client, create_client\n"));
        // The call translation (s3-calls) leaves the client unused: it goes; the resource,
        // which other modules could reach, stays with boto3's import.
        assert!(!out.contains("\ns3_client = boto3.client(\n"));
        assert!(out.contains("\ns3_resource = boto3.resource(\n"));
        let boto3: Vec<&str> = left.iter().map(|finding| finding.rule.as_str()).filter(|rule| rule.starts_with("boto3")).collect();
        assert_eq!(boto3, ["boto3-import", "boto3-client"]);
        assert!(left.iter().filter(|finding| finding.rule.as_str().starts_with("boto3")).all(|finding| finding.fix.is_none()));
    }

    #[test]
    fn the_fixture_local_client_settles_with_every_family() {
        let text = include_str!("../../fixtures/lms-backend/backend/utils/load_and_process_index.py");
        let (out, left) = fixed_by_all(text, OTHER);
        assert!(out.contains("    s3 = boto3.client('s3', aws_access_key_id=ACCESS_KEY"));
        assert!(out.contains("from utils.s3_utils import (\n    ACCESS_KEY,\n    SECRET_KEY,\n    REGION_NAME,\n"));
        let boto3: Vec<&str> = left.iter().map(|finding| finding.rule.as_str()).filter(|rule| rule.starts_with("boto3")).collect();
        assert_eq!(boto3, ["boto3-import", "boto3-client", "boto3-call", "boto3-call"]);
    }

    fn rules(found: &[Finding]) -> Vec<&'static str> {
        found.iter().map(|finding| finding.rule.as_str()).collect()
    }

    #[test]
    fn nothing_to_do_changes_nothing() {
        let text = "import os\n\nx = os.getenv(\"X\")\n";
        assert!(findings(text, OTHER).is_empty());
    }

    // ----- must report -----

    #[test]
    fn storage_module_gets_the_supabase_client_beside_a_used_s3_client() {
        let before = "\
import os

import boto3

ACCESS_KEY = os.getenv(\"AWS_ACCESS_KEY_ID\")

s3_client = boto3.client(
    \"s3\",
    aws_access_key_id=ACCESS_KEY,
)


def put(bucket, key, body):
    s3_client.put_object(Bucket=bucket, Key=key, Body=body)
";
        let after = "\
import os

import boto3
from supabase import Client, create_client

ACCESS_KEY = os.getenv(\"AWS_ACCESS_KEY_ID\")

s3_client = boto3.client(
    \"s3\",
    aws_access_key_id=ACCESS_KEY,
)
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def put(bucket, key, body):
    s3_client.put_object(Bucket=bucket, Key=key, Body=body)
";
        let (text, left) = fixed(before, STORAGE);
        assert_eq!(text, after);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-call"]);
        assert!(left[1].message.contains("still used on line 19"), "{}", left[1].message);
        assert!(left[0].message.contains("`boto3` is still used on line 8"), "{}", left[0].message);
        assert_eq!(
            left[2].message,
            "translate `s3_client.put_object(...)` to `storage.from_(bucket).upload(path, body, {\"content-type\": ..., \"upsert\": \"true\"})`; encode a str Body first (upload opens a str as a local file path)"
        );
    }

    #[test]
    fn storage_module_client_without_uses_becomes_the_supabase_client() {
        let before = "\
\"\"\"Storage.\"\"\"
import boto3
from botocore.exceptions import ClientError

s3_client = boto3.client(\"s3\", region_name=\"eu-west-1\")


def noop():
    return None
";
        let after = "\
\"\"\"Storage.\"\"\"
from botocore.exceptions import ClientError
import os
from supabase import Client, create_client

SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def noop():
    return None
";
        let (text, left) = fixed(before, STORAGE);
        assert_eq!(text, after);
        assert!(left.is_empty());
    }

    #[test]
    fn storage_module_with_translated_calls_drops_the_s3_client() {
        let before = "\
import os

import boto3
from supabase import Client, create_client

s3_client = boto3.client(\"s3\")
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def read(bucket, key):
    return storage.from_(bucket).download(key)
";
        let after = "\
import os

from supabase import Client, create_client

SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def read(bucket, key):
    return storage.from_(bucket).download(key)
";
        assert_eq!(fixed(before, STORAGE), (after.to_owned(), Vec::new()));
    }

    const LOCAL_CLIENT: &str = "\
import json
import os

import boto3
import faiss

from utils.s3_utils import (
    ACCESS_KEY,
    SECRET_KEY,
    REGION_NAME,
    read_text_file_from_s3,
)


def load_index_from_s3(username, course_id):
    s3 = boto3.client('s3', aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION_NAME)

    prefix = f\"user_data/{username}/{course_id}/faiss/\"
    response = s3.list_objects_v2(Bucket=\"b\", Prefix=prefix)
    obj = s3.get_object(Bucket=\"b\", Key=prefix)
    return response, obj, read_text_file_from_s3(\"b\", prefix)
";

    #[test]
    fn a_used_local_client_stays_and_every_use_is_reported() {
        let (text, left) = fixed(LOCAL_CLIENT, OTHER);
        assert_eq!(text, LOCAL_CLIENT);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-call", "boto3-call"]);
        assert_eq!(
            left[1].message,
            "boto3 S3 client `s3` is still used on lines 19, 20; translate those uses (boto3-call), then rerun to remove it"
        );
        assert_eq!(
            left[2].message,
            "translate `s3.list_objects_v2(...)` to `s3_utils.storage.from_(bucket).list(folder, {\"limit\": 100, \"offset\": 0})`; it lists one level below the folder, not recursively, 100 entries a page"
        );
        assert!(left[3].message.starts_with("translate `s3.get_object(...)` to `s3_utils.storage.from_(bucket).download(path)`"));
    }

    #[test]
    fn an_unused_local_client_goes_with_the_names_that_fed_it() {
        let before = LOCAL_CLIENT
            .replace("s3.list_objects_v2(Bucket=\"b\", Prefix=prefix)", "list_objects_in_folder(\"b\", prefix)")
            .replace("s3.get_object(Bucket=\"b\", Key=prefix)", "None");
        let after = "\
import json
import os

import faiss

from utils.s3_utils import (
    read_text_file_from_s3,
)


def load_index_from_s3(username, course_id):

    prefix = f\"user_data/{username}/{course_id}/faiss/\"
    response = list_objects_in_folder(\"b\", prefix)
    obj = None
    return response, obj, read_text_file_from_s3(\"b\", prefix)
";
        assert_eq!(fixed(&before, OTHER), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn a_session_and_its_client_go_together_and_leave_pass() {
        let before = "\
import boto3


def export():
    session = boto3.Session()
    s3 = session.client(\"s3\")


def other():
    return 1
";
        let after = "\
def export():
    pass


def other():
    return 1
";
        assert_eq!(fixed(before, OTHER), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn session_chains_are_clients() {
        let text = "\
import boto3


def copy(key):
    s3 = boto3.session.Session().client(\"s3\")
    s3.copy_object(Bucket=\"b\", Key=key, CopySource=\"b/x\")


def profile(name):
    s3 = boto3.Session(profile_name=name).client(\"s3\")
    return s3.head_object(Bucket=\"b\", Key=name)


def named():
    session = boto3.Session()
    s3 = session.client(\"s3\")
    s3.delete_object(Bucket=\"b\", Key=\"k\")
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(
            rules(&left),
            ["boto3-import", "boto3-client", "boto3-call", "boto3-client", "boto3-call", "boto3-client", "boto3-client", "boto3-call"]
        );
        assert_eq!(left[0].message, "`boto3` is still used on lines 5, 10, 15; migrate those uses, then rerun to remove the import (uses for other AWS services: suppress with `# s3-to-supabase: ignore[boto3-import]`)");
        assert_eq!(left[5].message, "boto3 session `session` is still used on line 16; translate those uses (boto3-call), then rerun to remove it");
    }

    #[test]
    fn from_boto3_import_client_as_alias() {
        let used = "\
from boto3 import client as boto_client


def sign(key):
    signer = boto_client(\"s3\", region_name=\"eu-west-1\")
    return signer.generate_presigned_url(\"get_object\", Params={\"Bucket\": \"b\", \"Key\": key}, ExpiresIn=60)
";
        let (out, left) = fixed(used, OTHER);
        assert_eq!(out, used);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-call"]);
        assert_eq!(
            left[2].message,
            "translate `signer.generate_presigned_url(...)` to `s3_utils.storage.from_(bucket).create_signed_url(path, expires_in)[\"signedURL\"]`"
        );
        let unused = "\
import os
from boto3 import client as boto_client


def sign(key):
    signer = boto_client(\"s3\", region_name=os.getenv(\"AWS_REGION\"))
    return key
";
        let after = "\
import os


def sign(key):
    return key
";
        assert_eq!(fixed(unused, OTHER), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn client_held_by_self_in_a_class() {
        let text = "\
import boto3


class Manager:
    def __init__(self):
        self.s3 = boto3.client(\"s3\")

    @classmethod
    def from_profile(cls, name):
        manager = cls()
        manager.s3 = boto3.Session(profile_name=name).client(\"s3\")
        return manager

    def load(self, key):
        try:
            return self.s3.get_object(Bucket=\"b\", Key=key)
        except self.s3.exceptions.NoSuchKey:
            return None
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-client", "boto3-call", "boto3-call"]);
        assert_eq!(left[1].message, "boto3 S3 client `self.s3` is still used on lines 16, 17; translate those uses (boto3-call), then rerun to remove it");
        assert_eq!(
            left[4].message,
            "`self.s3.exceptions.NoSuchKey` is a boto3 modeled exception; catch `StorageApiError` and compare `str(e.status)` instead (see client-error)"
        );
        let unused = "\
import boto3


class Manager:
    def __init__(self):
        self._s3 = boto3.client(\"s3\")

    @classmethod
    def from_profile(cls, name):
        manager = cls()
        manager._s3 = boto3.Session(profile_name=name).client(\"s3\")
        return manager
";
        let (out, left) = fixed(&unused.replace("_s3", "s3"), OTHER);
        assert_eq!(out, unused.replace("_s3", "s3"), "a public attribute may be read from outside the class");
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-client"]);
        assert_eq!(
            left[1].message,
            "boto3 S3 client `self.s3` has no use left here, but other modules may reach it; remove it by hand once none does"
        );
        let after = "\
class Manager:
    def __init__(self):
        pass

    @classmethod
    def from_profile(cls, name):
        manager = cls()
        return manager
";
        assert_eq!(fixed(unused, OTHER), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn resource_buckets_collections_and_items() {
        let text = "\
import boto3

BUCKET = \"b\"


def purge(prefix):
    bucket = boto3.resource(\"s3\").Bucket(BUCKET)
    for obj in bucket.objects.filter(Prefix=prefix):
        obj.delete()
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-call", "boto3-call"]);
        assert!(left[2].message.starts_with("translate `bucket.objects.filter(...)` to `s3_utils.storage.from_(bucket).list("));
        assert_eq!(left[3].message, "translate `obj.delete(...)` to `s3_utils.storage.from_(bucket).remove([path])`");
    }

    #[test]
    fn the_storage_modules_client_reached_from_another_file() {
        let text = "\
import utils.s3_utils as s3_utils


def restore(keys):
    for key in keys:
        s3_utils.s3_client.copy_object(Bucket=\"b\", Key=key, CopySource={\"Bucket\": \"a\", \"Key\": key})
";
        let found = findings(text, "backend/routes/delete_course_routes.py");
        assert_eq!(rules(&found), ["boto3-call"]);
        assert!(found[0].message.starts_with("translate `s3_utils.s3_client.copy_object(...)` to `s3_utils.storage.from_(bucket).copy("));
    }

    #[test]
    fn inline_constructions_and_other_services_keep_the_import() {
        let text = "\
import boto3


def queue():
    return boto3.client(\"sqs\")


def upload(data):
    boto3.client(\"s3\").put_object(Bucket=\"b\", Key=\"k\", Body=data)
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(rules(&left), ["boto3-import", "boto3-call"]);
        assert_eq!(left[0].message, "`boto3` is still used on lines 5, 9; migrate those uses, then rerun to remove the import (uses for other AWS services: suppress with `# s3-to-supabase: ignore[boto3-import]`)");
    }

    #[test]
    fn a_client_built_by_calling_other_code_is_reported_not_removed() {
        let text = "\
import boto3


def build():
    s3 = boto3.client(\"s3\", config=make_config())
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client"]);
        assert_eq!(left[1].message, "boto3 S3 client `s3` is built with arguments that call other code; remove it by hand");
    }

    #[test]
    fn unused_imports_go_one_name_at_a_time() {
        let before = "import os, boto3\nimport botocore\nfrom botocore.exceptions import ClientError\n\nprint(os.sep)\n";
        let after = "import os\nfrom botocore.exceptions import ClientError\n\nprint(os.sep)\n";
        assert_eq!(fixed(before, OTHER), (after.to_owned(), Vec::new()));
        let in_block = "try:\n    import boto3\nexcept ImportError:\n    boto3 = None\n";
        // `boto3 = None` rebinds the name: the import is still used by that binding's readers.
        assert_eq!(fixed(in_block, OTHER).0, "try:\n    pass\nexcept ImportError:\n    boto3 = None\n");
    }

    #[test]
    fn a_suppressed_client_is_kept_with_its_import() {
        let text = "\
import boto3


def build():
    s3 = boto3.client(\"s3\")  # s3-to-supabase: ignore[boto3-client]
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        // The pipeline drops the suppressed finding; its fix must not run through another.
        assert_eq!(rules(&left), ["boto3-import", "boto3-client"]);
        assert_eq!(left[1].message, "boto3 S3 client `s3` is unused but kept by a suppression comment");
    }

    #[test]
    fn a_client_in_a_class_body() {
        let text = "\
import boto3


class Store:
    client = boto3.client(\"s3\")

    def get(self, key):
        return self.client.get_object(Bucket=\"b\", Key=key)
";
        let found = findings(text, OTHER);
        assert_eq!(rules(&found), ["boto3-import", "boto3-client", "boto3-call"]);
    }

    #[test]
    fn aws_credentials_are_reported_when_not_kept() {
        let text = "import os\n\nACCESS_KEY = os.getenv(\"AWS_ACCESS_KEY_ID\")\nOTHER = os.getenv(\"X\")\n";
        assert!(findings(text, STORAGE).is_empty());
        let mut config = Config::defaults();
        config.client.keep_aws_credentials = false;
        let found = findings_with(&config, text, STORAGE);
        assert_eq!(rules(&found), ["boto3-client"]);
        assert!(found[0].message.starts_with("AWS credential constant `ACCESS_KEY`"));
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn only_the_storage_modules_top_level_client_becomes_the_supabase_client() {
        let before = "\
import os

import boto3

try:
    backup = boto3.client(\"s3\")
except Exception:
    backup = None
s3_client = boto3.client(\"s3\")
other = boto3.client(\"s3\")
";
        let after = "\
import os

import boto3
from supabase import Client, create_client

try:
    backup = boto3.client(\"s3\")
except Exception:
    backup = None
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage
other = boto3.client(\"s3\")
";
        let (text, left) = fixed(before, STORAGE);
        assert_eq!(text, after);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-client"]);
        assert!(left[2].message.starts_with("boto3 S3 client `other` has no use left here"));
    }

    #[test]
    fn a_module_level_client_in_another_module_is_not_removed() {
        let text = "import boto3\n\ns3 = boto3.client(\"s3\")\n_private = boto3.client(\"s3\")\n";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, "import boto3\n\ns3 = boto3.client(\"s3\")\n");
        assert_eq!(rules(&left), ["boto3-import", "boto3-client"]);
    }

    #[test]
    fn a_global_assigned_in_a_function_is_not_a_local_client() {
        let text = "\
from boto3.session import Session

DEFAULT_SESSION = None


def setup_default_session(**kwargs):
    global DEFAULT_SESSION
    DEFAULT_SESSION = Session(**kwargs)
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client"]);
        assert!(left[1].message.contains("builds a boto3 object inline"), "{}", left[1].message);
    }

    #[test]
    fn an_imported_storage_client_is_reported() {
        let text = "from utils.s3_utils import s3_client\n\ns3_client.delete_object(Bucket=\"b\", Key=\"k\")\n";
        let found = findings(text, OTHER);
        assert_eq!(rules(&found), ["boto3-call"]);
        assert_eq!(found[0].message, "translate `s3_client.delete_object(...)` to `s3_utils.storage.from_(bucket).remove([path])`");
    }

    #[test]
    fn an_import_added_where_a_removed_import_was() {
        let before = "import boto3\n\nS3_BUCKET_NAME = \"b\"\ns3_client = boto3.client(\"s3\")\n";
        let after = "\
import os
from supabase import Client, create_client

S3_BUCKET_NAME = \"b\"
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage
";
        assert_eq!(fixed(before, STORAGE), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn overlapping_edits_of_one_fix_are_joined() {
        let at = |start: u32, end: u32| TextRange::new(TextSize::new(start), TextSize::new(end));
        let edits = vec![Edit::delete(at(0, 14)), Edit::insert(TextSize::new(13), "x\n"), Edit::insert(TextSize::new(20), "y")];
        let text = "import boto3\n\nX = 1\ny = 2\n";
        assert_eq!(disjoint(text, edits), vec![Edit::replace(at(0, 14), "x\n\n"), Edit::insert(TextSize::new(20), "y")]);
    }

    // ----- must stay silent -----

    #[test]
    fn non_boto3_clients_and_mentions_are_silent() {
        let text = "\
\"\"\"Course assistant (not a boto3 client).\"\"\"
import logging

logger = logging.getLogger(__name__)


class Assistant:
    def __init__(self, registry):
        self.registry = registry

    @property
    def storage(self):
        return self.registry.client(\"s3\")

    def fail(self):
        # boto3.client(\"s3\") used to live here
        logger.exception(\"check OpenAI key and boto3 credentials\")


def client(name):
    return name


x = client(\"s3\")
x.put_object(Bucket=\"b\")
";
        assert!(findings(text, OTHER).is_empty(), "{:?}", findings(text, OTHER));
    }

    #[test]
    fn a_shadowed_name_is_not_the_client() {
        let text = "\
import boto3

_s3 = boto3.client(\"s3\")


def local(_s3):
    return _s3.put_object(Bucket=\"b\")
";
        let found = findings(text, OTHER);
        assert_eq!(rules(&found), ["boto3-import", "boto3-client"]);
        assert!(found[1].fix.is_some());
    }

    #[test]
    fn botocore_exceptions_belong_to_client_error() {
        let text = "from botocore.exceptions import ClientError\nimport botocore.exceptions\n";
        assert!(findings(text, OTHER).is_empty());
    }
}
