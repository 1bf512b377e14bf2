//! Listings: `list_objects_v2` (one page, `MaxKeys`, `KeyCount`, `"Contents" in r`,
//! `.get("Contents", [])`, the `IsTruncated`/`ContinuationToken` loop) and `list_objects`
//! (the same page without `KeyCount`), their paginators,
//! `Delimiter="/"` listings with `CommonPrefixes`, and the resource's `objects.filter(...)`
//! / `.all()`. Supabase's `list()` lists one folder level, case-insensitively, by whole
//! folder names; the helpers walk `list_v2`, which matches S3's prefix semantics, and
//! yield S3-shaped entries, so the code that reads `Contents`/`Key`/`CommonPrefixes`
//! stays as it is. Outside the storage module a listing goes through the storage module's
//! own function that lists every key below a prefix.

use ruff_python_ast::{CmpOp, Expr, Stmt, StmtFor, StmtWhile};
use ruff_text_size::{Ranged, TextRange};

use super::{check_arguments, keyword, layout, Cx, Edit, Helper, Missing, Result, Rewrite};
use crate::model::calls::steps;
use crate::model::{Access, Context, S3Call, S3Kind, ScopeId, SymbolId, TryKind};

/// A literal `"/"` delimiter, or none; anything else is refused.
fn delimiter(cx: &Cx, expr: Option<&Expr>) -> Result<bool> {
    match expr {
        None => Ok(false),
        Some(Expr::StringLiteral(literal)) if literal.value.to_str() == "/" => Ok(true),
        Some(other) => Err(cx.block(other.range(), "a delimiter other than \"/\" has no Supabase equivalent; list and group the keys by hand")),
    }
}

/// `r.get("<key>", [])` or `r["<key>"]` steps at the start of a chain: the node they end at.
fn reads_key<'a>(chain: &[(Access<'a>, &'a Expr)], key: &str) -> Option<&'a Expr> {
    match chain {
        [(Access::Attribute("get"), _), (Access::Call(get), node), ..] => {
            let [Expr::StringLiteral(name), default] = &get.arguments.args[..] else { return None };
            let empty_default = matches!(default, Expr::List(list) if list.elts.is_empty());
            (name.value.to_str() == key && empty_default && get.arguments.keywords.is_empty()).then_some(*node)
        }
        [(step @ Access::Index(_), node), ..] if step.key() == Some(key) => Some(*node),
        _ => None,
    }
}

