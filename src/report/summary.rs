//! The end-of-run summary, written to stderr by the caller:
//!
//! ```text
//! note: {text}                              (each run-wide note)
//! {path}: skipped: {reason}                 (each skipped file)
//! 3 files scanned: 1 would change, 1 unchanged, 1 skipped, 0 failed; 1 error, 0 warnings left   (diff)
//! 3 files scanned: 1 changed, 1 unchanged, 1 skipped, 0 failed; 1 error, 0 warnings left        (apply)
//! 2 files checked: 1 error, 0 warnings in 1 file; 1 skipped, 0 failed                          (check)
//! warning: no Python files found            (instead of the line, when there was no file at all)
//! ```
//!
//! The warning-level translation differences the run's fixes noted
//! (`translation-difference`) are not left in the files (a later run no longer sees
//! them): they follow as `; {n} translation differences to review` when there are any.
//!
//! In `apply`, a changed file whose `written` is false is counted apart as
//! `{k} not written` (after `changed`, and only when k > 0). In `check`, a run
//! without errors or warnings says `no errors or warnings` instead of counts, and
//! only the files read count as checked.

use std::io::{self, Write};

use super::text::{paint, BOLD, YELLOW};
use super::{FileOutcome, Mode, Report};
use crate::rule::Severity;

/// `1 file`, `2 files`, `0 files`.
fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

pub fn render(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    for note in &report.notes {
        paint(out, color, BOLD, b"note:")?;
        writeln!(out, " {note}")?;
    }
    for file in &report.files {
        if let FileOutcome::Skipped { reason } = &file.outcome {
            paint(out, color, BOLD, file.path.as_bytes())?;
            out.write_all(b": ")?;
            paint(out, color, YELLOW, b"skipped:")?;
            writeln!(out, " {reason}")?;
        }
    }
    if report.files.is_empty() {
        paint(out, color, YELLOW, b"warning:")?;
        return writeln!(out, " no Python files found");
    }
    writeln!(out, "{}", line(report))
}

