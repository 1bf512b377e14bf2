//! The handlers of other files around storage-module functions (`try:
//! s3_utils.read_json(k) except ClientError: ...`, `pytest.raises(ClientError)`).
//!
//! Such a handler catches what the functions raise after this run: where the run
//! translates every function its `try` body calls completely (the project index decided
//! that from the storage module's own processing, see `StorageModule::decide`), it changes
//! in the same run, translated by the same code as the storage module's own handlers;
//! where one of them keeps a boto3 call, or the body also calls another AWS service, it
//! stays and client-error says what holds it.

use std::collections::BTreeSet;

use ruff_python_ast::ExprCall;
use ruff_text_size::{Ranged, TextRange};

use super::handlers::{self, TryEdits};
use super::{exception_import, import_edits, Blocker, Cx, Missing};
use crate::finding::Finding;
use crate::fix::edit::Fix;
use crate::model::{TryBlock, TryKind};
use crate::project_index::Raises;
use crate::rule::RuleId;
use crate::rules::client_error::{call_list, handler_what};
use crate::rules::RuleContext;

/// Why the storage-module calls of a `try` body may still raise boto3's errors.
pub enum Held<'a> {
    /// This function keeps a boto3 call after this run.
    Boto3(&'a ExprCall),
    /// The run does not know what this call raises (the storage module is not among the
    /// paths, or the name is not one of its functions).
    Unknown(&'a ExprCall),
    /// This call passes a bucket that `buckets.names` leaves out: one that stays on S3,
    /// whose objects the function, once it runs on Supabase, does not find there.
    Unlisted(&'a ExprCall, String),
}

impl<'a> Held<'a> {
    pub fn call(&self) -> &'a ExprCall {
        match self {
            Held::Boto3(call) | Held::Unknown(call) | Held::Unlisted(call, _) => call,
        }
    }

    /// Why it holds a handler back, after the call's name (`s3_utils.share`).
    pub fn reason(&self) -> String {
        match self {
            Held::Boto3(_) => "keeps a boto3 call after this run (the storage module's findings say why)".to_owned(),
            Held::Unknown(_) => "is nothing this run can follow (the storage module is not among the paths, or the name is none of its functions)".to_owned(),
            Held::Unlisted(_, bucket) => format!(
                "passes the bucket \"{bucket}\", which is not in buckets.names: a bucket that stays on S3, which the function looks for on Supabase once translated; {}",
                super::LIST_IT
            ),
        }
    }
}

/// How the storage-module functions `block`'s body calls report a missing object after
/// this run (empty: they ran on Supabase before it), or the first call that holds the
/// handler back.
pub fn fate<'a>(ctx: &RuleContext, block: &TryBlock<'a>) -> Result<BTreeSet<Missing>, Held<'a>> {
    let raises = ctx.index.storage.as_ref().and_then(|storage| storage.raises.as_ref());
    let mut missing = BTreeSet::new();
    for &call in &block.storage_calls {
        match ctx.model.storage_function_name(call).and_then(|name| raises?.get(name)) {
            Some(Raises::Supabase { missing: kinds }) => {
                // A function that runs on Supabase, passed a bucket that stays on S3.
                if let Some((bucket, _)) = ctx.model.bucket_arguments_of(call).find_map(|argument| super::unlisted_here(ctx, argument)) {
                    return Err(Held::Unlisted(call, bucket.to_owned()));
                }
                missing.extend(kinds.iter().copied());
            }
            Some(Raises::Boto3) => return Err(Held::Boto3(call)),
            None => return Err(Held::Unknown(call)),
        }
    }
    Ok(missing)
}

/// The findings (each with the fix that translates its handlers) for the tries of a file
/// other than the storage module that guard only storage-module functions this run
/// translates, and each such `try` with its fate (`None`: its fix changes the handlers;
/// otherwise where it is held back).
pub(super) fn check(cx: &Cx) -> (Vec<Finding>, Vec<(TextRange, Option<TextRange>)>) {
    let ctx = cx.ctx;
    let mut findings = Vec::new();
    let mut tries = Vec::new();
    if ctx.is_storage_module {
        return (findings, tries);
    }
    let exception = ctx.config.errors.exception.rsplit('.').next().unwrap_or_default().to_owned();
    for block in &cx.model.tries {
        if !block.calls.is_empty() || block.storage_calls.is_empty() || !block.service_calls.is_empty() {
            continue;
        }
        let Some(handler) = block.handlers.iter().find(|handler| handler.catches_boto()) else { continue };
        let Ok(missing) = fate(ctx, block) else { continue };
        let Some((what, range)) = handler_what(ctx, block, handler) else { continue };
        let calls = call_list(ctx, block.storage_calls.iter().map(|call| (call.range(), format!("{}(...)", cx.src(&*call.func)))));
        let whose = if missing.is_empty() { "that already run on Supabase Storage" } else { "this run translates completely" };
        match translate(cx, block, missing, &exception) {
            Ok(TryEdits { mut edits, imports, notes }) => {
                edits.extend(import_edits(cx, &imports.into_iter().collect()));
                edits.sort();
                edits.dedup();
                let notes = if notes.is_empty() { String::new() } else { format!("; differences that remain: {}", notes.join("; ")) };
                let message = format!("{what} boto3's errors from storage-module functions {whose}: {calls}; it changes to catch `{exception}`, which they raise{notes}");
                findings.push(Finding { rule: RuleId::ClientError, severity: RuleId::ClientError.default_severity(), range, message, fix: Some(Fix::safe(format!("catch `{exception}` from the translated storage-module functions"), edits)) });
                tries.push((block.range(), None));
            }
            Err(blocker) => {
                let message = format!("{what} boto3's errors from storage-module functions {whose}: {calls}; it stays as it is: {}", blocker.message);
                findings.push(Finding { rule: RuleId::ClientError, severity: RuleId::ClientError.default_severity(), range, message, fix: None });
                tries.push((block.range(), Some(blocker.range)));
            }
        }
    }
    (findings, tries)
}

/// What `block`'s handlers become: their edits, imports and the differences that remain.
fn translate(cx: &Cx, block: &TryBlock, missing: BTreeSet<Missing>, exception: &str) -> Result<TryEdits, Blocker> {
    if missing.is_empty() {
        // Functions that ran on Supabase before this run: what a missing object raises is
        // not known here, so a test of S3's error codes has nothing to map to.
        if let Some(read) = block.handlers.iter().filter(|handler| handler.catches_boto()).flat_map(|handler| handler.reads.iter()).next() {
            return Err(cx.block(read.expr.range(), format!(
                "`{}` reads S3's error response, but the functions ran on Supabase before this run, so which Supabase error answers it is not known here; rewrite it by hand against `.status`/`.code`/`.message`",
                cx.src(read.expr)
            )));
        }
    }
    let kinds = if missing.is_empty() { BTreeSet::from([Missing::Other]) } else { missing };
    match block.kind {
        TryKind::Try(stmt) => handlers::try_block(cx, block, stmt, &kinds, exception, &mut Vec::new()),
        TryKind::PytestRaises { .. } => handlers::pytest_raises(cx, &block.handlers[0], &kinds, exception).map(|edits| TryEdits { edits, imports: exception_import(cx).into_iter().collect(), notes: Vec::new() }),
    }
}
