//! The helper functions a translation may call, added once to the storage module right
//! after `storage = supabase.storage` (or after the helpers already there), each only when
//! a translation in the module uses it. Their behaviour was measured against the real
//! Supabase Storage server (tests/python/behaviour/).

use std::borrow::Cow;
use std::collections::BTreeSet;

use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::fix::edit::Edit;
use crate::fix::imports::{insert_lines, insertion_offset, line_end_after, line_start};
use crate::model::{FileModel, Scopes, Site, SiteKind};
use crate::rules::RuleContext;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Helper {
    UploadBody,
    ListObjectPages,
    WalkObjects,
    ListSubfolders,
    RemoveObjects,
    HeadObject,
    CopyObject,
}

impl Helper {
    pub const ALL: [Helper; 7] = [
        Helper::UploadBody,
        Helper::ListObjectPages,
        Helper::WalkObjects,
        Helper::ListSubfolders,
        Helper::RemoveObjects,
        Helper::HeadObject,
        Helper::CopyObject,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Helper::UploadBody => "_upload_body",
            Helper::ListObjectPages => "_list_object_pages",
            Helper::WalkObjects => "_walk_objects",
            Helper::ListSubfolders => "_list_subfolders",
            Helper::RemoveObjects => "_remove_objects",
            Helper::HeadObject => "_head_object",
            Helper::CopyObject => "_copy_object",
        }
    }

    /// Helpers this one calls.
    fn needs(self) -> &'static [Helper] {
        match self {
            Helper::WalkObjects => &[Helper::ListObjectPages],
            Helper::CopyObject => &[Helper::HeadObject],
            _ => &[],
        }
    }

    /// Module imports it needs (an import line and the name it binds).
    fn imports(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Helper::WalkObjects => &[("import itertools", "itertools")],
            Helper::HeadObject => &[("from datetime import datetime", "datetime")],
            _ => &[],
        }
    }

    fn source(self) -> &'static str {
        match self {
            Helper::UploadBody => UPLOAD_BODY,
            Helper::ListObjectPages => LIST_OBJECT_PAGES,
            Helper::WalkObjects => WALK_OBJECTS,
            Helper::ListSubfolders => LIST_SUBFOLDERS,
            Helper::RemoveObjects => REMOVE_OBJECTS,
            Helper::HeadObject => HEAD_OBJECT,
            Helper::CopyObject => COPY_OBJECT,
        }
    }
}

const SECTION: &str = "# ---------------------------------------------------------------------------
# Supabase Storage in the shapes the S3 calls had
# ---------------------------------------------------------------------------
";

const UPLOAD_BODY: &str = r#"def _upload_body(body):
    """put_object's Body as upload() takes it: a str as its UTF-8, a file-like object as what it reads."""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)
"#;

const LIST_OBJECT_PAGES: &str = r#"def _list_object_pages(bucket_name, prefix, page_size=1000):
    """list_objects_v2's pages: [{"Key", "Size", "LastModified", "ETag"}], every key below prefix.

    list_v2 without a delimiter matches the prefix as S3 does (the whole key space below
    it, case-sensitive, a prefix may end mid-name) and orders keys by their bytes. For a
    missing bucket it answers nothing where S3 raises NoSuchBucket, hence get_bucket.
    """
    bucket = storage.from_(bucket_name)
    options = {"prefix": prefix, "limit": page_size}
    while True:
        page = bucket.list_v2(options)
        if not page.objects and "cursor" not in options:
            storage.get_bucket(bucket_name)
        if page.objects:
            yield [
                {
                    "Key": obj.name,
                    "Size": obj.metadata["size"],
                    "LastModified": obj.updated_at.replace(microsecond=0),
                    "ETag": obj.metadata["eTag"],
                }
                for obj in page.objects
            ]
        if not page.hasNext:
            return
        options["cursor"] = page.nextCursor
"#;