/// `r["Contents"]` (a subscript, not `.get`) of the listing `index` makes, at `read`:
/// S3's response raised KeyError there when nothing matched (it leaves the key out);
/// the translated listing, an empty list there, raises none. Where a handler catches
/// that KeyError (its `try` holds the read in its body, or calls the listing's
/// function) the unit is held back; where none does, and the code does not test
/// `"Contents" in r` first (`tested`), the difference is one of `notes`.
fn key_error(cx: &Cx, index: usize, chain: &[(Access, &Expr)], read: TextRange, tested: bool, notes: &mut Vec<String>) -> Result<()> {
    let Some((step @ Access::Index(_), _)) = chain.first() else { return Ok(()) };
    let call = cx.model.calls[index].call.range();
    let handler = cx
        .model
        .tries
        .iter()
        .filter(|block| matches!(block.kind, TryKind::Try(_)))
        .filter(|block| block.body.contains_range(read) || (block.calls.contains(&index) && !block.body.contains_range(call)))
        .flat_map(|block| &block.handlers)
        .find(|handler| handler.caught.iter().any(|caught| caught.catches_key_error()))
        .and_then(|handler| handler.handler);
    let key = step.key().unwrap_or_default();
    let Some(handler) = handler else {
        if !tested {
            let note = format!("the listing's `[\"{key}\"]` raised KeyError when nothing was listed (S3 then leaves \"{key}\" out) and nothing here catches it; the translated listing is empty there and the code goes on");
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        return Ok(());
    };
    Err(cx.block(read, format!(
        "`{}` raises KeyError when nothing is listed (S3 then leaves \"{key}\" out), and the handler on line {} catches it; the translated listing is an empty list there and raises none: read it with `.get(\"{key}\", [])` and test for an empty listing by hand, then rerun",
        cx.src(read),
        cx.line(handler.start())
    )))
}

pub fn list_objects(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    // list_objects pages with Marker, which the argument check refuses.
    if call.operation == "list_objects_v2" {
        if let Some(rewrite) = token_loop(cx, index)? {
            return Ok(rewrite);
        }
    }
    check_arguments(cx, c, &[], &["Bucket", "Prefix", "MaxKeys", "Delimiter"])?;
    let bucket = cx.bucket(keyword(c, "Bucket").ok_or_else(|| cx.block(c.range(), format!("`{}` without `Bucket=`", call.operation)))?);
    let prefix = keyword(c, "Prefix").map_or("\"\"", |prefix| cx.src(prefix));
    let max_keys = keyword(c, "MaxKeys").map(|max| cx.src(max));
    let folders = delimiter(cx, keyword(c, "Delimiter"))?;
    let mut rewrite = Rewrite { missing: Some(Missing::Other), ..Rewrite::default() };
    if !cx.ctx.is_storage_module {
        return elsewhere(cx, index, &bucket, prefix, max_keys.is_some() || folders, rewrite);
    }
    let (listing, entries_key) = if folders {
        if max_keys.is_some() {
            return Err(cx.block(c.range(), "a one-page sub-folder listing (Delimiter with MaxKeys): page it by hand"));
        }
        rewrite.helpers.push(Helper::ListSubfolders);
        (format!("{}({bucket}, {prefix})", cx.helper(Helper::ListSubfolders, c.range())?), "CommonPrefixes")
    } else {
        rewrite.helpers.push(Helper::WalkObjects);
        let walk = cx.helper(Helper::WalkObjects, c.range())?;
        let limit = max_keys.map_or_else(String::new, |max| format!(", max_keys={max}"));
        (format!("list({walk}({bucket}, {prefix}{limit}))"), "Contents")
    };
    if max_keys.is_none() {
        // One call gave S3's first page only (1000 keys, or keys and sub-folders together).
        let every = if folders { "S3's 1000-entry page is not reproduced: the listing has every sub-folder" } else { "S3's 1000-key page is not reproduced: the listing has every key" };
        rewrite.notes.push(every.to_owned());
    }
    let accesses = &call.consumer.accesses;
    if accesses.is_empty() && matches!(call.consumer.context, Context::Statement) {
        rewrite.edits.push(Edit::replace(c.range(), listing));
        return Ok(rewrite);
    }
    if !accesses.is_empty() {
        let chain: Vec<(Access, &Expr)> = steps(call.consumer.outer).into_iter().skip_while(|(_, node)| node.range() != c.range()).skip(1).collect();
        if let Some(node) = reads_key(&chain, entries_key) {
            key_error(cx, index, &chain, TextRange::new(c.start(), node.end()), false, &mut rewrite.notes)?;
            rewrite.edits.push(Edit::replace(TextRange::new(c.start(), node.end()), listing));
            return Ok(rewrite);
        }
        if let (false, true, Some(node)) = (folders, counts_keys(call), reads_key(&chain, "KeyCount")) {
            rewrite.edits.push(Edit::replace(TextRange::new(c.start(), node.end()), format!("len({listing})")));
            return Ok(rewrite);
        }
        return Err(cx.block(c.range(), "the listing's response is read for fields the translation does not give (only Contents/KeyCount/CommonPrefixes)"));
    }
    let symbol = bound_once(cx, call)?;
    rewrite.edits.push(Edit::replace(c.range(), listing));
    response_reads(cx, index, symbol, folders, false, &mut rewrite)?;
    Ok(rewrite)
}

/// Whether the listing's response has `KeyCount` (list_objects' has not: reading it
/// raised `KeyError`).
fn counts_keys(call: &S3Call) -> bool {
    call.operation == "list_objects_v2"
}

/// Whether the response bound to `symbol` is tested for `key` (`"Contents" in r`,
/// `"Contents" not in r`) somewhere: the code then handles the listing without it.
fn tested_for(cx: &Cx, symbol: SymbolId, key: &str) -> bool {
    cx.uses(symbol).into_iter().any(|use_id| {
        let use_ = cx.model.use_(use_id);
        matches!(use_.context, Context::Compared { compare } if matches!(compare.left.as_ref(), Expr::StringLiteral(tested) if tested.value.to_str() == key))
    })
}

/// The name a response is bound to, bound only there.
fn bound_once(cx: &Cx, call: &S3Call) -> Result<SymbolId> {
    match call.consumer.bound {
        Some(symbol) if cx.model.scopes.symbol(symbol).sites.len() == 1 => Ok(symbol),
        _ => Err(cx.block(call.call.range(), "the listing's response is used in a way this translation does not follow; bind it to a name read for Contents/KeyCount/CommonPrefixes")),
    }
}

/// The reads of a listing's response bound to `symbol`, rewritten for a list of entries
/// (or of `{"Prefix"}` folders); `keys`: the response is the storage module's list of keys.
fn response_reads(cx: &Cx, index: usize, symbol: SymbolId, folders: bool, keys: bool, rewrite: &mut Rewrite) -> Result<()> {
    let name = cx.model.scopes.symbol(symbol).name;
    let tested = tested_for(cx, symbol, if folders { "CommonPrefixes" } else { "Contents" });
    for use_id in cx.uses(symbol) {
        let use_ = cx.model.use_(use_id);
        let chain = steps(use_.chain);
        let held = || cx.block(use_.name.range, format!("the listing's response `{name}` is read here for something the translation does not give; rewrite it by hand"));
        if folders {
            let node = reads_key(&chain, "CommonPrefixes").ok_or_else(held)?;
            key_error(cx, index, &chain, TextRange::new(use_.name.start(), node.end()), tested, &mut rewrite.notes)?;
            rewrite.edits.push(Edit::replace(TextRange::new(use_.name.start(), node.end()), name.to_owned()));
            continue;
        }
        if chain.is_empty() {
            // `"Contents" in r` / `"Contents" not in r`.
            let Context::Compared { compare } = use_.context else { return Err(held()) };
            let contents = matches!(compare.left.as_ref(), Expr::StringLiteral(key) if key.value.to_str() == "Contents");
            let negated = match compare.ops.as_ref() {
                [CmpOp::In] => false,
                [CmpOp::NotIn] => true,
                _ => return Err(held()),
            };
            if !contents || compare.comparators[0].range() != use_.name.range {
                return Err(held());
            }
            let test = matches!(use_.statement, Stmt::If(branch) if branch.test.range() == compare.range) || matches!(use_.statement, Stmt::While(each) if each.test.range() == compare.range);
            let text = match (negated, test) {
                (false, true) => name.to_owned(),
                (false, false) => format!("bool({name})"),
                (true, _) => format!("not {name}"),
            };
            rewrite.edits.push(Edit::replace(compare.range, text));
            continue;
        }
        if let Some(node) = reads_key(&chain, "Contents") {
            key_error(cx, index, &chain, TextRange::new(use_.name.start(), node.end()), tested, &mut rewrite.notes)?;
            if let (true, Context::Iterated { target }) = (keys, use_.context) {
                // `for obj in r.get("Contents", [])` reading only `obj["Key"]`: the keys themselves.
                rewrite.edits.extend(keys_iterated(cx, target).ok_or_else(held)?);
                rewrite.edits.push(Edit::replace(TextRange::new(use_.name.start(), node.end()), name.to_owned()));
                continue;
            }
            let text = if keys {
                entries_of_keys(cx, use_.context, use_.scope, name).ok_or_else(held)?
            } else {
                name.to_owned()
            };
            rewrite.edits.push(Edit::replace(TextRange::new(use_.name.start(), node.end()), text));
            continue;
        }
        if let (true, Some(node)) = (counts_keys(&cx.model.calls[index]), reads_key(&chain, "KeyCount")) {
            rewrite.edits.push(Edit::replace(TextRange::new(use_.name.start(), node.end()), format!("len({name})")));
            continue;
        }
        return Err(held());
    }
    Ok(())
}

/// A list of keys standing for `Contents` where the entries are only read for `["Key"]`:
/// passed to this file's function that iterates them and reads `["Key"]` of each.
fn entries_of_keys(cx: &Cx, context: Context, scope: ScopeId, name: &str) -> Option<String> {
    let Context::Argument { call, position: crate::model::Position::Positional(at) } = context else { return None };
    let Expr::Name(callee) = call.func.as_ref() else { return None };
    let symbol = cx.model.scopes.resolve(scope, callee.id.as_str())?;
    let [site] = cx.model.scopes.symbol(symbol).sites.as_slice() else { return None };
    let crate::model::SiteKind::Function(function) = cx.model.site(*site).kind else { return None };
    let def = cx.model.function(function);
    let parameter = def.def.parameters.args.get(at)?;
    let parameter = cx.model.scopes.local(def.scope, parameter.parameter.name.as_str())?;
    for use_id in cx.uses(parameter) {
        let use_ = cx.model.use_(use_id);
        let Context::Iterated { target } = use_.context else { return None };
        if !matches!(use_.chain, Expr::Name(_)) {
            return None;
        }
        let item = cx.symbol_at(target)?;
        for item_use in cx.uses(item) {
            let chain = steps(cx.model.use_(item_use).chain);
            if !matches!(chain.first(), Some((step, _)) if step.key() == Some("Key")) {
                return None;
            }
        }
    }
    let entries = format!("{{\"Key\": key}} for key in {name}");
    Some(if call.arguments.len() == 1 { entries } else { format!("({entries})") })
}

/// The entries of a listing iterated into `target` (a `for` or comprehension variable)
/// where each is read only for `["Key"]`: those reads become the variable itself, which
/// iterates the storage module's list of keys.
fn keys_iterated(cx: &Cx, target: &Expr) -> Option<Vec<Edit>> {
    let item = cx.symbol_at(target)?;
    if cx.model.scopes.symbol(item).sites.len() != 1 {
        return None;
    }
    let name = cx.model.scopes.symbol(item).name;
    cx.uses(item)
        .into_iter()
        .map(|use_id| {
            let use_ = cx.model.use_(use_id);
            match steps(use_.chain).first() {
                Some((step, node)) if step.key() == Some("Key") => Some(Edit::replace(TextRange::new(use_.name.start(), node.end()), name.to_owned())),
                _ => None,
            }
        })
        .collect()
}

/// Outside the storage module: through its function that lists every key below a prefix.
fn elsewhere(cx: &Cx, index: usize, bucket: &str, prefix: &str, one_page: bool, mut rewrite: Rewrite) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let storage = cx.ctx.index.storage.as_ref();
    let Some(lister) = storage.and_then(|storage| storage.key_lister()) else {
        if let Some(held) = storage.and_then(|storage| storage.key_listers.first()) {
            return Err(cx.block(c.range(), format!(
                "outside the storage module a listing goes through its function that lists every key below a prefix, and `{held}` keeps its boto3 calls after this run (the storage module's findings say why); rerun once it is translated"
            )));
        }
        return Err(cx.block(c.range(), "outside the storage module a listing goes through one of its functions, and it has none that lists every key below a prefix; add one (or move this code there), then rerun"));
    };
    if one_page {
        return Err(cx.block(c.range(), "a one-page or sub-folder listing outside the storage module: move it into the storage module, then rerun"));
    }
    let function = crate::rules::storage_access::access(cx.ctx, lister).map_err(|why| cx.block(c.range(), why))?;
    let symbol = bound_once(cx, call)?;
    rewrite.edits.push(Edit::replace(c.range(), format!("{}({bucket}, {prefix})", function.text)));
    rewrite.edits.extend(function.import);
    rewrite.notes.push(format!("the listing goes through the storage module's `{lister}`, which leaves out folder placeholders (keys ending in `/`, which Supabase does not hold)"));
    rewrite.notes.push(format!("S3's 1000-key page is not reproduced: `{lister}` gives every key below the prefix, where the one `{}` call gave at most 1000", call.operation));
    response_reads(cx, index, symbol, false, true, &mut rewrite)?;
    Ok(rewrite)
}

