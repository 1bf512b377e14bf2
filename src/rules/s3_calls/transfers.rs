//! Local files and streams: `download_file(b, k, path)` (client or resource bucket) →
//! download, then write the file (downloading first: a missing key leaves no file behind,
//! as before); `download_fileobj(b, k, f)` → `f.write(download(k))`.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use super::{argument, check_arguments, require_statement, Cx, Edit, Missing, Result, Rewrite};
use crate::model::S3Kind;

pub fn download_file(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    require_statement(cx, call)?;
    let mut rewrite = Rewrite { missing: Some(Missing::Bare404), ..Rewrite::default() };
    let missing = |what: &str| cx.block(c.range(), format!("`download_file` without its {what}"));
    let (bucket, key, filename) = if call.kind == S3Kind::Bucket {
        check_arguments(cx, c, &["Key", "Filename"], &[])?;
        let at = cx
            .resource_construction(call.receiver, "Bucket")
            .ok_or_else(|| cx.block(call.receiver.range(), "a bucket built by code this translation does not follow (bind nothing: call `Bucket(name).download_file(...)`)"))?;
        rewrite.consumed.push(at);
        let built = cx.model.calls[at].call;
        let bucket = argument(built, 0, "name").ok_or_else(|| missing("bucket"))?;
        (bucket, argument(c, 0, "Key").ok_or_else(|| missing("key"))?, argument(c, 1, "Filename").ok_or_else(|| missing("file name"))?)
    } else {
        check_arguments(cx, c, &["Bucket", "Key", "Filename"], &[])?;
        (
            argument(c, 0, "Bucket").ok_or_else(|| missing("bucket"))?,
            argument(c, 1, "Key").ok_or_else(|| missing("key"))?,
            argument(c, 2, "Filename").ok_or_else(|| missing("file name"))?,
        )
    };
    let stmt = call.statement;
    let Stmt::Expr(expr) = stmt else { return Err(cx.block(c.range(), "`download_file` inside another statement")) };
    if expr.value.range() != c.range() {
        return Err(cx.block(c.range(), "`download_file` inside a larger expression"));
    }
    let (data, file) = ("data", "local_file");
    if !cx.free(call.scope, data) || !cx.free(call.scope, file) {
        return Err(cx.block(c.range(), format!("the translation needs the names `{data}` and `{file}`, which this function already uses; rename them, then rerun")));
    }
    let indent = cx.indent(stmt.start());
    let unit = cx.unit_indent();
    let nl = cx.nl;
    let download = format!("{}.download({})", cx.store(&cx.bucket(bucket)), cx.src(key));
    let filename = cx.src(filename);
    rewrite.edits.push(Edit::replace(
        stmt.range(),
        format!("{data} = {download}{nl}{indent}with open({filename}, \"wb\") as {file}:{nl}{indent}{unit}{file}.write({data})"),
    ));
    Ok(rewrite)
}

pub fn download_fileobj(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    check_arguments(cx, c, &["Bucket", "Key", "Fileobj"], &[])?;
    require_statement(cx, call)?;
    let missing = |what: &str| cx.block(c.range(), format!("`download_fileobj` without its {what}"));
    let bucket = argument(c, 0, "Bucket").ok_or_else(|| missing("bucket"))?;
    let key = argument(c, 1, "Key").ok_or_else(|| missing("key"))?;
    let fileobj = argument(c, 2, "Fileobj").ok_or_else(|| missing("file object"))?;
    if !matches!(fileobj, Expr::Name(_) | Expr::Attribute(_)) {
        return Err(cx.block(fileobj.range(), "a file object built in the call: bind it to a name first"));
    }
    let download = format!("{}.download({})", cx.store(&cx.bucket(bucket)), cx.src(key));
    Ok(Rewrite {
        edits: vec![Edit::replace(c.range(), format!("{}.write({download})", cx.src(fileobj)))],
        missing: Some(Missing::Bare404),
        ..Rewrite::default()
    })
}
