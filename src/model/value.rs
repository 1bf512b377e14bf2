//! What an expression holds, as far as S3 is concerned, and the evaluator that works it
//! out from the facts the walk collected: names through their binding sites, attributes,
//! calls of factories and of the file's own functions (with the arguments of the call),
//! class and instance attributes, parameters (annotations, or the arguments every call in
//! the file passes), and other files' exports.
//!
//! Every site's value is computed once (memoized); a cycle or a deep chain gives `Unknown`.

use std::cell::RefCell;

use ruff_python_ast::{BoolOp, Expr, ExprCall};
use ruff_text_size::TextSize;
use rustc_hash::FxHashMap;

use super::exports::{Export, Returns};
use super::imports::{Imported, Library, ModuleRef};
use super::scope::{ClassId, FunctionId, ScopeId, SiteId, SiteKind};
use super::walk::Raw;
use super::{MethodKind, ModelInput};

/// Whether an S3 object comes from boto3 (sync) or aioboto3 (async, awaited calls).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flavor {
    Sync,
    Async,
}

/// The S3 objects code handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum S3Kind {
    /// `boto3.Session()` / `aioboto3.Session()`: not S3 by itself, it makes clients.
    Session,
    Client,
    /// `boto3.resource("s3")`.
    Resource,
    /// `resource.Bucket(name)`.
    Bucket,
    /// `resource.Object(bucket, key)`, `bucket.Object(key)`, an item of a collection.
    Object,
    /// `bucket.objects`, `.filter(...)`, `.all()`, `resource.buckets`.
    Collection,
    /// `resource.meta`, `bucket.meta`: `.client` is the S3 client.
    Meta,
    /// `client.get_paginator(...)`.
    Paginator,
    /// `paginator.paginate(...)`: iterates response pages.
    Pages,
    /// `client.exceptions`: its attributes are the modeled exception classes.
    Exceptions,
    /// `s3fs.S3FileSystem()`.
    FileSystem,
}

impl S3Kind {
    pub fn noun(self) -> &'static str {
        match self {
            S3Kind::Session => "boto3 session",
            S3Kind::Client => "boto3 S3 client",
            S3Kind::Resource => "boto3 S3 resource",
            S3Kind::Bucket => "boto3 S3 Bucket",
            S3Kind::Object => "boto3 S3 Object",
            S3Kind::Collection => "boto3 S3 object collection",
            S3Kind::Meta => "boto3 resource meta",
            S3Kind::Paginator => "boto3 paginator",
            S3Kind::Pages => "boto3 page iterator",
            S3Kind::Exceptions => "boto3 client exceptions",
            S3Kind::FileSystem => "s3fs file system",
        }
    }
}

