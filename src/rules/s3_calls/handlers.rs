//! The `try` statements of a unit whose body calls S3, changed in the same fix as the
//! calls: `except ClientError` → the configured exception; `except c.exceptions.NoSuchKey`
//! → a handler of that exception that re-raises anything but a missing key (merged into a
//! following `ClientError` handler); `except NoCredentialsError` removed (no Supabase call
//! raises it); `ClientError` handlers around `upload_file` alone removed (boto3 wrapped
//! every ClientError there in S3UploadFailedError, so they never ran), the `try` unwrapped
//! when none is left, and `except S3UploadFailedError` (or `Boto3Error`) there → the
//! configured exception, which supabase-py raises for the same failures; and the
//! error-code checks: `NoSuchKey` after a GET → `str(e.status) == "404" and e.code ==
//! "not_found"`, a bare `"404"` after HEAD-like calls → `str(e.status) == "404"` (missing
//! key or bucket, as S3 said), and any other read of the code there → `str(e.status)`
//! (S3's code for a HEAD is the HTTP status).
//!
//! A `try` whose body also makes calls that stay on boto3 (another AWS service's client,
//! an S3-looking call on a receiver the model cannot resolve, directly or in this file's
//! functions it calls) keeps catching their errors: `except ClientError` →
//! `except (StorageApiError, ClientError)` where the handler does not read the error as a
//! `ClientError` (`e.response[...]`, `isinstance(e, ClientError)`: then the unit is held
//! back), a `NoCredentialsError` handler or a `ClientError` handler around `upload_file`
//! stays as it is, and a `NoSuchKey` handler merged with a `ClientError` one holds the
//! unit back.

use std::collections::BTreeSet;

use ruff_python_ast::{BoolOp, CmpOp, ExceptHandlerExceptHandler, Expr, Stmt, StmtTry, UnaryOp};
use ruff_text_size::{Ranged, TextRange};

use super::{exception_import, layout, Blocker, Cx, Edit, Missing};
use crate::fix::imports::{line_end_after, line_start};
use crate::model::{Caught, Context, Handler, Scopes, TryBlock, TryKind, Value};

pub struct Handled {
    pub edits: Vec<Edit>,
    pub imports: Vec<&'static str>,
    /// Differences that remain, each at the `try` whose handlers keep it.
    pub notes: Vec<(TextRange, String)>,
}

/// The handlers of every `try` of the unit guarding the translated calls. `edits` are the
/// calls' edits; a `try` that is unwrapped takes those inside its body into its own edit.
pub fn translate(cx: &Cx, unit_tries: &[usize], missing: &[(usize, Missing)], edits: &mut Vec<Edit>) -> Result<Handled, Vec<Blocker>> {
    let mut handled = Handled { edits: Vec::new(), imports: Vec::new(), notes: Vec::new() };
    let mut blockers = Vec::new();
    let exception = cx.ctx.config.errors.exception.rsplit('.').next().unwrap_or_default().to_owned();
    for block in unit_tries.iter().map(|index| &cx.model.tries[*index]) {
        let TryKind::Try(stmt) = block.kind else { continue };
        // The unit may span functions: the `try` is written in the style of its own.
        let scopes = &cx.model.scopes;
        let cx = &cx.within(scopes.scope(scopes.frame(block.scope)).function);
        let guarded: Vec<usize> = block.calls.iter().copied().filter(|index| super::makes_request(&cx.model.calls[*index])).collect();
        let mut kinds: BTreeSet<Missing> = guarded.iter().filter_map(|index| missing.iter().find(|(at, _)| at == index).map(|(_, kind)| *kind)).collect();
        // The storage-module functions it calls too raise what they raise after this run.
        match super::callers::fate(cx.ctx, block) {
            Ok(more) => kinds.extend(more),
            Err(held) => {
                let call = held.call();
                blockers.push(cx.block(stmt.range, format!(
                    "this `try` also calls the storage module's `{}` (line {}), which {}; resolve that, then rerun",
                    cx.src(&*call.func),
                    cx.line(call.start()),
                    held.reason()
                )));
                continue;
            }
        }
        match try_block(cx, block, stmt, &kinds, &exception, edits) {
            Ok(changed) => {
                handled.edits.extend(changed.edits);
                handled.imports.extend(changed.imports);
                handled.notes.extend(changed.notes.into_iter().map(|note| (stmt.range, note)));
            }
            Err(blocker) => blockers.push(blocker),
        }
    }
    if !blockers.is_empty() {
        return Err(blockers);
    }
    Ok(handled)
}

