//! S3 calls: every call of a method on an S3 object, found by stepping along each use's
//! access chain with the evaluator, with what consumes its response; and calls of S3
//! operation names on receivers the model cannot resolve.

use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::scope::{FunctionId, ScopeId, SymbolId};
use super::value::{Evaluator, Flavor, S3Kind, Value};
use super::{Context, Use, UseId};

/// One step of an access chain after its root.
#[derive(Clone, Copy, Debug)]
pub enum Access<'a> {
    /// `.name`
    Attribute(&'a str),
    /// `[index]` (the subscript node).
    Index(&'a ruff_python_ast::ExprSubscript),
    /// `(...)` (the call node).
    Call(&'a ExprCall),
    Await,
}

impl Access<'_> {
    /// The literal key of a `["Body"]` step.
    pub fn key(&self) -> Option<&str> {
        match self {
            Access::Index(subscript) => match subscript.slice.as_ref() {
                Expr::StringLiteral(key) => Some(key.value.to_str()),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The steps of `chain` from its root (excluded) outwards, with the node each ends at.
pub fn steps(chain: &Expr) -> Vec<(Access<'_>, &Expr)> {
    // Counted first so the Vec is allocated once at its size (it is asked for at every
    // load with a chain: growing it from empty was a reallocation each time).
    let mut count = 0;
    let mut current = chain;
    while let Some((_, inner)) = step(current) {
        count += 1;
        current = inner;
    }
    let mut out = Vec::with_capacity(count);
    let mut current = chain;
    while let Some((access, inner)) = step(current) {
        out.push((access, current));
        current = inner;
    }
    out.reverse();
    out
}

/// The outermost step of `node` and the expression it is taken on (`.get_object` and
/// `s3` for `s3.get_object`); `None` at a chain's root.
pub(super) fn step(node: &Expr) -> Option<(Access<'_>, &Expr)> {
    Some(match node {
        Expr::Attribute(attribute) => (Access::Attribute(attribute.attr.as_str()), attribute.value.as_ref()),
        Expr::Subscript(subscript) => (Access::Index(subscript), subscript.value.as_ref()),
        Expr::Call(call) => (Access::Call(call), call.func.as_ref()),
        Expr::Await(inner) => (Access::Await, inner.value.as_ref()),
        _ => return None,
    })
}

/// How an S3 call's response is consumed.
#[derive(Clone, Debug)]
pub struct Consumer<'a> {
    /// The chain's steps after the call: `["Body"]`, `.read`, `()` for
    /// `s3.get_object(...)["Body"].read()`; `Await` first when the call is awaited.
    pub accesses: Vec<Access<'a>>,
    /// The outermost expression of the chain (the call itself when nothing follows).
    pub outer: &'a Expr,
    /// How that expression's value is used (an argument of `json.load`, assigned, ...).
    pub context: Context<'a>,
    /// `r = s3.get_object(...)`: the symbol the response is bound to; its uses (each with
    /// its own chain and context) are the code reading the response.
    pub bound: Option<SymbolId>,
}

/// A call of a method on an S3 object.
#[derive(Clone, Debug)]
pub struct S3Call<'a> {
    pub call: &'a ExprCall,
    /// The method name: `put_object`, `Bucket`, `filter`, `paginate`, `glob`...
    pub operation: &'a str,
    /// The receiver expression (`s3`, `self.s3`, `boto3.client("s3")`).
    pub receiver: &'a Expr,
    /// What the receiver is.
    pub kind: S3Kind,
    pub flavor: Flavor,
    /// The use whose chain holds the call (its root name).
    pub root: UseId,
    /// The receiver's symbol when the receiver is a bare name.
    pub receiver_symbol: Option<SymbolId>,
    pub scope: ScopeId,
    /// The innermost function the call is written in (None: module level).
    pub function: Option<FunctionId>,
    pub statement: &'a Stmt,
    pub consumer: Consumer<'a>,
}

impl S3Call<'_> {
    /// A call that only builds another S3 object, with no request (`resource.Bucket(b)`,
    /// `client.get_paginator(...)`, `bucket.objects.filter(...)`).
    pub fn is_construction(&self) -> bool {
        matches!(
            (self.kind, self.operation),
            (S3Kind::Resource, "Bucket" | "Object" | "ObjectSummary")
                | (S3Kind::Bucket, "Object")
                | (S3Kind::Client, "get_paginator")
                | (S3Kind::Collection, "filter" | "all" | "limit" | "page_size")
        )
    }
}

impl Ranged for S3Call<'_> {
    fn range(&self) -> TextRange {
        self.call.range()
    }
}

/// A call of an S3 operation name on a receiver the model cannot resolve.
#[derive(Clone, Debug)]
pub struct UnresolvedCall<'a> {
    pub call: &'a ExprCall,
    pub operation: &'a str,
    pub receiver: &'a Expr,
    pub statement: &'a Stmt,
}

