//! Test support shared by the rule families: run a family (or all of them) on a source
//! string the way the pipeline does, and apply its fixes until nothing applies.

use std::cell::{Cell, RefCell};

use crate::config::Config;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::fix::apply::apply_fixes;
use crate::fix::edit::Applicability;
use crate::model::{BucketMatcher, FileModel, ModelInput};
use crate::project_index::modules::ModuleMap;
use crate::project_index::{ProjectIndex, StorageDemand, StorageModule};
use crate::rules::RuleContext;
use crate::source::{parse_python, SourceFile};
use crate::suppress::Suppressions;

/// The storage module's path in these tests.
pub const STORAGE: &str = "backend/utils/s3_utils.py";

/// The storage module these tests run against: the fixture backend's.
const STORAGE_TEXT: &str = include_str!("../../fixtures/lms-backend/backend/utils/s3_utils.py");

/// What `check` finds on `text` read as the file `display`, in a project holding the
/// fixture's storage module (and `backend/` packages).
pub fn findings_of(check: impl for<'c> Fn(&'c RuleContext<'c>) -> Vec<Finding>, config: &Config, text: &str, display: &str) -> Vec<Finding> {
    findings_with_storage(check, config, text, display, Some(StorageDemand::default()))
}

/// The same, with what the other files need from the storage module (`None`: the
/// storage module is not among the paths).
pub fn findings_with_storage(
    check: impl for<'c> Fn(&'c RuleContext<'c>) -> Vec<Finding>,
    config: &Config,
    text: &str,
    display: &str,
    demand: Option<StorageDemand>,
) -> Vec<Finding> {
    let matcher = BucketMatcher::new(&config.buckets);
    let storage_path = demand.is_some().then_some(STORAGE);
    let mut files = vec!["backend/utils/__init__.py", "backend/routes/__init__.py", "backend/api/__init__.py", "backend/app.py", display];
    files.extend(storage_path);
    let modules = ModuleMap::new(files, storage_path);
    let storage_text = if display == STORAGE { text } else { STORAGE_TEXT };
    let storage = demand.map(|demand| StorageModule { demand, ..StorageModule::read(config, STORAGE, Some(storage_text), &modules, &matcher) });
    let mut index = ProjectIndex::new(config, modules, storage, |_| None);
    index.preferred_import.get_or_insert(crate::config::ImportStyle::FromPackage);
    index.exports_final = true;
    let is_storage = display == STORAGE && index.storage.is_some();
    let source = SourceFile::decode(display.to_owned(), FileKind::Python, text.as_bytes()).unwrap();
    let parsed = parse_python(&source.text).unwrap();
    let input = ModelInput {
        config,
        display,
        text: &source.text,
        modules: &index.modules,
        storage: index.storage.as_ref().map(|storage| &storage.exports),
        exports: &index.exports,
        buckets: &matcher,
        is_storage_module: is_storage,
        exports_final: true,
    };
    let model = FileModel::build(parsed.syntax(), &input);
    let lines = source.line_index();
    let suppressions = Suppressions::from_python(&source.text, parsed.tokens(), &lines);
    let (wanted, missing) = (Cell::new(false), Cell::new(false));
    let ctx = RuleContext {
        config,
        index: &index,
        model: &model,
        file: &source,
        module: parsed.syntax(),
        tokens: parsed.tokens(),
        matcher: &matcher,
        is_storage_module: is_storage,
        lines: &lines,
        suppressions: &suppressions,
        import_style_wanted: &wanted,
        importers_asked: &RefCell::new(Vec::new()),
        storage_missing: &missing,
        translated: &RefCell::new(Vec::new()),
    };
    check(&ctx)
}

/// Apply the safe fixes `findings` gives until nothing applies, as the pipeline does;
/// every output must parse and the loop must settle. Returns the text and the last
/// pass's findings.
pub fn settle(text: &str, findings: impl Fn(&str) -> Vec<Finding>) -> (String, Vec<Finding>) {
    let mut current = text.to_owned();
    for _ in 0..10 {
        let found = findings(&current);
        let applied = apply_fixes(&current, &found, Applicability::Safe);
        if applied.fixed.is_empty() {
            return (current, found);
        }
        assert!(parse_python(&applied.text).is_ok(), "output does not parse:\n{}", applied.text);
        current = applied.text;
    }
    panic!("fixes did not settle:\n{current}");
}

/// The bundled fixture backend's configuration (`fixtures/lms-backend/.s3-to-supabase.toml`:
/// both of its buckets listed), for tests that run on its files.
pub fn fixture_config() -> Config {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lms-backend/.s3-to-supabase.toml");
    Config::load(Some(&path)).expect("the fixture's configuration loads")
}
