//! Facts about the whole project, built before the rules run and fixed for the run:
//! the Python modules among the paths (`modules`), the storage module and what it
//! exports (its S3 client, bucket functions, constants), the files Python runs when it
//! imports the storage module (an import of it added to one of those would be
//! circular), other files' exports (factories, module-level clients; collected from the
//! first pass over the files), and the repository's import style.

pub mod graph;
pub mod modules;

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Config, ImportStyle};
use ruff_text_size::{Ranged, TextRange};

use crate::model::{BucketMatcher, Export, ExportTable, FileModel, ModelInput, ModuleExports, Scopes, SymbolId, Value};
use crate::rules::s3_calls::Missing;
use crate::source::parse_python;
use modules::ModuleMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StorageModule {
    /// Its display path, e.g. `backend/utils/s3_utils.py`.
    pub display: String,
    /// The directory its configured dotted path resolves from (`backend` for
    /// `backend/utils/s3_utils.py` as `utils.s3_utils`).
    pub root: String,
    pub exports: ModuleExports,
    /// Functions `f(bucket, prefix)` that return every key below the prefix (the call
    /// translation lists through them outside the storage module).
    pub key_listers: BTreeSet<String>,
    /// Whether it has (or this run gives it) the module-level Supabase storage client the
    /// other files' call translations reach (`s3_utils.storage`), as it was read.
    pub setup: crate::rules::boto3_client::StorageSetup,
    /// The helpers it cannot get as written, by name, and why (a name their body reads
    /// means something else there).
    pub helper_conflicts: BTreeMap<String, String>,
    /// What the other files need from it once their own rewrites are made (it is
    /// processed after them; empty while they are).
    pub demand: StorageDemand,
    /// What each of its module-level functions raises once this run has processed it
    /// (decided before the other files are, from a dry run of its own processing);
    /// `None` until decided.
    pub raises: Option<BTreeMap<String, Raises>>,
    /// Its functions another file passes a bucket `buckets.names` leaves out, each with
    /// the first such bucket and where it is passed (`app/views.py:5:31`): they stay on S3
    /// with that bucket. Known once the other files have been read (empty before); its
    /// own such calls its processing reads itself.
    pub passed_unlisted: BTreeMap<String, (String, String)>,
}

/// What a storage-module function raises after this run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Raises {
    /// It still makes boto3 calls (held back, or another AWS service's): boto3's errors.
    Boto3,
    /// It makes no boto3 call: Supabase's errors. `missing`: how the calls this run
    /// translates in it (and in the module's functions it calls) report a missing object;
    /// empty when it made none (it ran on Supabase before this run).
    Supabase { missing: BTreeSet<Missing> },
}

/// What the files other than the storage module need from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StorageDemand {
    /// Helper functions their call translations call (`s3_utils._copy_object(...)`).
    pub helpers: BTreeSet<String>,
    /// Its S3 objects (`s3_client`) that they still use: kept.
    pub reached: BTreeSet<String>,
}

impl StorageModule {
    /// The storage module read from `text` (an unreadable or unparsable one exports nothing).
    pub fn read(config: &Config, display: &str, text: Option<&str>, modules: &ModuleMap, matcher: &BucketMatcher) -> StorageModule {
        let root = storage_root(display, &config.storage.module);
        let mut key_listers = BTreeSet::new();
        let mut setup = crate::rules::boto3_client::StorageSetup::Missing;
        let mut helper_conflicts = BTreeMap::new();
        let exports = text
            .and_then(|text| {
                let parsed = parse_python(text).ok()?;
                key_listers = crate::rules::s3_calls::key_listers(parsed.syntax());
                let model = FileModel::build(parsed.syntax(), &storage_input(config, display, text, modules, matcher));
                setup = crate::rules::boto3_client::storage_setup(&config.client, &parsed.syntax().body, text, &model.scopes, &model.exports);
                helper_conflicts = crate::rules::s3_calls::helper_conflicts(&model, text, config);
                Some(model.exports)
            })
            .unwrap_or_default();
        StorageModule { display: display.to_owned(), root, exports, key_listers, setup, helper_conflicts, demand: StorageDemand::default(), raises: None, passed_unlisted: BTreeMap::new() }
    }
}

