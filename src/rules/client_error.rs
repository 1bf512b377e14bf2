//! botocore's exceptions (`client-error`) and the S3 error codes read from them
//! (`error-code-check`), read from the model's `try` blocks.
//!
//! A handler of boto3's errors (`except ClientError`, `except NoCredentialsError`,
//! `except s3.exceptions.NoSuchKey`, `pytest.raises(ClientError)`) and its
//! `e.response[...]` reads change only in the same fix that translates every S3 call its
//! `try` body can raise from: renamed alone, it would stop catching the errors boto3 still
//! raises. Until the calls are translated it stays byte-identical, and the finding names
//! the calls that hold it back. A handler around other AWS services' calls is left alone.

use std::collections::{BTreeMap, HashSet};

use rustc_hash::FxHashMap;

use ruff_python_ast::{CmpOp, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::finding::Finding;
use crate::model::calls::{steps, Access};
use crate::fix::edit::Fix;
use crate::fix::imports::{delete_statement, remove_import_names};
use crate::model::{BlockId, Context, FileModel, Handler, Imported, Library, ModuleRef, Scopes, SiteKind, TryBlock, TryKind, Value};
use crate::range_set::RangeSet;
use crate::rule::RuleId;
use crate::rules::s3_calls::callers::Held;
use crate::rules::RuleContext;

/// `covered`: the units (function ranges) whose S3 calls the call translation covers;
/// `units`: the fate of each `try` the translation groups into a unit (`None`: its unit's
/// fix changes the handlers; otherwise where the unit is held back). The handlers of a
/// translated unit's tries are the translation's own; those of a held-back unit stay as
/// they are, and the finding here names what holds them. A `try` the translation does
/// not group (it lies in a covered unit) is left to it as before.
pub fn check(ctx: &RuleContext, covered: &RangeSet, units: &FxHashMap<TextRange, Option<TextRange>>) -> Vec<Finding> {
    let model = ctx.model;
    let mut findings = Vec::new();
    for (range, module) in &model.star_imports {
        if *module == ModuleRef::Library(Library::BotocoreExceptions) {
            push(
                &mut findings,
                RuleId::ClientError,
                *range,
                "star import from botocore.exceptions: import the names you use by hand, so the model can see which handlers catch boto3's errors".to_owned(),
            );
        }
    }
    let mut boto_handlers: Vec<TextRange> = Vec::new();
    for block in &model.tries {
        for handler in &block.handlers {
            if handler.catches_boto() {
                if let Some(except) = handler.handler {
                    boto_handlers.push(except.range);
                }
                let fate = units.get(&block.range());
                let held = fate.copied().flatten();
                // A `try` around storage-module functions only: the call translation's
                // own finding speaks for it when it took it up.
                let callers = block.calls.is_empty() && fate.is_some();
                let owned = callers || matches!(block.kind, TryKind::Try(stmt) if !block.calls.is_empty() && match fate {
                    Some(fate) => fate.is_none(),
                    None => covered.contains_range(stmt.range),
                });
                if !owned {
                    handler_finding(ctx, model, block, handler, held, &mut findings);
                }
            }
        }
    }
    let boto_handlers = RangeSet::new(boto_handlers);
    unused_imports(ctx, model, &mut findings);
    references(ctx, model, &boto_handlers, &mut findings);
    loose_reads(ctx, model, &boto_handlers, &mut findings);
    findings
}

fn push(findings: &mut Vec<Finding>, rule: RuleId, range: TextRange, message: String) {
    findings.push(Finding { rule, severity: rule.default_severity(), range, message, fix: None });
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// A handler's type as one line: a tuple written over several lines by its elements
/// (`(ClientError, OSError)`); anything else by its first line.
fn one_line(text: &str, type_: &Expr) -> String {
    match type_ {
        Expr::Tuple(tuple) if text[type_.range()].contains('\n') => {
            let elements: Vec<String> = tuple.elts.iter().map(|element| one_line(text, element)).collect();
            if tuple.parenthesized { format!("({})", elements.join(", ")) } else { elements.join(", ") }
        }
        _ => first_line(&text[type_.range()]).to_owned(),
    }
}

/// `` `s3.get_object(...)` (line 12), `s3.head_object(...)` (line 8) `` (five at most).
pub(crate) fn call_list(ctx: &RuleContext, calls: impl Iterator<Item = (TextRange, String)>) -> String {
    let all: Vec<(TextRange, String)> = calls.collect();
    let shown: Vec<String> = all.iter().take(5).map(|(range, text)| format!("`{text}` (line {})", ctx.lines.line_of(range.start()))).collect();
    let more = if all.len() > 5 { format!(" and {} more", all.len() - 5) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

fn callee_text(ctx: &RuleContext, call: &ruff_python_ast::ExprCall) -> String {
    format!("{}(...)", first_line(&ctx.file.text[call.func.range()]))
}

/// "`except ClientError` catches" (or "`pytest.raises(ClientError)` expects") and where
/// a finding about the handler goes.
pub(crate) fn handler_what(ctx: &RuleContext, block: &TryBlock, handler: &Handler) -> Option<(String, TextRange)> {
    let type_text = handler.type_.map_or_else(String::new, |type_| one_line(&ctx.file.text, type_));
    match (block.kind, handler.handler) {
        (TryKind::PytestRaises { item, .. }, _) => Some((format!("`pytest.raises({type_text})` expects"), item.context_expr.range())),
        (_, Some(except)) => Some((format!("`except {type_text}` catches"), handler.type_.map_or(except.range, Ranged::range))),
        (_, None) => None,
    }
}

/// `held`: where the call translation holds the handler's unit back, if it does.
fn handler_finding(ctx: &RuleContext, model: &FileModel, block: &TryBlock, handler: &Handler, held: Option<TextRange>, findings: &mut Vec<Finding>) {
    let Some((what, range)) = handler_what(ctx, block, handler) else { return };
    let message = if !block.calls.is_empty() {
        let calls = call_list(ctx, block.calls.iter().map(|&index| {
            let call = &model.calls[index];
            (call.call.range(), callee_text(ctx, call.call))
        }));
        let holding = held.map_or_else(String::new, |range| {
            let at = ctx.lines.position(&ctx.file.text, range.start());
            format!(", once what line {}:{} reports is resolved", at.line, at.column)
        });
        format!("{what} boto3's errors from S3 calls still made with boto3: {calls}; it stays as it is and changes in the same fix that translates them{holding}")
    } else if !block.storage_calls.is_empty() {
        let calls = call_list(ctx, block.storage_calls.iter().map(|call| (call.range(), callee_text(ctx, call))));
        match crate::rules::s3_calls::callers::fate(ctx, block) {
            Err(held) => {
                let then = match held {
                    Held::Boto3(_) => "it changes in the run that translates it".to_owned(),
                    Held::Unknown(_) => format!("decide by hand what it must catch once that code runs on Supabase (`{}`)", ctx.config.errors.exception),
                    Held::Unlisted(..) => "it changes in the run after the bucket is listed".to_owned(),
                };
                format!("{what} boto3's errors from storage-module functions: {calls}; `{}` {}, so it stays as it is: {then}", first_line(&ctx.file.text[held.call().func.range()]), held.reason())
            }
            Ok(_) => {
                let services = call_list(ctx, block.service_calls.iter().map(|call| (call.range(), callee_text(ctx, call))));
                format!("{what} boto3's errors from storage-module functions this run translates ({calls}) and from another AWS service's calls ({services}), which keep raising them; it stays as it is: give each its own `try`")
            }
        }
    } else if !block.service_calls.is_empty() {
        // Another AWS service's errors: not S3's to change.
        return;
    } else {
        format!(
            "{what} boto3's errors, but the model sees no S3 call in its `try` body; decide by hand what it must catch once storage calls go through Supabase (`{}`)",
            ctx.config.errors.exception
        )
    };
    push(findings, RuleId::ClientError, range, message);
    let Some(except) = handler.handler else { return };
    let line = ctx.lines.line_of(except.start());
    let mut guard: Option<TextRange> = None;
    for (index, read) in handler.reads.iter().enumerate() {
        // `"Error" in e.response and <read>`: the guard is part of the comparison it guards,
        // one finding for both.
        if guard_of(ctx, read, handler.reads.get(index + 1)) {
            guard = Some(read_range(read));
            continue;
        }
        let guarded = guard.take();
        let range = guarded.map_or(read_range(read), |guard| guard.cover(read_range(read)));
        let name = model.use_(read.use_).name.id.as_str();
        // The call translation does not rewrite a guard (it holds the unit back), so a
        // guarded comparison gets no promised translation.
        let translated = if guarded.is_some() { None } else { read_translation(ctx, read.expr, read.context, &read.keys, name) };
        let message = match translated {
            Some(translated) => format!("`{}` changes with its handler (line {line}); translated with it, it reads `{translated}`", first_line(&ctx.file.text[range])),
            None => format!(
                "`{}` reads boto3's error response and changes with its handler (line {line}); `StorageApiError` has no `.response`: it has `{name}.status` (a string such as \"404\"), `{name}.code` and `{name}.message`",
                first_line(&ctx.file.text[if guarded.is_some() { range } else { read.expr.range() }])
            ),
        };
        push(findings, RuleId::ErrorCodeCheck, range, message);
    }
}

/// Whether `read` is `"Error" in e.response` (or `"ResponseMetadata"`) joined by `and`
/// to the read after it.
fn guard_of(ctx: &RuleContext, read: &crate::model::ResponseRead, next: Option<&crate::model::ResponseRead>) -> bool {
    let Context::Compared { compare } = read.context else { return false };
    let is_guard = read.keys.is_empty()
        && matches!(compare.ops.as_ref(), [CmpOp::In])
        && matches!(compare.left.as_ref(), Expr::StringLiteral(key) if matches!(key.value.to_str(), "Error" | "ResponseMetadata"));
    is_guard && next.is_some_and(|next| read_range(next).start() >= compare.end() && ctx.file.text[TextRange::new(compare.end(), read_range(next).start())].trim() == "and")
}

fn read_range(read: &crate::model::ResponseRead) -> TextRange {
    match read.context {
        Context::Compared { compare } => compare.range,
        _ => read.expr.range(),
    }
}

/// What an error-code comparison becomes: `e.response["Error"]["Code"] == "NoSuchKey"` →
/// `str(e.status) == "404" and e.code == "not_found"` (404 alone also means a missing bucket).
fn read_translation(ctx: &RuleContext, expr: &Expr, context: Context, keys: &[&str], name: &str) -> Option<String> {
    let Context::Compared { compare } = context else { return None };
    if !matches!(keys, ["Error", "Code"] | ["ResponseMetadata", "HTTPStatusCode"]) || compare.ops.len() != 1 {
        return None;
    }
    let other = if compare.left.range() == expr.range() { compare.comparators.first()? } else { compare.left.as_ref() };
    let code = match other {
        Expr::StringLiteral(literal) => literal.value.to_str().to_owned(),
        Expr::NumberLiteral(_) => ctx.file.text[other.range()].to_owned(),
        _ => return None,
    };
    let status = ctx.config.errors.status.get(&code)?;
    let refined = match code.as_str() {
        "NoSuchKey" => format!(" and {name}.code == \"not_found\""),
        "NoSuchBucket" => format!(" and {name}.code == \"Bucket not found\""),
        _ => String::new(),
    };
    let test = format!("str({name}.status) == \"{status}\"{refined}");
    Some(match compare.ops[0] {
        CmpOp::Eq => test,
        CmpOp::NotEq if refined.is_empty() => format!("str({name}.status) != \"{status}\""),
        CmpOp::NotEq => format!("not ({test})"),
        _ => return None,
    })
}

/// Names imported from botocore.exceptions at module level that nothing uses any more
/// once the file has no S3 call left (the call translation changed their handlers): the
/// import goes, a name at a time. While S3 calls remain, the file's migration is not done
/// and an import it did not need before is not ours to remove.
fn unused_imports(ctx: &RuleContext, model: &FileModel, findings: &mut Vec<Finding>) {
    if !model.calls.is_empty() {
        return;
    }
    let text = ctx.file.text.as_str();
    let mut by_statement: BTreeMap<TextSize, (&Stmt, BlockId, Vec<(TextRange, String)>)> = BTreeMap::new();
    for site in &model.scopes.sites {
        let SiteKind::Import { imported: Imported::Member(ModuleRef::Library(Library::BotocoreExceptions), _), .. } = site.kind else { continue };
        let Some((stmt @ Stmt::ImportFrom(_), block)) = site.statement else { continue };
        let symbol = model.scopes.symbol(site.symbol);
        if symbol.scope != Scopes::MODULE || !symbol.uses.is_empty() || symbol.sites.len() != 1 {
            continue;
        }
        // A re-export: another file imports it from this one.
        if let Some(importer) = ctx.importer_of(symbol.name) {
            let message = format!("botocore exception `{}` has no use left here, but {} imports it from this file (line {}); import it from botocore.exceptions there, then rerun to remove it", symbol.name, importer.by, importer.line);
            findings.push(Finding { rule: RuleId::ClientError, severity: RuleId::ClientError.default_severity(), range: site.range, message, fix: None });
            continue;
        }
        by_statement.entry(stmt.start()).or_insert((stmt, block, Vec::new())).2.push((site.range, format!("`{}`", symbol.name)));
    }
    for (stmt, block, unused) in by_statement.into_values() {
        let Stmt::ImportFrom(import) = stmt else { continue };
        let aliases: Vec<TextRange> = import.names.iter().map(Ranged::range).collect();
        let remove: Vec<bool> = aliases.iter().map(|alias| unused.iter().any(|(site, _)| alias.contains_range(*site))).collect();
        let edits = if remove.iter().all(|gone| *gone) {
            vec![delete_statement(text, stmt.range(), model.blocks[block.0 as usize].len() == 1)]
        } else {
            remove_import_names(text, &aliases, &remove)
        };
        let names: Vec<String> = unused.into_iter().map(|(_, name)| name).collect();
        let (noun, verb, its) = if names.len() == 1 { ("exception", "is", "its") } else { ("exceptions", "are", "their") };
        let message = format!("botocore {noun} {} {verb} imported but no longer used ({its} handlers now catch Supabase's errors); remove the import", crate::rules::and_list(&names));
        findings.push(Finding { rule: RuleId::ClientError, severity: RuleId::ClientError.default_severity(), range: stmt.range(), message, fix: Some(Fix::safe("remove the unused import", edits)) });
    }
}

/// botocore exceptions raised, constructed or subclassed: no Supabase counterpart to
/// rewrite to mechanically.
fn references(ctx: &RuleContext, model: &FileModel, boto_handlers: &RangeSet, findings: &mut Vec<Finding>) {
    let exception = &ctx.config.errors.exception;
    for use_ in &model.uses {
        // `ClientError(...)`: calling the class is not followed by the evaluator (an
        // instance has no S3 meaning), so the construction is recognised here.
        let constructed = matches!(use_.chain, Expr::Call(call) if call.func.range() == use_.name.range) && matches!(use_.value, Value::Exception(_));
        if !constructed && !matches!(use_.chain_value, Value::Exception(_)) {
            continue;
        }
        let text = first_line(&ctx.file.text[use_.chain.range()]);
        let shown = if constructed { format!("{}(...)", use_.name.id) } else { text.to_owned() };
        let in_handler = boto_handlers.contains_range(use_.name.range);
        let message = match use_.context {
            Context::HandlerType { .. } => continue,
            Context::Raised => format!("`raise {shown}` raises botocore's exception, which storage code no longer raises once migrated; raise what your callers then catch (e.g. `{exception}`) by hand"),
            Context::Base => format!("a subclass of botocore's `{text}`; base it on `{exception}` or your own exception by hand"),
            Context::Argument { call, .. } if first_line(&ctx.file.text[call.func.range()]) == "isinstance" => {
                if in_handler {
                    format!("`isinstance(..., {text})` tests for boto3's error inside its handler; it changes with that handler")
                } else {
                    format!("`isinstance(..., {text})` tests for boto3's error; once storage calls go through Supabase it is `{exception}`: rewrite by hand")
                }
            }
            _ => match steps(use_.chain).last() {
                Some((Access::Call(_), _)) => format!("`{shown}` constructs botocore's exception; its arguments differ from `{exception}`: rewrite by hand"),
                _ => continue,
            },
        };
        push(findings, RuleId::ClientError, use_.chain.range(), message);
    }
}

/// `x.response["Error"]...` where `x` is not the error of a boto3 handler seen above, in
/// a file that imports boto3 (elsewhere `.response` is some other library's).
fn loose_reads(ctx: &RuleContext, model: &FileModel, boto_handlers: &RangeSet, findings: &mut Vec<Finding>) {
    if !model.imports_boto() {
        return;
    }
    let handled: HashSet<TextSize> = model.tries.iter().flat_map(|block| block.handlers.iter()).flat_map(|handler| handler.reads.iter()).map(|read| read.expr.start()).collect();
    for use_ in &model.uses {
        let chain = steps(use_.chain);
        let [(Access::Attribute("response"), _), (second, _), ..] = chain.as_slice() else { continue };
        if !matches!(second.key(), Some("Error" | "ResponseMetadata")) {
            continue;
        }
        if handled.contains(&use_.chain.start()) || boto_handlers.contains_range(use_.name.range) {
            continue;
        }
        let text = first_line(&ctx.file.text[use_.chain.range()]);
        let root = use_.name.id.as_str();
        push(
            findings,
            RuleId::ErrorCodeCheck,
            use_.chain.range(),
            format!(
                "`{text}` reads an S3 error response, but `{root}` is not a caught `ClientError`; storage errors become `{}` (`.status`, `.code`, `.message`): rewrite by hand",
                ctx.config.errors.exception.rsplit('.').next().unwrap_or_default()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::testing::{findings_of, settle};

    const OTHER: &str = "backend/utils/other.py";

    fn messages(text: &str) -> Vec<String> {
        findings_of(|ctx| check(ctx, &RangeSet::default(), &FxHashMap::default()), &Config::defaults(), text, OTHER)
            .into_iter()
            .map(|finding| format!("{}:{} {}", text[..finding.range.start().to_usize()].matches('\n').count() + 1, finding.rule, finding.message))
            .collect()
    }

    #[test]
    fn nothing_to_do_changes_nothing() {
        assert!(messages("import os\ntry:\n    os.remove('x')\nexcept OSError:\n    pass\n").is_empty());
    }

    #[test]
    fn a_handler_stays_byte_identical_and_names_the_calls_holding_it_back() {
        let text = "\
import boto3
from botocore.exceptions import ClientError
s3 = boto3.client('s3')
def read(key):
    try:
        return s3.get_object(Bucket='b', Key=key)['Body'].read()
    except ClientError as e:
        if e.response['Error']['Code'] == 'NoSuchKey':
            return None
        raise
";
        assert_eq!(
            messages(text),
            [
                "7:client-error `except ClientError` catches boto3's errors from S3 calls still made with boto3: `s3.get_object(...)` (line 6); it stays as it is and changes in the same fix that translates them",
                "8:error-code-check `e.response['Error']['Code'] == 'NoSuchKey'` changes with its handler (line 7); translated with it, it reads `str(e.status) == \"404\" and e.code == \"not_found\"`",
            ]
        );
        let (out, left) = settle(text, |current| findings_of(|ctx| check(ctx, &RangeSet::default(), &FxHashMap::default()), &Config::defaults(), current, OTHER));
        assert_eq!(out, text);
        assert!(left.iter().all(|finding| finding.fix.is_none()));
    }

    #[test]
    fn handlers_around_other_services_are_left_alone() {
        let text = "\
import boto3
from botocore.exceptions import ClientError
sqs = boto3.client('sqs')
secrets = boto3.client('secretsmanager')
def send(body):
    try:
        sqs.send_message(QueueUrl='q', MessageBody=body)
        secrets.get_secret_value(SecretId='s')
    except ClientError as e:
        print(e.response['Error']['Code'])
";
        assert!(messages(text).is_empty(), "{:?}", messages(text));
    }

    #[test]
    fn a_storage_function_the_run_cannot_follow_holds_its_handler() {
        let text = "from utils import s3_utils\nfrom botocore.exceptions import ClientError\ntry:\n    s3_utils.read_text_file_from_s3('b', 'k')\nexcept ClientError:\n    pass\n";
        assert_eq!(
            messages(text),
            ["5:client-error `except ClientError` catches boto3's errors from storage-module functions: `s3_utils.read_text_file_from_s3(...)` (line 4); `s3_utils.read_text_file_from_s3` is nothing this run can follow (the storage module is not among the paths, or the name is none of its functions), so it stays as it is: decide by hand what it must catch once that code runs on Supabase (`storage3.exceptions.StorageApiError`)"]
        );
    }

    #[test]
    fn calls_through_this_files_functions_and_pytest_raises_count() {
        let text = "\
import boto3
import pytest
from botocore.exceptions import ClientError
s3 = boto3.client('s3')
def fetch(key):
    return s3.get_object(Bucket='b', Key=key)
def test_missing():
    with pytest.raises(ClientError):
        fetch('missing')
";
        assert_eq!(
            messages(text),
            ["8:client-error `pytest.raises(ClientError)` expects boto3's errors from S3 calls still made with boto3: `s3.get_object(...)` (line 6); it stays as it is and changes in the same fix that translates them"]
        );
    }

    #[test]
    fn a_handler_with_no_s3_call_in_sight_asks_a_person() {
        let text = "from botocore.exceptions import NoCredentialsError\ntry:\n    run()\nexcept NoCredentialsError:\n    pass\n";
        assert_eq!(
            messages(text),
            ["4:client-error `except NoCredentialsError` catches boto3's errors, but the model sees no S3 call in its `try` body; decide by hand what it must catch once storage calls go through Supabase (`storage3.exceptions.StorageApiError`)"]
        );
    }

    #[test]
    fn unused_exception_imports_are_named_in_a_sentence() {
        let message = |names: &str| messages(&format!("from botocore.exceptions import {names}\n"));
        let tail = "handlers now catch Supabase's errors); remove the import";
        assert_eq!(message("ClientError"), [format!("1:client-error botocore exception `ClientError` is imported but no longer used (its {tail}")]);
        assert_eq!(
            message("ClientError, NoCredentialsError"),
            [format!("1:client-error botocore exceptions `ClientError` and `NoCredentialsError` are imported but no longer used (their {tail}")]
        );
        assert_eq!(
            message("ClientError, NoCredentialsError, BotoCoreError"),
            [format!("1:client-error botocore exceptions `ClientError`, `NoCredentialsError` and `BotoCoreError` are imported but no longer used (their {tail}")]
        );
    }

    #[test]
    fn a_guarded_error_code_comparison_is_one_finding() {
        let text = "\
import boto3
import botocore.exceptions
def run():
    try:
        run()
    except botocore.exceptions.ClientError as err:
        if \"Error\" in err.response and err.response[\"Error\"].get(\"Code\") == \"404\":
            return None
        raise
";
        assert_eq!(
            messages(text)[1..],
            ["7:error-code-check `\"Error\" in err.response and err.response[\"Error\"].get(\"Code\") == \"404\"` reads boto3's error response and changes with its handler (line 6); `StorageApiError` has no `.response`: it has `err.status` (a string such as \"404\"), `err.code` and `err.message`"]
        );
    }

    #[test]
    fn a_handler_over_several_lines_is_quoted_on_one() {
        let text = "from botocore.exceptions import ClientError\ntry:\n    run()\nexcept (\n    ClientError,\n    OSError,  # disk\n) as e:\n    pass\n";
        assert_eq!(
            messages(text),
            ["4:client-error `except (ClientError, OSError)` catches boto3's errors, but the model sees no S3 call in its `try` body; decide by hand what it must catch once storage calls go through Supabase (`storage3.exceptions.StorageApiError`)"]
        );
    }

    #[test]
    fn error_response_reads_outside_handlers_count_only_in_files_that_import_boto3() {
        let read = "def code(e):\n    return e.response[\"Error\"][\"Code\"]\n";
        assert!(messages(read).is_empty(), "another library's `.response`");
        assert_eq!(
            messages(&format!("import boto3\n{read}")),
            ["3:error-code-check `e.response[\"Error\"][\"Code\"]` reads an S3 error response, but `e` is not a caught `ClientError`; storage errors become `StorageApiError` (`.status`, `.code`, `.message`): rewrite by hand"]
        );
    }

    #[test]
    fn a_projects_own_client_error_is_not_botocores() {
        let text = "from api.errors import ClientError\ntry:\n    run()\nexcept ClientError as e:\n    raise ClientError('x')\n";
        assert!(messages(text).is_empty());
    }

    #[test]
    fn raising_constructing_and_subclassing_need_a_person() {
        let text = "from botocore.exceptions import ClientError\nclass Missing(ClientError):\n    pass\ndef f():\n    raise ClientError({'Error': {'Code': '404'}}, 'HeadObject')\n";
        assert_eq!(
            messages(text),
            [
                "2:client-error a subclass of botocore's `ClientError`; base it on `storage3.exceptions.StorageApiError` or your own exception by hand",
                "5:client-error `raise ClientError(...)` raises botocore's exception, which storage code no longer raises once migrated; raise what your callers then catch (e.g. `storage3.exceptions.StorageApiError`) by hand",
            ]
        );
    }
}
