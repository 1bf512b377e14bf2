//! `try` statements and `with pytest.raises(...)` blocks: which S3 calls their body can
//! raise from (directly, or through this file's own functions it calls), which calls of
//! the storage module and of other AWS services it makes, its handlers, what each
//! catches, and the `e.response[...]` reads inside them.

use ruff_python_ast::{ExceptHandler, ExceptHandlerExceptHandler, Expr, ExprCall, Stmt, StmtTry, StmtWith, WithItem};
use ruff_text_size::{Ranged, TextRange};

use super::calls::{steps, Access, S3Call};
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
    /// A modeled exception of an S3 client (`s3_client.exceptions.NoSuchKey`).
    Modeled(&'a str),
    /// The configured replacement (`StorageApiError`): already migrated.
    Replacement,
    /// `except:`, `Exception`, `BaseException`.
    Broad,
    Other,
}

impl Caught<'_> {
    /// Something boto3 raises that Supabase does not: a handler that must change with
    /// the calls it guards.
    pub fn is_boto(self) -> bool {
        matches!(self, Caught::ClientError | Caught::Botocore(_) | Caught::Modeled(_))
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
    /// Calls on other AWS services' clients in the body.
    pub service_calls: Vec<&'a ExprCall>,
    pub handlers: Vec<Handler<'a>>,
}

impl TryBlock<'_> {
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
        let mut guarded: Vec<usize> = (start..calls.len())
            .take_while(|&index| calls[index].call.range().start() < body.end())
            .filter(|&index| scopes.frame(calls[index].scope) == frame)
            .collect();
        let mut storage_calls = Vec::new();
        let mut service_calls = Vec::new();
        let first = raw.calls.partition_point(|call| call.call.range().start() < body.start());
        for call in raw.calls[first..].iter().take_while(|call| call.call.range().start() < body.end()) {
            if scopes.frame(call.scope) != frame {
                continue;
            }
            match callee_kind(raw, evaluator, call) {
                Callee::Storage => storage_calls.push(call.call),
                Callee::Service => service_calls.push(call.call),
                Callee::Function(function) => {
                    let mut seen = Vec::new();
                    reach(function, &by_function, raw, evaluator, &mut guarded, &mut seen, 0);
                }
                Callee::Other => {}
            }
        }
        guarded.sort_unstable();
        guarded.dedup();
        blocks.push(TryBlock { kind, body, scope, calls: guarded, storage_calls, service_calls, handlers });
    }
    blocks
}

/// The S3 calls `function` makes, and those of the functions it calls (a few levels).
fn reach<'a>(
    function: FunctionId,
    by_function: &[Vec<usize>],
    raw: &Raw<'a>,
    evaluator: &Evaluator<'_, 'a>,
    out: &mut Vec<usize>,
    seen: &mut Vec<FunctionId>,
    depth: usize,
) {
    if depth > 4 || seen.contains(&function) {
        return;
    }
    seen.push(function);
    out.extend(&by_function[function.0 as usize]);
    let def = &raw.functions[function.0 as usize];
    let range = def.def.range;
    let first = raw.calls.partition_point(|call| call.call.range().start() < range.start());
    for call in raw.calls[first..].iter().take_while(|call| call.call.range().start() < range.end()) {
        if raw.scopes.frame(call.scope) != def.scope {
            continue;
        }
        if let Callee::Function(inner) = callee_kind(raw, evaluator, call) {
            reach(inner, by_function, raw, evaluator, out, seen, depth + 1);
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
            Value::Modeled(name) => Caught::Modeled(name),
            _ => match element {
                Expr::Name(name) if matches!(name.id.as_str(), "Exception" | "BaseException") => Caught::Broad,
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