/// What one `try`'s handlers become: the edits, the import lines they need and the
/// differences that remain.
pub struct TryEdits {
    pub edits: Vec<Edit>,
    pub imports: Vec<&'static str>,
    pub notes: Vec<String>,
}

type TryResult = Result<TryEdits, Blocker>;

/// What one `try`'s handlers become, for calls that fail with `kinds`. `call_edits`: the calls' edits (a
/// `try` that is unwrapped takes those in its body).
pub(super) fn try_block(cx: &Cx, block: &TryBlock, stmt: &StmtTry, kinds: &BTreeSet<Missing>, exception: &str, call_edits: &mut Vec<Edit>) -> TryResult {
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    let mut uses_exception = false;
    let mut imports = Vec::new();
    let upload_only = kinds.iter().all(|kind| *kind == Missing::UploadFile);
    let miss = match (kinds.contains(&Missing::NoSuchKey), kinds.contains(&Missing::Bare404)) {
        (true, true) => None,
        (true, false) => Some(Missing::NoSuchKey),
        (false, true) => Some(Missing::Bare404),
        (false, false) => Some(Missing::Other),
    };
    // Calls the translation leaves on boto3 (another service's, an S3-looking call the
    // model cannot resolve) still raise boto3's errors: their handlers keep catching them.
    let kept: Vec<String> = block.boto_calls().take(3).map(|call| format!("`{}(...)` (line {})", cx.src(&*call.func), cx.line(call.start()))).collect();
    let kept = (!kept.is_empty()).then(|| format!("{}, which still {}", kept.join(", "), if kept.len() == 1 { "raises" } else { "raise" }));
    let mut removed = 0;
    let mut skip_next_type = false;
    for (at, handler) in block.handlers.iter().enumerate() {
        let Some(except) = handler.handler else { continue };
        if !handler.catches_boto() {
            continue;
        }
        let only = |caught: Caught| handler.caught.as_slice() == [caught];
        if only(Caught::Botocore("NoCredentialsError")) {
            if kept.is_some() {
                continue;
            }
            edits.push(delete_handler(cx, except));
            notes.push("the `NoCredentialsError` handler goes: supabase-py checks its key when the client is created, no call raises it".to_owned());
            removed += 1;
            continue;
        }
        if upload_only && only(Caught::ClientError) {
            // It catches only the kept calls' errors: it stays as it is.
            if kept.is_some() {
                continue;
            }
            edits.push(delete_handler(cx, except));
            notes.push("the `ClientError` handler around `upload_file` never ran (boto3 raised S3UploadFailedError there) and goes; catch the configured exception by hand if upload failures should be handled".to_owned());
            removed += 1;
            continue;
        }
        if let [Caught::Boto3(name)] = handler.caught.as_slice() {
            let type_ = except.type_.as_deref().map_or(except.range, Ranged::range);
            edits.push(upload_failed(cx, handler, type_, name, upload_only, exception)?);
            uses_exception = true;
            continue;
        }
        if let [Caught::Modeled("NoSuchKey")] = handler.caught.as_slice() {
            if miss != Some(Missing::NoSuchKey) {
                return Err(cx.block(except.range, "a `NoSuchKey` handler around calls that do not raise it: rewrite it by hand"));
            }
            let next = block.handlers.get(at + 1).filter(|next| next.caught.as_slice() == [Caught::ClientError] && next.handler.is_some_and(|next| next.name.is_some()));
            let next_name = next.and_then(|next| next.handler).and_then(|next| next.name.as_ref());
            if let (Some(theirs), Some(own)) = (next_name, &except.name) {
                if own.as_str() != theirs.as_str() {
                    return Err(cx.block(own.range, format!("a `NoSuchKey` handler bound to `{own}` and a `ClientError` handler bound to `{theirs}` become one handler: give them one name, then rerun")));
                }
                // Its body moves into the merged handler as written.
                if let Some(read) = handler.reads.first() {
                    return Err(cx.block(read.expr.range(), format!("`{}` in a `NoSuchKey` handler merged with the `ClientError` one after it: rewrite it by hand against `{own}.status`/`{own}.code`/`{own}.message`", cx.src(read.expr))));
                }
            }
            if let (Some(_), Some(kept)) = (next, &kept) {
                return Err(cx.block(except.range, format!(
                    "the `NoSuchKey` and `ClientError` handlers become one handler of `{exception}`, but this `try` also calls {kept} `ClientError`: give the S3 calls a `try` of their own, or rewrite the handlers by hand"
                )));
            }
            match next {
                Some(next) => edits.extend(merge_modeled(cx, except, next.handler.unwrap_or(except), exception)?),
                None => {
                    edits.extend(modeled(cx, except, exception, block.scope)?);
                    // Its name now holds the Supabase error: reads of it as boto3's change too.
                    if except.name.is_some() {
                        let (more, more_notes) = handler_body(cx, handler, except, miss, exception)?;
                        edits.extend(more);
                        notes.extend(more_notes);
                    }
                }
            }
            skip_next_type = next.is_some();
            uses_exception = true;
            continue;
        }
        let merged = std::mem::take(&mut skip_next_type);
        let beside = if handler.caught.len() > 1 { " caught beside other exceptions" } else { "" };
        let tuple = matches!(except.type_.as_deref(), Some(Expr::Tuple(_)));
        for (element, caught) in type_elements(except.type_.as_deref()).iter().zip(&handler.caught) {
            match caught {
                Caught::ClientError => {
                    let text = match (&kept, tuple) {
                        (None, _) => exception.to_owned(),
                        (Some(_), true) => format!("{exception}, {}", cx.src(element)),
                        (Some(_), false) => format!("({exception}, {})", cx.src(element)),
                    };
                    if !merged {
                        edits.push(Edit::replace(element.range(), text));
                    }
                    uses_exception = true;
                }
                Caught::Botocore("BotoCoreError") if kept.is_none() => {
                    imports.push(httpx_import(cx, block.scope, element.range())?);
                    edits.push(Edit::replace(element.range(), "httpx.HTTPError".to_owned()));
                    notes.push("`BotoCoreError` is now `httpx.HTTPError`, what supabase-py raises when no answer comes (no connection, a timeout); boto3's other client-side errors (missing credentials, invalid parameters) have no counterpart there".to_owned());
                }
                Caught::Botocore(name) => return Err(cx.block(element.range(), format!("botocore's `{name}`{beside}: Supabase raises httpx errors for transport failures; rewrite the handler by hand"))),
                Caught::Boto3(name) => return Err(cx.block(element.range(), format!("boto3's `{name}`{beside}: rewrite the handler by hand"))),
                Caught::Modeled(name) => return Err(cx.block(element.range(), format!("`{name}`{beside}: rewrite the handler by hand"))),
                _ => {}
            }
        }
        // Its body would read a `StorageApiError` where a `ClientError` still arrives.
        let reads_client_error = |at: TextRange| {
            cx.block(at, format!(
                "the handler reads boto3's `ClientError` (its `.response`, or tells it apart), and this `try` also calls {} it: give the S3 calls a `try` of their own, or rewrite the handler by hand",
                kept.as_deref().unwrap_or_default()
            ))
        };
        if let (Some(_), Some(read)) = (&kept, handler.reads.first()) {
            return Err(reads_client_error(read.expr.range()));
        }
        let (more, more_notes) = handler_body(cx, handler, except, miss, exception)?;
        if kept.is_some() && !more.is_empty() {
            return Err(reads_client_error(more[0].range));
        }
        edits.extend(more);
        notes.extend(more_notes);
    }
    if removed > 0 && removed == block.handlers.len() {
        if !stmt.orelse.is_empty() || !stmt.finalbody.is_empty() {
            return Err(cx.block(stmt.range, "every handler of this `try` goes, but it has an `else`/`finally`: unwrap it by hand"));
        }
        return Ok(TryEdits { edits: vec![unwrap(cx, stmt, call_edits)?], imports, notes });
    }
    if uses_exception {
        imports.extend(exception_import(cx));
    }
    Ok(TryEdits { edits, imports, notes })
}

