//! boto3 itself: the S3 clients (and sessions, resources, buckets, paginators) code
//! builds (`boto3-client`) and the imports of boto3, aioboto3 and botocore
//! (`boto3-import`), read from the model's S3 values and their uses.
//!
//! Design: a boto3 object is removed only once nothing uses it. Until its calls are
//! translated (by hand, or by the call translation) it stays where it is, so every
//! intermediate state of the code base still imports and runs, and `check` fails on each
//! remaining use. A binding whose uses all lie in statements being removed is removed too
//! (a session feeding only a removed client), then the imports that fed only removed
//! statements; all of that is one fix. Other AWS services are not S3: an import used only
//! for them, and their clients, get nothing.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::fix::imports::{delete_statement, insert_lines, insertion_offset, line_end_after, remove_import_names};
use crate::model::calls::steps;
use crate::model::{BlockId, Context, FileModel, Imported, Library, ModuleRef, S3Kind, Scopes, SiteKind, SymbolId, UseId, Value};
use crate::python_syntax::string_literal;
use crate::range_set::RangeSet;
use crate::rule::RuleId;
use crate::rules::storage_access::FileAccess;
use crate::project_index::Importer;
use crate::rules::RuleContext;
use crate::source::LineIndex;

/// Where a binding comes from.
#[derive(Clone, Copy, Debug)]
enum Def<'a> {
    /// `name = <construction>` or `x.attr = <construction>`: removable when `removable`.
    Statement { stmt: &'a Stmt, block: BlockId, removable: bool },
    /// One alias of an import statement.
    Import { stmt: &'a Stmt, alias: usize, block: BlockId },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Held {
    /// A boto3 object (not s3fs: that is `s3fs-usage`).
    Object(S3Kind),
    /// A name imported from boto3, aioboto3 or botocore (not botocore.exceptions).
    Boto,
    /// A name imported from the storage module (it may only feed a client).
    StorageMember,
}

struct Binding<'a> {
    /// `s3`, `self.s3`, `boto3`.
    display: String,
    held: Held,
    defs: Vec<Def<'a>>,
    uses: Vec<TextRange>,
    /// Uses that are about S3 (an import used only for other services has none).
    s3_uses: usize,
    /// The storage module's module-level client, which the Supabase client replaces.
    storage_client: bool,
    /// Public and reachable from other modules (a module-level or class name, a public
    /// attribute), where this file cannot see every use: never removed automatically.
    /// Not for the storage module's module-level objects, whose other uses the run knows.
    exported: bool,
    /// The storage module's, and other files of the run still use it: never removed.
    reached: bool,
    /// The class of an attribute (`S3ContextManager` for `self.s3`).
    class: Option<&'a str>,
}

pub fn check(ctx: &RuleContext) -> Vec<Finding> {
    let model = ctx.model;
    let call_roots = model.calls.iter().map(|call| call.root).collect();
    let mut checker = Checker { ctx, model, call_roots, bindings: Vec::new(), findings: Vec::new() };
    checker.collect_bindings();
    // The storage module is always checked (its AWS credential lines go unless kept).
    let credentials_to_drop = ctx.is_storage_module && !ctx.config.client.keep_aws_credentials;
    if checker.bindings.is_empty() && !credentials_to_drop {
        return Vec::new();
    }
    checker.finish()
}

struct Checker<'c, 'a> {
    ctx: &'c RuleContext<'a>,
    model: &'c FileModel<'a>,
    /// The uses that are the root of an S3 call's chain.
    call_roots: HashSet<UseId>,
    bindings: Vec<Binding<'a>>,
    findings: Vec<Finding>,
}

/// An S3 object (or a session) kept here; s3fs objects belong to `s3fs-usage`.
fn held_object(value: Value) -> Option<S3Kind> {
    match value {
        Value::S3(kind, _) if !matches!(kind, S3Kind::FileSystem | S3Kind::Exceptions | S3Kind::Meta) => Some(kind),
        _ => None,
    }
}

