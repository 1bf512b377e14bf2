//! The bucket constants (`bucket-constant`): in the storage module every configured
//! bucket's constant is defined once from the environment (`SUPABASE_BUCKET_NAME =
//! os.getenv("SUPABASE_BUCKET_NAME", "<bucket>")`, one per bucket); a legacy constant
//! (`S3_BUCKET_NAME = "<bucket>"`) becomes an alias of the default bucket's constant and
//! its uses are renamed, but only when it holds that same bucket: a legacy constant of
//! another bucket is a finding with both values, never a silent retarget.

use ruff_python_ast::{Alias, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::config::BucketConstant;
use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::fix::imports::{delete_statement, insert_lines, insertion_offset, remove_import_names};
use crate::model::calls::{steps, Access};
use crate::model::{BlockId, Export, Imported, Library, ModuleRef, Scopes, Shadow, Site, SiteKind, StorageBinding, StorageBindingKind, Value};
use crate::python_syntax::string_literal;
use crate::rule::RuleId;
use crate::rules::storage_access::Refusal;
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    if ctx.is_storage_module {
        definitions(ctx, &mut findings);
    } else {
        legacy_elsewhere(ctx, &mut findings);
    }
    findings
}

fn push(findings: &mut Vec<Finding>, range: TextRange, message: String, fix: Option<Fix>) {
    findings.push(Finding { rule: RuleId::BucketConstant, severity: RuleId::BucketConstant.default_severity(), range, message, fix });
}

/// `os.getenv("VAR", "default")` as the constant's definition.
fn definition(constant: &BucketConstant) -> String {
    format!("os.getenv({}, {})", string_literal(&constant.env_var, '"'), string_literal(&constant.default, '"'))
}

/// The bucket a module-level assignment holds: a literal, or the default of an
/// environment lookup; `Err(())` when it is something else.
fn held_value<'a>(ctx: &RuleContext<'a>, value: &'a Expr) -> Result<&'a str, ()> {
    match value {
        Expr::StringLiteral(literal) => Ok(literal.value.to_str()),
        Expr::Call(call) => {
            let func = &ctx.file.text[call.func.range()];
            let lookup = matches!(func, "os.getenv" | "getenv" | "os.environ.get" | "environ.get");
            match (lookup, call.arguments.args.get(1)) {
                (true, Some(Expr::StringLiteral(default))) => Ok(default.value.to_str()),
                _ => Err(()),
            }
        }
        _ => Err(()),
    }
}

/// The module-level `NAME = value` statements of `name` (value, statement).
fn assignments<'a>(ctx: &RuleContext<'a>, name: &str) -> Vec<(&'a Expr, &'a Stmt)> {
    let scopes = &ctx.model.scopes;
    let Some(symbol) = scopes.local(Scopes::MODULE, name) else { return Vec::new() };
    scopes
        .symbol(symbol)
        .sites
        .iter()
        .filter_map(|&site| match (&scopes.site(site).kind, scopes.site(site).statement) {
            (SiteKind::Assign { value, .. }, Some((stmt, block))) if block.0 == 0 => Some((*value, stmt)),
            _ => None,
        })
        .collect()
}

fn imports_os(ctx: &RuleContext) -> bool {
    let scopes = &ctx.model.scopes;
    scopes.local(Scopes::MODULE, "os").is_some_and(|symbol| {
        scopes.symbol(symbol).sites.iter().any(|&site| matches!(scopes.site(site).kind, SiteKind::Import { imported: Imported::Module(ModuleRef::Library(Library::Os)), .. }))
    })
}

fn with_import_os(ctx: &RuleContext, mut edits: Vec<Edit>) -> Vec<Edit> {
    if !imports_os(ctx) {
        let text = &ctx.file.text;
        edits.push(insert_lines(text, insertion_offset(ctx.module, text), "import os", ctx.file.encoding.newline));
    }
    edits
}

