//! Deletes and copies: `delete_object` → `_remove_objects(b, [k])`; `delete_objects` →
//! `_remove_objects(b, keys)` with the keys rebuilt from the `{"Key": k}` list, only where
//! the source shows the batch is not empty (remove() refuses an empty list); the resource's
//! `objects.filter(...).delete()` → a page-by-page remove; `copy_object` → `_copy_object`.

use ruff_python_ast::{CmpOp, Expr, FStringPart, InterpolatedStringElement, Operator, Stmt, StmtFor, StmtIf};
use ruff_text_size::{Ranged, TextRange};

use super::listings::collection_source;
use super::{check_arguments, keyword, layout, require_statement, Cx, Edit, Helper, Missing, Result, Rewrite};
use crate::model::calls::steps;
use crate::model::{Access, Context, Position, S3Kind};

/// `delete_object(Bucket=, Key=)`, or the resource's `Object(b, k).delete()`.
pub fn delete_object(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let mut rewrite = Rewrite { helpers: vec![Helper::RemoveObjects], missing: Some(Missing::Other), ..Rewrite::default() };
    let (bucket, key) = if call.kind == S3Kind::Object {
        check_arguments(cx, c, &[], &[])?;
        cx.object_receiver(call, &mut rewrite)?
    } else {
        check_arguments(cx, c, &[], &["Bucket", "Key"])?;
        let bucket = keyword(c, "Bucket").ok_or_else(|| cx.block(c.range(), "`delete_object` without `Bucket=`"))?;
        (bucket, keyword(c, "Key").ok_or_else(|| cx.block(c.range(), "`delete_object` without `Key=`"))?)
    };
    require_statement(cx, call)?;
    let helper = cx.helper(Helper::RemoveObjects, c.range())?;
    rewrite.edits.push(Edit::replace(c.range(), layout::call(cx, c, &helper, &[cx.bucket(bucket), format!("[{}]", cx.src(key))])));
    Ok(rewrite)
}

pub fn delete_objects(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    check_arguments(cx, c, &[], &["Bucket", "Delete"])?;
    let bucket = cx.bucket(keyword(c, "Bucket").ok_or_else(|| cx.block(c.range(), "`delete_objects` without `Bucket=`"))?);
    let Some(Expr::Dict(delete)) = keyword(c, "Delete") else {
        return Err(cx.block(c.range(), "`Delete=` that is not a dict literal: spell out its \"Objects\", then rerun"));
    };
    let mut objects = None;
    for item in &delete.items {
        match &item.key {
            Some(Expr::StringLiteral(key)) if key.value.to_str() == "Objects" => objects = Some(&item.value),
            Some(Expr::StringLiteral(key)) if key.value.to_str() == "Quiet" => {}
            _ => return Err(cx.block(item.range(), "a `Delete=` entry other than Objects/Quiet (a version id?) has no Supabase equivalent")),
        }
    }
    let objects = objects.ok_or_else(|| cx.block(delete.range(), "`Delete=` without \"Objects\""))?;
    let keys = match objects {
        Expr::ListComp(list) => match list.elt.as_ref() {
            Expr::Dict(entry) if entry.items.len() == 1 && matches!(&entry.items[0].key, Some(Expr::StringLiteral(key)) if key.value.to_str() == "Key") => {
                let whole = list.range();
                format!("{}{}{}", &cx.text[TextRange::new(whole.start(), entry.start())], cx.src(&entry.items[0].value), &cx.text[TextRange::new(entry.end(), whole.end())])
            }
            _ => return Err(cx.block(list.range(), "a list of objects not built as `[{\"Key\": k} for ...]`: rebuild it by hand")),
        },
        Expr::Name(name) => format!("[obj[\"Key\"] for obj in {}]", name.id),
        other => return Err(cx.block(other.range(), "a list of objects this translation cannot rebuild as keys; bind it to a name first")),
    };
    let helper = cx.helper(Helper::RemoveObjects, c.range())?;
    let mut rewrite = Rewrite { helpers: vec![Helper::RemoveObjects], missing: Some(Missing::Other), ..Rewrite::default() };
    rewrite.notes.push("remove() has no per-key error list: a failing remove raises where S3 listed the key in \"Errors\" and went on".to_owned());
    let text = layout::call(cx, c, &helper, &[bucket, keys]);
    if !non_empty(cx, call.function_body_for(cx), c.range(), objects, call.scope) {
        return Err(cx.block(objects.range(), "the batch may be empty, which remove() refuses (S3 accepted it): guard the call with `if <keys>:` by hand, then rerun"));
    }
    // The response: dropped, or read only for its "Errors".
    match (call.consumer.accesses.is_empty(), call.consumer.context, call.consumer.bound) {
        (true, Context::Statement, _) => rewrite.edits.push(Edit::replace(c.range(), text)),
        (true, Context::Assigned { stmt: Some(stmt @ Stmt::Assign(_)), .. }, Some(symbol)) => {
            rewrite.edits.push(Edit::replace(stmt.range(), text));
            for use_id in cx.uses(symbol) {
                let use_ = cx.model.use_(use_id);
                rewrite.edits.push(errors_read(cx, use_.chain, use_.context, use_.statement)?);
            }
        }
        _ => return Err(cx.block(c.range(), "the response of `delete_objects` is used beyond its \"Errors\"; rewrite it by hand")),
    }
    Ok(rewrite)
}