/// `import httpx`, where the handler at `scope` reads `httpx` as that module (`at`: the
/// exception being replaced, for the finding otherwise).
fn httpx_import(cx: &Cx, scope: crate::model::ScopeId, at: TextRange) -> Result<&'static str, Blocker> {
    const LINE: &str = "import httpx";
    let scopes = &cx.model.scopes;
    let elsewhere = match scopes.resolve(scope, "httpx") {
        Some(symbol) if scopes.symbol(symbol).scope != Scopes::MODULE => scopes.symbol(symbol).sites.first().map(|&site| cx.model.site(site).range),
        Some(_) => super::helpers::bound_as(cx.model, "httpx", LINE).err(),
        None => None,
    };
    match elsewhere {
        Some(site) => Err(cx.block(at, format!("`BotoCoreError` becomes `httpx.HTTPError`, but `httpx` is bound to something else here (line {}); rename that, then rerun", cx.line(site.start())))),
        None => Ok(LINE),
    }
}

/// `except S3UploadFailedError` (or its base `Boto3Error`; `type_`, the name caught)
/// around `upload_file` calls alone: boto3 raised it for a failed upload, supabase-py
/// raises the configured exception there (a missing local file is `FileNotFoundError`
/// on both).
fn upload_failed(cx: &Cx, handler: &Handler, type_: TextRange, name: &str, upload_only: bool, exception: &str) -> Result<Edit, Blocker> {
    if !matches!(name, "S3UploadFailedError" | "Boto3Error") {
        return Err(cx.block(type_, format!("boto3's `{name}` has no Supabase counterpart: rewrite the handler by hand")));
    }
    if !upload_only {
        return Err(cx.block(type_, format!(
            "boto3's `{name}` came only from `upload_file`, but this `try` guards other S3 calls too, whose Supabase errors are `{exception}` as well: give `upload_file` a `try` of its own, or rewrite the handler by hand"
        )));
    }
    if let Some(read) = handler.reads.first() {
        return Err(cx.block(read.expr.range(), format!("`{}` reads an error response `{name}` does not have: rewrite the handler by hand", cx.src(read.expr))));
    }
    Ok(Edit::replace(type_, exception.to_owned()))
}