/// What a legacy constant holds, compared with the bucket its alias would hold.
enum Legacy<'a> {
    /// It holds the default bucket: alias it and rename its uses.
    Same,
    Other(&'a str),
    /// Not a literal bucket (or not found).
    Unknown,
}

fn legacy_in_storage<'a>(ctx: &RuleContext<'a>, name: &str) -> Legacy<'a> {
    let main = &ctx.config.storage.default_bucket;
    match assignments(ctx, name).as_slice() {
        [(value, _)] => match held_value(ctx, value) {
            Ok(held) if held == main => Legacy::Same,
            Ok(held) => Legacy::Other(held),
            Err(()) => Legacy::Unknown,
        },
        _ => Legacy::Unknown,
    }
}

/// In the storage module: one definition per bucket constant, legacy constants aliased.
fn definitions(ctx: &RuleContext, findings: &mut Vec<Finding>) {
    let config = ctx.config;
    let main = config.main_bucket();
    let newline = ctx.file.encoding.newline;
    let mut defined: Vec<bool> = config
        .bucket_constants
        .iter()
        .map(|constant| {
            let found = assignments(ctx, &constant.constant);
            for (value, _) in &found {
                if let Ok(held) = held_value(ctx, value) {
                    if matches!(value, Expr::StringLiteral(_)) {
                        hardcoded_definition(ctx, constant, value, held, findings);
                    }
                }
            }
            !found.is_empty()
        })
        .collect();
    let main_constant = config.constant_of(main);
    for legacy in &config.storage.legacy_constants {
        let found = assignments(ctx, legacy);
        let [(value, stmt)] = found.as_slice() else { continue };
        if matches!(value, Expr::Name(name) if name.id.as_str() == main_constant.constant) {
            continue;
        }
        match legacy_in_storage(ctx, legacy) {
            Legacy::Same => {
                let replacement = if defined[main] {
                    format!("{legacy} = {}", main_constant.constant)
                } else {
                    defined[main] = true;
                    format!("{} = {}{newline}{legacy} = {}", main_constant.constant, definition(main_constant), main_constant.constant)
                };
                let edits = with_import_os(ctx, vec![Edit::replace(stmt.range(), replacement)]);
                let message = format!("legacy `{legacy}`: define `{}` from the environment and keep `{legacy}` as its alias", main_constant.constant);
                push(findings, stmt.range(), message, Some(Fix::safe(format!("rename {legacy} to {}", main_constant.constant), edits)));
            }
            Legacy::Other(held) => push(findings, stmt.range(), other_bucket(legacy, held, main_constant), None),
            Legacy::Unknown => {}
        }
    }
    legacy_uses_in_storage(ctx, findings);
    let missing: Vec<&BucketConstant> = config.bucket_constants.iter().zip(&defined).filter(|(_, defined)| !**defined).map(|(constant, _)| constant).collect();
    if missing.is_empty() {
        return;
    }
    let text = &ctx.file.text;
    let mut lines: Vec<String> = Vec::new();
    if !imports_os(ctx) {
        lines.push("import os".to_owned());
    }
    lines.extend(missing.iter().map(|constant| format!("{} = {}", constant.constant, definition(constant))));
    let edit = insert_lines(text, insertion_offset(ctx.module, text), &lines.join("\n"), newline);
    let names: Vec<String> = missing.iter().map(|constant| format!("`{}`", constant.constant)).collect();
    let title = if missing.len() == 1 { format!("define {}", missing[0].constant) } else { "define the bucket constants".to_owned() };
    push(findings, TextRange::empty(TextSize::default()), format!("the storage module does not define {}", names.join(", ")), Some(Fix::safe(title, vec![edit])));
}