trait FunctionBody {
    fn function_body_for<'a>(&self, cx: &Cx<'_, 'a>) -> &'a [Stmt];
}

impl FunctionBody for crate::model::S3Call<'_> {
    fn function_body_for<'a>(&self, cx: &Cx<'_, 'a>) -> &'a [Stmt] {
        match cx.function {
            Some(function) => &cx.model.function(function).def.body,
            None => &cx.model.module.body,
        }
    }
}

/// A read of `delete_objects`' "Errors" that goes with the translation: the loop over them
/// (deleted), or `n - len(result.get("Errors", []))` (→ `n`).
fn errors_read(cx: &Cx, chain: &Expr, context: Context, statement: &Stmt) -> Result<Edit> {
    let held = || cx.block(chain.range(), "the response of `delete_objects` is read here beyond its \"Errors\"; rewrite it by hand");
    let is_errors = matches!(steps(chain).as_slice(), [(Access::Attribute("get"), _), (Access::Call(get), _)]
        if matches!(get.arguments.args.first(), Some(Expr::StringLiteral(key)) if key.value.to_str() == "Errors"));
    if !is_errors {
        return Err(held());
    }
    match context {
        Context::Iterated { .. } => match statement {
            Stmt::For(each) if each.iter.range() == chain.range() => Ok(cx.delete(statement)),
            _ => Err(held()),
        },
        Context::Argument { call: len, position: Position::Positional(0) } if matches!(len.func.as_ref(), Expr::Name(name) if name.id.as_str() == "len") => {
            let value = match statement {
                Stmt::AugAssign(assign) => assign.value.as_ref(),
                Stmt::Assign(assign) => assign.value.as_ref(),
                _ => return Err(held()),
            };
            match value {
                Expr::BinOp(binary) if binary.op == Operator::Sub && binary.right.range() == len.range() => Ok(Edit::replace(binary.range(), cx.src(&*binary.left).to_owned())),
                _ => Err(held()),
            }
        }
        _ => Err(held()),
    }
}

/// Whether the source shows `objects` is not empty where `call` runs: inside
/// `for i in range(0, len(xs), n)`, built from `xs[i:...]`, or first in the body of an
/// `if` that tests it (see `guarded`).
fn non_empty(cx: &Cx, body: &[Stmt], call: TextRange, objects: &Expr, scope: crate::model::ScopeId) -> bool {
    chunked(cx, body, call, objects, scope) || guarded(cx, body, call, objects, scope)
}

