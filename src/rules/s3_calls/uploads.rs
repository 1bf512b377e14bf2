//! Uploads: `put_object` (client or resource bucket, the resource's `Object(b, k).put`),
//! `upload_file`, `upload_fileobj` (client, resource `Bucket(b)` or `Object(b, k)`) →
//! `upload(key, data, {"content-type": ..., "upsert": "true"})`. `upsert` keeps S3's
//! overwrite; no ContentType stores what S3 stores (`binary/octet-stream`); a `str` body
//! is encoded (upload would open it as a local path); a body of a type the source does not
//! show goes through `_upload_body`. A folder placeholder (a key ending in `/`, an empty
//! body) cannot exist in Supabase: it becomes `get_bucket(bucket)`, which fails where the
//! put failed (a missing bucket).

use ruff_python_ast::{Expr, ExprCall, FStringPart, InterpolatedStringElement, Operator};
use ruff_text_size::Ranged;

use super::{argument, check_arguments, keyword, layout, require_statement, Cx, Helper, Missing, Result, Rewrite};
use crate::model::{S3Kind, ScopeId, SiteKind};

const NO_CACHE_CONTROL: &str = "no CacheControl was given: Supabase stores `max-age=3600` (storage3's default) where S3 stored none";

pub fn put_object(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let on_bucket = call.kind == S3Kind::Bucket;
    let on_object = call.kind == S3Kind::Object;
    let allowed: &[&str] = match (on_bucket, on_object) {
        (true, _) => &["Key", "Body", "ContentType", "Metadata", "CacheControl"],
        (_, true) => &["Body", "ContentType", "Metadata", "CacheControl"],
        _ => &["Bucket", "Key", "Body", "ContentType", "Metadata", "CacheControl"],
    };
    check_arguments(cx, c, &[], allowed)?;
    require_statement(cx, call)?;
    let mut rewrite = Rewrite::default();
    // `resource.Object(b, k).put(...)`: the bucket and key are the object's.
    let object = if on_object {
        Some(cx.object_receiver(call, &mut rewrite)?)
    } else {
        None
    };
    let key = match object {
        Some((_, key)) => key,
        None => keyword(c, "Key").ok_or_else(|| cx.block(c.range(), "`put_object` without `Key=`"))?,
    };
    let (head, bucket) = if on_bucket {
        bucket_receiver(cx, index, &mut rewrite)?
    } else if let Some((bucket, _)) = object {
        let bucket = cx.bucket(bucket);
        (cx.store(&bucket), bucket)
    } else {
        let bucket = keyword(c, "Bucket").ok_or_else(|| cx.block(c.range(), "`put_object` without `Bucket=`"))?;
        let bucket = cx.bucket(bucket);
        (cx.store(&bucket), bucket)
    };
    let body = keyword(c, "Body");
    if body.is_none_or(is_empty_literal) && ends_with_slash(cx, key, call.scope, 0) {
        if on_bucket {
            return Err(cx.block(c.range(), "a folder placeholder put through a resource bucket: Supabase has no folders; delete the call by hand"));
        }
        rewrite.edits.push(super::Edit::replace(c.range(), format!("{}.get_bucket({bucket})", cx.storage())));
        rewrite.notes.push("the folder placeholder is not created (Supabase has no folders and cannot hold a key ending in `/`): only the bucket is checked".to_owned());
        rewrite.missing = Some(Missing::Other);
        return Ok(rewrite);
    }
    let data = match body {
        Some(body) => body_text(cx, body, call.scope, &mut rewrite)?,
        None => "b\"\"".to_owned(),
    };
    let options = options(cx, keyword(c, "ContentType"), keyword(c, "CacheControl"), keyword(c, "Metadata"), &mut rewrite)?;
    let text = layout::call(cx, c, &format!("{head}.upload"), &[cx.src(key).to_owned(), data, options]);
    rewrite.edits.push(super::Edit::replace(c.range(), text));
    rewrite.missing = Some(Missing::Other);
    Ok(rewrite)
}

