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
//! 5. Bytes outside the edits are unchanged: replaying the fix loop with the
//!    findings `check` reports, each pass keeps the text before its first safe
//!    edit and after its last one, and the passes end on exactly the output; the
//!    BOM is kept, and a file with only CRLF line endings gets no bare LF.
//! 6. The prefilter never changes a result (same outcome and findings without it),
//!    except that it passes over a file with no trigger word that does not parse.
//! 7. Every report format renders the results without error.

#![allow(dead_code)]

use std::sync::OnceLock;

use s3_to_supabase::config::Config;
use s3_to_supabase::discover::FileKind;
use s3_to_supabase::finding::Finding;
use s3_to_supabase::fix::apply::apply_fixes;
use s3_to_supabase::fix::edit::Applicability;
use s3_to_supabase::pipeline::{FileInput, Run};
use s3_to_supabase::project_index::is_module_file;
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

/// Process `bytes` as the file `display`, never writing.
fn process(display: &str, mode: Mode, prefilter: bool, bytes: &[u8]) -> FileResult {
    let config = config();
    let run = if is_module_file(display, &config.storage.module) {
        // As the storage module itself (what `run_stdin` does for it).
        Run::prepare_stdin(config, display, bytes, mode, prefilter)
    } else {
        let files = [(STORAGE_DISPLAY, STORAGE_SOURCE), ("backend/utils/__init__.py", ""), ("backend/routes/__init__.py", ""), (display, "")];
        Run::in_memory(config, &files, mode, prefilter)
    };
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
            check_passes(display, old, new, &context);
            true
        }
    }
}

fn has_bare_lf(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| byte == b'\n' && (at == 0 || bytes[at - 1] != b'\r'))
}

/// Replays the fix loop pass by pass with `check`'s findings and `apply_fixes`:
/// in each pass, the text before the first safe edit and after the last one is
/// kept, and the last pass gives exactly the output.
fn check_passes(display: &str, old: &[u8], new: &[u8], context: &dyn Fn() -> String) {
    let source = SourceFile::decode(display.to_owned(), FileKind::Python, old).expect("the input decodes");
    let encoding = source.encoding;
    let mut text = source.text;
    for _pass in 0..10 {
        let bytes = encoding.encode(&text).expect("the text encodes");
        let checked = process(display, Mode::Check, false, &bytes);
        let findings: Vec<Finding> = checked
            .findings
            .iter()
            .map(|f| Finding { rule: f.rule, severity: f.severity, range: f.range, message: f.message.clone(), fix: f.fix.clone() })
            .collect();
        let applied = apply_fixes(&text, &findings, Applicability::Safe);
        if applied.fixed.is_empty() {
            break;
        }
        let edits: Vec<(usize, usize)> = findings
            .iter()
            .filter_map(|finding| finding.fix.as_ref())
            .filter(|fix| fix.applicability >= Applicability::Safe)
            .flat_map(|fix| fix.edits.iter())
            .map(|edit| (edit.range.start().to_usize(), edit.range.end().to_usize()))
            .collect();
        let first = edits.iter().map(|e| e.0).min().expect("a fix applied");
        let last = edits.iter().map(|e| e.1).max().expect("a fix applied");
        // By position, not by a minimal diff: deleting `import boto3\n` before
        // `import faiss` also "matches" `import ` on both sides.
        let (before, after) = (text.as_bytes(), applied.text.as_bytes());
        let kept_tail = before.len() - last;
        assert!(
            after.len() >= first + kept_tail && after[..first] == before[..first] && after[after.len() - kept_tail..] == before[last..],
            "bytes outside the safe edits ({first}..{last}) changed {}\n--- pass input ---\n{text}\n--- pass output ---\n{}",
            context(),
            applied.text
        );
        text = applied.text;
    }
    assert_eq!(
        encoding.encode(&text).expect("the text encodes"),
        new,
        "replaying the passes with `check` findings does not give the output {}",
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