impl<'a> Checker<'_, 'a> {
    fn text(&self, range: TextRange) -> &str {
        &self.ctx.file.text[range]
    }

    fn module_binds(&self, name: &str) -> bool {
        self.model.scopes.local(Scopes::MODULE, name).is_some()
    }

    fn suppressed(&self, rule: RuleId, offset: TextSize) -> bool {
        self.ctx.suppressions.is_suppressed(rule, self.ctx.lines.line_of(offset))
    }

    /// Whether a use is about S3: its chain reaches an S3 object (`boto3.client("s3")`,
    /// `session.client("s3")`), or hands a session to one that does.
    fn s3_use(&self, use_id: UseId, relevant_sessions: &BTreeSet<SymbolId>) -> bool {
        let use_ = self.model.use_(use_id);
        match use_.chain_value {
            Value::S3(S3Kind::Session, _) => match use_.context {
                Context::Assigned { targets: [Expr::Name(target)], .. } => {
                    self.model.scopes.resolve(use_.scope, target.id.as_str()).is_some_and(|symbol| relevant_sessions.contains(&symbol))
                }
                _ => false,
            },
            value => held_object(value).is_some() || self.feeds_s3_call(use_id),
        }
    }

    /// The use is the root of a chain holding an S3 call (`boto3.client("s3").put_object(...)`).
    fn feeds_s3_call(&self, use_id: UseId) -> bool {
        self.call_roots.contains(&use_id)
    }

    fn collect_bindings(&mut self) {
        let model = self.model;
        let scopes = &model.scopes;
        // Sessions that make S3 objects.
        let mut relevant_sessions: BTreeSet<SymbolId> = BTreeSet::new();
        for (index, symbol) in scopes.symbols.iter().enumerate() {
            if matches!(model.symbol_value(SymbolId(index as u32)), Value::S3(S3Kind::Session, _))
                && symbol.uses.iter().any(|&use_id| held_object(model.use_(use_id).chain_value).is_some_and(|kind| kind != S3Kind::Session) || self.feeds_s3_call(use_id))
            {
                relevant_sessions.insert(SymbolId(index as u32));
            }
        }
        for (index, symbol) in scopes.symbols.iter().enumerate() {
            let id = SymbolId(index as u32);
            let scope_kind = scopes.scope(symbol.scope).kind;
            let value = model.symbol_value(id);
            let import_of = symbol.sites.iter().find_map(|&site| match scopes.site(site).kind {
                SiteKind::Import { imported, .. } => Some(imported),
                _ => None,
            });
            let held = match (held_object(value), import_of) {
                (Some(S3Kind::Session), _) if !relevant_sessions.contains(&id) => continue,
                (Some(kind), None) => Held::Object(kind),
                (_, Some(imported)) if is_boto(imported) => Held::Boto,
                (_, Some(Imported::Member(ModuleRef::Storage, _))) if symbol.scope == Scopes::MODULE => Held::StorageMember,
                _ => continue,
            };
            let mut defs = Vec::new();
            let mut fixed = false;
            for &site in &symbol.sites {
                let entry = scopes.site(site);
                match (&entry.kind, entry.statement) {
                    (SiteKind::Import { alias, .. }, Some((stmt, block))) => defs.push(Def::Import { stmt, alias: *alias, block }),
                    (SiteKind::Assign { value: assigned, .. }, Some((stmt, block))) if held_object(model.site_value(site)).is_some() && !is_multi_target(stmt) => {
                        defs.push(Def::Statement { stmt, block, removable: simple(model, assigned) })
                    }
                    (SiteKind::Assign { .. }, _) if model.site_value(site) == Value::None => {}
                    _ => fixed = true,
                }
            }
            if fixed || defs.is_empty() {
                // A parameter, a loop target, `del`, a global set elsewhere: nothing to remove.
                if let Held::Object(_) = held {
                    if defs.is_empty() {
                        continue;
                    }
                }
            }
            let mut uses: Vec<TextRange> = symbol.uses.iter().map(|&use_id| model.use_(use_id).name.range).collect();
            // A class body's name is read as an attribute of the class or of its instances
            // (`Storage.s3`, `self.s3`) too.
            let class = scopes.scope(symbol.scope).class.filter(|_| scope_kind == crate::model::ScopeKind::Class);
            if let Some(class) = class {
                for attribute in model.attributes.iter().filter(|attribute| attribute.class == class && attribute.name == symbol.name) {
                    uses.extend(attribute_reads(model, attribute));
                }
            }
            let s3_uses = match held {
                Held::Boto => symbol.uses.iter().filter(|&&use_id| self.s3_use(use_id, &relevant_sessions)).count(),
                _ => uses.len(),
            };
            let storage_client = self.ctx.is_storage_module
                && symbol.scope == Scopes::MODULE
                && held == Held::Object(S3Kind::Client)
                && !self.bindings.iter().any(|binding| binding.storage_client)
                && matches!(defs.first(), Some(Def::Statement { stmt, block, .. }) if block.0 == 0 && self.replaced_by_supabase(stmt));
            // The storage module runs after every other file, so for its module-level
            // objects the run knows which ones other files still name (`reached`): the
            // others go once their own uses are translated, the storage client with them.
            let storage_object = self.ctx.is_storage_module && symbol.scope == Scopes::MODULE;
            let reached = storage_object && self.ctx.index.storage.as_ref().is_some_and(|storage| storage.demand.reached.contains(symbol.name));
            // A module-level import is public too: another file may import it from here.
            let exported = (!storage_object || reached)
                && match held {
                    Held::Object(_) => matches!(scope_kind, crate::model::ScopeKind::Module | crate::model::ScopeKind::Class),
                    Held::Boto => scope_kind == crate::model::ScopeKind::Module,
                    Held::StorageMember => false,
                }
                && !symbol.name.starts_with('_');
            let class = class.map(|class| model.classes[class.0 as usize].def.name.as_str());
            let mut binding = Binding { display: symbol.name.to_owned(), held, defs, uses, s3_uses, storage_client, exported, reached, class };
            if fixed {
                // Keep it: record a use no removal covers.
                binding.uses.push(TextRange::empty(TextSize::default()));
            }
            self.bindings.push(binding);
        }
        for attribute in &model.attributes {
            let Some(kind) = held_object(attribute.value) else { continue };
            if kind == S3Kind::Session && !attribute.uses.iter().any(|&use_id| self.feeds_s3_call(use_id)) {
                continue;
            }
            let defs: Vec<Def<'a>> = attribute
                .stores
                .iter()
                .filter_map(|&index| {
                    let store = &model.attribute_stores[index];
                    let value = store.value?;
                    let (stmt, block) = store.statement;
                    Some(Def::Statement { stmt, block, removable: simple(model, value) })
                })
                .collect();
            let uses: Vec<TextRange> = attribute_reads(model, attribute).collect();
            let s3_uses = uses.len();
            let class_body_only = attribute.stores.is_empty();
            if class_body_only {
                continue;
            }
            self.bindings.push(Binding {
                display: format!("self.{}", attribute.name),
                held: Held::Object(kind),
                defs,
                uses,
                s3_uses,
                storage_client: false,
                exported: !attribute.name.starts_with('_'),
                reached: false,
                class: Some(model.classes[attribute.class.0 as usize].def.name.as_str()),
            });
        }
    }

    /// Whether `stmt`, a client assigned in the storage module, is the one the Supabase
    /// client replaces: directly in the module body (not in an `if` or `try`, where the
    /// new lines would need that block's indentation), and, once the Supabase client
    /// exists, the statement right before the lines this rule added beside it.
    fn replaced_by_supabase(&self, stmt: &Stmt) -> bool {
        let body = &self.ctx.module.body;
        let Some(at) = body.iter().position(|top| top.range() == stmt.range()) else { return false };
        let client = &self.ctx.config.client;
        if !(self.module_binds(&client.client_name) && self.module_binds(&client.storage_name)) {
            return true;
        }
        let ours = [&client.url_env, &client.key_env, &client.client_name, &client.storage_name];
        let target = match body.get(at + 1) {
            Some(Stmt::Assign(assign)) => assign.targets.first(),
            Some(Stmt::AnnAssign(assign)) => Some(assign.target.as_ref()),
            _ => None,
        };
        matches!(target, Some(Expr::Name(name)) if ours.iter().any(|ours| ours.as_str() == name.id.as_str()))
    }

    /// How this file reaches the Supabase storage client (for messages).
    fn storage_reference(&self) -> String {
        FileAccess::new(self.ctx).text_of(&self.ctx.config.client.storage_name)
    }

    /// Another file that imports this module-level object by name (`from aws import s3`)
    /// or reads it on this module (`aws.s3`), or reads this class attribute on the class
    /// it imports (`Storage.s3`, `Storage().s3`), with what it reads. The storage module
    /// knows its users otherwise (`reached`). Before every file is read, the file waits
    /// for it.
    fn importer(&self, binding: &Binding) -> Option<(&Importer, String)> {
        if self.ctx.is_storage_module {
            return None;
        }
        let read = match binding.class {
            Some(class) => format!("{class}.{}", binding.display.rsplit('.').next().unwrap_or(&binding.display)),
            None => binding.display.clone(),
        };
        self.ctx.importer_of(&read).map(|importer| (importer, read))
    }

    // ----- results -----

    fn finish(mut self) -> Vec<Finding> {
        let removed = self.removal_plan();
        let mut removed_ranges: Vec<TextRange> = Vec::new();
        for &id in &removed {
            for def in &self.bindings[id].defs {
                if let Def::Statement { stmt, .. } = def {
                    removed_ranges.push(stmt.range());
                }
            }
        }
        let removed_ranges = RangeSet::new(removed_ranges);
        let inside_removed = |range: &TextRange| removed_ranges.contains_range(*range);
        let removed_imports: BTreeSet<usize> = self
            .bindings
            .iter()
            .enumerate()
            .filter(|(_, binding)| match binding.held {
                Held::Object(_) => false,
                Held::StorageMember => !binding.uses.is_empty() && binding.uses.iter().all(inside_removed),
                Held::Boto => {
                    binding.uses.iter().all(inside_removed)
                        && !(binding.exported && self.importer(binding).is_some())
                        && binding.defs.iter().all(|def| match def {
                            Def::Import { stmt, alias, .. } => {
                                let at = import_alias_range(stmt, *alias).unwrap_or(stmt.range()).start();
                                !self.suppressed(RuleId::Boto3Import, at)
                            }
                            Def::Statement { .. } => true,
                        })
                }
            })
            .map(|(id, _)| id)
            .collect();
        let plan_fix = self.plan_fix(&removed, &removed_imports);
        let storage = self.storage_reference();

        let mut findings = std::mem::take(&mut self.findings);
        for (id, binding) in self.bindings.iter().enumerate() {
            let Held::Object(kind) = binding.held else { continue };
            for def in &binding.defs {
                let Def::Statement { stmt, removable, block } = def else { continue };
                let range = stmt.range();
                let name = &binding.display;
                // Removed alone (an unsafe fix), the last statement of a class body leaves `pass`.
                let alone = self.model.blocks[block.0 as usize].len() == 1;
                let (message, fix) = if removed.contains(&id) {
                    let message = if binding.storage_client {
                        format!("{} `{name}`: replace it with the Supabase client", kind.noun())
                    } else {
                        format!("{} `{name}` is no longer used; remove it", kind.noun())
                    };
                    (message, plan_fix.clone())
                } else if binding.exported && binding.reached && binding.uses.iter().all(inside_removed) {
                    // Other files are known to use it: removing it would break them.
                    let message = format!(
                        "{} `{name}` has no use left here, but other files of this run still name it; translate their uses (boto3-call), then rerun to remove it",
                        kind.noun()
                    );
                    (message, None)
                } else if let Some((importer, read)) = (binding.exported && binding.uses.iter().all(inside_removed)).then(|| self.importer(binding)).flatten() {
                    // Removing it would break the file that imports it.
                    let how = if binding.class.is_some() { format!("reads it as `{read}`") } else { "imports it".to_owned() };
                    let message = format!(
                        "{} `{name}` has no use left here, but {} {how} (line {}); translate its uses there (boto3-call), then rerun to remove it",
                        kind.noun(),
                        importer.by,
                        importer.line
                    );
                    (message, None)
                } else if binding.exported && binding.uses.iter().all(inside_removed) {
                    let edits = vec![delete_statement(&self.ctx.file.text, range, alone)];
                    let message = match binding.class {
                        // The model follows instances within this file only.
                        Some(class) => {
                            let attribute = name.rsplit('.').next().unwrap_or(name);
                            format!(
                                "{} `{name}` has no use left here, but it is a public attribute of class `{class}`, and code in other files holding an instance may read `.{attribute}` (the model does not follow instances across files): once no file reads it, apply with --unsafe-fixes (removes it), remove it by hand, or rename it `_{attribute}` here and rerun",
                                kind.noun()
                            )
                        }
                        None => format!(
                            "{} `{name}` has no use left here, but other modules may reach it: unsafe fix (removes it; applied with --unsafe-fixes), or remove it by hand once none does",
                            kind.noun()
                        ),
                    };
                    (message, Some(Fix::unsafe_edits(format!("remove {name}"), tidy_blank_lines(&self.ctx.file.text, edits))))
                } else if !removable && binding.uses.is_empty() {
                    let edits = vec![delete_statement(&self.ctx.file.text, range, alone)];
                    (
                        format!(
                            "{} `{name}` is built with arguments that call other code: unsafe fix (removing it also drops those calls; applied with --unsafe-fixes), or remove it by hand",
                            kind.noun()
                        ),
                        Some(Fix::unsafe_edits(format!("remove {name}"), tidy_blank_lines(&self.ctx.file.text, edits))),
                    )
                } else if binding.uses.iter().all(inside_removed) && binding.storage_client && self.supabase_setup().is_err() {
                    // The Supabase client replaces it, and cannot be set up (that finding says why).
                    (format!("{} `{name}` has no use left, but stays until the Supabase client that replaces it can be set up (see the other finding here); then rerun", kind.noun()), None)
                } else if binding.uses.iter().all(inside_removed) {
                    (format!("{} `{name}` is unused but kept by a suppression comment", kind.noun()), None)
                } else {
                    let left: Vec<TextSize> = binding.uses.iter().filter(|range| !inside_removed(range) && !range.is_empty()).map(|range| range.start()).collect();
                    let beside = if binding.storage_client { "; the Supabase client is set up beside it" } else { "" };
                    let message = if left.is_empty() {
                        format!("{} `{name}` is bound elsewhere too (a parameter, a loop, `del` or `global`); remove it by hand once nothing uses it{beside}", kind.noun())
                    } else {
                        format!(
                            "{} `{name}` is still used on {}{beside}; translate those uses (boto3-call), then rerun to remove it",
                            kind.noun(),
                            lines_text(self.ctx.lines, &left)
                        )
                    };
                    (message, None)
                };
                findings.push(finding(RuleId::Boto3Client, range, message, fix));
            }
        }
        self.findings = findings;

        if self.ctx.is_storage_module && !self.ctx.config.client.keep_aws_credentials {
            self.aws_credentials();
        }

        // The storage module's Supabase client, beside an S3 client that is still used.
        if let Some(id) = self.bindings.iter().position(|binding| binding.storage_client) {
            if !removed.contains(&id) {
                if let Some(stmt) = self.bindings[id].defs.iter().find_map(|def| match def {
                    Def::Statement { stmt, .. } => Some(*stmt),
                    Def::Import { .. } => None,
                }) {
                    self.supabase_beside(stmt);
                }
            }
        }

        // The statements of S3 objects kept although nothing uses them (exported, or
        // kept by a suppression), with their names.
        let kept_unused: Vec<(TextRange, &str)> = self
            .bindings
            .iter()
            .enumerate()
            .filter(|(id, binding)| matches!(binding.held, Held::Object(_)) && !removed.contains(id) && binding.uses.iter().all(inside_removed))
            .flat_map(|(_, binding)| binding.defs.iter().filter_map(|def| match def {
                Def::Statement { stmt, .. } => Some((stmt.range(), binding.display.as_str())),
                Def::Import { .. } => None,
            }))
            .collect();
        for (id, binding) in self.bindings.iter().enumerate() {
            if binding.held == Held::StorageMember || matches!(binding.held, Held::Object(_)) {
                continue;
            }
            for def in &binding.defs {
                let Def::Import { stmt, alias, .. } = def else { continue };
                let range = import_alias_range(stmt, *alias).unwrap_or(stmt.range());
                let name = &binding.display;
                if removed_imports.contains(&id) {
                    self.findings.push(finding(RuleId::Boto3Import, range, format!("`{name}` is no longer used; remove the import"), plan_fix.clone()));
                } else if let Some((importer, _)) = (binding.exported && binding.uses.iter().all(inside_removed)).then(|| self.importer(binding)).flatten() {
                    // A re-export: removing it would break the file that imports it from here.
                    let message = format!("`{name}` has no use left here, but {} imports it from this file (line {}); import it from its own module there, then rerun to remove it", importer.by, importer.line);
                    self.findings.push(finding(RuleId::Boto3Import, range, message, None));
                } else if binding.uses.iter().all(inside_removed) {
                    self.findings.push(finding(RuleId::Boto3Import, range, format!("`{name}` is unused but kept by a suppression comment"), None));
                } else if binding.s3_uses > 0 {
                    let left: Vec<&TextRange> = binding.uses.iter().filter(|range| !inside_removed(range)).collect();
                    let lines = lines_text(self.ctx.lines, &left.iter().map(|range| range.start()).collect::<Vec<_>>());
                    // Uses only in objects that have no use left but stay (their own
                    // findings say why): the import goes with them, nothing else to migrate.
                    let holders: BTreeSet<&str> = left.iter().filter_map(|range| kept_unused.iter().find(|(stmt, _)| stmt.contains_range(**range)).map(|(_, name)| *name)).collect();
                    let message = if !holders.is_empty() && left.iter().all(|range| kept_unused.iter().any(|(stmt, _)| stmt.contains_range(**range))) {
                        let holders: Vec<String> = holders.iter().map(|name| format!("`{name}`")).collect();
                        let (which, them) = if holders.len() == 1 { ("which has no use left but stays (see its finding)", "it") } else { ("which have no use left but stay (see their findings)", "them") };
                        format!("`{name}` is used only to build {} ({lines}), {which}; the import goes with {them}", crate::rules::and_list(&holders))
                    } else {
                        format!("`{name}` is still used on {lines}; migrate those uses, then rerun to remove the import")
                    };
                    self.findings.push(finding(RuleId::Boto3Import, range, message, None));
                }
            }
        }
        let _ = storage;
        self.inline_constructions(&removed_ranges);
        self.findings.sort_by_key(|finding| (finding.range.start(), finding.range.end(), finding.rule));
        self.findings
    }

    /// S3 objects built and used in one expression (`boto3.client("s3").put_object(...)`,
    /// a factory's `return boto3.client("s3")`): nothing binds them to remove.
    fn inline_constructions(&mut self, removed: &RangeSet) {
        let model = self.model;
        let mut seen: BTreeSet<(TextSize, TextSize)> = BTreeSet::new();
        for (index, use_) in model.uses.iter().enumerate() {
            let from_library = matches!(use_.value, Value::Module(ModuleRef::Library(library)) if library.is_boto()) || matches!(use_.value, Value::Factory(_));
            if !from_library || removed.contains_range(use_.name.range) {
                continue;
            }
            let bound = matches!(use_.context, Context::Assigned { targets: [Expr::Name(_) | Expr::Attribute(_)], .. }) || matches!(use_.context, Context::WithItem { .. });
            // A construction that is the receiver of a call is covered by that call's finding.
            let range = (held_object(use_.chain_value).is_some_and(|kind| kind != S3Kind::Session) && !bound && !self.call_roots.contains(&UseId(index as u32))).then(|| use_.chain.range());
            let Some(range) = range else { continue };
            if !seen.insert((range.start(), range.end())) {
                continue;
            }
            let text = first_line(self.text(range));
            self.findings.push(finding(
                RuleId::Boto3Client,
                range,
                format!("`{text}` builds a boto3 object inline; use the storage module's Supabase `{}` instead", self.ctx.config.client.storage_name),
                None,
            ));
        }
    }

    /// Bindings whose every use lies in statements being removed, to a fixpoint.
    fn removal_plan(&self) -> BTreeSet<usize> {
        let mut removed: BTreeSet<usize> = BTreeSet::new();
        let mut ranges: Vec<TextRange> = Vec::new();
        loop {
            let mut changed = false;
            for (id, binding) in self.bindings.iter().enumerate() {
                if removed.contains(&id) || binding.exported || !matches!(binding.held, Held::Object(_)) {
                    continue;
                }
                // A construction whose finding is suppressed is kept, with what it uses.
                let removable = !binding.defs.is_empty()
                    && binding.defs.iter().all(|def| match def {
                        Def::Statement { removable: true, stmt, .. } => !self.suppressed(RuleId::Boto3Client, stmt.start()),
                        _ => false,
                    });
                let unused = binding.uses.iter().all(|range| ranges.iter().any(|removed| removed.contains_range(*range)));
                if removable && unused {
                    if binding.storage_client && self.supabase_setup().is_err() {
                        continue;
                    }
                    removed.insert(id);
                    ranges.extend(binding.defs.iter().filter_map(|def| match def {
                        Def::Statement { stmt, .. } => Some(stmt.range()),
                        Def::Import { .. } => None,
                    }));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        removed
    }

    /// One fix removing every statement and import of the plan; a block that would
    /// become empty keeps `pass`.
    fn plan_fix(&self, removed: &BTreeSet<usize>, imports: &BTreeSet<usize>) -> Option<Fix> {
        let text = &self.ctx.file.text;
        // Whole statements to delete, by block; the storage client is replaced instead.
        let mut whole: Vec<(TextRange, BlockId)> = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        for &id in removed {
            for def in &self.bindings[id].defs {
                let Def::Statement { stmt, block, .. } = def else { continue };
                if self.bindings[id].storage_client {
                    let (lines, imports_needed) = self.supabase_setup().ok()?;
                    let newline = self.ctx.file.encoding.newline;
                    if lines.is_empty() {
                        whole.push((stmt.range(), *block));
                    } else {
                        edits.push(Edit::replace(stmt.range(), lines.join(newline)));
                    }
                    edits.extend(imports_needed);
                } else {
                    whole.push((stmt.range(), *block));
                }
            }
        }
        // Import statements: all aliases removed → whole; else take names out.
        let mut by_statement: BTreeMap<TextSize, (&Stmt, BlockId, BTreeSet<usize>)> = BTreeMap::new();
        for &id in imports {
            for def in &self.bindings[id].defs {
                let Def::Import { stmt, alias, block } = def else { continue };
                by_statement.entry(stmt.start()).or_insert((stmt, *block, BTreeSet::new())).2.insert(*alias);
            }
        }
        for (stmt, block, aliases) in by_statement.into_values() {
            let all: Vec<TextRange> = import_aliases(stmt);
            if aliases.len() == all.len() {
                whole.push((stmt.range(), block));
            } else {
                let remove: Vec<bool> = (0..all.len()).map(|index| aliases.contains(&index)).collect();
                edits.extend(remove_import_names(text, &all, &remove));
            }
        }
        if whole.is_empty() && edits.is_empty() {
            return None;
        }
        let mut per_block: BTreeMap<BlockId, usize> = BTreeMap::new();
        for (_, block) in &whole {
            *per_block.entry(*block).or_insert(0) += 1;
        }
        whole.sort_by_key(|(range, _)| range.start());
        let mut kept_pass: BTreeSet<BlockId> = BTreeSet::new();
        for (range, block) in whole {
            let emptied = self.model.blocks[block.0 as usize].len() == per_block[&block];
            let keep = emptied && kept_pass.insert(block);
            // The module itself may become empty: no `pass` needed there.
            let keep = keep && block.0 != 0;
            edits.push(delete_statement(text, range, keep));
        }
        Some(Fix::safe("remove boto3 clients and imports nothing uses", tidy_blank_lines(text, disjoint(text, edits))))
    }

    /// The Supabase setup lines the storage module lacks, and the imports they need; an
    /// error when a name they would bind is taken by something else.
    fn supabase_setup(&self) -> Result<(Vec<String>, Vec<Edit>), String> {
        let client = &self.ctx.config.client;
        let module = self.ctx.module;
        if let Some(why) = setup_conflict(client, &module.body, &self.ctx.file.text, |name| self.module_binds(name)) {
            return Err(why);
        }
        let mut lines = Vec::new();
        for (constant, env) in [(&client.url_env, &client.url_env), (&client.key_env, &client.key_env)] {
            if !self.module_binds(constant.as_str()) {
                lines.push(format!("{constant} = os.getenv({})", string_literal(env, '"')));
            }
        }
        let mut wanted: Vec<&str> = Vec::new();
        if module_assignment(&module.body, &client.client_name).is_none() {
            lines.push(format!(
                "{}: Client = create_client({}, {})",
                client.client_name, client.url_env, client.key_env
            ));
            wanted.extend(["Client", "create_client"]);
        }
        if module_assignment(&module.body, &client.storage_name).is_none() {
            lines.push(format!("{} = {}.storage", client.storage_name, client.client_name));
        }
        let text = &self.ctx.file.text;
        let newline = self.ctx.file.encoding.newline;
        let at = insertion_offset(module, text);
        let mut statements: Vec<String> = Vec::new();
        let needs_os = lines.iter().any(|line| line.contains("os.getenv"));
        if needs_os && !self.module_binds("os") {
            statements.push("import os".to_owned());
        }
        let missing: Vec<&str> = wanted.into_iter().filter(|name| !self.module_binds(name)).collect();
        if !missing.is_empty() {
            statements.push(format!("from supabase import {}", missing.join(", ")));
        }
        let imports = if statements.is_empty() {
            Vec::new()
        } else {
            vec![insert_lines(text, at, &statements.join("\n"), newline)]
        };
        Ok((lines, imports))
    }

    /// With `client.keep_aws_credentials = false`: the storage module's AWS credential
    /// constants (`X = os.getenv("AWS_...")`), reported without a fix, since other modules
    /// (and the data migration) may import them.
    fn aws_credentials(&mut self) {
        for stmt in &self.ctx.module.body {
            let Stmt::Assign(assign) = stmt else { continue };
            let [Expr::Name(name)] = assign.targets.as_slice() else { continue };
            let Expr::Call(call) = assign.value.as_ref() else { continue };
            let func = self.text(call.func.range());
            if !matches!(func, "os.getenv" | "getenv" | "os.environ.get" | "environ.get") {
                continue;
            }
            let Some(Expr::StringLiteral(variable)) = call.arguments.args.first() else { continue };
            if !variable.value.to_str().starts_with("AWS_") {
                continue;
            }
            self.findings.push(finding(
                RuleId::Boto3Client,
                stmt.range(),
                format!(
                    "AWS credential constant `{}` (client.keep_aws_credentials is false); remove it once no module imports it and the data migration is done",
                    name.id
                ),
                None,
            ));
        }
    }

    /// A finding that adds the Supabase client after the storage module's S3 client.
    fn supabase_beside(&mut self, stmt: &Stmt) {
        let client = &self.ctx.config.client;
        match self.supabase_setup() {
            Ok((lines, _)) if lines.is_empty() => {}
            Ok((lines, imports)) => {
                let text = &self.ctx.file.text;
                let newline = self.ctx.file.encoding.newline;
                let at = line_end_after(text, stmt.end());
                let mut edits = vec![insert_lines(text, at, &lines.join("\n"), newline)];
                edits.extend(imports);
                let range = stmt.range();
                self.findings.push(finding(
                    RuleId::Boto3Client,
                    range,
                    format!(
                        "the storage module has no Supabase client; add `{}` and `{}` beside the S3 client",
                        client.client_name, client.storage_name
                    ),
                    Some(Fix::safe("create the Supabase client", disjoint(text, edits))),
                ));
            }
            Err(reason) => {
                let range = stmt.range();
                self.findings.push(finding(RuleId::Boto3Client, range, reason, None));
            }
        }
    }
}

/// The value of the module-level `name = <value>` (or `name: T = <value>`) first in `body`.
fn module_assignment<'s>(body: &'s [Stmt], name: &str) -> Option<&'s Expr> {
    body.iter().find_map(|stmt| match stmt {
        Stmt::Assign(assign) => match assign.targets.as_slice() {
            [Expr::Name(target)] if target.id.as_str() == name => Some(assign.value.as_ref()),
            _ => None,
        },
        Stmt::AnnAssign(assign) => match (assign.target.as_ref(), assign.value.as_deref()) {
            (Expr::Name(target), Some(value)) if target.id.as_str() == name => Some(value),
            _ => None,
        },
        _ => None,
    })
}

