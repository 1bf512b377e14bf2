//! Reads: `get_object` (and the resource's `Object(b, k).get()`) → `download(key)`, its
//! response read through `["Body"].read()`, `.decode(...)`, `json.load(r["Body"])`, chained
//! or through the name it is bound to; other response fields come from `_head_object`.
//! `head_object` → `info(key)` where only existence matters, else `_head_object(b, k)`;
//! the resource's `Object(b, k).load()` as a statement → `info(key)`.

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use super::{chain_node, check_arguments, is_body_read, keyword, Cx, Edit, Helper, Missing, Result, Rewrite};
use crate::model::calls::steps;
use crate::model::{Access, Context, Position, S3Kind, ScopeId, SiteKind};

/// Response fields `_head_object` gives, as S3 named them.
const FIELDS: [&str; 6] = ["ContentLength", "ContentType", "ETag", "LastModified", "Metadata", "CacheControl"];

pub fn get_object(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let mut rewrite = Rewrite { missing: Some(Missing::NoSuchKey), ..Rewrite::default() };
    let (bucket, key) = if call.kind == S3Kind::Object {
        if !c.arguments.is_empty() {
            return Err(cx.block(c.range(), "`Object(...).get(...)` with arguments (a range, a version): rewrite it by hand"));
        }
        cx.object_receiver(call, &mut rewrite)?
    } else {
        check_arguments(cx, c, &[], &["Bucket", "Key"])?;
        let bucket = keyword(c, "Bucket").ok_or_else(|| cx.block(c.range(), "`get_object` without `Bucket=`"))?;
        let key = keyword(c, "Key").ok_or_else(|| cx.block(c.range(), "`get_object` without `Key=`"))?;
        (bucket, key)
    };
    let download = format!("{}.download({})", cx.store(&cx.bucket(bucket)), cx.src(key));
    let accesses = &call.consumer.accesses;
    if is_body_read(accesses) {
        let read = chain_node(call, 3).ok_or_else(|| cx.block(c.range(), "a response chain the model lost"))?;
        rewrite.edits.push(Edit::replace(TextRange::new(c.start(), read.end()), download));
        return Ok(rewrite);
    }
    if let (Some(json_call), true) = (json_load(cx, call.consumer.context, call.scope), matches!(accesses.as_slice(), [index] if index.key() == Some("Body"))) {
        rewrite.edits.push(Edit::replace(json_call.range(), format!("json.loads({download})")));
        return Ok(rewrite);
    }
    let symbol = match (accesses.is_empty(), call.consumer.bound) {
        (true, Some(symbol)) if cx.model.scopes.symbol(symbol).sites.len() == 1 => symbol,
        _ => return Err(cx.block(c.range(), "the response is used in a way this translation does not follow (only `[\"Body\"].read()`, `json.load(r[\"Body\"])` and header fields are); rewrite it by hand")),
    };
    let name = cx.model.scopes.symbol(symbol).name;
    // Each use: a body read (range to replace), json.load of the body, or a header field.
    let mut body_reads: Vec<TextRange> = Vec::new();
    let mut json_loads: Vec<&ExprCall> = Vec::new();
    let mut fields = false;
    for use_id in cx.uses(symbol) {
        let use_ = cx.model.use_(use_id);
        let chain = steps(use_.chain);
        let accesses: Vec<Access> = chain.iter().map(|(step, _)| *step).collect();
        if is_body_read(&accesses) {
            body_reads.push(TextRange::new(use_.name.start(), chain[2].1.end()));
        } else if let (Some(json_call), [index]) = (json_load(cx, use_.context, use_.scope), accesses.as_slice()) {
            if index.key() != Some("Body") {
                return Err(cx.block(use_.name.range, format!("`{name}` is read here in a way this translation does not follow")));
            }
            json_loads.push(json_call);
        } else if accesses.first().and_then(Access::key).is_some_and(|key| FIELDS.contains(&key)) {
            fields = true;
        } else {
            return Err(cx.block(use_.name.range, format!("the response `{name}` is used here in a way this translation does not follow (only `[\"Body\"].read()`, `json.load({name}[\"Body\"])` and {} are); rewrite it by hand", FIELDS.join("/"))));
        }
    }
    if fields {
        if !(cx.stable(bucket, call.scope) && cx.stable(key, call.scope)) {
            return Err(cx.block(c.range(), "the bucket and key are needed twice (the headers, then the body) but are not names bound once; bind them first"));
        }
        let helper = cx.helper(Helper::HeadObject, c.range())?;
        rewrite.helpers.push(Helper::HeadObject);
        rewrite.edits.push(Edit::replace(c.range(), format!("{helper}({}, {})", cx.bucket(bucket), cx.src(key))));
        rewrite.notes.push("the headers are read with a separate request before the body".to_owned());
        for read in body_reads {
            rewrite.edits.push(Edit::replace(read, download.clone()));
        }
        for json_call in json_loads {
            rewrite.edits.push(Edit::replace(json_call.range(), format!("json.loads({download})")));
        }
    } else {
        rewrite.edits.push(Edit::replace(c.range(), download));
        for read in body_reads {
            rewrite.edits.push(Edit::replace(read, name.to_owned()));
        }
        for json_call in json_loads {
            rewrite.edits.push(Edit::replace(json_call.range(), format!("json.loads({name})")));
        }
    }
    Ok(rewrite)
}

