//! GitHub Actions workflow commands, one per finding, so findings show up as
//! annotations on the pull request:
//!
//! `::error file={path},line={l},col={c},endLine={l2},endColumn={c2},title={rule-id}::{message}`
//!
//! Warnings use `::warning`, info findings `::notice`. A failed file becomes
//! `::error file={path},line={l},col={c},title=s3-to-supabase error::{message}`
//! (no `line`/`col` when the failure has no position).

use std::io::{self, Write};

use super::{FileOutcome, Report};
use crate::rule::Severity;

/// Title of the annotation for a file that could not be processed. Not every
/// failure is a parse error (read and decode errors, a fix loop that does not
/// converge, output that no longer parses), so the title stays generic.
const FAILURE_TITLE: &str = "s3-to-supabase error";

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes the message (the part after `::`).
fn escape_data(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Escapes a property value (`file=`, `title=`, …).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        if let FileOutcome::Failed { position, message } = &file.outcome {
            write!(out, "::error file={}", escape_property(&file.path))?;
            if let Some(position) = position {
                write!(out, ",line={},col={}", position.line, position.column)?;
            }
            writeln!(out, ",title={}::{}", escape_property(FAILURE_TITLE), escape_data(message))?;
        }
        for finding in &file.findings {
            writeln!(
                out,
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                command(finding.severity),
                escape_property(&finding.path),
                finding.start.line,
                finding.start.column,
                finding.end.line,
                finding.end.column,
                escape_property(finding.rule.as_str()),
                escape_data(&finding.message),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::fixtures::{pos, sample, without_fix};
    use crate::report::{FileResult, Mode};

    fn rendered(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_command_per_finding_and_failure() {
        assert_eq!(
            rendered(&sample(Mode::Check)),
            "::error file=app/broken.py,line=2,col=7,title=s3-to-supabase error::unexpected indentation\n\
             ::error file=app/storage.py,line=3,col=12,endLine=3,endColumn=23,title=hardcoded-bucket::bucket name \"media\" is hard-coded\n\
             ::warning file=app/storage.py,line=7,col=5,endLine=8,endColumn=2,title=unlisted-bucket::bucket \"logs\" is not in rules.toml; add it under [buckets]\n\
             ::notice file=ok.py,line=1,col=1,endLine=1,endColumn=5,title=boto3-call::check this call by hand\n\
             ::error file=unreadable.py,title=s3-to-supabase error::cannot read: permission denied\n"
        );
    }

    #[test]
    fn escapes_message_and_properties() {
        let mut finding = without_fix();
        finding.path = "odd dir/a,b:c%.py".to_owned();
        finding.start = pos(1, 1);
        finding.end = pos(1, 2);
        finding.message = "100% sure: a, b\r\nnext line\n".to_owned();
        let report = Report {
            mode: Mode::Check,
            files: vec![FileResult {
                path: finding.path.clone(),
                outcome: FileOutcome::Unchanged,
                findings: vec![finding],
            }],
            notes: Vec::new(),
        };
        assert_eq!(
            rendered(&report),
            "::warning file=odd dir/a%2Cb%3Ac%25.py,line=1,col=1,endLine=1,endColumn=2,title=unlisted-bucket::100%25 sure: a, b%0D%0Anext line%0A\n"
        );
    }
}
