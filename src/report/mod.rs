//! The result of a run and its renderers. Only this module and `main` print.
//!
//! stdout carries the product (diffs, findings, JSON); stderr carries progress,
//! warnings and the summary line.

pub mod diff;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod rules;
pub mod sarif;
pub mod statistics;
pub mod summary;
pub mod text;

use ruff_text_size::TextRange;

use crate::rule::Severity;
use crate::fix::edit::Fix;
use crate::rule::RuleId;

/// Which command produced the report; renderers word things accordingly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Diff,
    Apply,
    Check,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// JSON Lines: one object per finding.
    Jsonl,
    Github,
    /// GitLab Code Quality.
    Gitlab,
    Sarif,
    /// JUnit XML.
    Junit,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Github => "github",
            Format::Sarif => "sarif",
            Format::Jsonl => "jsonl",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
        }
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A finding placed in its file, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedFinding {
    pub rule: RuleId,
    pub severity: Severity,
    /// Path as the user should see it: relative to the working directory, `/`-separated.
    pub path: String,
    /// Byte range in the file's decoded text (BOM excluded).
    pub range: TextRange,
    pub start: Position,
    pub end: Position,
    pub message: String,
    pub fix: Option<Fix>,
    /// Each fix edit's range as bytes of the file as stored (BOM and latin-1 counted),
    /// in the fix's edit order: what SARIF's `byteOffset`/`byteLength` mean.
    pub fix_bytes: std::sync::Arc<[FileBytes]>,
}

/// A byte range of a file as it is on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileBytes {
    pub offset: u32,
    pub length: u32,
}

/// What happened to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    Unchanged,
    /// `old`/`new` are the file's bytes on disk (encoding, BOM and line endings included).
    /// `written` is true once `apply` has replaced the file.
    Changed { old: Vec<u8>, new: Vec<u8>, written: bool },
    Skipped { reason: String },
    Failed { position: Option<Position>, message: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileResult {
    pub path: String,
    pub outcome: FileOutcome,
    /// Findings left for a person (check: all findings), sorted by range.
    pub findings: Vec<ReportedFinding>,
}

/// Everything a run produced, sorted by path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub mode: Mode,
    pub files: Vec<FileResult>,
    /// Run-wide remarks, e.g. "the storage module is not among the paths".
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub scanned: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Errors and warnings left in the files for a person to fix, as a later run finds
    /// them; an error-level `translation-difference` counts among the errors.
    pub errors: usize,
    pub warnings: usize,
    /// Warning-level `translation-difference` findings: what the translations this run
    /// made keep from S3's behaviour, to review once. Only the run that makes a
    /// translation reports them (the rewritten code shows no S3 call), so counting them
    /// as warnings left made a second `apply` report fewer warnings with nothing fixed.
    pub differences: usize,
}

impl Report {
    pub fn findings(&self) -> impl Iterator<Item = &ReportedFinding> {
        self.files.iter().flat_map(|file| file.findings.iter())
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary { scanned: self.files.len(), ..Summary::default() };
        for file in &self.files {
            match file.outcome {
                FileOutcome::Unchanged => summary.unchanged += 1,
                FileOutcome::Changed { .. } => summary.changed += 1,
                FileOutcome::Skipped { .. } => summary.skipped += 1,
                FileOutcome::Failed { .. } => summary.failed += 1,
            }
        }
        for finding in self.findings() {
            match (finding.severity, finding.rule) {
                (Severity::Error, _) => summary.errors += 1,
                (Severity::Warning, RuleId::TranslationDifference) => summary.differences += 1,
                (Severity::Warning, _) => summary.warnings += 1,
                (Severity::Info, _) => {}
            }
        }
        summary
    }
}
