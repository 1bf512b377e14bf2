//! Plain-text findings, one line each: `{path}:{line}:{col}: {severity}[{rule-id}] {message}`
//! (ast-grep's shape, so a log without colour still tells errors from warnings).
//! Paths and messages have their control characters escaped (see [`escape_control`]).
//!
//! A file that failed gets `{path}:{line}:{col}: error: {message}` (or
//! `{path}: error: {message}` when the failure has no position), printed before
//! that file's findings. Files arrive sorted by path and findings by range; the
//! order is kept as given.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{FileOutcome, Report};
use crate::rule::Severity;

pub(super) const BOLD: &str = "\x1b[1m";
pub(super) const RED: &str = "\x1b[31m";
pub(super) const GREEN: &str = "\x1b[32m";
pub(super) const YELLOW: &str = "\x1b[33m";
pub(super) const CYAN: &str = "\x1b[36m";
pub(super) const BOLD_RED: &str = "\x1b[1;31m";
pub(super) const RESET: &str = "\x1b[0m";

/// Writes `text`, wrapped in `style` … `RESET` when `color` is on.
pub(super) fn paint(out: &mut dyn Write, color: bool, style: &str, text: &[u8]) -> io::Result<()> {
    if color {
        out.write_all(style.as_bytes())?;
        out.write_all(text)?;
        out.write_all(RESET.as_bytes())
    } else {
        out.write_all(text)
    }
}

pub(super) fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Info => CYAN,
    }
}

/// `text` with every control character spelled out (`\x1b`, `\r`, `\n`, `\t`, and the
/// bidirectional overrides as `\u{202e}`), so that a literal decoded from a file can
/// neither drive the reviewer's terminal nor split one finding over several lines.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    let needs_escape = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if u32::from(c) < 0x100 && needs_escape(c) => escaped.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if needs_escape(c) => escaped.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

pub fn render(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    for file in &report.files {
        if let FileOutcome::Failed { position, message } = &file.outcome {
            paint(out, color, BOLD, escape_control(&file.path).as_bytes())?;
            if let Some(position) = position {
                write!(out, ":{}:{}", position.line, position.column)?;
            }
            out.write_all(b": ")?;
            paint(out, color, BOLD_RED, b"error:")?;
            writeln!(out, " {}", escape_control(message))?;
        }
        for finding in &file.findings {
            paint(out, color, BOLD, escape_control(&finding.path).as_bytes())?;
            write!(out, ":{}:{}: ", finding.start.line, finding.start.column)?;
            let label = format!("{}[{}]", finding.severity.as_str(), finding.rule.as_str());
            paint(out, color, severity_color(finding.severity), label.as_bytes())?;
            writeln!(out, " {}", escape_control(&finding.message))?;
        }
    }
    Ok(())
}

/// A hand-built report shared by the renderers' tests.
#[cfg(test)]
pub(super) mod fixtures {
    use ruff_text_size::{TextRange, TextSize};

    use crate::rule::Severity;
    use crate::fix::edit::{Edit, Fix};
    use crate::report::{FileBytes, FileOutcome, FileResult, Mode, Position, Report, ReportedFinding};
    use crate::rule::RuleId;