/// Why the storage module's Supabase client (`client.client_name = create_client(...)`,
/// `client.storage_name = <client>.storage`) cannot be set up in it: one of those names is
/// bound (`binds`: at module level) to something else.
fn setup_conflict(client: &crate::config::ClientConfig, body: &[Stmt], text: &str, binds: impl Fn(&str) -> bool) -> Option<String> {
    let taken = |name: &str, fits: &dyn Fn(&Expr) -> bool| match module_assignment(body, name) {
        Some(value) => !fits(value),
        None => binds(name),
    };
    let creates = |value: &Expr| matches!(value, Expr::Call(call) if text[call.func.range()].ends_with("create_client"));
    if taken(&client.client_name, &creates) {
        return Some(format!("`{}` is already bound to something other than `create_client(...)`; set up the Supabase client by hand", client.client_name));
    }
    let storage_value = format!("{}.storage", client.client_name);
    if taken(&client.storage_name, &|value: &Expr| text[value.range()] == storage_value) {
        return Some(format!("`{}` is already bound to something other than `{storage_value}`; set up the Supabase client by hand", client.storage_name));
    }
    None
}

/// How the storage module has (or gets) a module-level Supabase storage client
/// (`client.storage_name`), which the call translations go through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StorageSetup {
    /// It binds that name already.
    Bound,
    /// It has a module-level boto3 S3 client directly in its body, which boto3-client
    /// replaces with (or sets up beside) the Supabase client.
    ByApply,
    /// Neither: nothing gives it the client.
    #[default]
    Missing,
    /// It has that S3 client, but a name the Supabase setup binds is taken by something
    /// else: boto3-client's finding (the reason) says to set the client up by hand, and
    /// until then no translation may call `storage`.
    Conflict(String),
}

