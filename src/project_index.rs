//! Facts about the whole project, built once before any rule runs (`ProjectIndex`),
//! and how one file reaches the storage module (`FileBindings`, recomputed on every
//! pass from the file's current parse).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::{ModModule, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::config::{Config, ImportStyle};
use crate::scope::bound_names;

pub mod modules;

/// Parameter names that mark a storage function's first argument as a bucket.
const BUCKET_PARAMETERS: [&str; 4] = ["bucket", "bucket_name", "bucket_id", "Bucket"];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StorageModule {
    /// Its display path, e.g. `backend/utils/s3_utils.py`.
    pub display: String,
    /// Functions whose first parameter is a bucket name.
    pub bucket_functions: BTreeSet<String>,
    /// Functions `f(bucket, prefix)` that return every key below the prefix (the call
    /// translation lists through them outside the storage module).
    pub key_listers: BTreeSet<String>,
    /// What the other files need from it once their own rewrites are made (it is
    /// processed after them; empty while they are).
    pub demand: StorageDemand,
}

/// What the files other than the storage module need from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StorageDemand {
    /// Helper functions their call translations call (`s3_utils._copy_object(...)`).
    pub helpers: BTreeSet<String>,
    /// Its S3 objects (`s3_client`) that they still use: kept.
    pub reached: BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectIndex {
    pub storage: Option<StorageModule>,
    /// The import style for files that need one (never `Auto`); `None` until the run
    /// has counted the styles the files use.
    pub preferred_import: Option<ImportStyle>,
}

impl StorageModule {
    pub fn from_parsed(display: &str, module: &ModModule) -> StorageModule {
        StorageModule {
            display: display.to_owned(),
            bucket_functions: bucket_functions(module),
            key_listers: crate::rules::s3_calls::key_listers(module),
            demand: StorageDemand::default(),
        }
    }
}

impl ProjectIndex {
    /// `storage` is the storage module, if it is among the paths;
    /// `styles` are the import styles the files already use (one entry a file).
    pub fn build(config: &Config, storage: Option<StorageModule>, styles: &[ImportStyle]) -> ProjectIndex {
        let preferred_import = match config.storage.import_style {
            ImportStyle::Auto => predominant(styles),
            chosen => chosen,
        };
        ProjectIndex { storage, preferred_import: Some(preferred_import) }
    }

    /// An index whose import style, when configured as `auto`, is still to be counted
    /// from the files as they are processed (see `FileBindings::import_style_wanted`).
    pub fn pending(config: &Config, storage: Option<StorageModule>) -> ProjectIndex {
        let preferred_import = match config.storage.import_style {
            ImportStyle::Auto => None,
            chosen => Some(chosen),
        };
        ProjectIndex { storage, preferred_import }
    }

    pub fn is_storage_module(&self, display: &str) -> bool {
        self.storage.as_ref().is_some_and(|storage| storage.display == display)
    }
}

/// Whether `display` is the file of the dotted `module` (`backend/utils/s3_utils.py`
/// is `utils.s3_utils`; so is `utils/s3_utils/__init__.py`).
pub fn is_module_file(display: &str, module: &str) -> bool {
    let suffix = module.replace('.', "/");
    [format!("{suffix}.py"), format!("{suffix}/__init__.py")]
        .iter()
        .any(|tail| display == tail || display.ends_with(&format!("/{tail}")))
}

