//! How code at one place in a file refers to a member of the storage module (a bucket
//! constant, `storage`): through the binding the file already has, bare inside the
//! module itself, or through a new import — added only when it resolves: the storage
//! module is among the paths, importable from this file's root the way its own imports
//! show, and not importing this file (which would make the import circular). Otherwise
//! the reason, for the finding.

use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::config::ImportStyle;
use crate::fix::edit::Edit;
use crate::fix::imports::{insert_lines, insertion_offset};
use crate::model::{ScopeId, ScopeKind, Scopes, Shadow, Site, SiteId, SiteKind, StorageBindingKind};
use crate::project_index::modules::ModuleMap;
use crate::project_index::Importer;
use crate::rules::RuleContext;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// The expression to write, e.g. `s3_utils.SUPABASE_BUCKET_NAME`.
    pub text: String,
    /// The import to add with the use, when the file has none.
    pub import: Option<Edit>,
}

/// How code of this file refers to the storage module's `member` from module level (the
/// call translation's one reference per file), or why it cannot.
pub fn access(ctx: &RuleContext, member: &str) -> Result<Access, String> {
    let file = FileAccess::new(ctx);
    file.reference(member, crate::model::Scopes::MODULE, TextSize::of(ctx.file.text.as_str())).map_err(|refusal| refusal.describe(ctx, &file.text_of(member)))
}

/// Why the storage module cannot be reached from a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The storage module is not among the paths.
    NoStorageModule,
    /// The name the reference starts with means something else there.
    Shadowed { name: String, shadow: Shadow },
    /// Importing the storage module runs this file (chain of imports).
    Circular { chain: Vec<(String, Importer)>, module_level: bool },
    /// No root the file's imports show makes the storage module importable.
    NotImportable { why: String },
}

/// How this file reaches the storage module, worked out once per file.
pub struct FileAccess<'c, 'a> {
    ctx: &'c RuleContext<'a>,
    /// `reference` of the module binding, and the site binding it.
    module: Option<(String, SiteId)>,
    /// The module-level `from <storage> import ...` statement new names can join.
    from_statement: Option<&'a Stmt>,
    circular: Option<Vec<(String, Importer)>>,
}

impl<'c, 'a> FileAccess<'c, 'a> {
    pub fn new(ctx: &'c RuleContext<'a>) -> FileAccess<'c, 'a> {
        let model = ctx.model;
        let module = model.storage_bindings.iter().find_map(|binding| match binding.kind {
            StorageBindingKind::Module { reference } => Some((reference.to_owned(), binding.site)),
            StorageBindingKind::Member { .. } => None,
        });
        let from_statement = model.storage_bindings.iter().find_map(|binding| {
            let site = model.site(binding.site);
            match (binding.kind, site.statement) {
                (StorageBindingKind::Member { .. }, Some((stmt @ Stmt::ImportFrom(_), block))) if block.0 == 0 => Some(stmt),
                _ => None,
            }
        });
        let circular = ctx.index.circular_chain(&ctx.file.display);
        FileAccess { ctx, module, from_statement, circular }
    }

    /// How `member` is written in this file's messages (its binding, or `s3_utils.member`).
    pub fn text_of(&self, member: &str) -> String {
        if self.ctx.is_storage_module {
            return member.to_owned();
        }
        if let Some(binding) = self.ctx.model.storage_bindings.iter().find(|binding| binding.kind == StorageBindingKind::Member { name: member }) {
            return binding.local.to_owned();
        }
        match &self.module {
            Some((reference, _)) => format!("{reference}.{member}"),
            None => format!("{}.{member}", self.ctx.config.storage.module_name()),
        }
    }