/// What the storage module (its module body, text, module scope and exports) does about
/// its Supabase storage client; boto3-client's own setup decides the same way.
pub fn storage_setup(client: &crate::config::ClientConfig, body: &[Stmt], text: &str, scopes: &Scopes, exports: &crate::model::ModuleExports) -> StorageSetup {
    let binds = |name: &str| scopes.local(Scopes::MODULE, name).is_some();
    let s3_client = body.iter().any(|stmt| {
        let target = match stmt {
            Stmt::Assign(assign) => match assign.targets.as_slice() {
                [Expr::Name(name)] => Some(name),
                _ => None,
            },
            Stmt::AnnAssign(assign) if assign.value.is_some() => assign.target.as_name_expr(),
            _ => None,
        };
        target.is_some_and(|name| matches!(exports.names.get(name.id.as_str()), Some(crate::model::Export::Object(S3Kind::Client, _))))
    });
    if s3_client {
        if let Some(why) = setup_conflict(client, body, text, binds) {
            return StorageSetup::Conflict(why);
        }
    }
    if binds(&client.storage_name) {
        StorageSetup::Bound
    } else if s3_client {
        StorageSetup::ByApply
    } else {
        StorageSetup::Missing
    }
}

/// boto3, aioboto3 or botocore (not botocore.exceptions, which is `client-error`'s).
fn is_boto(imported: Imported) -> bool {
    match imported {
        Imported::Module(ModuleRef::Library(library)) | Imported::Member(ModuleRef::Library(library), _) => {
            library.is_boto() && library != Library::BotocoreExceptions && !matches!(imported, Imported::Member(ModuleRef::Library(Library::Botocore), "exceptions"))
        }
        _ => false,
    }
}

