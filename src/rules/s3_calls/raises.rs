//! `raise ClientError({"Error": {"Code": "404", "Message": m}}, op)`, written by code that
//! tells its callers "missing" the way boto3 did: the configured exception with the
//! status and code the Storage server gives for the same case
//! (`StorageApiError(m, "not_found", "404")`), so handlers translated with the calls catch
//! it as before.

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange};

use super::{exception_import, Cx};
use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::model::{Context, Value};
use crate::rule::RuleId;

/// The (code, status) the server answers for an S3 error code.
fn supabase_error(code: &str) -> Option<(&'static str, &'static str)> {
    match code {
        "404" | "NoSuchKey" => Some(("not_found", "404")),
        "NoSuchBucket" => Some(("Bucket not found", "404")),
        _ => None,
    }
}

/// The fixes, and the ranges of the raises they replace.
pub fn check(cx: &Cx) -> (Vec<Finding>, Vec<TextRange>) {
    let mut findings = Vec::new();
    let mut ranges = Vec::new();
    let exception = cx.ctx.config.errors.exception.rsplit('.').next().unwrap_or_default();
    for use_ in &cx.model.uses {
        let (Context::Raised, Expr::Call(call), Some(symbol)) = (use_.context, use_.chain, use_.symbol) else { continue };
        if cx.model.symbol_value(symbol) != Value::Exception("ClientError") || call.func.range() != use_.name.range {
            continue;
        }
        let Some(Expr::Dict(response)) = call.arguments.args.first() else { continue };
        let error = response.items.iter().find_map(|item| match (&item.key, &item.value) {
            (Some(Expr::StringLiteral(key)), Expr::Dict(error)) if key.value.to_str() == "Error" && response.items.len() == 1 => Some(error),
            _ => None,
        });
        let Some(error) = error else { continue };
        let (mut code, mut message) = (None, None);
        for item in &error.items {
            match (&item.key, &item.value) {
                (Some(Expr::StringLiteral(key)), Expr::StringLiteral(value)) if key.value.to_str() == "Code" => code = Some(value.value.to_str()),
                (Some(Expr::StringLiteral(key)), value) if key.value.to_str() == "Message" => message = Some(cx.src(value)),
                _ => code = Some(""),
            }
        }
        let Some((error_code, status)) = code.and_then(supabase_error) else { continue };
        let message = message.unwrap_or("\"\"");
        let mut edits = vec![Edit::replace(call.range(), format!("{exception}({message}, \"{error_code}\", \"{status}\")"))];
        if let Some(line) = exception_import(cx) {
            let at = crate::fix::imports::insertion_offset(cx.ctx.module, cx.text);
            edits.push(crate::fix::imports::insert_lines(cx.text, at, line, cx.nl));
        }
        ranges.push(call.range());
        findings.push(Finding {
            rule: RuleId::ClientError,
            severity: RuleId::ClientError.default_severity(),
            range: call.range(),
            message: format!("botocore's `ClientError` raised for a missing object; raise `{exception}` with the server's status and code for it"),
            fix: Some(Fix::safe(format!("raise {exception}"), edits)),
        });
    }
    (findings, ranges)
}
