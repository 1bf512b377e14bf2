//! Properties of the rewrite of one file, checked on any input bytes.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/rewrite.rs`) and the bounded
//! property test (`tests/properties.rs`, which includes this file by path).
//! Every violated property panics with a message and the input, so both a
//! fuzzer crash and a failed test say which property broke.
//!
//! The file is run the way `diff` and `apply -` run it: `Run::prepare` then
//! `Run::process` with `FileInput { path: None, .. }`, which never writes. It
//! is run twice: as an ordinary module of a project whose storage module is the
//! LMS fixture's `utils/s3_utils.py`, and as that storage module itself.
//!
//! Properties:
//! 1. No panic, whatever the bytes (the caller's thread has the CLI's 256 MiB stack).
//! 2. A rewrite never fails internally: no "internal error" (an output that does
//!    not parse, fixes that do not settle, an output the file's codec cannot hold).
//! 3. Only input that decodes and parses is changed, and the output decodes and parses.
//! 4. A second rewrite of the output changes nothing.
//! 5. Bytes outside the edits are unchanged: everything before the first safe
//!    fix edit `check` reports and after its last one is identical; the BOM is
//!    kept, and a file with only CRLF line endings gets no bare LF.
//! 6. The prefilter never changes a result (same outcome and findings without it),
//!    except that it passes over a file with no trigger word that does not parse.
//! 7. Every report format renders the results without error.

#![allow(dead_code)]

use std::sync::OnceLock;

use s3_to_supabase::config::Config;
use s3_to_supabase::discover::FileKind;
use s3_to_supabase::fix::edit::Applicability;
use s3_to_supabase::pipeline::{FileInput, Run};
use s3_to_supabase::project_index::{is_module_file, StorageModule};
use s3_to_supabase::report::{self, FileOutcome, FileResult, Mode, Report};
use s3_to_supabase::source::{parse_python, SourceFile};

/// The LMS fixture's storage module: what an ordinary file's project has.
const STORAGE_SOURCE: &str = include_str!("../fixtures/lms-backend/backend/utils/s3_utils.py");
const STORAGE_DISPLAY: &str = "backend/utils/s3_utils.py";
const MODULE_DISPLAY: &str = "backend/routes/views.py";

/// What happened to one input, for statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The input decoded and parsed.
    pub parsed: bool,
    /// The rewrite (as an ordinary module or as the storage module) changed it.
    pub changed: bool,
}

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(Config::defaults)
}

fn storage_of(display: &str, text: &str) -> StorageModule {
    match parse_python(text) {
        Ok(parsed) => StorageModule::from_parsed(display, parsed.syntax()),
        Err(_) => StorageModule { display: display.to_owned(), ..StorageModule::default() },
    }
}

/// Process `bytes` as the file `display`, never writing.
fn process(display: &str, mode: Mode, prefilter: bool, bytes: &[u8]) -> FileResult {
    let config = config();
    let mut notes = Vec::new();
    let mut run = Run::prepare(config, &[], mode, prefilter, &mut notes);
    if is_module_file(display, &config.storage.module) {
        // As the storage module itself (what `run_stdin` does for it).
        let text = SourceFile::decode(display.to_owned(), FileKind::Python, bytes)
            .map(|source| source.text)
            .unwrap_or_default();
        run.index.storage = Some(storage_of(display, &text));
    } else {
        static STORAGE: OnceLock<StorageModule> = OnceLock::new();
        run.index.storage = Some(STORAGE.get_or_init(|| storage_of(STORAGE_DISPLAY, STORAGE_SOURCE)).clone());
    }
    let input = FileInput { display: display.to_owned(), kind: FileKind::Python, path: None };
    run.process(&input, bytes)
}