impl StorageModule {
    /// Decide what its functions raise from `text`, the module as this run leaves it
    /// (its own processing, done dry), and `translated`, the functions whose S3 calls that
    /// processing translated with how each reports a missing object. A function raises
    /// boto3's errors while it, or a module function it calls, still makes a boto3 call.
    pub fn decide(&mut self, config: &Config, text: &str, modules: &ModuleMap, matcher: &BucketMatcher, translated: &[(String, Vec<Missing>)]) {
        let Ok(parsed) = parse_python(text) else {
            self.raises = Some(BTreeMap::new());
            return;
        };
        let model = FileModel::build(parsed.syntax(), &storage_input(config, &self.display, text, modules, matcher));
        // The module-level functions, by position.
        let mut functions: Vec<(TextRange, &str, SymbolId)> = model
            .functions
            .iter()
            .filter_map(|function| {
                let symbol = model.site(function.site).symbol;
                (model.scopes.symbol(symbol).scope == Scopes::MODULE).then(|| (function.def.range, function.def.name.as_str(), symbol))
            })
            .collect();
        functions.sort_by_key(|(range, ..)| range.start());
        let enclosing = |at: TextRange| {
            let index = functions.partition_point(|(range, ..)| range.start() <= at.start()).checked_sub(1)?;
            functions[index].0.contains_range(at).then_some(index)
        };
        let mut boto = vec![false; functions.len()];
        let mut missing: Vec<BTreeSet<Missing>> = functions
            .iter()
            .map(|(_, name, _)| translated.iter().filter(|(done, _)| done == name).flat_map(|(_, kinds)| kinds.iter().copied()).collect())
            .collect();
        let mut called: Vec<Vec<usize>> = vec![Vec::new(); functions.len()];
        for call in &model.calls {
            if let Some(index) = enclosing(call.call.range()) {
                boto[index] = true;
            }
        }
        for use_ in &model.uses {
            let Some(index) = enclosing(use_.name.range) else { continue };
            if matches!(use_.value, Value::Service(_)) {
                boto[index] = true;
            }
            if let Some(callee) = use_.symbol.and_then(|symbol| functions.iter().position(|(.., function)| *function == symbol)) {
                called[index].push(callee);
            }
        }
        // What a function calls it raises too: spread until nothing changes.
        let mut changed = true;
        while changed {
            changed = false;
            for index in 0..functions.len() {
                for &callee in &called[index] {
                    if boto[callee] && !boto[index] {
                        boto[index] = true;
                        changed = true;
                    }
                    let more: Vec<Missing> = missing[callee].difference(&missing[index]).copied().collect();
                    changed |= !more.is_empty();
                    missing[index].extend(more);
                }
            }
        }
        let raises = functions
            .iter()
            .zip(boto.into_iter().zip(missing))
            .map(|((_, name, _), (boto, missing))| ((*name).to_owned(), if boto { Raises::Boto3 } else { Raises::Supabase { missing } }))
            .collect();
        self.raises = Some(raises);
    }

    /// Its function the other files list every key below a prefix through: the first
    /// key lister not known to keep boto3 calls after this run (listing through one that
    /// does would stay on S3 and raise boto3's errors, which the caller's handlers, changed
    /// with the listing, no longer catch). The run decides `raises` before any other file.
    pub fn key_lister(&self) -> Option<&str> {
        let stays_on_s3 = |name: &str| matches!(self.raises.as_ref().and_then(|raises| raises.get(name)), Some(Raises::Boto3));
        self.key_listers.iter().map(String::as_str).find(|name| !stays_on_s3(name))
    }

    /// The names of its module-level S3 objects (`s3_client`).
    pub fn objects(&self) -> impl Iterator<Item = &str> {
        self.exports.names.iter().filter(|(_, export)| matches!(export, Export::Object(..))).map(|(name, _)| name.as_str())
    }
}

/// The model input of the storage module's `text`, read on its own (before any other file).
fn storage_input<'a>(config: &'a Config, display: &'a str, text: &'a str, modules: &'a ModuleMap, matcher: &'a BucketMatcher) -> ModelInput<'a> {
    static NO_EXPORTS: ExportTable = ExportTable::new();
    ModelInput { config, display, text, modules, storage: None, exports: &NO_EXPORTS, buckets: matcher, is_storage_module: true, exports_final: true }
}