/// `for i in range(0, len(xs), n)` around the call, `objects` built from `xs[i:...]`.
fn chunked(cx: &Cx, body: &[Stmt], call: TextRange, objects: &Expr, scope: crate::model::ScopeId) -> bool {
    let Some(each) = enclosing_for(body, call) else { return false };
    let Expr::Name(index) = each.target.as_ref() else { return false };
    let Expr::Call(range) = each.iter.as_ref() else { return false };
    let (Expr::Name(range_name), [start, len, _]) = (range.func.as_ref(), &range.arguments.args[..]) else { return false };
    let zero = matches!(start, Expr::NumberLiteral(number) if cx.src(number) == "0");
    let Expr::Call(len_call) = len else { return false };
    let (Expr::Name(len_name), [sequence]) = (len_call.func.as_ref(), &len_call.arguments.args[..]) else { return false };
    if range_name.id.as_str() != "range" || len_name.id.as_str() != "len" || !zero {
        return false;
    }
    let sliced_from = |expr: &Expr| match expr {
        Expr::Subscript(subscript) => match subscript.slice.as_ref() {
            Expr::Slice(slice) => cx.src(&*subscript.value) == cx.src(sequence)
                && matches!(slice.lower.as_deref(), Some(Expr::Name(lower)) if lower.id == index.id),
            _ => false,
        },
        _ => false,
    };
    match objects {
        Expr::ListComp(list) => list.generators.len() == 1 && list.generators[0].ifs.is_empty() && sliced_from(&list.generators[0].iter),
        Expr::Name(_) => cx.name_symbol(objects, scope).and_then(|symbol| cx.single_assignment(symbol)).is_some_and(|(value, _)| sliced_from(value)),
        _ => false,
    }
}

/// The call's statement comes first in the body of an `if` whose test shows the sequence
/// the keys come from (`objects` itself, or the one unfiltered `for` of its list
/// comprehension) is not empty: `len(xs) > 0`, `(n := len(xs)) > 0`, `len(xs) >= 1`,
/// `len(xs) != 0`, `0 < len(xs)`, `len(xs)`, or `xs` itself when `xs` is a list built once.
/// First in the body: nothing between the test and the call can empty it.
fn guarded(cx: &Cx, body: &[Stmt], call: TextRange, objects: &Expr, scope: crate::model::ScopeId) -> bool {
    let sequence = match objects {
        Expr::ListComp(list) if list.generators.len() == 1 && list.generators[0].ifs.is_empty() && !list.generators[0].is_async => &list.generators[0].iter,
        other => other,
    };
    let Expr::Name(sequence) = sequence else { return false };
    let Some(branch) = enclosing_if(body, call) else { return false };
    let is_sequence = |expr: &Expr| matches!(expr, Expr::Name(name) if name.id == sequence.id);
    let is_len = |expr: &Expr| {
        let expr = match expr {
            Expr::Named(named) => named.value.as_ref(),
            other => other,
        };
        matches!(expr, Expr::Call(len) if matches!(len.func.as_ref(), Expr::Name(name) if name.id.as_str() == "len" && cx.model.scopes.resolve(scope, "len").is_none())
            && len.arguments.keywords.is_empty() && matches!(&len.arguments.args[..], [only] if is_sequence(only)))
    };
    let number = |expr: &Expr, value: &str| matches!(expr, Expr::NumberLiteral(number) if cx.src(number) == value);
    let shown = match branch.test.as_ref() {
        Expr::Compare(compare) => match (compare.ops.as_ref(), compare.comparators.as_ref()) {
            ([CmpOp::Gt | CmpOp::NotEq], [right]) => is_len(&compare.left) && number(right, "0"),
            ([CmpOp::GtE], [right]) => is_len(&compare.left) && number(right, "1"),
            ([CmpOp::Lt], [right]) => number(&compare.left, "0") && is_len(right),
            _ => false,
        },
        test if is_len(test) => true,
        test if is_sequence(test) => cx
            .name_symbol(test, scope)
            .and_then(|symbol| cx.single_assignment(symbol))
            .is_some_and(|(value, _)| matches!(value, Expr::List(_) | Expr::ListComp(_))),
        _ => false,
    };
    // The sequence must be the same object at the test and at the call: bound once.
    shown && cx.stable(&Expr::Name(sequence.clone()), scope)
}