const WALK_OBJECTS: &str = r#"def _walk_objects(bucket_name, prefix, max_keys=None):
    """Every object below prefix (the first max_keys of them), S3-shaped, in key order."""
    pages = _list_object_pages(bucket_name, prefix, min(max_keys or 1000, 1000))
    return itertools.islice((obj for page in pages for obj in page), max_keys)
"#;

const LIST_SUBFOLDERS: &str = r#"def _list_subfolders(bucket_name, prefix):
    """list_objects_v2(Prefix=prefix, Delimiter="/")'s CommonPrefixes over every page: [{"Prefix"}]."""
    bucket = storage.from_(bucket_name)
    options = {"prefix": prefix, "limit": 1000, "with_delimiter": True}
    folders = []
    while True:
        page = bucket.list_v2(options)
        folders.extend({"Prefix": folder.name} for folder in page.folders)
        if not page.hasNext:
            break
        options["cursor"] = page.nextCursor
    if not folders:
        storage.get_bucket(bucket_name)
    return folders
"#;

const REMOVE_OBJECTS: &str = r#"def _remove_objects(bucket_name, keys):
    """delete_object(s): remove() answers [] for a missing bucket, where S3 raises NoSuchBucket."""
    if not storage.from_(bucket_name).remove(keys):
        storage.get_bucket(bucket_name)
"#;

const HEAD_OBJECT: &str = r#"def _head_object(bucket_name, key):
    """head_object's fields, from info()."""
    info = storage.from_(bucket_name).info(key)
    return {
        "ContentLength": info["size"],
        "ContentType": info["content_type"],
        "ETag": info["etag"],
        "LastModified": datetime.fromisoformat(info["last_modified"].replace("Z", "+00:00")).replace(microsecond=0),
        "Metadata": info["metadata"],
        "CacheControl": info["cache_control"],
    }
"#;

const COPY_OBJECT: &str = r#"def _copy_object(source_bucket, source_key, dest_bucket, dest_key):
    """copy_object: overwrites the destination, keeps the object's headers, may cross buckets.

    copy() works within one bucket and refuses an existing destination ("409"); then the
    object is downloaded and uploaded again with its headers.
    """
    source = storage.from_(source_bucket)
    if source_bucket == dest_bucket:
        try:
            source.copy(source_key, dest_key)
            return
        except StorageApiError as e:
            if str(e.status) != "409":
                raise
    head = _head_object(source_bucket, source_key)
    cache_control = head["CacheControl"]
    storage.from_(dest_bucket).upload(
        dest_key,
        source.download(source_key),
        {
            "content-type": head["ContentType"],
            "cache-control": cache_control[len("max-age="):] if cache_control.startswith("max-age=") else "",
            "metadata": head["Metadata"],
            "upsert": "true",
        },
    )
"#;

/// The helpers `wanted` need with the ones they call, in their order.
pub fn closure(wanted: &BTreeSet<Helper>) -> BTreeSet<Helper> {
    let mut all = wanted.clone();
    for helper in wanted {
        all.extend(helper.needs().iter().copied());
    }
    all
}