/// `backend` for `backend/utils/s3_utils.py` and `utils.s3_utils`.
fn storage_root(display: &str, module: &str) -> String {
    let suffix = module.replace('.', "/");
    for tail in [format!("{suffix}.py"), format!("{suffix}/__init__.py")] {
        if display == tail {
            return String::new();
        }
        if let Some(root) = display.strip_suffix(&format!("/{tail}")) {
            return root.to_owned();
        }
    }
    modules::directory(display).to_owned()
}

/// Who makes Python run a file while it imports the storage module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Importer {
    /// The importing file's display path.
    pub by: String,
    /// The 1-based line of the import.
    pub line: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectIndex {
    pub modules: ModuleMap,
    pub storage: Option<StorageModule>,
    /// Files run (at module level, transitively) when the storage module is imported,
    /// with what imports each: a new import of the storage module in one of them would
    /// be circular.
    pub storage_imports: BTreeMap<String, Importer>,
    /// Other files' exports, by display path (complete after the first pass).
    pub exports: ExportTable,
    /// `exports` holds every file's exports.
    pub exports_final: bool,
    /// Before that, the files whose exports `exports` holds as they will stay (processed
    /// in an earlier wave of the first pass): an answer from them is final.
    pub exports_settled: BTreeSet<String>,
    /// The import style for files that need one (never `Auto`); `None` until the run
    /// has counted the styles the files use.
    pub preferred_import: Option<ImportStyle>,
    /// By display path, the names other files import from it (`from aws import s3`),
    /// each with its first importer in path order; complete with `exports`.
    pub importers: Importers,
}

/// Display path → imported name → the first file importing it.
pub type Importers = BTreeMap<String, BTreeMap<String, Importer>>;

impl ProjectIndex {
    /// `storage` is the storage module, if it is among the paths; `read` gives a file's
    /// text by display path (for the files the storage module imports).
    pub fn new(config: &Config, modules: ModuleMap, storage: Option<StorageModule>, read: impl Fn(&str) -> Option<String>) -> ProjectIndex {
        let preferred_import = match config.storage.import_style {
            ImportStyle::Auto => None,
            chosen => Some(chosen),
        };
        let storage_imports = storage.as_ref().map(|storage| graph::run_on_import(&modules, &storage.display, &storage.root, read)).unwrap_or_default();
        ProjectIndex { modules, storage, storage_imports, exports: ExportTable::new(), exports_final: false, exports_settled: BTreeSet::new(), preferred_import, importers: Importers::new() }
    }

    /// The first other file importing `name` from `display`, once every file is read.
    pub fn importer_of(&self, display: &str, name: &str) -> Option<&Importer> {
        self.importers.get(display)?.get(name)
    }

    pub fn is_storage_module(&self, display: &str) -> bool {
        self.storage.as_ref().is_some_and(|storage| storage.display == display)
    }

    /// The chain of imports by which importing the storage module runs `display`
    /// (`utils/s3_utils.py imports config/settings.py (line 3)`), if it does.
    pub fn circular_chain(&self, display: &str) -> Option<Vec<(String, Importer)>> {
        let mut chain = Vec::new();
        let mut current = display;
        while let Some(importer) = self.storage_imports.get(current) {
            chain.push((current.to_owned(), importer.clone()));
            if chain.len() > self.storage_imports.len() {
                break;
            }
            current = &importer.by;
        }
        (!chain.is_empty()).then(|| {
            chain.reverse();
            chain
        })
    }

    /// This index during the first pass, with the exports of the files processed so far.
    pub fn with_exports_of(&self, exports: ExportTable, settled: BTreeSet<String>) -> ProjectIndex {
        ProjectIndex { exports, exports_settled: settled, ..self.clone() }
    }

