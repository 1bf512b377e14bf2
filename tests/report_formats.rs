//! The CI report formats read by their consumers or checked against their schemas:
//! - SARIF validated against the SARIF 2.1.0 JSON schema as Microsoft's SARIF tooling
//!   ships it (`sarif-2.1.0-rtm.5.json`, draft-04), taken at test setup from the npm
//!   package `@microsoft/jest-sarif` 1.0.0-beta.0 (MIT; `npm pack`, cached in
//!   target/report-schemas/) and applied by the venv's jsonschema
//!   (tests/python/reports/validate_json.py);
//! - GitLab Code Quality: no JSON schema of it is packaged on the registries reachable
//!   here, so the test checks exactly the members GitLab's documentation lists as
//!   required: `description`, `check_name`, `fingerprint` (strings; fingerprints unique
//!   and stable when lines move), `severity` (one of info, minor, major, critical,
//!   blocker), `location.path` (relative) and `location.lines.begin` (an integer >= 1);
//! - JUnit XML read back by junitparser (pinned in the venv) with every count recounted
//!   (tests/python/reports/read_junit.py);
//! - JSON Lines read line by line.
//!
//! The exact bytes of each are pinned in tests/cli.rs.

#[allow(dead_code)]
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::python::{manifest_dir, python_dir, run_python};
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

/// The npm package the SARIF schema comes from, and the schema's path in it.
const SARIF_SCHEMA_PACKAGE: &str = "@microsoft/jest-sarif@1.0.0-beta.0";
const SARIF_SCHEMA_FILE: &str = "package/lib/schemas/sarif-2.1.0-rtm.5.json";

/// The SARIF 2.1.0 schema, fetched once with `npm pack` into target/report-schemas/.
fn sarif_schema() -> PathBuf {
    let dir = manifest_dir().join("target").join("report-schemas");
    let schema = dir.join("sarif-2.1.0-rtm.5.json");
    if schema.exists() {
        return schema;
    }
    fs::create_dir_all(&dir).unwrap();
    let work = tempfile::tempdir_in(&dir).unwrap();
    let packed = Command::new("npm")
        .args(["pack", "--silent", SARIF_SCHEMA_PACKAGE, "--pack-destination"])
        .arg(work.path())
        .current_dir(work.path())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|err| panic!("the SARIF schema needs npm (`npm pack {SARIF_SCHEMA_PACKAGE}`), which cannot run: {err}"));
    assert!(packed.status.success(), "npm pack {SARIF_SCHEMA_PACKAGE} failed: {}", String::from_utf8_lossy(&packed.stderr));
    let tarball = work.path().join(String::from_utf8_lossy(&packed.stdout).trim());
    let unpacked = Command::new("tar").arg("-xzf").arg(&tarball).arg("-C").arg(work.path()).arg(SARIF_SCHEMA_FILE).output().unwrap();
    assert!(unpacked.status.success(), "tar -xzf {}: {}", tarball.display(), String::from_utf8_lossy(&unpacked.stderr));
    // Renamed into place whole, so a parallel or interrupted run never reads half a file.
    fs::rename(work.path().join(SARIF_SCHEMA_FILE), &schema).unwrap();
    schema
}

/// What validate_json.py says of `document` against `schema`, and whether it passed.
fn validate(schema: &Path, document: &Path) -> (String, bool) {
    let output = run_python([python_dir().join("reports/validate_json.py").as_os_str(), schema.as_os_str(), document.as_os_str()]);
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    (String::from_utf8_lossy(&output.stdout).into_owned(), output.status.success())
}

/// Every member named `...Uri` (informationUri, helpUri, downloadUri...) anywhere in `value`.
fn uri_members<'a>(value: &'a Value, found: &mut Vec<(&'a str, &'a Value)>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                if key.ends_with("Uri") {
                    found.push((key, member));
                }
                uri_members(member, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| uri_members(item, found)),
        _ => {}
    }
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema = sarif_schema();
    let title: Value = serde_json::from_slice(&fs::read(&schema).unwrap()).unwrap();
    assert_eq!(title["title"], "Static Analysis Results Format (SARIF) Version 2.1.0-rtm.5 JSON Schema");
    let tmp = project();
    // With the storage module among the paths, the literals get fixes (SARIF `fixes`).
    fs::create_dir(tmp.path().join("app/utils")).unwrap();
    fs::write(tmp.path().join("app/utils/s3_utils.py"), "import os\n\nSUPABASE_BUCKET_NAME = os.getenv(\"SUPABASE_BUCKET_NAME\", \"anantra-lms-store\")\n").unwrap();
    let bytes = report(tmp.path(), "sarif");
    let path = tmp.path().join("report.sarif");
    fs::write(&path, &bytes).unwrap();
    assert_eq!(validate(&schema, &path), ("valid\n".to_owned(), true));
    let sarif: Value = serde_json::from_slice(&bytes).unwrap();
    // What the schema leaves to the text of the standard: those URIs must be absolute
    // (RFC 3986: a scheme first). The report has none (README, "Output and exit codes").
    let mut uris = Vec::new();
    uri_members(&sarif, &mut uris);
    assert_eq!(uris, Vec::<(&str, &Value)>::new());
    // The fix and the failed file are in it, so the schema checked those parts too.
    assert!(sarif["runs"][0]["results"].as_array().unwrap().iter().any(|result| result.get("fixes").is_some()));
    assert_eq!(sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap().len(), 1);
    // The validator does reject what the schema forbids.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    broken["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = Value::from(7);
    fs::write(&path, serde_json::to_vec(&broken).unwrap()).unwrap();
    let (said, passed) = validate(&schema, &path);
    assert!(!passed, "{said}");
    assert!(said.contains("at /runs/0/results/0/level: 'fatal' is not one of ['none', 'note', 'warning', 'error']\n"), "{said}");
    assert!(said.contains("at /runs/0/tool/driver/rules/0/helpUri: 7 is not of type 'string'\n"), "{said}");
}