/// `a = b = <value>`: several targets.
fn is_multi_target(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Assign(assign) if assign.targets.len() > 1)
}

/// Arguments (and receivers) whose evaluation has no effect worth keeping: names,
/// attributes, literals, `os.getenv(...)`, boto3/botocore factories and configuration
/// objects. A construction built only from those can be removed with nothing lost.
fn simple(model: &FileModel, expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) | Expr::StringLiteral(_) | Expr::BytesLiteral(_) | Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) | Expr::NoneLiteral(_) => true,
        Expr::Attribute(attribute) => simple(model, &attribute.value),
        Expr::Call(call) => {
            let arguments = call.arguments.args.iter().all(|arg| simple(model, arg)) && call.arguments.keywords.iter().all(|keyword| simple(model, &keyword.value));
            arguments && simple_callee(model, &call.func)
        }
        _ => false,
    }
}

/// A callee whose call builds boto3 objects or reads the environment, nothing else.
fn simple_callee(model: &FileModel, func: &Expr) -> bool {
    match func {
        Expr::Name(name) => match model.use_at(name.range).map(|use_| use_.value) {
            Some(Value::Module(ModuleRef::Library(library))) => library.is_boto() || library == Library::Os,
            Some(Value::Factory(_) | Value::Getenv | Value::Environ | Value::EnvironGet | Value::LibraryMember(..) | Value::S3(..)) => true,
            _ => false,
        },
        Expr::Attribute(attribute) => simple_callee(model, &attribute.value),
        Expr::Call(_) => simple(model, func),
        _ => false,
    }
}

/// Where code reads `attribute` (`self.s3`, `Storage.s3`); a store to it is no read.
fn attribute_reads<'m>(model: &'m FileModel, attribute: &'m crate::model::Attribute) -> impl Iterator<Item = TextRange> + 'm {
    attribute
        .uses
        .iter()
        .filter(move |&&use_id| !matches!(model.use_(use_id).context, Context::StoreTarget) || !matches!(model.use_(use_id).chain, Expr::Attribute(_)))
        .map(move |&use_id| first_attribute(model, use_id))
}

/// The `x.attr` node of an attribute use (`self.s3` in `self.s3.get_object(...)`).
fn first_attribute(model: &FileModel, use_id: UseId) -> TextRange {
    let use_ = model.use_(use_id);
    steps(use_.chain).first().map_or(use_.name.range, |(_, node)| node.range())
}

fn finding(rule: RuleId, range: TextRange, message: String, fix: Option<Fix>) -> Finding {
    Finding { rule, severity: rule.default_severity(), range, message, fix }
}

fn import_aliases(stmt: &Stmt) -> Vec<TextRange> {
    match stmt {
        Stmt::Import(import) => import.names.iter().map(Ranged::range).collect(),
        Stmt::ImportFrom(import) => import.names.iter().map(Ranged::range).collect(),
        _ => Vec::new(),
    }
}

fn import_alias_range(stmt: &Stmt, alias: usize) -> Option<TextRange> {
    import_aliases(stmt).get(alias).copied()
}

/// The edits of one fix made disjoint: an insertion that falls inside a deletion (the
/// new import where a removed import's lines were) joins it, so the fix applies cleanly;
/// blank lines the deletion took after that point are kept after the insertion.
fn disjoint(text: &str, mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort();
    edits.dedup();
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for edit in edits {
        match out.last_mut() {
            Some(last) if edit.start() < last.end() || (edit.start() == last.start() && !last.range.is_empty()) => {
                let end = last.end().max(edit.end());
                last.content.push_str(&edit.content);
                if edit.range.is_empty() && edit.end() < last.end() {
                    let tail = &text[edit.start().to_usize()..last.end().to_usize()];
                    if tail.trim().is_empty() {
                        last.content.push_str(tail);
                    }
                }
                last.range = TextRange::new(last.start(), end);
            }
            _ => out.push(edit),
        }
    }
    out
}

/// Whole-line deletions of one fix (sorted, disjoint) leave the blank lines around them as
/// a person would: statements removed together take the blank lines between them, and of
/// the blank runs before and after, only the longer stays (no run grows, and PEP 8's two
/// lines before a `def` survive). Other edits are kept as they are.
fn tidy_blank_lines(text: &str, edits: Vec<Edit>) -> Vec<Edit> {
    let blank = |line: &str| line.ends_with('\n') && line.trim().is_empty();
    let whole_lines = |edit: &Edit| {
        let (start, end) = (edit.start().to_usize(), edit.end().to_usize());
        edit.content.is_empty() && start < end && (start == 0 || text[..start].ends_with('\n')) && (end == text.len() || text[..end].ends_with('\n'))
    };
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    let mut at = 0;
    while at < edits.len() {
        if !whole_lines(&edits[at]) {
            out.push(edits[at].clone());
            at += 1;
            continue;
        }
        let start = edits[at].start().to_usize();
        let mut end = edits[at].end().to_usize();
        at += 1;
        while at < edits.len() && whole_lines(&edits[at]) && text[end..edits[at].start().to_usize()].split_inclusive('\n').all(blank) {
            end = edits[at].end().to_usize();
            at += 1;
        }
        let before = text[..start].split_inclusive('\n').rev().take_while(|line| blank(line)).count();
        let after: Vec<usize> = text[end..].split_inclusive('\n').take_while(|line| blank(line)).map(str::len).collect();
        let extra: usize = after.iter().take(before.min(after.len())).sum();
        // Never into the next edit's place.
        let reaches_next = edits.get(at).is_some_and(|next| next.start().to_usize() < end + extra);
        let end = if reaches_next { end } else { end + extra };
        out.push(Edit::delete(TextRange::new(TextSize::new(start as u32), TextSize::new(end as u32))));
    }
    out
}