    /// How code at `offset` (in `scope`) refers to the storage module's `member`.
    pub fn reference(&self, member: &str, scope: ScopeId, offset: TextSize) -> Result<Access, Refusal> {
        let ctx = self.ctx;
        let scopes = &ctx.model.scopes;
        let shadowed = |name: &str, shadow| Refusal::Shadowed { name: name.to_owned(), shadow };
        if ctx.is_storage_module {
            // A member is assigned or imported; a helper the call translation added is a def.
            let defined = |site: &Site| matches!(site.kind, SiteKind::Assign { .. } | SiteKind::Import { .. } | SiteKind::Function(_));
            return match scopes.free_for(scope, offset, member, defined) {
                Ok(()) | Err(Shadow::BeforeBinding) => Ok(Access { text: member.to_owned(), import: None }),
                Err(shadow) => Err(shadowed(member, shadow)),
            };
        }
        let Some(storage) = &ctx.index.storage else {
            ctx.storage_missing.set(true);
            return Err(Refusal::NoStorageModule);
        };
        let module_level = scopes.frame(scope) == Scopes::MODULE;
        if let (Some(chain), true) = (&self.circular, module_level) {
            return Err(Refusal::Circular { chain: chain.clone(), module_level: true });
        }
        // The member already imported by name.
        if let Some(binding) = ctx.model.storage_bindings.iter().find(|binding| binding.kind == StorageBindingKind::Member { name: member }) {
            let site = binding.site;
            scopes.free_for(scope, offset, binding.local, |candidate| std::ptr::eq(candidate, ctx.model.site(site))).map_err(|shadow| shadowed(binding.local, shadow))?;
            return Ok(Access { text: binding.local.to_owned(), import: None });
        }
        if let Some((reference, site)) = &self.module {
            let first = reference.split('.').next().unwrap_or(reference);
            let expected = |candidate: &Site| {
                std::ptr::eq(candidate, ctx.model.site(*site))
                    || ctx.model.storage_bindings.iter().any(|binding| std::ptr::eq(candidate, ctx.model.site(binding.site)))
            };
            scopes.free_for(scope, offset, first, expected).map_err(|shadow| shadowed(first, shadow))?;
            return Ok(Access { text: format!("{reference}.{member}"), import: None });
        }
        if let Some(chain) = &self.circular {
            return Err(Refusal::Circular { chain: chain.clone(), module_level });
        }
        let (text, first, import) = self.new_import(member, &storage.display, &storage.root)?;
        scopes.free_for(scope, offset, &first, |_| false).map_err(|shadow| shadowed(&first, shadow))?;
        Ok(Access { text, import: Some(import) })
    }

    /// The import that makes `member` reachable: joining the file's `from <storage>
    /// import ...` line, or a new statement in the repository's style, written for
    /// this file's root. Returns (reference text, the name it binds, the edit).
    fn new_import(&self, member: &str, storage: &str, configured_root: &str) -> Result<(String, String, Edit), Refusal> {
        let ctx = self.ctx;
        let text = &ctx.file.text;
        if let Some(Stmt::ImportFrom(import)) = self.from_statement {
            if let Some(last) = import.names.last() {
                return Ok((member.to_owned(), member.to_owned(), join_import(text, import.range.start(), last.range, member, ctx.file.encoding.newline)));
            }
        }
        let display = ctx.file.display.as_str();
        let root = match &ctx.model.import_roots {
            Some(roots) => match roots.first() {
                Some(root) => (*root).to_owned(),
                None => {
                    return Err(Refusal::NotImportable { why: "its imports resolve from different directories".to_owned() });
                }
            },
            None if ModuleMap::is_under(configured_root, display) => configured_root.to_owned(),
            None => {
                return Err(Refusal::NotImportable {
                    why: format!(
                        "none of its imports shows a root from which `{}` is importable, and it lies outside `{}`, where the storage module is",
                        ctx.config.storage.module,
                        shown_dir(configured_root)
                    ),
                });
            }
        };
        let Some(dotted) = ModuleMap::dotted_from(&root, storage) else {
            return Err(Refusal::NotImportable { why: format!("its imports resolve from `{}`, and the storage module is not under it", shown_dir(&root)) });
        };
        let style = ctx.index.preferred_import.unwrap_or_else(|| {
            ctx.import_style_wanted.set(true);
            ImportStyle::FromPackage
        });
        let (package, name) = match dotted.rsplit_once('.') {
            Some((package, name)) => (Some(package), name),
            None => (None, dotted.as_str()),
        };
        let (statement, first, reference) = match (style, package) {
            (ImportStyle::FromModule, _) => (format!("from {dotted} import {member}"), member.to_owned(), member.to_owned()),
            (ImportStyle::ImportAs, Some(_)) => (format!("import {dotted} as {name}"), name.to_owned(), format!("{name}.{member}")),
            (_, Some(package)) => (format!("from {package} import {name}"), name.to_owned(), format!("{name}.{member}")),
            (_, None) => (format!("import {name}"), name.to_owned(), format!("{name}.{member}")),
        };
        let at = insertion_offset(ctx.module, text);
        Ok((reference, first, insert_lines(text, at, &statement, ctx.file.encoding.newline)))
    }
}

fn shown_dir(dir: &str) -> String {
    if dir.is_empty() {
        ".".to_owned()
    } else {
        format!("{dir}/")
    }
}

