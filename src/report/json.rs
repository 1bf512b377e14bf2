//! The JSON report: one versioned, pretty-printed object with a stable key order.
//!
//! ```text
//! {
//!   "version": 1,
//!   "mode": "diff" | "apply" | "check",
//!   "summary": {"scanned", "changed", "unchanged", "skipped", "failed", "errors", "warnings", "differences"},
//!   "findings": [{
//!     "rule", "severity", "path",
//!     "range": {"start", "end"},            // bytes in the decoded text (BOM excluded)
//!     "start": {"line", "column"},          // 1-based, columns in characters
//!     "end": {"line", "column"},
//!     "message",
//!     "fix": null | {"applicability", "title", "edits": [{"start", "end", "content"}]}
//!   }],
//!   "changed": [path],
//!   "skipped": [{"path", "reason"}],
//!   "failures": [{"path", "line", "column", "message"}]   // line/column null when unknown
//! }
//! ```
//!
//! Keys follow the field order of the private structs below; bump `VERSION` when
//! a key is renamed or removed (adding one is compatible).

use std::io::{self, Write};

use serde::Serialize;

use super::{FileOutcome, Mode, Position, Report, ReportedFinding, Summary};
use crate::rule::Severity;
use crate::fix::edit::Applicability;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    mode: &'static str,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    changed: Vec<&'a str>,
    skipped: Vec<JsonSkipped<'a>>,
    failures: Vec<JsonFailure<'a>>,
}

#[derive(Serialize)]
pub(super) struct JsonFinding<'a> {
    rule: &'static str,
    severity: Severity,
    path: &'a str,
    range: JsonRange,
    start: JsonPosition,
    end: JsonPosition,
    message: &'a str,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRange {
    start: u32,
    end: u32,
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: u32,
    end: u32,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonFailure<'a> {
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

fn mode_str(mode: Mode) -> &'static str {
    match mode {
        Mode::Diff => "diff",
        Mode::Apply => "apply",
        Mode::Check => "check",
    }
}

fn position(position: Position) -> JsonPosition {
    JsonPosition { line: position.line, column: position.column }
}

/// A finding as the JSON report (and each line of JSON Lines) writes it.
pub(super) fn finding_object(finding: &ReportedFinding) -> JsonFinding<'_> {
    JsonFinding {
        rule: finding.rule.as_str(),
        severity: finding.severity,
        path: &finding.path,
        range: JsonRange { start: finding.range.start().into(), end: finding.range.end().into() },
        start: position(finding.start),
        end: position(finding.end),
        message: &finding.message,
        fix: finding.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability,
            title: &fix.title,
            edits: fix
                .edits
                .iter()
                .map(|edit| JsonEdit {
                    start: edit.start().into(),
                    end: edit.end().into(),
                    content: &edit.content,
                })
                .collect(),
        }),
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut json = JsonReport {
        version: VERSION,
        mode: mode_str(report.mode),
        summary: report.summary(),
        findings: report.findings().map(finding_object).collect(),
        changed: Vec::new(),
        skipped: Vec::new(),
        failures: Vec::new(),
    };
    for file in &report.files {
        match &file.outcome {
            FileOutcome::Unchanged => {}
            FileOutcome::Changed { .. } => json.changed.push(&file.path),
            FileOutcome::Skipped { reason } => {
                json.skipped.push(JsonSkipped { path: &file.path, reason });
            }
            FileOutcome::Failed { position, message } => json.failures.push(JsonFailure {
                path: &file.path,
                line: position.map(|p| p.line),
                column: position.map(|p| p.column),
                message,
            }),
        }
    }
    serde_json::to_writer_pretty(&mut *out, &json)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::fixtures::sample;

    fn rendered(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn empty_report() {
        let report = Report { mode: Mode::Diff, files: Vec::new(), notes: Vec::new() };
        assert_eq!(
            rendered(&report),
            r#"{
  "version": 1,
  "mode": "diff",
  "summary": {
    "scanned": 0,
    "changed": 0,
    "unchanged": 0,
    "skipped": 0,
    "failed": 0,
    "errors": 0,
    "warnings": 0,
    "differences": 0
  },
  "findings": [],
  "changed": [],
  "skipped": [],
  "failures": []
}
"#
        );
    }

    #[test]
    fn full_report() {
        assert_eq!(
            rendered(&sample(Mode::Apply)),
            r#"{
  "version": 1,
  "mode": "apply",
  "summary": {
    "scanned": 8,
    "changed": 4,
    "unchanged": 1,
    "skipped": 1,
    "failed": 2,
    "errors": 1,
    "warnings": 1,
    "differences": 0
  },
  "findings": [
    {
      "rule": "hardcoded-bucket",
      "severity": "error",
      "path": "app/storage.py",
      "range": {
        "start": 40,
        "end": 51
      },
      "start": {
        "line": 3,
        "column": 12
      },
      "end": {
        "line": 3,
        "column": 23
      },
      "message": "bucket name \"media\" is hard-coded",
      "fix": {
        "applicability": "unsafe",
        "title": "Read the bucket from settings",
        "edits": [
          {
            "start": 0,
            "end": 0,
            "content": "from app import settings\n"
          },
          {
            "start": 40,
            "end": 51,
            "content": "settings.MEDIA_BUCKET"
          }
        ]
      }
    },
    {
      "rule": "unlisted-bucket",
      "severity": "warning",
      "path": "app/storage.py",
      "range": {
        "start": 120,
        "end": 128
      },
      "start": {
        "line": 7,
        "column": 5
      },
      "end": {
        "line": 8,
        "column": 2
      },
      "message": "bucket \"logs\" is not in rules.toml; add it under [buckets]",
      "fix": null
    },
    {
      "rule": "boto3-call",
      "severity": "info",
      "path": "ok.py",
      "range": {
        "start": 0,
        "end": 4
      },
      "start": {
        "line": 1,
        "column": 1
      },
      "end": {
        "line": 1,
        "column": 5
      },
      "message": "check this call by hand",
      "fix": null
    }
  ],
  "changed": [
    "app/storage.py",
    "legacy/bom.py",
    "legacy/crlf.py",
    "legacy/no_eol.py"
  ],
  "skipped": [
    {
      "path": "gen/models_pb2.py",
      "reason": "generated file (@generated)"
    }
  ],
  "failures": [
    {
      "path": "app/broken.py",
      "line": 2,
      "column": 7,
      "message": "unexpected indentation"
    },
    {
      "path": "unreadable.py",
      "line": null,
      "column": null,
      "message": "cannot read: permission denied"
    }
  ]
}
"#
        );
    }

    #[test]
    fn output_is_valid_json() {
        let mut out = Vec::new();
        render(&sample(Mode::Check), &mut out).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["version"], 1);
        assert_eq!(value["mode"], "check");
    }
}