/// A factory of S3 objects from a library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Factory {
    /// `boto3.client(service, ...)`.
    Client(Flavor),
    /// `boto3.resource(service, ...)`.
    Resource(Flavor),
    /// `boto3.Session`, `boto3.session.Session`, `aioboto3.Session`.
    Session(Flavor),
    /// `s3fs.S3FileSystem`.
    FileSystem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Unknown,
    /// `None`: ignored when values join (`client = None` before a lazy init).
    None,
    Str(&'a str),
    Module(ModuleRef<'a>),
    /// `import a.b.c` bound as `a`: the prefix `path[..len]` reached so far.
    Dotted { path: &'a str, len: usize },
    /// A name from a known library without a meaning of its own here.
    LibraryMember(Library, &'a str),
    Factory(Factory),
    S3(S3Kind, Flavor),
    /// A client or resource of another AWS service (`boto3.client("sqs")`).
    Service(&'a str),
    /// A session method or attribute that is not S3 (`session.get_credentials()`).
    NotS3,
    /// A botocore exception class (`botocore.exceptions.ClientError`).
    Exception(&'a str),
    /// One of boto3's own exception classes (`boto3.exceptions.S3UploadFailedError`).
    Boto3Exception(&'a str),
    /// A modeled exception of an S3 client (`s3_client.exceptions.NoSuchKey`).
    Modeled(&'a str),
    TypingLiteral,
    Getenv,
    Environ,
    EnvironGet,
    PytestRaises,
    /// A type from the boto3 stubs (`S3Client`, `S3ServiceResource`).
    S3Type(&'a str),
    Function(FunctionId),
    Class(ClassId),
    Instance(ClassId),
    /// A member of the storage module its exports do not describe (the bucket constant).
    StorageMember(&'a str),
    /// Something another module (or the storage module) exports.
    Export(&'a Export),
    /// An instance of a class another module exports.
    ExportInstance(&'a Export),
    /// A supabase-py value (its client, `.storage`, a bucket's file API): never S3, so
    /// its `create_bucket(...)` is no S3-looking call.
    Supabase,
}

impl<'a> Value<'a> {
    pub fn s3(self) -> Option<(S3Kind, Flavor)> {
        match self {
            Value::S3(kind, flavor) => Some((kind, flavor)),
            _ => None,
        }
    }

    /// An S3 object other than a session (a session alone touches no bucket).
    pub fn is_s3_object(self) -> bool {
        matches!(self, Value::S3(kind, _) if kind != S3Kind::Session)
    }
}

/// The join of the values a name may hold: `None`s are ignored, the rest must agree.
pub fn join<'a>(values: impl IntoIterator<Item = Value<'a>>) -> Value<'a> {
    let mut joined = Value::None;
    for value in values {
        match (joined, value) {
            (_, Value::None) => {}
            (Value::None, value) => joined = value,
            (a, b) if a == b => {}
            _ => return Value::Unknown,
        }
    }
    joined
}

/// S3 type names of the stubs (`mypy_boto3_s3`), by what they annotate.
fn stub_kind(name: &str) -> Option<S3Kind> {
    Some(match name {
        "S3Client" => S3Kind::Client,
        "S3ServiceResource" => S3Kind::Resource,
        "Bucket" => S3Kind::Bucket,
        "Object" | "ObjectSummary" => S3Kind::Object,
        "ListObjectsV2Paginator" => S3Kind::Paginator,
        _ => return None,
    })
}

const MAX_DEPTH: usize = 48;

#[derive(Clone, Copy)]
enum Memo<'a> {
    Todo,
    Busy,
    Done(Value<'a>),
}

/// Each function's calls in this file, with the scope each is written in.
type CallSites<'a> = Vec<Vec<(&'a ExprCall, ScopeId)>>;

/// Parameter values bound for one evaluation of a function body (a call's arguments).
type Env<'a> = [(SiteId, Value<'a>)];

/// One set of bound arguments a function was evaluated with, and its return value.
type BoundReturn<'a> = (Vec<(SiteId, Value<'a>)>, Memo<'a>);

pub(super) struct Evaluator<'r, 'a> {
    raw: &'r Raw<'a>,
    input: &'r ModelInput<'a>,
    sites: RefCell<Vec<Memo<'a>>>,
    returns: RefCell<Vec<Memo<'a>>>,
    /// A class's (or its instances') attribute, once the stores' owners are known:
    /// without it each read re-evaluates every store of that name, and stores whose
    /// values read other attributes multiply into an exponential walk.
    class_attributes: RefCell<FxHashMap<(ClassId, &'a str, bool), Memo<'a>>>,
    /// A function's return value for each set of bound arguments it was asked with:
    /// without it a recursive function whose arguments are known (`f(x.child)` in `f`)
    /// is re-evaluated for every path through its calls, exponential in the depth limit.
    bound_returns: RefCell<FxHashMap<FunctionId, Vec<BoundReturn<'a>>>>,
    depth: RefCell<usize>,
    /// For each attribute store, the class its root is an instance (or the class) of.
    store_classes: RefCell<Option<Vec<Option<ClassId>>>>,
    building_owners: std::cell::Cell<bool>,
    /// Call sites of each function: (call, scope of the call).
    call_sites: RefCell<Option<CallSites<'a>>>,
    /// Other modules' exports read before they were known (a first pass): (display
    /// path, name), each once.
    pub(super) asked_exports: RefCell<Vec<(String, String)>>,
}

impl<'r, 'a> Evaluator<'r, 'a> {
    pub(super) fn new(raw: &'r Raw<'a>, input: &'r ModelInput<'a>) -> Self {
        Evaluator {
            raw,
            input,
            sites: RefCell::new(vec![Memo::Todo; raw.scopes.sites.len()]),
            returns: RefCell::new(vec![Memo::Todo; raw.functions.len()]),
            class_attributes: RefCell::new(FxHashMap::default()),
            bound_returns: RefCell::new(FxHashMap::default()),
            depth: RefCell::new(0),
            store_classes: RefCell::new(None),
            building_owners: std::cell::Cell::new(false),
            call_sites: RefCell::new(None),
            asked_exports: RefCell::new(Vec::new()),
        }
    }

    /// Run `f` one level deeper, or give `Unknown` past the limit.
    fn deeper(&self, f: impl FnOnce() -> Value<'a>) -> Value<'a> {
        {
            let mut depth = self.depth.borrow_mut();
            if *depth >= MAX_DEPTH {
                return Value::Unknown;
            }
            *depth += 1;
        }
        let value = f();
        *self.depth.borrow_mut() -= 1;
        value
    }

    // ----- names and sites -----

    /// The value of `name` loaded at `offset` in `scope`.
    pub(super) fn name(&self, scope: ScopeId, name: &str, offset: TextSize, env: &Env<'a>) -> Value<'a> {
        let scopes = &self.raw.scopes;
        let Some(symbol) = scopes.resolve(scope, name) else { return Value::Unknown };
        let sites = scopes.reaching(symbol, scope, offset);
        join(sites.iter().filter(|site| !scopes.site(**site).kind.is_delete()).map(|&site| {
            env.iter().find(|(bound, _)| *bound == site).map_or_else(|| self.site(site), |(_, value)| *value)
        }))
    }

    pub(super) fn site(&self, id: SiteId) -> Value<'a> {
        match self.sites.borrow()[id.0 as usize] {
            Memo::Done(value) => return value,
            Memo::Busy => return Value::Unknown,
            Memo::Todo => {}
        }
        self.sites.borrow_mut()[id.0 as usize] = Memo::Busy;
        let value = self.deeper(|| self.compute_site(id));
        self.sites.borrow_mut()[id.0 as usize] = Memo::Done(value);
        value
    }

    fn compute_site(&self, id: SiteId) -> Value<'a> {
        let site = self.raw.scopes.site(id);
        let scope = site.scope;
        match &site.kind {
            SiteKind::Import { imported, .. } => self.imported(*imported),
            SiteKind::Assign { value, annotation } => {
                let assigned = self.expr(value, scope, &[]);
                match (assigned, annotation) {
                    (Value::Unknown | Value::None, Some(annotation)) => self.annotation(annotation, scope).unwrap_or(assigned),
                    _ => assigned,
                }
            }
            SiteKind::Walrus { value } => self.expr(value, scope, &[]),
            SiteKind::Declare { annotation } => self.annotation(annotation, scope).unwrap_or(Value::Unknown),
            SiteKind::For { iter, whole: true, .. } | SiteKind::Comprehension { iter, whole: true } => {
                self.iterated(self.expr(iter, scope, &[]))
            }
            SiteKind::With { context, whole: true, .. } => match self.expr(context, scope, &[]) {
                // `async with session.client("s3") as s3`: the client itself.
                value @ Value::S3(..) => value,
                _ => Value::Unknown,
            },
            SiteKind::Parameter { function, index, annotation, .. } => self.parameter(*function, *index, *annotation),
            SiteKind::Function(function) => Value::Function(*function),
            SiteKind::Class(class) => Value::Class(*class),
            _ => Value::Unknown,
        }
    }

    fn imported(&self, imported: Imported<'a>) -> Value<'a> {
        match imported {
            Imported::Module(module) => Value::Module(module),
            Imported::Member(module, name) => self.attribute(Value::Module(module), name),
            Imported::Dotted(path) => {
                let len = path.find('.').unwrap_or(path.len());
                // A library's submodules are reached through its attributes.
                match Library::of(&path[..len]) {
                    Some(library) => Value::Module(ModuleRef::Library(library)),
                    None => Value::Dotted { path, len },
                }
            }
        }
    }

    /// What an annotation says a name holds (`S3Client`, `"S3Client"`, `mypy_boto3_s3.S3Client`).
    fn annotation(&self, annotation: &'a Expr, scope: ScopeId) -> Option<Value<'a>> {
        let kind = match annotation {
            Expr::StringLiteral(text) => stub_kind(text.value.to_str().rsplit('.').next().unwrap_or_default())?,
            Expr::Subscript(optional) => return self.annotation(&optional.slice, scope),
            Expr::BinOp(union) => return self.annotation(&union.left, scope).or_else(|| self.annotation(&union.right, scope)),
            _ => match self.expr(annotation, scope, &[]) {
                Value::S3Type(name) => stub_kind(name)?,
                _ => return None,
            },
        };
        Some(Value::S3(kind, Flavor::Sync))
    }

    fn parameter(&self, function: Option<FunctionId>, index: usize, annotation: Option<&'a Expr>) -> Value<'a> {
        let Some(function) = function else { return Value::Unknown };
        let def = &self.raw.functions[function.0 as usize];
        if let Some(value) = annotation.and_then(|annotation| self.annotation(annotation, def.scope)) {
            return value;
        }
        if let (Some(class), 0) = (def.class, index) {
            return match def.decorator {
                MethodKind::Static => self.call_site_argument(function, index),
                MethodKind::Class => Value::Class(class),
                MethodKind::Plain | MethodKind::Property => Value::Instance(class),
            };
        }
        self.call_site_argument(function, index)
    }

    /// The join of what every call of `function` in this file passes as parameter `index`.
    fn call_site_argument(&self, function: FunctionId, index: usize) -> Value<'a> {
        let passed = self.call_site_arguments(function, index);
        if passed.is_empty() {
            return Value::Unknown;
        }
        join(passed.into_iter().map(|(_, arg, scope)| match arg {
            Some(arg) => self.expr(arg, scope, &[]),
            None => Value::Unknown,
        }))
    }

    /// What each call of `function` in this file passes as parameter `index`: the call,
    /// the argument (`None`: the call does not show it, e.g. `f(*args)`), the caller's scope.
    pub(super) fn call_site_arguments(&self, function: FunctionId, index: usize) -> Vec<(&'a ExprCall, Option<&'a Expr>, ScopeId)> {
        self.ensure_call_sites();
        let def = &self.raw.functions[function.0 as usize];
        let bound = usize::from(def.class.is_some() && def.decorator != MethodKind::Static);
        let Some(name) = def.def.parameters.iter().nth(index).map(|parameter| parameter.name().as_str()) else {
            return Vec::new();
        };
        let sites = self.call_sites.borrow();
        let calls = sites.as_ref().map(|all| all[function.0 as usize].clone()).unwrap_or_default();
        drop(sites);
        calls.iter().map(|&(call, scope)| (call, argument(call, index.wrapping_sub(bound), name), scope)).collect()
    }

    fn ensure_call_sites(&self) {
        if self.call_sites.borrow().is_some() {
            return;
        }
        let mut all: CallSites<'a> = vec![Vec::new(); self.raw.functions.len()];
        // Every call whose callee is a bare name or `x.name`, resolved to a function here.
        for call in &self.raw.calls {
            let function = match self.callee(call.call, call.scope) {
                Value::Function(function) => function,
                _ => continue,
            };
            all[function.0 as usize].push((call.call, call.scope));
        }
        *self.call_sites.borrow_mut() = Some(all);
    }

    /// The callee of a call as a function of this file, evaluated without recursing into
    /// parameter inference (so building the call-site table cannot loop).
    fn callee(&self, call: &'a ExprCall, scope: ScopeId) -> Value<'a> {
        match call.func.as_ref() {
            Expr::Name(name) => {
                let scopes = &self.raw.scopes;
                let Some(symbol) = scopes.resolve(scope, name.id.as_str()) else { return Value::Unknown };
                let sites = scopes.reaching(symbol, scope, name.range.start());
                match sites {
                    [site] => match scopes.site(*site).kind {
                        SiteKind::Function(function) => Value::Function(function),
                        _ => Value::Unknown,
                    },
                    _ => Value::Unknown,
                }
            }
            Expr::Attribute(attribute) => match attribute.value.as_ref() {
                Expr::Name(receiver) if matches!(receiver.id.as_str(), "self" | "cls") => {
                    let Some(class) = self.raw.scopes.scope(self.raw.scopes.frame(scope)).function.and_then(|function| self.raw.functions[function.0 as usize].class) else {
                        return Value::Unknown;
                    };
                    self.method(class, attribute.attr.as_str()).map_or(Value::Unknown, Value::Function)
                }
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    fn method(&self, class: ClassId, name: &str) -> Option<FunctionId> {
        let scope = self.raw.classes[class.0 as usize].scope;
        let symbol = self.raw.scopes.local(scope, name)?;
        self.raw.scopes.symbol(symbol).sites.iter().rev().find_map(|&site| match self.raw.scopes.site(site).kind {
            SiteKind::Function(function) => Some(function),
            _ => None,
        })
    }

    /// The value of one element of what `value` iterates.
    fn iterated(&self, value: Value<'a>) -> Value<'a> {
        match value {
            Value::S3(S3Kind::Collection, flavor) => Value::S3(S3Kind::Object, flavor),
            _ => Value::Unknown,
        }
    }

    // ----- expressions -----

    pub(super) fn expr(&self, expr: &'a Expr, scope: ScopeId, env: &Env<'a>) -> Value<'a> {
        self.deeper(|| match expr {
            Expr::Name(name) => self.name(scope, name.id.as_str(), name.range.start(), env),
            Expr::Attribute(attribute) => {
                let base = self.expr(&attribute.value, scope, env);
                self.attribute(base, attribute.attr.as_str())
            }
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Attribute(method) => {
                    let base = self.expr(&method.value, scope, env);
                    self.method_call(base, method.attr.as_str(), call, scope, env)
                }
                func => {
                    let func = self.expr(func, scope, env);
                    self.call(func, call, scope, env)
                }
            },
            Expr::Await(inner) => self.expr(&inner.value, scope, env),
            Expr::Named(named) => self.expr(&named.value, scope, env),
            Expr::StringLiteral(text) => Value::Str(text.value.to_str()),
            Expr::NoneLiteral(_) => Value::None,
            Expr::BoolOp(boolean) if boolean.op == BoolOp::Or => {
                join(boolean.values.iter().map(|value| self.expr(value, scope, env)))
            }
            Expr::If(ternary) => join([self.expr(&ternary.body, scope, env), self.expr(&ternary.orelse, scope, env)]),
            _ => Value::Unknown,
        })
    }

    pub(super) fn attribute(&self, base: Value<'a>, name: &'a str) -> Value<'a> {
        match base {
            Value::Module(ModuleRef::Library(library)) => library_attribute(library, name),
            Value::Module(ModuleRef::Storage) => match self.input.storage.and_then(|exports| exports.names.get(name)) {
                Some(export) => export.value(),
                // The storage module's Supabase storage client (`s3_utils.storage`).
                None if name == self.input.config.client.storage_name => Value::Supabase,
                None => Value::StorageMember(name),
            },
            Value::Module(ModuleRef::Project(display)) => self.exported(display, name),
            Value::Dotted { path, len } => {
                let rest = &path[len..];
                match rest.strip_prefix('.').and_then(|rest| rest.strip_prefix(name)) {
                    Some(after) if after.is_empty() || after.starts_with('.') => {
                        let len = path.len() - after.len();
                        if after.is_empty() {
                            self.attribute_path(&path[..len])
                        } else {
                            Value::Dotted { path, len }
                        }
                    }
                    _ => {
                        // `import a.b` then `a.x`: the package `a` itself.
                        let prefix = &path[..len];
                        self.attribute(self.attribute_path(prefix), name)
                    }
                }
            }
            Value::S3(kind, flavor) => s3_attribute(kind, flavor, name),
            Value::Environ if name == "get" => Value::EnvironGet,
            Value::Instance(class) | Value::Class(class) => self.class_attribute(class, name, matches!(base, Value::Instance(_))),
            Value::Export(export) => export.attribute(name).map_or(Value::Unknown, Export::value),
            Value::ExportInstance(export) => export.attribute(name).map_or(Value::Unknown, Export::value),
            Value::Supabase => Value::Supabase,
            _ => Value::Unknown,
        }
    }

    /// The module among the paths whose attribute `name` is, read on `base`: `aws` bound
    /// to `aws.py` (`aws.s3`), or the package `backend` of `import backend.aws` read for
    /// another name than `aws` (`backend.x`, from `backend/__init__.py`).
    pub(super) fn project_member_of(&self, base: Value<'a>, name: &str) -> Option<&'a str> {
        match base {
            Value::Module(ModuleRef::Project(display)) => Some(display),
            Value::Dotted { path, len } => {
                let continues = path[len..].strip_prefix('.').and_then(|rest| rest.strip_prefix(name)).is_some_and(|after| after.is_empty() || after.starts_with('.'));
                match self.attribute_path(&path[..len]) {
                    Value::Module(ModuleRef::Project(display)) if !continues => Some(display),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The module a fully dotted `import a.b.c` path names.
    fn attribute_path(&self, dotted: &'a str) -> Value<'a> {
        let context = super::imports::ImportContext { display: self.input.display, modules: self.input.modules, storage_module: &self.input.config.storage.module };
        Value::Module(context.module(dotted))
    }

    fn exported(&self, display: &str, name: &str) -> Value<'a> {
        if !self.input.exports_final {
            let mut asked = self.asked_exports.borrow_mut();
            if !asked.iter().any(|(module, member)| module == display && member == name) {
                asked.push((display.to_owned(), name.to_owned()));
            }
        }
        super::exports::resolve(self.input.exports, display, name).map_or(Value::Unknown, Export::value)
    }

    fn class_attribute(&self, class: ClassId, name: &'a str, instance: bool) -> Value<'a> {
        let key = (class, name, instance);
        match self.class_attributes.borrow().get(&key) {
            Some(Memo::Done(value)) => return *value,
            Some(Memo::Busy) => return Value::Unknown,
            _ => {}
        }
        self.ensure_store_classes();
        // While the owners are being found, reads see no stores: not an answer to keep.
        let complete = self.store_classes.borrow().is_some();
        if complete {
            self.class_attributes.borrow_mut().insert(key, Memo::Busy);
        }
        let value = self.compute_class_attribute(class, name, instance);
        if complete {
            self.class_attributes.borrow_mut().insert(key, Memo::Done(value));
        }
        value
    }

    fn compute_class_attribute(&self, class: ClassId, name: &'a str, instance: bool) -> Value<'a> {
        let scope = self.raw.classes[class.0 as usize].scope;
        let mut values: Vec<Value<'a>> = Vec::new();
        if let Some(symbol) = self.raw.scopes.local(scope, name) {
            for &site in &self.raw.scopes.symbol(symbol).sites {
                let value = self.site(site);
                if let (Value::Function(function), true) = (value, instance) {
                    // A property reads as what it returns.
                    if self.raw.functions[function.0 as usize].decorator == MethodKind::Property {
                        values.push(self.returns(function, &[]));
                        continue;
                    }
                }
                values.push(value);
            }
        }
        // `class_attribute` made sure of the owners (or is inside their making).
        let classes = self.store_classes.borrow();
        let owners = classes.as_deref().unwrap_or_default();
        for (store, owner) in self.raw.attribute_stores.iter().zip(owners) {
            if *owner == Some(class) && store.target.attr.as_str() == name {
                values.push(store.value.map_or(Value::Unknown, |value| self.expr(value, store.scope, &[])));
            }
        }
        drop(classes);
        if values.is_empty() {
            return Value::Unknown;
        }
        join(values)
    }

    /// The class each attribute store's root is an instance of (or is).
    pub(super) fn store_owners(&self) -> Vec<Option<ClassId>> {
        self.ensure_store_classes();
        self.store_classes.borrow().clone().unwrap_or_default()
    }

    fn ensure_store_classes(&self) {
        // Evaluating an owner may ask for class attributes: those see no stores yet.
        if self.store_classes.borrow().is_some() || self.building_owners.replace(true) {
            return;
        }
        let owners = self
            .raw
            .attribute_stores
            .iter()
            .map(|store| {
                let Expr::Name(root) = store.target.value.as_ref() else { return None };
                let scopes = &self.raw.scopes;
                let symbol = scopes.resolve(store.scope, root.id.as_str())?;
                // Only a method's own `self`/`cls`, or the class's name: no evaluation needed.
                let site = *scopes.symbol(symbol).sites.first()?;
                match scopes.site(site).kind {
                    SiteKind::Parameter { function: Some(function), index: 0, .. } => {
                        let def = &self.raw.functions[function.0 as usize];
                        def.class.filter(|_| def.decorator != MethodKind::Static)
                    }
                    SiteKind::Class(class) => Some(class),
                    // `manager = cls()` then `manager.s3 = ...`: an instance made here.
                    SiteKind::Assign { .. } => match self.name(store.scope, root.id.as_str(), root.range.start(), &[]) {
                        Value::Instance(class) | Value::Class(class) => Some(class),
                        _ => None,
                    },
                    _ => None,
                }
            })
            .collect();
        *self.store_classes.borrow_mut() = Some(owners);
        self.building_owners.set(false);
    }

    /// The literal service a `client(...)`/`resource(...)` call names.
    fn service(&self, call: &'a ExprCall, scope: ScopeId, env: &Env<'a>) -> Option<&'a str> {
        match self.expr(call.arguments.find_argument_value("service_name", 0)?, scope, env) {
            Value::Str(service) => Some(service),
            _ => None,
        }
    }

    /// `base.name(...)`.
    pub(super) fn method_call(&self, base: Value<'a>, name: &'a str, call: &'a ExprCall, scope: ScopeId, env: &Env<'a>) -> Value<'a> {
        let Value::S3(kind, flavor) = base else {
            return self.call(self.attribute(base, name), call, scope, env);
        };
        let made = match (kind, name) {
            (S3Kind::Session, "client") => return by_service(self.service(call, scope, env), S3Kind::Client, flavor),
            (S3Kind::Session, "resource") => return by_service(self.service(call, scope, env), S3Kind::Resource, flavor),
            (S3Kind::Session, _) => return Value::NotS3,
            (S3Kind::Resource, "Bucket") => S3Kind::Bucket,
            (S3Kind::Resource | S3Kind::Bucket, "Object" | "ObjectSummary") => S3Kind::Object,
            (S3Kind::Client, "get_paginator") => S3Kind::Paginator,
            (S3Kind::Paginator, "paginate") => S3Kind::Pages,
            (S3Kind::Collection, "filter" | "all" | "limit" | "page_size") => S3Kind::Collection,
            _ => return Value::Unknown,
        };
        Value::S3(made, flavor)
    }

    pub(super) fn call(&self, func: Value<'a>, call: &'a ExprCall, scope: ScopeId, env: &Env<'a>) -> Value<'a> {
        match func {
            Value::Factory(Factory::Client(flavor)) => by_service(self.service(call, scope, env), S3Kind::Client, flavor),
            Value::Factory(Factory::Resource(flavor)) => by_service(self.service(call, scope, env), S3Kind::Resource, flavor),
            Value::Factory(Factory::Session(flavor)) => Value::S3(S3Kind::Session, flavor),
            Value::Factory(Factory::FileSystem) => Value::S3(S3Kind::FileSystem, Flavor::Sync),
            Value::Function(function) => self.call_function(function, call, scope, env),
            Value::Class(class) => Value::Instance(class),
            Value::Supabase => Value::Supabase,
            Value::Export(export) => match export {
                Export::Factory(returns) => match returns {
                    Returns::Object(kind, flavor) => Value::S3(*kind, *flavor),
                    Returns::ClientOf { parameter, flavor } => {
                        let service = argument(call, *parameter, "").map(|arg| self.expr(arg, scope, env));
                        by_service(match service {
                            Some(Value::Str(service)) => Some(service),
                            _ => None,
                        }, S3Kind::Client, *flavor)
                    }
                },
                Export::Class { .. } => Value::ExportInstance(export),
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    /// A call of one of this file's functions: its return value, with the call's
    /// arguments bound when the plain return value depends on them.
    fn call_function(&self, function: FunctionId, call: &'a ExprCall, scope: ScopeId, env: &Env<'a>) -> Value<'a> {
        let plain = self.returns(function, &[]);
        if plain != Value::Unknown {
            return plain;
        }
        let def = &self.raw.functions[function.0 as usize];
        let bound = usize::from(def.class.is_some() && def.decorator != MethodKind::Static);
        let mut bound_env: Vec<(SiteId, Value<'a>)> = Vec::new();
        for (index, parameter) in def.def.parameters.iter().enumerate().skip(bound) {
            let name = parameter.name().as_str();
            let Some(arg) = argument(call, index - bound, name) else { continue };
            let value = self.expr(arg, scope, env);
            if value == Value::Unknown {
                continue;
            }
            let Some(symbol) = self.raw.scopes.local(def.scope, name) else { continue };
            if let Some(&site) = self.raw.scopes.symbol(symbol).sites.first() {
                bound_env.push((site, value));
            }
        }
        if bound_env.is_empty() {
            return Value::Unknown;
        }
        self.returns(function, &bound_env)
    }

    /// The join of a function's return values, memoized per set of bound arguments
    /// (a recursive evaluation of the same function and arguments gives `Unknown`).
    pub(super) fn returns(&self, function: FunctionId, env: &Env<'a>) -> Value<'a> {
        let index = function.0 as usize;
        if !env.is_empty() {
            return self.bound_returns(function, env);
        }
        match self.returns.borrow()[index] {
            Memo::Done(value) => return value,
            Memo::Busy => return Value::Unknown,
            Memo::Todo => {}
        }
        self.returns.borrow_mut()[index] = Memo::Busy;
        let value = self.evaluate_returns(function, env);
        self.returns.borrow_mut()[index] = Memo::Done(value);
        value
    }

    fn bound_returns(&self, function: FunctionId, env: &Env<'a>) -> Value<'a> {
        // One search: the slot found, or the one added (entries are only ever appended,
        // so its index still holds after the evaluation adds others).
        let slot = {
            let mut memos = self.bound_returns.borrow_mut();
            let seen = memos.entry(function).or_default();
            match seen.iter().find(|(bound, _)| bound.as_slice() == env).map(|(_, memo)| *memo) {
                Some(Memo::Done(value)) => return value,
                Some(Memo::Busy | Memo::Todo) => return Value::Unknown,
                None => {}
            }
            seen.push((env.to_vec(), Memo::Busy));
            seen.len() - 1
        };
        let value = self.evaluate_returns(function, env);
        if let Some(entry) = self.bound_returns.borrow_mut().get_mut(&function).and_then(|seen| seen.get_mut(slot)) {
            entry.1 = Memo::Done(value);
        }
        value
    }

    fn evaluate_returns(&self, function: FunctionId, env: &Env<'a>) -> Value<'a> {
        let def = &self.raw.functions[function.0 as usize];
        if def.returns.is_empty() {
            return Value::Unknown;
        }
        join(def.returns.iter().map(|value| self.expr(value, def.scope, env)))
    }

    /// Whether a function's return value is a client of the service its parameter
    /// names (`def get_aws_client(service): return boto3.client(service)`).
    pub(super) fn returns_client_of(&self, function: FunctionId) -> Option<(usize, Flavor)> {
        let def = &self.raw.functions[function.0 as usize];
        let bound = usize::from(def.class.is_some() && def.decorator != MethodKind::Static);
        for (index, parameter) in def.def.parameters.iter().enumerate().skip(bound) {
            let Some(symbol) = self.raw.scopes.local(def.scope, parameter.name().as_str()) else { continue };
            let Some(&site) = self.raw.scopes.symbol(symbol).sites.first() else { continue };
            if let Value::S3(S3Kind::Client, flavor) = self.returns(function, &[(site, Value::Str("s3"))]) {
                return Some((index - bound, flavor));
            }
        }
        None
    }

    /// The value of a module-level name as other modules see it.
    pub(super) fn module_symbol(&self, name: &str) -> Value<'a> {
        let scopes = &self.raw.scopes;
        let Some(symbol) = scopes.local(super::scope::Scopes::MODULE, name) else { return Value::Unknown };
        join(scopes.symbol(symbol).sites.iter().map(|&site| self.site(site)))
    }
}

fn by_service<'a>(service: Option<&'a str>, kind: S3Kind, flavor: Flavor) -> Value<'a> {
    match service {
        Some("s3") => Value::S3(kind, flavor),
        Some(other) => Value::Service(other),
        None => Value::Unknown,
    }
}

/// The argument a call passes for parameter `index` named `name` (positional or keyword).
pub fn argument<'a>(call: &'a ExprCall, index: usize, name: &str) -> Option<&'a Expr> {
    if call.arguments.args.iter().any(|arg| arg.is_starred_expr()) {
        return None;
    }
    call.arguments
        .args
        .get(index)
        .or_else(|| call.arguments.keywords.iter().find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == name)).map(|keyword| &keyword.value))
}

fn library_attribute<'a>(library: Library, name: &'a str) -> Value<'a> {
    match (library, name) {
        (Library::Boto3, "client") => Value::Factory(Factory::Client(Flavor::Sync)),
        (Library::Boto3, "resource") => Value::Factory(Factory::Resource(Flavor::Sync)),
        (Library::Boto3 | Library::Boto3Session, "Session") => Value::Factory(Factory::Session(Flavor::Sync)),
        (Library::Boto3, "session") => Value::Module(ModuleRef::Library(Library::Boto3Session)),
        (Library::Aioboto3, "Session") => Value::Factory(Factory::Session(Flavor::Async)),
        (Library::Aioboto3, "client") => Value::Factory(Factory::Client(Flavor::Async)),
        (Library::Aioboto3, "resource") => Value::Factory(Factory::Resource(Flavor::Async)),
        (Library::Botocore, "exceptions") => Value::Module(ModuleRef::Library(Library::BotocoreExceptions)),
        (Library::BotocoreExceptions, _) => Value::Exception(name),
        (Library::Boto3, "exceptions") => Value::Module(ModuleRef::Library(Library::Boto3Exceptions)),
        (Library::Boto3Exceptions, _) => Value::Boto3Exception(name),
        (Library::S3fs, "S3FileSystem") => Value::Factory(Factory::FileSystem),
        (Library::Typing, "Literal") => Value::TypingLiteral,
        (Library::Os, "getenv") => Value::Getenv,
        (Library::Os, "environ") => Value::Environ,
        (Library::Pytest, "raises") => Value::PytestRaises,
        (Library::S3Types, _) => Value::S3Type(name),
        (Library::Supabase, _) => Value::Supabase,
        (library, _) => Value::LibraryMember(library, name),
    }
}

fn s3_attribute<'a>(kind: S3Kind, flavor: Flavor, name: &'a str) -> Value<'a> {
    match (kind, name) {
        (S3Kind::Resource | S3Kind::Bucket | S3Kind::Object, "meta") => Value::S3(S3Kind::Meta, flavor),
        (S3Kind::Meta, "client") => Value::S3(S3Kind::Client, flavor),
        (S3Kind::Bucket, "objects") | (S3Kind::Resource, "buckets") => Value::S3(S3Kind::Collection, flavor),
        (S3Kind::Client, "exceptions") => Value::S3(S3Kind::Exceptions, flavor),
        (S3Kind::Exceptions, _) => Value::Modeled(name),
        (S3Kind::Session, "client" | "resource") => Value::Unknown,
        (S3Kind::Session, _) => Value::NotS3,
        _ => Value::Unknown,
    }
}

