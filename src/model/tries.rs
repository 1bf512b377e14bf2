//! `try` statements and `with pytest.raises(...)` blocks: which S3 calls their body can
//! raise from (directly, or through this file's own functions it calls), which calls of
//! the storage module and of other AWS services it makes, the S3-looking calls on
//! receivers the model cannot resolve, its handlers, what each catches, and the
//! `e.response[...]` reads inside them.

use ruff_python_ast::{ExceptHandler, ExceptHandlerExceptHandler, Expr, ExprCall, Stmt, StmtTry, StmtWith, WithItem};
use ruff_text_size::{Ranged, TextRange};

use super::calls::{steps, Access, S3Call, UnresolvedCall};
use super::imports::{Imported, ModuleRef};
use super::scope::{FunctionId, ScopeId, Scopes, SiteKind, SymbolId};
use super::value::{Evaluator, Value};
use super::walk::{Raw, RawCall};
use super::{Context, RawTry, UseId};

#[derive(Clone, Copy, Debug)]
pub enum TryKind<'a> {
    Try(&'a StmtTry),
    /// `with pytest.raises(X):` (the item holding the call).
    PytestRaises { with: &'a StmtWith, item: &'a WithItem },
}

/// What one element of a handler's type catches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caught<'a> {
    /// botocore's `ClientError`.
    ClientError,
    /// Another botocore exception (`NoCredentialsError`, `EndpointConnectionError`).
    Botocore(&'a str),
    /// One of boto3's own (`boto3.exceptions.S3UploadFailedError`).
    Boto3(&'a str),
    /// A modeled exception of an S3 client (`s3_client.exceptions.NoSuchKey`).
    Modeled(&'a str),
    /// The configured replacement (`StorageApiError`): already migrated.
    Replacement,
    /// `except:`, `Exception`, `BaseException`.
    Broad,
    /// `KeyError`, `LookupError`: what reading a key a response lacks raises.
    KeyError,
    Other,
}

impl Caught<'_> {
    /// Something boto3 raises that Supabase does not: a handler that must change with
    /// the calls it guards.
    pub fn is_boto(self) -> bool {
        matches!(self, Caught::ClientError | Caught::Botocore(_) | Caught::Boto3(_) | Caught::Modeled(_))
    }

    /// Whether it catches a `KeyError`.
    pub fn catches_key_error(self) -> bool {
        matches!(self, Caught::Broad | Caught::KeyError)
    }
}

/// A read of the caught error's S3 response: `e.response["Error"]["Code"]`,
/// `e.response.get("Error", {}).get("Code")`, `e.operation_name`.
#[derive(Clone, Debug)]
pub struct ResponseRead<'a> {
    pub use_: UseId,
    /// The whole chain (`e.response["Error"]["Code"]`).
    pub expr: &'a Expr,
    /// Its literal keys after `.response` (`["Error", "Code"]`), or `["operation_name"]`.
    pub keys: Vec<&'a str>,
    pub context: Context<'a>,
}

#[derive(Clone, Debug)]
pub struct Handler<'a> {
    /// `None` for `pytest.raises`.
    pub handler: Option<&'a ExceptHandlerExceptHandler>,
    /// The type expression (`ClientError`, `(ClientError, ValueError)`).
    pub type_: Option<&'a Expr>,
    /// One entry per element of the type (a tuple has several).
    pub caught: Vec<Caught<'a>>,
    /// The `as e` symbol.
    pub name: Option<SymbolId>,
    pub reads: Vec<ResponseRead<'a>>,
}

impl Handler<'_> {
    pub fn catches_boto(&self) -> bool {
        self.caught.iter().any(|caught| caught.is_boto())
    }
}

#[derive(Clone, Debug)]
pub struct TryBlock<'a> {
    pub kind: TryKind<'a>,
    /// The statements of the guarded body.
    pub body: TextRange,
    pub scope: ScopeId,
    /// Indexes into `FileModel::calls` of the S3 calls the body can raise from: made
    /// in the body itself or by one of this file's functions it calls.
    pub calls: Vec<usize>,
    /// Calls of storage-module functions in the body (they raise boto3's errors until
    /// the storage module is migrated).
    pub storage_calls: Vec<&'a ExprCall>,
    /// Calls on other AWS services' clients, in the body or in this file's functions it
    /// calls.
    pub service_calls: Vec<&'a ExprCall>,
    /// S3-looking calls on receivers the model cannot resolve (`get_client().put_object`),
    /// in the body or in this file's functions it calls: no translation changes them.
    pub unresolved_calls: Vec<&'a ExprCall>,
    pub handlers: Vec<Handler<'a>>,
}

impl<'a> TryBlock<'a> {
    /// The calls of the body that raise boto3's errors whatever the call translation
    /// does: other services' calls and S3-looking calls the model cannot resolve.
    pub fn boto_calls(&self) -> impl Iterator<Item = &'a ExprCall> + '_ {
        self.service_calls.iter().chain(&self.unresolved_calls).copied()
    }

    pub fn range(&self) -> TextRange {
        match self.kind {
            TryKind::Try(stmt) => stmt.range,
            TryKind::PytestRaises { with, .. } => with.range,
        }
    }
}