/// The edits adding `needed` (none of which the module defines yet) to the storage
/// module, and the imports they use. Empty when nothing is needed or the module has no
/// `storage` to put them after.
pub fn insertion(ctx: &RuleContext, needed: &BTreeSet<Helper>) -> Vec<Edit> {
    let model = ctx.model;
    let defined = |helper: Helper| model.scopes.local(Scopes::MODULE, helper.name()).is_some();
    let needed: BTreeSet<Helper> = closure(needed).into_iter().filter(|helper| !defined(*helper)).collect();
    if needed.is_empty() || !ctx.is_storage_module {
        return Vec::new();
    }
    let text = ctx.file.text.as_str();
    let nl = ctx.file.encoding.newline;
    let storage = ctx.config.client.storage_name.as_str();
    let body = &ctx.module.body;
    // After the last helper already there, else after `storage = ...`.
    let last_helper = body.iter().rev().find(|stmt| matches!(stmt, Stmt::FunctionDef(def) if Helper::ALL.iter().any(|helper| helper.name() == def.name.as_str())));
    let anchor = last_helper.or_else(|| {
        body.iter().find(|stmt| match stmt {
            Stmt::Assign(assign) => matches!(assign.targets.as_slice(), [ruff_python_ast::Expr::Name(name)] if name.id.as_str() == storage),
            Stmt::AnnAssign(assign) => matches!(assign.target.as_ref(), ruff_python_ast::Expr::Name(name) if name.id.as_str() == storage),
            _ => false,
        })
    });
    let Some(anchor) = anchor else { return Vec::new() };
    let mut content = String::new();
    if last_helper.is_none() {
        content.push_str("\n\n");
        content.push_str(SECTION);
    }
    for helper in &needed {
        content.push_str("\n\n");
        content.push_str(&helper.source_in(model));
    }
    let at = line_end_after(text, anchor.end());
    // PEP 8's two blank lines between the last helper and a statement right after it.
    let rest = &text[at.to_usize()..];
    if !rest.trim().is_empty() {
        let blank = rest.lines().take_while(|line| line.trim().is_empty()).count();
        content.push_str(&"\n".repeat(2usize.saturating_sub(blank)));
    }
    let mut edits = vec![Edit::insert(at, content.replace('\n', nl))];
    let imports: Vec<&str> = needed
        .iter()
        .flat_map(|helper| helper.imports().iter())
        .filter(|(_, name)| model.scopes.local(Scopes::MODULE, name).is_none())
        .map(|(line, _)| *line)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !imports.is_empty() {
        // Above the first import, but never above `from __future__` (that must come first).
        let first_import = body.iter().find(|stmt| match stmt {
            Stmt::Import(_) => true,
            Stmt::ImportFrom(import) => import.module.as_ref().is_none_or(|module| module.as_str() != "__future__"),
            _ => false,
        });
        let at: TextSize = first_import.map_or_else(|| insertion_offset(ctx.module, text), |stmt| line_start(text, stmt.start()));
        // Through insert_lines, so a module docstring just above keeps its empty line.
        edits.push(insert_lines(text, at, &imports.join("\n"), nl));
    }
    edits
}


impl Helper {
    /// The builtins its body calls: nothing at module level may bind their names.
    fn builtins(self) -> &'static [&'static str] {
        match self {
            Helper::UploadBody => &["hasattr", "isinstance", "str", "bytes"],
            Helper::WalkObjects => &["min"],
            Helper::CopyObject => &["str", "len"],
            _ => &[],
        }
    }

    /// `(name, qualified)`: where the module binds `name` to the module of that name
    /// (`import datetime`), the body reads the class it needs as `qualified`.
    fn module_form(self) -> Option<(&'static str, &'static str)> {
        match self {
            Helper::HeadObject => Some(("datetime", "datetime.datetime")),
            _ => None,
        }
    }

    /// Its source for the module of `model`.
    fn source_in(self, model: &FileModel) -> Cow<'static, str> {
        match self.module_form() {
            Some((name, qualified)) if bound_as(model, name, &format!("import {name}")) == Ok(true) => {
                Cow::Owned(self.source().replace(&format!("{name}."), &format!("{qualified}.")))
            }
            _ => Cow::Borrowed(self.source()),
        }
    }
}

/// Whether every module-level binding of `name` in `model` is the import `line` (`import m`
/// or `from m import n`): `Ok(true)` bound so, `Ok(false)` not bound at all, else the first
/// other binding.
pub(super) fn bound_as(model: &FileModel, name: &str, line: &str) -> Result<bool, TextRange> {
    let (module, member) = match line.strip_prefix("from ").and_then(|rest| rest.split_once(" import ")) {
        Some((module, member)) => (Some(module), member),
        None => (None, line.trim_start_matches("import ")),
    };
    every_binding(model, name, |site| match (&site.kind, site.statement) {
        (SiteKind::Import { alias, .. }, Some((stmt, _))) => match (stmt, module) {
            (Stmt::Import(import), None) => import.names.get(*alias).is_some_and(|alias| alias.name.as_str() == member && alias.asname.is_none()),
            (Stmt::ImportFrom(import), Some(module)) => {
                import.level == 0
                    && import.module.as_ref().is_some_and(|dotted| dotted.as_str() == module)
                    && import.names.get(*alias).is_some_and(|alias| alias.name.as_str() == member && alias.asname.as_ref().is_none_or(|asname| asname.as_str() == member))
            }
            _ => false,
        },
        _ => false,
    })
}