/// The `while True:` loop paging `list_objects_v2` with continuation tokens, as one
/// `for` over every entry (or sub-folder); `None` when the call is not in such a loop.
fn token_loop(cx: &Cx, index: usize) -> Result<Option<Rewrite>> {
    let call = &cx.model.calls[index];
    let body = match cx.function {
        Some(function) => &cx.model.function(function).def.body,
        None => &cx.model.module.body,
    };
    let Some(each) = enclosing_while(body, call.statement.range()) else { return Ok(None) };
    let c = call.call;
    let held = |range: TextRange, what: &str| cx.block(range, format!("the loop around `list_objects_v2` {what}; rewrite it as one listing by hand"));
    if !matches!(each.test.as_ref(), Expr::BooleanLiteral(literal) if literal.value) || !each.orelse.is_empty() {
        return Err(held(each.range, "is not a plain `while True:`"));
    }
    if !cx.ctx.is_storage_module {
        return Err(cx.block(c.range(), "a paged listing outside the storage module: call the storage module's listing function instead, then rerun"));
    }
    let Stmt::Assign(assign) = call.statement else { return Err(held(c.range(), "does not bind the response to a name")) };
    let [Expr::Name(response)] = assign.targets.as_slice() else { return Err(held(c.range(), "does not bind the response to a name")) };
    let response = response.id.as_str();
    // The call's arguments: `**params` or keywords.
    let params: Option<&str> = match (c.arguments.args.is_empty(), c.arguments.keywords.as_ref()) {
        (true, [keyword]) if keyword.arg.is_none() => match &keyword.value {
            Expr::Name(name) => Some(name.id.as_str()),
            _ => return Err(held(keyword.range(), "passes `**` of an expression")),
        },
        _ => None,
    };
    let mut arguments: Vec<(&str, &Expr)> = Vec::new();
    if params.is_none() {
        check_arguments(cx, c, &[], &["Bucket", "Prefix", "Delimiter", "ContinuationToken"])?;
        for keyword in c.arguments.keywords.iter() {
            arguments.push((keyword.arg.as_ref().map(|arg| arg.as_str()).unwrap_or_default(), &keyword.value));
        }
    }
    let mut rewrite = Rewrite { missing: Some(Missing::Other), ..Rewrite::default() };
    let mut token: Option<&str> = None;
    let mut consumer: Option<&StmtFor> = None;
    let mut params_dict: Option<(&ruff_python_ast::ExprDict, &Stmt)> = None;
    for stmt in &each.body {
        if stmt.range() == call.statement.range() {
            continue;
        }
        match stmt {
            Stmt::Assign(set) if matches!(set.targets.as_slice(), [Expr::Name(name)] if Some(name.id.as_str()) == params) => match set.value.as_ref() {
                Expr::Dict(dict) => params_dict = Some((dict, stmt)),
                _ => return Err(held(stmt.range(), "builds its arguments other than as a dict literal")),
            },
            Stmt::For(inner) if consumer.is_none() && is_response_read(&inner.iter, response) => consumer = Some(inner),
            _ => match control(stmt, response, params) {
                Some(name) => {
                    if name.is_some() {
                        token = name;
                    }
                }
                None => return Err(held(stmt.range(), "does more than page")),
            },
        }
    }
    let consumer = consumer.ok_or_else(|| held(each.range, "reads no Contents or CommonPrefixes"))?;
    // A params dict built before the loop.
    if let (Some(params), None) = (params, params_dict) {
        let symbol = cx.model.scopes.resolve(call.scope, params).ok_or_else(|| held(c.range(), "passes arguments the translation cannot see"))?;
        let (value, stmt) = cx.single_assignment(symbol).ok_or_else(|| held(c.range(), "binds its arguments more than once"))?;
        let Expr::Dict(dict) = value else { return Err(held(value.range(), "builds its arguments other than as a dict literal")) };
        for use_ in cx.uses(symbol) {
            if !each.range.contains_range(cx.model.use_(use_).name.range) {
                return Err(held(cx.model.use_(use_).name.range, "uses its arguments after the loop"));
            }
        }
        params_dict = Some((dict, stmt));
        rewrite.edits.push(cx.delete(stmt));
    }
    if let Some((dict, _)) = params_dict {
        for item in &dict.items {
            match &item.key {
                Some(Expr::StringLiteral(key)) if matches!(key.value.to_str(), "Bucket" | "Prefix" | "Delimiter") => arguments.push((key.value.to_str(), &item.value)),
                _ => return Err(held(item.range(), "passes an argument other than Bucket/Prefix/Delimiter")),
            }
        }
    }
    // The token variable, set to None before the loop.
    if let Some(token) = token {
        let symbol = cx.model.scopes.resolve(call.scope, token).ok_or_else(|| held(each.range, "pages with a token the translation cannot see"))?;
        for &site in &cx.model.scopes.symbol(symbol).sites {
            let site = cx.model.site(site);
            let Some((stmt, _)) = site.statement else { return Err(held(site.range, "sets its token elsewhere")) };
            if each.range.contains_range(stmt.range()) {
                continue;
            }
            match stmt {
                Stmt::Assign(set) if matches!(set.value.as_ref(), Expr::NoneLiteral(_)) => rewrite.edits.push(cx.delete(stmt)),
                _ => return Err(held(stmt.range(), "sets its token before the loop to something other than None")),
            }
        }
        for use_ in cx.uses(symbol) {
            if !each.range.contains_range(cx.model.use_(use_).name.range) {
                return Err(held(cx.model.use_(use_).name.range, "uses its token after the loop"));
            }
        }
    }
    let argument = |name: &str| arguments.iter().find(|(key, _)| *key == name).map(|(_, value)| *value);
    let bucket = cx.bucket(argument("Bucket").ok_or_else(|| held(c.range(), "passes no Bucket"))?);
    let prefix = argument("Prefix").map_or("\"\"", |prefix| cx.src(prefix));
    let folders = delimiter(cx, argument("Delimiter"))?;
    let wanted = if folders { "CommonPrefixes" } else { "Contents" };
    if !is_response_read_of(&consumer.iter, response, wanted) {
        return Err(held(consumer.iter.range(), &format!("reads {} where the call lists {wanted}", if folders { "Contents" } else { "CommonPrefixes" })));
    }
    let response_symbol = cx.model.scopes.resolve(call.scope, response);
    let tested = response_symbol.is_some_and(|symbol| tested_for(cx, symbol, wanted));
    key_error(cx, index, &steps(&consumer.iter), consumer.iter.range(), tested, &mut rewrite.notes)?;
    // The response is read only inside the loop.
    if let Some(symbol) = response_symbol {
        for use_ in cx.uses(symbol) {
            if !each.range.contains_range(cx.model.use_(use_).name.range) {
                return Err(held(cx.model.use_(use_).name.range, "reads the response after the loop"));
            }
        }
    }
    let helper = if folders { Helper::ListSubfolders } else { Helper::WalkObjects };
    let name = cx.helper(helper, c.range())?;
    rewrite.helpers.push(helper);
    let iter = consumer.iter.range();
    let text = format!(
        "{}{name}({bucket}, {prefix}){}",
        &cx.text[TextRange::new(consumer.start(), iter.start())],
        &cx.text[TextRange::new(iter.end(), consumer.end())]
    );
    if cx.comment_outside(each.range, consumer.range) {
        return Err(held(each.range, "holds comments outside its `for`, which one listing would drop"));
    }
    rewrite.edits.push(Edit::replace(each.range, one_level_left(cx, &text).ok_or_else(|| held(consumer.range, "holds text that cannot move one level left"))?));
    Ok(Some(rewrite))
}