/// `bucket.put_object(...)` on `bucket = s3.Bucket(b)` (or inline `s3.Bucket(b).put_object`):
/// the bucket becomes `storage.from_(b)`.
fn bucket_receiver(cx: &Cx, index: usize, rewrite: &mut Rewrite) -> Result<(String, String)> {
    let call = &cx.model.calls[index];
    let construction = |expr: &Expr| cx.resource_construction(expr, "Bucket");
    let bucket_of = |at: usize| -> Result<String> {
        let built = cx.model.calls[at].call;
        let bucket = argument(built, 0, "name").ok_or_else(|| cx.block(built.range(), "`Bucket(...)` without its name"))?;
        Ok(cx.bucket(bucket))
    };
    match call.receiver {
        Expr::Call(_) => {
            let at = construction(call.receiver).ok_or_else(|| cx.block(call.receiver.range(), "a bucket built by code this translation does not follow"))?;
            let bucket = bucket_of(at)?;
            rewrite.consumed.push(at);
            Ok((cx.store(&bucket), bucket))
        }
        Expr::Name(name) => {
            let symbol = cx.name_symbol(call.receiver, call.scope).ok_or_else(|| cx.block(name.range, "an unbound bucket"))?;
            let (value, _) = cx.single_assignment(symbol).ok_or_else(|| cx.block(name.range, format!("`{}` is bound more than once; bind the bucket once", name.id)))?;
            let at = construction(value).ok_or_else(|| cx.block(value.range(), "a bucket built by code this translation does not follow"))?;
            for use_ in cx.uses(symbol) {
                let use_ = cx.model.use_(use_);
                let is_put = cx.lookup.calls_on(use_.name.range).any(|at| cx.model.calls[at].kind == S3Kind::Bucket && cx.model.calls[at].operation == "put_object");
                if !is_put {
                    return Err(cx.block(use_.name.range, format!("`{}` is used here besides its `put_object` calls; translate this use by hand", name.id)));
                }
            }
            let bucket = bucket_of(at)?;
            rewrite.consumed.push(at);
            rewrite.edits.push(super::Edit::replace(value.range(), cx.store(&bucket)));
            Ok((name.id.to_string(), bucket))
        }
        other => Err(cx.block(other.range(), "a bucket this translation does not follow")),
    }
}

pub fn upload_file(cx: &Cx, index: usize) -> Result<Rewrite> {
    // upload() opens a str or Path file name itself, as upload_file did.
    upload_from(cx, index, "upload_file", ("Filename", "file name"), Missing::UploadFile, |_, filename, _| Ok(cx.src(filename).to_owned()))
}

pub fn upload_fileobj(cx: &Cx, index: usize) -> Result<Rewrite> {
    upload_from(cx, index, "upload_fileobj", ("Fileobj", "file object"), Missing::Other, |c, fileobj, rewrite| {
        let helper = cx.helper(Helper::UploadBody, c.range())?;
        rewrite.helpers.push(Helper::UploadBody);
        Ok(format!("{helper}({})", cx.src(fileobj)))
    })
}

/// `upload_file` and `upload_fileobj`: (source, Bucket, Key, ExtraArgs) → `upload(key, data,
/// options)`, where `data` is what `data_of` makes of the source argument.
fn upload_from(
    cx: &Cx,
    index: usize,
    method: &str,
    (source_param, source_what): (&'static str, &str),
    missing_kind: Missing,
    data_of: impl FnOnce(&ExprCall, &Expr, &mut Rewrite) -> Result<String>,
) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let mut rewrite = Rewrite::default();
    let (bucket, key, rest) = cx.transfer(index, &[source_param, "Bucket", "Key", "ExtraArgs"], &mut rewrite)?;
    require_statement(cx, call)?;
    let source = rest[0].ok_or_else(|| cx.block(c.range(), format!("`{method}` without its {source_what}")))?;
    let bucket = cx.bucket(bucket);
    let content_type = extra_args_content_type(cx, rest[1], call.scope)?;
    let options = options_text(cx, content_type.as_deref(), None, None, &mut rewrite);
    let data = data_of(c, source, &mut rewrite)?;
    let text = layout::call(cx, c, &format!("{}.upload", cx.store(&bucket)), &[cx.src(key).to_owned(), data, options]);
    rewrite.edits.push(super::Edit::replace(c.range(), text));
    rewrite.missing = Some(missing_kind);
    Ok(rewrite)
}

