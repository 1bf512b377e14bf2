//! JUnit XML (`--format junit`), for CI systems that show test reports (GitLab's
//! `artifacts:reports:junit`, Jenkins, Azure): one `<testsuite>` per file with findings
//! or a failure, one `<testcase>` per finding. An error finding is a `<failure>`, a file
//! that could not be processed an `<error>`; warnings and infos pass, with their text in
//! `<system-out>`, as `check` passes them. A run with neither has one passing case.
//!
//! Text is XML-escaped after control characters are spelled out, so the document is
//! well-formed whatever a decoded literal held.

use std::io::{self, Write};

use super::text::escape_control;
use super::{FileOutcome, Report};
use crate::rule::Severity;

fn xml(text: &str) -> String {
    escape_control(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let files: Vec<_> = report
        .files
        .iter()
        .filter(|file| !file.findings.is_empty() || matches!(file.outcome, FileOutcome::Failed { .. }))
        .collect();
    let count = |pick: &dyn Fn(&super::FileResult) -> usize| files.iter().map(|file| pick(file)).sum::<usize>();
    let failed = |file: &super::FileResult| usize::from(matches!(file.outcome, FileOutcome::Failed { .. }));
    let failures = |file: &super::FileResult| file.findings.iter().filter(|f| f.severity == Severity::Error).count();
    let tests = |file: &super::FileResult| file.findings.len() + failed(file);
    let (all_tests, all_failures, all_errors) = (count(&tests), count(&failures), count(&failed));
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="s3-to-supabase" tests="{}" failures="{all_failures}" errors="{all_errors}">"#,
        all_tests.max(1)
    )?;
    if files.is_empty() {
        writeln!(out, r#"  <testsuite name="s3-to-supabase" tests="1" failures="0" errors="0">"#)?;
        writeln!(out, r#"    <testcase name="no findings" classname="s3-to-supabase"/>"#)?;
        writeln!(out, "  </testsuite>")?;
    }
    for file in files {
        let path = xml(&file.path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="{}">"#,
            tests(file),
            failures(file),
            failed(file)
        )?;
        if let FileOutcome::Failed { position, message } = &file.outcome {
            let place = position.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default();
            writeln!(out, r#"    <testcase name="processing{place}" classname="{path}">"#)?;
            writeln!(out, r#"      <error message="{}" type="error">{path}{place}: error: {}</error>"#, xml(message), xml(message))?;
            writeln!(out, "    </testcase>")?;
        }
        for finding in &file.findings {
            let (line, column, rule, message) = (finding.start.line, finding.start.column, finding.rule.as_str(), xml(&finding.message));
            writeln!(out, r#"    <testcase name="{rule} at {line}:{column}" classname="{path}">"#)?;
            let text = format!("{path}:{line}:{column}: {}[{rule}] {message}", finding.severity.as_str());
            if finding.severity == Severity::Error {
                writeln!(out, r#"      <failure message="{message}" type="{rule}">{text}</failure>"#)?;
            } else {
                writeln!(out, "      <system-out>{text}</system-out>")?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::fixtures::sample;
    use crate::report::Mode;

    #[test]
    fn suites_per_file_and_cases_per_finding() {
        let mut out = Vec::new();
        render(&sample(Mode::Check), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="s3-to-supabase" tests="5" failures="1" errors="2">
  <testsuite name="app/broken.py" tests="1" failures="0" errors="1">
    <testcase name="processing:2:7" classname="app/broken.py">
      <error message="unexpected indentation" type="error">app/broken.py:2:7: error: unexpected indentation</error>
    </testcase>
  </testsuite>
  <testsuite name="app/storage.py" tests="2" failures="1" errors="0">
    <testcase name="hardcoded-bucket at 3:12" classname="app/storage.py">
      <failure message="bucket name &quot;media&quot; is hard-coded" type="hardcoded-bucket">app/storage.py:3:12: error[hardcoded-bucket] bucket name &quot;media&quot; is hard-coded</failure>
    </testcase>
    <testcase name="unlisted-bucket at 7:5" classname="app/storage.py">
      <system-out>app/storage.py:7:5: warning[unlisted-bucket] bucket &quot;logs&quot; is not in rules.toml; add it under [buckets]</system-out>
    </testcase>
  </testsuite>
  <testsuite name="ok.py" tests="1" failures="0" errors="0">
    <testcase name="boto3-call at 1:1" classname="ok.py">
      <system-out>ok.py:1:1: info[boto3-call] check this call by hand</system-out>
    </testcase>
  </testsuite>
  <testsuite name="unreadable.py" tests="1" failures="0" errors="1">
    <testcase name="processing" classname="unreadable.py">
      <error message="cannot read: permission denied" type="error">unreadable.py: error: cannot read: permission denied</error>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }
}
