//! The CI report formats read by their consumers: GitLab Code Quality checked against the
//! fields and values GitLab's format requires, JUnit XML read by an XML parser with every
//! count checked (tests/python/reports/read_junit.py, in the pinned venv), and JSON Lines
//! read line by line. The exact bytes of each are pinned in tests/cli.rs.

#[allow(dead_code)]
mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::python::{python_dir, run_python};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_s3-to-supabase");

/// An error, warnings (one whose literal holds control characters; a bytes literal and a
/// name that is no bucket use are `bucket-needs-review`), and a file that fails to parse.
fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    fs::create_dir(&app).unwrap();
    fs::write(
        app.join("routes.py"),
        "BUCKET = \"anantra-lms-store\"\nRAW = b\"anantra-lms-store\"\nOLD = s3.get_object(Bucket=\"a<b>&\\x1b[2J\\r\\nc\", Key=\"k\")\nAGAIN = \"anantra-lms-store\"\n",
    )
    .unwrap();
    fs::write(app.join("broken.py"), "x = (\"anantra-lms-store\"\n").unwrap();
    tmp
}

/// `check --format FORMAT -o report` in `dir`; returns the report's bytes after checking
/// the exit code (2: a file failed) and that stdout stayed empty.
fn report(dir: &Path, format: &str) -> Vec<u8> {
    let output = Command::new(BIN)
        .args(["check", "--format", format, "-o", "report", "app"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2), "{format}: {}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stdout.is_empty(), "{format}: the report goes to the file only");
    fs::read(dir.join("report")).unwrap()
}

fn string<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("{key} must be a string in {value}"))
}

#[test]
fn gitlab_code_quality_has_every_required_field_and_value() {
    let tmp = project();
    let issues: Value = serde_json::from_slice(&report(tmp.path(), "gitlab")).unwrap();
    let issues = issues.as_array().expect("the report is a JSON array of issues");
    let mut fingerprints = std::collections::BTreeSet::new();
    let mut seen = Vec::new();
    for issue in issues {
        // GitLab's required members; `lines.begin` is a positive integer.
        let (description, check, severity) = (string(issue, "description"), string(issue, "check_name"), string(issue, "severity"));
        assert!(!description.is_empty());
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity), "{severity}");
        assert!(fingerprints.insert(string(issue, "fingerprint").to_owned()), "fingerprints are unique");
        let path = string(&issue["location"], "path");
        assert!(!path.starts_with('/') && !path.contains(".."), "paths are relative: {path}");
        let begin = issue["location"]["lines"]["begin"].as_u64().expect("lines.begin is an integer");
        assert!(begin >= 1);
        seen.push((path.to_owned(), begin, check.to_owned(), severity.to_owned()));
    }
    let expect = |path: &str, line: u64, check: &str, severity: &str| (path.to_owned(), line, check.to_owned(), severity.to_owned());
    assert_eq!(
        seen,
        [
            expect("app/broken.py", 2, "s3-to-supabase-error", "blocker"),
            expect("app/routes.py", 1, "hardcoded-bucket", "major"),
            expect("app/routes.py", 2, "bucket-needs-review", "minor"),
            expect("app/routes.py", 3, "unlisted-bucket", "minor"),
            expect("app/routes.py", 4, "bucket-needs-review", "minor"),
        ]
    );
    // The same findings on other lines keep their fingerprints, as GitLab's diffing needs.
    let before: Vec<Value> = issues.iter().map(|issue| issue["fingerprint"].clone()).collect();
    let routes = tmp.path().join("app/routes.py");
    fs::write(&routes, format!("\n\n{}", fs::read_to_string(&routes).unwrap())).unwrap();
    let moved: Value = serde_json::from_slice(&report(tmp.path(), "gitlab")).unwrap();
    let after: Vec<Value> = moved.as_array().unwrap().iter().map(|issue| issue["fingerprint"].clone()).collect();
    assert_eq!(before, after);
}

#[test]
fn junit_parses_and_every_count_agrees() {
    let tmp = project();
    let path = tmp.path().join("report.xml");
    fs::write(&path, report(tmp.path(), "junit")).unwrap();
    let output = run_python([python_dir().join("reports/read_junit.py").as_os_str(), path.as_os_str()]);
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "suite app/broken.py tests=1 failures=0 errors=1
  processing:2:1: error
suite app/routes.py tests=4 failures=1 errors=0
  hardcoded-bucket at 1:10: failure
  bucket-needs-review at 2:7: passed
  unlisted-bucket at 3:28: passed
  bucket-needs-review at 4:9: passed
"
    );
    assert!(output.status.success());
}

#[test]
fn jsonl_is_one_json_object_per_line() {
    let tmp = project();
    let text = String::from_utf8(report(tmp.path(), "jsonl")).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).expect("each line is one JSON value")).collect();
    let summary: Vec<(&str, &str, u64)> = lines
        .iter()
        .map(|line| {
            let row = if line["kind"] == "finding" { &line["start"]["line"] } else { &line["line"] };
            (string(line, "kind"), string(line, "path"), row.as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        summary,
        [("failure", "app/broken.py", 2), ("finding", "app/routes.py", 1), ("finding", "app/routes.py", 2), ("finding", "app/routes.py", 3), ("finding", "app/routes.py", 4)]
    );
    assert_eq!(lines[3]["rule"], "unlisted-bucket");
    assert_eq!(lines[3]["severity"], "warning");
}