fn bucket_functions(module: &ModModule) -> BTreeSet<String> {
    module
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::FunctionDef(def) => {
                let first = def.parameters.iter_non_variadic_params().next()?;
                BUCKET_PARAMETERS
                    .contains(&first.parameter.name.as_str())
                    .then(|| def.name.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The most used style; ties and no data prefer `from package import module`.
pub fn predominant(styles: &[ImportStyle]) -> ImportStyle {
    let count = |style| styles.iter().filter(|&&used| used == style).count();
    [ImportStyle::FromPackage, ImportStyle::ImportAs, ImportStyle::FromModule]
        .into_iter()
        .rev()
        .max_by_key(|&style| count(style))
        .filter(|&style| count(style) > 0)
        .unwrap_or(ImportStyle::FromPackage)
}

/// An existing module-level binding of the storage module or of one of its names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// How code refers to it: `s3_utils`, `s3u`, `utils.s3_utils`, `SUPABASE_BUCKET_NAME`.
    pub reference: String,
    /// The import statement that creates it; a use at module level must come after it.
    pub statement: TextRange,
}

/// How one file reaches the storage module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileBindings {
    /// The module itself, bound by `import ... as`, `from package import module`, or plain `import`.
    pub module: Option<Binding>,
    /// The bucket constant imported by name (`from utils.s3_utils import SUPABASE_BUCKET_NAME [as X]`).
    pub constant: Option<Binding>,
    /// Storage functions bound by name: local name → function name.
    pub functions: BTreeMap<String, String>,
    /// The style this file uses, for counting the predominant one.
    pub style: Option<ImportStyle>,
    /// Every name bound at module level, to detect a clash with a name we would add.
    pub module_names: BTreeSet<String>,
    /// Set by a rule that needed the repository's import style before the run had
    /// counted it: the file is processed again once it is known.
    pub import_style_wanted: Cell<bool>,
}

impl FileBindings {
    pub fn of(module: &ModModule, display: &str, config: &Config, storage_display: Option<&str>) -> FileBindings {
        let mut bindings = FileBindings {
            module_names: bound_names(None, &module.body),
            ..FileBindings::default()
        };
        let target = &config.storage.module;
        let mut imports = Vec::new();
        collect_module_level_imports(&module.body, &mut imports);
        for stmt in imports {
            match stmt {
                Stmt::Import(import) => {
                    for alias in &import.names {
                        if !names_storage(&alias.name, target) {
                            continue;
                        }
                        let reference = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                        bindings.style.get_or_insert(ImportStyle::ImportAs);
                        bindings.module.get_or_insert(Binding { reference, statement: import.range });
                    }
                }
                Stmt::ImportFrom(import) => {
                    let from = resolve_from(import.module.as_deref(), import.level, display, storage_display, target);
                    for alias in &import.names {
                        let local = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                        let binding = Binding { reference: local.clone(), statement: import.range };
                        match &from {
                            // from utils import s3_utils
                            Some(FromTarget::Package(package))
                                if names_storage(&join(package, &alias.name), target) =>
                            {
                                bindings.style.get_or_insert(ImportStyle::FromPackage);
                                bindings.module.get_or_insert(binding);
                            }
                            Some(FromTarget::Storage) => {
                                bindings.style.get_or_insert(ImportStyle::FromModule);
                                if alias.name.as_str() == config.storage.constant {
                                    bindings.constant.get_or_insert(binding);
                                } else {
                                    bindings.functions.insert(local, alias.name.to_string());
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        bindings
    }
}

/// What a `from X import ...` statement imports from.
enum FromTarget {
    /// `X` is the storage module itself.
    Storage,
    /// `X` is some other module or package (dotted, absolute form when we could resolve it).
    Package(String),
}

fn join(package: &str, name: &str) -> String {
    if package.is_empty() {
        name.to_owned()
    } else {
        format!("{package}.{name}")
    }
}

/// `dotted` names the storage module when it equals its configured dotted path or ends
/// with it (`backend.utils.s3_utils` run from the repository root).
fn names_storage(dotted: &str, target: &str) -> bool {
    dotted == target || dotted.ends_with(&format!(".{target}"))
}

/// Resolve `from <module> import` (with `level` leading dots) against the file's location.
fn resolve_from(
    module: Option<&str>,
    level: u32,
    display: &str,
    storage_display: Option<&str>,
    target: &str,
) -> Option<FromTarget> {
    if level == 0 {
        let module = module?;
        return Some(if names_storage(module, target) {
            FromTarget::Storage
        } else {
            FromTarget::Package(module.to_owned())
        });
    }
    // Relative: climb from the file's directory, then compare paths with the storage file.
    let mut dir: Vec<&str> = display.split('/').collect();
    dir.pop();
    for _ in 1..level {
        dir.pop()?;
    }
    let mut path = dir.join("/");
    if let Some(module) = module {
        path = join_path(&path, &module.replace('.', "/"));
    }
    let storage = storage_display?;
    let storage_stem = storage.strip_suffix("/__init__.py").or_else(|| storage.strip_suffix(".py"))?;
    if path == storage_stem {
        return Some(FromTarget::Storage);
    }
    // Express the package as a dotted path that ends like the target when it contains the storage module.
    let (storage_package, _) = storage_stem.rsplit_once('/').unwrap_or(("", storage_stem));
    if path == storage_package {
        let package = target.rsplit_once('.').map_or("", |(package, _)| package);
        return Some(FromTarget::Package(package.to_owned()));
    }
    Some(FromTarget::Package(path.replace('/', ".")))
}

fn join_path(dir: &str, rest: &str) -> String {
    if dir.is_empty() {
        rest.to_owned()
    } else {
        format!("{dir}/{rest}")
    }
}

/// Imports at module level, including inside `if`/`try`/`with` blocks but not in
/// functions or classes.
fn collect_module_level_imports<'a>(body: &'a [Stmt], out: &mut Vec<&'a Stmt>) {
    for stmt in body {
        match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => out.push(stmt),
            Stmt::If(branch) => {
                collect_module_level_imports(&branch.body, out);
                for clause in &branch.elif_else_clauses {
                    collect_module_level_imports(&clause.body, out);
                }
            }
            Stmt::Try(block) => {
                collect_module_level_imports(&block.body, out);
                for handler in &block.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    collect_module_level_imports(&handler.body, out);
                }
                collect_module_level_imports(&block.orelse, out);
                collect_module_level_imports(&block.finalbody, out);
            }
            Stmt::With(block) => collect_module_level_imports(&block.body, out),
            _ => {}
        }
    }
}

impl Ranged for Binding {
    fn range(&self) -> TextRange {
        self.statement
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_python;

    fn bindings(text: &str, display: &str) -> FileBindings {
        let parsed = parse_python(text).unwrap();
        FileBindings::of(parsed.syntax(), display, &Config::defaults(), Some("backend/utils/s3_utils.py"))
    }

    fn module_ref(text: &str, display: &str) -> Option<String> {
        bindings(text, display).module.map(|binding| binding.reference)
    }

    #[test]
    fn module_file_matches_by_dotted_suffix() {
        assert!(is_module_file("backend/utils/s3_utils.py", "utils.s3_utils"));
        assert!(is_module_file("utils/s3_utils.py", "utils.s3_utils"));
        assert!(is_module_file("x/utils/s3_utils/__init__.py", "utils.s3_utils"));
        assert!(!is_module_file("backend/myutils/s3_utils.py", "utils.s3_utils"));
        assert!(!is_module_file("backend/utils/s3_utils.pyi", "utils.s3_utils"));
    }

    #[test]
    fn every_way_to_import_the_module() {
        assert_eq!(module_ref("from utils import s3_utils\n", "backend/a.py").as_deref(), Some("s3_utils"));
        assert_eq!(module_ref("import utils.s3_utils as s3u\n", "backend/a.py").as_deref(), Some("s3u"));
        assert_eq!(module_ref("import utils.s3_utils\n", "backend/a.py").as_deref(), Some("utils.s3_utils"));
        assert_eq!(module_ref("from backend.utils import s3_utils as s\n", "a.py").as_deref(), Some("s"));
        assert_eq!(module_ref("from . import s3_utils\n", "backend/utils/x.py").as_deref(), Some("s3_utils"));
        assert_eq!(module_ref("from ..utils import s3_utils\n", "backend/api/x.py").as_deref(), Some("s3_utils"));
        assert_eq!(module_ref("from myutils import s3_utils\n", "backend/a.py"), None);
        assert_eq!(module_ref("def f():\n    from utils import s3_utils\n", "backend/a.py"), None);
        assert_eq!(module_ref("try:\n    from utils import s3_utils\nexcept ImportError:\n    pass\n", "backend/a.py").as_deref(), Some("s3_utils"));
    }

    #[test]
    fn member_imports_bind_the_constant_and_functions() {
        let found = bindings(
            "from utils.s3_utils import SUPABASE_BUCKET_NAME as B, upload_file_to_s3\nfrom .s3_utils import read\n",
            "backend/utils/x.py",
        );
        assert_eq!(found.constant.map(|binding| binding.reference).as_deref(), Some("B"));
        assert_eq!(found.functions.get("upload_file_to_s3").map(String::as_str), Some("upload_file_to_s3"));
        assert_eq!(found.functions.get("read").map(String::as_str), Some("read"));
        assert_eq!(found.style, Some(ImportStyle::FromModule));
    }

    #[test]
    fn predominant_style_counts_and_prefers_from_package_on_ties() {
        use ImportStyle::*;
        assert_eq!(predominant(&[]), FromPackage);
        assert_eq!(predominant(&[ImportAs, FromPackage]), FromPackage);
        assert_eq!(predominant(&[ImportAs, ImportAs, FromPackage]), ImportAs);
    }

    #[test]
    fn bucket_functions_are_those_taking_a_bucket_first() {
        let parsed = parse_python("def up(bucket_name, key): pass\ndef path(user): pass\ndef get(Bucket, Key): pass\n").unwrap();
        assert_eq!(bucket_functions(parsed.syntax()).into_iter().collect::<Vec<_>>(), ["get", "up"]);
    }
}