fn type_elements(type_: Option<&Expr>) -> Vec<&Expr> {
    match type_ {
        Some(Expr::Tuple(tuple)) => tuple.elts.iter().collect(),
        Some(single) => vec![single],
        None => Vec::new(),
    }
}

/// `pytest.raises(ClientError)` → `pytest.raises(<exception>)`, around calls that fail
/// with `kinds` (`S3UploadFailedError` too, around uploads alone).
pub(super) fn pytest_raises(cx: &Cx, handler: &Handler, kinds: &BTreeSet<Missing>, exception: &str) -> Result<Vec<Edit>, Blocker> {
    let mut edits = Vec::new();
    let upload_only = kinds.iter().all(|kind| *kind == Missing::UploadFile);
    for (element, caught) in type_elements(handler.type_).iter().zip(&handler.caught) {
        match caught {
            Caught::ClientError => edits.push(Edit::replace(element.range(), exception.to_owned())),
            Caught::Boto3(name) => edits.push(upload_failed(cx, handler, element.range(), name, upload_only, exception)?),
            Caught::Botocore(name) | Caught::Modeled(name) => {
                return Err(cx.block(element.range(), format!("`pytest.raises` expects botocore's `{name}`, which no Supabase call raises: rewrite the test by hand")));
            }
            _ => {}
        }
    }
    Ok(edits)
}