/// The content type `ExtraArgs` sets: a dict literal `{"ContentType": t}` or a name bound
/// once to one (`d["ContentType"]`); `None` without ExtraArgs.
fn extra_args_content_type(cx: &Cx, extra: Option<&Expr>, scope: ScopeId) -> Result<Option<String>> {
    let Some(extra) = extra else { return Ok(None) };
    let (dict, via) = match extra {
        Expr::Dict(dict) => (dict, None),
        Expr::Name(name) => {
            let symbol = cx.name_symbol(extra, scope).ok_or_else(|| cx.block(extra.range(), "ExtraArgs the translation cannot see"))?;
            match cx.single_assignment(symbol) {
                Some((Expr::Dict(dict), _)) => (dict, Some(name.id.as_str())),
                _ => return Err(cx.block(extra.range(), "ExtraArgs that are not a dict literal bound once; spell them out, then rerun")),
            }
        }
        other => return Err(cx.block(other.range(), "ExtraArgs that are not a dict literal; spell them out, then rerun")),
    };
    let mut content_type = None;
    for item in &dict.items {
        match &item.key {
            Some(Expr::StringLiteral(key)) if key.value.to_str() == "ContentType" => {
                content_type = Some(match via {
                    Some(name) => format!("{name}[\"ContentType\"]"),
                    None => cx.src(&item.value).to_owned(),
                });
            }
            Some(Expr::StringLiteral(key)) => return Err(cx.block(key.range(), super::unsupported_argument(key.value.to_str()))),
            _ => return Err(cx.block(dict.range(), "ExtraArgs with keys the translation cannot read")),
        }
    }
    Ok(content_type)
}

/// The file options of an upload.
fn options(cx: &Cx, content_type: Option<&Expr>, cache_control: Option<&Expr>, metadata: Option<&Expr>, rewrite: &mut Rewrite) -> Result<String> {
    let cache = match cache_control {
        None => None,
        Some(Expr::StringLiteral(literal)) => match literal.value.to_str().strip_prefix("max-age=") {
            Some(seconds) if !seconds.is_empty() && seconds.bytes().all(|byte| byte.is_ascii_digit()) => Some(format!("\"{seconds}\"")),
            _ => return Err(cx.block(literal.range(), "a CacheControl other than `max-age=N` has no exact form in Supabase (it stores `max-age=<cache-control>`); set it by hand")),
        },
        Some(other) => return Err(cx.block(other.range(), "a CacheControl computed at run time: Supabase stores `max-age=<value>`; pass the seconds by hand")),
    };
    if let Some(Expr::StringLiteral(literal)) = content_type {
        if literal.value.to_str().contains(';') {
            rewrite.notes.push(format!("Supabase drops the content type's parameters: {} is stored as `{}`", cx.src(literal), literal.value.to_str().split(';').next().unwrap_or_default().trim()));
        }
    }
    let content_type = content_type.map(|expr| cx.src(expr).to_owned());
    let metadata = metadata.map(|expr| cx.src(expr).to_owned());
    Ok(options_text(cx, content_type.as_deref(), cache.as_deref(), metadata.as_deref(), rewrite))
}

fn options_text(_cx: &Cx, content_type: Option<&str>, cache: Option<&str>, metadata: Option<&str>, rewrite: &mut Rewrite) -> String {
    let mut parts = vec![format!("\"content-type\": {}", content_type.unwrap_or("\"binary/octet-stream\""))];
    match cache {
        Some(cache) => parts.push(format!("\"cache-control\": {cache}")),
        None => rewrite.notes.push(NO_CACHE_CONTROL.to_owned()),
    }
    if let Some(metadata) = metadata {
        parts.push(format!("\"metadata\": {metadata}"));
    }
    parts.push("\"upsert\": \"true\"".to_owned());
    format!("{{{}}}", parts.join(", "))
}