fn parses(bytes: &[u8]) -> Result<String, String> {
    let source = SourceFile::decode("x.py".to_owned(), FileKind::Python, bytes).map_err(|err| format!("{err:?}"))?;
    parse_python(&source.text).map_err(|err| format!("{} at {:?}", err.message, err.offset))?;
    Ok(source.text)
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Check every property for `bytes`; panics on the first one violated.
pub fn check(bytes: &[u8]) -> Verdict {
    let mut verdict = Verdict { parsed: parses(bytes).is_ok(), changed: false };
    for display in [MODULE_DISPLAY, STORAGE_DISPLAY] {
        verdict.changed |= check_as(display, bytes, verdict.parsed);
    }
    verdict
}

fn check_as(display: &str, bytes: &[u8], input_parses: bool) -> bool {
    let result = process(display, Mode::Diff, true, bytes);
    let context = || format!("as {display}\n--- input ---\n{}\n--- end ---", show(bytes));

    // 6. The prefilter is only an optimisation. By design it passes over a file
    // without any trigger word before decoding it, so such a file that does not
    // decode or parse is `Unchanged` with it and `Failed` without it.
    let unfiltered = process(display, Mode::Diff, false, bytes);
    let passed_over = !input_parses && result.outcome == FileOutcome::Unchanged;
    if !passed_over {
        assert_eq!(result, unfiltered, "the prefilter changed the result {}", context());
    }

    // 7. Every renderer accepts the result.
    render_all(&Report { mode: Mode::Diff, files: vec![result.clone()], notes: Vec::new() });
    let checked = process(display, Mode::Check, true, bytes);
    render_all(&Report { mode: Mode::Check, files: vec![checked.clone()], notes: Vec::new() });

    match &result.outcome {
        // 2.
        FileOutcome::Failed { message, .. } => {
            assert!(!message.contains("internal error"), "{message} {}", context());
            false
        }
        FileOutcome::Unchanged | FileOutcome::Skipped { .. } => false,
        FileOutcome::Changed { old, new, .. } => {
            // 3.
            assert_eq!(old.as_slice(), bytes, "`old` is not the input {}", context());
            assert!(input_parses, "an input that does not parse was changed {}", context());
            let old_text = parses(old).expect("checked above");
            let new_text = match parses(new) {
                Ok(text) => text,
                Err(err) => panic!("the output does not parse: {err} {}\n--- output ---\n{}", context(), show(new)),
            };
            // 4.
            let again = process(display, Mode::Diff, true, new);
            assert!(
                matches!(again.outcome, FileOutcome::Unchanged),
                "a second rewrite is not a no-op: {:?} {}\n--- output ---\n{}",
                again.outcome,
                context(),
                show(new)
            );
            // 5.
            assert_eq!(old.starts_with(b"\xEF\xBB\xBF"), new.starts_with(b"\xEF\xBB\xBF"), "BOM changed {}", context());
            if old_text.contains("\r\n") && !has_bare_lf(&old_text) {
                assert!(!has_bare_lf(&new_text), "a bare LF in a CRLF file {}\n--- output ---\n{}", context(), show(new));
            }
            check_edits_cover_changes(&checked, &old_text, &new_text, &context);
            true
        }
    }
}

fn has_bare_lf(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| byte == b'\n' && (at == 0 || bytes[at - 1] != b'\r'))
}

/// The changed region of the text lies between the first and last edit of the
/// safe fixes that `check` reports for the input.
fn check_edits_cover_changes(checked: &FileResult, old: &str, new: &str, context: &dyn Fn() -> String) {
    let edits: Vec<(usize, usize)> = checked
        .findings
        .iter()
        .filter_map(|finding| finding.fix.as_ref())
        .filter(|fix| fix.applicability >= Applicability::Safe)
        .flat_map(|fix| fix.edits.iter())
        .map(|edit| (edit.range.start().to_usize(), edit.range.end().to_usize()))
        .collect();
    let (Some(first), Some(last)) = (edits.iter().map(|e| e.0).min(), edits.iter().map(|e| e.1).max()) else {
        panic!("the file changed but `check` reports no safe fix {}", context());
    };
    let (old, new) = (old.as_bytes(), new.as_bytes());
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old.iter().rev().zip(new.iter().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    assert!(
        prefix >= first && old.len() - suffix <= last,
        "bytes outside the edits changed: the text differs over {}..{} of the input, the safe edits span {first}..{last} {}",
        prefix,
        old.len() - suffix,
        context()
    );
}

fn render_all(report: &Report) {
    let mut out = Vec::new();
    report::diff::render(report, &mut out, false).expect("diff renders");
    report::text::render(report, &mut out, true).expect("text renders");
    report::json::render(report, &mut out).expect("json renders");
    report::github::render(report, &mut out).expect("github renders");
    report::sarif::render(report, &mut out).expect("sarif renders");
    report::summary::render(report, &mut out, false).expect("summary renders");
}