fn body_range(body: &[Stmt]) -> Option<TextRange> {
    Some(TextRange::new(body.first()?.start(), body.last()?.end()))
}

pub(super) fn collect<'a>(
    raw: &Raw<'a>,
    evaluator: &Evaluator<'_, 'a>,
    calls: &[S3Call<'a>],
    unresolved: &[UnresolvedCall<'a>],
    exception: &str,
) -> Vec<TryBlock<'a>> {
    let scopes = &raw.scopes;
    // S3 calls by the frame they run in, sorted by position.
    let mut by_function: Vec<Vec<usize>> = vec![Vec::new(); raw.functions.len()];
    for (index, call) in calls.iter().enumerate() {
        if let Some(function) = scopes.scope(scopes.frame(call.scope)).function {
            by_function[function.0 as usize].push(index);
        }
    }
    let mut blocks = Vec::new();
    for try_ in &raw.tries {
        let (kind, body, scope, handlers) = match try_ {
            RawTry::Try { stmt, scope } => {
                let Some(body) = body_range(&stmt.body) else { continue };
                let handlers = stmt
                    .handlers
                    .iter()
                    .map(|handler| {
                        let ExceptHandler::ExceptHandler(handler) = handler;
                        let caught = match &handler.type_ {
                            None => vec![Caught::Broad],
                            Some(type_) => caught(evaluator, type_, *scope, exception),
                        };
                        let name = handler.name.as_ref().and_then(|name| scopes.resolve(*scope, name.as_str()));
                        Handler { handler: Some(handler), type_: handler.type_.as_deref(), caught, name, reads: Vec::new() }
                    })
                    .collect();
                (TryKind::Try(stmt), body, *scope, handlers)
            }
            RawTry::With { stmt, scope } => {
                let Some(item) = stmt.items.iter().find(|item| is_pytest_raises(evaluator, &item.context_expr, *scope)) else { continue };
                let Some(body) = body_range(&stmt.body) else { continue };
                let Expr::Call(call) = &item.context_expr else { continue };
                let type_ = call.arguments.args.first();
                let caught = type_.map_or_else(Vec::new, |type_| caught(evaluator, type_, *scope, exception));
                let handler = Handler { handler: None, type_, caught, name: None, reads: Vec::new() };
                (TryKind::PytestRaises { with: stmt, item }, body, *scope, vec![handler])
            }
        };
        let frame = scopes.frame(scope);
        let start = calls.partition_point(|call| call.call.range().start() < body.start());
        let mut reached = Reached {
            calls: (start..calls.len()).take_while(|&index| calls[index].call.range().start() < body.end()).filter(|&index| scopes.frame(calls[index].scope) == frame).collect(),
            ..Reached::default()
        };
        let mut storage_calls = Vec::new();
        let finder = Finder { raw, evaluator, by_function: &by_function, unresolved };
        let mut seen = Vec::new();
        for call in finder.calls_in(body, frame) {
            if let Callee::Storage = callee_kind(raw, evaluator, call) {
                storage_calls.push(call.call);
            } else {
                finder.step(call, &mut reached, &mut seen, 0);
            }
        }
        let Reached { calls: mut guarded, services: service_calls, unresolved: unresolved_calls } = reached;
        guarded.sort_unstable();
        guarded.dedup();
        blocks.push(TryBlock { kind, body, scope, calls: guarded, storage_calls, service_calls, unresolved_calls, handlers });
    }
    blocks
}

/// What a `try` body can raise from: S3 calls (indexes into the model's calls), other
/// services' calls and unresolved S3-looking calls.
#[derive(Default)]
struct Reached<'a> {
    calls: Vec<usize>,
    services: Vec<&'a ExprCall>,
    unresolved: Vec<&'a ExprCall>,
}

struct Finder<'r, 'e, 'a> {
    raw: &'r Raw<'a>,
    evaluator: &'r Evaluator<'e, 'a>,
    /// S3 calls by the function they run in.
    by_function: &'r [Vec<usize>],
    unresolved: &'r [UnresolvedCall<'a>],
}

impl<'a> Finder<'_, '_, 'a> {
    /// The calls made in `range` by code of the frame `frame` (not by nested functions).
    fn calls_in(&self, range: TextRange, frame: ScopeId) -> impl Iterator<Item = &RawCall<'a>> + '_ {
        let first = self.raw.calls.partition_point(|call| call.call.range().start() < range.start());
        self.raw.calls[first..].iter().take_while(move |call| call.call.range().start() < range.end()).filter(move |call| self.raw.scopes.frame(call.scope) == frame)
    }