    /// This index with every file's exports and the import style settled.
    pub fn settled(&self, exports: ExportTable, importers: Importers, style: ImportStyle) -> ProjectIndex {
        let mut index = self.clone();
        index.exports = exports;
        index.importers = importers;
        index.exports_final = true;
        index.preferred_import.get_or_insert(style);
        index
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

/// Every file's exports from the first pass, keyed by display path (empty ones left out).
pub fn export_table(exports: impl IntoIterator<Item = (String, ModuleExports)>) -> ExportTable {
    exports.into_iter().filter(|(_, exports)| !exports.names.is_empty()).collect::<BTreeMap<_, _>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_file_matches_by_dotted_suffix() {
        assert!(is_module_file("backend/utils/s3_utils.py", "utils.s3_utils"));
        assert!(is_module_file("utils/s3_utils.py", "utils.s3_utils"));
        assert!(is_module_file("x/utils/s3_utils/__init__.py", "utils.s3_utils"));
        assert!(!is_module_file("backend/myutils/s3_utils.py", "utils.s3_utils"));
        assert!(!is_module_file("backend/utils/s3_utils.pyi", "utils.s3_utils"));
    }

    #[test]
    fn the_storage_root_is_where_its_dotted_name_resolves_from() {
        assert_eq!(storage_root("lms-backend/backend/utils/s3_utils.py", "utils.s3_utils"), "lms-backend/backend");
        assert_eq!(storage_root("utils/s3_utils.py", "utils.s3_utils"), "");
        assert_eq!(storage_root("x/utils/s3_utils/__init__.py", "utils.s3_utils"), "x");
    }

    #[test]
    fn predominant_style_counts_and_prefers_from_package_on_ties() {
        use ImportStyle::*;
        assert_eq!(predominant(&[]), FromPackage);
        assert_eq!(predominant(&[ImportAs, FromPackage]), FromPackage);
        assert_eq!(predominant(&[ImportAs, ImportAs, FromPackage]), ImportAs);
    }

    #[test]
    fn a_function_raises_boto3_errors_while_it_or_a_function_it_calls_keeps_a_boto3_call() {
        let config = Config::defaults();
        let display = "utils/s3_utils.py";
        let text = "\
import boto3
storage = None
s3_client = boto3.client('s3')
sqs = boto3.client('sqs')
def read(key):
    return storage.from_('b').download(key)
def read_or_none(key):
    return read(key)
def share(key):
    s3_client.put_object(Bucket='b', Key=key, Body=b'x', ACL='public-read')
def share_twice(key):
    share(key)
def notify(body):
    read(body)
    sqs.send_message(QueueUrl='q', MessageBody=body)
def helper():
    return 1
";
        let modules = ModuleMap::new([display], Some(display));
        let matcher = BucketMatcher::new(&config.buckets);
        let mut storage = StorageModule::read(&config, display, Some(text), &modules, &matcher);
        storage.decide(&config, text, &modules, &matcher, &[("read".to_owned(), vec![Missing::NoSuchKey])]);
        let supabase = |missing: &[Missing]| Raises::Supabase { missing: missing.iter().copied().collect() };
        let expected: BTreeMap<String, Raises> = [
            ("helper", supabase(&[])),
            ("notify", Raises::Boto3),
            ("read", supabase(&[Missing::NoSuchKey])),
            ("read_or_none", supabase(&[Missing::NoSuchKey])),
            ("share", Raises::Boto3),
            ("share_twice", Raises::Boto3),
        ]
        .into_iter()
        .map(|(name, raises)| (name.to_owned(), raises))
        .collect();
        assert_eq!(storage.raises, Some(expected));
    }

    #[test]
    fn storage_exports_its_client_and_bucket_functions() {
        let config = Config::defaults();
        let text = "import boto3\ns3_client = boto3.client('s3')\nS3_BUCKET_NAME = 'anantra-lms-store'\ndef upload_file_to_s3(bucket_name, key, body):\n    s3_client.put_object(Bucket=bucket_name, Key=key, Body=body)\n";
        let display = "backend/utils/s3_utils.py";
        let modules = ModuleMap::new([display], Some(display));
        let storage = StorageModule::read(&config, display, Some(text), &modules, &BucketMatcher::new(&config.buckets));
        let names: Vec<String> = storage.exports.names.iter().map(|(name, export)| format!("{name}={export:?}")).collect();
        assert_eq!(
            names,
            [
                "S3_BUCKET_NAME=Constant(\"anantra-lms-store\")",
                "s3_client=Object(Client, Sync)",
                "upload_file_to_s3=BucketFunction { parameter: 0, name: \"bucket_name\" }",
            ]
        );
        assert_eq!(storage.root, "backend");
    }
}