/// The handler's whole lines.
fn delete_handler(cx: &Cx, except: &ExceptHandlerExceptHandler) -> Edit {
    Edit::delete(TextRange::new(line_start(cx.text, except.start()), line_end_after(cx.text, except.end())))
}

/// The `try` replaced by its body one level to the left, with the body's own edits.
fn unwrap(cx: &Cx, stmt: &StmtTry, call_edits: &mut Vec<Edit>) -> Result<Edit, Blocker> {
    let (Some(first), Some(last)) = (stmt.body.first(), stmt.body.last()) else { return Err(cx.block(stmt.range, "an empty try")) };
    let body = TextRange::new(first.start(), last.end());
    let mut inner: Vec<Edit> = Vec::new();
    call_edits.retain(|edit| {
        let inside = body.contains_range(edit.range);
        if inside {
            inner.push(edit.clone());
        }
        !inside
    });
    inner.sort();
    let mut text = String::new();
    let mut at = body.start();
    for edit in &inner {
        text.push_str(&cx.text[TextRange::new(at, edit.start())]);
        text.push_str(&edit.content);
        at = edit.end();
    }
    text.push_str(&cx.text[TextRange::new(at, body.end())]);
    let unit = cx.unit_indent();
    let moved = (!layout::has_multiline_string(&text)).then(|| layout::dedent(&text, &unit)).flatten();
    let moved = moved.ok_or_else(|| cx.block(stmt.range, "the `try` body cannot move one level left; unwrap it by hand"))?;
    // The handlers' lines go with the try (up to the end of its last line).
    Ok(Edit::replace(TextRange::new(stmt.start(), stmt.end()), moved))
}

/// The condition "the object is missing" on the caught error `e`.
fn missing_condition(name: &str, miss: Missing) -> Option<String> {
    match miss {
        Missing::NoSuchKey => Some(format!("str({name}.status) == \"404\" and {name}.code == \"not_found\"")),
        Missing::Bare404 => Some(format!("str({name}.status) == \"404\"")),
        _ => None,
    }
}

/// `except c.exceptions.NoSuchKey:` alone → `except E as _storage_error:` (or its own
/// `as` name) re-raising the rest.
fn modeled(cx: &Cx, except: &ExceptHandlerExceptHandler, exception: &str, scope: crate::model::ScopeId) -> Result<Vec<Edit>, Blocker> {
    let name = except.name.as_ref().map_or("_storage_error", |own| own.as_str());
    if except.name.is_none() && !cx.free(scope, name) {
        return Err(cx.block(except.range, format!("the translation needs the name `{name}`, which is taken here")));
    }
    let Some(first) = except.body.first() else { return Err(cx.block(except.range, "an empty handler")) };
    // Through `as e` where it has a name.
    let type_end = except.name.as_ref().map(Ranged::end).or(except.type_.as_ref().map(|type_| type_.end())).unwrap_or(except.start());
    let body_indent = cx.indent(first.start());
    let unit = cx.unit_indent();
    let nl = cx.nl;
    let condition = missing_condition(name, Missing::NoSuchKey).unwrap_or_default();
    Ok(vec![
        Edit::replace(TextRange::new(except.start(), type_end), format!("except {exception} as {name}")),
        Edit::insert(line_start(cx.text, first.start()), format!("{body_indent}if not ({condition}):{nl}{body_indent}{unit}raise{nl}")),
    ])
}