/// `SUPABASE_BUCKET_NAME = "<bucket>"`: read it from the environment, when it is this
/// constant's bucket.
fn hardcoded_definition(ctx: &RuleContext, constant: &BucketConstant, value: &Expr, held: &str, findings: &mut Vec<Finding>) {
    let name = &constant.constant;
    if held == constant.default {
        let edits = with_import_os(ctx, vec![Edit::replace(value.range(), definition(constant))]);
        push(findings, value.range(), format!("`{name}` is hardcoded; read it from the environment"), Some(Fix::safe("read the bucket constant from the environment", edits)));
    } else {
        let message = format!(
            "`{name}` holds \"{held}\", but the configuration makes it the constant of \"{}\"; not rewritten: fix buckets.names / [buckets.constants] or the value by hand",
            constant.default
        );
        push(findings, value.range(), message, None);
    }
}

fn other_bucket(legacy: &str, held: &str, main: &BucketConstant) -> String {
    format!(
        "legacy `{legacy}` holds \"{held}\", but `{}` (which it would alias) holds \"{}\" (storage.default_bucket, else buckets.names[0]): not aliased and its uses not renamed; if \"{held}\" is the bucket to keep, list it first in buckets.names or set storage.default_bucket",
        main.constant, main.default
    )
}

/// Loads of a legacy constant in the storage module: the constant, when it is an alias.
fn legacy_uses_in_storage(ctx: &RuleContext, findings: &mut Vec<Finding>) {
    let scopes = &ctx.model.scopes;
    let main_constant = &ctx.config.constant_of(ctx.config.main_bucket()).constant;
    for legacy in &ctx.config.storage.legacy_constants {
        let Some(symbol) = scopes.local(Scopes::MODULE, legacy) else { continue };
        if !matches!(legacy_in_storage(ctx, legacy), Legacy::Same) && !is_alias(ctx, legacy, main_constant) {
            continue;
        }
        for &use_id in &scopes.symbol(symbol).uses {
            let range = ctx.model.use_(use_id).name.range;
            push(findings, range, legacy_use(legacy, main_constant), Some(Fix::safe(format!("use {main_constant}"), vec![Edit::replace(range, main_constant.clone())])));
        }
    }
}

fn legacy_use(old: &str, constant: &str) -> String {
    format!("legacy constant `{old}`; use `{constant}`")
}

/// A legacy constant outside the storage module when the storage module is not among
/// the paths (its value unknown).
fn not_among_the_paths(ctx: &RuleContext, old: &str) -> String {
    ctx.storage_missing.set(true);
    format!("legacy constant `{old}` not renamed: the storage module `{}` is not among the paths (see the note)", ctx.config.storage.module)
}

fn is_alias(ctx: &RuleContext, legacy: &str, constant: &str) -> bool {
    matches!(assignments(ctx, legacy).as_slice(), [(Expr::Name(name), _)] if name.id.as_str() == constant)
}