    pub fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(TextSize::new(start), TextSize::new(end))
    }

    pub fn pos(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    pub fn changed(path: &str, old: &[u8], new: &[u8]) -> FileResult {
        FileResult {
            path: path.to_owned(),
            outcome: FileOutcome::Changed { old: old.to_vec(), new: new.to_vec(), written: false },
            findings: Vec::new(),
        }
    }

    pub fn with_fix() -> ReportedFinding {
        ReportedFinding {
            rule: RuleId::HardcodedBucket,
            severity: Severity::Error,
            path: "app/storage.py".to_owned(),
            range: range(40, 51),
            start: pos(3, 12),
            end: pos(3, 23),
            message: "bucket name \"media\" is hard-coded".to_owned(),
            fix: Some(Fix::unsafe_edits(
                "Read the bucket from settings",
                vec![
                    Edit::replace(range(40, 51), "settings.MEDIA_BUCKET"),
                    Edit::insert(TextSize::new(0), "from app import settings\n"),
                ],
            )),
            // As if after a BOM: the stored bytes are 3 further on.
            fix_bytes: [FileBytes { offset: 3, length: 0 }, FileBytes { offset: 43, length: 11 }].into(),
        }
    }

    pub fn without_fix() -> ReportedFinding {
        ReportedFinding {
            rule: RuleId::UnlistedBucket,
            severity: Severity::Warning,
            path: "app/storage.py".to_owned(),
            range: range(120, 128),
            start: pos(7, 5),
            end: pos(8, 2),
            message: "bucket \"logs\" is not in rules.toml; add it under [buckets]".to_owned(),
            fix: None,
            fix_bytes: [].into(),
        }
    }

    pub fn info() -> ReportedFinding {
        ReportedFinding {
            rule: RuleId::Boto3Call,
            severity: Severity::Info,
            path: "ok.py".to_owned(),
            range: range(0, 4),
            start: pos(1, 1),
            end: pos(1, 5),
            message: "check this call by hand".to_owned(),
            fix: None,
            fix_bytes: [].into(),
        }
    }

    pub const LF_OLD: &[u8] = b"import boto3\n\ns3 = boto3.client(\"s3\")\n";
    pub const LF_NEW: &[u8] = b"from app import settings\n\ns3 = settings.storage\n";

    pub fn sample(mode: Mode) -> Report {
        let mut storage = changed("app/storage.py", LF_OLD, LF_NEW);
        storage.findings = vec![with_fix(), without_fix()];
        let mut ok = FileResult {
            path: "ok.py".to_owned(),
            outcome: FileOutcome::Unchanged,
            findings: Vec::new(),
        };
        ok.findings.push(info());
        Report {
            mode,
            files: vec![
                FileResult {
                    path: "app/broken.py".to_owned(),
                    outcome: FileOutcome::Failed {
                        position: Some(pos(2, 7)),
                        message: "unexpected indentation".to_owned(),
                    },
                    findings: Vec::new(),
                },
                storage,
                FileResult {
                    path: "gen/models_pb2.py".to_owned(),
                    outcome: FileOutcome::Skipped {
                        reason: "generated file (@generated)".to_owned(),
                    },
                    findings: Vec::new(),
                },
                changed(
                    "legacy/bom.py",
                    b"\xef\xbb\xbfimport boto3\nx = 1\n",
                    b"\xef\xbb\xbfimport supabase\nx = 1\n",
                ),
                changed(
                    "legacy/crlf.py",
                    b"a = 1\r\nimport boto3\r\nb = 2\r\n",
                    b"a = 1\r\nimport supabase\r\nb = 2\r\n",
                ),
                changed("legacy/no_eol.py", b"x = 1\nimport boto3", b"x = 1\nimport supabase"),
                ok,
                FileResult {
                    path: "unreadable.py".to_owned(),
                    outcome: FileOutcome::Failed {
                        position: None,
                        message: "cannot read: permission denied".to_owned(),
                    },
                    findings: Vec::new(),
                },
            ],
            notes: vec!["the storage module app/storage.py is not among the paths".to_owned()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::sample;
    use super::*;
    use crate::report::Mode;

    fn rendered(report: &Report, color: bool) -> String {
        let mut out = Vec::new();
        render(report, &mut out, color).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn empty_report_prints_nothing() {
        let report = Report { mode: Mode::Check, files: Vec::new(), notes: Vec::new() };
        assert_eq!(rendered(&report, false), "");
    }

    #[test]
    fn one_line_per_finding_and_failure() {
        assert_eq!(
            rendered(&sample(Mode::Check), false),
            "app/broken.py:2:7: error: unexpected indentation\n\
             app/storage.py:3:12: error[hardcoded-bucket] bucket name \"media\" is hard-coded\n\
             app/storage.py:7:5: warning[unlisted-bucket] bucket \"logs\" is not in rules.toml; add it under [buckets]\n\
             ok.py:1:1: info[boto3-call] check this call by hand\n\
             unreadable.py: error: cannot read: permission denied\n"
        );
    }

    #[test]
    fn colour_marks_path_and_rule_by_severity() {
        assert_eq!(
            rendered(&sample(Mode::Check), true),
            "\x1b[1mapp/broken.py\x1b[0m:2:7: \x1b[1;31merror:\x1b[0m unexpected indentation\n\
             \x1b[1mapp/storage.py\x1b[0m:3:12: \x1b[31merror[hardcoded-bucket]\x1b[0m bucket name \"media\" is hard-coded\n\
             \x1b[1mapp/storage.py\x1b[0m:7:5: \x1b[33mwarning[unlisted-bucket]\x1b[0m bucket \"logs\" is not in rules.toml; add it under [buckets]\n\
             \x1b[1mok.py\x1b[0m:1:1: \x1b[36minfo[boto3-call]\x1b[0m check this call by hand\n\
             \x1b[1munreadable.py\x1b[0m: \x1b[1;31merror:\x1b[0m cannot read: permission denied\n"
        );
    }
}