/// A loop's inner `for` (as `text`) in place of the loop around it.
fn one_level_left(cx: &Cx, text: &str) -> Option<String> {
    (!layout::has_multiline_string(text)).then(|| layout::dedent(text, &cx.unit_indent())).flatten()
}

/// `r.get("Contents", [])` / `r["Contents"]`.
pub(super) fn reads_contents(expr: &Expr, response: &str) -> bool {
    is_response_read_of(expr, response, "Contents")
}

/// `r.get("Contents"|"CommonPrefixes", [])` / `r[...]`.
fn is_response_read(expr: &Expr, response: &str) -> bool {
    is_response_read_of(expr, response, "Contents") || is_response_read_of(expr, response, "CommonPrefixes")
}

fn is_response_read_of(expr: &Expr, response: &str, key: &str) -> bool {
    let chain = steps(expr);
    let root = match expr {
        Expr::Subscript(subscript) => subscript.value.as_ref(),
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attribute) => attribute.value.as_ref(),
            _ => return false,
        },
        _ => return false,
    };
    matches!(root, Expr::Name(name) if name.id.as_str() == response) && reads_key(&chain, key).is_some_and(|node| node.range() == expr.range())
}

/// A paging statement of the loop: `if not r.get("IsTruncated"): break`,
/// `params["ContinuationToken"] = r["NextContinuationToken"]`, `if token: params[...] = token`,
/// `if r.get("IsTruncated"): token = r.get("NextContinuationToken") else: break`,
/// `token = r.get("NextContinuationToken")`.
/// `Some(token name)` for a statement that sets a token variable, `Some(None)` for the others.
pub(super) fn control<'a>(stmt: &'a Stmt, response: &str, params: Option<&str>) -> Option<Option<&'a str>> {
    let truncated = |expr: &Expr| is_field(expr, response, "IsTruncated");
    let next = |expr: &Expr| is_field(expr, response, "NextContinuationToken");
    let sets_token_in_params = |stmt: &Stmt, value_ok: &dyn Fn(&Expr) -> bool| match stmt {
        Stmt::Assign(set) => match set.targets.as_slice() {
            [Expr::Subscript(target)] => {
                matches!(target.value.as_ref(), Expr::Name(name) if Some(name.id.as_str()) == params)
                    && matches!(target.slice.as_ref(), Expr::StringLiteral(key) if key.value.to_str() == "ContinuationToken")
                    && value_ok(&set.value)
            }
            _ => false,
        },
        _ => false,
    };
    // `token = r.get("NextContinuationToken")`: the token variable's name.
    let sets_token_variable = |stmt: &'a Stmt| -> Option<&'a str> {
        match stmt {
            Stmt::Assign(set) if next(&set.value) => match set.targets.as_slice() {
                [Expr::Name(token)] => Some(token.id.as_str()),
                _ => None,
            },
            _ => None,
        }
    };
    match stmt {
        Stmt::If(branch) => {
            let is_break = |body: &[Stmt]| matches!(body, [Stmt::Break(_)]);
            match (&*branch.test, branch.elif_else_clauses.as_slice()) {
                (Expr::UnaryOp(not), []) if not.op == ruff_python_ast::UnaryOp::Not && truncated(&not.operand) && is_break(&branch.body) => Some(None),
                (test, [other]) if truncated(test) && other.test.is_none() && is_break(&other.body) => match branch.body.as_slice() {
                    [inner] if sets_token_in_params(inner, &next) => Some(None),
                    [inner] => sets_token_variable(inner).map(Some),
                    _ => None,
                },
                (Expr::Name(token), []) => match branch.body.as_slice() {
                    [inner] if sets_token_in_params(inner, &|value| matches!(value, Expr::Name(name) if name.id == token.id)) => Some(Some(token.id.as_str())),
                    _ => None,
                },
                _ => None,
            }
        }
        other if sets_token_in_params(other, &next) => Some(None),
        // After an `if not r["IsTruncated"]: break`.
        other => sets_token_variable(other).map(Some),
    }
}