/// `except c.exceptions.NoSuchKey: A` then `except ClientError as e: B` →
/// `except E as e:` / `if <missing>: A` / `B`.
fn merge_modeled(cx: &Cx, except: &ExceptHandlerExceptHandler, next: &ExceptHandlerExceptHandler, exception: &str) -> Result<Vec<Edit>, Blocker> {
    let (Some(first), Some(last), Some(next_first)) = (except.body.first(), except.body.last(), next.body.first()) else {
        return Err(cx.block(except.range, "an empty handler"));
    };
    let name = next.name.as_ref().map(|name| name.as_str()).unwrap_or_default();
    let body_indent = cx.indent(next_first.start());
    let unit = cx.unit_indent();
    let nl = cx.nl;
    let condition = missing_condition(name, Missing::NoSuchKey).unwrap_or_default();
    let moved = layout::indent(&cx.text[TextRange::new(line_start(cx.text, first.start()), line_end_after(cx.text, last.end()))], &unit);
    Ok(vec![Edit::replace(
        TextRange::new(except.start(), line_start(cx.text, next_first.start())),
        format!("except {exception} as {name}:{nl}{body_indent}if {condition}:{nl}{moved}"),
    )])
}

/// The reads of `e.response[...]` in a handler, and the other uses of `ClientError` in it.
fn handler_body(cx: &Cx, handler: &Handler, except: &ExceptHandlerExceptHandler, miss: Option<Missing>, exception: &str) -> Result<(Vec<Edit>, Vec<String>), Blocker> {
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    // `isinstance(e, ClientError)` and the like.
    for use_ in cx.lookup.uses_in(cx.model, except.range) {
        if except.type_.as_ref().is_some_and(|type_| type_.range().contains_range(use_.name.range)) {
            continue;
        }
        let Some(symbol) = use_.symbol else { continue };
        match cx.model.symbol_value(symbol) {
            Value::Exception("ClientError") if matches!(use_.context, Context::Raised) || !matches!(use_.chain, Expr::Name(_)) => {
                return Err(cx.block(use_.name.range, "botocore's `ClientError` raised or built in the handler: raise the configured exception by hand"));
            }
            Value::Exception("ClientError") => edits.push(Edit::replace(use_.name.range, exception.to_owned())),
            Value::Exception(other) => return Err(cx.block(use_.name.range, format!("botocore's `{other}` used in the handler: rewrite it by hand"))),
            _ => {}
        }
    }
    let Some(symbol) = handler.name else { return Ok((edits, notes)) };
    let name = cx.model.scopes.symbol(symbol).name;
    for read in &handler.reads {
        let held = |what: &str| cx.block(read.expr.range(), format!("`{}` {what}; rewrite it by hand against `{name}.status`/`{name}.code`/`{name}.message`", cx.src(read.expr)));
        match read.keys.as_slice() {
            ["Error", "Message"] => edits.push(Edit::replace(read.expr.range(), format!("{name}.message"))),
            ["ResponseMetadata", "HTTPStatusCode"] => {
                if miss != Some(Missing::Bare404) && miss != Some(Missing::NoSuchKey) {
                    return Err(held("tests for 404 around calls that never answer it"));
                }
                match read.context {
                    Context::Compared { compare } => {
                        let negated = compared_with_404(cx, compare).ok_or_else(|| held("is compared with something other than 404"))?;
                        let op = if negated { "!=" } else { "==" };
                        edits.push(Edit::replace(compare.range, format!("str({name}.status) {op} \"404\"")));
                    }
                    // `status = ...; if status == 404:`: the server's status is 404 exactly
                    // where S3's was (a missing object or bucket), as a number.
                    Context::Assigned { targets: [Expr::Name(target)], .. } => {
                        let status = kept_in(cx, read.use_, target).map_err(&held)?;
                        let mut read_as_number = false;
                        for use_id in cx.uses(status) {
                            match cx.model.use_(use_id).context {
                                Context::Compared { compare } => {
                                    compared_with_404(cx, compare).ok_or_else(|| held("is kept in a variable compared with something other than 404"))?;
                                }
                                _ => read_as_number = true,
                            }
                        }
                        edits.push(Edit::replace(read.expr.range(), format!("int({name}.status)")));
                        if read_as_number {
                            notes.push(format!("`{}` is now the status the server gives, the same as S3's for a missing object (404), not always for other errors", target.id));
                        }
                    }
                    _ => return Err(held("is used other than compared or kept in a variable")),
                }
            }
            ["Error", "Code"] => match read.context {
                Context::Compared { compare } if compare.left.range() == read.expr.range() => {
                    let miss = miss.ok_or_else(|| held("tests an error code of a `try` that guards both GET and HEAD-like calls"))?;
                    let (codes, negated) = compared_codes(compare).ok_or_else(|| held("is compared in a way this translation does not read"))?;
                    let condition = code_condition(cx, name, &codes, negated, miss).ok_or_else(|| held("tests an error code other than the missing-object one"))?;
                    let wrap = negated || !bare_condition(cx.model.use_(read.use_).statement, compare.range);
                    let text = if miss == Missing::NoSuchKey && wrap && !negated { format!("({condition})") } else { condition };
                    edits.push(Edit::replace(compare.range, text));
                }
                Context::Assigned { targets: [Expr::Name(target)], .. } => {
                    let miss = miss.ok_or_else(|| held("is kept in a variable of a `try` that guards both GET and HEAD-like calls"))?;
                    let code = kept_in(cx, read.use_, target).map_err(&held)?;
                    // After a GET the variable holds S3's missing-key code exactly when the
                    // key is missing, so the checks of it read as they did; other errors
                    // give the server's text. After a HEAD the status is S3's code.
                    let (value, missing_code) = match miss {
                        Missing::NoSuchKey => (format!("\"NoSuchKey\" if {} else {name}.code", missing_condition(name, miss).unwrap_or_default()), "NoSuchKey"),
                        Missing::Bare404 => (format!("str({name}.status)"), "404"),
                        _ => return Err(held("is kept in a variable around calls whose missing-object error this translation does not know")),
                    };
                    edits.push(Edit::replace(read.expr.range(), value));
                    let mut read_as_text = false;
                    for use_id in cx.uses(code) {
                        let use_ = cx.model.use_(use_id);
                        let Context::Compared { compare } = use_.context else {
                            read_as_text = true;
                            continue;
                        };
                        let (codes, _) = compared_codes(compare).ok_or_else(|| held("is kept in a variable compared in a way this translation does not read"))?;
                        if !codes.contains(&missing_code) || codes.iter().any(|code| !matches!(*code, "404" | "NoSuchKey")) {
                            return Err(held("is kept in a variable compared with other codes"));
                        }
                    }
                    if read_as_text && miss == Missing::NoSuchKey {
                        notes.push(format!("`{}` is now the server's error text (`Bucket not found`, ...) for errors other than a missing key, not S3's code", target.id));
                    }
                }
                Context::Compared { .. } => return Err(held("is compared in a way this translation does not read")),
                // After HEAD-like calls S3's code is the HTTP status, as `int(...) == 404` reads it.
                _ if miss == Some(Missing::Bare404) => edits.push(Edit::replace(read.expr.range(), format!("str({name}.status)"))),
                _ => {
                    edits.push(Edit::replace(read.expr.range(), format!("{name}.code")));
                    notes.push(format!("`{}` is now the server's error text (`not_found`, `Bucket not found`, ...), not S3's code", cx.src(read.expr)));
                }
            },
            _ => return Err(held("reads a part of the S3 error response Supabase's errors do not have")),
        }
    }
    Ok((edits, notes))
}