/// `from utils.s3_utils import S3_BUCKET_NAME [as B]`. Where the storage module's legacy
/// constant holds the bucket of the constant it aliases, the import takes that constant
/// instead, in one fix with the uses: an aliased member is renamed in the import alone;
/// a bare one at each use too, when every use would see the new name's import (already
/// imported, the legacy member leaves the import); otherwise a finding says why. Where it
/// holds another bucket, each bare use is a finding with both values (renamed, it would
/// silently address the other bucket).
fn legacy_members(ctx: &RuleContext, main: &BucketConstant, findings: &mut Vec<Finding>) {
    let model = ctx.model;
    for binding in &model.storage_bindings {
        let StorageBindingKind::Member { name } = binding.kind else { continue };
        if !ctx.config.storage.legacy_constants.iter().any(|legacy| legacy == name) {
            continue;
        }
        let site = model.site(binding.site);
        let (Some((stmt @ Stmt::ImportFrom(import), block)), SiteKind::Import { alias, .. }) = (site.statement, &site.kind) else { continue };
        let Some(member) = import.names.get(*alias) else { continue };
        let uses = &model.scopes.symbol(site.symbol).uses;
        let Some(storage) = ctx.index.storage.as_ref() else {
            push(findings, member.name.range, not_among_the_paths(ctx, name), None);
            continue;
        };
        match storage.exports.names.get(name) {
            Some(Export::Constant(held)) if *held == main.default => {}
            Some(Export::Constant(held)) => {
                for &use_id in uses {
                    push(findings, model.use_(use_id).name.range, other_bucket(name, held, main), None);
                }
                continue;
            }
            _ => continue,
        }
        let aliased = member.asname.is_some();
        let renamed = Renamed { stmt, block, member, aliased };
        match member_edits(ctx, binding, &renamed, &main.constant) {
            Ok(edits) => {
                let fix = Fix::safe(format!("use {}", main.constant), edits);
                push(findings, member.name.range, legacy_use(name, &main.constant), Some(fix.clone()));
                for &use_id in uses.iter().filter(|_| !aliased) {
                    push(findings, model.use_(use_id).name.range, legacy_use(name, &main.constant), Some(fix.clone()));
                }
            }
            Err(why) => {
                let message = format!("legacy constant `{name}` imported from the storage module; use `{}`: not renamed: {why}", main.constant);
                push(findings, member.name.range, message, None);
            }
        }
    }
}

/// The legacy member's import alias.
struct Renamed<'a> {
    stmt: &'a Stmt,
    block: BlockId,
    member: &'a Alias,
    /// `import S3_BUCKET_NAME as B`: only the imported name changes.
    aliased: bool,
}

/// The edits that import `constant` in place of the legacy member (and rename its bare
/// uses), or why they would change what some code means.
fn member_edits(ctx: &RuleContext, binding: &StorageBinding, renamed: &Renamed, constant: &str) -> Result<Vec<Edit>, String> {
    let model = ctx.model;
    let scopes = &model.scopes;
    let text = ctx.file.text.as_str();
    let line = |at: TextSize| ctx.lines.line_of(at);
    let Stmt::ImportFrom(import) = renamed.stmt else { return Err("it is not a `from ... import`".to_owned()) };
    let name = renamed.member.name.as_str();
    let rename_member = || within(text, import.range, &[Edit::replace(renamed.member.name.range, constant)]);
    if renamed.aliased {
        return Ok(rename_member());
    }
    let symbol = scopes.symbol(model.site(binding.site).symbol);
    if let Some(&other) = symbol.sites.iter().find(|&&site| site != binding.site) {
        return Err(format!("`{name}` is bound again in this file (line {}); rename it by hand", line(model.site(other).range.start())));
    }
    if let Some(all) = scopes.local(Scopes::MODULE, "__all__") {
        let named = scopes.symbol(all).sites.iter().filter_map(|&site| model.site(site).statement).any(|(stmt, _)| {
            let listed = &text[stmt.range()];
            listed.contains(&format!("\"{name}\"")) || listed.contains(&format!("'{name}'"))
        });
        if named {
            return Err(format!("`__all__` names `{name}`, so other modules may import it from this one; rename it by hand there and here"));
        }
    }
    if let Some(importer) = ctx.importer_of(name) {
        return Err(format!("{} imports `{name}` from this file (line {}); import it from the storage module there, then rerun", importer.by, importer.line));
    }
    // The constant's own import, when the file has it already (`from <storage> import SUPABASE_BUCKET_NAME`).
    let existing = model.storage_bindings.iter().find(|other| other.kind == StorageBindingKind::Member { name: constant } && other.local == constant);
    let expected = |site: &Site| existing.is_some_and(|existing| std::ptr::eq(site, model.site(existing.site)));
    if let Some(bound) = scopes.local(Scopes::MODULE, constant) {
        if let Some(&other) = scopes.symbol(bound).sites.iter().find(|&&site| !expected(model.site(site))) {
            let shadow = Shadow::Rebound { at: model.site(other).range };
            return Err(Refusal::Shadowed { name: constant.to_owned(), shadow }.describe(ctx, constant));
        }
    }
    let mut edits = Vec::new();
    for &use_id in &symbol.uses {
        let use_ = model.use_(use_id);
        scopes
            .free_for(use_.scope, use_.name.range.start(), constant, expected)
            .map_err(|shadow| Refusal::Shadowed { name: constant.to_owned(), shadow }.describe(ctx, constant))?;
        edits.push(Edit::replace(use_.name.range, constant));
    }
    edits.extend(match existing {
        None => rename_member(),
        Some(_) if import.names.len() == 1 => vec![delete_statement(text, import.range, model.blocks[renamed.block.0 as usize].len() == 1)],
        Some(_) => {
            let aliases: Vec<TextRange> = import.names.iter().map(Ranged::range).collect();
            let remove: Vec<bool> = import.names.iter().map(|alias| alias.range == renamed.member.range).collect();
            within(text, import.range, &remove_import_names(text, &aliases, &remove))
        }
    });
    Ok(edits)
}