/// `r["field"]` / `r.get("field")`.
fn is_field(expr: &Expr, response: &str, field: &str) -> bool {
    match expr {
        Expr::Subscript(subscript) => {
            matches!(subscript.value.as_ref(), Expr::Name(name) if name.id.as_str() == response)
                && matches!(subscript.slice.as_ref(), Expr::StringLiteral(key) if key.value.to_str() == field)
        }
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "get" => {
                matches!(attribute.value.as_ref(), Expr::Name(name) if name.id.as_str() == response)
                    && matches!(call.arguments.args.first(), Some(Expr::StringLiteral(key)) if key.value.to_str() == field)
                    && call.arguments.args.len() == 1
            }
            _ => false,
        },
        _ => false,
    }
}

/// The `while` statement whose body holds `range` directly.
fn enclosing_while<'a>(body: &'a [Stmt], range: TextRange) -> Option<&'a StmtWhile> {
    let stmt = body.iter().find(|stmt| stmt.range().contains_range(range))?;
    fn inner<'s>(blocks: &[&'s [Stmt]], range: TextRange) -> Option<&'s StmtWhile> {
        blocks.iter().find_map(|block| enclosing_while(block, range))
    }
    let inner = |blocks: &[&'a [Stmt]]| inner(blocks, range);
    match stmt {
        Stmt::While(each) if each.body.iter().any(|inner| inner.range() == range) => Some(each),
        Stmt::While(each) => inner(&[&each.body]),
        Stmt::For(each) => inner(&[&each.body]),
        Stmt::If(branch) => {
            let mut blocks: Vec<&[Stmt]> = vec![&branch.body];
            blocks.extend(branch.elif_else_clauses.iter().map(|clause| clause.body.as_slice()));
            inner(&blocks)
        }
        Stmt::With(with) => inner(&[&with.body]),
        Stmt::Try(block) => inner(&[&block.body]),
        _ => None,
    }
}

