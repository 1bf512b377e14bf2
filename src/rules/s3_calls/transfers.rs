//! Local files and streams: `download_file(b, k, path)` (client, resource `Bucket(b)` or
//! `Object(b, k)`) →
//! download, then write the file (downloading first: a missing key leaves no file behind,
//! as before); `download_fileobj(b, k, f)` → `f.write(download(k))`.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use super::{require_statement, Cx, Edit, Missing, Result, Rewrite};

pub fn download_file(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    require_statement(cx, call)?;
    let mut rewrite = Rewrite { missing: Some(Missing::Bare404), ..Rewrite::default() };
    let (bucket, key, rest) = cx.transfer(index, &["Bucket", "Key", "Filename"], &mut rewrite)?;
    let filename = rest[0].ok_or_else(|| cx.block(c.range(), "`download_file` without its file name"))?;
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
    let mut rewrite = Rewrite { missing: Some(Missing::Bare404), ..Rewrite::default() };
    let (bucket, key, rest) = cx.transfer(index, &["Bucket", "Key", "Fileobj"], &mut rewrite)?;
    require_statement(cx, call)?;
    let fileobj = rest[0].ok_or_else(|| cx.block(c.range(), "`download_fileobj` without its file object"))?;
    if !matches!(fileobj, Expr::Name(_) | Expr::Attribute(_)) {
        return Err(cx.block(fileobj.range(), "a file object built in the call: bind it to a name first"));
    }
    let download = format!("{}.download({})", cx.store(&cx.bucket(bucket)), cx.src(key));
    rewrite.edits.push(Edit::replace(c.range(), format!("{}.write({download})", cx.src(fileobj))));
    Ok(rewrite)
}