/// The innermost `if` statement of `body` (nested blocks included) whose own body starts
/// with the statement holding `range`.
fn enclosing_if<'a>(body: &'a [Stmt], range: TextRange) -> Option<&'a StmtIf> {
    let stmt = body.iter().find(|stmt| stmt.range().contains_range(range))?;
    let inner = |blocks: &[&'a [Stmt]]| blocks.iter().find_map(|block| enclosing_if(block, range));
    match stmt {
        Stmt::If(branch) => {
            let mut blocks: Vec<&[Stmt]> = vec![&branch.body];
            blocks.extend(branch.elif_else_clauses.iter().map(|clause| clause.body.as_slice()));
            inner(&blocks).or_else(|| branch.body.first().filter(|first| starts_with(first, range)).map(|_| branch))
        }
        Stmt::For(each) => inner(&[&each.body, &each.orelse]),
        Stmt::While(each) => inner(&[&each.body, &each.orelse]),
        Stmt::With(with) => inner(&[&with.body]),
        Stmt::Try(block) => inner(&try_bodies(block)),
        _ => None,
    }
}

/// Whether `stmt` runs the call at `range` before anything else: the call alone as a
/// statement, assigned or returned, or a `try` whose body starts so.
fn starts_with(stmt: &Stmt, range: TextRange) -> bool {
    match stmt {
        Stmt::Expr(expr) => expr.value.range() == range,
        Stmt::Assign(assign) => assign.value.range() == range,
        Stmt::Return(ret) => ret.value.as_ref().is_some_and(|value| value.range() == range),
        Stmt::Try(block) => block.body.first().is_some_and(|first| starts_with(first, range)),
        _ => false,
    }
}

/// The innermost `for` statement of `body` (nested blocks included) holding `range`.
fn enclosing_for<'a>(body: &'a [Stmt], range: TextRange) -> Option<&'a StmtFor> {
    let stmt = body.iter().find(|stmt| stmt.range().contains_range(range))?;
    fn inner<'s>(blocks: &[&'s [Stmt]], range: TextRange) -> Option<&'s StmtFor> {
        blocks.iter().find_map(|block| enclosing_for(block, range))
    }
    let inner = |blocks: &[&'a [Stmt]]| inner(blocks, range);
    match stmt {
        Stmt::For(each) => inner(&[&each.body, &each.orelse]).or(Some(each)),
        Stmt::While(each) => inner(&[&each.body, &each.orelse]),
        Stmt::If(branch) => {
            let mut blocks: Vec<&[Stmt]> = vec![&branch.body];
            blocks.extend(branch.elif_else_clauses.iter().map(|clause| clause.body.as_slice()));
            inner(&blocks)
        }
        Stmt::With(with) => inner(&[&with.body]),
        Stmt::Try(block) => inner(&try_bodies(block)),
        _ => None,
    }
}

pub fn purge_collection(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    check_arguments(cx, c, &[], &[])?;
    require_statement(cx, call)?;
    let stmt = call.statement;
    if !matches!(stmt, Stmt::Expr(expr) if expr.value.range() == c.range()) {
        return Err(cx.block(c.range(), "`objects...delete()` inside another statement"));
    }
    let mut rewrite = Rewrite { missing: Some(Missing::Other), ..Rewrite::default() };
    let source = collection_source(cx, call.receiver, call.scope, &mut rewrite)?;
    if !cx.stable(source.bucket, call.scope) {
        return Err(cx.block(source.bucket.range(), "the bucket is needed for every page but is not a name bound once; bind it first"));
    }
    if !cx.free(call.scope, "page") {
        return Err(cx.block(c.range(), "the translation loops with the name `page`, which this function already uses; rename it, then rerun"));
    }
    let pages = cx.helper(Helper::ListObjectPages, c.range())?;
    let remove = cx.helper(Helper::RemoveObjects, c.range())?;
    rewrite.helpers.extend([Helper::ListObjectPages, Helper::RemoveObjects]);
    let bucket = cx.bucket(source.bucket);
    let indent = cx.indent(stmt.start());
    let unit = cx.unit_indent();
    let nl = cx.nl;
    rewrite.edits.push(Edit::replace(
        stmt.range(),
        format!("for page in {pages}({bucket}, {}):{nl}{indent}{unit}{remove}({bucket}, [obj[\"Key\"] for obj in page])", source.prefix),
    ));
    Ok(rewrite)
}

