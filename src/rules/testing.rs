//! Test support shared by the rule families: run a family (or all of them) on a source
//! string the way the pipeline does, and apply its fixes until nothing applies.

use crate::config::Config;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::fix::apply::apply_fixes;
use crate::fix::edit::Applicability;
use crate::model::{FileModel, ModelFacts};
use crate::project_index::{FileBindings, ProjectIndex, StorageModule};
use crate::rules::RuleContext;
use crate::source::{parse_python, SourceFile};
use crate::suppress::Suppressions;

/// The storage module's path in these tests.
pub const STORAGE: &str = "backend/utils/s3_utils.py";

/// What `check` finds on `text` read as the file `display`.
pub fn findings_of(check: impl for<'c> Fn(&'c RuleContext<'c>) -> Vec<Finding>, config: &Config, text: &str, display: &str) -> Vec<Finding> {
    let storage = StorageModule { display: STORAGE.to_owned(), ..StorageModule::default() };
    findings_with_storage(check, config, text, display, Some(storage))
}

/// The same, with the storage module as given (`None`: not among the paths).
pub fn findings_with_storage(
    check: impl for<'c> Fn(&'c RuleContext<'c>) -> Vec<Finding>,
    config: &Config,
    text: &str,
    display: &str,
    storage: Option<StorageModule>,
) -> Vec<Finding> {
    let index = ProjectIndex::build(config, storage, &[]);
    let source = SourceFile::decode(display.to_owned(), FileKind::Python, text.as_bytes()).unwrap();
    let parsed = parse_python(&source.text).unwrap();
    let bindings = FileBindings::of(parsed.syntax(), display, config, Some(STORAGE));
    let lines = source.line_index();
    let suppressions = Suppressions::from_python(&source.text, parsed.tokens(), &lines);
    let facts = ModelFacts::new(config, [display, STORAGE], Some(STORAGE));
    let model = FileModel::build(parsed.syntax(), &facts.input(config, display, &source.text, display == STORAGE));
    let ctx = RuleContext {
        config,
        index: &index,
        model: &model,
        file: &source,
        module: parsed.syntax(),
        tokens: parsed.tokens(),
        bindings: &bindings,
        is_storage_module: display == STORAGE,
        lines: &lines,
        suppressions: &suppressions,
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