/// Method names that are S3 operations and almost nothing else (`.put_object(`).
pub const S3_OPERATIONS: &[&str] = &[
    "abort_multipart_upload", "complete_multipart_upload", "copy_object", "create_bucket", "create_multipart_upload",
    "delete_bucket", "delete_object", "delete_objects", "download_file", "download_fileobj", "generate_presigned_post",
    "generate_presigned_url", "get_bucket_acl", "get_bucket_location", "get_bucket_policy", "get_object", "get_object_acl",
    "get_object_tagging", "head_bucket", "head_object", "list_buckets", "list_multipart_uploads", "list_object_versions",
    "list_objects", "list_objects_v2", "list_parts", "put_bucket_policy", "put_object", "put_object_acl", "put_object_tagging",
    "restore_object", "select_object_content", "upload_file", "upload_fileobj", "upload_part", "upload_part_copy",
];

pub fn is_s3_operation(name: &str) -> bool {
    S3_OPERATIONS.binary_search(&name).is_ok()
}

/// The S3 calls and unresolved S3-looking calls in `uses`' chains (none unless
/// `may_hold_s3`), and for each use the value of its name and of its whole chain.
pub(super) fn collect<'a>(
    evaluator: &Evaluator<'_, 'a>,
    uses: &[Use<'a>],
    scopes: &super::scope::Scopes<'a>,
    may_hold_s3: bool,
) -> (Vec<S3Call<'a>>, Vec<UnresolvedCall<'a>>, Vec<(Value<'a>, Value<'a>)>) {
    let mut calls = Vec::new();
    let mut unresolved = Vec::new();
    let mut values = Vec::with_capacity(uses.len());
    for (index, use_) in uses.iter().enumerate() {
        let root = evaluator.name(use_.scope, use_.name.id.as_str(), use_.name.range.start(), &[]);
        if matches!(use_.chain, Expr::Name(_)) {
            values.push((root, root));
            continue;
        }
        let chain = steps(use_.chain);
        let mut value = root;
        let mut at = 0;
        while at < chain.len() {
            let (step, node) = chain[at];
            match (step, chain.get(at + 1)) {
                (Access::Attribute(method), Some((Access::Call(call), _))) => {
                    let receiver = match node {
                        Expr::Attribute(attribute) => attribute.value.as_ref(),
                        _ => node,
                    };
                    // A session only makes clients: not an S3 call.
                    if !may_hold_s3 {
                        // No S3 object can be here.
                    } else if let Value::S3(kind @ (S3Kind::Client | S3Kind::Resource | S3Kind::Bucket | S3Kind::Object | S3Kind::Collection | S3Kind::Paginator | S3Kind::Pages | S3Kind::FileSystem), flavor) = value {
                        let awaited = matches!(chain.get(at + 2), Some((Access::Await, _)));
                        let after = at + 2 + usize::from(awaited);
                        let bound = match (after >= chain.len(), use_.context) {
                            (true, Context::Assigned { targets: [Expr::Name(target)], .. }) => scopes.resolve(use_.scope, target.id.as_str()),
                            _ => None,
                        };
                        calls.push(S3Call {
                            call,
                            operation: method,
                            receiver,
                            kind,
                            flavor,
                            root: UseId(index as u32),
                            receiver_symbol: (at == 0).then_some(use_.symbol).flatten(),
                            scope: use_.scope,
                            function: scopes.function_of(use_.scope),
                            statement: use_.statement,
                            consumer: Consumer {
                                accesses: chain[at + 2..].iter().map(|(step, _)| *step).collect(),
                                outer: use_.chain,
                                context: use_.context,
                                bound,
                            },
                        });
                    } else if value == Value::Unknown && is_s3_operation(method) {
                        unresolved.push(UnresolvedCall { call, operation: method, receiver, statement: use_.statement });
                    }
                    value = evaluator.method_call(value, method, call, use_.scope, &[]);
                    at += 2;
                }
                (Access::Attribute(name), _) => {
                    value = evaluator.attribute(value, name);
                    at += 1;
                }
                (Access::Call(call), _) => {
                    value = evaluator.call(value, call, use_.scope, &[]);
                    at += 1;
                }
                (Access::Index(_), _) => {
                    value = Value::Unknown;
                    at += 1;
                }
                (Access::Await, _) => at += 1,
            }
        }
        values.push((root, value));
    }
    calls.sort_by_key(|call| call.call.range().start());
    unresolved.sort_by_key(|call| call.call.range().start());
    (calls, unresolved, values)
}
