//! The storage module's functions that list every key below a prefix, recognised by
//! their shape (read from the module before any rewrite, for the project index):
//!
//! ```python
//! def f(bucket, prefix):
//!     keys = []
//!     kwargs = {"Bucket": bucket, "Prefix": prefix}      # or keywords on the call
//!     while True:
//!         response = client.list_objects_v2(**kwargs)
//!         for obj in response.get("Contents", []):
//!             if not obj["Key"].endswith("/"):          # optional
//!                 keys.append(obj["Key"])
//!         <continuation-token paging>
//!     return keys
//! ```
//!
//! Code elsewhere that lists a prefix with its own client lists through such a function.

use std::collections::BTreeSet;

use ruff_python_ast::{Expr, ModModule, Stmt, StmtFunctionDef, UnaryOp};

use super::listings::control;

pub fn key_listers(module: &ModModule) -> BTreeSet<String> {
    module
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::FunctionDef(def) if is_key_lister(def) => Some(def.name.to_string()),
            _ => None,
        })
        .collect()
}

fn name_of(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        _ => None,
    }
}

fn is_key_lister(def: &StmtFunctionDef) -> bool {
    let parameters: Vec<&str> = def.parameters.iter_non_variadic_params().map(|parameter| parameter.parameter.name.as_str()).collect();
    let [bucket, prefix, ..] = parameters.as_slice() else { return false };
    let mut body: &[Stmt] = &def.body;
    if matches!(body.first(), Some(Stmt::Expr(expr)) if expr.value.is_string_literal_expr()) {
        body = &body[1..];
    }
    let [Stmt::Assign(keys), rest @ .., Stmt::Return(ret)] = body else { return false };
    let (Some(keys_name), Expr::List(empty)) = (keys.targets.first().and_then(name_of), keys.value.as_ref()) else { return false };
    if keys.targets.len() != 1 || !empty.elts.is_empty() || ret.value.as_deref().and_then(name_of) != Some(keys_name) {
        return false;
    }
    let is_arguments = |dict: &Expr| match dict {
        Expr::Dict(dict) => {
            dict.items.len() == 2
                && dict.items.iter().all(|item| match (&item.key, name_of(&item.value)) {
                    (Some(Expr::StringLiteral(key)), Some(value)) => (key.value.to_str() == "Bucket" && value == *bucket) || (key.value.to_str() == "Prefix" && value == *prefix),
                    _ => false,
                })
        }
        _ => false,
    };
    let (params, each) = match rest {
        [Stmt::Assign(set), Stmt::While(each)] if is_arguments(&set.value) => (set.targets.first().and_then(name_of), each),
        [Stmt::While(each)] => (None, each),
        _ => return false,
    };
    if !matches!(each.test.as_ref(), Expr::BooleanLiteral(literal) if literal.value) || !each.orelse.is_empty() {
        return false;
    }
    let Some(Stmt::Assign(listing)) = each.body.first() else { return false };
    let Some(response) = listing.targets.first().and_then(name_of) else { return false };
    let Expr::Call(call) = listing.value.as_ref() else { return false };
    let lists = matches!(call.func.as_ref(), Expr::Attribute(attribute) if attribute.attr.as_str() == "list_objects_v2");
    let arguments_ok = match (params, call.arguments.keywords.as_ref()) {
        (Some(params), [keyword]) => keyword.arg.is_none() && name_of(&keyword.value) == Some(params),
        (None, keywords) => keywords.iter().all(|keyword| match keyword.arg.as_ref().map(|arg| arg.as_str()) {
            Some("Bucket") => name_of(&keyword.value) == Some(*bucket),
            Some("Prefix") => name_of(&keyword.value) == Some(*prefix),
            Some("ContinuationToken") => true,
            _ => false,
        }),
        _ => false,
    };
    if !lists || !arguments_ok || !call.arguments.args.is_empty() {
        return false;
    }
    let mut consumer = false;
    for stmt in &each.body[1..] {
        match stmt {
            Stmt::For(inner) if !consumer && super::listings::reads_contents(&inner.iter, response) => {
                let Some(item) = name_of(&inner.target) else { return false };
                consumer = appends_keys(&inner.body, item, keys_name) && inner.orelse.is_empty();
                if !consumer {
                    return false;
                }
            }
            other if control(other, response, params).is_some() => {}
            _ => return false,
        }
    }
    consumer
}

/// `keys.append(item["Key"])`, optionally under `if not item["Key"].endswith("/"):`.
fn appends_keys(body: &[Stmt], item: &str, keys: &str) -> bool {
    let is_key = |expr: &Expr| matches!(expr, Expr::Subscript(subscript)
        if name_of(&subscript.value) == Some(item) && matches!(subscript.slice.as_ref(), Expr::StringLiteral(key) if key.value.to_str() == "Key"));
    let appends = |stmt: &Stmt| match stmt {
        Stmt::Expr(expr) => match expr.value.as_ref() {
            Expr::Call(call) => {
                matches!(call.func.as_ref(), Expr::Attribute(attribute) if attribute.attr.as_str() == "append" && name_of(&attribute.value) == Some(keys))
                    && matches!(call.arguments.args.as_ref(), [argument] if is_key(argument))
            }
            _ => false,
        },
        _ => false,
    };
    match body {
        [single] if appends(single) => true,
        [Stmt::If(branch)] if branch.elif_else_clauses.is_empty() => {
            let skips_placeholders = match branch.test.as_ref() {
                Expr::UnaryOp(not) if not.op == UnaryOp::Not => match not.operand.as_ref() {
                    Expr::Call(call) => {
                        matches!(call.func.as_ref(), Expr::Attribute(attribute) if attribute.attr.as_str() == "endswith" && is_key(&attribute.value))
                            && matches!(call.arguments.args.as_ref(), [Expr::StringLiteral(slash)] if slash.value.to_str() == "/")
                    }
                    _ => false,
                },
                _ => false,
            };
            skips_placeholders && matches!(branch.body.as_slice(), [single] if appends(single))
        }
        _ => false,
    }
}