/// The body as `upload` takes it.
fn body_text(cx: &Cx, body: &Expr, scope: ScopeId, rewrite: &mut Rewrite) -> Result<String> {
    match body_type(cx, body, scope, 0) {
        BodyType::Bytes => Ok(cx.src(body).to_owned()),
        BodyType::Str => {
            let text = cx.src(body);
            let implicit = matches!(body, Expr::StringLiteral(literal) if literal.value.is_implicit_concatenated())
                || matches!(body, Expr::FString(fstring) if fstring.value.is_implicit_concatenated());
            Ok(if implicit { format!("({text}).encode(\"utf-8\")") } else { format!("{text}.encode(\"utf-8\")") })
        }
        BodyType::Unknown => {
            let helper = cx.helper(Helper::UploadBody, body.range())?;
            rewrite.helpers.push(Helper::UploadBody);
            Ok(format!("{helper}({})", cx.src(body)))
        }
    }
}

enum BodyType {
    Bytes,
    Str,
    Unknown,
}

fn body_type(cx: &Cx, body: &Expr, scope: ScopeId, depth: usize) -> BodyType {
    match body {
        Expr::BytesLiteral(_) => BodyType::Bytes,
        Expr::StringLiteral(_) | Expr::FString(_) => BodyType::Str,
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "encode" => BodyType::Bytes,
            Expr::Name(name) if name.id.as_str() == "bytes" && cx.free(scope, "bytes") => BodyType::Bytes,
            _ => BodyType::Unknown,
        },
        Expr::Name(_) if depth < 4 => match cx.name_symbol(body, scope).and_then(|symbol| cx.single_assignment(symbol)) {
            Some((value, _)) => body_type(cx, value, scope, depth + 1),
            None => BodyType::Unknown,
        },
        _ => BodyType::Unknown,
    }
}

fn is_empty_literal(body: &Expr) -> bool {
    match body {
        Expr::BytesLiteral(bytes) => bytes.value.is_empty(),
        Expr::StringLiteral(text) => text.value.is_empty(),
        _ => false,
    }
}

/// Whether `key` provably ends in `/`: a literal or f-string ending so, `x + "/"`, a name
/// bound once to one, or a call of this file's function that only returns such values.
pub fn ends_with_slash(cx: &Cx, key: &Expr, scope: ScopeId, depth: usize) -> bool {
    if depth > 6 {
        return false;
    }
    match key {
        Expr::StringLiteral(literal) => literal.value.to_str().ends_with('/'),
        Expr::FString(fstring) => match fstring.value.iter().last() {
            Some(FStringPart::Literal(literal)) => literal.value.ends_with('/'),
            Some(FStringPart::FString(inner)) => matches!(inner.elements.last(), Some(InterpolatedStringElement::Literal(literal)) if literal.value.ends_with('/')),
            None => false,
        },
        Expr::BinOp(binary) if binary.op == Operator::Add => ends_with_slash(cx, &binary.right, scope, depth + 1),
        Expr::Name(_) => match cx.name_symbol(key, scope).and_then(|symbol| cx.single_assignment(symbol)) {
            Some((value, _)) => ends_with_slash(cx, value, scope, depth + 1),
            None => false,
        },
        Expr::Call(call) => {
            let Expr::Name(name) = call.func.as_ref() else { return false };
            let Some(symbol) = cx.model.scopes.resolve(scope, name.id.as_str()) else { return false };
            let sites = &cx.model.scopes.symbol(symbol).sites;
            let [site] = sites.as_slice() else { return false };
            let SiteKind::Function(function) = cx.model.site(*site).kind else { return false };
            let def = cx.model.function(function);
            !def.returns.is_empty() && def.returns.iter().all(|value| ends_with_slash(cx, value, def.scope, depth + 1))
        }
        _ => false,
    }
}