/// The variable `target` a read at `use_` is assigned to, where it is bound only there.
fn kept_in(cx: &Cx, use_: crate::model::UseId, target: &ruff_python_ast::ExprName) -> Result<crate::model::SymbolId, &'static str> {
    let symbol = cx.model.scopes.resolve(cx.model.use_(use_).scope, target.id.as_str()).ok_or("is kept in a variable the translation cannot follow")?;
    if cx.single_assignment(symbol).is_none() {
        return Err("is kept in a variable bound elsewhere too");
    }
    Ok(symbol)
}

/// `x == 404` / `x != 404`: whether negated.
fn compared_with_404(cx: &Cx, compare: &ruff_python_ast::ExprCompare) -> Option<bool> {
    match (compare.ops.as_ref(), compare.comparators.as_ref()) {
        ([CmpOp::Eq], [Expr::NumberLiteral(number)]) if cx.src(number) == "404" => Some(false),
        ([CmpOp::NotEq], [Expr::NumberLiteral(number)]) if cx.src(number) == "404" => Some(true),
        _ => None,
    }
}

/// `x == "A"`, `x != "A"`, `x in ["A", "B"]`, `x not in ("A",)`: the codes and whether negated.
fn compared_codes<'a>(compare: &'a ruff_python_ast::ExprCompare) -> Option<(Vec<&'a str>, bool)> {
    let ([op], [right]) = (compare.ops.as_ref(), compare.comparators.as_ref()) else { return None };
    let literal = |expr: &'a Expr| match expr {
        Expr::StringLiteral(text) => Some(text.value.to_str()),
        _ => None,
    };
    let many = |elements: &'a [Expr]| elements.iter().map(literal).collect::<Option<Vec<&str>>>();
    match (op, right) {
        (CmpOp::Eq, right) => Some((vec![literal(right)?], false)),
        (CmpOp::NotEq, right) => Some((vec![literal(right)?], true)),
        (CmpOp::In, Expr::List(list)) => Some((many(&list.elts)?, false)),
        (CmpOp::In, Expr::Tuple(tuple)) => Some((many(&tuple.elts)?, false)),
        (CmpOp::NotIn, Expr::List(list)) => Some((many(&list.elts)?, true)),
        (CmpOp::NotIn, Expr::Tuple(tuple)) => Some((many(&tuple.elts)?, true)),
        _ => None,
    }
}