    /// What `call` adds: another service's call, an unresolved S3-looking call, or what
    /// this file's function it calls makes (a few levels deep).
    fn step(&self, call: &RawCall<'a>, out: &mut Reached<'a>, seen: &mut Vec<FunctionId>, depth: usize) {
        let start = call.call.range().start();
        if self.unresolved.binary_search_by_key(&start, |other| other.call.range().start()).is_ok() {
            out.unresolved.push(call.call);
        }
        match callee_kind(self.raw, self.evaluator, call) {
            Callee::Service => out.services.push(call.call),
            Callee::Function(function) if depth <= 4 && !seen.contains(&function) => {
                seen.push(function);
                out.calls.extend(&self.by_function[function.0 as usize]);
                let def = &self.raw.functions[function.0 as usize];
                for inner in self.calls_in(def.def.range, def.scope) {
                    self.step(inner, out, seen, depth + 1);
                }
            }
            _ => {}
        }
    }
}

enum Callee {
    Storage,
    Service,
    Function(FunctionId),
    Other,
}

fn callee_kind<'a>(raw: &Raw<'a>, evaluator: &Evaluator<'_, 'a>, call: &RawCall<'a>) -> Callee {
    match call.call.func.as_ref() {
        Expr::Attribute(attribute) => match evaluator.expr(&attribute.value, call.scope, &[]) {
            Value::Module(ModuleRef::Storage) => Callee::Storage,
            Value::Service(_) => Callee::Service,
            Value::Instance(_) | Value::Class(_) => match evaluator.expr(&call.call.func, call.scope, &[]) {
                Value::Function(function) => Callee::Function(function),
                _ => Callee::Other,
            },
            _ => Callee::Other,
        },
        Expr::Name(name) => {
            let Some(symbol) = raw.scopes.resolve(call.scope, name.id.as_str()) else { return Callee::Other };
            let sites = raw.scopes.reaching(symbol, call.scope, name.range.start());
            match sites.first().map(|&site| &raw.scopes.site(site).kind) {
                Some(SiteKind::Import { imported: Imported::Member(ModuleRef::Storage, _), .. }) => Callee::Storage,
                Some(SiteKind::Function(function)) => Callee::Function(*function),
                _ => Callee::Other,
            }
        }
        _ => Callee::Other,
    }
}

fn is_pytest_raises<'a>(evaluator: &Evaluator<'_, 'a>, expr: &'a Expr, scope: ScopeId) -> bool {
    match expr {
        Expr::Call(call) => evaluator.expr(&call.func, scope, &[]) == Value::PytestRaises,
        _ => false,
    }
}

fn caught<'a>(evaluator: &Evaluator<'_, 'a>, type_: &'a Expr, scope: ScopeId, exception: &str) -> Vec<Caught<'a>> {
    let elements: Vec<&'a Expr> = match type_ {
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        single => vec![single],
    };
    elements
        .into_iter()
        .map(|element| match evaluator.expr(element, scope, &[]) {
            Value::Exception("ClientError") => Caught::ClientError,
            Value::Exception(name) => Caught::Botocore(name),
            Value::Boto3Exception(name) => Caught::Boto3(name),
            Value::Modeled(name) => Caught::Modeled(name),
            _ => match element {
                Expr::Name(name) if matches!(name.id.as_str(), "Exception" | "BaseException") => Caught::Broad,
                Expr::Name(name) if matches!(name.id.as_str(), "KeyError" | "LookupError") => Caught::KeyError,
                Expr::Name(name) if name.id.as_str() == exception => Caught::Replacement,
                Expr::Attribute(attribute) if attribute.attr.as_str() == exception => Caught::Replacement,
                _ => Caught::Other,
            },
        })
        .collect()
}

/// Fill each handler's reads of the caught error's response, from the uses of its name.
pub(super) fn attach_reads<'a>(blocks: &mut [TryBlock<'a>], scopes: &Scopes<'a>, uses: &[super::Use<'a>]) {
    for block in blocks {
        for handler in &mut block.handlers {
            let (Some(symbol), Some(except)) = (handler.name, handler.handler) else { continue };
            for &use_id in &scopes.symbol(symbol).uses {
                let use_ = &uses[use_id.0 as usize];
                if !except.range.contains_range(use_.name.range) {
                    continue;
                }
                let chain = steps(use_.chain);
                let keys = match chain.first() {
                    Some((Access::Attribute("response"), _)) => response_keys(&chain[1..]),
                    Some((Access::Attribute("operation_name"), _)) => vec!["operation_name"],
                    _ => continue,
                };
                handler.reads.push(ResponseRead { use_: use_id, expr: use_.chain, keys, context: use_.context });
            }
        }
    }
}

/// The literal keys of `["Error"]["Code"]` / `.get("Error", {}).get("Code")` steps.
fn response_keys<'a>(chain: &[(Access<'a>, &'a Expr)]) -> Vec<&'a str> {
    let mut keys = Vec::new();
    let mut at = 0;
    while at < chain.len() {
        match (chain[at].0, chain.get(at + 1).map(|(step, _)| *step)) {
            (Access::Index(subscript), _) => match subscript.slice.as_ref() {
                Expr::StringLiteral(key) => {
                    keys.push(key.value.to_str());
                    at += 1;
                }
                _ => break,
            },
            (Access::Attribute("get"), Some(Access::Call(call))) => match call.arguments.args.first() {
                Some(Expr::StringLiteral(key)) => {
                    keys.push(key.value.to_str());
                    at += 2;
                }
                _ => break,
            },
            _ => break,
        }
    }
    keys
}