/// `json.load(<this>)`: the call, when the context is its only argument.
fn json_load<'a>(cx: &Cx<'_, 'a>, context: Context<'a>, scope: ScopeId) -> Option<&'a ExprCall> {
    let Context::Argument { call, position: Position::Positional(0) } = context else { return None };
    if call.arguments.len() != 1 {
        return None;
    }
    let Expr::Attribute(attribute) = call.func.as_ref() else { return None };
    let Expr::Name(module) = attribute.value.as_ref() else { return None };
    if attribute.attr.as_str() != "load" || module.id.as_str() != "json" {
        return None;
    }
    let symbol = cx.model.scopes.resolve(scope, "json")?;
    let imported = cx.model.scopes.symbol(symbol).sites.iter().all(|&site| matches!(cx.model.site(site).kind, SiteKind::Import { .. }));
    imported.then_some(call)
}

/// `Object(b, k).load()` as a statement: only existence is observable (the object it
/// loads is not kept), so `info(key)`, which raises "404" where `load` did.
pub fn load_object(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    check_arguments(cx, c, &[], &[])?;
    super::require_statement(cx, call)?;
    let mut rewrite = Rewrite { missing: Some(Missing::Bare404), ..Rewrite::default() };
    let (bucket, key) = cx.object_receiver(call, &mut rewrite)?;
    rewrite.edits.push(Edit::replace(c.range(), format!("{}.info({})", cx.store(&cx.bucket(bucket)), cx.src(key))));
    Ok(rewrite)
}

pub fn head_object(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    check_arguments(cx, c, &[], &["Bucket", "Key"])?;
    let bucket = cx.bucket(keyword(c, "Bucket").ok_or_else(|| cx.block(c.range(), "`head_object` without `Bucket=`"))?);
    let key = cx.src(keyword(c, "Key").ok_or_else(|| cx.block(c.range(), "`head_object` without `Key=`"))?);
    let mut rewrite = Rewrite { missing: Some(Missing::Bare404), ..Rewrite::default() };
    let accesses = &call.consumer.accesses;
    if accesses.is_empty() && matches!(call.consumer.context, Context::Statement) {
        // Existence only: info() raises "404" for a missing key and a missing bucket, as
        // head_object did (exists() would raise for one and answer False for the other).
        rewrite.edits.push(Edit::replace(c.range(), format!("{}.info({key})", cx.store(&bucket))));
        return Ok(rewrite);
    }
    let reads_fields = |accesses: &[Access]| match accesses {
        [Access::Attribute("get"), Access::Call(get), ..] => matches!(get.arguments.args.first(), Some(Expr::StringLiteral(field)) if FIELDS.contains(&field.value.to_str())),
        [first, ..] => first.key().is_some_and(|key| FIELDS.contains(&key)),
        [] => false,
    };
    let fine = if accesses.is_empty() {
        match call.consumer.bound {
            Some(symbol) => cx.uses(symbol).into_iter().all(|use_| {
                let chain: Vec<Access> = steps(cx.model.use_(use_).chain).into_iter().map(|(step, _)| step).collect();
                reads_fields(&chain)
            }),
            None => false,
        }
    } else {
        reads_fields(accesses)
    };
    if !fine {
        return Err(cx.block(c.range(), format!("the response of `head_object` is used beyond its {} fields; rewrite it by hand against `info(path)`", FIELDS.join("/"))));
    }
    let helper = cx.helper(Helper::HeadObject, c.range())?;
    rewrite.helpers.push(Helper::HeadObject);
    rewrite.edits.push(Edit::replace(c.range(), format!("{helper}({bucket}, {key})")));
    Ok(rewrite)
}