/// The summary line itself, without colour.
fn line(report: &Report) -> String {
    let summary = report.summary();
    let files = count(summary.scanned, "file", "files");
    // `check` counts the files it read: a skipped or failed file was not checked.
    let checked = count(summary.changed + summary.unchanged, "file", "files");
    let findings = format!(
        "{}, {}",
        count(summary.errors, "error", "errors"),
        count(summary.warnings, "warning", "warnings")
    );
    let differences = if summary.differences > 0 {
        format!("; {} to review", count(summary.differences, "translation difference", "translation differences"))
    } else {
        String::new()
    };
    let tail = format!(
        "{} unchanged, {} skipped, {} failed",
        summary.unchanged, summary.skipped, summary.failed
    );
    match report.mode {
        Mode::Diff => {
            format!("{files} scanned: {} would change, {tail}; {findings} left{differences}", summary.changed)
        }
        Mode::Apply => {
            let not_written = report
                .files
                .iter()
                .filter(|file| matches!(file.outcome, FileOutcome::Changed { written: false, .. }))
                .count();
            let changed = summary.changed - not_written;
            let not_written = if not_written > 0 {
                format!(", {not_written} not written")
            } else {
                String::new()
            };
            format!("{files} scanned: {changed} changed{not_written}, {tail}; {findings} left{differences}")
        }
        Mode::Check => {
            let with_findings = report
                .files
                .iter()
                .filter(|file| {
                    file.findings.iter().any(|finding| {
                        matches!(finding.severity, Severity::Error | Severity::Warning)
                    })
                })
                .count();
            let found = if summary.errors + summary.warnings == 0 {
                "no errors or warnings".to_owned()
            } else {
                format!("{findings} in {}", count(with_findings, "file", "files"))
            };
            format!(
                "{checked} checked: {found}; {} skipped, {} failed",
                summary.skipped, summary.failed
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::fixtures::{changed, info, sample, with_fix, without_fix};
    use crate::report::{FileResult, ReportedFinding};
    use crate::rule::RuleId;

    fn rendered(report: &Report, color: bool) -> String {
        let mut out = Vec::new();
        render(report, &mut out, color).unwrap();
        String::from_utf8(out).unwrap()
    }

    const HEAD: &str = "note: the storage module app/storage.py is not among the paths\n\
                        gen/models_pb2.py: skipped: generated file (@generated)\n";

    #[test]
    fn diff_mode() {
        assert_eq!(
            rendered(&sample(Mode::Diff), false),
            format!("{HEAD}8 files scanned: 4 would change, 1 unchanged, 1 skipped, 2 failed; 1 error, 1 warning left\n")
        );
    }

    #[test]
    fn apply_mode_counts_unwritten_files_apart() {
        let mut report = sample(Mode::Apply);
        assert_eq!(
            rendered(&report, false),
            format!("{HEAD}8 files scanned: 0 changed, 4 not written, 1 unchanged, 1 skipped, 2 failed; 1 error, 1 warning left\n")
        );
        for file in &mut report.files {
            if let FileOutcome::Changed { written, .. } = &mut file.outcome {
                *written = true;
            }
        }
        assert_eq!(
            rendered(&report, false),
            format!("{HEAD}8 files scanned: 4 changed, 1 unchanged, 1 skipped, 2 failed; 1 error, 1 warning left\n")
        );
    }

    #[test]
    fn translation_differences_are_counted_apart_unless_they_are_errors() {
        let mut file = changed("app/storage.py", b"", b"");
        let difference = |severity| ReportedFinding { rule: RuleId::TranslationDifference, severity, ..without_fix() };
        file.findings = vec![
            without_fix(),
            difference(Severity::Warning),
            difference(Severity::Warning),
            difference(Severity::Error),
            difference(Severity::Info),
        ];
        let mut report = Report { mode: Mode::Apply, files: vec![file], notes: Vec::new() };
        assert_eq!(
            rendered(&report, false),
            "1 file scanned: 0 changed, 1 not written, 0 unchanged, 0 skipped, 0 failed; 1 error, 1 warning left; 2 translation differences to review\n"
        );
        report.mode = Mode::Diff;
        report.files[0].findings.truncate(2);
        assert_eq!(
            rendered(&report, false),
            "1 file scanned: 1 would change, 0 unchanged, 0 skipped, 0 failed; 0 errors, 1 warning left; 1 translation difference to review\n"
        );
    }

    #[test]
    fn check_mode() {
        assert_eq!(
            rendered(&sample(Mode::Check), false),
            format!("{HEAD}5 files checked: 1 error, 1 warning in 1 file; 1 skipped, 2 failed\n")
        );
    }

    #[test]
    fn check_mode_plurals_and_clean_runs() {
        let mut a = changed("a.py", b"", b"");
        a.outcome = FileOutcome::Unchanged;
        a.findings = vec![with_fix(), with_fix(), without_fix()];
        let mut b = a.clone();
        b.path = "b.py".to_owned();
        b.findings = vec![with_fix()];
        let mut report = Report { mode: Mode::Check, files: vec![a, b], notes: Vec::new() };
        assert_eq!(
            rendered(&report, false),
            "2 files checked: 3 errors, 1 warning in 2 files; 0 skipped, 0 failed\n"
        );
        for file in &mut report.files {
            file.findings = vec![info()];
        }
        assert_eq!(
            rendered(&report, false),
            "2 files checked: no errors or warnings; 0 skipped, 0 failed\n"
        );
        report.files.truncate(1);
        assert_eq!(
            rendered(&report, false),
            "1 file checked: no errors or warnings; 0 skipped, 0 failed\n"
        );
    }

    #[test]
    fn empty_run() {
        let report =
            Report { mode: Mode::Diff, files: Vec::<FileResult>::new(), notes: Vec::new() };
        assert_eq!(rendered(&report, false), "warning: no Python files found\n");
    }

    #[test]
    fn colour() {
        assert_eq!(
            rendered(&sample(Mode::Diff), true),
            "\x1b[1mnote:\x1b[0m the storage module app/storage.py is not among the paths\n\
             \x1b[1mgen/models_pb2.py\x1b[0m: \x1b[33mskipped:\x1b[0m generated file (@generated)\n\
             8 files scanned: 4 would change, 1 unchanged, 1 skipped, 2 failed; 1 error, 1 warning left\n"
        );
    }
}