/// Whether every module-level binding of `name` in `model` `fits`: `Ok(true)` all do,
/// `Ok(false)` the name is not bound at all, else the range of the first that does not.
fn every_binding(model: &FileModel, name: &str, fits: impl Fn(&Site) -> bool) -> Result<bool, TextRange> {
    let Some(symbol) = model.scopes.local(Scopes::MODULE, name) else { return Ok(false) };
    for &id in &model.scopes.symbol(symbol).sites {
        let site = model.site(id);
        if !fits(site) {
            return Err(site.range);
        }
    }
    Ok(true)
}

/// Why `helper` (with the helpers it calls) cannot go into the storage module of `model`
/// as written: its own name, or a module-level name its body reads, is bound there to
/// something else (`exception` is the configured replacement exception, which `_copy_object` catches).
/// `line_of` numbers offsets for the message.
pub fn conflict(model: &FileModel, text: &str, exception: &str, helper: Helper, line_of: impl Fn(TextSize) -> usize) -> Option<String> {
    let mut wanted = BTreeSet::new();
    wanted.insert(helper);
    for each in closure(&wanted) {
        let reader = if each == helper { format!("`{}`", each.name()) } else { format!("`{}`, which it calls,", each.name()) };
        match written_as_ours(model, text, each) {
            Ok(true) => continue,
            Ok(false) => {}
            // A function of the user's under the helper's name would run in its place.
            Err(at) => {
                return Some(format!(
                    "{reader} is a name the storage module binds to its own code (line {}), not to the helper apply adds; rename that, then rerun",
                    line_of(at.start())
                ))
            }
        }
        let taken = |name: &str, at: TextRange, how: String| {
            Some(format!("{reader} reads `{name}` as {how}, and the storage module binds `{name}` to something else (line {}); rename that, then rerun", line_of(at.start())))
        };
        let mut imports: Vec<(String, &str)> = each.imports().iter().map(|(line, name)| ((*line).to_owned(), *name)).collect();
        if each == Helper::CopyObject {
            if let Some((module, name)) = exception.rsplit_once('.') {
                imports.push((format!("from {module} import {name}"), name));
            }
        }
        for (line, name) in &imports {
            let module_form = each.module_form().is_some_and(|(form, _)| form == *name) && bound_as(model, name, &format!("import {name}")) == Ok(true);
            if let (Err(at), false) = (bound_as(model, name, line), module_form) {
                return taken(name, at, format!("`{line}` binds it"));
            }
        }
        for name in each.builtins() {
            if let Some(symbol) = model.scopes.local(Scopes::MODULE, name) {
                let at = model.scopes.symbol(symbol).sites.first().map_or_else(TextRange::default, |&site| model.site(site).range);
                return taken(name, at, "the builtin".to_owned());
            }
        }
    }
    None
}

/// Whether the storage module binds `helper`'s name only to the helper as apply writes it
/// (`Ok(true)`: an earlier apply added it), to nothing (`Ok(false)`), or else the first
/// binding that is something else.
fn written_as_ours(model: &FileModel, text: &str, helper: Helper) -> Result<bool, TextRange> {
    let source = helper.source_in(model);
    every_binding(model, helper.name(), |site| match (&site.kind, site.statement) {
        (SiteKind::Function(_), Some((stmt, _))) => text[stmt.range()].replace("\r\n", "\n") == source.trim_end(),
        _ => false,
    })
}