pub fn paginate(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    check_arguments(cx, c, &[], &["Bucket", "Prefix", "Delimiter"])?;
    let held = |what: &str| cx.block(c.range(), format!("a paginator {what}; rewrite it as one listing by hand"));
    let folders = delimiter(cx, keyword(c, "Delimiter"))?;
    let Expr::Name(paginator) = call.receiver else { return Err(held("built inline")) };
    let symbol = cx.name_symbol(call.receiver, call.scope).ok_or_else(|| held("the translation cannot see"))?;
    let (value, stmt) = cx.single_assignment(symbol).ok_or_else(|| held("bound more than once"))?;
    let made = cx
        .model
        .calls
        .iter()
        .position(|other| other.call.range() == value.range() && other.operation == "get_paginator")
        .ok_or_else(|| held("made by code the translation does not follow"))?;
    // Both operations' pages hold the same Contents (and CommonPrefixes).
    if !matches!(cx.model.calls[made].call.arguments.args.first(), Some(Expr::StringLiteral(name)) if matches!(name.value.to_str(), "list_objects_v2" | "list_objects")) {
        return Err(held("of an operation other than list_objects_v2 or list_objects"));
    }
    if cx.uses(symbol).len() != 1 {
        return Err(cx.block(paginator.range, format!("`{}` is used more than once", paginator.id)));
    }
    let Context::Iterated { target } = call.consumer.context else { return Err(held("whose pages are not iterated")) };
    if !call.consumer.accesses.is_empty() {
        return Err(held("whose pages are not iterated"));
    }
    let bucket = cx.bucket(keyword(c, "Bucket").ok_or_else(|| held("without Bucket"))?);
    let prefix = keyword(c, "Prefix").map_or("\"\"", |prefix| cx.src(prefix));
    let page = cx.symbol_at(target).ok_or_else(|| held("iterated into something other than a name"))?;
    let mut rewrite = Rewrite { missing: Some(Missing::Other), consumed: vec![made], ..Rewrite::default() };
    rewrite.edits.push(cx.delete(stmt));
    if folders {
        return subfolder_pages(cx, index, page, &format!("{bucket}, {prefix}"), rewrite);
    }
    let pages = cx.helper(Helper::ListObjectPages, c.range())?;
    rewrite.helpers.push(Helper::ListObjectPages);
    rewrite.edits.push(Edit::replace(c.range(), format!("{pages}({bucket}, {prefix})")));
    let name = cx.model.scopes.symbol(page).name;
    for use_id in cx.uses(page) {
        let use_ = cx.model.use_(use_id);
        let chain = steps(use_.chain);
        let node = reads_key(&chain, "Contents").ok_or_else(|| cx.block(use_.name.range, format!("the page `{name}` is read for something other than its Contents")))?;
        key_error(cx, index, &chain, TextRange::new(use_.name.start(), node.end()), false, &mut rewrite.notes)?;
        rewrite.edits.push(Edit::replace(TextRange::new(use_.name.start(), node.end()), name.to_owned()));
    }
    Ok(rewrite)
}