pub fn copy_object(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    check_arguments(cx, c, &[], &["Bucket", "Key", "CopySource"])?;
    require_statement(cx, call)?;
    let dest_bucket = cx.bucket(keyword(c, "Bucket").ok_or_else(|| cx.block(c.range(), "`copy_object` without `Bucket=`"))?);
    let dest_key = cx.src(keyword(c, "Key").ok_or_else(|| cx.block(c.range(), "`copy_object` without `Key=`"))?);
    let source = keyword(c, "CopySource").ok_or_else(|| cx.block(c.range(), "`copy_object` without `CopySource=`"))?;
    let held = || cx.block(source.range(), "a CopySource other than {\"Bucket\": b, \"Key\": k}, f\"{b}/{k}\" or a \"bucket/key\" literal: split it into bucket and key by hand");
    let (source_bucket, source_key) = match source {
        Expr::Dict(dict) => {
            let (mut bucket, mut key) = (None, None);
            for item in &dict.items {
                match &item.key {
                    Some(Expr::StringLiteral(name)) if name.value.to_str() == "Bucket" => bucket = Some(cx.bucket(&item.value)),
                    Some(Expr::StringLiteral(name)) if name.value.to_str() == "Key" => key = Some(cx.src(&item.value).to_owned()),
                    _ => return Err(held()),
                }
            }
            (bucket.ok_or_else(held)?, key.ok_or_else(held)?)
        }
        Expr::FString(fstring) => {
            let [FStringPart::FString(inner)] = fstring.value.as_slice() else { return Err(held()) };
            let elements: Vec<&InterpolatedStringElement> = inner.elements.iter().collect();
            match elements.as_slice() {
                [InterpolatedStringElement::Interpolation(bucket), InterpolatedStringElement::Literal(slash), InterpolatedStringElement::Interpolation(key)]
                    if &*slash.value == "/" && bucket.format_spec.is_none() && key.format_spec.is_none() && bucket.conversion == ruff_python_ast::ConversionFlag::None && key.conversion == ruff_python_ast::ConversionFlag::None =>
                {
                    (cx.bucket(&bucket.expression), cx.src(&*key.expression).to_owned())
                }
                _ => return Err(held()),
            }
        }
        Expr::StringLiteral(literal) => {
            let (bucket, key) = literal.value.to_str().split_once('/').ok_or_else(held)?;
            (crate::python_syntax::string_literal(bucket, '"'), crate::python_syntax::string_literal(key, '"'))
        }
        _ => return Err(held()),
    };
    let helper = cx.helper(Helper::CopyObject, c.range())?;
    let mut rewrite = Rewrite { helpers: vec![Helper::CopyObject], missing: Some(Missing::Other), ..Rewrite::default() };
    rewrite.notes.push("a copy across buckets or onto an existing key downloads and uploads the object again (bound by the upload size limit)".to_owned());
    rewrite.edits.push(Edit::replace(c.range(), layout::call(cx, c, &helper, &[source_bucket, source_key, dest_bucket, dest_key.to_owned()])));
    Ok(rewrite)
}

/// Every statement list of a `try`: its body, `else`, `finally` and each handler's body.
fn try_bodies(block: &ruff_python_ast::StmtTry) -> Vec<&[Stmt]> {
    let mut blocks: Vec<&[Stmt]> = vec![&block.body, &block.orelse, &block.finalbody];
    blocks.extend(block.handlers.iter().map(|handler| {
        let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
        handler.body.as_slice()
    }));
    blocks
}