/// One edit replacing `range` by its text with `edits` (inside it) made: a fix changing
/// one name of an import statement then conflicts with every other fix on that statement
/// (two renamed in one pass could leave it with no name, or the same name twice).
fn within(text: &str, range: TextRange, edits: &[Edit]) -> Vec<Edit> {
    if !edits.iter().all(|edit| range.contains_range(edit.range)) {
        return edits.to_vec();
    }
    let mut replaced = String::new();
    let mut at = range.start();
    for edit in edits {
        replaced.push_str(&text[TextRange::new(at, edit.start())]);
        replaced.push_str(&edit.content);
        at = edit.end();
    }
    replaced.push_str(&text[TextRange::new(at, range.end())]);
    vec![Edit::replace(range, replaced)]
}

/// `s3_utils.S3_BUCKET_NAME` in other files: renamed when the storage module's legacy
/// constant holds the default bucket (or already aliases its constant).
fn legacy_elsewhere(ctx: &RuleContext, findings: &mut Vec<Finding>) {
    let legacy_names = &ctx.config.storage.legacy_constants;
    if legacy_names.is_empty() || ctx.model.storage_bindings.is_empty() {
        return;
    }
    let main = ctx.config.constant_of(ctx.config.main_bucket());
    let model = ctx.model;
    legacy_members(ctx, main, findings);
    for use_ in &model.uses {
        // How many attribute steps reach the module: `s3_utils.X` one, `utils.s3_utils.X` two.
        let depth = match use_.value {
            Value::Module(ModuleRef::Storage) => 0,
            Value::Dotted { .. } => match model.storage_bindings.iter().find(|binding| use_.symbol == Some(model.site(binding.site).symbol)) {
                Some(binding) => match binding.kind {
                    crate::model::StorageBindingKind::Module { reference } => reference.matches('.').count(),
                    crate::model::StorageBindingKind::Member { .. } => continue,
                },
                None => continue,
            },
            _ => continue,
        };
        let chain = steps(use_.chain);
        let Some((Access::Attribute(name), Expr::Attribute(attribute))) = chain.get(depth) else { continue };
        if !legacy_names.iter().any(|legacy| legacy == name) {
            continue;
        }
        let range = attribute.attr.range;
        let old = &ctx.file.text[range];
        let held = ctx.index.storage.as_ref().and_then(|storage| storage.exports.names.get(*name));
        match held {
            Some(Export::Constant(held)) if *held == main.default => {
                push(findings, range, legacy_use(old, &main.constant), Some(Fix::safe(format!("use {}", main.constant), vec![Edit::replace(range, main.constant.clone())])));
            }
            Some(Export::Constant(held)) => push(findings, range, other_bucket(old, held, main), None),
            _ if ctx.index.storage.is_none() => push(findings, range, not_among_the_paths(ctx, old), None),
            _ => {}
        }
    }
}