/// `for page in paginator.paginate(..., Delimiter="/"): for p in page.get("CommonPrefixes", []): ...`
/// as one `for p in _list_subfolders(...)`: the helper gives every page's sub-folders.
/// A page read otherwise (its Contents: the keys of one level, which no helper gives)
/// holds the unit back.
fn subfolder_pages(cx: &Cx, index: usize, page: SymbolId, arguments: &str, mut rewrite: Rewrite) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let held = |range: TextRange, what: &str| cx.block(range, format!("the loop over a sub-folder paginator's pages {what}; rewrite it as one `for` over `_list_subfolders(...)` by hand"));
    let name = cx.model.scopes.symbol(page).name;
    let Stmt::For(outer) = call.statement else { return Err(held(c.range(), "is not a `for` statement")) };
    let ([Stmt::For(inner)], true) = (outer.body.as_slice(), outer.orelse.is_empty()) else {
        return Err(held(outer.range, &format!("does more than one `for` over `{name}.get(\"CommonPrefixes\", [])`")));
    };
    let uses = cx.uses(page);
    let chain = match uses.as_slice() {
        [only] => steps(cx.model.use_(*only).chain),
        _ => Vec::new(),
    };
    if !reads_key(&chain, "CommonPrefixes").is_some_and(|node| node.range() == inner.iter.range()) {
        return Err(held(outer.range, &format!("reads `{name}` other than as one `for` over `{name}.get(\"CommonPrefixes\", [])`")));
    }
    key_error(cx, index, &chain, inner.iter.range(), false, &mut rewrite.notes)?;
    if cx.comment_outside(outer.range, inner.range) {
        return Err(held(outer.range, "holds comments outside its inner `for`, which one loop would drop"));
    }
    let helper = cx.helper(Helper::ListSubfolders, c.range())?;
    rewrite.helpers.push(Helper::ListSubfolders);
    let text = format!("{}{helper}({arguments}){}", &cx.text[TextRange::new(inner.start(), inner.iter.start())], &cx.text[TextRange::new(inner.iter.end(), inner.end())]);
    rewrite.edits.push(Edit::replace(outer.range, one_level_left(cx, &text).ok_or_else(|| held(inner.range, "holds text that cannot move one level left"))?));
    Ok(rewrite)
}

/// Where a resource collection lists from: its bucket and prefix text. The collection's
/// and bucket's constructions are consumed; a bucket bound to a name used only here has
/// its statement deleted.
pub struct Source<'a> {
    pub bucket: &'a Expr,
    pub prefix: String,
}