impl Refusal {
    /// Completes "not rewritten: ...".
    pub fn describe(&self, ctx: &RuleContext, text_for: &str) -> String {
        let line = |at: TextSize| ctx.lines.line_of(at);
        match self {
            Refusal::NoStorageModule => format!("the storage module `{}` is not among the paths (see the note)", ctx.config.storage.module),
            Refusal::Shadowed { name, shadow } => match shadow {
                Shadow::Local { kind, at } => format!(
                    "`{name}` is bound in this {} (line {}), so `{text_for}` would mean something else here; rename that name, then rerun",
                    scope_noun(*kind),
                    line(at.start())
                ),
                Shadow::Deleted { at } => format!("`del {name}` on line {} unbinds it, so `{text_for}` could fail with NameError; rewrite by hand", line(at.start())),
                Shadow::Rebound { at } => format!("`{name}` is also bound to something else at module level (line {}), so `{text_for}` may mean something else; rewrite by hand", line(at.start())),
                Shadow::BeforeBinding => format!("module-level code above the import that binds `{name}`; move the import up, then rerun"),
            },
            Refusal::Circular { chain, module_level } => {
                let steps: Vec<String> = chain
                    .iter()
                    .map(|(file, importer)| if importer.line == 0 { format!("{} is its package ({file})", importer.by) } else { format!("{} imports {file} (line {})", importer.by, importer.line) })
                    .collect();
                if *module_level {
                    format!("this file runs while the storage module is imported ({}), so at module level `{text_for}` may not exist yet; rewrite by hand", steps.join(", "))
                } else {
                    format!("importing the storage module here would be circular ({}); import it inside the function by hand", steps.join(", "))
                }
            }
            Refusal::NotImportable { why } => format!("no import of the storage module can be added: {why}; add the import by hand"),
        }
    }
}

fn scope_noun(kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::Function => "function",
        ScopeKind::Lambda => "lambda",
        ScopeKind::Comprehension => "comprehension",
        ScopeKind::TypeParams => "type-parameter list",
        ScopeKind::Class => "class body",
        ScopeKind::Module => "module",
    }
}

/// `member` joined to a `from ... import` statement after its `last` name: on a line of its
/// own, indented like `last`, when the parenthesized names stand one a line
/// (`(\n    a,\n    b,\n)`); otherwise after `last` on its line.
fn join_import(text: &str, start: TextSize, last: TextRange, member: &str, newline: &str) -> Edit {
    let head = &text[start.to_usize()..last.start().to_usize()];
    let line_start = text[..last.start().to_usize()].rfind('\n').map_or(0, |at| at + 1);
    let indent = &text[line_start..last.start().to_usize()];
    let rest = &text[last.end().to_usize()..];
    let line = &rest[..rest.find(['\r', '\n']).unwrap_or(rest.len())];
    let one_a_line = head.contains('(') && head.contains('\n') && indent.chars().all(|c| c == ' ' || c == '\t');
    match line.strip_prefix(',') {
        // After the trailing comma and any comment on that line.
        Some(after) if one_a_line && (after.trim().is_empty() || after.trim_start().starts_with('#')) => {
            Edit::insert(last.end() + TextSize::of(line), format!("{newline}{indent}{member},"))
        }
        None if one_a_line => Edit::insert(last.end(), format!(",{newline}{indent}{member}")),
        _ => Edit::insert(last.end(), format!(", {member}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str, member: &str) -> String {
        let parsed = crate::source::parse_python(text).unwrap();
        let Some(Stmt::ImportFrom(import)) = parsed.syntax().body.first() else { panic!("no import") };
        let edit = join_import(text, import.range.start(), import.names.last().unwrap().range, member, "\n");
        format!("{}{}{}", &text[..edit.start().to_usize()], edit.content, &text[edit.end().to_usize()..])
    }

    #[test]
    fn a_name_joins_an_import_in_its_layout() {
        assert_eq!(joined("from u.s import a, b\n", "C"), "from u.s import a, b, C\n");
        assert_eq!(joined("from u.s import (\n    a,\n    b,  # why\n)\n", "C"), "from u.s import (\n    a,\n    b,  # why\n    C,\n)\n");
        assert_eq!(joined("from u.s import (\n    a,\n    b\n)\n", "C"), "from u.s import (\n    a,\n    b,\n    C\n)\n");
        assert_eq!(joined("from u.s import (a,\n                 b)\n", "C"), "from u.s import (a,\n                 b,\n                 C)\n");
        assert_eq!(joined("from u.s import a, \\\n    b\n", "C"), "from u.s import a, \\\n    b, C\n");
    }
}
