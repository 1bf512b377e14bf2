//! Presigned URLs and bucket calls: `generate_presigned_url("get_object")` →
//! `create_signed_url(key, expires)["signedURL"]`, `"put_object"` →
//! `create_signed_upload_url(key, ...)["signed_url"]`; `head_bucket` → `get_bucket`,
//! `create_bucket`/`delete_bucket`/`list_buckets` → storage3's bucket API.

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange};

use super::{chain_node, check_arguments, keyword, layout, require_statement, Cx, Edit, Missing, Result, Rewrite};
use crate::model::calls::steps;
use crate::model::{Access, Context};

pub fn presigned_url(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    check_arguments(cx, c, &["ClientMethod"], &["Params", "ExpiresIn"])?;
    let method = match super::argument(c, 0, "ClientMethod") {
        Some(Expr::StringLiteral(method)) => method.value.to_str(),
        _ => return Err(cx.block(c.range(), "a presigned URL for an operation not written as a literal: rewrite it by hand")),
    };
    // Before its Params, which carry an UploadId and PartNumber no signed URL has.
    if method == "upload_part" {
        return Err(cx.block(c.range(), "a presigned multipart part has no Supabase equivalent: use Supabase's resumable (TUS) uploads"));
    }
    let Some(Expr::Dict(params)) = keyword(c, "Params") else {
        return Err(cx.block(c.range(), "`Params` that are not a dict literal: spell out its Bucket and Key, then rerun"));
    };
    let (mut bucket, mut key) = (None, None);
    for item in &params.items {
        match &item.key {
            Some(Expr::StringLiteral(name)) if name.value.to_str() == "Bucket" => bucket = Some(&item.value),
            Some(Expr::StringLiteral(name)) if name.value.to_str() == "Key" => key = Some(&item.value),
            _ => return Err(cx.block(item.range(), "a presigned URL parameter Supabase's signed URLs cannot carry (only Bucket and Key); rewrite it by hand")),
        }
    }
    let (Some(bucket), Some(key)) = (bucket, key) else { return Err(cx.block(params.range(), "`Params` without Bucket or Key")) };
    let store = cx.store(&cx.bucket(bucket));
    let mut rewrite = Rewrite { missing: Some(Missing::Other), ..Rewrite::default() };
    let text = match method {
        "get_object" => {
            let expires = keyword(c, "ExpiresIn").map_or("3600", |expires| cx.src(expires));
            rewrite.notes.push("create_signed_url checks that the object exists: a missing key raises StorageApiError where S3 signed any key".to_owned());
            layout::call_with_tail(cx, c, &format!("{store}.create_signed_url"), &[cx.src(key).to_owned(), expires.to_owned()], "[\"signedURL\"]")
        }
        "put_object" => {
            if keyword(c, "ExpiresIn").is_some() {
                rewrite.notes.push("the upload URL's lifetime is the server's (UPLOAD_SIGNED_URL_EXPIRATION_TIME), not ExpiresIn".to_owned());
            }
            rewrite.imports.push("from storage3.types import CreateSignedUploadUrlOptions");
            layout::call_with_tail(cx, c, &format!("{store}.create_signed_upload_url"), &[cx.src(key).to_owned(), "CreateSignedUploadUrlOptions(upsert=\"true\")".to_owned()], "[\"signed_url\"]")
        }
        other => return Err(cx.block(c.range(), format!("a presigned URL for `{other}` has no Supabase equivalent; rewrite it by hand"))),
    };
    rewrite.edits.push(Edit::replace(c.range(), text));
    Ok(rewrite)
}

pub fn bucket_call(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let storage = cx.storage();
    let mut rewrite = Rewrite { missing: Some(Missing::Other), ..Rewrite::default() };
    if call.operation == "list_buckets" {
        check_arguments(cx, c, &[], &[])?;
        return list_buckets(cx, index, rewrite);
    }
    let allowed: &[&str] = if call.operation == "create_bucket" { &["Bucket", "CreateBucketConfiguration"] } else { &["Bucket"] };
    check_arguments(cx, c, &[], allowed)?;
    require_statement(cx, call)?;
    let bucket = cx.bucket(keyword(c, "Bucket").ok_or_else(|| cx.block(c.range(), format!("`{}` without `Bucket=`", call.operation)))?);
    let text = match call.operation {
        "head_bucket" => {
            rewrite.missing = Some(Missing::Bare404);
            format!("{storage}.get_bucket({bucket})")
        }
        "create_bucket" => {
            rewrite.notes.push("the bucket is created private, as S3's default; a location constraint has no meaning in Supabase".to_owned());
            format!("{storage}.create_bucket({bucket})")
        }
        _ => format!("{storage}.delete_bucket({bucket})"),
    };
    rewrite.edits.push(Edit::replace(c.range(), text));
    Ok(rewrite)
}

/// `list_buckets()["Buckets"]` iterated, each read as `b["Name"]`/`b["CreationDate"]`.
fn list_buckets(cx: &Cx, index: usize, mut rewrite: Rewrite) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let held = || cx.block(c.range(), "`list_buckets()` read other than as `[\"Buckets\"]` iterated with `[\"Name\"]`/`[\"CreationDate\"]`; rewrite it by hand against `list_buckets()` (a list of bucket objects)");
    let ([index_step], Context::Iterated { target }) = (call.consumer.accesses.as_slice(), call.consumer.context) else { return Err(held()) };
    if index_step.key() != Some("Buckets") {
        return Err(held());
    }
    let node = chain_node(call, 1).ok_or_else(held)?;
    let symbol = cx.symbol_at(target).ok_or_else(held)?;
    rewrite.edits.push(Edit::replace(TextRange::new(c.start(), node.end()), format!("{}.list_buckets()", cx.storage())));
    for use_ in cx.uses(symbol) {
        let use_ = cx.model.use_(use_);
        let chain = steps(use_.chain);
        let field = match chain.first() {
            Some((step @ Access::Index(_), node)) => match step.key() {
                Some("Name") => ("name", *node),
                Some("CreationDate") => ("created_at", *node),
                _ => return Err(held()),
            },
            _ => return Err(held()),
        };
        rewrite.edits.push(Edit::replace(TextRange::new(use_.name.start(), field.1.end()), format!("{}.{}", use_.name.id, field.0)));
    }
    Ok(rewrite)
}