pub fn collection_source<'a>(cx: &Cx<'_, 'a>, expr: &'a Expr, scope: ScopeId, rewrite: &mut Rewrite) -> Result<Source<'a>> {
    let held = |range: TextRange| cx.block(range, "a collection built by code this translation does not follow; use `Bucket(name).objects.filter(Prefix=...)`");
    let Expr::Call(collection) = expr else { return Err(held(expr.range())) };
    let at = cx.lookup.calls_at(collection.range()).find(|at| cx.model.calls[*at].kind == S3Kind::Collection && matches!(cx.model.calls[*at].operation, "filter" | "all")).ok_or_else(|| held(expr.range()))?;
    rewrite.consumed.push(at);
    let operation = cx.model.calls[at].operation;
    let prefix = if operation == "filter" {
        check_arguments(cx, collection, &[], &["Prefix"])?;
        keyword(collection, "Prefix").map_or_else(|| "\"\"".to_owned(), |prefix| cx.src(prefix).to_owned())
    } else {
        check_arguments(cx, collection, &[], &[])?;
        "\"\"".to_owned()
    };
    let Expr::Attribute(attribute) = collection.func.as_ref() else { return Err(held(expr.range())) };
    let Expr::Attribute(objects) = attribute.value.as_ref() else { return Err(held(expr.range())) };
    if objects.attr.as_str() != "objects" {
        return Err(held(expr.range()));
    }
    let bucket_node: &'a Expr = &objects.value;
    let construction = |node: &Expr| cx.resource_construction(node, "Bucket");
    let built = match bucket_node {
        Expr::Call(_) => construction(bucket_node).ok_or_else(|| held(bucket_node.range()))?,
        Expr::Name(name) => {
            let symbol = cx.name_symbol(bucket_node, scope).ok_or_else(|| held(name.range))?;
            let (value, stmt) = cx.single_assignment(symbol).ok_or_else(|| held(name.range))?;
            let built = construction(value).ok_or_else(|| held(value.range()))?;
            if cx.uses(symbol).len() != 1 {
                return Err(cx.block(name.range, format!("`{}` is used besides this listing; translate its other uses by hand", name.id)));
            }
            rewrite.edits.push(cx.delete(stmt));
            built
        }
        other => return Err(held(other.range())),
    };
    rewrite.consumed.push(built);
    let bucket = super::argument(cx.model.calls[built].call, 0, "name").ok_or_else(|| held(bucket_node.range()))?;
    Ok(Source { bucket, prefix })
}

/// A collection iterated (`for obj in bucket.objects.filter(Prefix=p)`, `sum(1 for _ in
/// ....all())`) → `_walk_objects(b, p)`, its items' attributes → the entries' keys.
pub fn collection_listing(cx: &Cx, index: usize) -> Result<Rewrite> {
    let call = &cx.model.calls[index];
    let c = call.call;
    let Context::Iterated { target } = call.consumer.context else {
        return Err(cx.block(c.range(), "a collection used other than iterated"));
    };
    let mut rewrite = Rewrite { helpers: vec![Helper::WalkObjects], missing: Some(Missing::Other), ..Rewrite::default() };
    let source = collection_source(cx, call.consumer.outer, call.scope, &mut rewrite)?;
    let walk = cx.helper(Helper::WalkObjects, c.range())?;
    rewrite.edits.push(Edit::replace(c.range(), format!("{walk}({}, {})", cx.bucket(source.bucket), source.prefix)));
    let item = cx.symbol_at(target).ok_or_else(|| cx.block(target.range(), "a collection iterated into something other than a name"))?;
    for use_id in cx.uses(item) {
        let use_ = cx.model.use_(use_id);
        let chain = steps(use_.chain);
        let key = match chain.first() {
            Some((Access::Attribute("delete"), _)) => {
                delete_listed(cx, use_, source.bucket, call.scope, &mut rewrite)?;
                continue;
            }
            Some((Access::Attribute(attribute), node)) => match *attribute {
                "key" => ("Key", *node),
                "size" => ("Size", *node),
                "last_modified" => ("LastModified", *node),
                "e_tag" => ("ETag", *node),
                _ => return Err(cx.block(use_.name.range, format!("`.{attribute}` of a listed object has no listing field; read it with `info(key)` by hand"))),
            },
            _ => return Err(cx.block(use_.name.range, "a listed object used other than for its key/size/last_modified/e_tag")),
        };
        rewrite.edits.push(Edit::replace(TextRange::new(use_.name.start(), key.1.end()), format!("{}[\"{}\"]", use_.name.id, key.0)));
    }
    Ok(rewrite)
}

/// `obj.delete()` of a listed object, alone as a statement → `_remove_objects(b, [obj["Key"]])`
/// (S3's DeleteObject; a key already gone succeeds on both). The call is consumed: the
/// unit does not translate it again.
fn delete_listed(cx: &Cx, use_: &crate::model::Use, bucket: &Expr, scope: ScopeId, rewrite: &mut Rewrite) -> Result<()> {
    let name = use_.name.id.as_str();
    let held = |what: &str| cx.block(use_.name.range, format!("`{name}.delete(...)` {what}; rewrite it by hand as `_remove_objects(bucket, [{name}[\"Key\"]])`"));
    let at = cx
        .model
        .calls
        .iter()
        .position(|other| other.call.range() == use_.chain.range() && other.kind == S3Kind::Object && other.operation == "delete")
        .ok_or_else(|| held("is not a call the translation sees"))?;
    let delete = &cx.model.calls[at];
    check_arguments(cx, delete.call, &[], &[])?;
    if !matches!(delete.consumer.context, Context::Statement) || !delete.consumer.accesses.is_empty() {
        return Err(held("has its response used"));
    }
    if !cx.stable(bucket, scope) {
        return Err(cx.block(bucket.range(), "the bucket is needed for every listed object but is not a name bound once; bind it first"));
    }
    let remove = cx.helper(Helper::RemoveObjects, delete.call.range())?;
    rewrite.helpers.push(Helper::RemoveObjects);
    rewrite.consumed.push(at);
    rewrite.edits.push(Edit::replace(delete.call.range(), format!("{remove}({}, [{name}[\"Key\"]])", cx.bucket(bucket))));
    Ok(())
}