/// The Supabase test for S3 codes `codes` after calls that fail with `miss`: the
/// missing-object code (and the other operation's, which these calls never answer) maps,
/// and after a GET also `NoSuchBucket` (the server's "Bucket not found", status 404 too).
fn code_condition(_cx: &Cx, name: &str, codes: &[&str], negated: bool, miss: Missing) -> Option<String> {
    if miss == Missing::NoSuchKey {
        let known = |code: &&str| matches!(*code, "NoSuchKey" | "NoSuchBucket" | "404");
        let server: Vec<&str> = [("NoSuchKey", "not_found"), ("NoSuchBucket", "Bucket not found")].into_iter().filter(|(code, _)| codes.contains(code)).map(|(_, error)| error).collect();
        if server.is_empty() || !codes.iter().all(known) {
            return None;
        }
        let code_test = match server.as_slice() {
            [one] => format!("{name}.code == \"{one}\""),
            many => format!("{name}.code in ({})", many.iter().map(|error| format!("\"{error}\"")).collect::<Vec<_>>().join(", ")),
        };
        let condition = format!("str({name}.status) == \"404\" and {code_test}");
        return Some(if negated { format!("not ({condition})") } else { condition });
    }
    if miss != Missing::Bare404 || !codes.contains(&"404") || codes.iter().any(|other| !matches!(*other, "404" | "NoSuchKey")) {
        return None;
    }
    Some(if negated { format!("str({name}.status) != \"404\"") } else { missing_condition(name, miss)? })
}

/// Whether the compare at `range` stands where `a and b` needs no parentheses: the whole
/// test of an `if`/`elif`/`while`, or an operand of an `and`.
fn bare_condition(stmt: &Stmt, range: TextRange) -> bool {
    let tests: Vec<&Expr> = match stmt {
        Stmt::If(branch) => std::iter::once(branch.test.as_ref()).chain(branch.elif_else_clauses.iter().filter_map(|clause| clause.test.as_ref())).collect(),
        Stmt::While(each) => vec![each.test.as_ref()],
        _ => return false,
    };
    tests.into_iter().any(|test| test.range() == range || in_and(test, range))
}

fn in_and(expr: &Expr, range: TextRange) -> bool {
    match expr {
        Expr::BoolOp(boolean) if boolean.op == BoolOp::And => boolean.values.iter().any(|value| value.range() == range || in_and(value, range)),
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => false,
        _ => false,
    }
}