/// 1-based line of an offset.
/// `line 7`, `lines 7, 9`, `lines 1, 2, 3, 4, 5 and 6 more`.
fn lines_text(lines_index: &LineIndex, offsets: &[TextSize]) -> String {
    // One index lookup per use: counting newlines from the start for each was quadratic.
    let mut lines: Vec<usize> = offsets.iter().map(|offset| lines_index.line_of(*offset)).collect();
    lines.sort_unstable();
    lines.dedup();
    let shown: Vec<String> = lines.iter().take(5).map(ToString::to_string).collect();
    let more = if lines.len() > 5 { format!(" and {} more", lines.len() - 5) } else { String::new() };
    let noun = if lines.len() == 1 { "line" } else { "lines" };
    format!("{noun} {}{more}", shown.join(", "))
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.len() < text.len() {
        format!("{}...", line.trim_end())
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::fix::edit::Applicability;
    use crate::rules::testing::{findings_of, settle, STORAGE};
    const OTHER: &str = "backend/utils/load_and_process_index.py";

    /// This family's findings on `text` as the file `display`.
    fn findings(text: &str, display: &str) -> Vec<Finding> {
        findings_with(&Config::defaults(), text, display)
    }

    /// This family and the call findings beside it, in the order of their ranges.
    fn with_calls(ctx: &RuleContext) -> Vec<Finding> {
        let mut found = check(ctx);
        found.extend(crate::rules::boto3_call::check(ctx));
        found.sort_by_key(|finding| (finding.range.start(), finding.range.end(), finding.rule));
        found
    }

    fn findings_with(config: &Config, text: &str, display: &str) -> Vec<Finding> {
        findings_of(with_calls, config, text, display)
    }

    /// Apply this family's safe fixes until nothing changes; the findings left are those
    /// without a safe fix.
    fn fixed(text: &str, display: &str) -> (String, Vec<Finding>) {
        let (out, found) = settle(text, |current| findings(current, display));
        let left = found.into_iter().filter(|finding| finding.fix.as_ref().is_none_or(|fix| fix.applicability != crate::fix::edit::Applicability::Safe)).collect();
        (out, left)
    }

    /// The storage module's safe fixes to a fixpoint while other files of the run name
    /// `reached`; the findings left.
    fn fixed_reached(text: &str, reached: &[&str]) -> (String, Vec<Finding>) {
        let demand = crate::project_index::StorageDemand { helpers: Default::default(), reached: reached.iter().map(|name| (*name).to_owned()).collect() };
        let (out, found) = settle(text, |current| crate::rules::testing::findings_with_storage(with_calls, &Config::defaults(), current, STORAGE, Some(demand.clone())));
        (out, found.into_iter().filter(|finding| finding.fix.as_ref().is_none_or(|fix| fix.applicability != Applicability::Safe)).collect())
    }

    /// Every rule family together (as the pipeline runs them), to a fixpoint.
    fn fixed_by_all(text: &str, display: &str) -> (String, Vec<Finding>) {
        settle(text, |current| findings_of(crate::rules::check_python, &Config::defaults(), current, display))
    }

    #[test]
    fn the_fixture_storage_module_settles_with_every_family() {
        let text = include_str!("../../fixtures/lms-backend/backend/utils/s3_utils.py");
        let config = crate::rules::testing::fixture_config();
        let (out, left) = settle(text, |current| findings_of(crate::rules::check_python, &config, current, STORAGE));
        assert!(out.contains("\nDELETE_BATCH_SIZE = 1000\n\nSUPABASE_URL = os.getenv(\"SUPABASE_URL\")\nSUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\nsupabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\nstorage = supabase.storage\n"));
        assert!(out.contains("\nfrom supabase import Client, create_client\n"));
        // The call translation (s3-calls) leaves the client and the resource unused, and
        // no other file of the run names them: both go, with boto3's import.
        assert!(!out.contains("\ns3_client = boto3.client(\n"));
        assert!(!out.contains("s3_resource") && !out.contains("import boto3"), "{out}");
        let boto3: Vec<&str> = left.iter().map(|finding| finding.rule.as_str()).filter(|rule| rule.starts_with("boto3")).collect();
        assert_eq!(boto3, Vec::<&str>::new());
    }

    #[test]
    fn an_import_that_only_builds_kept_objects_names_them_in_a_sentence() {
        let import = |objects: &[&str]| {
            let mut text = "import boto3\n".to_owned();
            for object in objects {
                text.push_str(&format!("{object} = boto3.client(\"s3\")\n"));
            }
            let (_, left) = fixed(&text, OTHER);
            left.into_iter().find(|finding| finding.rule == RuleId::Boto3Import).map(|finding| finding.message)
        };
        assert_eq!(import(&["s3"]).as_deref(), Some("`boto3` is used only to build `s3` (line 2), which has no use left but stays (see its finding); the import goes with it"));
        assert_eq!(
            import(&["a", "b"]).as_deref(),
            Some("`boto3` is used only to build `a` and `b` (lines 2, 3), which have no use left but stay (see their findings); the import goes with them")
        );
        assert_eq!(
            import(&["a", "b", "c"]).as_deref(),
            Some("`boto3` is used only to build `a`, `b` and `c` (lines 2, 3, 4), which have no use left but stay (see their findings); the import goes with them")
        );
    }

    #[test]
        fn a_public_attribute_with_no_use_left_names_its_class() {
        let text = "\
import boto3


class Store:
    def __init__(self):
        self.s3 = boto3.client(\"s3\")
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        let messages: Vec<(&str, &str)> = left.iter().map(|finding| (finding.rule.as_str(), finding.message.as_str())).collect();
        assert_eq!(
            messages,
            [
                ("boto3-import", "`boto3` is used only to build `self.s3` (line 6), which has no use left but stays (see its finding); the import goes with it"),
                ("boto3-client", "boto3 S3 client `self.s3` has no use left here, but it is a public attribute of class `Store`, and code in other files holding an instance may read `.s3` (the model does not follow instances across files): once no file reads it, apply with --unsafe-fixes (removes it), remove it by hand, or rename it `_s3` here and rerun"),
            ]
        );
        assert_eq!(left[1].fix.as_ref().map(|fix| fix.applicability), Some(Applicability::Unsafe));
        // Private, it goes with the import.
        let private = text.replace("self.s3", "self._s3");
        assert_eq!(fixed(&private, OTHER), ("class Store:\n    def __init__(self):\n        pass\n".to_owned(), Vec::new()));
    }

    #[test]
    fn the_fixture_local_client_settles_with_every_family() {
        let text = include_str!("../../fixtures/lms-backend/backend/utils/load_and_process_index.py");
        let (out, left) = fixed_by_all(text, OTHER);
        // With the fixture's storage module (its key listers) every call is translated,
        // as in the whole-project run: the local client and its credentials imports go.
        assert!(!out.contains("boto3") && !out.contains("ACCESS_KEY"), "{out}");
        assert!(out.contains("    response = list_objects_in_folder(SUPABASE_BUCKET_NAME, prefix)\n    if not response:\n"), "{out}");
        assert!(out.contains("    obj = storage.from_(SUPABASE_BUCKET_NAME).download(index_key)\n    index_bytes = obj\n"), "{out}");
        let boto3: Vec<&str> = left.iter().map(|finding| finding.rule.as_str()).filter(|rule| rule.starts_with("boto3")).collect();
        assert_eq!(boto3, Vec::<&str>::new());
    }

    fn rules(found: &[Finding]) -> Vec<&'static str> {
        found.iter().map(|finding| finding.rule.as_str()).collect()
    }

    #[test]
    fn nothing_to_do_changes_nothing() {
        let text = "import os\n\nx = os.getenv(\"X\")\n";
        assert!(findings(text, OTHER).is_empty());
    }

    // ----- must report -----

    #[test]
    fn storage_module_gets_the_supabase_client_beside_a_used_s3_client() {
        let before = "\
import os

import boto3

ACCESS_KEY = os.getenv(\"AWS_ACCESS_KEY_ID\")

s3_client = boto3.client(
    \"s3\",
    aws_access_key_id=ACCESS_KEY,
)


def put(bucket, key, body):
    s3_client.put_object(Bucket=bucket, Key=key, Body=body)
";
        let after = "\
import os

import boto3
from supabase import Client, create_client

ACCESS_KEY = os.getenv(\"AWS_ACCESS_KEY_ID\")

s3_client = boto3.client(
    \"s3\",
    aws_access_key_id=ACCESS_KEY,
)
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def put(bucket, key, body):
    s3_client.put_object(Bucket=bucket, Key=key, Body=body)
";
        let (text, left) = fixed(before, STORAGE);
        assert_eq!(text, after);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-call"]);
        assert!(left[1].message.contains("still used on line 19"), "{}", left[1].message);
        assert!(left[0].message.contains("`boto3` is still used on line 8"), "{}", left[0].message);
        assert_eq!(
            left[2].message,
            "translate `s3_client.put_object(...)` to `storage.from_(bucket).upload(path, body, {\"content-type\": ..., \"upsert\": \"true\"})`; encode a str Body first (upload opens a str as a local file path)"
        );
    }

    #[test]
    fn storage_module_client_without_uses_becomes_the_supabase_client() {
        let before = "\
\"\"\"Storage.\"\"\"
import boto3
from botocore.exceptions import ClientError

s3_client = boto3.client(\"s3\", region_name=\"eu-west-1\")


def noop():
    return None
";
        let after = "\
\"\"\"Storage.\"\"\"
from botocore.exceptions import ClientError
import os
from supabase import Client, create_client

SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def noop():
    return None
";
        let (text, left) = fixed(before, STORAGE);
        assert_eq!(text, after);
        assert!(left.is_empty());
    }

    /// An unused S3 client the Supabase client would replace stays while `storage` is taken:
    /// the message says so (no suppression comment is involved).
    #[test]
    fn an_unused_storage_client_waits_for_a_taken_storage_name() {
        let text = "import os\n\nimport boto3\n\nstorage = os.getenv(\"STORAGE_BACKEND\", \"s3\")\ns3_client = boto3.client(\"s3\")\n";
        let (out, left) = fixed(text, STORAGE);
        assert_eq!(out, text);
        let found: Vec<(&str, String)> = left.iter().map(|finding| (finding.rule.as_str(), finding.message.clone())).collect();
        assert_eq!(
            found,
            [
                ("boto3-import", "`boto3` is used only to build `s3_client` (line 6), which has no use left but stays (see its finding); the import goes with it".to_owned()),
                ("boto3-client", "boto3 S3 client `s3_client` has no use left, but stays until the Supabase client that replaces it can be set up (see the other finding here); then rerun".to_owned()),
                ("boto3-client", "`storage` is already bound to something other than `supabase.storage`; set up the Supabase client by hand".to_owned()),
            ]
        );
    }

    #[test]
    fn storage_module_with_translated_calls_drops_the_s3_client() {
        let before = "\
import os

import boto3
from supabase import Client, create_client

s3_client = boto3.client(\"s3\")
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def read(bucket, key):
    return storage.from_(bucket).download(key)
";
        let after = "\
import os

from supabase import Client, create_client

SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def read(bucket, key):
    return storage.from_(bucket).download(key)
";
        assert_eq!(fixed(before, STORAGE), (after.to_owned(), Vec::new()));
    }

    const LOCAL_CLIENT: &str = "\
import json
import os

import boto3
import faiss

from utils.s3_utils import (
    ACCESS_KEY,
    SECRET_KEY,
    REGION_NAME,
    read_text_file_from_s3,
)


def load_index_from_s3(username, course_id):
    s3 = boto3.client('s3', aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION_NAME)

    prefix = f\"user_data/{username}/{course_id}/faiss/\"
    response = s3.list_objects_v2(Bucket=\"b\", Prefix=prefix)
    obj = s3.get_object(Bucket=\"b\", Key=prefix)
    return response, obj, read_text_file_from_s3(\"b\", prefix)
";

    #[test]
    fn a_used_local_client_stays_and_every_use_is_reported() {
        let (text, left) = fixed(LOCAL_CLIENT, OTHER);
        assert_eq!(text, LOCAL_CLIENT);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-call", "boto3-call"]);
        assert_eq!(
            left[1].message,
            "boto3 S3 client `s3` is still used on lines 19, 20; translate those uses (boto3-call), then rerun to remove it"
        );
        assert_eq!(
            left[2].message,
            "translate `s3.list_objects_v2(...)` to the storage module's `s3_utils._walk_objects(bucket, prefix)`: S3-shaped entries {\"Key\", \"Size\", \"LastModified\", \"ETag\"} for every key below the prefix over all pages, matched as S3 matches (case-sensitive, a prefix may end mid-name), so S3's single 1000-key page is not reproduced (`max_keys=` keeps a `MaxKeys`); where only the keys are read, `s3_utils.list_objects_in_folder(bucket, prefix)` returns them; with `Delimiter=\"/\"`, `s3_utils._list_subfolders(bucket, prefix)` gives the `CommonPrefixes`; not `s3_utils.storage.from_(bucket).list(folder)`, which lists one folder level, matches folder names case-insensitively and returns 100 entries a page; apply adds the helper to the storage module once a file calls it"
        );
        assert!(left[3].message.starts_with("translate `s3.get_object(...)` to `s3_utils.storage.from_(bucket).download(path)`"));
    }

    #[test]
    fn an_unused_local_client_goes_with_the_names_that_fed_it() {
        let before = LOCAL_CLIENT
            .replace("s3.list_objects_v2(Bucket=\"b\", Prefix=prefix)", "list_objects_in_folder(\"b\", prefix)")
            .replace("s3.get_object(Bucket=\"b\", Key=prefix)", "None");
        let after = "\
import json
import os

import faiss

from utils.s3_utils import (
    read_text_file_from_s3,
)


def load_index_from_s3(username, course_id):

    prefix = f\"user_data/{username}/{course_id}/faiss/\"
    response = list_objects_in_folder(\"b\", prefix)
    obj = None
    return response, obj, read_text_file_from_s3(\"b\", prefix)
";
        assert_eq!(fixed(&before, OTHER), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn a_session_and_its_client_go_together_and_leave_pass() {
        let before = "\
import boto3


def export():
    session = boto3.Session()
    s3 = session.client(\"s3\")


def other():
    return 1
";
        let after = "\
def export():
    pass


def other():
    return 1
";
        assert_eq!(fixed(before, OTHER), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn session_chains_are_clients() {
        let text = "\
import boto3


def copy(key):
    s3 = boto3.session.Session().client(\"s3\")
    s3.copy_object(Bucket=\"b\", Key=key, CopySource=\"b/x\")


def profile(name):
    s3 = boto3.Session(profile_name=name).client(\"s3\")
    return s3.head_object(Bucket=\"b\", Key=name)


def named():
    session = boto3.Session()
    s3 = session.client(\"s3\")
    s3.delete_object(Bucket=\"b\", Key=\"k\")
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(
            rules(&left),
            ["boto3-import", "boto3-client", "boto3-call", "boto3-client", "boto3-call", "boto3-client", "boto3-client", "boto3-call"]
        );
        assert_eq!(left[0].message, "`boto3` is still used on lines 5, 10, 15; migrate those uses, then rerun to remove the import");
        assert_eq!(left[5].message, "boto3 session `session` is still used on line 16; translate those uses (boto3-call), then rerun to remove it");
    }

    #[test]
    fn from_boto3_import_client_as_alias() {
        let used = "\
from boto3 import client as boto_client


def sign(key):
    signer = boto_client(\"s3\", region_name=\"eu-west-1\")
    return signer.generate_presigned_url(\"get_object\", Params={\"Bucket\": \"b\", \"Key\": key}, ExpiresIn=60)
";
        let (out, left) = fixed(used, OTHER);
        assert_eq!(out, used);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-call"]);
        assert_eq!(
            left[2].message,
            "translate `signer.generate_presigned_url(...)` to `s3_utils.storage.from_(bucket).create_signed_url(path, expires_in)[\"signedURL\"]`; display-only fix (shown in the finding's fix, never applied): creating the URL fails for a missing object, where S3 signed any key"
        );
        let unused = "\
import os
from boto3 import client as boto_client


def sign(key):
    signer = boto_client(\"s3\", region_name=os.getenv(\"AWS_REGION\"))
    return key
";
        let after = "\
import os


def sign(key):
    return key
";
        assert_eq!(fixed(unused, OTHER), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn client_held_by_self_in_a_class() {
        let text = "\
import boto3


class Manager:
    def __init__(self):
        self.s3 = boto3.client(\"s3\")

    @classmethod
    def from_profile(cls, name):
        manager = cls()
        manager.s3 = boto3.Session(profile_name=name).client(\"s3\")
        return manager

    def load(self, key):
        try:
            return self.s3.get_object(Bucket=\"b\", Key=key)
        except self.s3.exceptions.NoSuchKey:
            return None
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        // The modeled exception's handler is client-error's.
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-client", "boto3-call"]);
        assert_eq!(left[1].message, "boto3 S3 client `self.s3` is still used on lines 16, 17; translate those uses (boto3-call), then rerun to remove it");
        let unused = "\
import boto3


class Manager:
    def __init__(self):
        self._s3 = boto3.client(\"s3\")

    @classmethod
    def from_profile(cls, name):
        manager = cls()
        manager._s3 = boto3.Session(profile_name=name).client(\"s3\")
        return manager
";
        let (out, left) = fixed(&unused.replace("_s3", "s3"), OTHER);
        assert_eq!(out, unused.replace("_s3", "s3"), "a public attribute may be read from outside the class");
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-client"]);
        assert_eq!(
            left[1].message,
            "boto3 S3 client `self.s3` has no use left here, but it is a public attribute of class `Manager`, and code in other files holding an instance may read `.s3` (the model does not follow instances across files): once no file reads it, apply with --unsafe-fixes (removes it), remove it by hand, or rename it `_s3` here and rerun"
        );
        let after = "\
class Manager:
    def __init__(self):
        pass

    @classmethod
    def from_profile(cls, name):
        manager = cls()
        return manager
";
        assert_eq!(fixed(unused, OTHER), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn resource_buckets_collections_and_items() {
        let text = "\
import boto3

BUCKET = \"b\"


def purge(prefix):
    bucket = boto3.resource(\"s3\").Bucket(BUCKET)
    for obj in bucket.objects.filter(Prefix=prefix):
        obj.delete()
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-call", "boto3-call"]);
        assert!(left[2].message.starts_with("translate `bucket.objects.filter(...)` to the storage module's `s3_utils._walk_objects(bucket, prefix)` (`\"\"` for `.all()`, `max_keys=` for `.limit(n)`): "), "{}", left[2].message);
        assert_eq!(left[3].message, "translate `obj.delete(...)` to `s3_utils.storage.from_(bucket).remove([path])`");
    }

    #[test]
    fn the_storage_modules_client_reached_from_another_file() {
        let text = "\
import utils.s3_utils as s3_utils


def restore(keys):
    for key in keys:
        s3_utils.s3_client.copy_object(Bucket=\"b\", Key=key, CopySource={\"Bucket\": \"a\", \"Key\": key})
";
        let found = findings(text, "backend/routes/delete_course_routes.py");
        assert_eq!(rules(&found), ["boto3-call"]);
        assert!(found[0].message.starts_with("translate `s3_utils.s3_client.copy_object(...)` to `s3_utils.storage.from_(bucket).copy("));
    }

    #[test]
    fn inline_constructions_and_other_services_keep_the_import() {
        let text = "\
import boto3


def queue():
    return boto3.client(\"sqs\")


def upload(data):
    boto3.client(\"s3\").put_object(Bucket=\"b\", Key=\"k\", Body=data)
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(rules(&left), ["boto3-import", "boto3-call"]);
        assert_eq!(left[0].message, "`boto3` is still used on lines 5, 9; migrate those uses, then rerun to remove the import");
    }

    #[test]
    fn a_client_built_by_calling_other_code_is_reported_not_removed() {
        let text = "\
import boto3


def build():
    s3 = boto3.client(\"s3\", config=make_config())
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client"]);
        assert_eq!(
            left[1].message,
            "boto3 S3 client `s3` is built with arguments that call other code: unsafe fix (removing it also drops those calls; applied with --unsafe-fixes), or remove it by hand"
        );
        assert_eq!(left[1].fix.as_ref().map(|fix| fix.applicability), Some(crate::fix::edit::Applicability::Unsafe));
    }

    #[test]
    fn unused_imports_go_one_name_at_a_time() {
        let before = "import os, boto3\nimport botocore\nfrom botocore.exceptions import ClientError\n\nprint(os.sep)\n";
        let after = "import os\nfrom botocore.exceptions import ClientError\n\nprint(os.sep)\n";
        assert_eq!(fixed(before, OTHER), (after.to_owned(), Vec::new()));
        let in_block = "try:\n    import boto3\nexcept ImportError:\n    boto3 = None\n";
        // `boto3 = None` rebinds the name: the import is still used by that binding's readers.
        assert_eq!(fixed(in_block, OTHER).0, "try:\n    pass\nexcept ImportError:\n    boto3 = None\n");
    }

    #[test]
    fn a_suppressed_client_is_kept_with_its_import() {
        let text = "\
import boto3


def build():
    s3 = boto3.client(\"s3\")  # s3-to-supabase: ignore[boto3-client]
";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, text);
        // The pipeline drops the suppressed finding; its fix must not run through another.
        assert_eq!(rules(&left), ["boto3-import", "boto3-client"]);
        assert_eq!(left[1].message, "boto3 S3 client `s3` is unused but kept by a suppression comment");
    }

    #[test]
    fn a_client_in_a_class_body() {
        let text = "\
import boto3


class Store:
    client = boto3.client(\"s3\")

    def get(self, key):
        return self.client.get_object(Bucket=\"b\", Key=key)
";
        let found = findings(text, OTHER);
        assert_eq!(rules(&found), ["boto3-import", "boto3-client", "boto3-call"]);
    }

    #[test]
    fn aws_credentials_are_reported_when_not_kept() {
        let text = "import os\n\nACCESS_KEY = os.getenv(\"AWS_ACCESS_KEY_ID\")\nOTHER = os.getenv(\"X\")\n";
        assert!(findings(text, STORAGE).is_empty());
        let mut config = Config::defaults();
        config.client.keep_aws_credentials = false;
        let found = findings_with(&config, text, STORAGE);
        assert_eq!(rules(&found), ["boto3-client"]);
        assert!(found[0].message.starts_with("AWS credential constant `ACCESS_KEY`"));
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn only_the_storage_modules_top_level_client_becomes_the_supabase_client() {
        let before = "\
import os

import boto3

try:
    backup = boto3.client(\"s3\")
except Exception:
    backup = None
s3_client = boto3.client(\"s3\")
other = boto3.client(\"s3\")
";
        let after = "\
import os

import boto3
from supabase import Client, create_client

try:
    backup = boto3.client(\"s3\")
except Exception:
    backup = None
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage
other = boto3.client(\"s3\")
";
        // Other files of the run name `backup` and `other`: they stay as they are.
        let (text, left) = fixed_reached(before, &["backup", "other"]);
        assert_eq!(text, after);
        assert_eq!(rules(&left), ["boto3-import", "boto3-client", "boto3-client"]);
        assert!(left[2].message.starts_with("boto3 S3 client `other` has no use left here, but other files of this run still name it"));
        // Named by no other file, they go (an emptied `try` body keeps `pass`), with boto3.
        let (text, left) = fixed(before, STORAGE);
        assert_eq!(text, "import os\n\nfrom supabase import Client, create_client\n\ntry:\n    pass\nexcept Exception:\n    backup = None\nSUPABASE_URL = os.getenv(\"SUPABASE_URL\")\nSUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")\nsupabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)\nstorage = supabase.storage\n");
        assert_eq!(rules(&left), Vec::<&str>::new());
    }

    #[test]
    fn a_module_level_client_in_another_module_is_not_removed() {
        let text = "import boto3\n\ns3 = boto3.client(\"s3\")\n_private = boto3.client(\"s3\")\n";
        let (out, left) = fixed(text, OTHER);
        assert_eq!(out, "import boto3\n\ns3 = boto3.client(\"s3\")\n");
        assert_eq!(rules(&left), ["boto3-import", "boto3-client"]);
    }

    /// Every fix, unsafe ones too, to a fixpoint.
    fn fixed_unsafe(text: &str, display: &str) -> String {
        let mut current = text.to_owned();
        for _ in 0..10 {
            let applied = crate::fix::apply::apply_fixes(&current, &findings(&current, display), crate::fix::edit::Applicability::Unsafe);
            if applied.fixed.is_empty() {
                return current;
            }
            current = applied.text;
        }
        panic!("fixes did not settle:\n{current}");
    }

    #[test]
    fn removals_leave_the_blank_lines_a_person_would() {
        // One fix: the import and the private client, and the blank line between them.
        let text = "import json\n\nimport boto3\n\n_s3 = boto3.client(\"s3\")\n\n\ndef describe():\n    return json.dumps({})\n";
        assert_eq!(fixed(text, OTHER).0, "import json\n\n\ndef describe():\n    return json.dumps({})\n");
        // The unsafe removal of a public client, then its import: one blank line between
        // imports, two before the `def`, as before.
        let text = "\"\"\"Notes.\"\"\"\n\nimport json\n\nimport boto3\n\nfrom utils import s3_utils\n\ns3 = boto3.client(\"s3\")\n\n\ndef describe():\n    return json.dumps(s3_utils.S3_BUCKET_NAME)\n";
        assert_eq!(
            fixed_unsafe(text, OTHER),
            "\"\"\"Notes.\"\"\"\n\nimport json\n\nfrom utils import s3_utils\n\n\ndef describe():\n    return json.dumps(s3_utils.S3_BUCKET_NAME)\n"
        );
        // Inside a function nothing around the removed client changes.
        let text = "import boto3\n\n\ndef f():\n    x = 1\n    s3 = boto3.client(\"s3\")\n\n    return x\n";
        assert_eq!(fixed(text, OTHER).0, "def f():\n    x = 1\n\n    return x\n");
    }

    #[test]
    fn a_global_assigned_in_a_function_is_not_a_local_client() {
        let text = "\
from boto3.session import Session

DEFAULT_SESSION = None


def setup_default_session(**kwargs):
    global DEFAULT_SESSION
    DEFAULT_SESSION = Session(**kwargs)
";
        // A session that makes no S3 object is not S3's to migrate.
        assert!(findings(text, OTHER).is_empty());
    }

    #[test]
    fn an_imported_storage_client_is_reported() {
        let text = "from utils.s3_utils import s3_client\n\ns3_client.delete_object(Bucket=\"b\", Key=\"k\")\n";
        let found = findings(text, OTHER);
        assert_eq!(rules(&found), ["boto3-call"]);
        assert_eq!(found[0].message, "translate `s3_client.delete_object(...)` to `s3_utils.storage.from_(bucket).remove([path])`");
    }

    #[test]
    fn an_import_added_where_a_removed_import_was() {
        let before = "import boto3\n\nS3_BUCKET_NAME = \"b\"\ns3_client = boto3.client(\"s3\")\n";
        let after = "\
import os
from supabase import Client, create_client

S3_BUCKET_NAME = \"b\"
SUPABASE_URL = os.getenv(\"SUPABASE_URL\")
SUPABASE_SERVICE_ROLE_KEY = os.getenv(\"SUPABASE_SERVICE_ROLE_KEY\")
supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage
";
        assert_eq!(fixed(before, STORAGE), (after.to_owned(), Vec::new()));
    }

    #[test]
    fn overlapping_edits_of_one_fix_are_joined() {
        let at = |start: u32, end: u32| TextRange::new(TextSize::new(start), TextSize::new(end));
        let edits = vec![Edit::delete(at(0, 14)), Edit::insert(TextSize::new(13), "x\n"), Edit::insert(TextSize::new(20), "y")];
        let text = "import boto3\n\nX = 1\ny = 2\n";
        assert_eq!(disjoint(text, edits), vec![Edit::replace(at(0, 14), "x\n\n"), Edit::insert(TextSize::new(20), "y")]);
    }

    // ----- must stay silent -----

    #[test]
    fn non_boto3_clients_and_mentions_are_silent() {
        let text = "\
\"\"\"Course assistant (not a boto3 client).\"\"\"
import logging

logger = logging.getLogger(__name__)


class Assistant:
    def __init__(self, registry):
        self.registry = registry

    @property
    def storage(self):
        return self.registry.client(\"s3\")

    def fail(self):
        # boto3.client(\"s3\") used to live here
        logger.exception(\"check OpenAI key and boto3 credentials\")


def client(name):
    return name


x = client(\"s3\")
x.put_object(Bucket=\"b\")
";
        assert!(findings(text, OTHER).is_empty(), "{:?}", findings(text, OTHER));
    }

    #[test]
    fn a_shadowed_name_is_not_the_client() {
        let text = "\
import boto3

_s3 = boto3.client(\"s3\")


def local(_s3):
    return _s3.put_object(Bucket=\"b\")
";
        let found = findings(text, OTHER);
        // The parameter hides the module's client: its call is on something unknown.
        assert_eq!(rules(&found), ["boto3-import", "boto3-client", "unresolved-s3-call"]);
        assert!(found[1].fix.is_some());
    }

    #[test]
    fn botocore_exceptions_belong_to_client_error() {
        let text = "from botocore.exceptions import ClientError\nimport botocore.exceptions\n";
        assert!(findings(text, OTHER).is_empty());
    }
}
